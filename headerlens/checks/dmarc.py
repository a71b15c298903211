"""The DMARC record now (RFC 7489 section 6.6.3, RFC 9091 ``np=``), against the policy the
receiver recorded at delivery."""

from __future__ import annotations

from headerlens.auth.dmarc import parse_dmarc_record
from headerlens.auth.models import DmarcPolicy
from headerlens.checks._dns import FAILED, NO_DATA, CheckResolver
from headerlens.checks.models import Comparison, DmarcCheck
from headerlens.domains import organizational_domain

__all__ = ["check_dmarc"]


def _uris(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(u.strip() for u in value.split(",") if u.strip())


def _int(value: str | None) -> int | None:
    if value is None or not value.strip().isascii() or not value.strip().isdigit():
        return None
    return int(value.strip())


def check_dmarc(dns: CheckResolver, from_domain: str, recorded: DmarcPolicy | None) -> DmarcCheck:
    """Look ``_dmarc.<from_domain>`` up, then the organizational domain's (RFC 7489 6.6.3)."""
    org = organizational_domain(from_domain)
    names = [from_domain] if not org or org == from_domain else [from_domain, org]
    outcome = "no_record"
    record: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    asked = f"_dmarc.{from_domain}"
    fallback = False
    for n, domain in enumerate(names):
        asked = f"_dmarc.{domain}"
        lookup = dns.resolve(asked, "TXT")
        fallback = n > 0
        if lookup.outcome in FAILED:
            outcome = lookup.outcome
            break
        found = [(r, t) for r in lookup.records if (t := parse_dmarc_record(r)) is not None]
        if len(found) > 1:
            outcome = "several_records"
            break
        if found:
            outcome = "answer"
            record, tags = found[0]
            break
        outcome = lookup.outcome if lookup.outcome in NO_DATA else "no_record"
    values = dict(tags)
    domain_exists: bool | None = None
    if record is not None and fallback:
        probe = dns.resolve(from_domain, "A")
        domain_exists = None if probe.outcome in FAILED else probe.outcome != "nxdomain"
    p, sp, np = values.get("p"), values.get("sp"), values.get("np")
    applied: str | None = None
    applied_tag: str | None = None
    if record is not None:
        if not fallback:
            applied, applied_tag = p, "p"
        elif domain_exists is False and np:
            applied, applied_tag = np, "np"
        elif sp:
            applied, applied_tag = sp, "sp"
        else:
            applied, applied_tag = p, "p"
        applied = applied.lower() if applied else None
    pct = _int(values.get("pct"))
    then = recorded if recorded is not None and recorded.source != "published-record" else None
    changes = _changes(then, p, sp, np, pct) if record is not None else ()
    comparison: Comparison
    if outcome in FAILED:
        comparison = "not_checked"
    elif then is None:
        comparison = "not_recorded"
    elif record is None:
        comparison = "changed" if then.p else "same"
        if then.p:
            changes = (f"p: {then.p.lower()} -> no record",)
    else:
        comparison = "changed" if changes else "same"
    return DmarcCheck(
        from_domain=from_domain,
        org_domain=org,
        name=asked,
        outcome=outcome,
        record=record,
        tags=tags,
        org_domain_fallback=fallback and record is not None,
        domain_exists=domain_exists,
        p=p.lower() if p else None,
        sp=sp.lower() if sp else None,
        np=np.lower() if np else None,
        pct=pct,
        adkim=values.get("adkim"),
        aspf=values.get("aspf"),
        rua=_uris(values.get("rua")),
        ruf=_uris(values.get("ruf")),
        applied=applied,
        applied_tag=applied_tag,
        recorded=then,
        comparison=comparison,
        changes=changes,
        note=_note(from_domain, asked, outcome, record, applied, applied_tag, pct, changes),
    )


def _changes(
    then: DmarcPolicy | None, p: str | None, sp: str | None, np: str | None, pct: int | None
) -> tuple[str, ...]:
    """Tags whose effective value differs: an absent sp= is p= (RFC 7489 6.3), an absent np=
    is sp= (RFC 9091 4.1), an absent pct= is 100."""
    if then is None:
        return ()
    out: list[str] = []
    sp_now = sp or p
    np_now = np or sp_now
    for tag, old, new in (("p", then.p, p), ("sp", then.sp, sp_now), ("np", then.np, np_now)):
        if old is not None and old.lower() != (new or "").lower():
            out.append(f"{tag}: {old.lower()} -> {(new or 'unset').lower()}")
    if then.pct is not None and then.pct != (100 if pct is None else pct):
        out.append(f"pct: {then.pct} -> {100 if pct is None else pct}")
    return tuple(out)


def _note(
    domain: str,
    name: str,
    outcome: str,
    record: str | None,
    applied: str | None,
    applied_tag: str | None,
    pct: int | None,
    changes: tuple[str, ...],
) -> str:
    if outcome in FAILED:
        return f"The DMARC lookup {name} gave no answer ({outcome})."
    if outcome == "several_records":
        return f"{name} holds several DMARC records, so receivers apply none (RFC 7489 6.6.3)."
    if record is None:
        return f"{domain} publishes no DMARC record now (nor does its organizational domain)."
    text = f"{name}: {record}. Policy for {domain}: {applied or 'none'} (from {applied_tag}="
    text += f"{applied or ''})."
    if pct is not None and pct < 100:
        text += f" Applied to {pct}% of failing mail only."
    if changes:
        text += " Changed since delivery: " + "; ".join(changes) + "."
    return text
