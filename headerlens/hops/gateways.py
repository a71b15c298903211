"""Inbound filtering services (secure email gateways) on the recipient's own inbound path.

Many organisations point their MX records at a filtering service (Proofpoint, Mimecast,
Barracuda, Microsoft Exchange Online Protection, Google, Cisco Secure Email, ...) that hands
the message on to their own mail servers. The Received fields those services write sit
below the organisation's own, so the plain trust walk (``headerlens.hops.trust``) stops at the
organisation's border hop and reports the service's relay as the origin, with the service's
verdict headers as untrusted claims. This module recognises such services from a data file
(``data/gateways.json``: vendor, documentation, relay host names, confidence) and extends the
trusted part across them (docs/hops.md, "Inbound filtering services"):

1. The border hop's peer must be a known relay, identified by the reverse-DNS name the
   trusted host recorded, or by the HELO name where the trusted host records no reverse DNS
   (``with Microsoft SMTP Server``), and must not itself belong to the receiving
   organisation's names (a provider in front of itself is not a gateway). When the trusted
   host recorded that the sender's domain authorises the relay's IP (SPF ``pass`` in its
   Received-SPF or Authentication-Results, RFC 7208 section 9.1, RFC 8601), the relay is the
   sender's own outbound service, not the recipient's gateway.
2. Below it, each Received field must hand on to the one above (its ``by`` host is the
   peer the field above recorded: same name, same IP or the same organizational domain) and
   be written by a known relay. Fields with no usable ``by`` host (``by pps.reinject``,
   ``by localhost``) are judged with the field below them.
3. The run ends at its *entry*: the first field whose peer is outside every known service
   (at a service's Internet edge, such as ``*.mail.protection.outlook.com``, a peer of the
   same service is outside too: another customer of the provider).
   That peer is the origin. A field whose peer is authenticated (a submission) ends the run
   without an entry, and so do a field written by a service's relay for its own senders
   (``smtp-relay.gmail.com``) and a change of the envelope recipient's domain in the ``for``
   clauses (the service expanded a list or forwarded the message: it is not the recipient's
   inbound path).
4. Without an entry (the message started inside the service: the sender's own outbound
   service, e.g. a Gmail or Microsoft 365 sender), the run falls back to the deepest field
   whose peer is a different service (that service handed the message in); failing that,
   nothing is extended.

A field that breaks the hand-on (its ``by`` is not the relay the field above names) stays
untrusted and is reported (``hops.gateway_gap``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

from headerlens.domains import organizational_domain
from headerlens.hops._net import global_ip, is_private, named_host
from headerlens.hops.models import Received
from headerlens.message import HeaderField

__all__ = [
    "Gateway",
    "GatewayRun",
    "by_vendor",
    "edge_of",
    "follow_run",
    "gateway_of",
    "gateways",
    "identified_peer",
    "spf_passes",
]


@dataclass(frozen=True)
class Gateway:
    """One inbound filtering service, as ``data/gateways.json`` describes it."""

    vendor: str
    name: str
    short: str
    documentation: str
    relays: tuple[str, ...]
    edges: tuple[str, ...]
    outbound: tuple[str, ...]
    confidence: str


@functools.cache
def gateways() -> tuple[Gateway, ...]:
    """Every service of the bundled data file (read once; the file ships with the package)."""
    text = resources.files("headerlens.hops").joinpath("data", "gateways.json").read_text("utf-8")
    return tuple(
        Gateway(
            vendor=g["vendor"],
            name=g["name"],
            short=g["short"],
            documentation=g["documentation"],
            relays=tuple(p.lower() for p in g["relays"]),
            edges=tuple(p.lower() for p in g["edges"]),
            outbound=tuple(p.lower() for p in g.get("outbound", ())),
            confidence=g["confidence"],
        )
        for g in json.loads(text)["gateways"]
    )


@functools.cache
def by_vendor() -> dict[str, Gateway]:
    """Every service by its vendor id."""
    return {g.vendor: g for g in gateways()}


@functools.cache
def _tables() -> tuple[dict[str, Gateway], dict[str, Gateway], dict[str, Gateway]]:
    relays: dict[str, Gateway] = {}
    edges: dict[str, Gateway] = {}
    outbound: dict[str, Gateway] = {}
    for g in gateways():
        for p in g.relays:
            relays.setdefault(p, g)
        for p in g.edges:
            edges.setdefault(p, g)
        for p in g.outbound:
            outbound.setdefault(p, g)
    return relays, edges, outbound


def _lookup(host: str | None, table: dict[str, Gateway]) -> Gateway | None:
    if not host:
        return None
    name = host.strip().rstrip(".").lower()
    if not name or name.startswith("["):
        return None
    labels = name.split(".")
    for i in range(len(labels)):  # longest suffix first
        found = table.get(".".join(labels[i:]))
        if found is not None:
            return found
    return None


@functools.lru_cache(maxsize=4096)
def gateway_of(host: str | None) -> Gateway | None:
    """The service whose relays include ``host`` (a name equal to or under a pattern)."""
    return _lookup(host, _tables()[0])


@functools.lru_cache(maxsize=4096)
def edge_of(host: str | None) -> Gateway | None:
    """The service whose Internet edge ``host`` is (a peer there is always outside)."""
    return _lookup(host, _tables()[1])


@functools.lru_cache(maxsize=4096)
def outbound_of(host: str | None) -> Gateway | None:
    """The service whose outbound relay for its own customers ``host`` is."""
    return _lookup(host, _tables()[2])


def records_no_rdns(r: Received) -> bool:
    """Whether the host that wrote ``r`` records no reverse-DNS name (Exchange/Microsoft 365:
    ``with Microsoft SMTP Server`` or IIS ``Microsoft SMTPSVC``), so the HELO name is all
    there is to identify its peer by."""
    return (r.protocol or "").lower().startswith(("microsoft smtp server", "microsoft smtpsvc"))


def identified_peer(r: Received) -> tuple[Gateway, str, str] | None:
    """The service the peer of ``r`` belongs to: (service, the name, how it was identified).

    The reverse-DNS name the receiving host recorded counts; the HELO name (the client's own
    claim) counts only where the receiving host records no reverse DNS.
    """
    if r.from_rdns:
        g = gateway_of(r.from_rdns)
        if g is not None:
            return g, r.from_rdns, "reverse DNS"
    if r.from_helo and records_no_rdns(r):
        g = gateway_of(r.from_helo)
        if g is not None:
            return g, r.from_helo, "HELO name (the receiving server records no reverse DNS)"
    return None


def _names(r: Received) -> list[str]:
    return [n.lower().rstrip(".") for n in (r.from_rdns, r.from_helo) if n]


def hands_on(upper: Received, lower: Received) -> bool:
    """Whether ``lower``'s ``by`` host is the peer ``upper`` recorded (RFC 5321 4.4 order):
    the same name, the same IP, or a name of the same organizational domain."""
    by = (lower.by_host or "").lower().rstrip(".")
    if upper.from_ip is not None and upper.from_ip in (lower.by_ip, by.strip("[]")):
        return True
    names = _names(upper)
    if by in names:
        return True
    by_org = organizational_domain(by) if by else None
    return by_org is not None and any(organizational_domain(n) == by_org for n in names)


class GatewayRun:
    """What :func:`follow_run` found below a border hop whose peer is a known relay."""

    def __init__(self, first: tuple[Gateway, str], how: str) -> None:
        #: The relay the trusted border hop received the message from: (service, name).
        self.first = first
        #: How that relay was identified (reverse DNS, or the HELO name).
        self.how = how
        #: Positions (0 = topmost Received field) of the fields written by the services,
        #: topmost first; empty when nothing could be extended.
        self.positions: list[int] = []
        #: Position -> vendor id of the service that wrote the field.
        self.vendors: dict[int, str] = {}
        #: Position of the entry field (where the services took the message in), or None.
        self.entry: int | None = None
        #: Position of a field that breaks the hand-on (stays untrusted), and of the field
        #: above it whose peer it should have been.
        self.gap: int | None = None
        self.gap_above: int | None = None

    def services(self) -> list[Gateway]:
        """The services of the run, topmost first, each once."""
        known = by_vendor()
        return [known[v] for v in dict.fromkeys(self.vendors[p] for p in self.positions)]


def _peer_in_services(r: Received) -> str | None:
    """The vendor id when the peer of ``r`` is itself a known relay (identified as in
    :func:`identified_peer`) with a public address, else None."""
    if not global_ip(r.from_ip):
        return None
    ident = identified_peer(r)
    return ident[0].vendor if ident is not None else None


# "spf=pass" and the rest of its result (to the next ';') in an Authentication-Results value.
_AR_SPF_PASS = re.compile(r"\bspf\s*=\s*pass\b([^;]*)", re.I)
_IP_TEXT = re.compile(r"[0-9A-Fa-f:.]{3,}")


def spf_passes(fields: Sequence[HeaderField], below: int) -> frozenset[str]:
    """The IPs that an SPF ``pass`` recorded in ``fields`` (Received-SPF, RFC 7208 section
    9.1, and Authentication-Results, RFC 8601) above header index ``below`` is about."""
    ips: set[str] = set()
    for f in fields:
        if f.index >= below:
            continue
        value = f.value
        if f.name.lower() == "received-spf":
            if value.lstrip()[:4].lower() == "pass":
                ips.update(_IP_TEXT.findall(value))
        else:
            for m in _AR_SPF_PASS.finditer(value):
                ips.update(_IP_TEXT.findall(m.group(1)))
    return frozenset(ips)


def _rcpt_domain(r: Received) -> str | None:
    addr = r.for_addr
    if not addr or "@" not in addr:
        return None
    return addr.rpartition("@")[2].strip("<>").rstrip(".").lower() or None


def follow_run(
    received: Sequence[tuple[HeaderField, Received]],
    border_pos: int,
    trusted_name: Callable[[str], bool],
    auth_fields: Sequence[HeaderField] = (),
) -> GatewayRun | None:
    """The run of inbound filtering services below the border hop at ``border_pos``.

    ``received`` is topmost first; ``trusted_name`` says whether a host name already belongs
    to the receiving organisation; ``auth_fields`` are the Received-SPF and
    Authentication-Results fields (their SPF passes above the services' first field show a
    sender's own outbound service). ``None`` when the border hop's peer is not a known relay
    of the recipient's; otherwise the run, whose ``positions`` are empty when it cannot be
    extended (see the module docstring for the rule).
    """
    border = received[border_pos][1]
    ident = identified_peer(border)
    if ident is None or not global_ip(border.from_ip) or trusted_name(ident[1]):
        return None
    run = GatewayRun((ident[0], ident[1]), ident[2])
    if auth_fields and border_pos + 1 < len(received):
        below = received[border_pos + 1][0].index
        ip = border.from_ip
        if ip is not None and ip in spf_passes(auth_fields, below):
            return run  # the sender's domain authorises the relay: its outbound service
    upper = border
    upper_pos = border_pos
    expect = ident[0].vendor  # the service the next field should come from
    rcpt = _rcpt_domain(border)
    pending: list[int] = []
    for pos in range(border_pos + 1, len(received)):
        r = received[pos][1]
        if r.kind == "fetch":
            break
        domain = _rcpt_domain(r)
        if domain is not None:
            if rcpt is not None and domain != rcpt:
                break  # the envelope recipient changed: a list or a forward, not a gateway
            rcpt = domain
        if not named_host(r.by_host):
            pending.append(pos)  # judged with the field below (by pps.reinject, localhost)
            continue
        if outbound_of(r.by_host) is not None:
            break  # a service's relay for its own senders: the sender's outbound path
        by_gw = gateway_of(r.by_host)
        if by_gw is not None:
            vendor = by_gw.vendor
            linked = hands_on(upper, r) or (
                (bool(pending) or upper.kind in ("local", "loopback")) and vendor == expect
            )
        else:
            # A step inside one machine of the service (``by pps.reinject`` after a loopback
            # hand-off): named as the field above named its loopback peer.
            vendor = expect
            linked = (
                upper.kind in ("local", "loopback")
                and (r.kind in ("local", "loopback") or is_private(r.from_ip))
                and hands_on(upper, r)
            )
        if not linked:
            run.gap, run.gap_above = pos, upper_pos
            break
        for p in (*pending, pos):
            run.positions.append(p)
            run.vendors[p] = vendor
        pending = []
        upper, upper_pos = r, pos
        edge = r.kind in ("network", "http") and edge_of(r.by_host) is not None
        if edge and not is_private(r.from_ip):
            # A service's Internet edge: its peer is outside, unless it is another service
            # (a chain of services); a customer of the same provider is outside too.
            peer_vendor = _peer_in_services(r)
            if peer_vendor is None or peer_vendor == vendor:
                run.entry = pos
                break
            expect = peer_vendor
            continue
        if r.kind in ("local", "loopback") or is_private(r.from_ip):
            expect = vendor
            continue
        peer_vendor = _peer_in_services(r)
        if peer_vendor is not None:
            expect = peer_vendor
            continue
        if r.kind in ("network", "http") and not r.authenticated:
            run.entry = pos
        break
    if run.entry is None:
        _fall_back(received, run)
    return run


def _fall_back(received: Sequence[tuple[HeaderField, Received]], run: GatewayRun) -> None:
    """No entry: the message started inside a service. Keep the fields down to the deepest
    one whose peer is a different service (that service handed the message in)."""
    for k in range(len(run.positions) - 1, -1, -1):
        pos = run.positions[k]
        peer_vendor = _peer_in_services(received[pos][1])
        if peer_vendor is not None and peer_vendor != run.vendors[pos]:
            run.entry = pos
            kept = run.positions[: k + 1]
            run.vendors = {p: run.vendors[p] for p in kept}
            run.positions = kept
            return
    run.positions = []
    run.vendors = {}
