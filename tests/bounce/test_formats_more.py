"""Format modules added for the remaining Sisimai families, the wrapped-bounce rule and
provider rules end to end (synthetic messages in each format's layout)."""

from __future__ import annotations

import pytest

from headerlens.bounce import parse_bounce


def _msg(headers: str, body: str) -> bytes:
    return (headers.strip() + "\n\n" + body).encode()


WRAPPED_INNER = (
    "From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.net>\n"
    "To: a@example.com\nSubject: Returned mail: User unknown\nMIME-Version: 1.0\n"
    'Content-Type: multipart/report; report-type=delivery-status; boundary="in"\n\n'
    "--in\nContent-Type: text/plain\n\n"
    "   ----- The following addresses had permanent delivery errors -----\n"
    "neko@example.org\n--in\nContent-Type: message/delivery-status\n\n"
    "Reporting-MTA: dns; relay.example.net\n\nFinal-Recipient: RFC822; neko@example.org\n"
    "Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n--in--\n"
)

CASES = {
    "apachejames": (
        _msg(
            "From: post_master@example.net\nTo: a@example.com\nSubject: Re:Hello\n"
            "Message-ID: <1.2.3.JavaMail.mail@example.net>",
            "Error: Invalid user address\n\nError message below:\n"
            "550 - Requested action not taken: no such user here\n\nMessage details:\n"
            "  Subject: Hello\n  MAIL FROM: a@example.com\n  RCPT TO: neko@example.net\n",
        ),
        ("apachejames", "neko@example.net", "5.0.910", "550", "filtered"),
    ),
    "mailmarshal": (
        _msg(
            'From: postmaster@example.net\nTo: a@example.com\nSubject: Undeliverable Mail: "Hello"',
            "Your message:\n   From:    a@example.com\n   Subject: Hello\n\n"
            "Could not be delivered because of\n\n550 5.1.1 User unknown\n\n"
            "The following recipients were affected: \n    neko@example.net\n\n"
            "Additional Information\n======================\n"
            "Remote-MTA:      <192.0.2.2>\nReporting-MTA:   <mx.example.net>\n",
        ),
        ("mailmarshal", "neko@example.net", "5.1.1", "550", "userunknown"),
    ),
    "x6": (
        _msg(
            "From: mailer-daemon\nTo: a@example.com\nSubject: There was an error sending your mail",
            "We had trouble delivering your message. Full details follow:\n\n"
            "Subject: 'Hello'\n\n1 error(s):\n\n"
            "The following recipients returned permanent errors: neko@example.org. Reason: "
            "SMTP Server <192.0.2.3> refused to accept your message (DATA), with the following "
            "error message: [554 5.4.6 Hop count exceeded - possible mail loop]\n",
        ),
        ("x6", "neko@example.org", "5.4.6", "554", "networkerror"),
    ),
    "fml": (
        _msg(
            "From: list-admin@example.org\nTo: neko@example.net\n"
            "Subject: You neko@example.net are not member (cats ML)\n"
            "Message-ID: <200504292334.FMLAAAA0.cats@example.org>\n"
            "X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]",
            "You are not a member of this mailing list <cats@example.org>.\n",
        ),
        ("fml", "neko@example.net", "5.0.918", None, "rejected"),
    ),
    "sendgrid": (
        _msg(
            "From: MAILER-DAEMON@mx.example.jp\nTo: a@example.com\n"
            "Return-Path: <apps@sendgrid.net>\nSubject: Undelivered Mail Returned to Sender",
            "This is an automatically generated message from SendGrid.\n\n"
            "neko:0001:<neko@example.jp> : 192.0.2.4 : mx.example.jp:[192.0.2.5] : "
            "550 5.1.1 <neko@example.jp>... User Unknown  in RCPT TO\n",
        ),
        ("sendgrid", "neko@example.jp", "5.1.1", "550", "userunknown"),
    ),
    "amazonworkmail": (
        _msg(
            "From: MAILER-DAEMON@us-west-2.amazonses.com\nTo: a@example.com\n"
            "Subject: Delivery Status Notification (Failure)\nX-Mailer: Amazon WorkMail",
            "An error occurred while trying to deliver the mail to the following recipients:\n"
            "neko@example.jp\n\nTechnical report:\n\n"
            "Reporting-MTA: dsn; a1.smtp-out.us-west-2.amazonses.com\n\nAction: failed\n"
            "Final-Recipient: rfc822; neko@example.jp\nDiagnostic-Code: smtp; 550\n"
            "Status: 5.3.5\n",
        ),
        ("amazonworkmail", "neko@example.jp", "5.3.5", "550", "systemerror"),
    ),
    "wrapped-bounce": (
        _msg(
            'From: "Mail Delivery Subsystem" <MAILER-DAEMON@gw.example.com>\n'
            "To: NotificationRecipients <n@gw.example.com>\nSubject: Returned mail\n"
            "MIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="out"',
            "--out\nContent-Type: text/plain\n\n"
            "   ----- The following addresses had permanent delivery errors -----\n\n"
            "--out\nContent-Type: message/rfc822\n\n" + WRAPPED_INNER + "--out--\n",
        ),
        ("rfc3464", "neko@example.org", "5.1.1", "550", "userunknown"),
    ),
    "provider-cox": (
        _msg(
            "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
            "Subject: Undelivered Mail Returned to Sender",
            "This is the mail system at host mx.example.com.\n\n"
            "<neko@cox.net>: host cxr.mx.a.cloudfilter.net[192.0.2.9] said: 554 5.7.1 "
            "sender rejected AUP#CXCNCT (in reply to MAIL FROM command)\n",
        ),
        ("postfix", "neko@cox.net", "5.7.1", "554", "toomanyconn"),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_format(name: str) -> None:
    data, expected = CASES[name]
    report = parse_bounce(data)
    assert report is not None
    r = report.recipients[0]
    got = (report.source_format, r.final_recipient, r.status, r.reply_code, r.reason)
    assert got == expected


def test_provider_is_recorded() -> None:
    report = parse_bounce(CASES["provider-cox"][0])
    assert report is not None
    assert report.recipients[0].provider == "cox"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("550: 5.2.2 <a@example.jp>... Mailbox Full", "550", id="yahoo-colon"),
        pytest.param("Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1", "550", id="zoho-label"),
        pytest.param("550 5.1.1 user unknown", "550", id="plain"),
        pytest.param("connect to mx.example.net:250: refused", None, id="port-is-not-a-reply"),
        pytest.param("at 12:34:56 retrying", None, id="time"),
    ],
)
def test_reply_code_forms(text: str, code: str | None) -> None:
    from headerlens.bounce._text import find_reply_code

    assert find_reply_code(text) == code


def test_postfix_expanded_from_is_one_recipient() -> None:
    data = _msg(
        "From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
        "Subject: Undelivered Mail Returned to Sender",
        "This is the mail system at host mx.example.com.\n\n"
        "<neko@example.jp> (expanded from\n    <tora@example.co.jp>): delivery temporarily\n"
        "    suspended: connect to mx.example.jp[192.0.2.1]: server refused to talk to me: "
        "421 Service not available, closing transmission channel\n\n--Q1.2/mx.example.com\n"
        "Content-Description: Delivery report\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; neko@example.jp\n"
        "Action: delayed\nStatus: 4.0.0\n",
    )
    report = parse_bounce(data)
    assert report is not None
    got = [(r.final_recipient, r.status, r.reply_code, r.reason) for r in report.recipients]
    assert got == [("neko@example.jp", "4.0.0", "421", "blocked")]


def test_prose_context_completes_dsn_diagnostic() -> None:
    data = (
        b"From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
        b"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.com.\n\n"
        b"<neko@example.net>: host mx.example.net[192.0.2.2] said: 550\n"
        b"    5.7.1 Access denied (in reply to MAIL FROM command)\n\n"
        b"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
        b"Final-Recipient: rfc822; neko@example.net\nAction: failed\nStatus: 5.7.1\n"
        b"Diagnostic-Code: smtp; 550 5.7.1 Access denied\n\n--b--\n"
    )
    report = parse_bounce(data)
    assert report is not None
    r = report.recipients[0]
    assert (r.status, r.reply_code, r.command, r.reason) == ("5.7.1", "550", "MAIL", "rejected")


def test_exchange_internal_status_name() -> None:
    from headerlens.bounce.formats._base import fixed_reason
    from headerlens.bounce.formats.exchange2007 import SENTENCES

    diag = "#550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient ##"
    assert fixed_reason(diag, SENTENCES) == "mesgtoobig"
