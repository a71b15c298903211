"""Every timestamp in a message on one axis, each with where it came from.

Sources: Received and X-Received dates (RFC 5321 section 4.4), Date and Resent-Date
(RFC 5322 section 3.6), DKIM-Signature ``t=``/``x=`` (RFC 6376 section 3.5), ARC-Seal and
ARC-Message-Signature ``t=`` (RFC 8617 section 4.1), Delivery-date, Exchange's
X-MS-Exchange-CrossTenant-OriginalArrivalTime and X-OriginalArrivalTime, and Barracuda's
X-Barracuda-Start-Time (Unix seconds).
"""

from __future__ import annotations

import datetime as dt

from headerlens.hops.models import Received, TimelineEntry
from headerlens.message import HeaderField, Message
from headerlens.parse.dates import parse_date, strip_comments

__all__ = ["build_timeline", "tag_value"]

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


def tag_value(value: str, tag: str) -> str | None:
    """The value of ``tag`` in a DKIM-style tag list (RFC 6376 section 3.2), or ``None``."""
    for part in value.split(";"):
        name, eq, val = part.partition("=")
        if eq and name.strip() == tag:
            return "".join(val.split())
    return None


def _epoch(text: str | None) -> dt.datetime | None:
    if text is None or not text.isdigit() or len(text) > 12:
        return None
    try:
        return dt.datetime.fromtimestamp(int(text), tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _field_entries(h: HeaderField) -> list[TimelineEntry]:
    lname = h.name.lower()
    out: list[TimelineEntry] = []
    if lname in _DATE_FIELDS:
        text = h.value
        if lname == "x-originalarrivaltime":  # "21 Sep 2004 05:59:06.0218 (UTC) FILETIME=[...]"
            text = text.split("FILETIME", 1)[0]
        bare, _ = strip_comments(text)
        if lname.endswith("originalarrivaltime") and bare.strip() and bare.strip()[-1].isdigit():
            text = bare.strip() + " +0000"  # Exchange writes UTC, naming it only in a comment
        d = parse_date(text)
        if d.datetime is not None:
            note = None if d.zone == "offset" else f"zone: {d.zone}"
            out.append(
                TimelineEntry(
                    timestamp=d.datetime,
                    source=_DATE_FIELDS[lname],
                    header_index=h.index,
                    note=note,
                )
            )
    elif lname in _EPOCH_FIELDS:
        when = _epoch(h.value.strip())
        if when is not None:
            out.append(
                TimelineEntry(timestamp=when, source=_EPOCH_FIELDS[lname], header_index=h.index)
            )
    elif lname in _TAG_FIELDS:
        label, tags, host_tag = _TAG_FIELDS[lname]
        host = tag_value(h.value, host_tag)
        for tag in tags:
            when = _epoch(tag_value(h.value, tag))
            if when is not None:
                note = "signature expiry" if tag == "x" else "signing time"
                out.append(
                    TimelineEntry(
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
    entries: list[TimelineEntry] = []
    for h, r in received:
        if r.date is not None and r.date.datetime is not None:
            note = None if r.date.zone == "offset" else f"zone: {r.date.zone}"
            entries.append(
                TimelineEntry(
                    timestamp=r.date.datetime,
                    source=r.header_name,
                    header_index=h.index,
                    host=r.by_host,
                    note=note,
                )
            )
    for h in message.headers:
        if (
            h.name.lower() in _DATE_FIELDS
            or h.name.lower() in _EPOCH_FIELDS
            or (h.name.lower() in _TAG_FIELDS)
        ):
            entries.extend(_field_entries(h))
    entries.sort(key=lambda e: (e.timestamp, -1 if e.header_index is None else -e.header_index))
    return tuple(entries)
