"""``headerlens.hops.receipt.receipt_time`` equals ``analyze_hops(...).receipt_time``.

verify_dkim and verify_arc judge timestamps as of the time the message was received; they
find it with the light function instead of the whole hop analysis. It must give the same
answer on every message: the samples, every corpus message the oracle reads and the ARC
suite's messages, under the default policy and under policies that change the walk
(configured trusted hosts, inbound filtering services not followed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

import headerlens.hops.receipt as receipt_module
from headerlens.errors import DefectError
from headerlens.hops.chain import analyze_hops
from headerlens.hops.receipt import receipt_time
from headerlens.message import Message
from headerlens.parse import parse
from headerlens.policy import Limits, Policy

from ..corpus_files import arc_suite_messages, corpus_message_files
from .conftest import build

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

POLICIES = {
    "default": Policy(),
    "gateways not followed": Policy(trust_gateways=False),
    "configured": Policy(trusted_hosts=("example.com", "google.com", "outlook.com")),
    "few Received read": Policy(limits=Limits(max_received=3)),
}


def _mismatches(messages: Iterator[tuple[str, Message]]) -> tuple[int, int, list[str]]:
    """(messages, messages with a receipt time, disagreements) over every policy."""
    count = dated = 0
    bad: list[str] = []
    for where, message in messages:
        count += 1
        for name, policy in POLICIES.items():
            want = analyze_hops(message, policy).receipt_time
            got = receipt_time(message, policy)
            dated += name == "default" and want is not None
            if got != want or (got is not None and want is not None and got.tzinfo != want.tzinfo):
                bad.append(f"{where} [{name}]: {got} != {want}")
    return count, dated, bad


def _samples() -> Iterator[tuple[str, Message]]:
    for p in sorted(SAMPLES.rglob("*")):
        if p.suffix in (".eml", ".txt") and "keys" not in p.parts:
            yield f"samples/{p.relative_to(SAMPLES)}", parse(p)


def _corpora(root: Path) -> Iterator[tuple[str, Message]]:
    for where, p in corpus_message_files(root):
        yield where, parse(p.read_bytes())
    pytest.importorskip("yaml")
    for where, raw in arc_suite_messages(root):
        yield where, parse(raw)


def test_equal_on_every_sample() -> None:
    count, dated, bad = _mismatches(_samples())
    print(f"\nreceipt_time == analyze_hops().receipt_time: {count} samples, {dated} dated")
    assert count >= 30
    assert dated >= 20
    assert bad == []


@pytest.mark.conformance
def test_equal_on_every_corpus_message(corpora: Path) -> None:
    count, dated, bad = _mismatches(_corpora(corpora))
    print(f"\nreceipt_time == analyze_hops().receipt_time: {count} messages, {dated} dated")
    assert count > 7_000
    assert bad == []


def test_fields_below_the_boundary_are_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [
        "Received: from mx.example.net (mx.example.net [198.51.100.7]) by mail.example.org"
        " with ESMTPS id A1; Tue, 3 Mar 2026 10:00:09 +0000"
    ]
    lines += [
        f"Received: from h{k}.example.net (h{k}.example.net [203.0.113.{k}]) by"
        f" h{k - 1}.example.net with SMTP id B{k}; Tue, 3 Mar 2026 10:00:0{9 - k} +0000"
        for k in range(1, 9)
    ]
    message = build(*lines, "From: a@example.net", "Subject: hello")
    parsed: list[int | None] = []
    real = receipt_module.parse_received_at

    def counting(value: str, index: int | None, name: str = "Received"):  # type: ignore[no-untyped-def]
        parsed.append(index)
        return real(value, index, name)

    monkeypatch.setattr(receipt_module, "parse_received_at", counting)
    got = receipt_time(message, Policy())
    assert got == dt.datetime(2026, 3, 3, 10, 0, 9, tzinfo=dt.UTC)
    assert got == analyze_hops(message, Policy()).receipt_time
    assert parsed == [0]  # the border: its peer is outside, the walk stops there


def test_no_received_field() -> None:
    message = build("From: a@example.net", "Date: Tue, 3 Mar 2026 10:00:00 +0000")
    assert receipt_time(message, Policy()) is None
    assert analyze_hops(message, Policy()).receipt_time is None


def test_strict_policy_raises_as_the_hop_analysis_does() -> None:
    message = build(
        "Received: from a.example.net by b.example.org; not a date at all",
        "X-Received: by 2001:db8::1 with SMTP id x; also not a date",
        "From: a@example.net",
    )
    strict = Policy(strict=True)
    with pytest.raises(DefectError) as hops_error:
        analyze_hops(message, strict)
    with pytest.raises(DefectError) as light_error:
        receipt_time(message, strict)
    assert light_error.value.defect == hops_error.value.defect
