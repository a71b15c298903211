"""The gate before any body work: what the header fields show decides "not a report".

``worth_reading`` must never turn away a message that the full reading would accept: over
the samples and the corpora, every message it rejects reads as no report when read in full.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from headerlens.bounce import parse_bounce
from headerlens.bounce.context import Context, strip_html
from headerlens.bounce.detect import worth_reading
from headerlens.bounce.engine import read_context
from headerlens.defects import DefectLog
from headerlens.parse import parse

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# Bounces and auto-replies, modern mail, and odd old messages (the 6,000-message public
# corpus is left to the oracle: it adds minutes and no new shape).
CORPUS_SETS = ("sisimai-dev/maildir", "phishing-pot-dev/email", "spamassassin/messages")


def _messages(corpora: Path) -> Iterator[Path]:
    yield from sorted(SAMPLES.rglob("*.eml"))
    for folder in CORPUS_SETS:
        base = corpora / folder
        if base.is_dir():
            yield from sorted(p for p in base.rglob("*") if p.is_file() and p.suffix != ".md")


def test_gate_turns_away_only_messages_that_are_no_report(corpora: Path) -> None:
    turned_away = accepted = 0
    wrong: list[str] = []
    for path in _messages(corpora):
        message = parse(path.read_bytes())
        if not message.headers:
            continue
        ctx = Context(message)
        if worth_reading(ctx):
            accepted += 1
            continue
        turned_away += 1
        if read_context(ctx, DefectLog()) is not None:
            wrong.append(path.name)
    print(f"\ngate: {accepted} read, {turned_away} turned away")
    assert wrong == []
    assert turned_away > 1000  # the phishing corpus holds no report


def test_a_message_that_is_no_report_never_builds_the_mime_tree() -> None:
    message = parse(
        b"From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: lunch?\r\n"
        b"Content-Type: multipart/alternative; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/html\r\n\r\n<p>See you at noon</p>\r\n--b--\r\n"
    )
    assert parse_bounce(message) is None
    assert "mime" not in message.__dict__


@pytest.mark.parametrize(
    ("header", "body"),
    [
        ("Content-Type: multipart/report; report-type=delivery-status; boundary=b", ""),
        ("From: Mail Delivery System <MAILER-DAEMON@mx.example.org>", ""),
        ("Subject: Undelivered Mail Returned to Sender", ""),
        ("Return-Path: <>", ""),
        ("Auto-Submitted: auto-generated", ""),
        ("X-Failed-Recipients: bob@example.org", ""),
        ("Subject: Out of office", ""),
        ("Subject: Fwd: see below", "Content-Type: message/delivery-status\n"),
    ],
)
def test_each_cue_opens_the_gate(header: str, body: str) -> None:
    data = f"To: bob@example.org\n{header}\n\n{body}".encode()
    assert worth_reading(Context(parse(data)))


def test_no_cue_keeps_the_gate_shut() -> None:
    data = b"From: alice@example.org\nReturn-Path: <alice@example.org>\nSubject: hi\n\nhello\n"
    assert not worth_reading(Context(parse(data)))


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>one</p><p>two", "\none\n\ntwo"),
        ("a<br/>b<BR>c", "a\nb\nc"),
        ("<tr><td>x</td><td>y</td></tr>", "\n x  y \n"),
        ("<a href='x'>link</a> &amp; &lt;tag&gt; &nbsp;", "link & <tag>  "),
        ("text <unclosed tag and more", "text "),
        ("<b title='<p>'>bold</b>", "'>bold"),  # a tag ends at its first '>'
        ("<pre>kept</pre>", "\nkept\n"),  # the '<p' and '</p' prefixes, as before
        ("no markup at all", "no markup at all"),
    ],
)
def test_strip_html(html: str, text: str) -> None:
    assert strip_html(html) == text


_PLATFORM_MAIL = (
    b"Return-Path: <>\r\n"
    b"From: Storage <notice@cloud.example>\r\n"
    b"To: victim@example.org\r\n"
    b"Subject: Your storage is full\r\n"
    b"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
    b"Message-ID: <p1@cloud.example>\r\n"
    b"%s"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Your storage is full. Click here to keep your photos.\r\n"
)


@pytest.mark.parametrize(
    "fingerprint",
    [
        b"X-Mailer: Amazon WorkMail\r\n",
        b"Received: from a.example by b.example (DragonFly Mail Agent v0.13); "
        b"Mon, 23 Nov 2026 10:00:00 +0000\r\n",
        b"X-MLServer: fml [fml 4.0]\r\n",
        b"X-NAI-Header: Modified by McAfee Email Gateway\r\n",
        b"X-Mailer: <SMTP32> v8.15\r\n",
    ],
)
def test_a_platform_fingerprint_alone_is_no_bounce(fingerprint: bytes) -> None:
    # Ordinary mail sent through a platform whose bounces a format reader knows carries the
    # same fingerprint; with no recipient found and no report cue, it is not a report.
    assert parse_bounce(_PLATFORM_MAIL % fingerprint) is None


def test_an_empty_report_from_a_reporting_system_is_kept() -> None:
    raw = (_PLATFORM_MAIL % b"X-Mailer: Amazon WorkMail\r\n").replace(
        b"From: Storage <notice@cloud.example>", b"From: MAILER-DAEMON@mail.example"
    )
    report = parse_bounce(raw)
    assert report is not None
    assert (report.kind, report.source_format, report.recipients) == (
        "heuristic",
        "amazonworkmail",
        (),
    )
    assert [d.code for d in report.defects] == ["bounce.no_recipients", "bounce.original_missing"]


@pytest.mark.parametrize(
    ("subject", "autoreply"),
    [
        (b"Vacation reply: Project plan", True),
        (b"Vacation: Project plan", True),
        (b"Out of office: Project plan", True),
        (b"Vacation Time, House need work, Behind in Bills? Refinance now", False),
        (b"Vacation photos from Lisbon", False),
    ],
)
def test_a_vacation_subject_must_say_it_is_a_reply(subject: bytes, autoreply: bool) -> None:
    raw = (_PLATFORM_MAIL % b"").replace(b"Subject: Your storage is full", b"Subject: " + subject)
    raw = raw.replace(b"Return-Path: <>", b"Return-Path: <notice@cloud.example>")
    report = parse_bounce(raw)
    assert (report is not None and report.kind == "autoreply") is autoreply
