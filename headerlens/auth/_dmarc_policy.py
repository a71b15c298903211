"""DMARC policies as written down (RFC 7489 section 6.3) and as published.

- :func:`policy_from_result`: the policy a receiver recorded in its ``dmarc`` result (a
  comment such as Google's ``(p=REJECT sp=REJECT dis=NONE)``, ``policy.*`` properties, or
  Microsoft's ``action=``);
- :func:`parse_dmarc_record` and :func:`lookup_record`: today's ``_dmarc`` TXT record, with
  the organizational-domain fallback (RFC 7489 section 6.6.3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from headerlens._text import ascii_digits
from headerlens.auth.models import AuthResult, DmarcPolicy, DmarcRecord
from headerlens.resolvers import Resolver

__all__ = [
    "MICROSOFT_ACTION_TEXT",
    "lookup_record",
    "parse_dmarc_record",
    "policy_from_result",
]

_POLICY_KEYS = ("p", "sp", "np", "dis", "pct", "adkim", "aspf")


def _pairs(text: str) -> list[tuple[str, str]]:
    """``k=v`` pairs separated by white space, ',' or ';' (linear, no regex)."""
    out: list[tuple[str, str]] = []
    for chunk in text.replace(",", " ").replace(";", " ").split():
        k, eq, v = chunk.partition("=")
        if eq:
            out.append((k.strip().lower(), v.strip()))
    return out


def _policy_from_pairs(pairs: Iterable[tuple[str, str]], source: str, raw: str) -> DmarcPolicy:
    values: dict[str, str] = {}
    for k, v in pairs:
        if k in _POLICY_KEYS and k not in values:
            values[k] = v
    pct: int | None = None
    if ascii_digits(values.get("pct", "")):
        pct = int(values["pct"])
    return DmarcPolicy(
        source=source,
        p=values["p"].lower() if "p" in values else None,
        sp=values["sp"].lower() if "sp" in values else None,
        np=values["np"].lower() if "np" in values else None,
        dis=values["dis"].lower() if "dis" in values else None,
        pct=pct,
        adkim=values["adkim"].lower() if "adkim" in values else None,
        aspf=values["aspf"].lower() if "aspf" in values else None,
        raw=raw,
    )


# Microsoft 365 writes what it did as ``action=`` (its anti-spam message header
# documentation): ``oreject``/``o.reject`` = the domain asks for reject, Microsoft overrode
# it and delivered the message as spam; ``pct.quarantine``/``pct.reject`` = the policy's
# pct= left this message out, so nothing was applied.
_MICROSOFT_ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "none": (("dis", "none"),),
    "quarantine": (("p", "quarantine"), ("dis", "quarantine")),
    "reject": (("p", "reject"), ("dis", "reject")),
    "oreject": (("p", "reject"), ("dis", "quarantine")),
    "o.reject": (("p", "reject"), ("dis", "quarantine")),
    "pct.quarantine": (("p", "quarantine"), ("dis", "none")),
    "pct.reject": (("p", "reject"), ("dis", "none")),
}
MICROSOFT_ACTION_TEXT = {
    "oreject": "Microsoft's action=oreject: the domain asks for reject, but Microsoft"
    " overrode it and delivered the message as spam (Junk Email).",
    "pct.quarantine": "Microsoft's action=pct.quarantine: the policy's pct= left this"
    " message out, so it was delivered without the quarantine.",
    "pct.reject": "Microsoft's action=pct.reject: the policy's pct= left this message out,"
    " so it was not rejected.",
}
MICROSOFT_ACTION_TEXT["o.reject"] = MICROSOFT_ACTION_TEXT["oreject"]


def policy_from_result(result: AuthResult) -> DmarcPolicy | None:
    """The DMARC policy a receiver recorded in a ``dmarc`` result, or ``None``.

    Reads the comment (Google/Yahoo ``(p=REJECT sp=REJECT dis=NONE)``, Fastmail
    ``(p=none,d=none)``), then ``policy.*`` properties (``policy.published-domain-policy``,
    ``policy.applied-disposition``), then Microsoft's ``action=`` as the disposition.
    """
    for c in result.comments:
        pairs = _pairs(c)
        if any(k in ("p", "sp", "dis") for k, _ in pairs):
            return _policy_from_pairs(pairs, "header-comment", c)
    mapped: list[tuple[str, str]] = []
    for prop in result.properties:
        key = f"{prop.ptype}.{prop.name}" if prop.ptype else prop.name
        if key == "action":
            mapped.extend(_MICROSOFT_ACTIONS.get(prop.value.lower(), (("dis", prop.value),)))
            continue
        name = {
            "policy.published-domain-policy": "p",
            "policy.published-subdomain-policy": "sp",
            "policy.applied-disposition": "dis",
            "policy.dmarc": "p",
        }.get(key)
        if name:
            mapped.append((name, prop.value))
    if mapped:
        raw = " ".join(f"{k}={v}" for k, v in mapped)
        return _policy_from_pairs(mapped, "header-property", raw)
    return None


def parse_dmarc_record(record: str) -> tuple[tuple[str, str], ...] | None:
    """The tags of a DMARC TXT record (RFC 7489 section 6.3), or ``None`` if not ``v=DMARC1``."""
    tags: list[tuple[str, str]] = []
    for part in record.split(";"):
        k, eq, v = part.partition("=")
        if eq:
            tags.append((k.strip().lower(), v.strip()))
    if not tags or tags[0] != ("v", "DMARC1"):
        return None
    return tuple(tags)


def lookup_record(
    domain: str, resolver: Resolver, org_domain: Callable[[str], str | None]
) -> DmarcRecord:
    """Look ``_dmarc.<domain>`` up, falling back to the organizational domain (RFC 7489 6.6.3)."""
    names = [domain]
    org = org_domain(domain)
    if org and org != domain:
        names.append(org)
    rec: DmarcRecord | None = None
    for n, name in enumerate(names):
        qname = f"_dmarc.{name}"
        lookup = resolver.resolve(qname, "TXT")
        at = lookup.at  # None when the resolver does not say when it answered (saved data)
        found = [t for r in lookup.records if (t := parse_dmarc_record(r)) is not None]
        if lookup.outcome == "answer" and len(found) == 1:
            tags = found[0]
            record = next(r for r in lookup.records if parse_dmarc_record(r) is not None)
            pol = _policy_from_pairs(tags, "published-record", record)
            return DmarcRecord(
                name=qname,
                outcome="answer",
                record=record,
                tags=tags,
                policy=pol,
                looked_up_at=at,
                org_domain_fallback=n > 0,
            )
        outcome: str = lookup.outcome
        if lookup.outcome == "answer":
            outcome = "nodata" if not found else "several-records"
        rec = DmarcRecord(name=qname, outcome=outcome, looked_up_at=at, org_domain_fallback=n > 0)
        if lookup.outcome in ("servfail", "timeout", "error", "not_looked_up"):
            break
    assert rec is not None
    return rec
