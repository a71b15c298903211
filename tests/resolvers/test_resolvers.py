"""Resolvers: offline, static (mapping, JSON, zone text), recording, and live DNS on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from headerlens.resolvers import (
    DnsLookup,
    DnsResolver,
    OfflineResolver,
    RecordingResolver,
    Resolver,
    StaticResolver,
)

KEY = "v=DKIM1; k=rsa; p=MIIBIjAN"


def test_offline_records_what_it_was_asked() -> None:
    r = OfflineResolver()
    got = r.resolve("s1._domainkey.example.com", "txt")
    assert got == DnsLookup(
        name="s1._domainkey.example.com",
        rdtype="TXT",
        outcome="not_looked_up",
        resolver="OfflineResolver",
    )
    assert r.asked == [got]
    assert isinstance(r, Resolver)


@pytest.mark.parametrize(
    ("name", "rdtype", "outcome", "records"),
    [
        pytest.param("s1._domainkey.example.com", "TXT", "answer", (KEY,), id="answer"),
        pytest.param("S1._DOMAINKEY.Example.Com.", "TXT", "answer", (KEY,), id="case-and-dot"),
        pytest.param("two.example.com", "TXT", "answer", ("a", "b"), id="two-records"),
        pytest.param("nope.example.com", "TXT", "nxdomain", (), id="unknown-name"),
        pytest.param("s1._domainkey.example.com", "A", "nodata", (), id="other-type"),
        pytest.param("sf.example.com", "TXT", "servfail", (), id="replayed-servfail"),
        pytest.param("to.example.com", "TXT", "timeout", (), id="replayed-timeout"),
        pytest.param("nd.example.com", "TXT", "nodata", (), id="replayed-nodata"),
    ],
)
def test_static(name: str, rdtype: str, outcome: str, records: tuple[str, ...]) -> None:
    r = StaticResolver(
        {"s1._domainkey.example.com.": KEY, "two.example.com": ["a", "b"]},
        failures={
            "sf.example.com": "servfail",
            "to.example.com": "timeout",
            "nd.example.com": "nodata",
        },
    )
    got = r.resolve(name, rdtype)
    assert (got.outcome, got.records, got.resolver) == (outcome, records, "StaticResolver")


def test_static_rejects_unknown_failure_kind() -> None:
    with pytest.raises(ValueError):
        StaticResolver(failures={"x.example": "refused-ish"})


def test_static_from_json_text_and_file(tmp_path: Path) -> None:
    flat = {"s1._domainkey.example.com": KEY, "m.example.com": ["x", "y"]}
    r1 = StaticResolver.from_json(json.dumps(flat))
    f = tmp_path / "keys.json"
    f.write_text(json.dumps({"records": flat, "failures": {"bad.example.com": "timeout"}}))
    r2 = StaticResolver.from_json(f)
    r3 = StaticResolver.from_json(str(f))
    for r in (r1, r2, r3):
        assert r.resolve("s1._domainkey.example.com").records == (KEY,)
        assert r.resolve("m.example.com").records == ("x", "y")
    assert r2.resolve("bad.example.com").outcome == "timeout"
    assert r1.resolve("bad.example.com").outcome == "nxdomain"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[1, 2]", id="array"),
        pytest.param("{not json", id="broken"),
        pytest.param('{"a.example": 5}', id="number-value"),
    ],
)
def test_static_from_json_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        StaticResolver.from_json(text)


ZONE = r"""
$ORIGIN example.com.
$TTL 300
; a bind-style key split into two character-strings, across lines
s1._domainkey   IN  TXT ( "v=DKIM1; k=rsa; "
                          "p=MIIBIjAN" )  ; trailing comment
s2._domainkey.example.org. 600 IN TXT "v=DKIM1; k=ed25519; p=abc\"def\\ghi\059"
@ 3600 IN MX 10 mail.example.com.
                 IN TXT "second record at the apex"
www IN A 192.0.2.1
"""


def test_static_from_zone() -> None:
    r = StaticResolver.from_zone(ZONE)
    assert r.resolve("s1._domainkey.example.com").records == (KEY,)
    assert r.resolve("s2._domainkey.example.org").records == (
        'v=DKIM1; k=ed25519; p=abc"def\\ghi;',
    )
    assert r.resolve("example.com", "MX").records == ("10 mail.example.com.",)
    assert r.resolve("example.com").records == ("second record at the apex",)
    assert r.resolve("www.example.com").outcome == "nodata"
    assert r.resolve("www.example.com", "A").records == ("192.0.2.1",)
    assert r.resolve("ftp.example.com").outcome == "nxdomain"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('x IN TXT "open', id="unterminated-quote"),
        pytest.param("x IN TXT ( a", id="open-paren"),
        pytest.param("x IN TXT a )", id="close-paren"),
        pytest.param("x IN", id="no-type"),
        pytest.param("  IN TXT a", id="no-owner"),
    ],
)
def test_static_from_zone_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        StaticResolver.from_zone(text)


def test_recording_keeps_transcript() -> None:
    r = RecordingResolver(StaticResolver({"a.example": "x"}))
    r.resolve("a.example")
    r.resolve("b.example")
    assert [(x.name, x.outcome) for x in r.transcript] == [
        ("a.example", "answer"),
        ("b.example", "nxdomain"),
    ]


# Live resolver against a dnslib server on 127.0.0.1 (see conftest.py).


@pytest.mark.parametrize(
    ("name", "rdtype", "outcome", "length"),
    [
        pytest.param("s1._domainkey.example.com", "TXT", "answer", len(KEY), id="answer"),
        pytest.param("big._domainkey.example.com", "TXT", "answer", 718, id="split-strings"),
        pytest.param("tc._domainkey.example.com", "TXT", "answer", 718, id="truncated-to-tcp"),
        pytest.param("none._domainkey.example.com", "TXT", "nxdomain", 0, id="nxdomain"),
        pytest.param("s1._domainkey.example.com", "A", "nodata", 0, id="nodata"),
        pytest.param("broken._domainkey.example.com", "TXT", "servfail", 0, id="servfail"),
        pytest.param("slow._domainkey.example.com", "TXT", "timeout", 0, id="timeout"),
    ],
)
def test_dns_resolver_loopback(
    loopback_dns: object, name: str, rdtype: str, outcome: str, length: int
) -> None:
    srv = loopback_dns
    r = DnsResolver(["127.0.0.1"], port=srv.port, timeout=0.3, lifetime=0.6)  # type: ignore[attr-defined]
    got = r.resolve(name, rdtype)
    assert got.outcome == outcome, got.error
    assert sum(len(x) for x in got.records) == length
    assert got.resolver == "DnsResolver"
    assert got.at is not None
    assert got.elapsed is not None
    if outcome == "answer":
        assert got.authoritative is True
        assert got.ttl == 300


def test_dns_truncation_retried_over_tcp(loopback_dns: object) -> None:
    srv = loopback_dns
    srv.zone.queries.clear()  # type: ignore[attr-defined]
    r = DnsResolver(["127.0.0.1"], port=srv.port, timeout=0.5, lifetime=1.0)  # type: ignore[attr-defined]
    assert r.resolve("tc._domainkey.example.com").outcome == "answer"
    assert srv.zone.queries == [  # type: ignore[attr-defined]
        ("tc._domainkey.example.com.", "TXT", "udp"),
        ("tc._domainkey.example.com.", "TXT", "tcp"),
    ]


def test_dns_no_search_list(loopback_dns: object) -> None:
    srv = loopback_dns
    srv.zone.queries.clear()  # type: ignore[attr-defined]
    r = DnsResolver(["127.0.0.1"], port=srv.port, timeout=0.5, lifetime=1.0)  # type: ignore[attr-defined]
    assert r.resolve("relative-name").outcome == "nxdomain"
    assert srv.zone.queries == [("relative-name.", "TXT", "udp")]  # type: ignore[attr-defined]


def test_dns_unreachable_port_is_an_outcome() -> None:
    r = DnsResolver(["127.0.0.1"], port=9, timeout=0.2, lifetime=0.4)
    assert r.resolve("x.example").outcome in {"timeout", "servfail", "error"}
