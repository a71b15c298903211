"""The spam step: find every vendor filtering header, decode it, and say what it means.

Order of work: each header field is matched against the registry (exact name, then prefix);
fields of one vendor, on the same side of the trust boundary, form one verdict (a repeated
primary header such as a second X-Spam-Status starts a new one); each verdict gets its hop
(the nearest Received field below it) and an explanation; then the appliances are
fingerprinted and the helpdesk findings drawn.
"""

from __future__ import annotations

import bisect
from operator import attrgetter, countOf, gt

from headerlens._model import build
from headerlens._text import ascii_digits
from headerlens.defects import DefectLog
from headerlens.errors import DefectError
from headerlens.hops.models import HopAnalysis, Received
from headerlens.message import HeaderField, Message
from headerlens.policy import Policy
from headerlens.spam.decoding import Draft, fmt_num, join_names
from headerlens.spam.helpdesk import draw_findings
from headerlens.spam.knowledge import knowledge, new_field, raw_field
from headerlens.spam.models import Appliance, SpamAnalysis, SpamVerdict
from headerlens.spam.registry import Candidates, NameInfo, Registration, Registry
from headerlens.spam.sarules import rule_book
from headerlens.spam.vendors import REGISTRY

__all__ = ["analyze_spam"]


_HEADER_INDEX = attrgetter("header_index")
_HOP_INDEX = attrgetter("index")


def _hop_table(
    message: Message, hops: HopAnalysis, lnames: list[str] | None = None
) -> tuple[list[int], list[int]]:
    """The header indexes of the Received fields in ascending order, and each one's hop index."""
    hl = hops.hops
    if hl:
        keys = list(map(_HEADER_INDEX, hl))
        nums = list(map(_HOP_INDEX, hl))
        if all(map(gt, keys, keys[1:])):  # the usual order (hop 0 lowest): sorted once reversed
            keys.reverse()
            nums.reverse()
            return keys, nums
        pairs = sorted(zip(keys, nums, strict=True))
        return [p[0] for p in pairs], [p[1] for p in pairs]
    if lnames is None:
        lnames = [h.name.lower() for h in message.headers]
    received = [h.index for h, n in zip(message.headers, lnames, strict=True) if n == "received"]
    n = len(received)
    return received, [n - 1 - k for k in range(n)]


_KNOWN = attrgetter("known")


def _explain(d: Draft, display: str, registry: Registry) -> str:
    fn = registry.explainers.get(d.vendor)
    body = fn(d) if fn is not None else ""
    if not body:
        bits: list[str] = []
        if d.score is not None:
            s = f"{display} scored the message {fmt_num(d.score)}"
            if d.threshold is not None:
                s += f" against a spam threshold of {fmt_num(d.threshold)}"
            bits.append(s)
        who = "it" if bits else display
        bypassed = d.facts.get("allowlisted") if d.is_spam is None else None
        if d.is_spam is True:
            bits.append(f"{who} classified the message as spam")
        elif d.is_spam is False:
            bits.append(f"{who} did not classify the message as spam")
        elif bypassed:
            bits.append(
                f"{who} did not judge the message: filtering was bypassed because of {bypassed}"
            )
        if d.action and not bypassed:
            bits.append(f"action: {d.action}")
        names = d.top_rules() if d.is_spam else None
        if names:
            bits.append(f"mostly because of {join_names(names)}")
        if not bits:
            bits.append(
                f"{display} left header fields on the message but no spam verdict, score or"
                " action: they record that it handled the message, not what it decided"
            )
        body = "; ".join(bits) + "."
        body = body[0].upper() + body[1:]
    if d.notes:
        notes = " ".join(d.notes)
        if notes:
            body = f"{body} {notes}"
    unknown = countOf(map(_KNOWN, d.fields), False)
    if unknown:
        body += f" {unknown} token(s) are not in our knowledge base and are shown as unknown."
    if not d.trusted:
        why = "an -Untrusted copy" if d.untrusted_twin else "below the trust boundary"
        body = (
            f"Claim by an untrusted party ({why}): anyone upstream could have written this. {body}"
        )
    return body


BYPASSED = "filtering bypassed"


def _bypass(d: Draft) -> None:
    """An allow-listed or rule-bypassed message was not judged: its 'not spam' is no verdict.

    Every decoder records such an override as the ``allowlisted`` fact; the verdict then has
    ``is_spam`` None (not evaluated) and an action saying filtering was bypassed.
    """
    if d.is_spam is False:
        d.is_spam = None
    if d.is_spam is None:
        d.action = BYPASSED if not d.action else f"{BYPASSED}; {d.action}"


def _verdict(d: Draft, registry: Registry) -> SpamVerdict:
    if d.rule_rows:
        d.finish()
    if "allowlisted" in d.facts:
        _bypass(d)
    display = knowledge(d.vendor).display
    # Every value below is typed by construction (the Draft's annotations), so the verdict is
    # built without re-validating its fields and rules one by one.
    return build(
        SpamVerdict,
        {
            "vendor": d.vendor,
            "header_indexes": tuple(d.header_indexes),
            "score": d.score,
            "threshold": d.threshold,
            "is_spam": d.is_spam,
            "action": d.action,
            "rules": tuple(d.rules),
            "fields": tuple(d.fields),
            "explanation": _explain(d, display, registry),
            "trusted": d.trusted,
            "hop_index": d.hop_index,
            "product": display,
        },
    )


_Candidates = Candidates


def _fp_match(candidates: _Candidates, value: str) -> tuple[str, str] | None:
    """The first (vendor, product) whose value needle (if any) occurs in ``value``."""
    low: str | None = None
    for needle, vendor, product in candidates:
        if needle is not None:
            if low is None:
                low = value.lower()
            if needle not in low:
                continue
        return vendor, product
    return None


def _appliances(
    found: dict[tuple[tuple[str, str], int | None], list[int]],
) -> tuple[Appliance, ...]:
    """One appliance per ((vendor, product), hop) found, with its header indexes."""
    out: list[Appliance] = []
    for ((v, p), hop), idx in found.items():
        out.append(
            build(
                Appliance,
                {"vendor": v, "product": p, "header_indexes": tuple(idx), "hop_index": hop},
            )
        )
    return tuple(out)


_UNSEEN: NameInfo = ("", None, (), None, False, None)
"""What the registry's memo answers (by identity) for a name it has not seen."""


# Exchange Online writes its verdict headers below the Received block (after the original
# header fields), so their position says nothing about who wrote them. What does: when a
# message enters another tenant, Exchange Online renames the verdict headers it received to
# their "-Untrusted" twins. So when Microsoft's cloud is inside the trusted zone, the plain
# names were written by it, wherever they sit. Microsoft's cloud is recognised by its host
# names, or (host names are often rewritten in pasted or anonymised headers) by Exchange's own
# Received stamp "with Microsoft SMTP Server ... id 15.20.x": build 15.20 and later is
# Exchange Online's; Exchange Server 2013-2019 and SE are 15.0-15.2.
_MICROSOFT_CLOUD = (".outlook.com", ".office365.com", ".exchangelabs.com", ".outlook.cn")
_EXCHANGE_STAMP = "microsoft smtp server"
# Any Exchange server (on-premises too) runs the header firewall: it removes these headers
# from mail arriving from outside the organisation, so inside a trusted Exchange zone they
# are Exchange's own wherever they sit (Microsoft's "Header firewall" page).
_FIREWALLED = ("x-ms-exchange-organization-", "x-ms-exchange-forest-")


def _is_microsoft_cloud(host: str | None) -> bool:
    h = "." + (host or "").lower().rstrip(".")
    return h.endswith(_MICROSOFT_CLOUD)


def _exchange_build(received: Received) -> tuple[int, int] | None:
    """(major, minor) of an Exchange Received stamp's id, e.g. (15, 20); None if not one."""
    if (received.protocol or "").lower() != _EXCHANGE_STAMP:
        return None
    major, _, rest = (received.id or "").partition(".")
    minor = rest.partition(".")[0]
    if ascii_digits(major) and ascii_digits(minor):
        return int(major), int(minor)
    return (0, 0)


_APPENDING = frozenset({"microsoft"})
"""The vendors :func:`_appending_vendors_trusted` can name."""


def _appending_vendors_trusted(hops: HopAnalysis) -> tuple[frozenset[str], bool]:
    """Vendors that append their verdict headers and run a trusted hop of this message, and
    whether an Exchange server (whose header firewall vouches for ``_FIREWALLED``) does."""
    cloud = any(map(_is_microsoft_cloud, hops.trust.trusted_hosts))
    exchange = cloud
    for hop in hops.hops:
        if not hop.trusted:
            continue
        if _is_microsoft_cloud(hop.received.by_host):
            cloud = exchange = True
            break
        build = _exchange_build(hop.received)
        if build is not None:
            exchange = True
            if build >= (15, 20):
                cloud = True
                break
    return (_APPENDING if cloud else frozenset()), exchange


class _Trust:
    """Whether a vendor header at some position was written inside the trusted zone."""

    __slots__ = ("_appending", "boundary", "hops")

    def __init__(self, hops: HopAnalysis) -> None:
        self.hops = hops
        self.boundary = hops.trust.header_index
        self._appending: tuple[frozenset[str], bool] | None = None  # worked out when needed

    def vouches(self, vendor: str, lname: str, idx: int) -> bool:
        """At or above the boundary; below it only the headers of a vendor that appends its
        verdict there, or those an Exchange header firewall guards, when that vendor or an
        Exchange server runs a trusted hop."""
        boundary = self.boundary
        if boundary is None or idx <= boundary:
            return True
        if vendor not in _APPENDING and not lname.startswith(_FIREWALLED):
            return False
        if self._appending is None:
            self._appending = _appending_vendors_trusted(self.hops)
        vendors, exchange = self._appending
        return vendor in vendors or (exchange and lname.startswith(_FIREWALLED))


def _decode(reg: Registration, f: HeaderField, d: Draft, log: DefectLog) -> bool:
    """Run the registered decoder; a decoder bug is a defect, the field kept raw."""
    try:
        return reg.decoder(f, d, log)
    except DefectError:
        raise
    except Exception as exc:  # a decoder bug must not stop the analysis
        log.add("spam.decoder_failed", f"{f.name}: {type(exc).__name__}", f.index)
        d.add(raw_field(f))
        return True


def analyze_spam(
    message: Message, policy: Policy, *, hops: HopAnalysis, registry: Registry = REGISTRY
) -> SpamAnalysis:
    """Decode every vendor filtering header of ``message`` and explain the verdicts.

    Header fields are read as RFC 5322 section 2.2 unstructured values; the hop of each
    verdict is found from the Received chain (RFC 5321 section 4.4). SpamAssassin rules are
    described from ``policy.spamassassin_rules`` (if set) and our notes; an unreadable rules
    directory raises :class:`~headerlens.errors.InputError`. ``registry`` says which decoder
    reads which header (every vendor's, unless a test gives another).
    """
    log = DefectLog(strict=policy.strict)
    book = rule_book(policy.spamassassin_rule_dirs)  # InputError for an unreadable directory
    headers = message.headers
    keys, hop_list = _hop_table(message, hops)
    n_keys = len(keys)
    bisect_right = bisect.bisect_right
    drafts: list[Draft] = []
    current_trusted: dict[str, Draft] = {}
    current_untrusted: dict[str, Draft] = {}
    found: dict[tuple[tuple[str, str], int | None], list[int]] = {}
    memo_get = registry.remembered.get
    trust = _Trust(hops)
    for f in headers:
        name = f.name
        info = memo_get(name, _UNSEEN)
        if info is None:  # neither registered nor fingerprinted: most fields
            continue
        if info is _UNSEEN:
            info = registry.name_info(name)
            if info is None:
                continue
        lname, reg, cands, sure, twin, simple_tpl = info
        idx = f.index
        # hop_of(): the nearest Received field below this one
        pos = bisect_right(keys, idx)
        hop = hop_list[pos] if pos < n_keys else None
        if cands:
            vp = sure or _fp_match(cands, f.value)
            if vp is not None:
                fkey = (vp, hop)
                at = found.get(fkey)
                if at is None:
                    found[fkey] = [idx]
                else:
                    at.append(idx)
        if reg is None:
            continue
        vendor = reg.vendor
        trusted = not twin and trust.vouches(vendor, lname, idx)
        current = current_trusted if trusted else current_untrusted
        d = current.get(vendor)
        if d is None or (reg.primary and lname in d.names):
            d = Draft(vendor=vendor, trusted=trusted, hop_index=hop)
            d.untrusted_twin = twin
            d.book = book
            fresh = True
        else:
            fresh = False
        if simple_tpl is not None:  # simple(): the value as one field, meaning by header name
            state = simple_tpl.copy()  # field_from() inlined: a copy, two keys, the model
            state["value"] = f.value
            state["header_index"] = idx
            d.fields.append(new_field(state))
        elif not _decode(reg, f, d, log):
            continue
        d.header_indexes.append(idx)
        if reg.primary:  # only a primary name is looked for again (a repeat starts a verdict)
            d.names.add(lname)
        if fresh:
            drafts.append(d)
            current[vendor] = d
    if drafts:
        verdicts = tuple(_verdict(d, registry) for d in drafts)
        findings = draw_findings(drafts, verdicts)
    else:
        verdicts = findings = ()
    return build(
        SpamAnalysis,
        {
            "verdicts": verdicts,
            "appliances": _appliances(found) if found else (),
            "findings": findings,
            "defects": log.defects,
            "rule_source": book.source,
        },
    )
