"""Escaping of message-derived text for terminals and Markdown; duration formatting."""

from __future__ import annotations

import datetime as dt

import pytest

from headerlens.render._safe import format_delay, format_time, md_safe, term_safe


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("plain text", "plain text", id="plain"),
        pytest.param("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred", id="ansi-escape"),
        pytest.param("invoice\u202efdp.exe", "invoice\\u202efdp.exe", id="bidi-override"),
        pytest.param("a\rb\nc\td", "a\\x0db\\x0ac d", id="line-controls"),
        pytest.param("zero\u200bwidth", "zero\\u200bwidth", id="zero-width-space"),
        pytest.param("c1\x9bcontrol", "c1\\x9bcontrol", id="c1-csi"),
        pytest.param("Grüße 日本", "Grüße 日本", id="unicode-kept"),
        pytest.param(None, "", id="none"),
    ],
)
def test_term_safe(raw: str | None, expected: str) -> None:
    assert term_safe(raw) == expected


def test_term_safe_can_keep_newlines() -> None:
    assert term_safe("a\nb\x07", keep_newlines=True) == "a\nb\\x07"


def test_md_safe_escapes_table_and_link_syntax() -> None:
    assert md_safe("a|b [x](http://e.test) `c`") == "a\\|b \\[x\\]\\(http\\://e.test\\) \\`c\\`"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "+0s"),
        (0.25, "+0.25s"),
        (59, "+59s"),
        (61, "+1m01s"),
        (-422, "-7m02s"),
        (3 * 3600 + 5 * 60, "+3h05m"),
        (86400 + 3 * 3600, "+1d03h"),
    ],
)
def test_format_delay(seconds: float, expected: str) -> None:
    assert format_delay(dt.timedelta(seconds=seconds)) == expected


def test_format_delay_unknown_is_empty_not_zero() -> None:
    assert format_delay(None) == ""


def test_format_time_is_utc_and_unknown_is_question_mark() -> None:
    t = dt.datetime(2026, 3, 3, 11, 0, 7, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert format_time(t) == "2026-03-03 10:00:07"
    assert format_time(None) == "?"
