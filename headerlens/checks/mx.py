"""Where mail for a domain goes now: MX (RFC 5321 section 5.1), null MX (RFC 7505), MX
targets that are aliases (RFC 2181 section 10.3), and the implicit MX of a domain without one.
"""

from __future__ import annotations

from headerlens.checks._dns import FAILED, NO_DATA, CheckResolver
from headerlens.checks.models import MxCheck, MxHost

__all__ = ["check_mx", "mx_hosts"]

MAX_MX_HOSTS = 3  # address lookups for the most preferred hosts only: they carry the mail


def mx_hosts(records: tuple[str, ...]) -> list[tuple[int | None, str]]:
    """MX rdata as ``(preference, exchange)``, sorted by preference (the exchange undotted)."""
    out: list[tuple[int | None, str]] = []
    for r in records:
        pref, _, host = r.strip().partition(" ")
        out.append((int(pref) if pref.isascii() and pref.isdigit() else None, host.strip()))
    out.sort(key=lambda x: (x[0] if x[0] is not None else 65536, x[1]))
    return [(p, h.rstrip(".") if h != "." else ".") for p, h in out]


def _addresses(dns: CheckResolver, host: str) -> tuple[tuple[str, ...], str, str | None]:
    a = dns.resolve(host, "A")
    aaaa = dns.resolve(host, "AAAA")
    addrs = tuple(a.records if a.outcome == "answer" else ()) + tuple(
        aaaa.records if aaaa.outcome == "answer" else ()
    )
    if addrs:
        outcome = "answer"
    elif a.outcome in FAILED or aaaa.outcome in FAILED:
        outcome = a.outcome if a.outcome in FAILED else aaaa.outcome
    else:
        outcome = "nxdomain" if "nxdomain" in (a.outcome, aaaa.outcome) else "nodata"
    alias = a.canonical_name or aaaa.canonical_name
    return addrs, outcome, alias


def check_mx(dns: CheckResolver, domain: str, roles: tuple[str, ...]) -> MxCheck:
    """MX hosts of ``domain`` now with their addresses (first :data:`MAX_MX_HOSTS`)."""
    lookup = dns.resolve(domain, "MX")
    if lookup.outcome in FAILED:
        return MxCheck(
            domain=domain,
            roles=roles,
            outcome=lookup.outcome,
            note=f"The MX lookup for {domain} gave no answer ({lookup.outcome}).",
        )
    if lookup.outcome == "nxdomain":
        return MxCheck(
            domain=domain,
            roles=roles,
            outcome="nxdomain",
            accepts_mail=False,
            note=f"{domain} does not exist in DNS now (NXDOMAIN): no mail can reach it.",
        )
    if lookup.outcome in NO_DATA or not lookup.records:
        addrs, outcome, _ = _addresses(dns, domain)
        return MxCheck(
            domain=domain,
            roles=roles,
            outcome=lookup.outcome,
            implicit=True,
            addresses=addrs,
            accepts_mail=True if addrs else (None if outcome in FAILED else False),
            note=(
                f"{domain} has no MX record; mail goes to its own address"
                f" ({', '.join(addrs)}, RFC 5321 5.1)."
                if addrs
                else f"{domain} has neither an MX record nor an address: it cannot receive"
                " mail (replies and bounces to it are lost)."
            ),
        )
    entries = mx_hosts(lookup.records)
    null = any(h == "." for _, h in entries)
    if null:
        extra = " It also lists other MX hosts, which RFC 7505 forbids." if len(entries) > 1 else ""
        return MxCheck(
            domain=domain,
            roles=roles,
            outcome="answer",
            null_mx=True,
            hosts=tuple(MxHost(preference=p, exchange=h, outcome="answer") for p, h in entries),
            accepts_mail=False,
            note=f"{domain} publishes a null MX (RFC 7505): it accepts no mail.{extra}",
        )
    hosts: list[MxHost] = []
    for n, (pref, host) in enumerate(entries):
        if n >= MAX_MX_HOSTS:
            hosts.append(MxHost(preference=pref, exchange=host, outcome="not_looked_up"))
            continue
        addrs, outcome, alias = _addresses(dns, host)
        hosts.append(
            MxHost(preference=pref, exchange=host, alias_of=alias, addresses=addrs, outcome=outcome)
        )
    looked = [h for h in hosts if h.outcome != "not_looked_up"]
    if any(h.addresses for h in looked):
        accepts: bool | None = True
    elif any(h.outcome in FAILED for h in looked):
        accepts = None
    else:
        accepts = False
    parts = [f"{domain} has MX {', '.join(f'{h.preference} {h.exchange}' for h in hosts)}."]
    aliases = [h.exchange for h in hosts if h.alias_of]
    if aliases:
        parts.append(f"MX {', '.join(aliases)} is an alias (CNAME), which RFC 2181 10.3 forbids.")
    dead = [h.exchange for h in looked if not h.addresses and h.outcome not in FAILED]
    if dead:
        parts.append(f"MX {', '.join(dead)} has no address.")
    if accepts is False:
        parts.append("No MX host has an address: mail to it cannot be delivered.")
    return MxCheck(
        domain=domain,
        roles=roles,
        outcome="answer",
        hosts=tuple(hosts),
        accepts_mail=accepts,
        note=" ".join(parts),
    )
