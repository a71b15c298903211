"""The hop chain: order, timing, continuity, trust boundary and origin (RFC 5321 section 4.4).

Received fields are prepended by each MTA (RFC 5321 section 4.4, RFC 5322 section 3.6.7), so
the topmost is the newest; hops are returned oldest first. X-Received fields (Gmail and
others write them for internal processing steps) are parsed and put on the timeline, but they
are not hops: they are not transfers between MTAs and have no ``from`` clause to check.

The trust boundary rule (documented in docs/hops.md):

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
import itertools
from collections.abc import Iterable

from headerlens._model import fast_constructor
from headerlens.auth.domains import normalize_domain, organizational_domain
from headerlens.defects import DefectLog
from headerlens.findings import Finding, make_finding
from headerlens.hops.models import ClockSkew, Hop, HopAnalysis, Received, TrustBoundary
from headerlens.hops.received import parse_received_at
from headerlens.hops.timeline import TIMELINE_FIELDS, timeline_entries
from headerlens.message import HeaderField, Message
from headerlens.parse.dates import parse_date, strip_comments
from headerlens.policy import Policy

__all__ = ["analyze_hops", "authserv_id"]

_finding = make_finding

_new_hop = fast_constructor(Hop)
_new_skew = fast_constructor(ClockSkew)
_new_trust = fast_constructor(TrustBoundary)
_new_analysis = fast_constructor(HopAnalysis)

SKEW_TOLERANCE = dt.timedelta(seconds=60)
LONG_DELAY = dt.timedelta(hours=1)
SUBMISSION_DELAY = dt.timedelta(minutes=30)
OLD_DATE = dt.timedelta(days=7)
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
# "The hop that holds the largest share of the delay" is worth saying only when there is a
# delay worth explaining and one hop clearly dominates it.
NOTABLE_DELAY = dt.timedelta(minutes=5)
DOMINANT_SHARE = 0.5


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


def _ip(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not text:
        return None
    return _ip_cached(text)


@functools.lru_cache(maxsize=8192)
def _ip_cached(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


# Addresses that never identify a host on the public Internet (RFC 1918, RFC 6598 shared,
# RFC 1122 loopback/"this network", RFC 3927/4291 link-local, RFC 4193 unique-local, RFC 5735
# reserved and multicast). The documentation ranges (RFC 5737, RFC 3849) are deliberately NOT
# here: examples and test data use them to stand for public addresses.
_INTERNAL_NETS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    )
)

# Organizational domains that one provider uses interchangeably for its own MTAs (public
# knowledge from the providers' Received fields). When the receiving organisation is inferred
# to be one of them, the whole family is trusted.
PROVIDER_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset(("outlook.com", "office365.com", "microsoft.com", "exchangelabs.com", "hotmail.com")),
    frozenset(("google.com", "gmail.com", "googlemail.com")),
    frozenset(("yahoo.com", "yahoodns.net", "yahoo.net")),
)


def _private(text: str | None) -> bool:
    """Private, loopback, link-local, shared (CGNAT), reserved or multicast."""
    return text is not None and _private_cached(text)


@functools.lru_cache(maxsize=8192)
def _private_cached(text: str) -> bool:
    ip = _ip(text)
    if ip is None:
        return False
    return any(ip.version == net.version and ip in net for net in _INTERNAL_NETS)


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
        ip = _ip_cached(text)
        if ip is None:
            return False
        return any(ip in net for net in self.nets)

    @property
    def empty(self) -> bool:
        return not (self.names or self.orgs or self.nets)


def _peer_inside(r: Received, trust: _Trust) -> bool:
    """Whether the peer that handed this field's hop its message is inside the organisation.

    Inside: no network peer, a private/loopback IP, a trusted IP, or a trusted rDNS name. The
    HELO name is a claim of the client and counts only for Exchange/Microsoft 365 transport
    hops (``with Microsoft SMTP Server``), which never write an rDNS name.
    """
    if r.kind in ("local", "loopback") or _private(r.from_ip) or trust.ip(r.from_ip):
        return True
    if trust.host(r.from_rdns):
        return True
    proto = (r.protocol or "").lower()
    return proto.startswith("microsoft smtp server") and trust.host(r.from_helo)


def _named_host(name: str | None) -> bool:
    """A ``by`` value that names a host (not an IP, not localhost, has a dot)."""
    if not name or name.startswith("[") or _ip(name) is not None:
        return False
    low = name.lower()
    return "." in low and not low.startswith("localhost")


def _add_note(note: str | None, more: str) -> str:
    return more if note is None else f"{note}; {more}"


def _fmt(delta: dt.timedelta) -> str:
    secs = delta.total_seconds()
    sign = "-" if secs < 0 else ""
    secs = abs(secs)
    if secs < 120:
        return f"{sign}{secs:g} s"
    if secs < 7200:
        return f"{sign}{secs / 60:.1f} min"
    if secs < 172800:
        return f"{sign}{secs / 3600:.1f} h"
    return f"{sign}{secs / 86400:.1f} days"


# Every field name that may put a timestamp on the timeline, Date included, in a fixed order.
_TIMELINE_NAMES = tuple(sorted(TIMELINE_FIELDS | {"date"}))


def _header_index(h: HeaderField) -> int:
    return h.index


def _first_index(pair: tuple[HeaderField, str]) -> int:
    return pair[0].index


_ZERO = dt.timedelta(0)


def analyze_hops(message: Message, policy: Policy) -> HopAnalysis:
    """Rebuild the path and timing of ``message`` from its Received fields (RFC 5321 4.4).

    Returns the hops oldest first with per-hop delays, the total transit time, the trust
    boundary with ``origin_ip`` and ``receipt_time``, the timeline of every timestamp in the
    message, per-host clock-skew estimates, findings (each citing header indexes) and the
    defects of every Received/X-Received field (with their header index).
    """
    log = DefectLog(strict=policy.strict)
    # The fields this step reads, from the message's name index: Received/X-Received are
    # parsed, the rest is collected for the timeline and the checks below.
    named = message.fields_by_name()
    cap = policy.limits.max_received
    received: list[tuple[HeaderField, Received]] = []
    x_received: list[tuple[HeaderField, Received]] = []
    skipped: list[HeaderField] = []
    for lname, target in (("received", received), ("x-received", x_received)):
        group = named.get(lname, ())
        if len(group) > cap:
            skipped.extend(group[cap:])
            group = group[:cap]
        for h in group:
            target.append((h, parse_received_at(h.value, h.index, h.name)))
    if skipped:
        skipped.sort(key=_header_index)
        for h in skipped:
            log.add(
                "hops.too_many",
                f"more than {cap} {h.name} fields; the rest were skipped",
                h.index,
            )
    timeline_fields = [(h, lname) for lname in _TIMELINE_NAMES for h in named.get(lname, ())]
    if len(timeline_fields) > 1:
        timeline_fields.sort(key=_first_index)
    date_fields = named.get("date", ())
    ars = named.get("authentication-results")
    first_ar = ars[0] if ars else None
    for rs in (received, x_received):
        for _h, r in rs:
            if r.defects:
                log.extend(r.defects)
            rd = r.date
            if rd is not None and rd.defects:
                log.extend(rd.defects)
    findings: list[Finding] = []
    # The Date field is read once, for the timeline and for the comparison with the first hop.
    date_value = parse_date(date_fields[0].value) if date_fields else None
    timeline = timeline_entries(
        received + x_received,
        timeline_fields,
        (date_fields[0].index, date_value) if date_fields and date_value is not None else None,
    )

    if not received:
        findings.append(_finding("hops.no_received", "info", "The message has no Received field."))
        return _new_analysis(
            hops=(),
            transit=None,
            origin_ip=None,
            receipt_time=None,
            timeline=timeline,
            trust=_new_trust(
                header_index=None,
                trusted_hosts=(),
                trusted_authserv_ids=(),
                inferred=True,
                rule="no Received field: nothing to trust",
            ),
            findings=tuple(findings),
            x_received=tuple(r for _h, r in x_received),
            clock_skew=(),
            defects=log.defects,
            transit_note="the message has no Received field",
        )

    # --- Trust boundary (top to bottom). ---------------------------------------------------
    configured = bool(policy.trusted_hosts or policy.trusted_authserv_ids)
    trust = _Trust(policy.trusted_hosts, policy.trusted_authserv_ids)
    ar_ids: list[str] = list(policy.trusted_authserv_ids)
    rule: str
    if configured:
        rule = "configured: Policy.trusted_hosts / Policy.trusted_authserv_ids"
    else:
        top_by: str | None = None
        for _h, r in received:
            if _named_host(r.by_host):
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
        rule = "inferred: " + (" and ".join(parts) if parts else "topmost Received field only")

    trusted_set: set[int] = set()
    border_pos: int | None = None  # position in `received` (0 = topmost)
    pending: list[int] = []
    # _peer_inside answers of the walk: position -> (trust version, answer).
    inside_at: dict[int, tuple[int, bool]] = {}
    if trust.empty:
        trusted_set.add(0)
        border_pos = 0
    else:
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
                if not _named_host(r.by_host):
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
    boundary_index = received[max(trusted_set)][0].index if trusted_set else None
    # Origin: the border hop's peer; if it has none, the nearest trusted hop above with one.
    origin_ip: str | None = None
    receipt_time: dt.datetime | None = None
    if border_pos is not None:
        for pos in range(border_pos, -1, -1):
            r = received[pos][1]
            if r.from_ip is not None and r.kind != "loopback":
                origin_ip = r.from_ip
                break
        for pos in range(border_pos, -1, -1):
            r = received[pos][1]
            if r.date is not None and r.date.datetime is not None:
                receipt_time = r.date.datetime
                break
    trust_model = _new_trust(
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
            _finding(
                "hops.trust_inferred",
                "info",
                "The trust boundary was inferred from the headers (no trusted hosts configured).",
                [received[p][0].index for p in sorted(trusted_set)],
                detail=rule,
            )
        )

    # --- Hops, oldest first, with delays. --------------------------------------------------
    ordered = received[::-1]
    n = len(ordered)
    # (index, header field, Received, timestamp, delay, note, trusted, internal)
    rows: list[
        tuple[
            int,
            HeaderField,
            Received,
            dt.datetime | None,
            dt.timedelta | None,
            str | None,
            bool,
            bool,
        ]
    ] = []
    positive = _ZERO  # the sum of the positive delays
    prev_ts: dt.datetime | None = None
    prev_idx: int | None = None
    prev_zone_unsure = False
    missing: list[int] = []
    negatives: list[tuple[int, int, dt.timedelta]] = []  # (hop index, prev hop index, delay)
    for i, (h, r) in enumerate(ordered):
        pos = n - 1 - i
        rdate = r.date
        if rdate is not None:
            ts = rdate.datetime
            zone_unsure = rdate.zone == "assumed"
        else:
            ts = None
            zone_unsure = False
        delay: dt.timedelta | None = None
        note: str | None = None
        if ts is None:
            missing.append(h.index)
            note = (
                "no date in this Received field"
                if rdate is None
                else "the date of this Received field could not be read"
            )
        elif prev_ts is None:
            note = "first dated hop: nothing earlier to measure from" if i else "first hop"
        else:
            delay = ts - prev_ts
            if prev_idx is not None and prev_idx != i - 1:
                note = f"measured from hop {prev_idx} (hops in between have no date)"
            if delay < -SKEW_TOLERANCE:
                note = _add_note(
                    note, "negative: clock skew between the hosts, or a forged/reordered field"
                )
                negatives.append((i, prev_idx if prev_idx is not None else i - 1, delay))
            elif delay < _ZERO:
                note = _add_note(note, "slightly negative: within normal clock skew")
            elif delay > _ZERO:
                positive += delay
            if zone_unsure or prev_zone_unsure:
                note = _add_note(note, "a zone was assumed (UTC), so the delay may be off by hours")
        trusted = pos in trusted_set
        if trusted:
            walked = inside_at.get(pos)
            internal = (
                walked[1]
                if walked is not None and walked[0] == trust.version
                else _peer_inside(r, trust)
            )
        else:
            internal = False
        rows.append((i, h, r, ts, delay, note, trusted, internal))
        if ts is not None:
            prev_ts, prev_idx, prev_zone_unsure = ts, i, zone_unsure

    hops: list[Hop] = []
    dated: list[Hop] = []
    dated_ts: list[dt.datetime] = []  # their timestamps
    border_index = n - 1 - border_pos if border_pos is not None else -1
    for i, h, r, ts, delay, note, trusted, internal in rows:
        hp = _new_hop(
            index=i,
            header_index=h.index,
            received=r,
            timestamp=ts,
            delay=delay,
            delay_note=note,
            trusted=trusted,
            internal=internal,
            border=i == border_index,
            share=delay / positive if delay is not None and delay > _ZERO else None,
        )
        hops.append(hp)
        if ts is not None:
            dated.append(hp)
            dated_ts.append(ts)
    # The anchor is where transit and the submission delay are measured from: the oldest
    # dated hop, unless it is stamped after the newest one (the receiver's own clock), as a
    # forged or badly skewed field at the bottom of the chain is; then the oldest hop that
    # the newest one does not contradict.
    anchor: Hop | None = None
    if dated:
        newest_ts = dated_ts[-1]
        for k, ts in enumerate(dated_ts):
            if ts <= newest_ts + SKEW_TOLERANCE:
                anchor = dated[k]
                break
    transit: dt.timedelta | None = None
    transit_note: str | None = None
    if len(dated) < 2:
        transit_note = "fewer than two Received fields carry a readable date"
    elif anchor is None or anchor is dated[-1]:
        transit_note = "the hop timestamps contradict each other (see the negative delays)"
    else:
        assert anchor.timestamp is not None
        last_ts = dated[-1].timestamp
        assert last_ts is not None
        transit = max(last_ts - anchor.timestamp, dt.timedelta(0))
        if anchor is not dated[0]:
            transit_note = (
                f"measured from hop {anchor.index}: older hops are stamped later than newer"
                " ones (clock skew or forged fields)"
            )
    if positive >= NOTABLE_DELAY:
        top = max(
            (hp for hp in hops if hp.delay is not None),
            key=lambda hp: hp.delay or dt.timedelta(0),
        )
        assert top.delay is not None
        if (top.share or 0) >= DOMINANT_SHARE:
            findings.append(
                _finding(
                    "hops.largest_delay",
                    "info",
                    f"Hop {top.index} (by {top.received.by_host or 'unknown host'}) holds "
                    f"{top.share or 0:.0%} of the delay ({_fmt(top.delay)}).",
                    [top.header_index],
                )
            )
    for hp in hops:
        if hp.delay is not None and hp.delay > LONG_DELAY:
            findings.append(
                _finding(
                    "hops.long_delay",
                    "notice",
                    f"Hop {hp.index} took {_fmt(hp.delay)} (by {hp.received.by_host}).",
                    [hp.header_index, hops[hp.index - 1].header_index],
                )
            )
    if missing:
        findings.append(
            _finding(
                "hops.missing_date",
                "notice",
                f"{len(missing)} Received field(s) have no readable date; "
                "their delays are unknown.",
                missing,
            )
        )

    # --- Negative delays, clock skew, order. ------------------------------------------------
    skews: list[ClockSkew] = []
    for i, j, delay in negatives:
        newer, older = hops[i], hops[j]
        findings.append(
            _finding(
                "hops.negative_delay",
                "notice" if -delay < LONG_DELAY else "warning",
                f"Hop {i} is stamped {_fmt(-delay)} before hop {j}: clock skew or a forged field.",
                [newer.header_index, older.header_index],
            )
        )
        host = newer.received.by_host or f"header {newer.header_index}"
        # A host compared with itself says nothing about clocks, and a field below the
        # boundary claiming a trusted host is a forgery, not a slow clock.
        same_host = (older.received.by_host or "").lower() == host.lower()
        forged = not newer.trusted and trust.host(newer.received.by_host)
        if same_host or forged:
            continue
        skews.append(
            _new_skew(
                host=host,
                behind=-delay,
                compared_with=older.received.by_host,
                header_indexes=(newer.header_index, older.header_index),
            )
        )
    # X-Received written by a host that also wrote a Received: compare the two clocks.
    for h, r in x_received:
        if not r.by_host or r.date is None or r.date.datetime is None:
            continue
        # An X-Received sits above the Received of the hop that carried the message into
        # the host; it cannot be older than the Received right below it.
        below = next(
            (
                (hh, rr)
                for hh, rr in received
                if hh.index > h.index and rr.date and rr.date.datetime
            ),
            None,
        )
        if below is None:
            continue
        below_date = below[1].date
        assert below_date is not None
        assert below_date.datetime is not None
        diff = r.date.datetime - below_date.datetime
        if diff < -SKEW_TOLERANCE:
            skews.append(
                _new_skew(
                    host=r.by_host,
                    behind=-diff,
                    compared_with=below[1].by_host,
                    header_indexes=(h.index, below[0].index),
                )
            )
    for sk in skews:
        hours = sk.behind.total_seconds() / 3600
        zone_hint = (
            " A whole number of hours suggests a wrong time-zone offset."
            if hours >= 1 and abs(hours - round(hours)) < 0.02
            else ""
        )
        findings.append(
            _finding(
                "hops.clock_skew",
                "info",
                f"The clock of {sk.host} seems at least {_fmt(sk.behind)} behind that of "
                f"{sk.compared_with or 'the previous host'}.",
                sk.header_indexes,
                detail=("Estimated from a negative delay." + zone_hint),
            )
        )
    # Out of order: sorting by time would reorder the Received fields beyond the tolerance.
    disorder = False
    if len(dated_ts) >= 3:
        for a_ts, b_ts in itertools.pairwise(dated_ts):
            if b_ts < a_ts - SKEW_TOLERANCE:
                disorder = True
                break
    if disorder:
        latest = max(
            dated[:-1], key=lambda hp: hp.timestamp or dt.datetime.min.replace(tzinfo=dt.UTC)
        )
        last = dated[-1]
        if (
            last.timestamp is not None
            and latest.timestamp is not None
            and (last.timestamp < latest.timestamp - SKEW_TOLERANCE)
        ):
            findings.append(
                _finding(
                    "hops.out_of_order",
                    "notice",
                    "The newest Received field is stamped earlier than an older one: the "
                    "header order and the timestamps disagree.",
                    [latest.header_index, last.header_index],
                )
            )

    # --- Continuity: each hop's from against the previous hop's by. -------------------------
    for i in range(1, n):
        nr, orr = ordered[i][1], ordered[i - 1][1]
        by_host = orr.by_host
        if by_host is None or (nr.kind != "network" and nr.kind != "http"):
            continue
        by_ip = orr.by_ip
        if by_ip is None and not _named_host(by_host):
            continue
        helo, rdns = nr.from_helo, nr.from_rdns
        name1 = helo.lower().rstrip(".") if helo else ""
        name2 = rdns.lower().rstrip(".") if rdns else ""
        by_name = by_host.lower().rstrip(".")
        from_ip = nr.from_ip
        by_literal = _ip(by_name.strip("[]"))
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

    # --- Untrusted part: private IPs and claims of trusted hosts. ---------------------------
    for hp in hops:
        if hp.trusted:
            continue
        r = hp.received
        if r.kind == "network" and _private(r.from_ip):
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

    # --- The border peer introducing itself with a trusted name. ---------------------------
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

    # --- Date header against the first hop. --------------------------------------------------
    if len(date_fields) > 1:
        findings.append(
            _finding(
                "hops.duplicate_singleton",
                "warning",
                f"The message has {len(date_fields)} Date fields; the first is compared with "
                "the hops.",
                [d.index for d in date_fields],
            )
        )
    first = anchor
    if date_value is not None and date_value.datetime is not None and first is not None:
        assert first.timestamp is not None
        lead = first.timestamp - date_value.datetime
        idx = [date_fields[0].index, first.header_index]
        if lead < -FUTURE_TOLERANCE:
            findings.append(
                _finding(
                    "hops.future_date",
                    "warning",
                    f"The Date header is {_fmt(-lead)} later than the first hop.",
                    idx,
                )
            )
        elif lead > OLD_DATE:
            findings.append(
                _finding(
                    "hops.old_date",
                    "notice",
                    f"The Date header is {_fmt(lead)} before the first hop.",
                    idx,
                )
            )
        elif lead > SUBMISSION_DELAY:
            findings.append(
                _finding(
                    "hops.submission_delay",
                    "info",
                    f"The message was submitted {_fmt(lead)} after its Date.",
                    idx,
                )
            )

    return _new_analysis(
        hops=tuple(hops),
        transit=transit,
        origin_ip=origin_ip,
        receipt_time=receipt_time,
        timeline=timeline,
        trust=trust_model,
        findings=tuple(findings),
        x_received=tuple(r for _h, r in x_received),
        clock_skew=tuple(skews),
        defects=log.defects,
        transit_note=transit_note,
    )
