"""Microsoft 365 / Exchange Online Protection: X-Forefront-Antispam-Report and friends.

Sources: Microsoft's "Anti-spam message headers in Microsoft 365", the SCL and BCL pages, the
Exchange antispam stamps page, and community notes for the undocumented tokens (see
``data/microsoft.json``; every entry carries its own source and confidence).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import (
    Draft,
    flat_sep_free,
    fmt_num,
    paren_items,
    parse_float,
    simple,
    split_list,
)
from headerlens.spam.knowledge import (
    Template,
    knowledge,
    make_field,
    new_field,
    new_rule,
    raw_field,
    with_meaning,
)
from headerlens.spam.models import Confidence
from headerlens.spam.registry import exact, prefix

VENDOR = "microsoft"

SPAM_SFV = frozenset({"SPM", "SKS", "BLK", "SKB"})
CLEAN_SFV = frozenset({"NSPM"})
"""Spam filtering ran and found the message clean. SKQ (released from quarantine) says
nothing of the verdict itself: the SCL does."""
BYPASS_SFV = {
    "SFE": "the recipient's Safe Senders list (SFV:SFE)",
    "SKA": "an allowed sender or domain in the anti-spam policy (SFV:SKA)",
    "SKN": "a mail flow rule or similar that marked it not spam first (SFV:SKN)",
    "SKI": "intra-organisation mail (SFV:SKI)",
    "SKU": "a reason Microsoft does not document (SFV:SKU)",
}
"""Spam filtering did not judge the message (allow entry, rule or internal mail): not 'not
spam' but not evaluated (SFV values, Microsoft's anti-spam message headers page)."""
SCL_BYPASS = "internal mail, a transport rule or an allow entry (SCL -1)"
IPV_BYPASS = "the connection filter's IP allow list (IPV:CAL)"
INTERNAL_BYPASS = "internal mail: Exchange authenticated the sender as Internal (SCL -1, AuthAs)"


_RULE_KEYS = frozenset({"SFS", "ENG", "RULEID"})

_Step = tuple[Template | None, Mapping[str, Template] | None, str, str, int]


@cache
def _plan(table: str, prefix: str) -> dict[str, _Step]:
    """For each key of ``table`` (exact spelling), worked out at load time: the field template
    of a plain entry (None for enumerated keys), for enumerated keys the template per exact
    value, the key as read back, the fact name it is stored under, and whether it lists rules
    (1: always, 2: ARA, when its value has a ``|``; 0: never)."""
    kb = knowledge(VENDOR)
    templates = kb.templates[table]
    upper = table != "mailbox_delivery"
    out: dict[str, _Step] = {}
    for k in kb.tables[table]:
        ukey = k.upper() if upper else k
        kind = 1 if ukey in _RULE_KEYS else 2 if ukey == "ARA" else 0
        tpl, by_value = templates[k]
        out[k] = (tpl, by_value, ukey, prefix + ukey, kind)
    return out


@cache
def _sfs() -> dict[str, tuple[str | None, str | None]]:
    """{rule id, exact spelling: (description, source)} of the SFS/ENG/RULEID table."""
    return {k: (e.meaning, e.source) for k, e in knowledge(VENDOR).tables["sfs"].items()}


_NO_RULE: tuple[None, None] = (None, None)
_FLAT_SEMI = flat_sep_free(";")


@cache
def _rule_templates(ukey: str) -> dict[str, dict[str, Any]]:
    """{rule id, exact spelling: the SpamRule state for ``ukey:id``} (ukey: SFS, ENG, RULEID
    or ARA), worked out once: a known rule is a copy."""
    return {
        k: {"name": f"{ukey}:{k}", "score": None, "description": m, "source": src}
        for k, (m, src) in _sfs().items()
    }


def _rules(d: Draft, ukey: str, val: str) -> bool:
    """Add the rule ids listed in ``val`` (``(a)(b)`` or ``a|b``); False when a ``(`` is not
    closed."""
    closed = True
    if "(" in val:
        items, closed = paren_items(val)
    else:
        items = list(filter(str.strip, val.split("|")))
    known = _rule_templates(ukey).get
    add = d.rules.append
    for item in items:
        item = item.strip()
        tpl = known(item)
        if tpl is not None:
            state = tpl.copy()
        else:
            hit: tuple[str | None, str | None] = _NO_RULE
            if not item.isdigit():  # digits have no case to try
                sfs = knowledge(VENDOR).tables["sfs"]
                desc = sfs.get(item.upper()) or sfs.get(item.lower())
                if desc is not None:
                    hit = (desc.meaning, desc.source)
            state = {
                "name": f"{ukey}:{item}",
                "score": None,
                "description": hit[0],
                "source": hit[1],
            }
        add(new_rule(state))
    return closed


def _tokens(f: HeaderField, d: Draft, log: DefectLog, table: str, *, prefix: str = "") -> None:
    field = knowledge(VENDOR).field
    plan = _plan(table, prefix).get
    add = d.fields.append
    facts = d.facts
    index = f.index
    malformed = False
    unclosed: list[str] = []
    value = f.value
    # split_list(value, ";") without its strip pass (each part is stripped below): a plain
    # split when no group can hold a ';'.
    if ("(" not in value and "[" not in value) or _FLAT_SEMI(value) is not None:
        parts = value.split(";")
    else:
        parts = split_list(value, ";")
    for part in parts:  # split_pairs(value, ";", ":") inlined
        key, found, val = part.partition(":")
        if not found:
            part = part.strip()
            if not part or part == "(null)":
                continue
            add(raw_field(f, key=part, value=""))
            malformed = True
            continue
        key = key.strip()
        val = val.strip()
        if val == "(null)":
            val = ""
        step = plan(key)
        if step is not None:  # a key of the table, spelt exactly: answers from _plan()
            tpl, by_value, ukey, fact, kind = step
            if tpl is None and by_value is not None:
                tpl = by_value.get(val)
            if tpl is not None:
                state = tpl.copy()  # field_from() inlined
                state["value"] = val
                state["header_index"] = index
                add(new_field(state))
            else:
                add(field(table, key, val, index))
            if kind and (kind == 1 or "|" in val):  # a list of rule ids, not a fact
                if not _rules(d, ukey, val):
                    unclosed.append(key)
            elif fact not in facts:
                facts[fact] = val
            continue
        ukey = key.upper() if table != "mailbox_delivery" else key
        if ukey in _RULE_KEYS or (ukey == "ARA" and "|" in val):
            add(field(table, key, val, index))
            if not _rules(d, ukey, val):
                unclosed.append(key)
            continue
        add(field(table, key, val, index))
        facts.setdefault(prefix + ukey, val)
    if malformed:
        log.add("spam.malformed_value", f"{f.name}: a token without ':' was kept raw", f.index)
    for key in unclosed:
        log.add("spam.malformed_value", f"{f.name}: a '(' in {key} is not closed", f.index)


def _forefront(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    _tokens(f, d, log, "forefront")
    sfv = d.facts.get("SFV", "").upper()
    scl = parse_float(d.facts.get("SCL"))
    if scl is not None:
        d.score, d.threshold = scl, 5.0
    if sfv in SPAM_SFV:
        d.is_spam = True
    else:
        why = BYPASS_SFV.get(sfv)
        if why is None and d.facts.get("IPV", "").upper() == "CAL":
            why = IPV_BYPASS
        if why is None and scl is not None and scl < 0:
            why = SCL_BYPASS
        if why is not None:  # not judged: the analysis turns this into is_spam None
            d.facts["allowlisted"] = why
        elif sfv in CLEAN_SFV:
            d.is_spam = False
        elif scl is not None:
            d.is_spam = scl >= 5
    if f.name.lower().endswith("-untrusted"):
        d.untrusted_twin = True
    return True


def _antispam(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    _tokens(f, d, log, "antispam")
    if f.name.lower().endswith("-untrusted"):
        d.untrusted_twin = True
    return True


def _mailbox_delivery(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    _tokens(f, d, log, "mailbox_delivery", prefix="mbx.")
    where = _FOLDERS.get(d.facts.get("mbx.dest", "").upper())
    if where is not None:
        d.facts["delivered"] = where
        d.action = f"delivered to {where}"
    return True


def _scl(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    value = f.value.strip()
    d.fields.append(knowledge(VENDOR).field(None, f.name, value, f.index))
    d.facts.setdefault("ORG_SCL", value)
    if d.score is None:
        scl = parse_float(f.value)
        if scl is not None:
            d.score, d.threshold = scl, 5.0
            if scl < 0:
                d.facts.setdefault("allowlisted", SCL_BYPASS)
            elif d.is_spam is None:
                d.is_spam = scl >= 5
    return True


def _latency(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    value = f.value
    parts = value.strip().split(":")
    if len(parts) == 3:
        h, m, s = parse_float(parts[0]), parse_float(parts[1]), parse_float(parts[2])
        if h is not None and m is not None and s is not None:
            secs = h * 3600 + m * 60 + s
            kb = knowledge(VENDOR)
            r = kb.resolved[None].get(f.name.lower())
            if isinstance(r, tuple):  # the usual plain entry: one field with the duration added
                d.fields.append(
                    make_field(
                        f.name, value, f"{r[0]} ({fmt_num(secs)} s)", r[1], r[2], True, f.index
                    )
                )
                return True
            field = kb.field(None, f.name, value, f.index)
            d.fields.append(with_meaning(field, f"{field.meaning} ({fmt_num(secs)} s)"))
            return True
    d.fields.append(knowledge(VENDOR).field(None, f.name, value, f.index))
    return True


_FOLDERS = {"I": "Inbox", "J": "Junk Email", "C": "a custom folder", "D": "Deleted Items"}
"""X-Microsoft-Antispam-Mailbox-Delivery ``dest`` values: the folder delivered to."""
_COMPAUTH = {
    "pass": "composite authentication passed",
    "fail": "composite authentication failed: the sender is not shown to own the From domain",
    "softpass": "composite authentication soft-passed",
    "none": "composite authentication was not applied",
}


@cache
def _reasons() -> dict[str, tuple[str | None, Confidence, str | None, bool]]:
    """{compauth reason code, exact spelling: its field's meaning, confidence, source and
    known flag}, for the codes the table lists (others are looked up as they come)."""
    return {
        k: (e.meaning, e.confidence, e.source, True)
        for k, e in knowledge(VENDOR).tables["compauth"].items()
    }


def _reason(reason: str) -> tuple[str | None, Confidence, str | None, bool]:
    """What :func:`_reasons` would hold for a code it does not list: the table read in any
    case, then the code's class (``4xx`` for ``451``)."""
    kb = knowledge(VENDOR)
    entry = kb.token("compauth", reason)
    if entry is None and len(reason) == 3 and reason.isdigit():
        entry = kb.token("compauth", reason[0] + "xx")
    if entry is None:
        return (None, "inferred", None, False)
    return (entry.meaning, entry.confidence, entry.source, True)


def _compauth(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    """Read ``compauth=<result> reason=<code>`` out of a Microsoft Authentication-Results."""
    low = f.value.lower()
    at = low.find("compauth=")
    if at < 0:
        return False
    rest = f.value[at + len("compauth=") :]
    words = rest.split(None, 1)
    result = words[0].rstrip(";") if words else ""
    reason = None
    rat = rest.lower().find("reason=")
    if 0 <= rat < 80:
        tail = rest[rat + len("reason=") :].split(None, 1)
        reason = tail[0].rstrip(";") if tail else None
    kb = knowledge(VENDOR)
    lresult = result.lower()
    meaning = _COMPAUTH.get(lresult)
    d.fields.append(
        make_field(
            "compauth",
            result,
            meaning,
            "documented",
            kb.sources["eop"],
            meaning is not None,
            f.index,
        )
    )
    d.facts["compauth"] = lresult
    if reason is not None:
        hit = _reasons().get(reason) or _reason(reason)
        d.fields.append(
            make_field("compauth.reason", reason, hit[0], hit[1], hit[2], hit[3], f.index)
        )
        d.facts["compauth_reason"] = reason
    return True


_SIMPLE = (
    "X-Microsoft-Antispam-Message-Info",
    "X-Microsoft-Antispam-Message-Info-Original",
    "X-Microsoft-Antispam-PRVS",
    "X-MS-Exchange-Organization-PCL",
    "X-MS-Exchange-Organization-AuthAs",
    "X-MS-Exchange-Organization-AuthSource",
    "X-MS-Exchange-Organization-AuthMechanism",
    "X-MS-Exchange-Organization-MessageDirectionality",
    "X-MS-Exchange-Organization-Network-Message-Id",
    "X-MS-Exchange-CrossTenant-OriginalArrivalTime",
    "X-MS-Exchange-CrossTenant-Network-Message-Id",
    "X-MS-Exchange-CrossTenant-Id",
    "X-MS-Exchange-CrossTenant-FromEntityHeader",
    "X-MS-Exchange-CrossTenant-AuthAs",
    "X-MS-Exchange-CrossTenant-AuthSource",
    "X-MS-Exchange-Transport-CrossTenantHeadersStamped",
    "X-MS-Office365-Filtering-Correlation-Id",
    "X-MS-Exchange-AtpMessageProperties",
    "X-MS-PublicTrafficType",
    "X-MS-TrafficTypeDiagnostic",
)

DECODERS = (
    exact(
        VENDOR,
        ("X-Forefront-Antispam-Report", "X-Forefront-Antispam-Report-Untrusted"),
        _forefront,
        primary=True,
    ),
    exact(VENDOR, ("X-Microsoft-Antispam", "X-Microsoft-Antispam-Untrusted"), _antispam),
    exact(VENDOR, ("X-Microsoft-Antispam-Mailbox-Delivery",), _mailbox_delivery),
    exact(VENDOR, ("X-MS-Exchange-Organization-SCL",), _scl),
    exact(VENDOR, ("X-MS-Exchange-Transport-EndToEndLatency",), _latency),
    exact(VENDOR, ("Authentication-Results",), _compauth),
    exact(VENDOR, _SIMPLE, simple(VENDOR)),
    prefix(VENDOR, "X-MS-Exchange-", simple(VENDOR)),
    prefix(VENDOR, "X-MS-Office365-", simple(VENDOR)),
    prefix(VENDOR, "X-Microsoft-Antispam-", simple(VENDOR)),
)


_AUTHAS = "x-ms-exchange-organization-authas"


def bypass_reason(d: Draft) -> str | None:
    """Why filtering was bypassed, if it was; an SCL of -1 on mail Exchange authenticated as
    internal (X-MS-Exchange-Organization-AuthAs: Internal) is said to be internal mail. The
    refined reason is stored back, so the findings read the same text."""
    why = d.facts.get("allowlisted")
    if why == SCL_BYPASS:
        for f in d.fields:
            if f.key.lower() == _AUTHAS and f.value.strip().lower() == "internal":
                why = d.facts["allowlisted"] = INTERNAL_BYPASS
                break
    return why


def explain(d: Draft) -> str:
    """One paragraph on what EOP decided and what happened at delivery."""
    parts: list[str] = []
    sfv = d.facts.get("SFV")
    scl = d.facts.get("SCL") or d.facts.get("ORG_SCL")
    kb = knowledge(VENDOR)
    if sfv:
        e = kb.token("forefront", "SFV")
        v = e.value(sfv) if e else None
        parts.append(
            f"EOP's verdict is SFV:{sfv}" + (f" ({v.meaning})" if v else " (an undocumented value)")
        )
    if scl:
        parts.append(f"the spam confidence level is {scl}")
    if d.facts.get("BCL"):
        parts.append(f"the bulk complaint level is {d.facts['BCL']}")
    if d.facts.get("CAT") and d.facts["CAT"].upper() != "NONE":
        parts.append(f"the protection category is {d.facts['CAT']}")
    if d.facts.get("compauth"):
        r = d.facts.get("compauth_reason")
        parts.append(
            f"composite authentication is {d.facts['compauth']}" + (f" (reason {r})" if r else "")
        )
    why = bypass_reason(d)
    if why is not None and d.is_spam is None:
        parts.append(f"spam filtering was bypassed because of {why}, so no spam verdict was made")
    if d.facts.get("delivered"):
        parts.append(f"the mailbox delivered to {d.facts['delivered']}")
    if not parts:
        return "Exchange / Microsoft 365 processed the message; no spam verdict tokens were found."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


__all__ = [
    "BYPASS_SFV",
    "CLEAN_SFV",
    "DECODERS",
    "EXPLAIN",
    "INTERNAL_BYPASS",
    "SPAM_SFV",
    "VENDOR",
    "bypass_reason",
    "explain",
]


EXPLAIN = explain
