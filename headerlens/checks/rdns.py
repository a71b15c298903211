"""Reverse DNS now, forward-confirmed (FCrDNS): PTR of an IP, then A/AAAA of each PTR name.

Receivers reject or score mail from an IP whose PTR is missing or does not resolve back to it
(RFC 1912 section 2.1 asks every host to have matching PTR and A records; RFC 8601 section
2.7.3 names the ``iprev`` check). The HELO name and the name the receiving MTA recorded are
compared with today's names, each kept apart.
"""

from __future__ import annotations

from headerlens.checks._dns import (
    FAILED,
    NO_DATA,
    CheckResolver,
    IPAddress,
    ip_address,
    reverse_name,
)
from headerlens.checks.models import Comparison, ReverseDnsCheck

__all__ = ["check_reverse_dns"]

MAX_PTR_NAMES = 10  # the same cap SPF puts on PTR names (RFC 7208 4.6.4)


def _names(records: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for r in records[:MAX_PTR_NAMES]:
        name = r.strip().rstrip(".")
        if name and name not in out:
            out.append(name)
    return tuple(out)


def check_reverse_dns(
    dns: CheckResolver,
    ip: IPAddress,
    *,
    role: str,
    hop_index: int | None,
    header_index: int | None,
    helo: str | None,
    recorded_rdns: str | None,
) -> ReverseDnsCheck:
    """PTR and forward confirmation of ``ip`` now, compared with ``helo`` and the recorded
    reverse-DNS name of its hop (``None`` when the Received field holds none)."""
    name = reverse_name(ip)
    ptr_lookup = dns.resolve(name, "PTR")
    ptr = _names(ptr_lookup.records) if ptr_lookup.outcome == "answer" else ()
    confirmed: list[str] = []
    forward_failed = False
    for host in ptr:
        fwd = dns.resolve(host, "A" if ip.version == 4 else "AAAA")
        if fwd.outcome in FAILED:
            forward_failed = True
            continue
        if any(ip_address(r) == ip for r in fwd.records):
            confirmed.append(host)
    fcrdns: bool | None
    if ptr_lookup.outcome in FAILED:
        fcrdns = None
    elif confirmed:
        fcrdns = True
    else:
        fcrdns = None if forward_failed else False
    lowered = {p.lower() for p in ptr}
    helo_name = (helo or "").strip().rstrip(".")
    helo_matches = helo_name.lower() in lowered if helo_name and ptr else None
    recorded = (recorded_rdns or "").strip().rstrip(".") or None
    recorded_unknown = recorded is not None and recorded.lower() == "unknown"
    recorded_matches = (
        recorded.lower() in lowered if recorded is not None and not recorded_unknown else None
    )
    comparison: Comparison
    if ptr_lookup.outcome in FAILED:
        comparison = "not_checked"
    elif recorded is None:
        comparison = "not_recorded"
    elif recorded_unknown:
        comparison = "same" if not ptr else "changed"
    else:
        comparison = "same" if recorded_matches else "changed"
    return ReverseDnsCheck(
        ip=str(ip),
        role=role,
        hop_index=hop_index,
        header_index=header_index,
        name=name,
        outcome=ptr_lookup.outcome,
        ptr=ptr,
        confirmed=tuple(confirmed),
        fcrdns=fcrdns,
        helo=helo_name or None,
        helo_matches=helo_matches,
        recorded_rdns=recorded,
        recorded_matches=recorded_matches,
        comparison=comparison,
        note=_note(
            str(ip),
            ptr_lookup.outcome,
            ptr,
            confirmed,
            fcrdns,
            helo_name,
            helo_matches,
            recorded,
            comparison,
        ),
    )


def _note(
    ip: str,
    outcome: str,
    ptr: tuple[str, ...],
    confirmed: list[str],
    fcrdns: bool | None,
    helo: str,
    helo_matches: bool | None,
    recorded: str | None,
    comparison: Comparison,
) -> str:
    parts: list[str] = []
    if outcome in FAILED:
        parts.append(f"The PTR lookup for {ip} gave no answer ({outcome}).")
    elif outcome in NO_DATA or not ptr:
        parts.append(f"{ip} has no PTR record now: many receivers refuse mail from such IPs.")
    elif fcrdns:
        parts.append(f"{ip} has PTR {', '.join(ptr)}, which resolves back to it (FCrDNS).")
    elif fcrdns is None:
        parts.append(f"{ip} has PTR {', '.join(ptr)}; its forward lookup failed.")
    else:
        parts.append(
            f"{ip} has PTR {', '.join(ptr)}, but that name does not resolve back to {ip}"
            " (not forward-confirmed)."
        )
    if helo and helo_matches is False:
        parts.append(f"The HELO name {helo} is not its PTR name.")
    if comparison == "changed" and recorded is not None:
        parts.append(f"At delivery the receiver recorded {recorded}.")
    return " ".join(parts)
