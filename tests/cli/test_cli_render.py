"""Command line: diff, schema, --svg, --redact, --wide/--width and the safe CSV writer."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import headerlens
from headerlens.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SKEW = str(SAMPLES / "clock-skew-and-delay.eml")
GMAIL = str(SAMPLES / "gmail-to-microsoft365.eml")


def test_schema_prints_the_report_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    from headerlens.render.schema import report_json_schema

    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == report_json_schema()


def test_svg_prints_the_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--svg", SKEW]) == 0
    out = capsys.readouterr().out
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="hl-timeline"')
    assert out.rstrip().endswith("</svg>")
    assert "-6m58s clock skew?" in out


def test_svg_on_a_folder_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--svg", str(SAMPLES / "bounce")]) == 2
    assert capsys.readouterr().err.startswith("headerlens: --svg shows one message")


def test_diff_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", SKEW, GMAIL, "--plain", "--width", "100"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].startswith("headerlens ")
    assert "diff" in text.splitlines()[0]
    assert f"A       {SKEW}" in text.splitlines()
    assert main(["diff", SKEW, GMAIL, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = headerlens.diff(headerlens.analyze(Path(SKEW)), headerlens.analyze(Path(GMAIL)))
    assert data == expected.model_dump(mode="json")


@pytest.mark.parametrize("flag", ["--markdown", "--html"])
def test_diff_in_every_format(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", SKEW, SKEW, flag]) == 0
    out = capsys.readouterr().out
    assert "No difference in path, authentication, spam verdicts or findings." in out


def test_diff_needs_two_messages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", SKEW]) == 2
    assert "diff takes exactly two messages" in capsys.readouterr().err


def test_redact_with_a_key_file_is_stable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "key"
    key.write_bytes(b"helpdesk key\n")
    assert main(["--json", "--redact", str(key), SKEW]) == 0
    first = capsys.readouterr().out
    assert main(["--json", SKEW, "--redact", str(key)]) == 0
    assert capsys.readouterr().out == first
    assert "kim@example.com" not in first
    assert "198.51.100.7" not in first
    expected = headerlens.analyze(Path(SKEW)).redact(b"helpdesk key")
    assert json.loads(first) == expected.model_dump(mode="json")


def test_redact_without_a_key_uses_a_random_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--redact", SKEW, "--plain"]) == 0
    captured = capsys.readouterr()
    assert "one-off random key" in captured.err
    assert "(redacted)" in captured.out.splitlines()[0]
    assert "kim@example.com" not in captured.out


def test_redact_an_empty_key_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "key"
    key.write_bytes(b"\n")
    assert main(["--redact", str(key), SKEW]) == 2
    assert "is empty" in capsys.readouterr().err


def test_wide_keeps_table_rows_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--plain", "--wide", GMAIL]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = next(line for line in lines if "BN2PEPF000044A9.mail.protection.outlook.com" in line)
    assert "203.0.113.41" in row
    assert "TLS1_3" in row
    assert main(["--plain", "--width", "80", GMAIL]) == 0
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 80


HOSTILE_ROW = (
    b"From: =cmd|' /C calc'!A0 <a@example.net>\r\n"
    b"Subject: @SUM(1+1)*cmd|' /C calc'!A0\r\n"
    b"Message-ID: <-2+3@example.net>\r\n"
    b"Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\nbody\r\n"
)


def test_csv_cells_never_start_a_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.eml").write_bytes(HOSTILE_ROW)
    (folder / "b.eml").write_bytes(
        "Subject: +SUM(A1)\x1b[2J\u202e\r\nFrom: -x@example.net\r\n\r\n".encode()
    )
    assert main(["--batch", "--format", "csv", "--no-progress", str(folder)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    cells = [v for row in rows for v in row.values() if v]
    assert [c for c in cells if c[0] in "=+-@\t\r"] == []
    subjects = [row["subject"] for row in rows]
    assert subjects == ["'@SUM(1+1)*cmd|' /C calc'!A0", "'+SUM(A1)\\x1b[2J\\u202e"]
    assert rows[0]["from"] == "'=cmd|' /C calc'!A0 <a@example.net>"
    assert rows[0]["message_id"] == "<-2+3@example.net>"
