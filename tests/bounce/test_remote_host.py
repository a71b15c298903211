"""The remote host named in prose bounces (``remote_mta``), per format's own wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens.bounce import parse_bounce
from headerlens.bounce.formats._base import remote_hosts

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "bounce"


def _msg(headers: str, body: str) -> bytes:
    return (headers.strip() + "\n\n" + body).encode()


CASES = {
    "gmail-rejected-by-server": (
        _msg(
            "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: a@example.com\n"
            "Subject: Delivery Status Notification (Failure)",
            "Delivery to the following recipient failed permanently:\n\n     b@example.org\n\n"
            "Technical details of permanent failure:\nGoogle tried to deliver your message, but"
            " it was rejected by the server for the recipient domain example.org by"
            " mx2.example.org. [192.0.2.81].\n\nThe error that the other server returned was:\n"
            "550 5.1.1 No such user\n",
        ),
        ("gmail", "mx2.example.org"),
    ),
    "gmail-socket-error": (
        _msg(
            "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: a@example.com\n"
            "Subject: Delivery Status Notification (Delay)",
            "Delivery to the following recipient has been delayed:\n\n     b@example.org\n\n"
            "Technical details of temporary failure:\nThe recipient server did not accept our"
            " requests to connect.\n[(0) mx.example.org. [192.0.2.80]:25: socket error]\n",
        ),
        ("gmail", "mx.example.org"),
    ),
    "postfix-host-said": (
        _msg(
            "From: MAILER-DAEMON@mail.sender.example (Mail Delivery System)\nTo: a@example.com\n"
            "Subject: Undelivered Mail Returned to Sender",
            "This is the mail system at host mail.sender.example.\n\n"
            "I'm sorry to have to inform you that your message could not\nbe delivered.\n\n"
            "                   The mail system\n\n<b@example.org>: host mx.example.org[192.0.2.7]"
            " said: 550 5.1.1\n    <b@example.org>: Recipient address rejected: User unknown"
            " (in reply to RCPT TO command)\n",
        ),
        ("postfix", "mx.example.org"),
    ),
    "postfix-connect-to": (
        _msg(
            "From: MAILER-DAEMON@mail.sender.example (Mail Delivery System)\nTo: a@example.com\n"
            "Subject: Undelivered Mail Returned to Sender",
            "This is the mail system at host mail.sender.example.\n\n"
            "                   The mail system\n\n<b@example.org>: connect to"
            " mx.example.org[2001:db8::25]:25: Connection refused\n",
        ),
        ("postfix", "mx.example.org"),
    ),
    "exim-host-ip": (
        _msg(
            "From: Mail Delivery System <Mailer-Daemon@relay.sender.example>\nTo: a@example.com\n"
            "Subject: Mail delivery failed: returning message to sender",
            "This message was created automatically by mail delivery software.\n\n"
            "A message that you sent could not be delivered to one or more of its\n"
            "recipients. This is a permanent error. The following address(es) failed:\n\n"
            "  b@example.org\n    host mx.example.org [192.0.2.9]\n"
            "    SMTP error from remote mail server after RCPT TO:<b@example.org>:\n"
            "    550 5.1.1 User unknown\n",
        ),
        ("exim", "mx.example.org"),
    ),
    "sendmail-transcript": (
        _msg(
            "From: Mail Delivery Subsystem <MAILER-DAEMON@relay.sender.example>\n"
            "To: a@example.com\nSubject: Returned mail: see transcript for details",
            "The original message was received at Thu, 6 Mar 2025 09:00:00 +0100\n\n"
            "   ----- The following addresses had permanent fatal errors -----\n<b@example.org>\n"
            "    (reason: 550 5.1.1 User unknown)\n\n"
            "   ----- Transcript of session follows -----\n... while talking to"
            " mx.example.org.:\n>>> DATA\n<<< 550 5.1.1 <b@example.org>... User unknown\n"
            "550 5.1.1 <b@example.org>... User unknown\n",
        ),
        ("sendmail", "mx.example.org"),
    ),
    "qmail-does-not-like-recipient": (
        _msg(
            "From: MAILER-DAEMON@relay.sender.example\nTo: a@example.com\nSubject: failure notice",
            "Hi. This is the qmail-send program at relay.sender.example.\n"
            "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
            "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
            "<b@example.org>:\n192.0.2.25 does not like recipient.\n"
            "Remote host said: 550 5.1.1 User unknown\nGiving up on 192.0.2.25.\n",
        ),
        ("qmail", "192.0.2.25"),
    ),
    "qmail-connected-to": (
        _msg(
            "From: MAILER-DAEMON@relay.sender.example\nTo: a@example.com\nSubject: failure notice",
            "Hi. This is the qmail-send program at relay.sender.example.\n"
            "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
            "<b@example.org>:\nConnected to 192.0.2.26 but sender was rejected.\n"
            "Remote host said: 553 sorry, your envelope sender is blacklisted\n",
        ),
        ("qmail", "192.0.2.26"),
    ),
}


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_remote_host_from_prose(name: str) -> None:
    src, want = CASES[name]
    report = parse_bounce(src)
    assert report is not None
    assert [(report.source_format, r.remote_mta) for r in report.recipients] == [want]


def test_gmail_sample_names_the_remote_host() -> None:
    report = parse_bounce((SAMPLES / "gmail-5.7.1-policy-prose.eml").read_bytes())
    assert report is not None
    assert [r.remote_mta for r in report.recipients] == ["mx.example.org"]


def test_postfix_reporting_host_is_not_the_remote_one() -> None:
    # "This is the mail system at host X" names the reporting host: no remote host here.
    src = _msg(
        "From: MAILER-DAEMON@mail.sender.example (Mail Delivery System)\nTo: a@example.com\n"
        "Subject: Undelivered Mail Returned to Sender",
        "This is the mail system at host mail.sender.example.\n\n"
        "                   The mail system\n\n<b@example.org>: mail for example.org loops"
        " back to myself\n",
    )
    report = parse_bounce(src)
    assert report is not None
    assert [(report.source_format, r.remote_mta) for r in report.recipients] == [("postfix", None)]


@pytest.mark.parametrize(
    ("text", "after", "before", "want"),
    [
        ("host mx.example.org[192.0.2.1] said: 550", ("host ",), (), ["mx.example.org"]),
        ("host [192.0.2.1] said: 550", ("host ",), (), ["192.0.2.1"]),
        ("host lookup did not complete", ("host ",), (), []),
        ("host 192.0.2.1 said", ("host ",), (), ["192.0.2.1"]),
        (
            "2001:db8::2 does not like recipient.",
            (),
            (" does not like recipient",),
            ["2001:db8::2"],
        ),
        (
            "talking to a.example.: x; talking to b.example.:",
            ("talking to ",),
            (),
            ["a.example", "b.example"],
        ),
        ("host " * 5000, ("host ",), (), []),
    ],
    ids=[
        "postfix",
        "bracketed-ip-only",
        "no-host-name",
        "bare-ip",
        "ipv6-before",
        "two-hosts",
        "long-input",
    ],
)
def test_remote_hosts(
    text: str, after: tuple[str, ...], before: tuple[str, ...], want: list[str]
) -> None:
    assert remote_hosts(text, after, before) == want
