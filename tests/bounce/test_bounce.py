"""Unit tests of the bounce reader: DSN fields, prose formats, ARF, auto-replies, knowledge."""

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens.bounce import knowledge, parse_bounce
from headerlens.bounce._text import find_addresses, find_reply_code, find_status
from headerlens.bounce.classify import decide
from headerlens.bounce.dsn import parse_delivery_status
from headerlens.errors import DefectError
from headerlens.policy import Policy

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "bounce"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "postfix-dsn-5.1.1-user-unknown.eml",
            ("dsn", "nobody@example.org", "5.1.1", "550", "userunknown", True, None),
        ),
        (
            "office365-5.7.26-dmarc-with-original.eml",
            ("dsn", "bob@contoso.example.com", "5.7.26", "550", "authfailure", True, None),
        ),
        (
            "gmail-5.7.1-policy-prose.eml",
            ("heuristic", "dave@example.org", "5.7.1", "550", "blocked", True, None),
        ),
        (
            "arf-abuse-report.eml",
            ("feedback", "erin@isp.example.org", None, None, "feedback", None, "abuse"),
        ),
        (
            "rfc3834-vacation-autoreply.eml",
            ("autoreply", "frank@example.org", None, None, "vacation", None, None),
        ),
    ],
    ids=["postfix-dsn", "office365-dmarc", "gmail-prose", "arf-abuse", "rfc3834-vacation"],
)
def test_samples(name: str, expected: tuple[object, ...]) -> None:
    report = parse_bounce((SAMPLES / name).read_bytes())
    assert report is not None
    r = report.recipients[0]
    got = (
        report.kind,
        r.final_recipient,
        r.status,
        r.reply_code,
        r.reason,
        r.permanent,
        r.feedback_type,
    )
    assert got == expected
    assert [d.code for d in report.defects] == (
        ["bounce.original_missing"] if name.startswith("rfc3834") else []
    ) or report.kind == "autoreply"


def test_original_is_parsed() -> None:
    report = parse_bounce((SAMPLES / "office365-5.7.26-dmarc-with-original.eml").read_bytes())
    assert report is not None
    assert report.original is not None
    assert report.original.get("Message-ID") == "<spring-sale-42@shop.example.com>"
    assert report.original_source == "message/rfc822"
    assert report.reporting_mta == "SN6PR01MB0002.prod.outlook.example.com"


def test_not_a_bounce() -> None:
    assert parse_bounce(b"From: a@example.com\nTo: b@example.org\nSubject: hi\n\nhello\n") is None


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (
            "Content-Type: multipart/report; report-type=delivery-status; boundary=x\n"
            "From: MAILER-DAEMON@example.net\nSubject: failure\n\n--x\n"
            "Content-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; mx.example.net\n\n--x--\n",
            ["bounce.dsn_no_recipients", "bounce.no_recipients", "bounce.original_missing"],
        ),
        (
            "Content-Type: multipart/report; report-type=delivery-status; boundary=x\n"
            "From: MAILER-DAEMON@example.net\nSubject: failure\n\n--x\n"
            "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
            "Action: failed\nStatus: 5.9.99x\n\n--x--\n",
            ["bounce.recipient_missing", "bounce.invalid_status", "bounce.original_missing"],
        ),
    ],
    ids=["truncated-dsn", "no-final-recipient-bad-status"],
)
def test_defects(text: str, codes: list[str]) -> None:
    report = parse_bounce(text.encode())
    assert report is not None
    assert [d.code for d in report.defects] == codes
    with pytest.raises(DefectError):
        parse_bounce(text.encode(), policy=Policy(strict=True))


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (
            "Content-Type: multipart/report; report-type=feedback-report; boundary=x\n"
            "From: fbl@example.org\nSubject: report\n\n--x\n"
            "Content-Type: text/plain\n\nhi\n--x--\n",
            ["bounce.arf_missing_report", "bounce.arf_missing_type"],
        ),
        (
            "Content-Type: multipart/report; report-type=feedback-report; boundary=x\n"
            "From: fbl@example.org\nSubject: report\n\n--x\n"
            "Content-Type: message/feedback-report\n\n"
            "Feedback-Type: shouting\nOriginal-Rcpt-To: a@example.org\n--x--\n",
            ["bounce.arf_unknown_type"],
        ),
    ],
    ids=["arf-no-report-part", "arf-unknown-type"],
)
def test_arf_defects(text: str, codes: list[str]) -> None:
    report = parse_bounce(text.encode())
    assert report is not None
    assert report.kind == "feedback"
    assert [d.code for d in report.defects] == codes


def test_prose_unreadable_defect_code_exists() -> None:
    from headerlens._catalogue.bounce import DEFECTS

    assert "bounce.format_unreadable" in DEFECTS


def test_dsn_several_recipients() -> None:
    fields = parse_delivery_status(
        "Reporting-MTA: dns; mx.example.net\nArrival-Date: Tue, 4 Mar 2025 10:00:00 +0000\n\n"
        "Final-Recipient: rfc822; a@example.org\nOriginal-Recipient: rfc822; a@example.org\n"
        "Action: failed\nStatus: 5.1.1\n\n"
        "Final-Recipient: rfc822; b@example.org\nAction: delayed\nStatus: 4.4.1\n"
        "Will-Retry-Until: Wed, 5 Mar 2025 10:00:00 +0000\n"
    )
    assert fields.message["reporting-mta"] == "dns; mx.example.net"
    assert [r["final-recipient"] for r in fields.recipients] == [
        "rfc822; a@example.org",
        "rfc822; b@example.org",
    ]
    assert fields.recipients[1]["will-retry-until"] == "Wed, 5 Mar 2025 10:00:00 +0000"


@pytest.mark.parametrize(
    ("diag", "status", "reason"),
    [
        ("550 5.1.1 <a@example.org>... User unknown", "5.1.1", "userunknown"),
        ("552 5.2.2 Mailbox full", "5.2.2", "mailboxfull"),
        (
            "550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy",
            "5.7.26",
            "authfailure",
        ),
        ("550 5.7.509 Access denied, sending domain does not pass DMARC", "5.7.509", "authfailure"),
        ("421 4.7.0 Try again later, closing connection (rate limit)", "4.7.0", "ratelimited"),
        ("554 5.7.1 Client host rejected: blocked using zen.example", "5.7.1", "blocked"),
        ("Relay access denied", None, "norelaying"),
    ],
    ids=[
        "user-unknown",
        "mailbox-full",
        "dmarc-5.7.26",
        "ms-5.7.509",
        "rate-limit",
        "rbl",
        "relay",
    ],
)
def test_classify(diag: str, status: str | None, reason: str) -> None:
    assert decide(diag, status).reason == reason


def test_scanners() -> None:
    assert find_status("host 192.0.2.1 said: 550 5.1.1 no") == "5.1.1"
    assert find_reply_code("host 192.0.2.1 said: 550-5.1.1 no") == "550"
    assert [a for _s, _e, a in find_addresses("to <a@example.org>, b@example.net.")] == [
        "a@example.org",
        "b@example.net",
    ]
    assert knowledge.pseudo_status("userunknown", temporary=False) == "5.0.911"
    assert knowledge.explain_status("5.7.26")[1] == "Security or policy"
    assert knowledge.explain_reply("421") is not None
