"""Strict date-time parsing (RFC 5322 section 3.3 with the obsolete forms of section 4.3).

No fuzzy guessing: the text is read token by token with a hand-written scanner (linear time,
comments nest) and matched against a few explicit shapes:

* ``rfc5322``: ``[day-name ","] day month year hour ":" minute [":" second] zone``, including
  the obsolete forms (two- and three-digit years, zone names, missing weekday, extra space);
* ``asctime``: ``day-name month day hh:mm:ss year [zone]`` (C ``asctime()``, old smtpd);
* ``month_first``: ``Jul, 25 2002 9:57:04 AM -0800`` (bulk-mail tools of the early 2000s);
* ``iso8601``: ``YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|+hh:mm|+hhmm]``;
* ``go``: Go's ``time.Time.String()`` as SendGrid writes it,
  ``2023-06-15 22:26:16.509597009 +0000 UTC m=+3106083.316181628``.

Tolerated extensions (each recorded as a defect): fractional seconds, ``+hh:mm`` offsets, a
leap second, trailing text. The result is always timezone-aware when a datetime is returned:
``-0000`` and military zone letters give UTC with ``zone="utc_unknown_local"``; an unknown zone
name or no zone at all gives UTC with ``zone="assumed"`` and a defect.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re

from headerlens._model import fast_constructor
from headerlens.defects import Defect, DefectLog
from headerlens.errors import wrong_type
from headerlens.message import DateValue, ZoneKind

__all__ = ["IndexedLog", "parse_date", "parse_date_at", "strip_comments"]

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_FULL_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "sept": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_DAYS = {d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
_FULL_DAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

# RFC 5322 section 4.3 obs-zone names (hours east of UTC).
_RFC_ZONES = {
    "ut": 0,
    "gmt": 0,
    "est": -5,
    "edt": -4,
    "cst": -6,
    "cdt": -5,
    "mst": -7,
    "mdt": -6,
    "pst": -8,
    "pdt": -7,
}
# Names outside RFC 5322 that are in wide use and (as far as mail goes) unambiguous, in
# minutes east of UTC. Ambiguous names (IST, BST, ...) are deliberately left out: they are
# reported as unknown and UTC is assumed. Source: the IANA tz database abbreviations.
_OTHER_ZONES = {
    "utc": 0,
    "z": 0,
    "wet": 0,
    "west": 60,
    "cet": 60,
    "cest": 120,
    "met": 60,
    "mest": 120,
    "mez": 60,
    "mesz": 120,
    "eet": 120,
    "eest": 180,
    "msk": 180,
    "jst": 540,
    "kst": 540,
    "hkt": 480,
    "sgt": 480,
    "aest": 600,
    "aedt": 660,
    "acst": 570,
    "awst": 480,
    "nzst": 720,
    "nzdt": 780,
    "hst": -600,
    "akst": -540,
    "akdt": -480,
}

_ALPHA, _DIGIT, _PUNCT = 0, 1, 2
_new_date = fast_constructor(DateValue)
_Token = tuple[int, str]


def strip_comments(text: str) -> tuple[str, bool]:
    """Remove RFC 5322 comments (nested, with quoted-pairs); return (text, terminated)."""
    out: list[str] = []
    depth = 0
    escaped = False
    i = 0
    n = len(text)
    # Copy runs of plain text in slices (fast path) and walk comments character by character.
    while i < n:
        if depth == 0:
            j = text.find("(", i)
            if j < 0:
                out.append(text[i:])
                break
            out.append(text[i:j])
            out.append(" ")
            depth = 1
            i = j + 1
            continue
        ch = text[i]
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        i += 1
    return "".join(out), depth == 0


# One token per match: a run of ASCII digits, a run of letters, or any other single
# non-space character. Plain alternation of disjoint classes: linear, no backtracking.
_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+|\S")


def _tokens(text: str) -> list[_Token]:
    toks: list[_Token] = []
    for m in _TOKEN.finditer(text):
        t = m.group()
        c = t[0]
        if "0" <= c <= "9":
            toks.append((_DIGIT, t))
        elif c.isalpha():
            toks.append((_ALPHA, t))
        else:
            toks.append((_PUNCT, t))
    return toks


class _Reader:
    __slots__ = ("pos", "toks")

    def __init__(self, toks: list[_Token]) -> None:
        self.toks = toks
        self.pos = 0

    def peek(self, k: int = 0) -> _Token | None:
        p = self.pos + k
        return self.toks[p] if p < len(self.toks) else None

    def take(self, kind: int, text: str | None = None) -> str | None:
        t = self.peek()
        if t is None or t[0] != kind or (text is not None and t[1] != text):
            return None
        self.pos += 1
        return t[1]

    def digits(self, lo: int, hi: int) -> int | None:
        t = self.peek()
        if t is None or t[0] != _DIGIT or not lo <= len(t[1]) <= hi:
            return None
        self.pos += 1
        return int(t[1])


def _month(word: str) -> int | None:
    w = word.lower()
    return _MONTHS.get(w) or _FULL_MONTHS.get(w)


def _weekday(word: str) -> int | None:
    w = word.lower()
    v = _DAYS.get(w)
    return v if v is not None else _FULL_DAYS.get(w)


class _Parts:
    __slots__ = (
        "day",
        "format",
        "frac",
        "hour",
        "minute",
        "month",
        "offset",
        "second",
        "weekday",
        "year",
        "year_digits",
        "zone",
        "zone_name",
    )

    def __init__(self) -> None:
        self.weekday: int | None = None
        self.day = 0
        self.month = 0
        self.year = 0
        self.year_digits = 4
        self.hour = 0
        self.minute = 0
        self.second = 0
        self.frac: str | None = None
        self.offset: int | None = None  # minutes east of UTC
        self.zone: ZoneKind = "assumed"
        self.zone_name: str | None = None
        self.format = "rfc5322"


def _time(r: _Reader, p: _Parts, log: DefectLog) -> bool:
    hour = r.digits(1, 2)
    if hour is None or r.take(_PUNCT, ":") is None:
        return False
    minute = r.digits(2, 2)
    if minute is None:
        return False
    p.hour, p.minute = hour, minute
    if r.peek() == (_PUNCT, ":"):
        r.pos += 1
        second = r.digits(2, 2)
        if second is None:
            return False
        p.second = second
        if r.peek() == (_PUNCT, ".") and (nxt := r.peek(1)) is not None and nxt[0] == _DIGIT:
            r.pos += 2
            p.frac = nxt[1]
    return True


def _zone(r: _Reader, p: _Parts, log: DefectLog, *, iso: bool) -> None:
    """Read an optional zone; set p.offset/p.zone/p.zone_name and record defects."""
    t = r.peek()
    if t is None:
        log.add("date.no_zone", "the date has no time zone; UTC is assumed")
        return
    if t[0] == _PUNCT and t[1] in "+-":
        nxt = r.peek(1)
        if nxt is not None and nxt[0] == _DIGIT and len(nxt[1]) in (4, 2):
            sign = -1 if t[1] == "-" else 1
            if len(nxt[1]) == 4:
                hh, mm = int(nxt[1][:2]), int(nxt[1][2:])
                r.pos += 2
            else:
                after = r.peek(2)
                mm_tok = r.peek(3)
                if after != (_PUNCT, ":") or mm_tok is None or mm_tok[0] != _DIGIT:
                    log.add("date.invalid_zone", f"unreadable zone offset near {t[1]}{nxt[1]!r}")
                    return
                hh, mm = int(nxt[1]), int(mm_tok[1])
                r.pos += 4
                if not iso:
                    log.add("date.iso_offset", "the zone offset is written +hh:mm, not +hhmm")
            if mm >= 60 or hh >= 24:
                log.add("date.invalid_zone", f"zone offset {t[1]}{hh:02d}{mm:02d} is out of range")
                return
            if sign < 0 and hh == 0 and mm == 0:
                p.zone = "utc_unknown_local"
                p.offset = 0
                return
            p.offset = sign * (hh * 60 + mm)
            p.zone = "offset"
            return
        log.add("date.invalid_zone", "a sign with no four-digit zone offset")
        return
    if t[0] == _ALPHA:
        name = t[1]
        low = name.lower()
        r.pos += 1
        p.zone_name = name
        if low in _RFC_ZONES:
            p.offset = _RFC_ZONES[low] * 60
            p.zone = "name"
            log.add("date.zone_name", f"obsolete zone name {name!r} instead of a numeric offset")
            return
        if low in _OTHER_ZONES:
            p.offset = _OTHER_ZONES[low]
            p.zone = "name"
            if iso and low == "z":
                p.zone = "offset"  # ISO 8601 "Z" is a numeric UTC designator, not a name
            else:
                log.add(
                    "date.zone_name",
                    f"zone name {name!r} (not defined by RFC 5322) read as a fixed offset",
                )
            return
        if len(name) == 1:
            # RFC 5322 section 4.3: military zones SHOULD be read as -0000.
            p.offset = 0
            p.zone = "utc_unknown_local"
            log.add("date.military_zone", f"military zone letter {name!r} read as -0000")
            return
        log.add("date.unknown_zone", f"unknown zone name {name!r}; UTC is assumed")
        return
    log.add("date.no_zone", "the date has no time zone; UTC is assumed")


def _rfc(r: _Reader, p: _Parts, log: DefectLog) -> bool:
    day = r.digits(1, 2)
    if day is None:
        return False
    p.day = day
    t = r.peek()
    if t is None or t[0] != _ALPHA or (month := _month(t[1])) is None:
        return False
    r.pos += 1
    p.month = month
    yt = r.peek()
    if yt is None or yt[0] != _DIGIT or not 2 <= len(yt[1]) <= 4:
        return False
    r.pos += 1
    p.year_digits = len(yt[1])
    p.year = int(yt[1])
    return _time(r, p, log)


def _asctime(r: _Reader, p: _Parts, log: DefectLog) -> bool:
    t = r.peek()
    if t is None or t[0] != _ALPHA or (month := _month(t[1])) is None:
        return False
    r.pos += 1
    day = r.digits(1, 2)
    if day is None:
        return False
    p.month, p.day = month, day
    if not _time(r, p, log):
        return False
    year = r.digits(4, 4)
    if year is None:
        return False
    p.year = year
    p.format = "asctime"
    return True


def _month_first(r: _Reader, p: _Parts, log: DefectLog) -> bool:
    """``Jul, 25 2002 9:57:04 AM -0800``: a layout some bulk-mail tools of 2002 wrote."""
    t = r.peek()
    if t is None or t[0] != _ALPHA or (month := _month(t[1])) is None:
        return False
    r.pos += 1
    r.take(_PUNCT, ",")
    day = r.digits(1, 2)
    if day is None:
        return False
    r.take(_PUNCT, ",")
    year = r.digits(4, 4)
    if year is None:
        return False
    p.month, p.day, p.year = month, day, year
    if not _time(r, p, log):
        return False
    ampm = r.peek()
    if ampm is not None and ampm[0] == _ALPHA and ampm[1].lower() in ("am", "pm", "a", "p"):
        marker = ampm[1].lower()[0]
        r.pos += 1
        if marker in ("a", "p") and len(ampm[1]) == 1:  # "p.m."
            if r.peek() == (_PUNCT, ".") and (r.peek(1) or (0, ""))[1].lower() == "m":
                r.pos += 2
                r.take(_PUNCT, ".")
            else:
                return False
        if not 1 <= p.hour <= 12:
            return False
        p.hour = p.hour % 12 + (12 if marker == "p" else 0)
    p.format = "month_first"
    return True


def _iso(r: _Reader, p: _Parts, log: DefectLog) -> bool:
    year = r.digits(4, 4)
    if year is None or r.take(_PUNCT, "-") is None:
        return False
    month = r.digits(1, 2)
    if month is None or r.take(_PUNCT, "-") is None:
        return False
    day = r.digits(1, 2)
    if day is None:
        return False
    p.year, p.month, p.day = year, month, day
    p.format = "iso8601"
    t = r.peek()
    if t is not None and t[0] == _ALPHA and t[1] in ("T", "t"):
        r.pos += 1
    return _time(r, p, log)


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
    that matched (``rfc5322``, ``asctime``, ``month_first``, ``iso8601``, ``go``); ``defects``
    lists every deviation from RFC 5322 section 3.3 (obsolete forms of section 4.3 included).
    Only a ``text`` that is not a ``str`` raises (``TypeError``).
    """
    if not isinstance(text, str):
        raise wrong_type("parse_date(text)", "str", text)
    return parse_date_at(text, None)


class IndexedLog(DefectLog):
    """A :class:`DefectLog` that stamps every defect with one header index."""

    __slots__ = ("index",)

    def __init__(self, index: int | None, *, strict: bool = False) -> None:
        super().__init__(strict=strict)
        self.index = index

    def add(self, code: str, message: str, header_index: int | None = None) -> Defect:
        return super().add(code, message, self.index if header_index is None else header_index)


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
    p = _Parts()
    ok = False
    first = toks[0]
    if first[0] == _DIGIT and len(first[1]) == 4:
        ok = _iso(r, p, log)
    else:
        if first[0] == _ALPHA:
            wd = _weekday(first[1])
            if wd is not None:
                r.pos = 1
                p.weekday = wd
                if first[1].lower() not in _DAYS:
                    log.add("date.nonstandard_name", f"day name {first[1]!r} is not abbreviated")
                r.take(_PUNCT, ",")
        start = r.pos
        ok = _rfc(r, p, log)
        if not ok:
            r.pos = start
            ok = _asctime(r, p, log)
        if not ok:
            r.pos = start
            p = _Parts()
            ok = _month_first(r, p, log)
    if not ok:
        log.add("date.invalid", f"not a date this parser reads strictly: {text.strip()[:80]!r}")
        return DateValue(raw=text, defects=log.defects)
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
    else:
        if p.format == "asctime":
            log.add("date.asctime", "asctime() layout instead of RFC 5322")
        elif p.format == "month_first":
            log.add("date.month_first", "month-first layout with a 12-hour clock, not RFC 5322")
        _zone(r, p, log, iso=False)
    if r.pos < len(r.toks):
        rest_text = " ".join(t[1] for t in r.toks[r.pos : r.pos + 8])
        log.add("date.trailing_text", f"text after the date: {rest_text[:60]!r}")
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
        return DateValue(raw=text, defects=log.defects, format=p.format)
    if not 1 <= p.day <= calendar.monthrange(p.year, p.month)[1]:
        log.add("date.out_of_range", f"day {p.day} does not exist in {p.year}-{p.month:02d}")
        return DateValue(raw=text, defects=log.defects, format=p.format)
    if p.hour > 23 or p.minute > 59 or p.second > 59:
        log.add("date.out_of_range", f"time {p.hour}:{p.minute:02d}:{p.second:02d} is not valid")
        return DateValue(raw=text, defects=log.defects, format=p.format)
    micro = int((p.frac or "0")[:6].ljust(6, "0"))
    tz = _tz(p.offset or 0)
    try:
        when = dt.datetime(p.year, p.month, p.day, p.hour, p.minute, p.second, micro, tzinfo=tz)
    except (ValueError, OverflowError):  # pragma: no cover - ranges checked above
        log.add("date.out_of_range", "the date-time does not exist")
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
