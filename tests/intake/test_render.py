"""The readable report of a plain report leads with the attached message and says who
reported it; other input forms are named in the Message section."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import headerlens

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MSG = Path(__file__).resolve().parent / "data" / "msg"


def _attached_tests() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "intake_attached", Path(__file__).with_name("test_attached.py")
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WRAP = _attached_tests()


def _titles(text: str) -> list[str]:
    lines = text.splitlines()
    return [lines[i - 1] for i in range(1, len(lines)) if set(lines[i]) == {"-"}]


def test_plain_report_leads_with_the_attached_message() -> None:
    inner = (SAMPLES / "gmail-to-microsoft365.eml").read_bytes()
    report = headerlens.analyze(WRAP.outlook_wrapper(inner))
    text = report.to_text()
    # the verdict shown first is the attached message's own
    assert _titles(text)[:3] == ["Reported message", "Verdict", "Message"]
    assert 'Reported by     "Reporter, Anna" <anna@example.org>' in text.splitlines()
    assert (
        "Note from the reporter: Hi helpdesk, this looks like phishing to me, can you check" in text
    )
    # the Message section is the attached message's
    direct = headerlens.analyze(inner).to_text()
    message_section = direct.split("Message\n-------\n", 1)[1].split("\n\n", 1)[0]
    assert message_section in text
    # the report mail's own findings follow, marked
    assert "[report mail] Reported by anna@example.org" in text


def test_several_attachments_are_listed() -> None:
    report = headerlens.analyze(WRAP._several(2))
    text = report.to_text()
    assert "Attached messages (2)" in _titles(text)
    html = headerlens.render.render_html(report)
    assert "message 1" in html


def test_input_form_is_named() -> None:
    text = headerlens.analyze(MSG / "mail-parser-outlook-1.msg").to_text()
    assert (
        "Input       Outlook .msg file (header block as received; body rebuilt by Outlook)"
        " (IPM.Note)" in text.splitlines()
    )


def test_redaction_covers_the_reporter_and_the_outlook_item() -> None:
    inner = (SAMPLES / "gmail-to-microsoft365.eml").read_bytes()
    redacted = headerlens.analyze(WRAP.outlook_wrapper(inner)).redact(b"k" * 32)
    text = redacted.to_json()
    for secret in ("anna@example.org", "Reporter, Anna", "phishing", "alice@example.com"):
        assert secret not in text
    assert redacted.reported_by is not None
    assert redacted.reported_by.note == ""  # body text is dropped, like every body
    item = headerlens.analyze(MSG / "mail-parser-outlook-1.msg").redact(b"k" * 32)
    assert item.message.input_form == "msg"
    assert item.message.intake is not None
    outlook = item.message.intake.outlook
    assert outlook is not None
    assert outlook.message_class == "IPM.Note"
    assert "NueblingV" not in (outlook.sender or "")
    assert "Newsletter" not in (outlook.subject or "")
