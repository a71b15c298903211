"""Every timestamp in a message on one axis, each with where it came from.

Sources: Received and X-Received dates (RFC 5321 section 4.4), Date and Resent-Date
(RFC 5322 section 3.6), DKIM-Signature ``t=``/``x=`` (RFC 6376 section 3.5), ARC-Seal and
ARC-Message-Signature ``t=`` (RFC 8617 section 4.1), Delivery-date, Exchange's
X-MS-Exchange-CrossTenant-OriginalArrivalTime and X-OriginalArrivalTime, and Barracuda's
X-Barracuda-Start-Time (Unix seconds).
"""

from __future__ import annotations

import datetime as dt

from headerlens._model import fast_constructor
from headerlens._text import ascii_digits
from headerlens.hops.models import Received, TimelineEntry
from headerlens.message import DateValue, HeaderField, Message
from headerlens.parse.dates import parse_date, strip_comments

__all__ = ["TIMELINE_FIELDS", "build_timeline", "tag_value", "timeline_entries"]

_new_entry = fast_constructor(TimelineEntry)

# Header (lower-case) -> source label, for fields whose whole value is a date-time.
_DATE_FIELDS = {
    "date": "Date",
    "resent-date": "Resent-Date",
    "delivery-date": "Delivery-date",
    "x-ms-exchange-crosstenant-originalarrivaltime": (
        "X-MS-Exchange-CrossTenant-OriginalArrivalTime"
    ),
    "x-originalarrivaltime": "X-OriginalArrivalTime",
}
_EPOCH_FIELDS = {"x-barracuda-start-time": "X-Barracuda-Start-Time"}
_TAG_FIELDS = {
    "dkim-signature": ("DKIM-Signature", ("t", "x"), "d"),
    "arc-seal": ("ARC-Seal", ("t",), "d"),
    "arc-message-signature": ("ARC-Message-Signature", ("t",), "d"),
}
# Every header (lower-case) that may put a timestamp on the timeline (Received aside).
TIMELINE_FIELDS = frozenset((*_DATE_FIELDS, *_EPOCH_FIELDS, *_TAG_FIELDS))


def tag_value(value: str, tag: str) -> str | None:
    """The value of ``tag`` in a DKIM-style tag list (RFC 6376 section 3.2), or ``None``."""
    for part in value.split(";"):
        name, eq, val = part.partition("=")
        if eq and name.strip() == tag:
            return "".join(val.split())
    return None


def _epoch(text: str | None) -> dt.datetime | None:
    if text is None or not ascii_digits(text) or len(text) > 12:
        return None
    try:
        return dt.datetime.fromtimestamp(int(text), tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _field_entries(
    h: HeaderField, lname: str, known_date: tuple[int, DateValue] | None
) -> list[TimelineEntry]:
    out: list[TimelineEntry] = []
    if lname in _DATE_FIELDS:
        text = h.value
        if lname.endswith("originalarrivaltime"):
            if lname == "x-originalarrivaltime":  # "21 Sep 2004 05:59:06.0218 (UTC) FILETIME=[]"
                text = text.split("FILETIME", 1)[0]
            bare, _ = strip_comments(text)
            if bare.strip() and bare.strip()[-1].isdigit():
                text = bare.strip() + " +0000"  # Exchange writes UTC, naming it only in a comment
        if known_date is not None and known_date[0] == h.index:
            d = known_date[1]
        else:
            d = parse_date(text)
        if d.datetime is not None:
            note = None if d.zone == "offset" else f"zone: {d.zone}"
            out.append(
                _new_entry(
                    timestamp=d.datetime,
                    source=_DATE_FIELDS[lname],
                    header_index=h.index,
                    host=None,
                    note=note,
                )
            )
    elif lname in _EPOCH_FIELDS:
        when = _epoch(h.value.strip())
        if when is not None:
            out.append(
                _new_entry(
                    timestamp=when,
                    source=_EPOCH_FIELDS[lname],
                    header_index=h.index,
                    host=None,
                    note=None,
                )
            )
    elif lname in _TAG_FIELDS:
        label, tags, host_tag = _TAG_FIELDS[lname]
        # One pass over the tag list for the host tag and the time tags (first one wins, as
        # in tag_value).
        found: dict[str, str] = {}
        for part in h.value.split(";"):
            name, eq, val = part.partition("=")
            if eq:
                key = name.strip()
                if (key == host_tag or key in tags) and key not in found:
                    found[key] = "".join(val.split())
        host = found.get(host_tag)
        for tag in tags:
            when = _epoch(found.get(tag))
            if when is not None:
                note = "signature expiry" if tag == "x" else "signing time"
                out.append(
                    _new_entry(
                        timestamp=when,
                        source=f"{label} {tag}=",
                        header_index=h.index,
                        host=host,
                        note=note,
                    )
                )
    return out


def build_timeline(
    message: Message, received: list[tuple[HeaderField, Received]]
) -> tuple[TimelineEntry, ...]:
    """All timestamps of ``message``, sorted by time (ties: header order).

    ``received`` holds the already parsed Received and X-Received fields with their header
    field, so they are not parsed twice.
    """
    fields = [(h, h.name.lower()) for h in message.headers]
    return timeline_entries(received, [(h, n) for h, n in fields if n in TIMELINE_FIELDS])


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def timeline_entries(
    received: list[tuple[HeaderField, Received]],
    fields: list[tuple[HeaderField, str]],
    known_date: tuple[int, DateValue] | None = None,
) -> tuple[TimelineEntry, ...]:
    """:func:`build_timeline` from fields already picked out of the message.

    ``fields``: the header fields whose name (lower-case, second item) is in
    :data:`TIMELINE_FIELDS`, top to bottom; ``known_date``: a header index and the result of
    ``parse_date`` on that field's value, already computed by the caller.
    """
    entries: list[TimelineEntry] = []
    for h, r in received:
        d = r.date
        if d is not None and d.datetime is not None:
            entries.append(
                _new_entry(
                    timestamp=d.datetime,
                    source=r.header_name,
                    header_index=h.index,
                    host=r.by_host,
                    note=None if d.zone == "offset" else f"zone: {d.zone}",
                )
            )
    for h, lname in fields:
        entries.extend(_field_entries(h, lname, known_date))
    if len(entries) > 1:
        # Sorted by instant, then bottom field first; whole microseconds since the epoch
        # compare faster than aware datetimes in different zones.
        keyed = [
            (
                (e.timestamp - _EPOCH) // _MICROSECOND,
                -1 if e.header_index is None else -e.header_index,
                i,
            )
            for i, e in enumerate(entries)
        ]
        keyed.sort()
        return tuple(entries[k[2]] for k in keyed)
    return tuple(entries)
