"""The indicators an analyst checks by hand (issue #14): one case per finding code, the cases
that must stay quiet, and the look-alike domain machinery."""
# ruff: noqa: E501  (sample messages hold real-length header lines)

from __future__ import annotations

import pytest

import headerlens
from headerlens.findings import Finding
from headerlens.indicators.lookalike import inspect_domain, scripts_of, skeleton

# The receiving side: mx.example.org took the message from the sender's server; everything at
# or above its Received field is the recipient's own (trusted).
TOP = (
    "Return-Path: <{rp}>\n"
    "Delivered-To: bob@example.org\n"
    "Authentication-Results: mx.example.org;{ar}\n"
    "Received: from {rdns} ({rdns} [198.51.100.7]) by mx.example.org (Postfix) with {proto} id 4Ab1; Tue, 3 Mar 2026 10:00:05 +0000\n"
)


def message(
    *fields: str,
    rp: str = "bounce@example.com",
    ar: str = " none",
    rdns: str = "mail.example.com",
    proto: str = "ESMTPS",
    mid: str | None = "<20260303095959.1@mail.example.com>",
    date: str | None = "Tue, 3 Mar 2026 09:59:59 +0000",
    sender_from: str = "Alice <alice@example.com>",
    to: str = "Bob <bob@example.org>",
) -> bytes:
    head = TOP.format(rp=rp, ar=ar, rdns=rdns, proto=proto)
    lines = [head.rstrip("\n")]
    lines.append(f"From: {sender_from}")
    lines.append(f"To: {to}")
    lines.append("Subject: quarterly figures")
    if date is not None:
        lines.append(f"Date: {date}")
    if mid is not None:
        lines.append(f"Message-ID: {mid}")
    lines.extend(fields)
    return ("\n".join(lines) + "\n\nbody\n").encode("utf-8")


def indicators(src: bytes) -> list[Finding]:
    return [f for f in headerlens.analyze(src).findings if f.code.startswith("indicator.")]


def codes(src: bytes) -> list[tuple[str, str]]:
    return sorted((f.code, f.severity) for f in indicators(src))


def one(src: bytes, code: str) -> Finding:
    found = [f for f in indicators(src) if f.code == code]
    assert len(found) == 1, [f.code for f in indicators(src)]
    return found[0]


def index_of(src: bytes, name: str) -> int:
    m = headerlens.parse(src)
    return m.fields(name)[0].index


def test_a_plain_message_has_no_indicator() -> None:
    assert codes(message()) == []


# --- From against Reply-To, Sender, Return-Path ------------------------------------------------


def test_reply_to_other_domain() -> None:
    src = message("Reply-To: Alice <alice.payments@other.example>")
    f = one(src, "indicator.reply_to_domain")
    assert f.severity == "notice"
    assert f.header_indexes == (index_of(src, "From"), index_of(src, "Reply-To"))
    assert f.summary == (
        "Replies go to alice.payments@other.example, not to the From domain example.com. "
        "RFC 5322 section 3.6.2 lets Reply-To name anyone: lists and help desks use it, and so "
        "does a forged sender who wants the answers; it proves nothing alone."
    )


def test_reply_to_same_organization_is_quiet() -> None:
    assert codes(message("Reply-To: <support@help.example.com>")) == []


def test_reply_to_on_list_mail_is_only_information() -> None:
    src = message("Reply-To: <devel@lists.example.net>", "List-Id: <devel.lists.example.net>")
    assert ("indicator.reply_to_domain", "info") in codes(src)


def test_sender_other_domain() -> None:
    f = one(message("Sender: Assistant <pa@agency.example>"), "indicator.sender_domain")
    assert f.severity == "info"
    assert f.detail == "pa@agency.example"


def test_return_path_other_domain() -> None:
    f = one(message(rp="bounces@other.example"), "indicator.return_path_domain")
    assert f.severity == "notice"


def test_return_path_of_a_known_platform_is_only_information() -> None:
    src = message("X-SG-EID: abc", rp="bounces+123@sendgrid.net")
    assert codes(src) == [
        ("indicator.bulk_mail", "info"),
        ("indicator.return_path_domain", "info"),
    ]


def test_null_return_path_is_not_compared() -> None:
    assert codes(message(rp="")) == []


# --- Message-ID and Date ------------------------------------------------------------------------


def test_message_id_unrelated_to_sender_and_path() -> None:
    src = message(mid="<a1b2c3@bulk-tool.example.net>")
    f = one(src, "indicator.message_id_domain")
    assert f.severity == "notice"
    assert f.header_indexes == (index_of(src, "From"), index_of(src, "Message-ID"))
    assert f.detail == "<a1b2c3@bulk-tool.example.net>"


@pytest.mark.parametrize(
    "mid",
    [
        pytest.param("<1@mail.example.com>", id="from-domain"),
        pytest.param("<1@laptop.local>", id="machine-name"),
        pytest.param("<1@[192.0.2.1]>", id="ip-literal"),
        pytest.param("<1@localhost>", id="no-dot"),
        pytest.param("<1@example.org>", id="receiver-added"),
        pytest.param("no-angle-brackets", id="unreadable"),
    ],
)
def test_message_id_related_or_unreadable_is_quiet(mid: str) -> None:
    assert codes(message(mid=mid)) == []


def test_message_id_of_the_same_provider_family_is_related() -> None:
    # Google writes Message-IDs under mail.gmail.com for its Workspace customers.
    src = message(mid="<CAF=1@mail.gmail.com>", rdns="mail-sor-f41.google.com")
    assert codes(src) == []


def test_missing_message_id() -> None:
    f = one(message(mid=None), "indicator.no_message_id")
    assert (f.severity, f.header_indexes) == ("notice", ())


def test_missing_date_builds_on_the_defect() -> None:
    src = message(date=None)
    assert "message.missing_date" in [d.code for d in headerlens.analyze(src).defects]
    assert one(src, "indicator.no_date").severity == "notice"


def test_date_far_from_the_first_hop_is_left_to_the_hop_chain() -> None:
    src = message(date="Tue, 3 Mar 2026 10:30:00 +0000")
    report = headerlens.analyze(src)
    assert [f.code for f in report.findings if f.code.startswith("hops.future")] == [
        "hops.future_date"
    ]
    assert codes(src) == []


# --- look-alike domains -------------------------------------------------------------------------


def test_idn_from_domain_is_information() -> None:
    f = one(message(sender_from="Jörg <j@bücher.example>"), "indicator.idn_domain")
    assert f.severity == "info"
    assert f.summary.startswith(
        "The From domain is internationalized: sent as xn--bcher-kva.example, shown as bücher.example"
    )


def test_mixed_script_from_domain() -> None:
    # "pаypal" with a Cyrillic а.
    src = message(sender_from="PayPal <service@xn--pypal-4ve.example>")
    f = one(src, "indicator.mixed_script_domain")
    assert f.severity == "warning"
    assert "mixes Cyrillic and Latin letters" in f.summary
    assert headerlens.analyze(src).verdict.summary.startswith(
        "From service@xn--pypal-4ve.example (shown as pаypal.example, mixing Cyrillic and Latin"
        " letters), "
    )


def test_whole_script_confusable_from_domain() -> None:
    # "аррӏе" written entirely in Cyrillic.
    f = one(message(sender_from="<id@аррӏе.example>"), "indicator.confusable_domain")
    assert f.severity == "warning"
    assert f.detail == "xn--80ak6aa92e.example"


def test_styled_characters_standing_for_an_ascii_domain() -> None:
    # Mathematical bold letters, which IDNA's mapping turns into plain ASCII.
    src = message(sender_from="<noreply@𝗲𝘅𝗮𝗺𝗽𝗹𝗲.com>")
    f = one(src, "indicator.confusable_domain")
    assert f.detail == "𝗲𝘅𝗮𝗺𝗽𝗹𝗲.com"
    assert "turns into example.com" in f.summary


def test_lookalike_of_the_recipients_domain() -> None:
    src = message(sender_from="CFO <cfo@examp1e.org>", rp="cfo@examp1e.org")
    f = one(src, "indicator.lookalike_domain")
    assert f.severity == "warning"
    assert f.summary.startswith(
        "The From domain examp1e.org looks like the recipient's domain example.org but is a different name"
    )
    assert (
        "a look-alike of the recipient's domain example.org"
        in headerlens.analyze(src).verdict.summary
    )


def test_lookalike_between_from_and_reply_to() -> None:
    src = message("Reply-To: <ceo@rnicrosoft.example>", sender_from="<ceo@microsoft.example>")
    f = one(src, "indicator.lookalike_domain")
    assert f.detail in (
        "rnicrosoft.example ~ microsoft.example",
        "microsoft.example ~ rnicrosoft.example",
    )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param("paypal", "paypa1", True, id="digit-one"),
        pytest.param("google", "g00gle", True, id="digit-zero"),
        pytest.param("microsoft", "rnicrosoft", True, id="rn-m"),
        pytest.param("apple", "аррӏе", False, id="cyrillic-palochka-reads-i"),
        pytest.param("appie", "аррӏе", True, id="cyrillic-whole-script"),
        pytest.param("example", "exampel", False, id="transposition-is-not-a-confusable"),
        pytest.param("bücher", "bucher", False, id="diacritic-kept"),
    ],
)
def test_skeletons(a: str, b: str, same: bool) -> None:
    assert (skeleton(a) == skeleton(b)) is same


def test_inspect_domain() -> None:
    look = inspect_domain("xn--pypal-4ve.example")
    assert (look.unicode, look.idn, look.idna_valid, look.mixed, look.ascii_lookalike) == (
        "pаypal.example",
        True,
        True,
        (("pаypal", ("CYRILLIC", "LATIN")),),
        True,
    )
    assert inspect_domain("例子.test").mixed == ()
    assert inspect_domain("ドメイン名例.jp").mixed == ()  # Han + Katakana is allowed (UTS #39)
    assert scripts_of("ドメイン名例") == frozenset({"HAN", "KATAKANA"})


# --- the recipient's own domain from outside -----------------------------------------------------


def test_own_domain_from_outside_unauthenticated() -> None:
    src = message(sender_from="CEO <ceo@example.org>", rp="ceo@example.org")
    f = one(src, "indicator.own_domain_from_outside")
    assert f.severity == "warning"
    assert f.summary.startswith(
        "The From domain example.org is the recipient's own domain (per the envelope recipient),"
        " yet the message came in from outside, from mail.example.com [198.51.100.7], and nothing"
        " authenticates it."
    )


def test_own_domain_from_outside_failing_dmarc_is_critical() -> None:
    src = message(
        sender_from="CEO <ceo@example.org>",
        rp="ceo@example.org",
        ar=" spf=fail smtp.mailfrom=example.org; dkim=none; dmarc=fail header.from=example.org",
    )
    assert one(src, "indicator.own_domain_from_outside").severity == "critical"


def test_own_domain_authenticated_or_from_a_list_is_quiet() -> None:
    passing = message(
        sender_from="CEO <ceo@example.org>",
        rp="ceo@example.org",
        ar=" spf=pass smtp.mailfrom=example.org; dmarc=pass header.from=example.org",
    )
    assert "indicator.own_domain_from_outside" not in [f.code for f in indicators(passing)]
    listed = message("List-Id: <all.lists.example.net>", sender_from="<ceo@example.org>")
    assert "indicator.own_domain_from_outside" not in [f.code for f in indicators(listed)]


def test_own_domain_submitted_with_authentication_is_quiet() -> None:
    src = message(sender_from="<ceo@example.org>", rp="ceo@example.org", proto="ESMTPSA")
    assert "indicator.own_domain_from_outside" not in [f.code for f in indicators(src)]


# --- generic reverse DNS of the origin -----------------------------------------------------------


@pytest.mark.parametrize(
    ("rdns", "why"),
    [
        pytest.param(
            "adsl-198-51-100-7.dyn.isp.example",
            "the words adsl, dyn and its own IP address spelled out",
            id="words-and-ip",
        ),
        pytest.param(
            "7.100.51.198.customers.isp.example", "its own IP address spelled out", id="reversed-ip"
        ),
        pytest.param("c63364.pool.isp.example", "the word pool", id="pool"),
        pytest.param("host-c6336407.isp.example", "its own IP address spelled out", id="hex-ip"),
    ],
)
def test_generic_rdns(rdns: str, why: str) -> None:
    f = one(message(rdns=rdns), "indicator.dynamic_rdns")
    assert f.severity == "notice"
    assert f.summary.startswith(
        f"The origin {rdns} [198.51.100.7] has a generic reverse-DNS name ({why}),"
    )


@pytest.mark.parametrize(
    "rdns",
    [
        pytest.param("mail.example.com", id="dedicated-name"),
        pytest.param("mail.dsl.example", id="word-in-organizational-domain"),
        pytest.param("smtp-out-7.example.com", id="number-not-ip"),
    ],
)
def test_dedicated_rdns_is_quiet(rdns: str) -> None:
    assert codes(message(rdns=rdns)) == []


def test_generic_rdns_of_an_authenticated_submission_is_quiet() -> None:
    assert codes(message(rdns="dsl-198-51-100-7.isp.example", proto="ESMTPSA")) == []


# --- bulk mail -------------------------------------------------------------------------------------


def test_bulk_platform_claimed_by_headers_only() -> None:
    src = message("X-Mailgun-Sid: WyJhYiJd", "List-Unsubscribe: <mailto:u@example.com>")
    f = one(src, "indicator.bulk_mail")
    assert f.summary == (
        "Sent through a bulk or transactional e-mail platform: Mailgun (X-Mailgun-Sid; claimed"
        " by header fields anyone can add). Bulk-mail fields: List-Unsubscribe. Newsletters,"
        " receipts and list mail look like this (RFC 2369, RFC 8058); the platforms are also"
        " abused, and who used the account is the From or DKIM domain, not the platform."
    )
    assert "Mailgun" not in headerlens.analyze(src).verdict.summary


def test_bulk_platform_verified_by_its_reverse_dns() -> None:
    src = message(
        "X-SES-Outgoing: 2026.03.03-198.51.100.7",
        rdns="a7-1.smtp-out.amazonses.com",
        rp="0100abc@amazonses.com",
    )
    report = headerlens.analyze(src)
    f = one(src, "indicator.bulk_mail")
    assert (
        "Amazon SES (X-SES-Outgoing, Return-Path at amazonses.com, origin a7-1.smtp-out.amazonses.com; verified)"
        in f.summary
    )
    assert report.verdict.summary.startswith("From alice@example.com (sent through Amazon SES), ")


def test_bulk_fields_without_a_platform() -> None:
    src = message(
        "List-Unsubscribe: <https://example.com/u>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    )
    assert one(src, "indicator.bulk_mail").summary.startswith(
        "The message carries bulk-mail header fields: List-Unsubscribe, List-Unsubscribe-Post."
    )


def test_indicators_never_raise_on_junk() -> None:
    junk = [
        b"From: <@>\nReply-To: ,,,\nMessage-ID: <@@>\nSender: <a@[1.2.3.4]>\n\n",
        b"From: a@xn--\nReturn-Path: <b@xn--zz-\xff>\n\n",
        b"From: a@" + b"\xd0\xb0" * 300 + b".example\n\n",
        b"Received: from x (dsl [198.51.100.7]) by y; junk\nFrom: a@.\n\n",
    ]
    for src in junk:
        report = headerlens.analyze(src)
        assert report.verdict.summary
