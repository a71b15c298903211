"""The spam step: find every vendor filtering header, decode it, and say what it means.

Order of work: each header field is matched against the registry (exact name, then prefix);
fields of one vendor, on the same side of the trust boundary, form one verdict (a repeated
primary header such as a second X-Spam-Status starts a new one); each verdict gets its hop
(the nearest Received field below it) and an explanation; then the appliances are
fingerprinted and the helpdesk findings drawn.
"""

from __future__ import annotations

import bisect
from functools import cache

from headerlens.defects import DefectLog
from headerlens.errors import DefectError
from headerlens.hops.models import HopAnalysis
from headerlens.message import HeaderField, Message
from headerlens.policy import Policy
from headerlens.spam import vendors as _vendors
from headerlens.spam.base import (
    EXPLAINERS,
    Draft,
    fmt_num,
    join_names,
    knowledge,
    lookup,
    raw_field,
    top_rules,
)
from headerlens.spam.helpdesk import draw_findings
from headerlens.spam.models import Appliance, SpamAnalysis, SpamVerdict

__all__ = ["HopLocator", "analyze_spam", "decode_field", "fingerprint"]


class HopLocator:
    """Maps a header index to the hop whose MTA wrote it: the nearest Received field below."""

    def __init__(self, message: Message, hops: HopAnalysis) -> None:
        pairs: list[tuple[int, int]]
        if hops.hops:
            pairs = sorted((h.header_index, h.index) for h in hops.hops)
        else:
            received = [h.index for h in message.headers if h.lname == "received"]
            n = len(received)
            pairs = [(idx, n - 1 - k) for k, idx in enumerate(received)]
        self._keys = [p[0] for p in pairs]
        self._hops = [p[1] for p in pairs]
        trust = hops.trust.header_index
        self.boundary = trust

    def hop_of(self, header_index: int) -> int | None:
        """The hop index of the nearest Received below ``header_index``, or None."""
        pos = bisect.bisect_right(self._keys, header_index)
        if pos >= len(self._keys):
            return None
        return self._hops[pos]

    def trusted(self, header_index: int) -> bool:
        """False when the field sits below the trust boundary."""
        return self.boundary is None or header_index <= self.boundary


def decode_field(f: HeaderField, draft: Draft, log: DefectLog) -> bool:
    """Run the registered decoder for ``f`` into ``draft``; never raises on bad input."""
    reg = lookup(f.name)
    if reg is None:
        return False
    try:
        return reg.decoder(f, draft, log)
    except DefectError:
        raise
    except Exception as exc:  # a decoder bug must not stop the analysis
        log.add("spam.decoder_failed", f"{f.name}: {type(exc).__name__}", f.index)
        draft.add(raw_field(f))
        return True


def _explain(d: Draft) -> str:
    display = knowledge(d.vendor).display
    fn = EXPLAINERS.get(d.vendor)
    body = fn(d) if fn is not None else ""
    if not body:
        bits: list[str] = []
        if d.score is not None:
            s = f"{display} scored the message {fmt_num(d.score)}"
            if d.threshold is not None:
                s += f" against a spam threshold of {fmt_num(d.threshold)}"
            bits.append(s)
        who = "it" if bits else display
        if d.is_spam is True:
            bits.append(f"{who} classified the message as spam")
        elif d.is_spam is False:
            bits.append(f"{who} did not classify the message as spam")
        if d.action:
            bits.append(f"action: {d.action}")
        names = top_rules(d.rules)
        if names and d.is_spam:
            bits.append(f"mostly because of {join_names(names)}")
        if not bits:
            bits.append(f"{display} handled the message and left the fields below")
        body = "; ".join(bits) + "."
        body = body[0].upper() + body[1:]
    notes = " ".join(d.notes)
    if notes:
        body = f"{body} {notes}"
    unknown = sum(1 for f in d.fields if not f.known)
    if unknown:
        body += f" {unknown} token(s) are not in our knowledge base and are shown as unknown."
    if not d.trusted:
        why = "an -Untrusted copy" if d.untrusted_twin else "below the trust boundary"
        body = (
            f"Claim by an untrusted party ({why}): anyone upstream could have written this. {body}"
        )
    return body


def _verdict(d: Draft) -> SpamVerdict:
    return SpamVerdict(
        vendor=d.vendor,
        header_indexes=tuple(d.header_indexes),
        score=d.score,
        threshold=d.threshold,
        is_spam=d.is_spam,
        action=d.action,
        rules=tuple(d.rules),
        fields=tuple(d.fields),
        explanation=_explain(d),
        trusted=d.trusted,
        hop_index=d.hop_index,
        product=knowledge(d.vendor).display,
    )


@cache
def _fingerprint_table() -> dict[str, list[tuple[str, str | None, str, str]]]:
    """Every vendor's fingerprints, grouped by the first five characters of the prefix."""
    table: dict[str, list[tuple[str, str | None, str, str]]] = {}
    for vendor in _vendors.VENDORS:
        for prefix, product in knowledge(vendor).fingerprints:
            needle: str | None = None
            if "=" in prefix:
                prefix, _, needle = prefix.partition("=")
            table.setdefault(prefix[:5], []).append((prefix, needle, vendor, product))
    return table


def fingerprint(message: Message, locate: HopLocator) -> tuple[Appliance, ...]:
    """Which filtering products left headers, from name prefixes (and a few values), by hop."""
    table = _fingerprint_table()
    found: dict[tuple[str, str, int | None], list[int]] = {}
    for h in message.headers:
        lname = h.lname
        for prefix, needle, vendor, product in table.get(lname[:5], ()):
            if not lname.startswith(prefix):
                continue
            if needle is not None and needle not in h.value.lower():
                continue
            key = (vendor, product, locate.hop_of(h.index))
            found.setdefault(key, []).append(h.index)
            break
    return tuple(
        Appliance(vendor=v, product=p, header_indexes=tuple(idx), hop_index=hop)
        for (v, p, hop), idx in found.items()
    )


def analyze_spam(message: Message, policy: Policy, *, hops: HopAnalysis) -> SpamAnalysis:
    """Decode every vendor filtering header of ``message`` and explain the verdicts.

    Header fields are read as RFC 5322 section 2.2 unstructured values; the hop of each
    verdict is found from the Received chain (RFC 5321 section 4.4).
    """
    log = DefectLog(strict=policy.strict)
    locate = HopLocator(message, hops)
    drafts: list[Draft] = []
    current: dict[tuple[str, bool], Draft] = {}
    for f in message.headers:
        reg = lookup(f.name)
        if reg is None:
            continue
        twin = f.lname.endswith("-untrusted")
        trusted = locate.trusted(f.index) and not twin
        key = (reg.vendor, trusted)
        d = current.get(key)
        fresh = d is None or (reg.primary and f.lname in d.names)
        if fresh or d is None:
            d = Draft(vendor=reg.vendor, trusted=trusted, hop_index=locate.hop_of(f.index))
            d.untrusted_twin = twin
        if not decode_field(f, d, log):
            continue
        d.header_indexes.append(f.index)
        d.names.add(f.lname)
        if fresh:
            drafts.append(d)
            current[key] = d
    verdicts = tuple(_verdict(d) for d in drafts)
    findings = draw_findings(drafts, verdicts)
    return SpamAnalysis(
        verdicts=verdicts,
        appliances=fingerprint(message, locate),
        findings=findings,
        defects=log.defects,
    )
