"""The pieces of the date reader: tokens, names, zones, and the layouts it reads.

``headerlens.parse.dates`` runs these in order (RFC 5322 section 3.3 and the obsolete forms of
section 4.3, then asctime, month-first, ISO 8601, Go, and the numeric fallback read by
python-dateutil); see its module docstring for the rules. Every deviation is a defect in the
log each reader is given.
"""

from __future__ import annotations

import calendar
import functools
import re

from dateutil import parser as dateutil_parser

from headerlens.defects import DefectLog
from headerlens.message import ZoneKind

__all__ = [
    "_DAYS",
    "_MONTHS",
    "_Parts",
    "_Reader",
    "_asctime",
    "_iso",
    "_month_first",
    "_numeric",
    "_rfc",
    "_tokens",
    "_weekday",
    "_zone",
]

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
_Token = tuple[int, str]


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


_MERIDIEM = {"am": 0, "pm": 12}


def _meridiem(r: _Reader, p: _Parts, log: DefectLog) -> None:
    """An optional AM/PM marker after the time (``AM``, ``PM``, ``a.m.``, ``p.m.``): a 12-hour
    clock, which RFC 5322 lacks. ``11:01:08 PM`` is 23:01:08 and ``12:05 AM`` is 00:05. An hour
    of 0 or over 12 is already a 24-hour time: it is kept, and the defect says so. A single
    letter stays a zone (RFC 5322 4.3 military zones)."""
    t = r.peek()
    if t is None or t[0] != _ALPHA:
        return
    word = t[1].lower()
    if word in _MERIDIEM:
        r.pos += 1
    elif (
        word in ("a", "p")
        and r.peek(1) == (_PUNCT, ".")
        and (m := r.peek(2)) is not None
        and m[1].lower() == "m"
    ):
        word += "m"
        r.pos += 3
        r.take(_PUNCT, ".")
    else:
        return
    if 1 <= p.hour <= 12:
        p.hour = p.hour % 12 + _MERIDIEM[word]
        log.add("date.twelve_hour_clock", f"12-hour clock: {word.upper()} read as hour {p.hour}")
    else:
        log.add(
            "date.twelve_hour_clock",
            f"{word.upper()} after the 24-hour time {p.hour:02d}:{p.minute:02d} was ignored",
        )


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


def _take_month(r: _Reader) -> int | None:
    """The month (1-12) named by the next token, which is then taken; else ``None``."""
    t = r.peek()
    if t is None or t[0] != _ALPHA or (month := _month(t[1])) is None:
        return None
    r.pos += 1
    return month


def _rfc(r: _Reader, p: _Parts, log: DefectLog) -> bool:
    day = r.digits(1, 2)
    if day is None:
        return False
    p.day = day
    month = _take_month(r)
    if month is None:
        return False
    p.month = month
    yt = r.peek()
    if yt is None or yt[0] != _DIGIT or not 2 <= len(yt[1]) <= 4:
        return False
    r.pos += 1
    p.year_digits = len(yt[1])
    p.year = int(yt[1])
    if not _time(r, p, log):
        return False
    _meridiem(r, p, log)
    return True


def _asctime(r: _Reader, p: _Parts, log: DefectLog) -> bool:
    month = _take_month(r)
    if month is None:
        return False
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
    month = _take_month(r)
    if month is None:
        return False
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
    """``YYYY-MM-DD[T ]hh:mm[:ss[.frac]]`` (ISO 8601: two-digit month and day)."""
    year = r.digits(4, 4)
    if year is None or r.take(_PUNCT, "-") is None:
        return False
    month = r.digits(2, 2)
    if month is None or r.take(_PUNCT, "-") is None:
        return False
    day = r.digits(2, 2)
    if day is None:
        return False
    p.year, p.month, p.day = year, month, day
    p.format = "iso8601"
    t = r.peek()
    if t is not None and t[0] == _ALPHA and t[1] in ("T", "t"):
        r.pos += 1
    if not _time(r, p, log):
        return False
    _meridiem(r, p, log)
    return True


class _Info(dateutil_parser.parserinfo):
    """dateutil's vocabulary with a fixed two-digit-year rule: the numeric reader hands it
    four-digit years only, so nothing depends on today's date (dateutil's own rule does)."""

    def convertyear(self, year: int, century_specified: bool = False) -> int:
        return year


@functools.cache
def _dateutil() -> dateutil_parser.parser:
    return dateutil_parser.parser(_Info())


_NUMERIC_SEPARATORS = frozenset("/-.")


def _numeric(r: _Reader, p: _Parts, log: DefectLog) -> bool | None:
    """The non-standard fallback: ``n/n/n``, ``n-n-n`` or ``n.n.n``, a time, AM/PM.

    Returns True when read, False when the text is not this shape, ``None`` when it is but
    cannot be read (ambiguous or out of range; the defect says why).
    """
    start = r.pos
    a = r.digits(1, 4)
    sep = r.peek()
    if a is None or sep is None or sep[0] != _PUNCT or sep[1] not in _NUMERIC_SEPARATORS:
        return False
    first_len = len(r.toks[start][1])
    r.pos += 1
    b = r.digits(1, 2)
    if b is None or r.take(_PUNCT, sep[1]) is None:
        return False
    c_tok = r.peek()
    c = r.digits(1, 4)
    if c is None or c_tok is None:
        return False
    last_len = len(c_tok[1])
    if first_len == 4:  # year-month-day (no one writes year-day-month)
        year, year_len, month, day = a, 4, b, c
        dayfirst, yearfirst = False, True
        if last_len > 2:
            return False
    elif first_len <= 2 and last_len in (2, 4):
        year, year_len = c, last_len
        if a > 12 and b <= 12:
            day, month, dayfirst = a, b, True
        elif b > 12 and a <= 12:
            month, day, dayfirst = a, b, False
        elif a == b:
            month = day = a
            dayfirst = False
        elif a <= 12 and b <= 12:
            written = sep[1].join(t[1] for t in r.toks[start : start + 5 : 2])
            log.add(
                "date.ambiguous",
                f"{written} is {_day_month(a, b)} or {_day_month(b, a)}"
                " depending on the writer's convention; no date is given",
            )
            return None
        else:
            log.add("date.out_of_range", f"neither {a} nor {b} can be a month")
            return None
        yearfirst = False
    else:
        return False
    if not _time(r, p, log):
        return False
    _meridiem(r, p, log)
    if year_len == 2:
        full = year + 2000 if year < 50 else year + 1900
        log.add("date.two_digit_year", f"2-digit year {year} read as {full}")
        year = full
    # dateutil reads the date and time as written (separators, single digits, AM/PM), with
    # the order decided above; the zone is read by _zone like every other layout's.
    fields = [str(year), str(month), str(day)] if yearfirst else [str(a), str(b), str(year)]
    text = sep[1].join(fields) + f" {p.hour:02d}:{p.minute:02d}:{p.second:02d}"
    try:
        when = _dateutil().parse(text, dayfirst=dayfirst, yearfirst=yearfirst, fuzzy=False)
    except (ValueError, OverflowError):
        log.add("date.out_of_range", f"{text!r} is not a valid date-time")
        return None
    p.year, p.month, p.day = when.year, when.month, when.day
    p.hour, p.minute, p.second = when.hour, when.minute, when.second
    p.format = "numeric"
    return True


def _day_month(day: int, month: int) -> str:
    return f"{day} {calendar.month_name[month]}"
