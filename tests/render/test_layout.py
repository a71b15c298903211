"""Terminal layout keeps evidence whole: no IP or host name split across lines, at any width;
hostile text stays inert in text, rich and Markdown output."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import headerlens
from headerlens.render._layout import plan_table, wrap
from headerlens.render._safe import md_safe
from headerlens.render.markdown import render_markdown
from headerlens.render.text import render_text

from .conftest import SAMPLE_IDS, SAMPLE_PATHS

WIDTHS = (80, 100, 160)


def _evidence(report: headerlens.Report) -> set[str]:
    """Every IP and host name of the hop chain."""
    out: set[str] = set()
    for r in (report,):
        for hop in r.hops:
            rec = hop.received
            for value in (rec.from_ip, rec.from_helo, rec.from_rdns, rec.by_host):
                if value and " " not in value:
                    out.add(value)
        if r.origin_ip:
            out.add(r.origin_ip)
    return out


def _rich(report: headerlens.Report, width: int | None) -> str:
    from headerlens.render.rich import print_rich

    buf = io.StringIO()
    print_rich(report, file=buf, width=width or 400, wide=width is None)
    return buf.getvalue()


def _whole_count(value: str, text: str) -> int:
    """How many times ``value`` stands whole on a line (not inside a longer token)."""
    pattern = re.compile(rf"(?<![\w.:-]){re.escape(value)}(?![\w:-]|\.\w)")
    return sum(len(pattern.findall(line)) for line in text.splitlines())


RENDERERS: dict[str, Callable[[headerlens.Report, int | None], str]] = {
    "text": lambda r, w: render_text(r, width=w),
    "rich": _rich,
    "markdown": lambda r, w: render_markdown(r, width=w),
}


@pytest.mark.parametrize("renderer", list(RENDERERS))
@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=SAMPLE_IDS)
def test_every_ip_and_host_name_stays_on_one_line(
    path: Path, renderer: str, sample_report: Callable[[Path], headerlens.Report]
) -> None:
    report = sample_report(path)
    render = RENDERERS[renderer]
    wide = render(report, None)
    for width in WIDTHS:
        narrow = render(report, width)
        for value in sorted(_evidence(report)):
            shown = md_safe(value) if renderer == "markdown" else value
            assert _whole_count(shown, narrow) == _whole_count(shown, wide) > 0, (
                f"{value!r} split or lost at {width} columns"
            )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=SAMPLE_IDS)
def test_text_lines_fit_the_width_unless_one_word_is_longer(
    path: Path, width: int, sample_report: Callable[[Path], headerlens.Report]
) -> None:
    for line in render_text(sample_report(path), width=width).splitlines():
        if len(line) > width:
            # Only a line holding one value too long for any line may overflow: besides
            # that value, at most its label (one or two words) stands on the line.
            words = line.split()
            longest = max(words, key=len)
            assert len(words) <= 3, line
            assert len(longest) > width // 2, line


def test_the_hop_table_stacks_at_80_columns_and_is_a_table_when_wide() -> None:
    path = Path(SAMPLE_PATHS[0]).parent / "gmail-to-microsoft365.eml"
    report = headerlens.analyze(path)
    narrow = render_text(report, width=80).splitlines()
    assert "  hop 1" in narrow
    assert "      ip          203.0.113.41" in narrow
    wide = render_text(report, width=None).splitlines()
    row = next(line for line in wide if line.startswith("  1    "))
    assert "203.0.113.41" in row
    assert "BN2PEPF000044A9.mail.protection.outlook.com" in row


def test_wrap_never_splits_a_word() -> None:
    assert wrap("a 198.51.100.7 mail-sor-f41.google.com b", 10) == [
        "a",
        "198.51.100.7",
        "mail-sor-f41.google.com",
        "b",
    ]
    assert wrap("x", None) == ["x"]


def test_plan_table_shares_space_then_stacks() -> None:
    headers = ("a", "b")
    rows = [("1234567890", "one two three four five")]
    assert plan_table(headers, rows, None, overhead=0, per_column=2).widths == (10, 23)
    fitted = plan_table(headers, rows, 30, overhead=0, per_column=2)
    assert not fitted.stacked
    assert sum(fitted.widths) == 26
    assert fitted.widths[0] == 10
    assert plan_table(headers, rows, 14, overhead=0, per_column=2).stacked


HOSTILE = (
    "Received: from evil.example (evil.example [198.51.100.9]) by mx.example.org"
    " with ESMTP id 4; Tue, 3 Mar 2026 10:00:01 +0000\r\n"
    'From: "\x1b]8;;https://evil.example\x1b\\\\click\x1b]8;;\x1b\\\\'
    ' \u202eevil" <a@example.net>\r\n'
    "Subject: [click](javascript:alert(1)) ![img](https://evil.example/x.png)"
    " <b>bold</b> &#8238; @admin www.evil.example https://evil.example/p $x$ | cell\r\n"
    "To: bob@example.org\r\n"
    "Date: Tue, 3 Mar 2026 09:59:58 +0000\r\n\r\nbody\r\n"
).encode()


def _controls(text: str) -> list[str]:
    return [
        c
        for c in text
        if (ord(c) < 0x20 and c != "\n")
        or 0x7F <= ord(c) < 0xA0
        or c in "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    ]


@pytest.mark.parametrize("width", [80, None])
def test_terminal_outputs_carry_no_control_or_bidi_character(width: int | None) -> None:
    report = headerlens.analyze(HOSTILE)
    text = render_text(report, width=width)
    assert _controls(text) == []
    assert "\\x1b]8;;https://evil.example\\x1b" in text
    assert "\\u202eevil" in text
    plain_rich = _rich(report, width)
    assert _controls(plain_rich) == []
    from headerlens.render.rich import print_rich

    buf = io.StringIO()
    from rich.console import Console  # noqa: F401 - rich is in the test extra

    print_rich(report, file=buf, width=120)
    assert "\x1b]8" not in buf.getvalue()


def test_markdown_has_no_link_image_html_entity_or_mention() -> None:
    md = render_markdown(headerlens.analyze(HOSTILE))
    assert _controls(md) == []
    subject = next(line for line in md.splitlines() if line.startswith("- **Subject**"))
    assert subject == (
        "- **Subject**: \\[click\\]\\(javascript:alert\\(1\\)\\)"
        " \\!\\[img\\]\\(https\\://evil.example/x.png\\)"
        " \\<b\\>bold\\</b\\> \\&\\#8238; \\@admin www\\.evil.example"
        " https\\://evil.example/p \\$x\\$ \\| cell"
    )
