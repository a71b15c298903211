"""parse_date: strict RFC 5322 (section 3.3) with the obsolete forms of section 4.3."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from headerlens.defects import DEFECT_CODES
from headerlens.errors import DefectError
from headerlens.message import DateValue
from headerlens.parse import dates, parse
from headerlens.parse.dates import parse_date, strip_comments

UTC = dt.UTC


def tz(hours: float) -> dt.timezone:
    return dt.timezone(dt.timedelta(minutes=round(hours * 60)))


# id, text, expected datetime, zone, zone_name, format, defect codes
CASES: list[tuple[str, str, dt.datetime | None, str | None, str | None, str | None, list[str]]] = [
    (
        "postfix-double-space-zone-comment",
        "Tue,  3 Mar 2026 10:00:01 +0100 (CET)",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=tz(1)),
        "offset",
        None,
        "rfc5322",
        [],
    ),
    (
        "qmail-minus-zero-no-weekday",
        "3 Mar 2026 10:00:01 -0000",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "utc_unknown_local",
        None,
        "rfc5322",
        [],
    ),
    (
        "domino-contradicting-comment-ignored",
        "Mon, 6 May 2019 15:03:25 +0800 (GMT-8)",
        dt.datetime(2019, 5, 6, 15, 3, 25, tzinfo=tz(8)),
        "offset",
        None,
        "rfc5322",
        [],
    ),
    (
        "obsolete-zone-est",
        "Tue, 3 Mar 2026 10:00:01 EST",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=tz(-5)),
        "name",
        "EST",
        "rfc5322",
        ["date.zone_name"],
    ),
    (
        "non-rfc-zone-cet",
        "Tue, 3 Mar 2026 10:00:01 CET",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=tz(1)),
        "name",
        "CET",
        "rfc5322",
        ["date.zone_name"],
    ),
    (
        "ambiguous-zone-ist-assumed-utc",
        "Tue, 3 Mar 2026 10:00:01 IST",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "assumed",
        "IST",
        "rfc5322",
        ["date.unknown_zone"],
    ),
    (
        "military-zone-letter",
        "Tue, 3 Mar 2026 10:00:01 A",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "utc_unknown_local",
        "A",
        "rfc5322",
        ["date.military_zone"],
    ),
    (
        "two-digit-year-69-is-1969",
        "Mon, 3 Mar 69 10:00:01 +0000",
        dt.datetime(1969, 3, 3, 10, 0, 1, tzinfo=UTC),
        "offset",
        None,
        "rfc5322",
        ["date.two_digit_year"],
    ),
    (
        "two-digit-year-26-is-2026",
        "3 Mar 26 10:00:01 +0000",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "offset",
        None,
        "rfc5322",
        ["date.two_digit_year"],
    ),
    (
        "three-digit-year-plus-1900",
        "3 Mar 126 10:00:01 +0000",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "offset",
        None,
        "rfc5322",
        ["date.two_digit_year"],
    ),
    (
        "sendgrid-milliseconds",
        "Thu, 15 Jun 2023 22:26:15.888 +0000 (UTC)",
        dt.datetime(2023, 6, 15, 22, 26, 15, 888000, tzinfo=UTC),
        "offset",
        None,
        "rfc5322",
        ["date.fractional_seconds"],
    ),
    (
        "sendgrid-go-time-string",
        "2023-06-15 22:26:16.509597009 +0000 UTC m=+3106083.316181628",
        dt.datetime(2023, 6, 15, 22, 26, 16, 509597, tzinfo=UTC),
        "offset",
        None,
        "go",
        ["date.go_format", "date.fractional_seconds"],
    ),
    (
        "iso-offset-with-colon",
        "Tue, 3 Mar 2026 10:00:01 +01:00",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=tz(1)),
        "offset",
        None,
        "rfc5322",
        ["date.iso_offset"],
    ),
    (
        "iso8601-zulu",
        "2026-03-03T10:00:01Z",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "offset",
        "Z",
        "iso8601",
        ["date.iso8601"],
    ),
    (
        "iso8601-offset",
        "2026-03-03T10:00:01+05:30",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=tz(5.5)),
        "offset",
        None,
        "iso8601",
        ["date.iso8601"],
    ),
    (
        "asctime-smtpd-no-zone",
        "Sun Nov 13 14:50:12 2005",
        dt.datetime(2005, 11, 13, 14, 50, 12, tzinfo=UTC),
        "assumed",
        None,
        "asctime",
        ["date.asctime", "date.no_zone"],
    ),
    (
        "bulk-tool-month-first-pm",
        "Jul, 25 2002 9:57:04 PM -0800",
        dt.datetime(2002, 7, 25, 21, 57, 4, tzinfo=tz(-8)),
        "offset",
        None,
        "month_first",
        ["date.month_first"],
    ),
    (
        "rfc5322-pm-marker",
        "Fri, 20 Apr 2018 11:01:08 PM -0400",
        dt.datetime(2018, 4, 20, 23, 1, 8, tzinfo=tz(-4)),
        "offset",
        None,
        "rfc5322",
        ["date.twelve_hour_clock"],
    ),
    (
        "numeric-month-day-year",
        "4/20/2018 23:01:06 -0400",
        dt.datetime(2018, 4, 20, 23, 1, 6, tzinfo=tz(-4)),
        "offset",
        None,
        "numeric",
        ["date.nonstandard_format"],
    ),
    ("numeric-ambiguous", "4/5/2018", None, None, None, "numeric", ["date.ambiguous"]),
    (
        "sendmail-offset-glued-to-time",
        "Thu, 6 May 2004 17:40:44-0500",
        dt.datetime(2004, 5, 6, 17, 40, 44, tzinfo=tz(-5)),
        "offset",
        None,
        "rfc5322",
        [],
    ),
    (
        "no-zone-assumed-utc",
        "Tue, 3 Mar 2026 10:00:01",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "assumed",
        None,
        "rfc5322",
        ["date.no_zone"],
    ),
    (
        "no-seconds",
        "Tue, 3 Mar 2026 10:00 +0000",
        dt.datetime(2026, 3, 3, 10, 0, 0, tzinfo=UTC),
        "offset",
        None,
        "rfc5322",
        [],
    ),
    (
        "leap-second",
        "Wed, 31 Dec 2008 23:59:60 +0000",
        dt.datetime(2008, 12, 31, 23, 59, 59, tzinfo=UTC),
        "offset",
        None,
        "rfc5322",
        ["date.leap_second"],
    ),
    (
        "weekday-mismatch",
        "Mon, 3 Mar 2026 10:00:01 +0000",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "offset",
        None,
        "rfc5322",
        ["date.weekday_mismatch"],
    ),
    (
        "full-day-name",
        "Tuesday, 3 Mar 2026 10:00:01 +0000",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "offset",
        None,
        "rfc5322",
        ["date.nonstandard_name"],
    ),
    (
        "trailing-junk",
        "Tue, 3 Mar 2026 10:00:01 +0000 extra words",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "offset",
        None,
        "rfc5322",
        ["date.trailing_text"],
    ),
    (
        "offset-out-of-range",
        "Tue, 3 Mar 2026 10:00:01 +2599",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "assumed",
        None,
        "rfc5322",
        ["date.invalid_zone"],
    ),
    (
        "localized-german-invalid",
        "Di, 03 Mär 2026 10:00:01 +0100",
        None,
        None,
        None,
        None,
        ["date.invalid"],
    ),
    (
        "february-31",
        "Tue, 31 Feb 2026 10:00:01 +0100",
        None,
        None,
        None,
        "rfc5322",
        ["date.out_of_range"],
    ),
    (
        "hour-25",
        "Tue, 3 Mar 2026 25:61:01 +0100",
        None,
        None,
        None,
        "rfc5322",
        ["date.out_of_range"],
    ),
    ("empty", "   ", None, None, None, None, ["date.invalid"]),
    (
        "unterminated-comment",
        "Tue, 3 Mar 2026 10:00:01 +0000 (CET",
        dt.datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC),
        "offset",
        None,
        "rfc5322",
        ["date.unterminated_comment"],
    ),
]


@pytest.mark.parametrize(
    ("text", "when", "zone", "zone_name", "fmt", "codes"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_parse_date(
    text: str,
    when: dt.datetime | None,
    zone: str | None,
    zone_name: str | None,
    fmt: str | None,
    codes: list[str],
) -> None:
    got = parse_date(text)
    assert got.model_dump(exclude={"defects"}) == DateValue(
        raw=text,
        datetime=when,
        zone=zone,
        zone_name=zone_name,
        format=fmt,  # type: ignore[arg-type]
    ).model_dump(exclude={"defects"})
    assert [d.code for d in got.defects] == codes
    if got.datetime is not None:
        assert got.datetime.tzinfo is not None  # always aware
        assert got.datetime.utcoffset() == when.utcoffset()  # type: ignore[union-attr]


def test_every_date_defect_code_is_exercised() -> None:
    produced = {code for case in CASES for code in case[6]}
    declared = {c for c in DEFECT_CODES if c.startswith("date.")}
    assert declared <= produced


@pytest.mark.parametrize("text", [c[1] for c in CASES if c[6]], ids=[c[0] for c in CASES if c[6]])
def test_defects_are_strict_capable(text: str) -> None:
    """Every date defect goes through DefectLog, so strict mode can raise it."""
    from headerlens.defects import DefectLog

    log = DefectLog(strict=True)
    with pytest.raises(DefectError):
        log.extend(parse_date(text).defects)


def test_strip_comments_nested_and_escaped() -> None:
    assert strip_comments("a (b (c) \\) d) e") == ("a   e", True)
    assert strip_comments("a (b") == ("a  ", False)


def test_hostile_date_text_is_read_in_one_pass() -> None:
    got = parse_date("(" * 50_000 + "1 " * 50_000)
    assert [d.code for d in got.defects] == ["date.unterminated_comment", "date.invalid"]


# The fast path (canonical RFC 5322 layout, optionally one "(ZONE)" comment) must give exactly
# what the general reader gives, or stand aside.
FAST_TAKEN = {
    "canonical": "Tue, 3 Mar 2026 10:00:01 +0100",
    "zone-comment": "Tue,  3 Mar 2026 10:00:01 -0800 (PST)",
    "no-weekday": "3 Mar 2026 10:00:01 +0000",
    "minus-zero": "Tue, 3 Mar 2026 10:00:01 -0000",
    "leap-day": "Sat, 29 Feb 2020 23:59:59 +0530",
    "nested-comment": "Tue, 3 Mar 2026 10:00:01 +0100 (CET (winter))",
}
FAST_ASIDE = {
    "weekday-mismatch": "Wed, 3 Mar 2026 10:00:01 +0100",
    "bad-day": "Tue, 30 Feb 2026 10:00:01 +0100",
    "leap-second": "Tue, 3 Mar 2026 10:00:60 +0100",
    "named-zone": "Tue, 3 Mar 2026 10:00:01 GMT",
    "long-weekday": "Tuesday, 3 Mar 2026 10:00:01 +0100",
    "unclosed-comment": "Tue, 3 Mar 2026 10:00:01 +0100 (CET",
    "asctime": "Tue Mar  3 10:00:01 2026",
}


def _fast_equal(text: str) -> bool:
    """True when the fast path was taken; asserts it equals the general reader."""
    fast = dates._fast(text)
    if fast is None:
        return False
    general = dates._parse_general(text, None)
    assert fast.model_dump() == general.model_dump(), text
    assert repr(fast) == repr(general), text
    assert fast.model_dump_json() == general.model_dump_json(), text
    return True


@pytest.mark.parametrize("text", FAST_TAKEN.values(), ids=FAST_TAKEN.keys())
def test_date_fast_path_taken_and_equal(text: str) -> None:
    assert _fast_equal(text)


@pytest.mark.parametrize("text", FAST_ASIDE.values(), ids=FAST_ASIDE.keys())
def test_date_fast_path_stands_aside(text: str) -> None:
    assert dates._fast(text) is None
    assert parse_date(text) == dates._parse_general(text, None)


def test_date_fast_path_equals_general_reader_on_every_corpus_date() -> None:
    root = os.environ.get("HEADERLENS_CORPORA")
    if not root:
        pytest.skip("HEADERLENS_CORPORA is not set (third-party corpora absent)")
    texts: list[str] = []
    cases = json.loads((Path(root) / "spamassassin" / "rcvd_parser.json").read_text())["cases"]
    texts += [c["received"].rsplit(";", 1)[-1].strip() for c in cases]
    paths = sorted((Path(root) / "spamassassin-public-corpus").rglob("*.txt"))
    paths += sorted((Path(__file__).resolve().parents[2] / "samples").rglob("*.eml"))
    for p in paths:
        if p.name.startswith("LICENSE"):
            continue
        for f in parse(p.read_bytes()).headers:
            name = f.name.lower()
            if name in ("date", "resent-date", "delivery-date"):
                texts.append(f.value.strip())
            elif name in ("received", "x-received") and ";" in f.value:
                texts.append(f.value.rsplit(";", 1)[1].strip())
    taken = sum(_fast_equal(t) for t in texts)
    print(f"date fast path taken for {taken:,} of {len(texts):,} corpus dates, all equal")
    assert taken > len(texts) // 2
