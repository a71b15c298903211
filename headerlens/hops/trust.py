"""The trust boundary of the hop chain: which Received fields the receiving organisation wrote.

The rule (documented in docs/hops.md, "Trust boundary, origin, receipt time"):

1. Trusted names: ``Policy.trusted_hosts`` (host names, domains covering their sub-domains,
   IPs or CIDR networks) and ``Policy.trusted_authserv_ids``. When both are empty they are
   inferred: the organizational domain of the topmost Received field's ``by`` host (the first
   one from the top that names a host), plus the authserv-id of the topmost
   Authentication-Results field and its organizational domain.
2. Walk the Received fields from the top. A field whose ``by`` host is trusted is trusted; a
   field with no usable ``by`` host (qmail "invoked by", Gmail's bare IPv6 ``by``, ``by
   localhost``) takes the trust of the next field below it that names a host. The walk stops
   at the first field whose ``by`` host is not trusted, and also right after the first
   trusted field whose peer is outside (a public IP whose rDNS is not trusted): that field is
   the border, where the organisation took the message from the outside world. A POP/IMAP
   retrieval (fetchmail) hands trust on: the ``by`` host of the field below it is the
   recipient's own mailbox server, so its name and organizational domain are trusted too.
3. With nothing to go on (no by host, nothing configured) only the topmost field is trusted.

``TrustBoundary.header_index`` is the index of the lowest Received field written by a trusted
host; fields at or above it were added inside the trusted zone. ``origin_ip`` is the border
hop's peer IP; ``receipt_time`` is the border hop's timestamp.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
from collections.abc import Iterable, Sequence

from headerlens._model import fast_constructor
from headerlens.domains import normalize_domain, organizational_domain
from headerlens.findings import Finding, make_finding
from headerlens.hops._net import global_ip, is_private, named_host, parse_ip_cached
from headerlens.hops.gateways import GatewayRun, edge_of, follow_run, gateway_of
from headerlens.hops.models import Received, TrustBoundary
from headerlens.message import HeaderField
from headerlens.parse.dates import strip_comments
from headerlens.policy import Policy

__all__ = ["PROVIDER_FAMILIES", "Boundary", "authserv_id", "find_boundary"]

_new_trust = fast_constructor(TrustBoundary)


def authserv_id(value: str) -> str | None:
    """The authserv-id of an Authentication-Results value (RFC 8601 section 2.2), or ``None``.

    The first token before the first ``;`` outside comments; ``None`` when that token is a
    ``method=result`` pair (Microsoft omits the authserv-id) or missing.
    """
    bare, _ = strip_comments(value)
    head = bare.split(";", 1)[0].split()
    if not head or "=" in head[0]:
        return None
    return head[0].lower().rstrip(".") or None


# Organizational domains that one provider uses interchangeably for its own MTAs (public
# knowledge from the providers' Received fields). When the receiving organisation is inferred
# to be one of them, the whole family is trusted.
PROVIDER_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset(("outlook.com", "office365.com", "microsoft.com", "exchangelabs.com", "hotmail.com")),
    frozenset(("google.com", "gmail.com", "googlemail.com")),
    frozenset(("yahoo.com", "yahoodns.net", "yahoo.net")),
)


@functools.lru_cache(maxsize=8192)
def _norm(name: str) -> str | None:
    return normalize_domain(name)


@functools.lru_cache(maxsize=8192)
def _org(name: str | None) -> str | None:
    return organizational_domain(name)


@functools.lru_cache(maxsize=64)
def _configured(
    hosts: tuple[str, ...], ids: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]]:
    """The names and networks of a policy's trusted hosts and authserv-ids (read once)."""
    names: list[str] = []
    nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for h in (*hosts, *ids):
        h = h.strip()
        try:
            nets.append(ipaddress.ip_network(h, strict=False))
            continue
        except ValueError:
            pass
        n = normalize_domain(h)
        if n:
            names.append(n)
    return tuple(names), tuple(nets)


class _Trust:
    """Which names, domains and networks count as the receiving organisation."""

    def __init__(self, hosts: Iterable[str], ids: Iterable[str]) -> None:
        names, nets = _configured(tuple(hosts), tuple(ids))
        self.names: set[str] = set(names)
        self.orgs: set[str] = set()
        self.nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = list(nets)
        self.exact = False
        # host() answers for this message, dropped whenever the trusted names change.
        self._memo: dict[str, bool] = {}
        self.version = 0  # bumped whenever the trusted names or domains change

    def add_name(self, name: str) -> None:
        self.names.add(name)
        self._memo.clear()
        self.version += 1

    def add_org(self, domain: str | None) -> None:
        org = _org(domain)
        if org:
            self.orgs.add(org)
            for family in PROVIDER_FAMILIES:
                if org in family:
                    self.orgs.update(family)
            self._memo.clear()
            self.version += 1

    def host(self, name: str | None) -> bool:
        if not name:
            return False
        memo = self._memo
        known = memo.get(name)
        if known is not None:
            return known
        n = _norm(name)
        result = False
        if n is not None:
            if n in self.names:
                result = True
            else:
                for x in self.names:
                    if n.endswith("." + x):
                        result = True
                        break
                else:
                    result = bool(self.orgs) and _org(n) in self.orgs
        memo[name] = result
        return result

    def ip(self, text: str | None) -> bool:
        if not self.nets or not text:
            return False
        ip = parse_ip_cached(text)
        if ip is None:
            return False
        return any(ip in net for net in self.nets)

    @property
    def empty(self) -> bool:
        return not (self.names or self.orgs or self.nets)


def _at_edge(r: Received) -> bool:
    """Whether ``r`` was written by a provider's Internet edge (``data/gateways.json``,
    e.g. ``*.mail.protection.outlook.com``) about a peer that is not on a private network."""
    if r.kind == "loopback" or is_private(r.from_ip):
        return False
    if r.kind == "local" and not (r.from_helo or r.from_rdns):
        return False  # no peer at all (a local hand-off)
    return edge_of(r.by_host) is not None


def _peer_inside(r: Received, trust: _Trust) -> bool:
    """Whether the peer that handed this field's hop its message is inside the organisation.

    Inside: no network peer, a private/loopback IP, a trusted IP, or a trusted rDNS name. The
    HELO name is a claim of the client and counts only for Exchange/Microsoft 365 transport
    hops (``with Microsoft SMTP Server``), which never write an rDNS name. A peer at a
    provider's Internet edge is outside whatever name it gives: there the provider takes
    mail in from the Internet, other customers of the same provider included.
    """
    if r.kind == "loopback" or is_private(r.from_ip) or trust.ip(r.from_ip):
        return True
    if _at_edge(r):
        return False
    if r.kind == "local" or trust.host(r.from_rdns):
        return True
    proto = (r.protocol or "").lower()
    return proto.startswith("microsoft smtp server") and trust.host(r.from_helo)


class Boundary:
    """What the walk found: the trusted names, the trusted fields and the border."""

    def __init__(
        self,
        trust: _Trust,
        configured: bool,
        trusted_set: set[int],
        border_pos: int | None,
        inside_at: dict[int, tuple[int, bool]],
        boundary_index: int | None,
        origin_ip: str | None,
        receipt_time: dt.datetime | None,
        model: TrustBoundary,
    ) -> None:
        self.trust = trust
        self.configured = configured
        #: Positions in the Received list (0 = topmost) of the trusted fields.
        self.trusted_set = trusted_set
        #: Position of the border field (where the organisation took the message in).
        self.border_pos = border_pos
        #: _peer_inside answers of the walk: position -> (trust version, answer).
        self.inside_at = inside_at
        self.boundary_index = boundary_index
        self.origin_ip = origin_ip
        self.receipt_time = receipt_time
        self.model = model
        #: The gateway run below the organisation's own border (None: none was followed).
        self.run: GatewayRun | None = None
        #: Position -> vendor id of the trusted fields written by inbound filtering services.
        self.gateway_at: dict[int, str] = {}
        #: Positions of trusted fields handed on along the inbound path (their peer is the
        #: organisation's own border or one of its filtering services).
        self.path: set[int] = set()
        #: The provider whose Internet edge is the border (its other customers' fields below
        #: are theirs, not forgeries), else None.
        self.edge_vendor: str | None = None
        #: Whether inbound filtering services were looked for (Policy.trust_gateways).
        self.gateways_on = False

    def internal(self, pos: int, r: Received) -> bool:
        """Whether the trusted field at ``pos`` was handed on inside the organisation."""
        if pos in self.path:
            return True
        walked = self.inside_at.get(pos)
        if walked is not None and walked[0] == self.trust.version:
            return walked[1]
        return _peer_inside(r, self.trust)

    def claims_trusted(self, r: Received) -> bool:
        """Whether the untrusted field ``r`` claims a host of the organisation (forged, or a
        loop), not counting fields of the edge provider's other customers."""
        trust = self.trust
        if not (trust.host(r.by_host) or trust.ip(r.by_ip)):
            return False
        if self.edge_vendor is not None:
            g = gateway_of(r.by_host)
            if g is not None and g.vendor == self.edge_vendor:
                return False
        return True


def _trusted_names(
    received: Sequence[tuple[HeaderField, Received]],
    first_ar: HeaderField | None,
    policy: Policy,
    trust: _Trust,
    ar_ids: list[str],
) -> str:
    """Step 1: the trusted names, configured or inferred; returns the rule that says which."""
    if policy.trusted_hosts or policy.trusted_authserv_ids:
        return "configured: Policy.trusted_hosts / Policy.trusted_authserv_ids"
    top_by: str | None = None
    for _h, r in received:
        if named_host(r.by_host):
            top_by = r.by_host
            break
    trust.add_org(top_by)
    aid = authserv_id(first_ar.value) if first_ar is not None else None
    if aid is not None:
        ar_ids.append(aid)
        trust.add_name(aid)
        trust.add_org(aid)
    parts = []
    if top_by:
        parts.append(f"organizational domain of the topmost 'by' host {top_by!r}")
    if aid:
        parts.append(f"authserv-id {aid!r} of the topmost Authentication-Results")
    return "inferred: " + (" and ".join(parts) if parts else "topmost Received field only")


def _walk(
    received: Sequence[tuple[HeaderField, Received]],
    trust: _Trust,
    inside_at: dict[int, tuple[int, bool]],
) -> tuple[set[int], int | None]:
    """Step 2: the trusted fields (positions, 0 = topmost) and the border's position."""
    trusted_set: set[int] = set()
    border_pos: int | None = None  # position in `received` (0 = topmost)
    pending: list[int] = []
    if trust.empty:
        trusted_set.add(0)
        return trusted_set, 0
    fetched = False
    for pos, (_h, r) in enumerate(received):
        if fetched and r.by_host:
            # The recipient fetched this message (POP/IMAP) from its own mailbox server:
            # that server's organisation is trusted too (docs/hops.md).
            trust.add_org(r.by_host)
            trust.add_name(r.by_host.lower().rstrip("."))
            fetched = False
        if r.kind == "fetch":
            fetched = True
            pending.append(pos)
            continue
        by_ok = trust.host(r.by_host) or trust.ip(r.by_ip)
        if not by_ok:
            if not named_host(r.by_host):
                pending.append(pos)  # no usable by host: judged with the field below
                continue
            break
        trusted_set.update(pending, (pos,))
        pending = []
        inside = _peer_inside(r, trust)
        inside_at[pos] = (trust.version, inside)
        if not inside:
            border_pos = pos
            break
    if trusted_set and border_pos is None:
        border_pos = max(trusted_set)
    return trusted_set, border_pos


def _origin(
    received: Sequence[tuple[HeaderField, Received]], border_pos: int | None, outside: bool | None
) -> tuple[str | None, dt.datetime | None]:
    """Step 4: the origin IP and the receipt time (the border hop's timestamp, or the
    nearest above it).

    The origin is the border hop's peer when that peer is outside (``outside`` True), or when
    nothing says where the organisation begins (``None``: only the topmost field is trusted).
    When every trusted peer is inside (``False``: internal mail), nothing came from the
    Internet and there is no origin. A private, loopback, link-local or reserved address is
    never the origin of Internet mail.
    """
    origin_ip: str | None = None
    receipt_time: dt.datetime | None = None
    if border_pos is not None:
        if outside is not False:
            r = received[border_pos][1]
            if r.kind != "loopback" and global_ip(r.from_ip):
                origin_ip = r.from_ip
        for pos in range(border_pos, -1, -1):
            r = received[pos][1]
            if r.date is not None and r.date.datetime is not None:
                receipt_time = r.date.datetime
                break
    return origin_ip, receipt_time


def _gateways(
    received: Sequence[tuple[HeaderField, Received]],
    trust: _Trust,
    trusted_set: set[int],
    border_pos: int,
    auth_fields: Sequence[HeaderField],
) -> tuple[GatewayRun | None, str]:
    """Step 3: the recipient's inbound filtering services directly below the border
    (``headerlens.hops.gateways``); adds their fields to ``trusted_set``. Returns the run and
    the words the rule gains."""
    run = follow_run(received, border_pos, trust.host, auth_fields)
    if run is None or not run.positions:
        return run, ""
    trusted_set.update(run.positions)
    names = [g.short for g in run.services()]
    first_name = run.first[1]
    return run, (
        f"; extended across the recipient's inbound filtering service(s) {', '.join(names)}:"
        f" {len(run.positions)} Received field(s) handed on hop to hop from {first_name!r},"
        f" identified by its {run.how}"
    )


def find_boundary(
    received: Sequence[tuple[HeaderField, Received]],
    first_ar: HeaderField | None,
    policy: Policy,
    findings: list[Finding],
    auth_fields: Sequence[HeaderField] = (),
) -> Boundary:
    """The trust boundary of ``received`` (topmost first), with the origin and receipt time.

    ``auth_fields`` (Received-SPF and Authentication-Results, in header order) tell the
    recipient's inbound filtering services from a sender's own outbound service. Adds
    ``hops.trust_inferred`` to ``findings`` when the trusted names were inferred.
    """
    configured = bool(policy.trusted_hosts or policy.trusted_authserv_ids)
    trust = _Trust(policy.trusted_hosts, policy.trusted_authserv_ids)
    ar_ids: list[str] = list(policy.trusted_authserv_ids)
    rule = _trusted_names(received, first_ar, policy, trust, ar_ids)
    inside_at: dict[int, tuple[int, bool]] = {}
    trusted_set, border_pos = _walk(received, trust, inside_at)
    walked = inside_at.get(border_pos) if border_pos is not None else None
    outside = walked is not None and not walked[1]
    # Whether the border's peer is outside: None when nothing was walked (no trusted names).
    border_outside: bool | None = outside if walked is not None else None
    edge_vendor: str | None = None
    if outside and border_pos is not None:
        border = received[border_pos][1]
        edge = edge_of(border.by_host) if _at_edge(border) else None
        if edge is not None:
            edge_vendor = edge.vendor
            if trust.host(border.from_rdns) or trust.host(border.from_helo):
                rule += (
                    f"; the border is {border.by_host!r}, an Internet edge of {edge.short},"
                    " which took the message in from another customer of the same provider"
                )
    run: GatewayRun | None = None
    path: set[int] = set()
    if policy.trust_gateways and outside and border_pos is not None:
        run, more = _gateways(received, trust, trusted_set, border_pos, auth_fields)
        if run is not None and run.entry is not None and run.positions:
            rule += more
            path = {border_pos, *run.positions} - {run.entry}
            border_pos = run.entry
    boundary_index = received[max(trusted_set)][0].index if trusted_set else None
    origin_ip, receipt_time = _origin(received, border_pos, border_outside)
    model = _new_trust(
        header_index=boundary_index,
        trusted_hosts=tuple(
            sorted(
                trust.names | trust.orgs | {str(n) for n in trust.nets}
                if trust.nets
                else trust.names | trust.orgs
            )
        ),
        trusted_authserv_ids=tuple(dict.fromkeys(ar_ids)),
        inferred=not configured,
        rule=rule,
    )
    if not configured and trusted_set:
        findings.append(
            make_finding(
                "hops.trust_inferred",
                "info",
                "The trust boundary was inferred from the headers (no trusted hosts configured).",
                [received[p][0].index for p in sorted(trusted_set)],
                detail=rule,
            )
        )
    bound = Boundary(
        trust,
        configured,
        trusted_set,
        border_pos,
        inside_at,
        boundary_index,
        origin_ip,
        receipt_time,
        model,
    )
    bound.run = run
    bound.path = path
    bound.edge_vendor = edge_vendor
    bound.gateways_on = policy.trust_gateways
    if run is not None and run.positions:
        bound.gateway_at = dict(run.vendors)
    return bound
