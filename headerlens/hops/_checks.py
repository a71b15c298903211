"""Checks of the hop chain against the trust boundary: continuity, the untrusted part, the border.

Each adds findings (``headerlens.findings``) citing the header indexes it is about; none
changes the chain.
"""

from __future__ import annotations

from headerlens.findings import Finding, make_finding
from headerlens.hops._net import is_private, named_host, parse_ip
from headerlens.hops.models import Hop, Received
from headerlens.hops.trust import Boundary, _org, _peer_inside
from headerlens.message import HeaderField

_finding = make_finding
_Pairs = list[tuple[HeaderField, Received]]


def continuity(received: _Pairs, hops: list[Hop], findings: list[Finding]) -> None:
    """Step 9: each hop's ``from`` against the previous hop's ``by`` (``hops.gap``)."""
    ordered = received[::-1]
    n = len(ordered)
    for i in range(1, n):
        nr, orr = ordered[i][1], ordered[i - 1][1]
        by_host = orr.by_host
        if by_host is None or (nr.kind != "network" and nr.kind != "http"):
            continue
        by_ip = orr.by_ip
        if by_ip is None and not named_host(by_host):
            continue
        helo, rdns = nr.from_helo, nr.from_rdns
        name1 = helo.lower().rstrip(".") if helo else ""
        name2 = rdns.lower().rstrip(".") if rdns else ""
        by_name = by_host.lower().rstrip(".")
        from_ip = nr.from_ip
        by_literal = parse_ip(by_name.strip("[]"))
        by_ip2 = str(by_literal) if by_literal is not None else None
        if not name1 and not name2 and (from_ip is None or (by_ip is None and by_ip2 is None)):
            continue  # nothing comparable on one of the two sides
        match = (
            (name1 != "" and by_name == name1)
            or (name2 != "" and by_name == name2)
            or (from_ip is not None and from_ip in (by_ip, by_ip2))
        )
        if not match and (name1 or name2):
            by_org = _org(by_name)
            if by_org is not None:
                match = (name1 != "" and _org(name1) == by_org) or (
                    name2 != "" and _org(name2) == by_org
                )
        if not match:
            peer = nr.from_rdns or nr.from_helo or nr.from_ip
            findings.append(
                _finding(
                    "hops.gap",
                    "notice" if hops[i].trusted else "info",
                    f"Hop {i} was received from {peer}, but hop {i - 1} says it was received "
                    f"by {orr.by_host}: a host in between left no Received field, or one "
                    "was forged.",
                    [hops[i].header_index, hops[i - 1].header_index],
                )
            )


def untrusted_part(hops: list[Hop], bound: Boundary, findings: list[Finding]) -> None:
    """Step 10: private peers and claims of trusted hosts below the boundary."""
    trust, trusted_set, boundary_index = bound.trust, bound.trusted_set, bound.boundary_index
    for hp in hops:
        if hp.trusted:
            continue
        r = hp.received
        if r.kind == "network" and is_private(r.from_ip):
            findings.append(
                _finding(
                    "hops.private_ip_untrusted",
                    "info",
                    f"Hop {hp.index} names a private or reserved address {r.from_ip} outside "
                    "the trusted part (an internal relay of the sender, or a forged field).",
                    [hp.header_index],
                )
            )
        if not trust.empty and trusted_set and (trust.host(r.by_host) or trust.ip(r.by_ip)):
            findings.append(
                _finding(
                    "hops.forged_trusted_host",
                    "warning",
                    f"Hop {hp.index} is below the trust boundary but claims it was received by "
                    f"the trusted host {r.by_host or r.by_ip}: forged, or the message passed "
                    "through the organisation before (e.g. a mailing list loop).",
                    [hp.header_index, *([boundary_index] if boundary_index is not None else [])],
                )
            )


def border_helo(received: _Pairs, bound: Boundary, findings: list[Finding]) -> None:
    """Step 11: the outside peer of the border hop greeting with a trusted name."""
    border_pos, trust = bound.border_pos, bound.trust
    if border_pos is not None:
        br = received[border_pos][1]
        if (
            br.kind in ("network", "http")
            and not _peer_inside(br, trust)
            and trust.host(br.from_helo)
        ):
            findings.append(
                _finding(
                    "hops.helo_impersonation",
                    "warning",
                    f"The outside host {br.from_ip} introduced itself as {br.from_helo}, a name "
                    "of the receiving organisation.",
                    [received[border_pos][0].index],
                )
            )
