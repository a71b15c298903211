"""Checks of the hop chain against the trust boundary: continuity, the untrusted part, the border.

Each adds findings (``headerlens.findings``) citing the header indexes it is about; none
changes the chain.
"""

from __future__ import annotations

from headerlens.findings import Finding, make_finding
from headerlens.hops._net import global_ip, is_private, named_host, parse_ip
from headerlens.hops.gateways import gateway_of, identified_peer, outbound_of
from headerlens.hops.models import Hop, Received
from headerlens.hops.trust import Boundary, _org, _peer_inside
from headerlens.message import HeaderField

__all__ = ["border_helo", "continuity", "gateway_findings", "untrusted_part"]

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
            match = _same_machine(by_name, name1) or _same_machine(by_name, name2)
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


def _same_machine(a: str, b: str) -> bool:
    """One machine under two of its operator's names: the same machine-like first label
    (8 or more characters with a digit), e.g. Microsoft's ``GVX0EPF000013E6.outlook.office365.com``
    (front end) and ``GVX0EPF000013E6.SWEP280.PROD.OUTLOOK.COM`` (its internal name)."""
    if not a or not b:
        return False
    la, lb = a.split(".", 1)[0], b.split(".", 1)[0]
    return la == lb and len(la) >= 8 and any(c.isdigit() for c in la) and "." in a and "." in b


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
        if not trust.empty and trusted_set and bound.claims_trusted(r):
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
            and not _edge_customer(br.from_helo, bound)
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


def _edge_customer(name: str | None, bound: Boundary) -> bool:
    """Whether ``name`` is a host of the provider whose Internet edge is the border (another
    customer of the same provider greets with the provider's name, not an impersonation)."""
    if bound.edge_vendor is None:
        return False
    g = gateway_of(name)
    return g is not None and g.vendor == bound.edge_vendor


def gateway_findings(received: _Pairs, bound: Boundary, findings: list[Finding]) -> None:
    """The recipient's inbound filtering services: the run that was trusted
    (``hops.gateway_trusted``), a field that breaks its hand-on (``hops.gateway_gap``) and
    fields below the boundary that claim a service took the message in from outside but are
    not handed on from the trusted part (``hops.gateway_unconnected``)."""
    run = bound.run
    if run is not None and run.positions:
        names = [g.short for g in run.services()]
        first_gw, first_name = run.first
        findings.append(
            _finding(
                "hops.gateway_trusted",
                "info",
                f"{len(run.positions)} Received field(s) were written by the recipient's "
                f"inbound filtering service(s) {', '.join(names)}, handed on hop to hop from "
                "the trusted part: they count as trusted, and the origin is the host that "
                "handed the message to the first of them.",
                [received[p][0].index for p in run.positions],
                detail=(
                    f"The trusted host received the message from {first_name} "
                    f"({first_gw.name}), identified by its {run.how}; the relay names are "
                    f"{first_gw.confidence} knowledge (headerlens/hops/data/gateways.json, "
                    f"{first_gw.documentation}). A sender's own outbound filtering service "
                    "has the same shape and is counted the same way. This does not prove who "
                    "sent the message, only the path from the first service on."
                ),
            )
        )
    if run is not None and run.gap is not None and run.gap_above is not None:
        r = received[run.gap][1]
        above = received[run.gap_above][1]
        expected = above.from_rdns or above.from_helo or above.from_ip
        findings.append(
            _finding(
                "hops.gateway_gap",
                "notice",
                f"The field at header {received[run.gap_above][0].index} names "
                f"{expected} ({run.first[0].short}) as the host that handed the message on, "
                f"but the field below was written by {r.by_host or r.by_ip or 'no named host'}:"
                " the filtering service's own Received field is missing or forged, so the "
                "fields from there down stay untrusted.",
                [received[run.gap_above][0].index, received[run.gap][0].index],
            )
        )
    if bound.gateways_on and run is None:
        _unconnected(received, bound, findings)


def _unconnected(received: _Pairs, bound: Boundary, findings: list[Finding]) -> None:
    trusted = bound.trusted_set
    for pos, (h, r) in enumerate(received):
        if pos in trusted or r.kind not in ("network", "http") or not global_ip(r.from_ip):
            continue
        if r.authenticated or outbound_of(r.by_host) is not None:
            continue  # a submission to a sending service, not a claim of inbound filtering
        g = gateway_of(r.by_host)
        if g is None or g.vendor == bound.edge_vendor or identified_peer(r) is not None:
            continue
        findings.append(
            _finding(
                "hops.gateway_unconnected",
                "notice",
                f"The Received field at header {h.index} says the {g.short} relay "
                f"{r.by_host} took the message in from {r.from_ip}, but the trusted part did not "
                "receive the message from that service: the field is forged, or belongs to "
                "another organisation the message passed through earlier (the sender's, or a "
                "forwarder's). That service's verdict headers below the boundary are claims.",
                [h.index],
            )
        )
