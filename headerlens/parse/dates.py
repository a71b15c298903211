"""Strict date-time parsing (RFC 5322 section 3.3 with the obsolete forms of section 4.3).

No fuzzy guessing: the text is read token by token with a hand-written scanner (linear time,
comments nest) and matched against a few explicit shapes:

* ``rfc5322``: ``[day-name ","] day month year hour ":" minute [":" second] zone``, including
  the obsolete forms (two- and three-digit years, zone names, missing weekday, extra space);
* ``asctime``: ``day-name month day hh:mm:ss year [zone]`` (C ``asctime()``, old smtpd);
* ``month_first``: ``Jul, 25 2002 9:57:04 AM -0800`` (bulk-mail tools of the early 2000s);
* ``iso8601``: ``YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|+hh:mm|+hhmm]``;
* ``go``: Go's ``time.Time.String()`` as SendGrid writes it,
  ``2023-06-15 22:26:16.509597009 +0000 UTC m=+3106083.316181628``;
* ``numeric``: the non-standard fallback for numeric dates no standard defines
  (``4/20/2018 23:01:06 -0400``, ``2018-4-20 11:01:08 PM``, ``20.04.2018 23:01``), read by
  python-dateutil (never fuzzy) once the day/month order is certain: a year of four digits
  first is year-month-day; otherwise a first or second number over 12 is the day. A date that
  reads as two different days (``4/5/2018``) gives no datetime and ``date.ambiguous``. Every
  such date has ``date.nonstandard_format``. RFC 5322 forms never reach dateutil.

The tokens, the zone rules and the layout readers live in ``headerlens.parse._date_layouts``.

Tolerated extensions (each recorded as a defect): fractional seconds, ``+hh:mm`` offsets, a
leap second, an AM/PM marker after the time (``11:01:08 PM`` is 23:01:08), trailing text.
The result is always timezone-aware when a datetime is returned:
``-0000`` and military zone letters give UTC with ``zone="utc_unknown_local"``; an unknown zone
name or no zone at all gives UTC with ``zone="assumed"`` and a defect.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re

from headerlens._model import fast_constructor
from headerlens.defects import IndexedLog
from headerlens.errors import wrong_type
from headerlens.message import DateValue, ZoneKind
from headerlens.parse._date_layouts import (
    _ALPHA,
    _DAYS,
    _DIGIT,
    _MONTHS,
    _PUNCT,
    _asctime,
    _iso,
    _month_first,
    _numeric,
    _Parts,
    _Reader,
    _rfc,
    _tokens,
    _weekday,
    _zone,
)
from headerlens.parse._scan import skip_comment

__all__ = ["IndexedLog", "parse_date", "parse_date_at", "strip_comments"]

_new_date = fast_constructor(DateValue)


def strip_comments(text: str) -> tuple[str, bool]:
    """``text`` with each RFC 5322 comment (section 3.2.2: nested, with quoted-pairs) turned
    into one space, read by :func:`~headerlens.parse._scan.skip_comment`; and whether every
    comment was closed (an open one runs to the end)."""
    out: list[str] = []
    i = 0
    while True:
        j = text.find("(", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out), True
        out.append(text[i:j])
        out.append(" ")
        i, closed = skip_comment(text, j)
        if not closed:
            return "".join(out), False


# The canonical RFC 5322 layout, read without the general machinery (most dates are this).
# Sequential fixed-width pieces only: a match attempt is linear.
_FAST_RE = re.compile(
    r"[ \t]*(?:([A-Za-z]{3}),[ \t]*)?([0-9]{1,2})[ \t]+([A-Za-z]{3})[ \t]+([0-9]{4})[ \t]+"
    r"([0-9]{2}):([0-9]{2}):([0-9]{2})[ \t]+([+-])([0-9]{2})([0-9]{2})[ \t]*"
)


# The same layout followed by one simple comment ("(PDT)", "(UTC)"): what ``_FAST_RE`` matches
# after ``strip_comments`` turned that comment into a space, read without the copy.
_FAST_RE_COMMENT = re.compile(_FAST_RE.pattern + r"(?:\([^()\\]*\)[ \t]*)?")
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _fast(text: str) -> DateValue | None:
    m = _FAST_RE_COMMENT.fullmatch(text)
    if m is None:
        if "(" not in text:
            return None
        bare, closed = strip_comments(text)
        if not closed:
            return None
        m = _FAST_RE.fullmatch(bare)
        if m is None:
            return None
    wd, day_s, mon_s, year_s, hh_s, mi_s, ss_s, sign, zh_s, zm_s = m.groups()
    month = _MONTHS.get(mon_s.lower())
    weekday = _DAYS.get(wd.lower()) if wd is not None else None
    if month is None or (wd is not None and weekday is None):
        return None
    year, day, hh, mi, ss = int(year_s), int(day_s), int(hh_s), int(mi_s), int(ss_s)
    zh, zm = int(zh_s), int(zm_s)
    last_day = _DAYS_IN_MONTH[month]
    if month == 2 and calendar.isleap(year):
        last_day = 29
    if year < 1 or not 1 <= day <= last_day or hh > 23 or mi > 59 or ss > 59 or zh > 23 or zm > 59:
        return None  # let the general path report it
    offset = (zh * 60 + zm) * (-1 if sign == "-" else 1)
    zone: ZoneKind = "utc_unknown_local" if sign == "-" and offset == 0 else "offset"
    when = dt.datetime(year, month, day, hh, mi, ss, tzinfo=_tz(offset))
    if weekday is not None and when.weekday() != weekday:
        return None
    return _new_date(
        raw=text, datetime=when, zone=zone, zone_name=None, format="rfc5322", defects=()
    )


@functools.lru_cache(maxsize=256)
def _tz(minutes: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(minutes=minutes))


def parse_date(text: str) -> DateValue:
    """Parse a date-time strictly (RFC 5322 sections 3.3 and 4.3); never raises.

    Returns a :class:`~headerlens.message.DateValue`: ``datetime`` is aware or ``None`` when the
    text cannot be read; ``zone`` says where the offset came from; ``format`` names the shape
    that matched (``rfc5322``, ``asctime``, ``month_first``, ``iso8601``, ``go``, or
    ``numeric`` for the non-standard numeric fallback); ``defects`` lists every deviation from
    RFC 5322 section 3.3 (obsolete forms of section 4.3 included).
    Only a ``text`` that is not a ``str`` raises (``TypeError``).
    """
    if not isinstance(text, str):
        raise wrong_type("parse_date(text)", "str", text)
    return parse_date_at(text, None)


def parse_date_at(text: str, header_index: int | None) -> DateValue:
    """:func:`parse_date` for the field at ``header_index`` (its defects carry the index)."""
    fast = _fast(text)
    if fast is not None:
        return fast
    return _parse_general(text, header_index)


def _parse_general(text: str, header_index: int | None) -> DateValue:
    """The general reader (every layout, every defect); ``_fast`` equals it where it answers."""
    log = IndexedLog(header_index)
    bare, closed = strip_comments(text)
    if not closed:
        log.add("date.unterminated_comment", "a comment in the date is not closed")
    toks = _tokens(bare)
    if not toks:
        log.add("date.invalid", "the date is empty")
        return DateValue(raw=text, defects=log.defects)
    r = _Reader(toks)
    ok, p = _read_layout(r, log)
    if ok is None:  # a numeric date that cannot be read: the defect says why
        return DateValue(raw=text, defects=log.defects, format="numeric")
    if not ok:
        log.add("date.invalid", f"not a date this parser reads strictly: {text.strip()[:80]!r}")
        return DateValue(raw=text, defects=log.defects)
    _read_zone(r, p, log)
    if r.pos < len(r.toks):
        rest_text = " ".join(t[1] for t in r.toks[r.pos : r.pos + 8])
        log.add("date.trailing_text", f"text after the date: {rest_text[:60]!r}")
    when = _date_time(p, log)
    if when is None:
        return DateValue(raw=text, defects=log.defects, format=p.format)
    if p.weekday is not None and when.weekday() != p.weekday:
        log.add("date.weekday_mismatch", f"the day name does not match {when.date().isoformat()}")
    return DateValue(
        raw=text,
        datetime=when,
        zone=p.zone,
        zone_name=p.zone_name,
        format=p.format,
        defects=log.defects,
    )


def _read_layout(r: _Reader, log: IndexedLog) -> tuple[bool | None, _Parts]:
    """Day, month, year and time in the first layout that reads them: ISO 8601 or numeric
    after a four-digit year; else RFC 5322 section 3.3 (day name optional), asctime(),
    month-first, numeric. ``None`` for a numeric date that cannot be read (defect logged)."""
    p = _Parts()
    first = r.toks[0]
    if first[0] == _DIGIT and len(first[1]) == 4:
        if _iso(r, p, log):
            return True, p
        r.pos = 0
        p = _Parts()
        return _numeric(r, p, log), p
    if first[0] == _ALPHA:
        wd = _weekday(first[1])
        if wd is not None:
            r.pos = 1
            p.weekday = wd
            if first[1].lower() not in _DAYS:
                log.add("date.nonstandard_name", f"day name {first[1]!r} is not abbreviated")
            r.take(_PUNCT, ",")
    start = r.pos
    weekday = p.weekday
    ok: bool | None = _rfc(r, p, log)
    if not ok:
        r.pos = start
        ok = _asctime(r, p, log)
    if not ok:
        r.pos = start
        p = _Parts()
        ok = _month_first(r, p, log)
    if not ok:
        r.pos = start
        p = _Parts()
        p.weekday = weekday
        ok = _numeric(r, p, log)
    return ok, p


def _read_zone(r: _Reader, p: _Parts, log: IndexedLog) -> None:
    """The zone after the time, and the defect that names a layout other than RFC 5322's."""
    if p.format == "iso8601":
        _zone(r, p, log, iso=True)
        rest = r.toks[r.pos :]
        if rest and rest[0][0] == _ALPHA and p.zone != "assumed":
            # Go's time.String(): "+0000 UTC m=+3106083.316181628".
            r.pos += 1
            if r.peek() == (_ALPHA, "m") and r.peek(1) == (_PUNCT, "="):
                r.pos = len(r.toks)
            p.format = "go"
            log.add("date.go_format", "Go time.String() format instead of RFC 5322")
        else:
            log.add("date.iso8601", "ISO 8601 date-time instead of RFC 5322")
        return
    if p.format == "asctime":
        log.add("date.asctime", "asctime() layout instead of RFC 5322")
    elif p.format == "month_first":
        log.add("date.month_first", "month-first layout with a 12-hour clock, not RFC 5322")
    elif p.format == "numeric":
        log.add(
            "date.nonstandard_format",
            "a numeric date no standard defines, read by the non-standard fallback",
        )
    _zone(r, p, log, iso=False)


def _date_time(p: _Parts, log: IndexedLog) -> dt.datetime | None:
    """The date-time the parts name (RFC 5322 section 4.3 for two-digit years; a leap second
    read as 59), or ``None`` with a defect when no such date-time exists."""
    if p.year_digits < 4:
        yy = p.year
        p.year = yy + 1900 if p.year_digits == 3 or yy >= 50 else yy + 2000
        log.add("date.two_digit_year", f"{p.year_digits}-digit year {yy} read as {p.year}")
    if p.frac is not None:
        log.add("date.fractional_seconds", "fractional seconds are not part of RFC 5322")
    if p.second == 60:
        log.add("date.leap_second", "a leap second (60) read as 59")
        p.second = 59
    if not (1 <= p.month <= 12 and 1 <= p.year <= 9999):
        log.add("date.out_of_range", "month or year out of range")
        return None
    if not 1 <= p.day <= calendar.monthrange(p.year, p.month)[1]:
        log.add("date.out_of_range", f"day {p.day} does not exist in {p.year}-{p.month:02d}")
        return None
    if p.hour > 23 or p.minute > 59 or p.second > 59:
        log.add("date.out_of_range", f"time {p.hour}:{p.minute:02d}:{p.second:02d} is not valid")
        return None
    micro = int((p.frac or "0")[:6].ljust(6, "0"))
    tz = _tz(p.offset or 0)
    try:
        return dt.datetime(p.year, p.month, p.day, p.hour, p.minute, p.second, micro, tzinfo=tz)
    except (ValueError, OverflowError):  # pragma: no cover - ranges checked above
        log.add("date.out_of_range", "the date-time does not exist")
        return None
