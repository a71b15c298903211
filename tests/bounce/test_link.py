"""Findings that connect a bounce to the analysis of its original."""

from __future__ import annotations

from pathlib import Path

from headerlens.analyze import analyze
from headerlens.bounce import analyze_bounce, link_original, parse_bounce
from headerlens.parse import parse
from headerlens.policy import Policy

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "bounce"


def test_dmarc_rejection_links_to_original() -> None:
    data = (SAMPLES / "office365-5.7.26-dmarc-with-original.eml").read_bytes()
    report = parse_bounce(data)
    assert report is not None
    assert report.original is not None
    original_report = analyze(report.original.source)
    got = [(f.code, f.severity, f.summary) for f in link_original(report, original_report)]
    # One finding per fact: the rejection does not repeat the DKIM and SPF problems.
    assert got == [
        (
            "bounce.dmarc_rejection",
            "warning",
            "bob@contoso.example.com (550 5.7.26) was rejected for failing DMARC; DMARC as"
            " analysed here: fail; the original's own problems follow as separate findings.",
        ),
        (
            "bounce.original_dkim_misaligned",
            "warning",
            "The original's DKIM d=esp.example.net does not align with its From domain"
            " shop.example.com.",
        ),
        (
            "bounce.original_spf_foreign",
            "notice",
            "The original's envelope (SPF) domain esp.example.net does not align with its"
            " From domain shop.example.com.",
        ),
    ]


def test_blocked_and_hard_bounce_findings() -> None:
    data = (SAMPLES / "gmail-5.7.1-policy-prose.eml").read_bytes()
    report = parse_bounce(data)
    assert report is not None
    assert report.original is not None
    codes = [f.code for f in link_original(report, analyze(report.original.source))]
    assert codes == ["bounce.blocked_origin"]
    hard = analyze_bounce(
        parse((SAMPLES / "postfix-dsn-5.1.1-user-unknown.eml").read_bytes()), Policy()
    )
    assert [f.code for f in hard.findings] == ["bounce.hard_bounce"]
