"""The BIMI record of the From domain (draft-brand-indicators-for-message-identification):
``<selector>._bimi.<domain>`` TXT, falling back to the organizational domain."""

from __future__ import annotations

from headerlens.checks._dns import FAILED, CheckResolver
from headerlens.checks.models import BimiCheck, DmarcCheck
from headerlens.domains import organizational_domain

__all__ = ["check_bimi", "selector_from_header"]


def selector_from_header(value: str | None) -> str:
    """The ``s=`` of a BIMI-Selector field (``v=BIMI1; s=brand``), else ``default``."""
    if value:
        for part in value.split(";"):
            k, eq, v = part.strip().partition("=")
            if eq and k.strip().lower() == "s" and v.strip():
                s = v.strip()
                if s.isascii() and all(c.isalnum() or c in "-_" for c in s):
                    return s
    return "default"


def check_bimi(
    dns: CheckResolver, domain: str, selector: str, dmarc: DmarcCheck | None
) -> BimiCheck:
    """Look the BIMI record up and say whether DMARC now allows a logo to be shown."""
    names = [domain]
    org = organizational_domain(domain)
    if org and org != domain:
        names.append(org)
    record: str | None = None
    name = f"{selector}._bimi.{domain}"
    outcome = "nxdomain"
    for d in names:
        name = f"{selector}._bimi.{d}"
        lookup = dns.resolve(name, "TXT")
        outcome = lookup.outcome
        if lookup.outcome in FAILED:
            break
        found = [r for r in lookup.records if r.replace(" ", "").lower().startswith("v=bimi1")]
        if found:
            record = found[0]
            break
    enforced: bool | None = None
    if dmarc is not None and dmarc.outcome not in FAILED:
        enforced = dmarc.applied in ("quarantine", "reject") and (dmarc.pct or 100) == 100
    if record is None:
        note = (
            f"The BIMI lookup {name} gave no answer ({outcome})."
            if outcome in FAILED
            else f"{domain} publishes no BIMI record."
        )
        return BimiCheck(
            domain=domain,
            selector=selector,
            name=name,
            outcome=outcome,
            dmarc_enforced=enforced,
            note=note,
        )
    fields = {}
    for part in record.split(";"):
        k, eq, v = part.strip().partition("=")
        if eq:
            fields[k.strip().lower()] = v.strip()
    logo = fields.get("l") or None
    authority = fields.get("a") or None
    problems: list[str] = []
    if logo and not logo.lower().startswith("https://"):
        problems.append("l= is not an https URL")
    if authority and not authority.lower().startswith("https://"):
        problems.append("a= is not an https URL")
    if not logo:
        problems.append("no logo (l= empty): the domain declines to show one")
    if enforced is False:
        problems.append(
            "DMARC is not at quarantine or reject for all mail, so receivers show no logo"
        )
    note = f"{name}: {record}."
    if problems:
        note += " " + "; ".join(p[0].upper() + p[1:] for p in problems) + "."
    return BimiCheck(
        domain=domain,
        selector=selector,
        name=name,
        outcome="answer",
        record=record,
        logo=logo,
        authority=authority,
        problems=tuple(problems),
        dmarc_enforced=enforced,
        note=note,
    )
