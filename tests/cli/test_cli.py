"""The command line through ``main([...])``: outputs, batch mode, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from headerlens.cli import main

MSG = (
    b"Received: from a.example.net (a.example.net [203.0.113.5]) by mx.example.org (Postfix)"
    b" with ESMTPS id 4RZ1; Tue, 3 Mar 2026 10:00:07 +0000\r\n"
    b"From: Alice <alice@example.net>\r\n"
    b"To: bob@example.org\r\n"
    b"Subject: quarterly report\r\n"
    b"Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n"
    b"Message-ID: <q1@example.net>\r\n"
    b"\r\n"
    b"Hello.\r\n"
)


@pytest.fixture
def msg_file(tmp_path: Path) -> Path:
    p = tmp_path / "m.eml"
    p.write_bytes(MSG)
    return p


def test_text_report(msg_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--plain", str(msg_file)]) == 0
    out = capsys.readouterr().out
    assert "Subject     quarterly report" in out.splitlines()


def test_json_report(msg_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", str(msg_file)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == "1.1"
    assert [h["name"] for h in data["message"]["headers"]] == [
        "Received",
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
    ]


def test_markdown_and_html(msg_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--markdown", str(msg_file)]) == 0
    assert capsys.readouterr().out.startswith("# headerlens ")
    assert main(["--html", str(msg_file)]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    class FakeStdin:
        buffer = io.BytesIO(MSG)

    monkeypatch.setattr("sys.stdin", FakeStdin())
    assert main(["--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["message"]["size"] == len(MSG)


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.eml")]) == 2
    assert capsys.readouterr().err.startswith("headerlens: cannot read ")


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["--as-of", "yesterday", "x"]) == 2
    assert main(["--as-of", "2026-03-03T10:00:00", "x"]) == 2
    capsys.readouterr()


def test_keys_and_dns_are_exclusive(msg_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = msg_file.with_suffix(".json")
    keys.write_text("{}", encoding="utf-8")
    assert main(["--keys", str(keys), "--dns", "127.0.0.1", str(msg_file)]) == 2
    assert capsys.readouterr().err == (
        "headerlens: --keys and --dns are exclusive: pick saved keys or live DNS\n"
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import headerlens

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"headerlens {headerlens.__version__}"


def test_batch_folder_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.eml").write_bytes(MSG)
    (tmp_path / "b.eml").write_bytes(MSG.replace(b"quarterly report", b"second"))
    assert main(["--no-progress", str(tmp_path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["subject"] for r in rows] == ["quarterly report", "second"]
    assert rows[0]["hop_count"] == 1


def test_batch_mbox_csv_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mbox = tmp_path / "box.mbox"
    one = MSG.replace(b"\r\n", b"\n")
    mbox.write_bytes(
        b"From alice@example.net Tue Mar  3 10:00:00 2026\n" + one + b"\n"
        b"From alice@example.net Tue Mar  3 10:05:00 2026\n" + one
    )
    out = tmp_path / "rows.csv"
    assert main(["--format", "csv", "-o", str(out), "--no-progress", str(mbox)]) == 0
    assert capsys.readouterr().err == f"wrote 2 rows to {out}\n"
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["subject"] for r in rows] == ["quarterly report", "quarterly report"]


@pytest.mark.parametrize("option", ["", "--plain", "--html", "--svg", "--json"])
def test_one_message_with_an_mbox_from_line_gets_its_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    # SpamAssassin's corpus, mutt and formail save a single message with its From line:
    # that is one report, not batch rows (and --html/--svg were refused as "several")
    p = tmp_path / "one.txt"
    p.write_bytes(
        b"From alice@example.net Tue Mar  3 10:00:00 2026\n" + MSG.replace(b"\r\n", b"\n")
    )
    assert main([option, str(p)] if option else [str(p)]) == 0
    out = capsys.readouterr().out
    assert not out.startswith('{"id"')
    if option == "--json":
        assert json.loads(out)["message"]["input_form"] == "mbox"
    assert main([str(p), "--batch", "--no-progress"]) == 0  # rows when asked
    assert json.loads(capsys.readouterr().out)["subject"] == "quarterly report"


def test_strict_exits_1_on_defect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "bad.eml"
    p.write_bytes(b"Subject: no from and no date\r\n\r\nbody\r\n")
    assert main(["--strict", str(p)]) == 1
    assert capsys.readouterr().err.startswith("headerlens: strict mode: ")


def _two_message_folder(tmp_path: Path) -> Path:
    (tmp_path / "a.eml").write_bytes(MSG)
    (tmp_path / "b.eml").write_bytes(MSG.replace(b"quarterly report", b"second"))
    return tmp_path


def test_plain_on_a_folder_prints_one_report_per_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _two_message_folder(tmp_path)
    assert main(["--plain", str(folder)]) == 0
    out = capsys.readouterr().out
    subjects = [line for line in out.splitlines() if line.startswith("Subject ")]
    assert subjects == ["Subject     quarterly report", "Subject     second"]
    assert out.count("headerlens ") == 2


def test_json_on_a_folder_prints_full_reports_as_json_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _two_message_folder(tmp_path)
    assert main(["--json", str(folder)]) == 0
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["message"]["headers"][3]["value"] for r in reports] == [
        "quarterly report",
        "second",
    ]


def test_html_on_a_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _two_message_folder(tmp_path)
    assert main(["--html", str(folder)]) == 2
    assert capsys.readouterr().err.startswith("headerlens: --html shows one message")


def test_explicit_batch_keeps_summary_rows_with_a_format_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _two_message_folder(tmp_path)
    assert main(["--batch", "--json", "--no-progress", str(folder)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["subject"] for r in rows] == ["quarterly report", "second"]


SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_keys_json_verifies_offline(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--json", "--keys", str(SAMPLES / "keys.json"), str(SAMPLES / "dkim" / "good-rsa.eml")]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(d["domain"], d["result"], d["reason"]) for d in data["dkim"]] == [
        ("example.com", "pass", "pass")
    ]
    assert data["network_used"] is False


def test_keys_zone_text_verifies_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = json.loads((SAMPLES / "keys.json").read_text(encoding="utf-8"))
    zone = tmp_path / "keys.zone"
    zone.write_text(
        "".join(f'{name}. 3600 IN TXT "{value}"\n' for name, value in records.items()),
        encoding="utf-8",
    )
    assert main(["--json", "--keys", str(zone), str(SAMPLES / "dkim" / "good-rsa.eml")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["result"] for d in data["dkim"]] == ["pass"]


def test_unreadable_key_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--keys", str(tmp_path / "none.json"), str(SAMPLES / "dkim" / "good-rsa.eml")]) == 2
    )
    assert capsys.readouterr().err.startswith("headerlens: cannot read key file ")


def test_bounces_batch_one_row_per_recipient(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--bounces", "--no-progress", str(SAMPLES / "bounce")]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [
        (Path(r["file"]).name, r["kind"], r["recipient"], r["status"], r["reply_code"], r["reason"])
        for r in rows
    ] == [
        ("arf-abuse-report.eml", "feedback", "erin@isp.example.org", None, None, "feedback"),
        (
            "gmail-5.7.1-policy-prose.eml",
            "heuristic",
            "dave@example.org",
            "5.7.1",
            "550",
            "blocked",
        ),
        (
            "office365-5.7.26-dmarc-with-original.eml",
            "dsn",
            "bob@contoso.example.com",
            "5.7.26",
            "550",
            "authfailure",
        ),
        (
            "postfix-dsn-5.1.1-user-unknown.eml",
            "dsn",
            "nobody@example.org",
            "5.1.1",
            "550",
            "userunknown",
        ),
        (
            "rfc3834-vacation-autoreply.eml",
            "autoreply",
            "frank@example.org",
            None,
            None,
            "vacation",
        ),
    ]
    assert rows[2]["original_origin_ip"] is not None
