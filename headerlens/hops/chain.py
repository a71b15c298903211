"""The hop chain: order, timing, continuity, trust boundary and origin (RFC 5321 section 4.4).

Received fields are prepended by each MTA (RFC 5321 section 4.4, RFC 5322 section 3.6.7), so
the topmost is the newest; hops are returned oldest first. X-Received fields (Gmail and
others write them for internal processing steps) are parsed and put on the timeline, but they
are not hops: they are not transfers between MTAs and have no ``from`` clause to check.

:func:`analyze_hops` runs one function per step: read the fields, find the trust boundary
(``headerlens.hops.trust``), measure the delays, then the findings on negative delays and
clocks, continuity, the untrusted part, the border peer and the Date field.
"""

from __future__ import annotations

import datetime as dt
import itertools

from headerlens._model import fast_constructor
from headerlens.defects import DefectLog
from headerlens.findings import Finding, Severity, make_finding
from headerlens.hops._checks import border_helo, continuity, gateway_findings, untrusted_part
from headerlens.hops.models import (
    ClockSkew,
    Hop,
    HopAnalysis,
    Received,
    TimelineEntry,
    TrustBoundary,
)
from headerlens.hops.received import parse_received_at
from headerlens.hops.timeline import TIMELINE_FIELDS, timeline_entries
from headerlens.hops.trust import (
    Boundary,
    authserv_id,
    find_boundary,
)
from headerlens.message import DateValue, HeaderField, Message
from headerlens.parse.dates import parse_date
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

_Pairs = list[tuple[HeaderField, Received]]
# (index, header field, Received, timestamp, delay, note, trusted, internal)
_Row = tuple[
    int, HeaderField, Received, dt.datetime | None, dt.timedelta | None, str | None, bool, bool
]


class _Fields:
    """The fields the chain reads (step 1), parsed where they are Received/X-Received."""

    def __init__(
        self,
        received: _Pairs,
        x_received: _Pairs,
        date_fields: tuple[HeaderField, ...],
        date_value: DateValue | None,
        first_ar: HeaderField | None,
        timeline: tuple[TimelineEntry, ...],
        auth_fields: list[HeaderField],
    ) -> None:
        self.received = received
        self.x_received = x_received
        self.date_fields = date_fields
        self.date_value = date_value
        self.first_ar = first_ar
        self.timeline = timeline
        #: Received-SPF and Authentication-Results fields, in header order.
        self.auth_fields = auth_fields


def _read_fields(message: Message, policy: Policy, log: DefectLog) -> _Fields:
    """Step 1: Received/X-Received parsed (at most ``Limits.max_received`` of each), their
    defects logged, the Date field read once, and the timeline of every timestamp."""
    # The fields this step reads, from the message's name index: Received/X-Received are
    # parsed, the rest is collected for the timeline and the checks below.
    named = message.fields_by_name()
    cap = policy.limits.max_received
    received: _Pairs = []
    x_received: _Pairs = []
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
    auth_fields = [*named.get("received-spf", ()), *(ars or ())]
    if len(auth_fields) > 1:
        auth_fields.sort(key=_header_index)
    for rs in (received, x_received):
        for _h, r in rs:
            if r.defects:
                log.extend(r.defects)
            rd = r.date
            if rd is not None and rd.defects:
                log.extend(rd.defects)
    # The Date field is read once, for the timeline and for the comparison with the first hop.
    date_value = parse_date(date_fields[0].value) if date_fields else None
    timeline = timeline_entries(
        received + x_received,
        timeline_fields,
        (date_fields[0].index, date_value) if date_fields and date_value is not None else None,
    )
    return _Fields(
        received, x_received, tuple(date_fields), date_value, first_ar, timeline, auth_fields
    )


def _no_received(fields: _Fields, log: DefectLog) -> HopAnalysis:
    """The analysis of a message without a Received field."""
    return _new_analysis(
        hops=(),
        transit=None,
        origin_ip=None,
        receipt_time=None,
        timeline=fields.timeline,
        trust=_new_trust(
            header_index=None,
            trusted_hosts=(),
            trusted_authserv_ids=(),
            inferred=True,
            rule="no Received field: nothing to trust",
        ),
        findings=(_finding("hops.no_received", "info", "The message has no Received field."),),
        x_received=tuple(r for _h, r in fields.x_received),
        clock_skew=(),
        defects=log.defects,
        transit_note="the message has no Received field",
    )


def _delays(
    received: _Pairs, bound: Boundary
) -> tuple[list[_Row], dt.timedelta, list[int], list[tuple[int, int, dt.timedelta]]]:
    """Step 3: each hop's delay from the nearest older dated hop, oldest first.

    Returns the rows, the sum of the positive delays, the header indexes of undated fields
    and the negative delays (hop index, previous hop index, delay).
    """
    ordered = received[::-1]
    n = len(ordered)
    trusted_set = bound.trusted_set
    rows: list[_Row] = []
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
        internal = bound.internal(pos, r) if trusted else False
        rows.append((i, h, r, ts, delay, note, trusted, internal))
        if ts is not None:
            prev_ts, prev_idx, prev_zone_unsure = ts, i, zone_unsure
    return rows, positive, missing, negatives


def _build_hops(
    rows: list[_Row], positive: dt.timedelta, bound: Boundary
) -> tuple[list[Hop], list[Hop], list[dt.datetime]]:
    """Step 4: the Hop models, and the dated ones with their timestamps."""
    last = len(rows) - 1
    border_index = last - bound.border_pos if bound.border_pos is not None else -1
    gateway_at = bound.gateway_at
    hops: list[Hop] = []
    dated: list[Hop] = []
    dated_ts: list[dt.datetime] = []  # their timestamps
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
            gateway=gateway_at.get(last - i) if gateway_at else None,
        )
        hops.append(hp)
        if ts is not None:
            dated.append(hp)
            dated_ts.append(ts)
    return hops, dated, dated_ts


def _anchor_and_transit(
    dated: list[Hop], dated_ts: list[dt.datetime]
) -> tuple[Hop | None, dt.timedelta | None, str | None]:
    """Step 5: the anchor hop and the transit time (with the note that explains it)."""
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
    return anchor, transit, transit_note


def _delay_findings(
    hops: list[Hop], positive: dt.timedelta, missing: list[int], findings: list[Finding]
) -> None:
    """Step 6: the hop holding most of the delay, long delays, undated fields."""
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
        if hp.delay is None or hp.delay <= LONG_DELAY:
            continue
        indexes = [hp.header_index, hops[hp.index - 1].header_index]
        if hp.received.kind == "fetch":
            # A POP/IMAP retrieval stamps the time the mailbox was read: the wait before it is
            # the recipient's, not a relay's (RFC 5321 section 4.4 covers SMTP relays only).
            findings.append(
                _finding(
                    "hops.mailbox_wait",
                    "info",
                    f"The message waited {_fmt(hp.delay)} in the mailbox before hop {hp.index}"
                    f" fetched it (by {hp.received.by_host}): not a delivery delay.",
                    indexes,
                )
            )
            continue
        findings.append(
            _finding(
                "hops.long_delay",
                "notice",
                f"Hop {hp.index} took {_fmt(hp.delay)} (by {hp.received.by_host}).",
                indexes,
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


def _skew_severity(behind: dt.timedelta) -> Severity:
    """How much a negative delay says: a few minutes is ordinary drift between unsynchronised
    clocks (info), up to an hour a clock worth a look (notice), more a clock far off or a
    forged field (warning)."""
    if behind < NOTABLE_DELAY:
        return "info"
    return "notice" if behind < LONG_DELAY else "warning"


def _clock_skews(
    hops: list[Hop],
    negatives: list[tuple[int, int, dt.timedelta]],
    fields: _Fields,
    bound: Boundary,
    findings: list[Finding],
) -> list[ClockSkew]:
    """Step 7: negative delays, and the clock-skew estimates they and X-Received give."""
    received, x_received = fields.received, fields.x_received
    skews: list[ClockSkew] = []
    for i, j, delay in negatives:
        newer, older = hops[i], hops[j]
        findings.append(
            _finding(
                "hops.negative_delay",
                _skew_severity(-delay),
                f"Hop {i} is stamped {_fmt(-delay)} before hop {j}: clock skew or a forged field.",
                [newer.header_index, older.header_index],
            )
        )
        host = newer.received.by_host or f"header {newer.header_index}"
        # A host compared with itself says nothing about clocks, and a field below the
        # boundary claiming a trusted host is a forgery, not a slow clock.
        same_host = (older.received.by_host or "").lower() == host.lower()
        forged = not newer.trusted and bound.claims_trusted(newer.received)
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
    return skews


def _order_finding(dated: list[Hop], dated_ts: list[dt.datetime], findings: list[Finding]) -> None:
    """Step 8: the newest field stamped earlier than an older one."""
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


def _date_findings(fields: _Fields, first: Hop | None, findings: list[Finding]) -> None:
    """Step 12: the Date field against the anchor hop (future, old, late submission)."""
    date_fields, date_value = fields.date_fields, fields.date_value
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


def analyze_hops(message: Message, policy: Policy) -> HopAnalysis:
    """Rebuild the path and timing of ``message`` from its Received fields (RFC 5321 4.4).

    Returns the hops oldest first with per-hop delays, the total transit time, the trust
    boundary with ``origin_ip`` and ``receipt_time``, the timeline of every timestamp in the
    message, per-host clock-skew estimates, findings (each citing header indexes) and the
    defects of every Received/X-Received field (with their header index).
    """
    log = DefectLog(strict=policy.strict)
    fields = _read_fields(message, policy, log)
    received = fields.received
    if not received:
        return _no_received(fields, log)
    findings: list[Finding] = []
    bound = find_boundary(received, fields.first_ar, policy, findings, fields.auth_fields)
    rows, positive, missing, negatives = _delays(received, bound)
    hops, dated, dated_ts = _build_hops(rows, positive, bound)
    anchor, transit, transit_note = _anchor_and_transit(dated, dated_ts)
    _delay_findings(hops, positive, missing, findings)
    skews = _clock_skews(hops, negatives, fields, bound, findings)
    _order_finding(dated, dated_ts, findings)
    continuity(received, hops, findings)
    gateway_findings(received, bound, findings)
    untrusted_part(hops, bound, findings)
    border_helo(received, bound, findings)
    _date_findings(fields, anchor, findings)
    return _new_analysis(
        hops=tuple(hops),
        transit=transit,
        origin_ip=bound.origin_ip,
        receipt_time=bound.receipt_time,
        timeline=fields.timeline,
        trust=bound.model,
        findings=tuple(findings),
        x_received=tuple(r for _h, r in fields.x_received),
        clock_skew=tuple(skews),
        defects=log.defects,
        transit_note=transit_note,
    )
