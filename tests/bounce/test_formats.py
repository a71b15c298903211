"""Per-format readers added for issue 8 and the SMTP-stage conventions of the classifier."""

from __future__ import annotations

import pytest

from headerlens.bounce import parse_bounce
from headerlens.bounce.classify import decide


def _msg(headers: str, body: str) -> bytes:
    return (headers.strip() + "\n\n" + body).encode()


CASES = [
    (
        _msg(
            "From: no-reply@x.dion.ne.jp\nTo: a@example.jp\nSubject: Mail\n"
            "Reply-To: no-reply@app.auone-net.jp",
            "Your mail sent on: Thu, 29 Apr 2013 00:00:00 +0900\n"
            "     Could not be delivered to: <neko@x.dion.ne.jp>\n"
            "     As their mailbox is full.\n",
        ),
        ("kddi", "neko@x.dion.ne.jp", "5.0.922", None, "mailboxfull"),
    ),
    (
        _msg(
            "From: MAILER-DAEMON@ezweb.ne.jp\nTo: a@example.jp\n"
            "Subject: Mail System Error - Returned Mail",
            "<neko@ezweb.ne.jp>\nEach of the following recipients was rejected by a remote mail "
            "server.\n-----------------------------------\nReceived: from x\n",
        ),
        ("ezweb", "neko@ezweb.ne.jp", "5.0.910", None, "filtered"),
    ),
    (
        _msg(
            "From: no-reply@sns.amazonaws.com\nTo: a@example.jp\n"
            "Subject: AWS Notification Message\nx-amz-sns-message-id: 1",
            '{"notificationType":"Bounce","bounce":{"bounceType":"Permanent",'
            '"bouncedRecipients":[{"emailAddress":"neko@example.org","action":"failed",'
            '"status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}]}}\n',
        ),
        ("amazonses", "neko@example.org", "5.1.1", "550", "userunknown"),
    ),
    (
        _msg(
            "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
            "Subject: Returned mail: User unknown",
            "   ----- Transcript of session follows -----\nWhile talking to mx.example.org:\n"
            ">>> RCPT To:<neko@example.org>\n<<< 550 <neko@example.org>, User Unknown\n"
            "550 <neko@example.org>... User unknown\n"
            "   ----- Unsent message follows -----\nFrom: a@example.com\n"
            "To: neko@example.org\n\nhello\n",
        ),
        ("v5sendmail", "neko@example.org", "5.0.911", "550", "userunknown"),
    ),
    (
        _msg(
            "From: Postmaster <postmaster@example.org>\nTo: a@example.com\n"
            "Subject: Undeliverable Mail\nX-Mailer: <SMTP32 v8.12>",
            "Unknown user: neko@example.com\n\nOriginal message follows.\n\nFrom: a@example.com\n",
        ),
        ("imailserver", "neko@example.com", "5.0.911", None, "userunknown"),
    ),
    (
        # A multipart/report whose boundary lines were lost: the DSN fields are read as prose.
        _msg(
            "From: MAILER-DAEMON@example.net\nTo: a@example.com\n"
            "Subject: Delivery Notification: Delivery has failed\n"
            'Content-Type: multipart/report; boundary="gone"; report-type=delivery-status',
            "Reporting-MTA: dns; mx.example.net\n\nAction: failed\nStatus: 5.0.0\n"
            "Final-recipient: rfc822;neko@example.org\n"
            "Diagnostic-code: smtp; 550 5.7.1 550 User Unknown: neko@example.org\n",
        ),
        ("generic", "neko@example.org", "5.7.1", "550", "filtered"),
    ),
    (
        _msg(
            "From: MAILER-DAEMON@pmta.example.net\nTo: a@example.com\nSubject: failure\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
            "--b\nContent-Type: text/plain\n\nfailed\n--b\n"
            "Content-Type: message/delivery-status\n\nReporting-MTA: dns; pmta.example.net\n\n"
            "Final-Recipient: rfc822; neko@example.jp\nAction: failed\nStatus: 5.2.1\n"
            "Diagnostic-Code: smtp; 550 5.2.1 <neko@example.jp>... User Unknown\n"
            "X-PowerMTA-BounceCategory: bad-mailbox\n--b--\n",
        ),
        ("rfc3464", "neko@example.jp", "5.2.1", "550", "userunknown"),
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"),
    CASES,
    ids=["kddi", "ezweb", "amazonses-json", "v5sendmail", "imail", "no-boundary", "powermta"],
)
def test_format(data: bytes, expected: tuple[str, str, str, str | None, str]) -> None:
    report = parse_bounce(data)
    assert report is not None
    r = report.recipients[0]
    got = (report.source_format, r.final_recipient, r.status, r.reply_code, r.reason)
    assert got == expected


@pytest.mark.parametrize(
    ("diag", "status", "command", "reason"),
    [
        ("550 Unknown user neko@example.jp", "5.0.0", "RCPT", "userunknown"),
        ("550 Unknown user neko@example.jp", "5.0.0", "DATA", "filtered"),
        ("550 Unknown user neko@example.jp", "5.0.0", None, "filtered"),
        ("550 5.1.1 <neko@example.jp>... User unknown", "5.1.1", "DATA", "userunknown"),
        ("550 5.7.1 Unroutable sender address", "5.7.1", "MAIL", "rejected"),
        ("550 Insecure Mail Relay", None, "MAIL", "norelaying"),
        ("452 4.2.2 Mailbox full", "4.2.2", "RCPT", "mailboxfull"),
        ("554 Message content rejected", "5.7.1", "DATA", "spamdetected"),
        ("452 4.4.5 Insufficient disk space; try again later", "4.4.5", None, "systemfull"),
        ("501 Syntax error in parameters", None, None, "syntaxerror"),
    ],
    ids=[
        "unknown-at-rcpt",
        "unknown-at-data-is-filter",
        "unknown-no-stage",
        "5.1.1-decides",
        "sender-at-mail",
        "relay-at-mail",
        "full-at-any-stage",
        "spam-words-after-data",
        "disk-is-system",
        "reply-501",
    ],
)
def test_stage_conventions(diag: str, status: str | None, command: str | None, reason: str) -> None:
    reply = diag[:3]
    assert decide(diag, status, reply, "failed", command=command).reason == reason


def test_preset_weak_reason_is_refined() -> None:
    diag = "550 5.2.2 mailbox full"
    assert decide(diag, "5.2.2", "550", preset="userunknown").reason == "mailboxfull"
    assert decide(diag, "5.2.2", "550", preset="suspend").reason == "suspend"
