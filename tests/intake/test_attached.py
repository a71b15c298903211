"""Forwarded as attachment: every sample wrapped the way clients and report buttons wrap it,
and the attached analysis equal to the direct one (Report.attached, Report.reported_by)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import headerlens
from headerlens.policy import Limits, Policy

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
PATHS = sorted(
    p
    for p in SAMPLES.rglob("*")
    if p.suffix in (".eml", ".txt") and p.is_file() and "keys" not in p.parts
)
IDS = [str(p.relative_to(SAMPLES)) for p in PATHS]
NOTE = "Hi helpdesk,\n\nthis looks like phishing to me, can you check it?\n\nAnna\n"


def rfc822_wrapper(inner: bytes) -> bytes:
    """A Gmail/Thunderbird-style "forward as attachment": multipart/mixed, a text note, the
    message as a 7bit message/rfc822 part (RFC 2046 section 5.2.1), LF line ends."""
    b = b"fwd-" + hashlib.sha256(inner).hexdigest()[:12].encode()  # unique when nested
    return (
        b"From: Anna Reporter <anna@example.org>\n"
        b"To: helpdesk@example.org\n"
        b"Subject: Fwd: suspicious\n"
        b"Date: Tue, 3 Mar 2026 11:00:00 +0100\n"
        b"Message-ID: <report-1@example.org>\n"
        b"MIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="' + b + b'"\n'
        b"\n"
        b"--" + b + b"\n"
        b'Content-Type: text/plain; charset="utf-8"\n'
        b"\n" + NOTE.encode() + b"\n"
        b"--" + b + b"\n"
        b"Content-Type: message/rfc822\n"
        b'Content-Disposition: attachment; filename="suspicious.eml"\n'
        b"\n" + inner + b"\n"  # this line break belongs to the boundary (RFC 2046 5.1.1)
        b"--" + b + b"--\n"
    )


def outlook_wrapper(inner: bytes) -> bytes:
    """An Outlook / Exchange report-button shape: CRLF, a multipart/alternative note (plain
    and HTML), the message as a base64 message/rfc822 attachment with a name and a
    creation-date, as Exchange Online's report add-ins send it."""
    b64 = base64.encodebytes(inner).replace(b"\n", b"\r\n")
    html = "<html><body><p>" + NOTE.replace("\n\n", "</p><p>").replace("\n", " ") + "</p>"
    return (
        b"Received: from EXCH01.corp.example.org (2001:db8::25) by EXCH02.corp.example.org"
        b" (2001:db8::26) with Microsoft SMTP Server id 15.2.1544.4; Tue, 3 Mar 2026"
        b" 10:00:05 +0000\r\n"
        b'From: "Reporter, Anna" <anna@example.org>\r\n'
        b"To: Phishing Reports <phish@example.org>\r\n"
        b"Subject: FW: suspicious\r\n"
        b"Thread-Topic: suspicious\r\n"
        b"Date: Tue, 3 Mar 2026 10:00:03 +0000\r\n"
        b"Message-ID: <DB9PR01MB0001.eurprd01.prod.outlook.example@example.org>\r\n"
        b"Content-Language: en-US\r\n"
        b"X-MS-Has-Attach: yes\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed;\r\n\tboundary="_004_DB9PR01MB0001_"\r\n'
        b"\r\n"
        b"--_004_DB9PR01MB0001_\r\n"
        b'Content-Type: multipart/alternative;\r\n\tboundary="_000_DB9PR01MB0001_"\r\n'
        b"\r\n"
        b"--_000_DB9PR01MB0001_\r\n"
        b'Content-Type: text/plain; charset="us-ascii"\r\n'
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"\r\n" + NOTE.replace("\n", "\r\n").encode() + b"\r\n"
        b"--_000_DB9PR01MB0001_\r\n"
        b'Content-Type: text/html; charset="us-ascii"\r\n'
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"\r\n" + html.encode() + b"\r\n"
        b"--_000_DB9PR01MB0001_--\r\n"
        b"\r\n"
        b"--_004_DB9PR01MB0001_\r\n"
        b'Content-Type: message/rfc822; name="suspicious.eml"\r\n'
        b'Content-Disposition: attachment; filename="suspicious.eml"; size=1024;\r\n'
        b'\tcreation-date="Tue, 03 Mar 2026 10:00:02 GMT"\r\n'
        b"Content-Transfer-Encoding: base64\r\n"
        b"\r\n" + b64 + b"\r\n"
        b"--_004_DB9PR01MB0001_--\r\n"
    )


def _json(report: headerlens.Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(report.to_json())
    return data


@pytest.mark.parametrize("wrap", [rfc822_wrapper, outlook_wrapper], ids=["rfc822", "outlook"])
@pytest.mark.parametrize("sample", PATHS, ids=IDS)
def test_attached_equals_direct_analysis(
    sample: Path,
    wrap: Callable[[bytes], bytes],
    policy_for: Callable[[Path], Policy],
) -> None:
    policy = policy_for(sample)
    inner = sample.read_bytes()
    direct = headerlens.analyze(inner, policy=policy)
    outer = headerlens.analyze(wrap(inner), policy=policy)
    assert len(outer.attached) == 1
    # The embedded bytes are the sample's own, so even the offsets agree.
    assert _json(outer.attached[0]) == _json(direct)
    assert outer.original is None
    reporter = outer.reported_by
    assert reporter is not None
    assert reporter.address == "anna@example.org"
    assert reporter.note is not None
    assert reporter.note.startswith("Hi helpdesk,")
    assert "attached.reported_message" in [f.code for f in outer.findings]


def test_reporter_details_from_the_outlook_wrapper(policy_for: Callable[[Path], Policy]) -> None:
    sample = SAMPLES / "gmail-to-microsoft365.eml"
    outer = headerlens.analyze(outlook_wrapper(sample.read_bytes()), policy=policy_for(sample))
    assert outer.reported_by == headerlens.Reporter(
        sender='"Reporter, Anna" <anna@example.org>',
        address="anna@example.org",
        reported_at=dt.datetime(2026, 3, 3, 10, 0, 3, tzinfo=dt.UTC),
        subject="FW: suspicious",
        note=NOTE.strip(),
    )
    # The wrapper's own hop chain is the reporter's, the attached one the message's.
    assert [h.received.by_host for h in outer.hops] == ["EXCH02.corp.example.org"]
    inner = outer.attached[0]
    assert inner.message.get("Subject") == headerlens.parse(sample.read_bytes()).get("Subject")


def test_a_bounce_keeps_its_original_out_of_attached() -> None:
    sample = SAMPLES / "bounce" / "office365-5.7.26-dmarc-with-original.eml"
    report = headerlens.analyze(sample.read_bytes(), policy=Policy(as_of=dt.datetime.now(dt.UTC)))
    assert report.bounce is not None
    assert report.original is not None
    assert report.attached == ()
    assert report.reported_by is None


def test_a_forward_of_a_bounce_attaches_the_bounce_with_its_original() -> None:
    sample = SAMPLES / "bounce" / "office365-5.7.26-dmarc-with-original.eml"
    report = headerlens.analyze(rfc822_wrapper(sample.read_bytes()))
    assert len(report.attached) == 1
    bounce = report.attached[0]
    assert bounce.bounce is not None
    assert bounce.original is not None
    assert bounce.attached == ()


def _several(count: int) -> bytes:
    parts = b"".join(
        b"--multi\n"
        b"Content-Type: message/rfc822\n\n"
        b"From: a" + str(i).encode() + b"@example.com\n"
        b"Subject: message " + str(i).encode() + b"\n"
        b"Date: Tue, 3 Mar 2026 10:00:00 +0000\n\nbody\n\n"
        for i in range(count)
    )
    return (
        b"From: digest@example.org\nSubject: several\nDate: Tue, 3 Mar 2026 11:00:00 +0000\n"
        b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="multi"\n\n'
        + parts
        + b"--multi--\n"
    )


def test_several_attached_messages_are_no_plain_report() -> None:
    report = headerlens.analyze(_several(3))
    assert [r.message.get("Subject") for r in report.attached] == [
        "message 0",
        "message 1",
        "message 2",
    ]
    assert report.reported_by is None
    codes = [f.code for f in report.findings]
    assert "attached.messages" in codes
    assert "attached.reported_message" not in codes


def test_attached_count_is_capped_with_a_defect() -> None:
    policy = Policy(limits=Limits(max_attached=2))
    report = headerlens.analyze(_several(3), policy=policy)
    assert len(report.attached) == 2
    assert [d.code for d in report.defects if d.code.startswith("limits.")] == [
        "limits.attached_count"
    ]


def test_attached_depth_is_capped_with_a_defect() -> None:
    inner = _several(1)
    nested = rfc822_wrapper(rfc822_wrapper(rfc822_wrapper(inner)))
    report = headerlens.analyze(nested, policy=Policy(limits=Limits(max_attached_depth=2)))
    level1 = report.attached[0]
    level2 = level1.attached[0]
    assert level2.attached == ()
    assert "limits.attached_depth" in [d.code for d in level2.defects]


def test_attached_depth_limit_under_strict_raises() -> None:
    nested = rfc822_wrapper(rfc822_wrapper(_several(1)))
    with pytest.raises(headerlens.DefectError):
        headerlens.analyze(nested, policy=Policy(strict=True, limits=Limits(max_attached_depth=1)))


def test_a_message_with_a_large_document_is_no_plain_report() -> None:
    doc = base64.encodebytes(b"%PDF-1.7\n" + b"x" * 4000)
    data = rfc822_wrapper(b"From: a@example.com\nSubject: inner\n\nbody\n")
    boundary = data.split(b'boundary="', 1)[1].split(b'"', 1)[0]
    data = data.replace(
        b"--" + boundary + b"--\n",
        b"--" + boundary + b"\nContent-Type: application/pdf\n"
        b"Content-Transfer-Encoding: base64\n"
        b'Content-Disposition: attachment; filename="invoice.pdf"\n\n'
        + doc
        + b"\n--"
        + boundary
        + b"--\n",
    )
    report = headerlens.analyze(data)
    assert len(report.attached) == 1
    assert report.reported_by is None


def test_an_attached_eml_sent_as_octet_stream_is_analysed() -> None:
    inner = (SAMPLES / "postfix-esmtps-tls13.eml").read_bytes()
    data = rfc822_wrapper(inner).replace(
        b"Content-Type: message/rfc822", b"Content-Type: application/octet-stream"
    )
    report = headerlens.analyze(data)
    assert len(report.attached) == 1
    assert report.attached[0].message.source == inner
    # the same type with a name that is not .eml, or content that is no message, stays a file
    other = data.replace(b'filename="suspicious.eml"', b'filename="suspicious.bin"')
    assert headerlens.analyze(other).attached == ()
