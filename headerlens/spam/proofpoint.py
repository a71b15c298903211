"""Proofpoint: X-Proofpoint-Spam-Details (rule=, per-classifier scores) and friends."""

from __future__ import annotations

from functools import cache

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import SMALL_NUMBERS, Draft, parse_float, simple
from headerlens.spam.knowledge import Template, knowledge, make_rule, new_field
from headerlens.spam.registry import exact, prefix

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "proofpoint"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


_SPAM_RULES = frozenset({"spam", "bulk", "phish", "malware", "adult", "quarantine"})

_Step = tuple[Template | None, bool, str | None, str | None]


@cache
def _plan() -> dict[str, _Step]:
    """For each token key of the details table (exact spelling), worked out at load time: the
    field template of a plain entry (None for enumerated keys), whether it is a classifier
    score read as a rule, that rule's description, and the fact it feeds (``rule``/
    ``spamscore``) if any."""
    kb = knowledge(VENDOR)
    templates = kb.templates["details"]
    out: dict[str, _Step] = {}
    for k, e in kb.tables["details"].items():
        lk = k.lower()
        fact = lk if len(k) in (4, 9) and lk in ("rule", "spamscore") else None
        out[k] = (templates[k][0], k.endswith("score") and k != "score", e.meaning, fact)
    return out


def _details(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    kb = knowledge(VENDOR)
    field = kb.field
    table = kb.tables["details"]
    plan = _plan().get
    add = d.fields.append
    rule_add = d.rules.append
    index = f.index
    bad = False
    rule: str | None = None
    spamscore: str | None = None
    for tok in f.value.split():
        k, eq, v = tok.partition("=")
        if not eq:
            add(field("details", tok, "", index))
            bad = True
            continue
        step = plan(k)
        if step is not None:  # a key of the table, spelt exactly: answers from _plan()
            tpl = step[0]
            if tpl is not None:
                state = tpl.copy()  # field_from() inlined
                state["value"] = v
                state["header_index"] = index
                add(new_field(state))
            else:
                add(field("details", k, v, index))
            fact = step[3]
            if fact is not None:
                if fact == "rule":
                    rule = v
                else:
                    spamscore = v
            if step[1]:
                # parse_float() of the usual small whole number: the same value without the call
                sc = SMALL_NUMBERS.get(v)
                if sc is None:
                    sc = parse_float(v)
                if sc is not None:
                    rule_add(make_rule(k, sc, step[2]))
            continue
        add(field("details", k, v, index))
        if len(k) in (4, 9):  # only rule= and spamscore= are read back (last one wins)
            lk = k.lower()
            if lk == "rule":
                rule = v
            elif lk == "spamscore":
                spamscore = v
        if k.endswith("score") and k != "score":
            sc = parse_float(v)
            if sc is not None:
                entry = table.get(k) or kb.token("details", k)
                rule_add(make_rule(k, sc, entry.meaning if entry else None))
    if rule is not None:
        d.facts["rule"] = rule
    if spamscore is not None:
        d.facts["spamscore"] = spamscore
    rule = d.facts.get("rule", "").lower()
    if rule:
        d.is_spam = rule in _SPAM_RULES or rule.startswith(("spam", "phish", "malware", "bulk"))
        d.action = f"rule={rule}"
        if rule in ("safe", "orgsafe"):
            d.facts["allowlisted"] = f"Proofpoint rule={rule}"
        if rule == "malware":
            d.facts["malware"] = "Proofpoint rule=malware"
    d.score = parse_float(d.facts.get("spamscore"))
    if bad:
        log.add("spam.malformed_value", f"{f.name}: tokens without '=' kept raw", f.index)
    return True


DECODERS = (
    exact(VENDOR, ("X-Proofpoint-Spam-Details",), _details, primary=True),
    exact(VENDOR, tuple(n for n in _names() if n != "x-proofpoint-spam-details"), simple(VENDOR)),
    prefix(VENDOR, "X-Proofpoint-", simple(VENDOR)),
)
