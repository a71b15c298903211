"""Text, Markdown, HTML and JSON renderers: content and escaping of hostile header text."""

from __future__ import annotations

import json
from pathlib import Path

import headerlens
from headerlens.render import render_html, render_json, render_markdown, render_text
from headerlens.render.document import Document, Section, build_document

HOSTILE = (
    b"Received: from evil.example (evil.example [198.51.100.9]) by mx.example.org (Postfix)"
    b" with ESMTP id 4AbC; Tue, 3 Mar 2026 10:00:01 +0000\r\n"
    b'From: "<img src=x onerror=alert(1)>" <a@example.net>\r\n'
    b"To: bob@example.org\r\n"
    b"Subject: =?utf-8?q?=1B[2J=1B[31mPWNED_</td><script>alert(1)</script>_|x|?=\r\n"
    b"Date: Tue, 3 Mar 2026 09:59:58 +0000\r\n"
    b"Message-ID: <1@example.net>\r\n"
    b"\r\n"
    b"body\r\n"
)


def report() -> headerlens.Report:
    return headerlens.analyze(HOSTILE)


def test_text_has_no_raw_control_characters() -> None:
    out = render_text(report())
    assert "\x1b" not in out
    assert "\\x1b[2J\\x1b[31mPWNED" in out


def test_html_escapes_markup_from_the_message() -> None:
    out = render_html(report())
    assert "<script>" not in out
    assert "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert out.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in out


def test_jupyter_repr_is_the_escaped_fragment() -> None:
    html = report()._repr_html_()
    assert "<script>" not in html
    assert html.startswith("<style>")


def test_markdown_escapes_table_syntax() -> None:
    out = render_markdown(report())
    subject_line = next(line for line in out.splitlines() if line.startswith("- **Subject**"))
    assert "\\|x\\|" in subject_line
    assert "<script>" not in out


def test_json_is_the_model_dump() -> None:
    r = report()
    data = json.loads(render_json(r))
    assert data == r.model_dump(mode="json")
    assert data["schema_version"] == headerlens.Report.model_fields["schema_version"].default


def test_text_lists_summary_fields() -> None:
    out = render_text(report(), title="t")
    lines = out.splitlines()
    assert lines[0] == "t"
    assert "Message-ID  <1@example.net>" in lines
    assert "To          bob@example.org" in lines


def test_rich_output_escapes_markup_and_controls() -> None:
    import io

    from headerlens.render.rich import print_rich

    buf = io.StringIO()
    print_rich(report(), title="[bold]t[/bold]", file=buf)
    out = buf.getvalue()
    assert "\x1b[2J" not in out
    assert "[bold]t[/bold]" in out
    assert "\\x1b[2J\\x1b[31mPWNED" in out


LABELLED = (
    b"Received: from mail.example.net (mail.example.net [192.0.2.10]) by mx.example.org"
    b" (Postfix) with ESMTPS id 4AbC; Tue, 3 Mar 2026 10:00:05 +0000\n"
    b"Received-SPF: pass (mx.example.org) client-ip=192.0.2.10;\n"
    b"X-Spam-Status: No, score=-0.1 required=5.0 tests=NONE autolearn=no version=4.0.1\n"
    b"Received: from [203.0.113.5] by mail.example.net with ESMTPSA id 1;"
    b" Tue, 3 Mar 2026 10:00:01 +0000\n"
    b"Received-SPF: pass (forged.example) client-ip=203.0.113.5;\n"
    b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=s1;"
    b" t=1772532000; h=from:subject; bh=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;"
    b" b=AAAA\n"
    b"From: a@example.net\n"
    b"Subject: hi\n"
    b"Date: Tue, 3 Mar 2026 09:59:58 +0000\n"
    b"\n"
    b"body\n"
)


def _section(doc: Document, title: str) -> Section:
    return next(s for s in doc.sections if s.title == title)


def test_notes_and_lines_say_what_they_belong_to() -> None:
    doc = build_document(headerlens.analyze(LABELLED))
    hops = _section(doc, "Hop chain (oldest first)")
    assert [row[7] for row in hops.tables[0].rows] == ["untrusted", "trusted"]
    auth = _section(doc, "Authentication")
    assert [line for line in auth.lines if line[0].startswith("Received-SPF")] == [
        ("Received-SPF #1", "pass client-ip=192.0.2.10"),
        ("Received-SPF #4", "pass client-ip=203.0.113.5 (untrusted: below the trust boundary)"),
    ]
    assert auth.notes[0].startswith("DKIM #5 (example.net): ")
    spam = _section(doc, "Spam and filtering verdicts")
    assert spam.notes[0].startswith("SpamAssassin (#2): ")
    assert spam.tables[0].rows[0][0] == "SpamAssassin"
    assert dict(spam.lines)["Handled by"] == "SpamAssassin"


SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "bounce"


def test_bounce_section_shows_feedback_facts_and_whole_diagnostics() -> None:
    arf = build_document(headerlens.analyze((SAMPLES / "arf-abuse-report.eml").read_bytes()))
    sec = _section(arf, "Delivery report (feedback)")
    assert sec.lines[:4] == [
        ("Feedback type", "abuse"),
        ("Source IP", "192.0.2.55"),
        ("Reported domain", "example.com"),
        ("Reporter", "ExampleFBL/1.0"),
    ]
    dsn = build_document(
        headerlens.analyze((SAMPLES / "postfix-dsn-5.1.1-user-unknown.eml").read_bytes())
    )
    notes = _section(dsn, "Delivery report (dsn)").notes
    assert notes[0].startswith("nobody@example.org: The recipient's local part")
    assert notes[1] == (
        "nobody@example.org diagnostic (from mx.example.org): host mx.example.org[192.0.2.25]"
        " said: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in"
        " virtual mailbox table (in reply to RCPT TO command)"
    )


def test_arc_without_keys_is_not_shown_as_a_failed_chain() -> None:
    path = SAMPLES.parent / "arc" / "forwarded-list-valid-chain.eml"
    doc = build_document(headerlens.analyze(path.read_bytes()))
    arc = dict(_section(doc, "Authentication").lines)["ARC"]
    assert arc == (
        "not verified: ARC-Message-Signature i=3: key arc2026._domainkey.fwd.example.net not"
        " looked up (offline) (the newest ARC-Message-Signature must verify)"
    )
