"""Dates the held-out data showed wrong (issue 14 item 4): AM/PM markers, numeric layouts.

Every expected value is a whole DateValue reading (datetime, zone kind, format, defect codes).
"""

from __future__ import annotations

import datetime as dt

import pytest

from headerlens.hops import parse_received
from headerlens.parse.dates import parse_date

UTC = dt.UTC


def _tz(hours: int) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


# id, text, datetime, zone kind, format, defect codes (in order)
CASES = [
    (
        "rfc5322-pm",
        "Fri, 20 Apr 2018 11:01:08 PM -0400",
        dt.datetime(2018, 4, 20, 23, 1, 8, tzinfo=_tz(-4)),
        "offset",
        "rfc5322",
        ["date.twelve_hour_clock"],
    ),
    (
        "rfc5322-am-midnight",
        "Tue, 3 Mar 2026 12:05:00 AM +0000",
        dt.datetime(2026, 3, 3, 0, 5, tzinfo=UTC),
        "offset",
        "rfc5322",
        ["date.twelve_hour_clock"],
    ),
    (
        "rfc5322-noon-pm",
        "3 Mar 2026 12:30 p.m. +0100",
        dt.datetime(2026, 3, 3, 12, 30, tzinfo=_tz(1)),
        "offset",
        "rfc5322",
        ["date.twelve_hour_clock"],
    ),
    (
        "pm-after-a-24-hour-time-is-ignored",
        "Tue, 3 Mar 2026 13:05:00 PM +0000",
        dt.datetime(2026, 3, 3, 13, 5, tzinfo=UTC),
        "offset",
        "rfc5322",
        ["date.twelve_hour_clock"],
    ),
    (
        "pm-then-zone-name",
        "Tue, 3 Mar 2026 1:05:00 PM EST",
        dt.datetime(2026, 3, 3, 13, 5, tzinfo=_tz(-5)),
        "name",
        "rfc5322",
        ["date.twelve_hour_clock", "date.zone_name"],
    ),
    (
        "military-zone-letter-is-not-a-marker",
        "Tue, 3 Mar 2026 10:00:01 A",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "utc_unknown_local",
        "rfc5322",
        ["date.military_zone"],
    ),
    (
        "iso-pm",
        "2026-03-03 11:01:08 PM +0000",
        dt.datetime(2026, 3, 3, 23, 1, 8, tzinfo=UTC),
        "offset",
        "iso8601",
        ["date.twelve_hour_clock", "date.iso8601"],
    ),
    (
        "month-day-year",
        "4/20/2018 23:01:06 -0400",
        dt.datetime(2018, 4, 20, 23, 1, 6, tzinfo=_tz(-4)),
        "offset",
        "numeric",
        ["date.nonstandard_format"],
    ),
    (
        "year-month-day-unpadded-pm",
        "2018-4-20 11:01:08 PM",
        dt.datetime(2018, 4, 20, 23, 1, 8, tzinfo=UTC),
        "assumed",
        "numeric",
        ["date.twelve_hour_clock", "date.nonstandard_format", "date.no_zone"],
    ),
    (
        "day-month-year-dots",
        "20.04.2018 23:01 +0200",
        dt.datetime(2018, 4, 20, 23, 1, tzinfo=_tz(2)),
        "offset",
        "numeric",
        ["date.nonstandard_format"],
    ),
    (
        "same-day-and-month",
        "4/4/2018 10:00:00 +0000",
        dt.datetime(2018, 4, 4, 10, tzinfo=UTC),
        "offset",
        "numeric",
        ["date.nonstandard_format"],
    ),
    (
        "year-slashes",
        "2018/04/20 10:00:00 +0900",
        dt.datetime(2018, 4, 20, 10, tzinfo=_tz(9)),
        "offset",
        "numeric",
        ["date.nonstandard_format"],
    ),
    (
        "two-digit-year-rfc-rule",
        "4/20/49 1:02:03 AM +0100",
        dt.datetime(2049, 4, 20, 1, 2, 3, tzinfo=_tz(1)),
        "offset",
        "numeric",
        ["date.twelve_hour_clock", "date.two_digit_year", "date.nonstandard_format"],
    ),
    (
        "two-digit-year-nineteen",
        "20/4/50 10:00 +0000",
        dt.datetime(1950, 4, 20, 10, tzinfo=UTC),
        "offset",
        "numeric",
        ["date.two_digit_year", "date.nonstandard_format"],
    ),
    (
        "weekday-prefix",
        "Fri, 4/20/2018 11:01:08 PM -0400",
        dt.datetime(2018, 4, 20, 23, 1, 8, tzinfo=_tz(-4)),
        "offset",
        "numeric",
        ["date.twelve_hour_clock", "date.nonstandard_format"],
    ),
    (
        "weekday-mismatch",
        "Mon, 4/20/2018 11:01:08 -0400",
        dt.datetime(2018, 4, 20, 11, 1, 8, tzinfo=_tz(-4)),
        "offset",
        "numeric",
        ["date.nonstandard_format", "date.weekday_mismatch"],
    ),
    ("ambiguous", "4/5/2018", None, None, "numeric", ["date.ambiguous"]),
    ("ambiguous-with-time", "4/5/2018 10:00:00 -0400", None, None, "numeric", ["date.ambiguous"]),
    ("no-month", "13/14/2018 10:00", None, None, "numeric", ["date.out_of_range"]),
    ("no-such-day", "2018-4-31 10:00", None, None, "numeric", ["date.out_of_range"]),
    ("date-without-time", "4/20/2018", None, None, None, ["date.invalid"]),
    ("not-fuzzy", "around 4/20/2018 23:01:06", None, None, None, ["date.invalid"]),
]


@pytest.mark.parametrize(
    ("text", "when", "zone", "fmt", "codes"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_dates(
    text: str, when: dt.datetime | None, zone: str | None, fmt: str | None, codes: list[str]
) -> None:
    v = parse_date(text)
    assert v.datetime == when
    if when is not None:
        assert v.datetime is not None
        assert v.datetime.utcoffset() == when.utcoffset()
    assert v.zone == zone
    assert v.format == fmt
    assert [d.code for d in v.defects] == codes


def test_ambiguous_says_both_readings() -> None:
    (defect,) = parse_date("4/5/2018 10:00:00 +0000").defects
    assert defect.message == (
        "4/5/2018 is 4 May or 5 April depending on the writer's convention; no date is given"
    )


def test_a_received_field_with_a_numeric_date() -> None:
    r = parse_received("from a.example ([192.0.2.1]) by b.example with SMTP; 4/20/2018 11:01:08 PM")
    assert r.date is not None
    assert r.date.datetime == dt.datetime(2018, 4, 20, 23, 1, 8, tzinfo=UTC)
    assert [d.code for d in r.date.defects] == [
        "date.twelve_hour_clock",
        "date.nonstandard_format",
        "date.no_zone",
    ]


def test_the_result_does_not_depend_on_todays_date(monkeypatch: pytest.MonkeyPatch) -> None:
    # dateutil's own two-digit-year rule follows the current year; ours is RFC 5322 4.3.
    import time

    real = parse_date("4/20/49 10:00 +0000").datetime
    monkeypatch.setattr(
        time, "localtime", lambda *a: time.struct_time((2150, 1, 1, 0, 0, 0, 3, 1, 0))
    )
    from headerlens.parse import _date_layouts

    _date_layouts._dateutil.cache_clear()
    try:
        assert parse_date("4/20/49 10:00 +0000").datetime == real
    finally:
        _date_layouts._dateutil.cache_clear()
