"""Numbers in message text are ASCII digits only.

``str.isdigit()`` is also true for superscripts and other Unicode digits, which ``int()``
refuses: every reader that checked with it and then called ``int()`` raised ValueError on
such text (found by a mutation fuzz of ``analyze()``). ``headerlens._text.ascii_digits`` is
the check every area uses now.
"""

from __future__ import annotations

import datetime as dt

import pytest

from headerlens import analyze, parse, parse_authentication_results, parse_received
from headerlens._text import ascii_digits
from headerlens.policy import Policy

SUP3 = "\u00b3"  # SUPERSCRIPT THREE: "³".isdigit() is True, int("³") raises
DATE = "Mon, 1 Jan 2024 00:00:00 +0000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", True), ("0123456789", True), ("", False), (SUP3, False), ("1" + SUP3, False),
     ("\u0663", False), ("\u2460", False), ("12a", False)],
)  # fmt: skip
def test_ascii_digits(text: str, expected: bool) -> None:
    assert ascii_digits(text) is expected


def test_received_port_with_a_superscript_is_no_port() -> None:
    r = parse_received(f"from a.example (a.example [192.0.2.1]:25{SUP3}) by b.example; {DATE}")
    assert (r.from_ip, r.from_port, r.from_rdns) == ("192.0.2.1", None, "a.example")


def test_received_port_keyword_with_a_superscript_is_no_port() -> None:
    r = parse_received(f"from a.example ([192.0.2.1] port=2{SUP3} helo=x) by b.example; {DATE}")
    assert (r.from_ip, r.from_port, r.from_helo) == ("192.0.2.1", None, "x")


def test_tls_bits_read_up_to_the_first_non_ascii_digit() -> None:
    r = parse_received(
        "from a.example (a.example [192.0.2.1]) (using TLSv1.2 with cipher X "
        f"(2{SUP3}/256 bits)) by b.example with ESMTPS; {DATE}"
    )
    assert r.tls is not None
    assert (r.tls.version, r.tls.bits) == ("TLSv1.2", 2)


def test_authentication_results_version_with_a_superscript_is_a_defect() -> None:
    a = parse_authentication_results(f"mx.example.com 1{SUP3}; spf=pass smtp.mailfrom=a.example")
    assert a.version is None
    assert [d.code for d in a.defects] == ["auth.results_bad_version"]


def test_mime_parameter_section_with_a_superscript_is_invalid() -> None:
    m = parse(f"Content-Type: text/plain; name*1{SUP3}=abc\n\nx".encode())
    assert m.mime is not None
    assert [d.code for d in m.mime.defects] == ["mime.invalid_parameter"]


@pytest.mark.parametrize(
    "field",
    [
        f"Received: from a.example (a.example [192.0.2.1]:25{SUP3}) by b.example; {DATE}",
        f"Authentication-Results: mx.example.com; spf/1{SUP3}=pass smtp.mailfrom=a.example",
        f"DKIM-Signature: v=1; a=rsa-sha256; d=a.example; s=s; h=from; bh=AA; b=AA; t=12{SUP3}",
        f"DKIM-Signature: v=1; a=rsa-sha256; d=a.example; s=s; h=from; bh=AA; b=AA; l=1{SUP3}",
        f"Received: from a.example (192.0.2.1) by b.example (192.0.2.2) with Microsoft SMTP"
        f" Server id 15{SUP3}.20.1; {DATE}",
    ],
    ids=["received-port", "ar-method-version", "dkim-t", "dkim-l", "exchange-build"],
)
def test_analyze_reads_superscript_digits_without_raising(field: str) -> None:
    data = f"{field}\nFrom: a@a.example\nDate: {DATE}\n\nbody\n".encode()
    # Before the fix received-port and ar-method-version raised ValueError from int().
    report = analyze(data, policy=Policy(as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    assert report.message.headers[0].value == field.split(": ", 1)[1]
