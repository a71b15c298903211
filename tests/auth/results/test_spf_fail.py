"""auth.spf_fail: the receiver's own SPF fail/softfail as a finding (RFC 7208 8.4, 8.5)."""
# ruff: noqa: E501  (sample messages hold real-length header lines)

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens import analyze
from headerlens.auth.analysis import analyze_auth
from headerlens.auth.models import ArcResult, AuthAnalysis
from headerlens.hops.models import HopAnalysis
from headerlens.parse import parse
from headerlens.policy import Policy
from headerlens.resolvers import OfflineResolver

SAMPLES = Path(__file__).resolve().parents[3] / "samples"

FAIL_DETAIL = (
    "RFC 7208 section 8.4: fail is an explicit statement that the client is not"
    " authorized to use the domain in this identity; receivers may reject the message."
)
SOFTFAIL_DETAIL = (
    "RFC 7208 section 8.5: softfail is a weak statement that the host is probably not"
    " authorized, from a domain that has not published a stricter policy; receivers"
    " usually accept the message but treat it with more suspicion."
)


def run(src: bytes) -> AuthAnalysis:
    return analyze_auth(
        parse(src),
        Policy(),
        hops=HopAnalysis(),
        dkim=(),
        arc=ArcResult(),
        resolver=OfflineResolver(),
    )


def spf_findings(a: AuthAnalysis) -> list[tuple[str, str, tuple[int, ...], str | None]]:
    return [
        (f.severity, f.summary, f.header_indexes, f.detail)
        for f in a.findings
        if f.code == "auth.spf_fail"
    ]


GMAIL_FAIL = b"""\
Authentication-Results: mx.google.com;
       spf=fail (google.com: domain of bounce@example.com does not designate 198.51.100.9 as permitted sender) smtp.mailfrom=bounce@example.com
Received-SPF: fail (google.com: domain of bounce@example.com does not designate 198.51.100.9 as permitted sender) client-ip=198.51.100.9;
Received: from evil.example (evil.example [198.51.100.9]) by mx.google.com; Tue, 1 Oct 2024 10:00:00 +0000
From: a@example.com

x
"""

CLIENT_IP_PROPERTY = b"""\
Authentication-Results: mx.example.org; spf=softfail smtp.mailfrom=<a@Example.COM> smtp.client-ip=2001:db8::25
Received: from x (x [2001:db8::25]) by mx.example.org; Tue, 1 Oct 2024 10:00:00 +0000
From: a@example.com

x
"""

HELO_ONLY = b"""\
Authentication-Results: mx.example.org; spf=fail smtp.helo=mail.example.com
Received: from mail.example.com by mx.example.org; Tue, 1 Oct 2024 10:00:00 +0000
From: a@example.com

x
"""

RECEIVED_SPF_ONLY = b"""\
Received-SPF: Fail (mailfrom) identity=mailfrom; client-ip=203.0.113.5; helo=h.example; envelope-from=b@example.net; receiver=mx.example.org
Authentication-Results: mx.example.org; dkim=none
Received: from h.example ([203.0.113.5]) by mx.example.org; Tue, 1 Oct 2024 10:00:00 +0000
From: a@example.com

x
"""

UNTRUSTED_ONLY = b"""\
Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=a@example.com
Received: from relay.example.com by mx.example.org; Tue, 1 Oct 2024 10:00:00 +0000
Authentication-Results: relay.example.com; spf=fail smtp.mailfrom=a@example.com
Received-SPF: fail client-ip=203.0.113.5; envelope-from=a@example.com
Received: from h.example ([203.0.113.5]) by relay.example.com; Tue, 1 Oct 2024 09:59:00 +0000
From: a@example.com

x
"""

PASS_AND_NEUTRAL = b"""\
Authentication-Results: mx.example.org; spf=neutral smtp.helo=h.example; spf=pass smtp.mailfrom=a@example.com
Received: from h.example by mx.example.org; Tue, 1 Oct 2024 10:00:00 +0000
From: a@example.com

x
"""


@pytest.mark.parametrize(
    ("src", "want"),
    [
        pytest.param(
            GMAIL_FAIL,
            [
                (
                    "warning",
                    "SPF fail for example.com (envelope sender), sent from 198.51.100.9:"
                    " the domain owner states that this host is not allowed to send its mail.",
                    (0, 1),
                    FAIL_DETAIL,
                )
            ],
            id="gmail-fail-ip-from-comment",
        ),
        pytest.param(
            CLIENT_IP_PROPERTY,
            [
                (
                    "notice",
                    "SPF softfail for example.com (envelope sender), sent from 2001:db8::25:"
                    " the domain owner says this host is probably not allowed to send its mail.",
                    (0,),
                    SOFTFAIL_DETAIL,
                )
            ],
            id="smtp-client-ip-property-ipv6",
        ),
        pytest.param(
            HELO_ONLY,
            [
                (
                    "warning",
                    "SPF fail for mail.example.com (HELO name):"
                    " the domain owner states that this host is not allowed to send its mail.",
                    (0,),
                    FAIL_DETAIL,
                )
            ],
            id="helo-identity-no-ip",
        ),
        pytest.param(
            RECEIVED_SPF_ONLY,
            [
                (
                    "warning",
                    "SPF fail for example.net (envelope sender), sent from 203.0.113.5:"
                    " the domain owner states that this host is not allowed to send its mail.",
                    (0,),
                    FAIL_DETAIL,
                )
            ],
            id="received-spf-when-trusted-results-lack-spf",
        ),
        pytest.param(UNTRUSTED_ONLY, [], id="untrusted-relay-fail-ignored"),
        pytest.param(PASS_AND_NEUTRAL, [], id="pass-and-neutral-no-finding"),
    ],
)
def test_spf_fail_finding(
    src: bytes, want: list[tuple[str, str, tuple[int, ...], str | None]]
) -> None:
    assert spf_findings(run(src)) == want


def test_forged_received_chain_sample_softfail() -> None:
    report = analyze((SAMPLES / "forged-received-chain.eml").read_bytes())
    got = [
        (f.severity, f.summary, f.header_indexes, f.detail)
        for f in report.findings
        if f.code == "auth.spf_fail"
    ]
    assert got == [
        (
            "notice",
            "SPF softfail for example.net (envelope sender), sent from 203.0.113.200:"
            " the domain owner says this host is probably not allowed to send its mail.",
            (3, 4),
            SOFTFAIL_DETAIL,
        )
    ]
