"""analyze_hops: order, delays, trust boundary, origin, continuity and forgery findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from headerlens.defects import FINDING_CODES
from headerlens.errors import DefectError
from headerlens.hops import analyze_hops
from headerlens.hops.chain import authserv_id
from headerlens.message import Message
from headerlens.policy import Limits, Policy

Build = Callable[..., Message]
T = dt.UTC

POSTFIX_AMAVIS = (
    "Received: from localhost (localhost [127.0.0.1]) by mx.example.org (Postfix) with ESMTP"
    " id B; Tue, 3 Mar 2026 10:00:05 +0000",
    "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.net",
    "Received: from mx.example.org ([127.0.0.1]) by localhost (amavisd-new, port 10024) with"
    " ESMTP id C; Tue, 3 Mar 2026 10:00:04 +0000",
    "Received: from mail.example.net (mail.example.net [203.0.113.5]) by mx.example.org"
    " (Postfix) with ESMTPS id A; Tue, 3 Mar 2026 10:00:02 +0000",
    "Received: from [192.168.1.10] (dyn.example.net [198.51.100.9]) by mail.example.net"
    " (Postfix) with ESMTPSA id Z; Tue, 3 Mar 2026 09:59:00 +0000",
    "Date: Tue, 3 Mar 2026 09:58:58 +0000",
    "From: a@example.net",
)


def test_postfix_amavis_chain_whole(make_message: Build) -> None:
    a = analyze_hops(make_message(*POSTFIX_AMAVIS), Policy())
    rows = [
        (h.index, h.header_index, h.delay, h.delay_note, h.trusted, h.internal, h.border)
        for h in a.hops
    ]
    s = dt.timedelta(seconds=1)
    assert rows == [
        (0, 4, None, "first hop", False, False, False),
        (1, 3, 62 * s, None, True, False, True),
        (2, 2, 2 * s, None, True, True, False),
        (3, 0, 1 * s, None, True, True, False),
    ]
    assert [h.share for h in a.hops] == [None, 62 / 65, 2 / 65, 1 / 65]
    assert a.transit == 65 * s
    assert a.origin_ip == "203.0.113.5"
    assert a.receipt_time == dt.datetime(2026, 3, 3, 10, 0, 2, tzinfo=T)
    assert a.trust.header_index == 3
    assert a.trust.inferred is True
    assert a.trust.trusted_authserv_ids == ("mx.example.org",)
    assert a.trust.trusted_hosts == ("example.org", "mx.example.org")
    assert [(f.code, f.header_indexes) for f in a.findings] == [
        ("hops.trust_inferred", (0, 2, 3)),
    ]
    assert [(e.source, e.header_index) for e in a.timeline] == [
        ("Date", 5),
        ("Received", 4),
        ("Received", 3),
        ("Received", 2),
        ("Received", 0),
    ]
    assert a.defects == ()


def test_configured_trust(make_message: Build) -> None:
    policy = Policy(trusted_hosts=("mx.example.org", "127.0.0.0/8"))
    a = analyze_hops(make_message(*POSTFIX_AMAVIS), policy)
    assert a.trust.inferred is False
    assert a.trust.rule.startswith("configured")
    assert a.trust.header_index == 3
    assert a.origin_ip == "203.0.113.5"
    assert "hops.trust_inferred" not in [f.code for f in a.findings]


def test_trusting_the_sender_too_moves_the_boundary_down(make_message: Build) -> None:
    policy = Policy(trusted_hosts=("example.org", "mail.example.net"))
    a = analyze_hops(make_message(*POSTFIX_AMAVIS), policy)
    assert a.trust.header_index == 4
    assert a.origin_ip == "198.51.100.9"
    assert a.receipt_time == dt.datetime(2026, 3, 3, 9, 59, tzinfo=T)


def test_missing_date_is_never_a_zero_delay(make_message: Build) -> None:
    a = analyze_hops(
        make_message(
            "Received: from b.example.net ([198.51.100.2]) by c.example.org; "
            "Tue, 3 Mar 2026 10:00:09 +0000",
            "Received: from a.example.net ([198.51.100.1]) by b.example.net",
            "Received: from x ([192.0.2.1]) by a.example.net; Tue, 3 Mar 2026 10:00:00 +0000",
        ),
        Policy(),
    )
    assert [(h.delay, h.delay_note) for h in a.hops] == [
        (None, "first hop"),
        (None, "no date in this Received field"),
        (dt.timedelta(seconds=9), "measured from hop 0 (hops in between have no date)"),
    ]
    assert "hops.missing_date" in [f.code for f in a.findings]


def test_x_received_goes_on_the_timeline_not_the_hops(make_message: Build) -> None:
    a = analyze_hops(
        make_message(
            "X-Received: by 2002:a17:906:1234::1 with SMTP id x1; Tue, 03 Mar 2026 02:00:02 -0800",
            "Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])"
            " by mx.google.com with SMTPS id a1 (Google Transport Security);"
            " Tue, 03 Mar 2026 02:00:01 -0800 (PST)",
            "X-Received: by 2002:a05:6214::2 with SMTP id y2; Tue, 03 Mar 2026 01:58:00 -0800",
            "Received: by mail-sor-f41.google.com with SMTP id b2; Tue, 03 Mar 2026 02:00:00 -0800",
        ),
        Policy(),
    )
    assert [h.header_index for h in a.hops] == [3, 1]
    assert [r.header_name for r in a.x_received] == ["X-Received", "X-Received"]
    assert [(e.source, e.header_index) for e in a.timeline] == [
        ("X-Received", 2),
        ("Received", 3),
        ("Received", 1),
        ("X-Received", 0),
    ]
    assert [(c.host, c.behind) for c in a.clock_skew] == [
        ("2002:a05:6214::2", dt.timedelta(minutes=2))
    ]


TIMELINE_FIELDS = (
    "Received: from a.example.net ([198.51.100.1]) by mx.example.org; "
    "Tue, 3 Mar 2026 10:00:00 +0000",
    "X-MS-Exchange-CrossTenant-OriginalArrivalTime: 03 Mar 2026 09:59:58.1234 (UTC)",
    "X-OriginalArrivalTime: 03 Mar 2026 09:59:57.0218 (UTC) FILETIME=[2A9F3B70:01D4]",
    "Delivery-date: Tue, 03 Mar 2026 10:00:01 +0000",
    "X-Barracuda-Start-Time: 1772531995",
    "ARC-Seal: i=1; a=rsa-sha256; t=1772531994; cv=none; d=example.net; s=s1; b=abc",
    "DKIM-Signature: v=1; a=rsa-sha256; d=example.net; s=s1; t=1772531993; x=1773136793;"
    " h=from; bh=x; b=y",
    "Resent-Date: Tue, 3 Mar 2026 09:59:52 +0000",
    "Date: Tue, 3 Mar 2026 09:59:50 +0000",
)


def test_timeline_sources(make_message: Build) -> None:
    a = analyze_hops(make_message(*TIMELINE_FIELDS), Policy())
    got = [(e.timestamp.isoformat(), e.source, e.header_index, e.host) for e in a.timeline]
    assert got == [
        ("2026-03-03T09:59:50+00:00", "Date", 8, None),
        ("2026-03-03T09:59:52+00:00", "Resent-Date", 7, None),
        ("2026-03-03T09:59:53+00:00", "DKIM-Signature t=", 6, "example.net"),
        ("2026-03-03T09:59:54+00:00", "ARC-Seal t=", 5, "example.net"),
        ("2026-03-03T09:59:55+00:00", "X-Barracuda-Start-Time", 4, None),
        ("2026-03-03T09:59:57.021800+00:00", "X-OriginalArrivalTime", 2, None),
        (
            "2026-03-03T09:59:58.123400+00:00",
            "X-MS-Exchange-CrossTenant-OriginalArrivalTime",
            1,
            None,
        ),
        ("2026-03-03T10:00:00+00:00", "Received", 0, "mx.example.org"),
        ("2026-03-03T10:00:01+00:00", "Delivery-date", 3, None),
        ("2026-03-10T09:59:53+00:00", "DKIM-Signature x=", 6, "example.net"),
    ]


BORDER = (
    "Received: from relay.example.net (relay.example.net [203.0.113.7]) by mx.example.org"
    " (Postfix) with ESMTPS id A; Tue, 3 Mar 2026 10:00:10 +0000"
)

# id, header lines, expected finding codes (in order)
FINDING_CASES: list[tuple[str, tuple[str, ...], list[str]]] = [
    ("no-received", ("From: a@example.net",), ["hops.no_received"]),
    (
        "negative-delay-clock-skew",
        (
            BORDER,
            "Received: from a.example.net ([198.51.100.1]) by relay.example.net with ESMTP id R;"
            " Tue, 3 Mar 2026 10:05:10 +0000",
        ),
        ["hops.trust_inferred", "hops.negative_delay", "hops.clock_skew"],
    ),
    (
        "out-of-order-and-long-delay",
        (
            BORDER,
            "Received: from b.example.net ([198.51.100.2]) by relay.example.net with ESMTP id R;"
            " Tue, 3 Mar 2026 12:00:00 +0000",
            "Received: from a.example.net ([198.51.100.1]) by b.example.net with ESMTP id Q;"
            " Tue, 3 Mar 2026 09:00:00 +0000",
        ),
        [
            "hops.trust_inferred",
            "hops.largest_delay",
            "hops.long_delay",
            "hops.negative_delay",
            "hops.clock_skew",
            "hops.out_of_order",
        ],
    ),
    (
        "fetchmail-mailbox-wait-is-not-a-long-delay",
        (
            "Received: from mx.example.org [203.0.113.9] by localhost with POP3"
            " (fetchmail-6.2.5) for <alice@localhost> (single-drop);"
            " Tue, 3 Mar 2026 14:00:10 +0000 (UTC)",
            BORDER,
        ),
        ["hops.trust_inferred", "hops.largest_delay", "hops.mailbox_wait"],
    ),
    (
        "gap-between-by-and-from",
        (
            BORDER,
            "Received: from a.example.net ([198.51.100.1]) by other.example.com with ESMTP id R;"
            " Tue, 3 Mar 2026 10:00:00 +0000",
        ),
        ["hops.trust_inferred", "hops.gap"],
    ),
    (
        "private-ip-untrusted",
        (
            BORDER,
            "Received: from pc.example.net ([10.1.2.3]) by relay.example.net with ESMTP id R;"
            " Tue, 3 Mar 2026 10:00:00 +0000",
        ),
        ["hops.trust_inferred", "hops.private_ip_untrusted"],
    ),
    (
        "forged-trusted-host-and-helo-impersonation",
        (
            "Received: from mx.example.org (unknown [203.0.113.200]) by mx.example.org (Postfix)"
            " with ESMTP id A; Tue, 3 Mar 2026 10:00:10 +0000",
            "Received: from bank.example ([198.51.100.1]) by mx.example.org (Postfix) with ESMTP"
            " id F; Tue, 3 Mar 2026 10:00:00 +0000",
        ),
        [
            "hops.trust_inferred",
            "hops.forged_trusted_host",
            "hops.helo_impersonation",
        ],
    ),
    (
        "future-date",
        (BORDER, "Date: Tue, 3 Mar 2026 11:00:00 +0000"),
        ["hops.trust_inferred", "hops.future_date"],
    ),
    (
        "old-date",
        (BORDER, "Date: Tue, 3 Feb 2026 10:00:00 +0000"),
        ["hops.trust_inferred", "hops.old_date"],
    ),
    (
        "submission-delay",
        (BORDER, "Date: Tue, 3 Mar 2026 09:00:00 +0000"),
        ["hops.trust_inferred", "hops.submission_delay"],
    ),
    (
        "duplicate-date",
        (BORDER, "Date: Tue, 3 Mar 2026 10:00:00 +0000", "Date: Tue, 3 Mar 2026 10:00:01 +0000"),
        ["hops.trust_inferred", "hops.duplicate_singleton"],
    ),
    (
        "missing-date",
        (BORDER, "Received: from a.example.net ([198.51.100.1]) by relay.example.net"),
        ["hops.trust_inferred", "hops.missing_date"],
    ),
    (
        "gateway-trusted",
        (
            "Received: from mx0a-00273201.pphosted.com (mx0a-00273201.pphosted.com"
            " [198.51.100.61]) by mx.example.org (Postfix) with ESMTPS id A;"
            " Tue, 3 Mar 2026 10:00:10 +0000",
            "Received: from mail.example.net (mail.example.net [203.0.113.9]) by"
            " mx0a-00273201.pphosted.com with ESMTPS id P; Tue, 3 Mar 2026 10:00:05 +0000",
        ),
        ["hops.trust_inferred", "hops.gateway_trusted"],
    ),
    (
        "gateway-gap",
        (
            "Received: from mx0a-00273201.pphosted.com (mx0a-00273201.pphosted.com"
            " [198.51.100.61]) by mx.example.org (Postfix) with ESMTPS id A;"
            " Tue, 3 Mar 2026 10:00:10 +0000",
            "Received: from mail.example.net (mail.example.net [203.0.113.9]) by"
            " relay.example.net with ESMTPS id P; Tue, 3 Mar 2026 10:00:05 +0000",
        ),
        ["hops.trust_inferred", "hops.gap", "hops.gateway_gap"],
    ),
    (
        "gateway-unconnected",
        (
            "Received: from mail.example.net (unknown [203.0.113.66]) by mx.example.org"
            " (Postfix) with ESMTP id A; Tue, 3 Mar 2026 10:00:10 +0000",
            "Received: from mail.example.net (mail.example.net [203.0.113.9]) by"
            " mx0b-00273201.pphosted.com with ESMTPS id P; Tue, 3 Mar 2026 10:00:05 +0000",
        ),
        ["hops.trust_inferred", "hops.gap", "hops.gateway_unconnected"],
    ),
]


@pytest.mark.parametrize(
    ("lines", "codes"), [c[1:] for c in FINDING_CASES], ids=[c[0] for c in FINDING_CASES]
)
def test_findings(make_message: Build, lines: tuple[str, ...], codes: list[str]) -> None:
    a = analyze_hops(make_message(*lines), Policy())
    assert [f.code for f in a.findings] == codes
    for f in a.findings:
        assert f.header_indexes or f.code == "hops.no_received"


def test_every_hops_finding_is_exercised() -> None:
    produced = {code for case in FINDING_CASES for code in case[2]}
    declared = {c for c in FINDING_CODES if c.startswith("hops.")}
    assert declared <= produced


def test_gap_cites_both_fields(make_message: Build) -> None:
    lines = next(c[1] for c in FINDING_CASES if c[0] == "gap-between-by-and-from")
    a = analyze_hops(make_message(*lines), Policy())
    gap = next(f for f in a.findings if f.code == "hops.gap")
    assert gap.header_indexes == (0, 1)


def test_microsoft_internal_hops_stay_trusted(make_message: Build) -> None:
    a = analyze_hops(
        make_message(
            "Received: from SA1PR12MB8947.namprd12.prod.outlook.com (2603:10b6:806:386::13) by"
            " DS0PR12MB6583.namprd12.prod.outlook.com with HTTPS; Tue, 3 Mar 2026 10:00:03 +0000",
            "Received: from BN9PR03CA0712.namprd03.prod.outlook.com (2603:10b6:408:ef::27) by"
            " SA1PR12MB8947.namprd12.prod.outlook.com (2603:10b6:806:386::13) with Microsoft SMTP"
            " Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id"
            " 15.20.7611.9; Tue, 3 Mar 2026 10:00:02 +0000",
            "Received: from BN2PEPF000044A9.namprd04.prod.outlook.com (2603:10b6:408:ef:cafe::5c)"
            " by BN9PR03CA0712.outlook.office365.com (2603:10b6:408:ef::27) with Microsoft SMTP"
            " Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id"
            " 15.20.7611.9 via Frontend Transport; Tue, 3 Mar 2026 10:00:01 +0000",
            "Received: from mail-sor-f41.google.com (209.85.220.41) by"
            " BN2PEPF000044A9.mail.protection.outlook.com (10.167.243.154) with Microsoft SMTP"
            " Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.7611.9 via Frontend"
            " Transport; Tue, 3 Mar 2026 10:00:00 +0000",
        ),
        Policy(),
    )
    assert a.trust.header_index == 3
    assert a.origin_ip == "209.85.220.41"
    assert [h.trusted for h in a.hops] == [True, True, True, True]
    assert [h.border for h in a.hops] == [True, False, False, False]


def test_fetchmail_hands_trust_to_the_mailbox_server(make_message: Build) -> None:
    a = analyze_hops(
        make_message(
            "Received: from localhost [127.0.0.1] by pc.example.org with IMAP (fetchmail-6.4)"
            " for <u@example.org> (single-drop); Tue, 3 Mar 2026 10:01:00 +0000",
            "Received: from out.example.net (out.example.net [203.0.113.9]) by"
            " imap.mailbox.example.com (Postfix) with ESMTPS id X; Tue, 3 Mar 2026 10:00:00 +0000",
        ),
        Policy(),
    )
    assert a.trust.header_index == 1
    assert a.origin_ip == "203.0.113.9"


def test_too_many_received_is_a_defect(make_message: Build) -> None:
    lines = [BORDER] * 4
    a = analyze_hops(make_message(*lines), Policy(limits=Limits(max_received=2)))
    assert len(a.hops) == 2
    assert [(d.code, d.header_index) for d in a.defects] == [
        ("hops.too_many", 2),
        ("hops.too_many", 3),
    ]


def test_received_defects_carry_their_header_index(make_message: Build) -> None:
    a = analyze_hops(
        make_message(BORDER, "Received: from a ([192.0.2.1]) by b; bad date"), Policy()
    )
    assert [(d.code, d.header_index) for d in a.hops[0].received.defects] == [
        ("received.invalid_date", 1)
    ]
    assert [(d.code, d.header_index) for d in a.hops[0].received.date.defects] == [  # type: ignore[union-attr]
        ("date.invalid", 1)
    ]
    assert [d.code for d in a.defects] == ["received.invalid_date", "date.invalid"]


def test_strict_policy_raises_on_a_received_defect(make_message: Build) -> None:
    with pytest.raises(DefectError):
        analyze_hops(make_message(BORDER, "Received: from a by b; bad date"), Policy(strict=True))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mx.example.org; spf=pass", "mx.example.org"),
        ("mx.example.org 1; spf=pass", "mx.example.org"),
        ("(comment; here) MX.Example.Org.;\r\n dkim=pass", "mx.example.org"),
        ("spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.net", None),
        ("", None),
    ],
    ids=["plain", "version", "comment-case-dot", "microsoft-no-authserv-id", "empty"],
)
def test_authserv_id(value: str, expected: str | None) -> None:
    assert authserv_id(value) == expected


def _relay(sender: str, by: str, when: str) -> str:
    return (
        f"Received: from {sender} ([198.51.100.1]) by {by} with ESMTP id X;"
        f" Tue, 3 Mar 2026 {when} +0000"
    )


def test_largest_delay_needs_a_notable_dominant_delay(make_message: Build) -> None:
    even = (
        _relay("c.example.net", "mx.example.org", "10:03:00"),
        _relay("b.example.net", "c.example.net", "10:02:00"),
        _relay("a.example.net", "b.example.net", "10:01:00"),
        _relay("pc.example.net", "a.example.net", "10:00:00"),
    )
    assert "hops.largest_delay" not in [
        f.code for f in analyze_hops(make_message(*even), Policy()).findings
    ]
    dominant = (
        _relay("c.example.net", "mx.example.org", "10:20:00"),
        _relay("b.example.net", "c.example.net", "10:01:00"),
        _relay("pc.example.net", "b.example.net", "10:00:00"),
    )
    found = [
        (f.code, f.summary)
        for f in analyze_hops(make_message(*dominant), Policy()).findings
        if f.code == "hops.largest_delay"
    ]
    assert found == [
        ("hops.largest_delay", "Hop 2 (by mx.example.org) holds 95% of the delay (19.0 min).")
    ]


def test_transit_from_a_forged_future_bottom_hop_is_not_negative(make_message: Build) -> None:
    forged = (
        _relay("relay.example.net", "mx.example.org", "10:00:10"),
        _relay("pc.example.net", "relay.example.net", "21:00:00"),
        "Date: Tue, 3 Mar 2026 09:59:00 +0000",
    )
    a = analyze_hops(make_message(*forged), Policy())
    assert (a.transit, a.transit_note) == (
        None,
        "the hop timestamps contradict each other (see the negative delays)",
    )
    assert "hops.submission_delay" not in [f.code for f in a.findings]


def test_transit_skips_contradicted_bottom_hops(make_message: Build) -> None:
    lines = (
        _relay("b.example.net", "mx.example.org", "10:02:00"),
        _relay("a.example.net", "b.example.net", "10:01:00"),
        _relay("pc.example.net", "a.example.net", "23:00:00"),
    )
    a = analyze_hops(make_message(*lines), Policy())
    assert (a.transit, a.transit_note) == (
        dt.timedelta(minutes=1),
        "measured from hop 1: older hops are stamped later than newer ones (clock skew or"
        " forged fields)",
    )


def test_no_clock_skew_of_a_host_with_itself(make_message: Build) -> None:
    lines = (
        _relay("relay.example.net", "relay.example.net", "10:00:00"),
        _relay("pc.example.net", "relay.example.net", "10:10:00"),
    )
    a = analyze_hops(make_message(*lines), Policy())
    assert a.clock_skew == ()
    assert "hops.negative_delay" in [f.code for f in a.findings]


@pytest.mark.parametrize(
    ("minutes", "severity"),
    [(3, "info"), (30, "notice"), (90, "warning")],
    ids=["drift-under-5-min", "skew-under-an-hour", "over-an-hour"],
)
def test_negative_delay_severity_grows_with_the_skew(
    make_message: Build, minutes: int, severity: str
) -> None:
    stamp = (dt.datetime(2026, 3, 3, 10, 0, 10) + dt.timedelta(minutes=minutes)).strftime(
        "%H:%M:%S"
    )
    older = (
        "Received: from a.example.net ([198.51.100.1]) by relay.example.net with ESMTP id R;"
        f" Tue, 3 Mar 2026 {stamp} +0000"
    )
    a = analyze_hops(make_message(BORDER, older), Policy())
    assert [(f.code, f.severity) for f in a.findings if f.code == "hops.negative_delay"] == [
        ("hops.negative_delay", severity)
    ]


@pytest.mark.parametrize(
    ("upper_from", "lower_by", "gap"),
    [
        # Microsoft names a front-end machine by its public and its internal name
        # (15 notices in phishing-pot-dev, all of this shape)
        (
            "GVX0EPF000013E6.SWEP280.PROD.OUTLOOK.COM",
            "GVX0EPF000013E6.outlook.office365.com",
            False,
        ),
        ("bosauthsmtp16.yourhostingaccount.com", "bosauthsmtp16.eigbox.net", False),
        # a short or digit-free first label names no machine: still a gap
        ("mail.example.net", "mail.example.org", True),
        ("mailserver.example.net", "mailserver.example.org", True),
    ],
)
def test_same_machine_under_two_names_is_no_gap(
    make_message: Build, upper_from: str, lower_by: str, gap: bool
) -> None:
    a = analyze_hops(
        make_message(
            f"Received: from {upper_from} (2603:10a6:144:1::1c) by mx.example.com"
            " (2603:10b6:510:25::7) with ESMTPS id 2; Tue, 3 Mar 2026 10:00:02 +0000",
            "Received: from out.example.org (198.51.100.7) by"
            f" {lower_by} (2603:1026:900:2::3) with ESMTPS id 1; Tue, 3 Mar 2026 10:00:01 +0000",
        ),
        Policy(),
    )
    assert ("hops.gap" in [f.code for f in a.findings]) is gap
