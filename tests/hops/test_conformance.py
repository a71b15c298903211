"""Conformance on third-party corpora (skipped when HEADERLENS_CORPORA is unset).

1. SpamAssassin's ``t/rcvd_parser.t`` ground truth (``spamassassin/rcvd_parser.json``): for the
   111 relay cases at least 97% of the non-empty expected ``ip, rdns, helo, by, envfrom, id``
   values must equal ours exactly; the 34 "ignored" cases must give ``relay=False``.
   Normalisation (docs/hops.md): SpamAssassin writes a bracketed HELO literal ``[x]`` as
   ``!x!``; we keep the brackets. Nothing else is rewritten.
2. The SpamAssassin public corpus: every Received field yields a ``Received`` without an
   exception, at least 99% of their dates parse, and no hop delay is given when a date is
   missing (never a silent 0).
"""

from __future__ import annotations

import json
from pathlib import Path

from headerlens.hops import analyze_hops, parse_received
from headerlens.parse import parse
from headerlens.policy import Policy

FIELDS = ("ip", "rdns", "helo", "by", "envfrom", "id")


def _sa_normalise(key: str, value: str) -> str:
    if key == "helo" and len(value) > 2 and value[0] == "!" and value[-1] == "!":
        return f"[{value[1:-1]}]"
    return value


def test_spamassassin_rcvd_parser(corpora: Path) -> None:
    data = json.loads((corpora / "spamassassin" / "rcvd_parser.json").read_text())
    total = matched = 0
    misses: list[str] = []
    wrong_relay: list[str] = []
    relays = ignored = 0
    for case in data["cases"]:
        got = parse_received(case["received"])
        if case["kind"] == "ignored":
            ignored += 1
            if got.relay:
                wrong_relay.append(case["received"])
            continue
        relays += 1
        ours = {
            "ip": got.from_ip,
            "rdns": got.from_rdns,
            "helo": got.from_helo,
            "by": got.by_host,
            "envfrom": got.envelope_from,
            "id": got.id,
        }
        for key in FIELDS:
            expected = case["expected_fields"].get(key, "")
            if not expected:
                continue
            total += 1
            if _sa_normalise(key, expected) == (ours[key] or ""):
                matched += 1
            else:
                misses.append(
                    f"{key}: expected {expected!r}, got {ours[key]!r} in {case['received']!r}"
                )
    score = matched / total
    print(
        f"\nrcvd_parser: {matched}/{total} expected values match ({score:.2%}) over {relays} relays"
    )
    for m in misses:
        print("  miss", m)
    print(f"ignored cases with relay=False: {ignored - len(wrong_relay)}/{ignored}")
    assert relays == 111
    assert ignored == 34
    assert score >= 0.97
    assert wrong_relay == []


def test_public_corpus_hops(corpora: Path) -> None:
    root = corpora / "spamassassin-public-corpus"
    policy = Policy()
    fields = dated = messages = 0
    silent_zero: list[str] = []
    for path in sorted(root.rglob("*.txt")):
        if path.name.startswith("LICENSE"):
            continue
        messages += 1
        message = parse(path.read_bytes())
        analysis = analyze_hops(message, policy)
        n_received = len(message.fields("Received"))
        assert len(analysis.hops) == n_received, path.name  # one hop per field, none lost
        for hop in analysis.hops:
            fields += 1
            if hop.timestamp is not None:
                dated += 1
            elif hop.delay is not None or hop.delay_note is None:
                silent_zero.append(f"{path.name} header {hop.header_index}")
            if hop.index > 0 and hop.delay is None:
                assert hop.delay_note
    share = dated / fields
    print(f"\npublic corpus: {messages} messages, {fields} Received fields,", end=" ")
    print(f"{dated} dated ({share:.2%})")
    assert messages == 6046
    assert share >= 0.99
    assert silent_zero == []
