"""Exchange Online appends its verdict headers below the Received block: trust them when
Microsoft's cloud is inside the trusted zone, never their -Untrusted twins, and not when the
receiving organisation is someone else."""

from __future__ import annotations

import headerlens

M365_TOP = (
    b"Received: from BN9PR03CA0712.namprd03.prod.outlook.com (2001:db8:10::5) by"
    b" SA1PR12MB8947.namprd12.prod.outlook.com (2001:db8:10::9) with Microsoft SMTP Server"
    b" (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8158.20;"
    b" Tue, 3 Mar 2026 10:00:03 +0000\r\n"
    b"Received: from mail.example.net (203.0.113.41) by"
    b" BN9PR03CA0712.mail.protection.outlook.com (2001:db8:10::5) with Microsoft SMTP Server"
    b" (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8158.20 via Frontend"
    b" Transport; Tue, 3 Mar 2026 10:00:02 +0000\r\n"
)
POSTFIX_TOP = (
    b"Received: from mail.example.net (mail.example.net [203.0.113.41]) by mx.example.org"
    b" (Postfix) with ESMTPS id 4AbC; Tue, 3 Mar 2026 10:00:02 +0000\r\n"
)
BODY_HEADERS = (
    b"From: alice@example.net\r\nTo: bob@example.org\r\nSubject: s\r\n"
    b"Date: Tue, 3 Mar 2026 10:00:00 +0000\r\nMessage-ID: <m@example.net>\r\n"
)
EOP = b"X-Forefront-Antispam-Report: CIP:203.0.113.41;CTRY:US;SFV:NSPM;SCL:1;DIR:INB;\r\n"
EOP_UNTRUSTED = (
    b"X-Forefront-Antispam-Report-Untrusted: CIP:198.51.100.7;SFV:NSPM;SCL:-1;DIR:OUT;\r\n"
)


def _trust(raw: bytes) -> list[tuple[str, bool]]:
    report = headerlens.analyze(raw + b"\r\nbody\r\n")
    return [(v.vendor, v.trusted) for v in report.spam]


def test_eop_headers_below_the_received_block_are_trusted_inside_microsoft() -> None:
    assert _trust(M365_TOP + BODY_HEADERS + EOP) == [("microsoft", True)]


def test_untrusted_twin_stays_untrusted_inside_microsoft() -> None:
    assert _trust(M365_TOP + BODY_HEADERS + EOP_UNTRUSTED + EOP) == [
        ("microsoft", False),
        ("microsoft", True),
    ]


def test_eop_headers_received_by_another_organisation_are_claims() -> None:
    assert _trust(POSTFIX_TOP + BODY_HEADERS + EOP) == [("microsoft", False)]


def test_trusted_hosts_policy_naming_microsoft_cloud() -> None:
    policy = headerlens.Policy(trusted_hosts=("protection.outlook.com",))
    report = headerlens.analyze(POSTFIX_TOP + BODY_HEADERS + EOP + b"\r\n", policy=policy)
    assert [(v.vendor, v.trusted) for v in report.spam] == [("microsoft", True)]
