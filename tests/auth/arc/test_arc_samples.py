"""The ARC samples in samples/arc/: what they show, and that build.py reproduces them."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from headerlens.auth.arc import analyze_arc
from headerlens.hops.models import TrustBoundary
from headerlens.parse import parse
from headerlens.policy import Policy
from headerlens.resolvers import StaticResolver

ARC_SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "arc"
RECEIPT = dt.datetime(2026, 3, 3, 10, 3, tzinfo=dt.UTC)


def analyze_sample(name: str):
    resolver = StaticResolver(json.loads((ARC_SAMPLES / "keys.json").read_text()))
    policy = Policy(resolver=resolver)
    message = parse((ARC_SAMPLES / name).read_bytes(), policy=policy)
    return analyze_arc(
        message,
        policy,
        resolver=resolver,
        receipt_time=RECEIPT,
        dkim=(),
        trust=TrustBoundary(header_index=1),
    )


@pytest.mark.parametrize(
    ("name", "cv", "broken_at", "codes"),
    [
        pytest.param(
            "forwarded-list-valid-chain.eml",
            "pass",
            2,
            [
                "arc.chain_valid",
                "arc.message_modified",
                "arc.hop_results",
                "arc.forwarded_dmarc_pass",
            ],
            id="mailing-list-footer-valid-chain",
        ),
        pytest.param(
            "forwarded-list-broken-chain.eml",
            "fail",
            3,
            ["arc.chain_failed", "arc.message_modified", "arc.message_modified", "arc.hop_results"],
            id="edited-after-last-seal",
        ),
    ],
)
def test_samples(name, cv, broken_at, codes):
    analysis = analyze_sample(name)
    assert (analysis.result.cv, analysis.result.broken_at) == (cv, broken_at)
    assert [f.code for f in analysis.findings] == codes
    assert analysis.result.as_of == RECEIPT


def test_build_script_reproduces_the_samples():
    spec = importlib.util.spec_from_file_location("arc_samples_build", ARC_SAMPLES / "build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        built = module.build()
    finally:
        del sys.modules[spec.name]
    for name, data in built.items():
        assert (ARC_SAMPLES / name).read_bytes() == data, name


def test_hop_results_offline_say_not_verified_once() -> None:
    from headerlens.resolvers import OfflineResolver

    policy = Policy()
    message = parse((ARC_SAMPLES / "forwarded-list-valid-chain.eml").read_bytes())
    analysis = analyze_arc(
        message,
        policy,
        resolver=OfflineResolver(),
        receipt_time=RECEIPT,
        dkim=(),
        trust=TrustBoundary(header_index=1),
    )
    (summary,) = [f.summary for f in analysis.findings if f.code == "arc.hop_results"]
    assert summary == (
        "What each ARC sealer saw (not verified: a sealer's key was not available): instance 1"
        " (lists.example.org): arc=none spf=pass dkim=pass dmarc=pass; instance 2"
        " (lists.example.org): arc=pass spf=pass; instance 3 (fwd.example.net): arc=pass"
        " spf=pass dkim=fail dmarc=fail"
    )
