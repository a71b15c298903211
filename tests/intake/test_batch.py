"""Folders holding every form a message arrives in: iter_messages picks up .msg files and
UTF-16 text, and batch rows say which input form each row came from."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

import headerlens
from headerlens.cli import main
from headerlens.parse.mailbox import iter_sources

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MSG = Path(__file__).resolve().parent / "data" / "msg"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "reports"
    (root / "maildir" / "cur").mkdir(parents=True)
    (root / "maildir" / "new").mkdir()
    (root / "maildir" / "tmp").mkdir()
    shutil.copy(SAMPLES / "postfix-esmtps-tls13.eml", root / "maildir" / "cur" / "1.host:2,S")
    shutil.copy(SAMPLES / "qmail-legacy-hop.eml", root / "maildir" / "tmp" / "2.host")
    shutil.copy(MSG / "mail-parser-outlook-1.msg", root / "newsletter.msg")
    shutil.copy(SAMPLES / "mbox-two-messages.mbox", root / "box.mbox")
    shutil.copy(SAMPLES / "sendmail-may-be-forged.eml", root / "plain.eml")
    text = (SAMPLES / "header-only-paste.txt").read_text(encoding="utf-8")
    (root / "notepad.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    # a Word document shares the compound-file signature: not a message
    (root / "minutes.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (root / "notes.json").write_text('{"not": "a message"}', encoding="utf-8")
    return root


def test_iter_messages_picks_up_msg_and_utf16_files(folder: Path) -> None:
    found = [(Path(i).name, c) for i, _d, c in iter_sources(folder)]
    assert found == [
        ("box.mbox#1", "mbox"),
        ("box.mbox#2", "mbox"),
        ("newsletter.msg", "file"),
        ("notepad.txt", "file"),
        ("plain.eml", "file"),
        ("1.host:2,S", "maildir"),
    ]
    ids = [Path(i).name for i, _d in headerlens.iter_messages(folder)]
    assert ids == [name for name, _c in found]


def test_batch_rows_name_the_input_form(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(folder), "--format", "csv", "--no-progress"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(Path(r["id"]).name, r["input_form"]) for r in rows] == [
        ("box.mbox#1", "mbox"),
        ("box.mbox#2", "mbox"),
        ("newsletter.msg", "msg"),
        ("notepad.txt", "paste"),
        ("plain.eml", "eml"),
        ("1.host:2,S", "maildir"),
    ]
    assert [r["attached"] for r in rows] == ["0"] * 6


def test_batch_jsonl_reports_carry_the_input_form(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(folder), "--json"]) == 0
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["message"]["input_form"] for r in reports] == [
        "mbox",
        "mbox",
        "msg",
        "paste",
        "eml",
        "maildir",
    ]


def test_single_msg_file_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(MSG / "mail-parser-outlook-1.msg"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["message"]["input_form"] == "msg"
    assert report["message"]["intake"]["outlook"]["message_class"] == "IPM.Note"
    assert len(report["hops"]) == 10
