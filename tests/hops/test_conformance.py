"""Conformance on third-party corpora (skipped when HEADERLENS_CORPORA is unset).

1. SpamAssassin's ``t/rcvd_parser.t`` ground truth (``spamassassin/rcvd_parser.json``): for the
   111 relay cases at least 97% of the non-empty expected ``ip, rdns, helo, by, envfrom, id``
   values must equal ours exactly; the 34 "ignored" cases must give ``relay=False``.
   Normalisation (docs/hops.md): SpamAssassin writes a bracketed HELO literal ``[x]`` as
   ``!x!``; we keep the brackets. Nothing else is rewritten.
2. The SpamAssassin public corpus: every Received field yields a ``Received`` without an
   exception, at least 99% of their dates parse, and no hop delay is given when a date is
   missing (never a silent 0).
3. phishing-pot-dev (real phishing received by Microsoft consumer mailboxes): ``origin_ip``
   equals the IP Microsoft's edge recorded (its "sender IP is X", X-Sender-IP) for at least
   99% of the messages Microsoft received directly; the misses are printed by kind.
"""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path

from headerlens.domains import organizational_domain
from headerlens.hops import analyze_hops, parse_received
from headerlens.hops.models import HopAnalysis
from headerlens.message import Message
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


# Microsoft's own records of the IP that connected to its edge: "(sender IP is X)" in its
# Authentication-Results (which carry no authserv-id) and X-Sender-IP.
_SENDER_IP = re.compile(r"\(sender IP is ([^)\s]*)\)", re.I)
_MICROSOFT = ("outlook.com", "office365.com", "exchangelabs.com", "microsoft.com")


def _microsoft_record(message: Message) -> str | None:
    for f in message.fields("Authentication-Results"):
        m = _SENDER_IP.search(f.value)
        if m:
            return m.group(1)
    xs = message.fields("X-Sender-IP")
    return xs[0].value.strip() if xs else None


def _received_by_microsoft(message: Message, analysis: HopAnalysis) -> bool:
    """The recipient's own (topmost named) Received host is Microsoft's."""
    for hop in reversed(analysis.hops):
        by = (hop.received.by_host or "").lower().rstrip(".")
        if "." in by:
            try:
                ipaddress.ip_address(by)
            except ValueError:
                return organizational_domain(by) in _MICROSOFT
    return False


def _miss_kind(analysis: HopAnalysis, recorded: str) -> str:
    origin = analysis.origin_ip
    if origin is None:
        return "no origin"
    try:
        ip = ipaddress.ip_address(origin.split("%")[0])
    except ValueError:
        return "origin not an IP"
    if ip.is_private or ip.is_loopback or ip.is_link_local:
        return "private, loopback or link-local origin"
    where = {h.received.from_ip: h.index for h in analysis.hops}
    if origin in where and recorded in where:
        return "deeper than the edge" if where[origin] < where[recorded] else "above the edge"
    return "another address"


def test_phishing_pot_origin_is_what_microsofts_edge_recorded(corpora: Path) -> None:
    """On real phishing received by Microsoft consumer mailboxes (phishing-pot-dev), the origin
    must be the IP Microsoft's edge recorded, for at least 99% of the messages Microsoft
    received directly (its own Received field on top, its own record of the sender IP)."""
    root = corpora / "phishing-pot-dev" / "email"
    policy = Policy()
    total = matched = damaged = not_direct = no_record = 0
    misses: dict[str, list[str]] = {}
    for path in sorted(root.glob("*.eml")):
        message = parse(path.read_bytes())
        analysis = analyze_hops(message, policy)
        recorded = _microsoft_record(message)
        if recorded is None:
            no_record += 1
            continue
        if not _received_by_microsoft(message, analysis):
            not_direct += 1
            continue
        try:
            ipaddress.ip_address(recorded)
        except ValueError:
            damaged += 1  # the corpus's anonymisation ("185.118.189.phishing@pot")
            continue
        total += 1
        if analysis.origin_ip == recorded:
            matched += 1
        else:
            misses.setdefault(_miss_kind(analysis, recorded), []).append(path.name)
    share = matched / total
    print(
        f"\nphishing-pot-dev: origin_ip equals Microsoft's recorded sender IP for {matched} of"
        f" {total} messages Microsoft received directly ({share:.2%}); left out: {no_record}"
        f" without a record, {not_direct} received by another provider first,"
        f" {damaged} whose recorded IP the anonymisation damaged"
    )
    for kind, names in sorted(misses.items()):
        print(f"  miss ({kind}): {len(names)}: {', '.join(names[:10])}")
    assert total >= 1200
    assert share >= 0.99
