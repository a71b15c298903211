"""Authentication-Results written by a host of the trusted hop zone (RFC 8601 section 5)."""
# ruff: noqa: E501  (sample messages hold real-length header lines)

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens import analyze
from headerlens.auth.analysis import analyze_auth
from headerlens.auth.models import ArcResult, AuthAnalysis
from headerlens.hops.models import Hop, HopAnalysis, Received, TrustBoundary
from headerlens.parse import parse
from headerlens.policy import Policy
from headerlens.resolvers import OfflineResolver

SAMPLES = Path(__file__).resolve().parents[3] / "samples"

ZONE_NOTE = (
    "trusted: the authserv-id mx.fwd.example.net is a host of the trusted zone (the 'by'"
    " host of a trusted hop) and the field sits at or above the trust boundary"
)

# The final receiver mx.example.net and the organisation's forwarder mx.fwd.example.net both
# wrote results; a field below the forwarder's Received is outside the zone.
FORWARDED = b"""\
Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=fwd.example.net
Received: from out.fwd.example.net (out.fwd.example.net [192.0.2.55]) by mx.example.net; Tue, 3 Mar 2026 10:03:00 +0000
Authentication-Results: mx.fwd.example.net; spf=pass smtp.mailfrom=lists.example.org
Received: from out.lists.example.org (out.lists.example.org [192.0.2.121]) by mx.fwd.example.net; Tue, 3 Mar 2026 10:02:00 +0000
Authentication-Results: mx.fwd.example.net; dkim=pass header.d=evil.example
Received: from mail.example.com ([192.0.2.1]) by out.lists.example.org; Tue, 3 Mar 2026 10:01:00 +0000
From: a@example.com

x
"""


def _hops(*, boundary: int | None) -> HopAnalysis:
    return HopAnalysis(
        hops=(
            Hop(
                index=0,
                header_index=5,
                received=Received(
                    raw="from x by out.lists.example.org", by_host="out.lists.example.org"
                ),
            ),
            Hop(
                index=1,
                header_index=3,
                received=Received(
                    raw="from x by MX.Fwd.Example.NET.", by_host="MX.Fwd.Example.NET."
                ),
                trusted=True,
            ),
            Hop(
                index=2,
                header_index=1,
                received=Received(raw="from x by mx.example.net", by_host="mx.example.net"),
                trusted=True,
            ),
        ),
        trust=TrustBoundary(
            header_index=boundary, trusted_authserv_ids=("mx.example.net",), rule="r"
        ),
    )


def run(hops: HopAnalysis, policy: Policy | None = None) -> AuthAnalysis:
    return analyze_auth(
        parse(FORWARDED),
        policy or Policy(),
        hops=hops,
        dkim=(),
        arc=ArcResult(),
        resolver=OfflineResolver(),
    )


@pytest.mark.parametrize(
    ("hops", "policy", "want_trusted", "want_ids"),
    [
        pytest.param(
            _hops(boundary=3),
            None,
            [(0, True), (2, True), (4, False)],
            ("mx.example.net", "mx.fwd.example.net"),
            id="forwarder-in-zone-above-boundary",
        ),
        pytest.param(
            _hops(boundary=1),
            None,
            [(0, True), (2, False), (4, False)],
            ("mx.example.net",),
            id="forwarder-below-boundary-not-trusted",
        ),
        pytest.param(
            _hops(boundary=3),
            Policy(trusted_authserv_ids=("mx.example.net",)),
            [(0, True), (2, False), (4, False)],
            ("mx.example.net",),
            id="policy-ids-are-the-whole-list",
        ),
        pytest.param(
            _hops(boundary=None),
            None,
            [(0, True), (2, False), (4, False)],
            ("mx.example.net",),
            id="no-boundary-no-zone",
        ),
    ],
)
def test_zone_host_authserv_id(
    hops: HopAnalysis,
    policy: Policy | None,
    want_trusted: list[tuple[int, bool]],
    want_ids: tuple[str, ...],
) -> None:
    a = run(hops, policy)
    assert [(h.header_index, h.trusted) for h in a.auth_results] == want_trusted
    assert a.trusted_authserv_ids == want_ids
    # The final receiver's verdict stays the one DMARC uses.
    assert a.trusted is not None
    assert a.trusted.authserv_id == "mx.example.net"


def test_zone_host_note_and_findings() -> None:
    a = run(_hops(boundary=3))
    assert [h.trust_note for h in a.auth_results][1] == ZONE_NOTE
    # The forwarder deletes incoming fields claiming its own authserv-id (RFC 8601 section
    # 5), so the one below its Received field is a forgery, as for the final receiver's id.
    assert [(f.code, f.header_indexes) for f in a.findings] == [
        ("auth.results_forged_trusted_id", (4,)),
        ("auth.dmarc_fail", ()),
    ]


@pytest.mark.parametrize(
    "name", ["forwarded-list-valid-chain.eml", "forwarded-list-broken-chain.eml"]
)
def test_arc_forwarder_sample(name: str) -> None:
    r = analyze((SAMPLES / "arc" / name).read_bytes())
    assert [(h.header_index, h.authserv_id, h.trusted) for h in r.auth_results] == [
        (0, "mx.example.net", True),
        (5, "mx.fwd.example.net", True),
        (10, "out.lists.example.org", False),
        (15, "mx.lists.example.org", False),
    ]
    assert r.auth_results[1].trust_note == ZONE_NOTE
