"""The remaining link findings, on hand-built delivery reports and a plain original."""

from __future__ import annotations

from headerlens.analyze import analyze
from headerlens.bounce import link_original
from headerlens.bounce.models import DeliveryReport, RecipientStatus

ORIGINAL = (
    b"Received: from out.example.net (out.example.net [203.0.113.7]) by mx.example.org"
    b" (Postfix) with ESMTPS id 4AbC; Tue, 3 Mar 2026 10:00:05 +0000\r\n"
    b"From: Alice <alice@example.net>\r\n"
    b"To: bob@example.org\r\n"
    b"Subject: invoice\r\n"
    b"Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n"
    b"Message-ID: <inv-1@example.net>\r\n"
    b"\r\n"
    b"Hello.\r\n"
)


def _codes(*recipients: RecipientStatus) -> list[str]:
    delivery = DeliveryReport(kind="dsn", recipients=recipients)
    return [f.code for f in link_original(delivery, analyze(ORIGINAL))]


def _findings(original: bytes, *recipients: RecipientStatus) -> list[tuple[str, str]]:
    delivery = DeliveryReport(kind="dsn", recipients=recipients)
    return [(f.code, f.summary) for f in link_original(delivery, analyze(original))]


SPF_REJECTED = RecipientStatus(
    final_recipient="bob@example.org",
    action="failed",
    status="5.7.1",
    reason="authfailure",
    diagnostic_code="550 5.7.1 SPF check failed",
)


def test_auth_rejection_of_an_unsigned_original() -> None:
    # The missing signature is stated once, by bounce.original_unsigned.
    assert _findings(ORIGINAL, SPF_REJECTED) == [
        (
            "bounce.auth_rejection",
            "bob@example.org (5.7.1) was rejected for failing sender authentication"
            " (SPF/DKIM); the original's own problems follow as separate findings.",
        ),
        (
            "bounce.original_unsigned",
            "The returned original has no DKIM-Signature; DMARC can then only pass through an"
            " aligned SPF domain.",
        ),
    ]


SIGNED_ALIGNED = (
    b"Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=bounce@mail.example.net;"
    b" dkim=pass header.d=example.net\r\n"
    b"DKIM-Signature: v=1; a=rsa-sha256; d=example.net; s=s1; h=from; bh=AAAA; b=AAAA\r\n"
) + ORIGINAL


def test_auth_rejection_with_everything_aligned_states_it_once() -> None:
    # Nothing is wrong with the original: only the rejection, naming what is in order.
    assert _findings(SIGNED_ALIGNED, SPF_REJECTED) == [
        (
            "bounce.auth_rejection",
            "bob@example.org (5.7.1) was rejected for failing sender authentication"
            " (SPF/DKIM); the original's DKIM d=example.net aligns with its From; its SPF"
            " domain mail.example.net aligns with the From; DMARC as analysed here: pass.",
        ),
    ]


def test_ptr_rejection_names_the_origin() -> None:
    codes = _codes(
        RecipientStatus(
            final_recipient="bob@example.org",
            action="failed",
            status="5.7.25",
            reason="requireptr",
            diagnostic_code="550 5.7.25 The IP address sending this message does not have a PTR",
        )
    )
    assert codes == ["bounce.ptr_rejection"]


def test_recipient_the_original_was_not_addressed_to() -> None:
    codes = _codes(
        RecipientStatus(
            final_recipient="carol@example.org",
            action="failed",
            status="5.1.1",
            reason="userunknown",
        )
    )
    assert codes == ["bounce.recipient_not_in_original"]


def _summaries(*recipients: RecipientStatus) -> list[str]:
    delivery = DeliveryReport(kind="dsn", recipients=recipients)
    return [f.summary for f in link_original(delivery, analyze(ORIGINAL))]


def test_block_and_ptr_summaries_say_who_was_refused_and_why() -> None:
    def rs(reason: str, status: str) -> RecipientStatus:
        return RecipientStatus(
            final_recipient="bob@example.org",
            action="failed",
            status=status,
            reply_code="550",
            reason=reason,
        )

    assert _summaries(rs("blocked", "5.7.1")) == [
        "bob@example.org (550 5.7.1) was rejected: the receiver refused the sending host (a"
        " block list, a dynamic-looking IP or its HELO name); the original left from"
        " 203.0.113.7."
    ]
    assert _summaries(rs("spamdetected", "5.7.1")) == [
        "bob@example.org (550 5.7.1) was rejected: the receiver's filter judged the content to"
        " be spam; the original left from 203.0.113.7."
    ]
    assert _summaries(rs("requireptr", "5.7.25")) == [
        "bob@example.org (550 5.7.25) was rejected because the sending IP has no reverse DNS"
        " (PTR) name; the original left from 203.0.113.7."
    ]


def test_user_unknown_explanation_speaks_to_the_reader() -> None:
    from headerlens.bounce.knowledge import reason_info

    info = reason_info("userunknown")
    assert info is not None
    assert info.description == (
        "The recipient's local part (left of @) does not exist at the destination (x.1.1)."
        " This wording counts only when the RCPT TO command was refused; the same words after"
        " DATA mean a content filter refused it (reason 'filtered')."
    )


def test_bounce_reader_survives_a_broken_base64_encoded_word() -> None:
    from headerlens.bounce import parse_bounce

    raw = (
        b"From: MAILER-DAEMON@example.org\r\n"
        b"Subject: =?UTF-8?B?RWlubGFkdW5nOiBTb21tZXJmZXN0IDIwMjcg4oCTI?=\r\n"
        b"Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\nhello\r\n"
    )
    assert parse_bounce(raw) is None
