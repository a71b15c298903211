"""Fixes from the helpdesk review of the readable reports (issue 7, findings and trust).

Each test pins the exact value a helpdesk user reads: finding summaries, trust, the spam
call and action of a verdict, and explanations.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import headerlens
from headerlens.hops.models import Hop, HopAnalysis, Received, TrustBoundary

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
FF = "X-Forefront-Antispam-Report"


def _spam_findings(report: headerlens.Report) -> list[tuple[str, str]]:
    return [(f.code, f.summary) for f in report.findings if f.code.startswith("spam.")]


def _analyze(raw: bytes) -> headerlens.Report:
    return headerlens.analyze(raw + b"\r\nbody\r\n")


# Exchange Online's Received stamp with the host names rewritten (pasted or anonymised
# headers): the build 15.20 in the id is Exchange Online's.
EXO_ANON_TOP = (
    b"Received: from DM6PR11MB0001.namprd11.prod.example.com (2001:db8:10::1) by"
    b" DM6PR11MB0002.namprd11.prod.example.com with HTTPS; Sat, 28 Nov 2026 10:00:05 +0000\r\n"
    b"Received: from mail.example.net (192.0.2.10) by"
    b" BN1NAM02FT001.mail.protection.example.com (198.51.100.20) with Microsoft SMTP"
    b" Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id"
    b" 15.20.7000.10 via Frontend Transport; Sat, 28 Nov 2026 10:00:04 +0000\r\n"
)
ONPREM_TOP = (
    b"Received: from EXCH02.corp.example.com (2001:db8:10:20::12) by"
    b" EXCH01.corp.example.com (2001:db8:10:20::11) with Microsoft SMTP Server"
    b" (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.14;"
    b" Mon, 9 Nov 2026 10:27:45 +0100\r\n"
)
SENDER = (
    b"Received: from [203.0.113.5] (helo=laptop.example.net) by mail.example.net with esmtpsa"
    b" id 1abcde-000123-AB; Sat, 28 Nov 2026 10:00:02 +0000\r\n"
)
BODY_HEADERS = (
    b"From: alice@example.net\r\nTo: bob@example.org\r\nSubject: s\r\n"
    b"Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m@example.net>\r\n"
)


# --- 1. spam delivered to the Inbox: trust, and the override named -----------------------


def test_eop_sample_spam_delivered_to_inbox() -> None:
    report = headerlens.analyze((SAMPLES / "spam" / "eop-spam-delivered-to-inbox.eml").read_bytes())
    assert [(v.trusted, v.is_spam, v.action) for v in report.spam] == [
        (True, True, "delivered to Inbox")
    ]
    assert _spam_findings(report) == [
        (
            "spam.spam_delivered_to_inbox",
            "Filtered as spam by EOP (SFV:SPM, SCL 9) but delivered to the inbox by a user rule"
            " or junk setting (ucf:1)",
        )
    ]


def test_exchange_online_recognised_by_its_received_stamp() -> None:
    raw = EXO_ANON_TOP + f"{FF}: SCL:9;SFV:SPM;\r\n".encode() + SENDER + BODY_HEADERS
    assert [(v.vendor, v.trusted) for v in _analyze(raw).spam] == [("microsoft", True)]


def test_exchange_server_stamp_alone_does_not_vouch_for_forefront_headers() -> None:
    # On-premises Exchange (build 15.2) does not rename foreign verdicts to -Untrusted.
    raw = ONPREM_TOP + BODY_HEADERS + f"{FF}: SCL:1;SFV:NSPM;\r\n".encode()
    assert [(v.vendor, v.trusted) for v in _analyze(raw).spam] == [("microsoft", False)]


def test_exchange_header_firewall_vouches_for_organization_headers() -> None:
    raw = ONPREM_TOP + BODY_HEADERS + b"X-MS-Exchange-Organization-SCL: 9\r\n"
    assert [(v.vendor, v.trusted, v.score) for v in _analyze(raw).spam] == [
        ("microsoft", True, 9.0)
    ]


@pytest.mark.parametrize(
    ("mailbox", "by"),
    [
        pytest.param(
            "wl:0;ucf:0;jmr:0;auth:1;dest:I;OFR:TrustedSenderList;",
            "the recipient's Safe Senders list (OFR:TrustedSenderList)",
            id="eop-safe-senders-ofr",
        ),
        pytest.param(
            "abwl:0;wl:1;pcwl:0;ucf:0;jmr:0;dest:I;",
            "the recipient's Safe Senders list (wl:1)",
            id="eop-safe-senders-wl",
        ),
        pytest.param(
            "abwl:1;ucf:0;dest:I;",
            "the recipient's address book (abwl:1)",
            id="eop-address-book",
        ),
        pytest.param(
            "ucf:0;dest:I;OFR:CustomRules;",
            "a user's own mailbox rule (OFR:CustomRules)",
            id="eop-inbox-rule",
        ),
        pytest.param(
            "ucf:1;jmr:0;dest:I;", "a user rule or junk setting (ucf:1)", id="eop-user-setting"
        ),
        pytest.param(
            "ucf:0;jmr:0;dest:I;",
            "an override the headers do not name: a user or admin rule or an allow entry",
            id="eop-unnamed",
        ),
    ],
)
def test_spam_delivered_to_inbox_names_the_override(build, run, mailbox: str, by: str) -> None:
    res = run(build(f"X-Microsoft-Antispam-Mailbox-Delivery: {mailbox}", f"{FF}: SCL:9;SFV:SPM;"))
    assert [(f.code, f.summary) for f in res.findings] == [
        (
            "spam.spam_delivered_to_inbox",
            f"Filtered as spam by EOP (SFV:SPM, SCL 9) but delivered to the inbox by {by}",
        )
    ]


def test_transport_rule_scl_minus_one_named(build, run) -> None:
    res = run(
        build(
            "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;dest:I;",
            "X-MS-Exchange-Organization-SCL: -1",
            f"{FF}: SCL:9;SFV:SPM;",
        )
    )
    assert [f.summary for f in res.findings] == [
        "Filtered as spam by EOP (SFV:SPM, SCL 9) but delivered to the inbox by a transport"
        " (mail flow) rule that set SCL -1 (X-MS-Exchange-Organization-SCL)"
    ]


# --- 2. an untrusted header without a verdict raises no notice ----------------------------


def _below_boundary(n_lines: int) -> HopAnalysis:
    """Hops for build(): an untrusted Received at 0 above everything, the trusted one below."""
    return HopAnalysis(
        hops=(
            Hop(index=1, header_index=0, received=Received(raw="from x by y"), trusted=True),
            Hop(index=0, header_index=n_lines + 1, received=Received(raw="from x by y")),
        ),
        trust=TrustBoundary(header_index=0),
    )


UNTRUSTED_RCVD = (
    "Received: from relay.example.net by mx.example.com; Sat, 28 Nov 2026 10:00:00 +0000"
)


def test_gmail_sender_side_headers_raise_no_notice() -> None:
    report = headerlens.analyze((SAMPLES / "gmail-to-microsoft365.eml").read_bytes())
    assert [(v.vendor, v.trusted, v.is_spam) for v in report.spam] == [
        ("microsoft", True, False),
        ("google", False, None),
    ]
    assert _spam_findings(report) == []


@pytest.mark.parametrize(
    ("lines", "summaries"),
    [
        pytest.param(["X-Mimecast-Spam-Score: 0"], [], id="mimecast-score-0"),
        pytest.param(
            ["X-Gm-Message-State: AOJu0Yw", "X-Google-Smtp-Source: AGHT+IF"], [], id="gmail-state"
        ),
        pytest.param(
            ["X-Spam-Status: Yes, score=7.3 required=5.0 tests=BAYES_99"],
            [
                "SpamAssassin verdict (spam) is a claim by an untrusted party (below the trust"
                " boundary)"
            ],
            id="spamassassin-yes",
        ),
        pytest.param(
            ["X-Rspamd-Action: no action"],
            [
                "Rspamd verdict (not spam) is a claim by an untrusted party (below the trust"
                " boundary)"
            ],
            id="rspamd-no-action",
        ),
    ],
)
def test_untrusted_notice_only_for_a_verdict(build, run, lines, summaries) -> None:
    msg = build(UNTRUSTED_RCVD, *lines)
    res = run(msg, hops=_below_boundary(len(lines)))
    assert [v.trusted for v in res.verdicts] == [False]
    assert [f.summary for f in res.findings] == summaries


# --- 3. explanations stand alone ------------------------------------------------------------


def test_google_explanation_says_which_systems_and_what_the_fields_are() -> None:
    report = headerlens.analyze((SAMPLES / "gmail-to-microsoft365.eml").read_bytes())
    assert report.spam[1].explanation == (
        "Claim by an untrusted party (below the trust boundary): anyone upstream could have"
        " written this. Gmail and Google's outgoing SMTP servers handled the message and"
        " stamped it with a DKIM signature Google uses only internally, an encoded message"
        " state and an identifier of the Google server that accepted it for sending"
        " (X-Google-DKIM-Signature, X-Gm-Message-State and X-Google-Smtp-Source). These are"
        " Google's own stamps, opaque and not documented by Google; they carry no spam"
        " verdict, score or action and only show that the message passed through Google."
    )


def test_google_groups_explanation(build, run) -> None:
    res = run(build("X-Google-Group-Id: 123456", "X-Spam-Checked-In-Group: team@example.com"))
    assert res.verdicts[0].explanation == (
        "Google Groups handled the message and stamped it with the Google Group that"
        " distributed it and a note that Google Groups checked it for spam"
        " (X-Google-Group-Id and X-Spam-Checked-In-Group). These are Google's own stamps,"
        " opaque and not documented by Google; they carry no spam verdict, score or action and"
        " only show that the message passed through Google."
    )


def test_generic_explanation_without_a_verdict(build, run) -> None:
    res = run(build("X-MC-Unique: abc123"))
    assert res.verdicts[0].explanation == (
        "Mimecast left header fields on the message but no spam verdict, score or action: they"
        " record that it handled the message, not what it decided."
    )


# --- 4 and 5. a bypass or allow list is "not evaluated", never "not spam" --------------------

INTERNAL = (
    "Microsoft spam filtering was bypassed because of internal mail: Exchange authenticated"
    " the sender as Internal (SCL -1, AuthAs)"
)


def test_exchange_onprem_scl_minus_one_is_not_evaluated() -> None:
    from headerlens.integrations.rows import summary_row

    report = headerlens.analyze((SAMPLES / "exchange-onprem-internal.eml").read_bytes())
    assert [(v.trusted, v.score, v.is_spam, v.action) for v in report.spam] == [
        (True, -1.0, None, "filtering bypassed"),
        (False, None, None, None),
    ]
    assert report.spam[0].explanation == (
        "The spam confidence level is -1; spam filtering was bypassed because of internal"
        " mail: Exchange authenticated the sender as Internal (SCL -1, AuthAs), so no spam"
        " verdict was made. 1 token(s) are not in our knowledge base and are shown as unknown."
    )
    assert [(f.severity, f.code, f.summary) for f in report.findings if f.code[:5] == "spam."] == [
        ("info", "spam.filtering_skipped", INTERNAL)
    ]
    assert summary_row("x", report)["spam"] == "microsoft:bypassed microsoft:?"


@pytest.mark.parametrize(
    ("lines", "verdict", "findings"),
    [
        pytest.param(
            [f"{FF}: SCL:-1;SFV:SKA;IPV:CAL;"],
            (None, "filtering bypassed"),
            [
                (
                    "notice",
                    "Microsoft spam filtering was bypassed because of an allowed sender or domain"
                    " in the anti-spam policy (SFV:SKA)",
                )
            ],
            id="eop-ska",
        ),
        pytest.param(
            [
                "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;dest:I;",
                f"{FF}: SCL:-1;SFV:SKN;DIR:INB;",
            ],
            (None, "filtering bypassed; delivered to Inbox"),
            [
                (
                    "notice",
                    "Microsoft spam filtering was bypassed because of a mail flow rule or similar"
                    " that marked it not spam first (SFV:SKN)",
                )
            ],
            id="eop-skn-transport-rule",
        ),
        pytest.param(
            [f"{FF}: SCL:-1;SFV:SFE;"],
            (None, "filtering bypassed"),
            [
                (
                    "notice",
                    "Microsoft spam filtering was bypassed because of the recipient's Safe"
                    " Senders list (SFV:SFE)",
                )
            ],
            id="eop-safe-sender",
        ),
        pytest.param(
            [f"{FF}: SCL:-1;SFV:SKI;"],
            (None, "filtering bypassed"),
            [
                (
                    "info",
                    "Microsoft spam filtering was bypassed because of intra-organisation mail"
                    " (SFV:SKI)",
                )
            ],
            id="eop-intra-org",
        ),
        pytest.param(
            [f"{FF}: CIP:192.0.2.1;SCL:-1;IPV:CAL;"],
            (None, "filtering bypassed"),
            [
                (
                    "notice",
                    "Microsoft spam filtering was bypassed because of the connection filter's IP"
                    " allow list (IPV:CAL)",
                )
            ],
            id="eop-ip-allow-list",
        ),
        pytest.param(
            ["X-MS-Exchange-Organization-SCL: -1"],
            (None, "filtering bypassed"),
            [
                (
                    "notice",
                    "Microsoft spam filtering was bypassed because of internal mail, a transport"
                    " rule or an allow entry (SCL -1)",
                )
            ],
            id="exchange-scl-minus-one",
        ),
        pytest.param([f"{FF}: SCL:1;SFV:NSPM;"], (False, None), [], id="eop-nspm-still-not-spam"),
        pytest.param(
            ["X-Proofpoint-Spam-Details: rule=safe policy=default score=0 spamscore=0"],
            (None, "filtering bypassed; rule=safe"),
            [
                (
                    "notice",
                    "Proofpoint Email Protection filtering was bypassed because of Proofpoint"
                    " rule=safe",
                )
            ],
            id="proofpoint-safe",
        ),
        pytest.param(
            ["X-SpamExperts-Class: whitelisted"],
            (None, "filtering bypassed"),
            [
                (
                    "notice",
                    "SpamExperts / N-able Mail Assure filtering was bypassed because of"
                    " SpamExperts class whitelisted",
                )
            ],
            id="spamexperts-whitelisted",
        ),
        pytest.param(
            ["X-Proofpoint-Spam-Details: rule=notspam policy=default score=0 spamscore=0"],
            (False, "rule=notspam"),
            [],
            id="proofpoint-notspam-still-not-spam",
        ),
    ],
)
def test_bypass_is_not_evaluated(build, run, lines, verdict, findings) -> None:
    res = run(build(*lines))
    assert [(v.is_spam, v.action) for v in res.verdicts] == [verdict]
    assert [(f.severity, f.summary) for f in res.findings] == findings
