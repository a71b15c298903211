"""StaticResolver with every record type, CNAMEs, per-type failures and transcript replay."""

from __future__ import annotations

import json

import pytest

from headerlens.resolvers import DnsLookup, StaticResolver

ZONE = {
    "example.com": {
        "A": ["192.0.2.1"],
        "AAAA": ["2001:db8::1"],
        "MX": ["10 mx.example.com", "0 ."],
        "TXT": ["v=spf1 -all", ["part one ", "part two"]],
    },
    "www.example.com": {"CNAME": ["example.com."]},
    "alias.example.com": {"CNAME": ["www.example.com"]},
    "loop1.example.com": {"CNAME": ["loop2.example.com"]},
    "loop2.example.com": {"CNAME": ["loop1.example.com"]},
    "empty.example.com": {},
    "notxt.example.com": {"TXT": []},
    "s1._domainkey.example.com": "v=DKIM1; p=abc",
    "two.example.com": ["first", "second"],
}


def _got(r: StaticResolver, name: str, rdtype: str) -> tuple[str, tuple[str, ...], str | None]:
    q = r.resolve(name, rdtype)
    return q.outcome, q.records, q.canonical_name


@pytest.mark.parametrize(
    ("name", "rdtype", "expected"),
    [
        pytest.param("example.com", "A", ("answer", ("192.0.2.1",), None), id="a"),
        pytest.param("example.com", "aaaa", ("answer", ("2001:db8::1",), None), id="aaaa"),
        pytest.param(
            "example.com", "MX", ("answer", ("10 mx.example.com", "0 ."), None), id="mx-null"
        ),
        pytest.param(
            "example.com",
            "TXT",
            ("answer", ("v=spf1 -all", "part one part two"), None),
            id="txt-character-strings-joined",
        ),
        pytest.param("www.example.com", "A", ("answer", ("192.0.2.1",), "example.com"), id="cname"),
        pytest.param(
            "alias.example.com",
            "MX",
            ("answer", ("10 mx.example.com", "0 ."), "example.com"),
            id="cname-chain",
        ),
        pytest.param(
            "www.example.com", "CNAME", ("answer", ("example.com.",), None), id="cname-itself"
        ),
        pytest.param("loop1.example.com", "A", ("servfail", (), "loop1.example.com"), id="loop"),
        pytest.param("empty.example.com", "A", ("nodata", (), None), id="exists-no-records"),
        pytest.param("notxt.example.com", "TXT", ("nodata", (), None), id="empty-type"),
        pytest.param("example.com", "PTR", ("nodata", (), None), id="other-type"),
        pytest.param("nope.example.com", "A", ("nxdomain", (), None), id="nxdomain"),
        pytest.param(
            "s1._domainkey.example.com",
            "TXT",
            ("answer", ("v=DKIM1; p=abc",), None),
            id="plain-txt",
        ),
        pytest.param("two.example.com", "TXT", ("answer", ("first", "second"), None), id="txts"),
    ],
)
def test_typed_records(name: str, rdtype: str, expected: tuple[object, ...]) -> None:
    assert _got(StaticResolver(ZONE), name, rdtype) == expected


def test_failures_per_name_and_per_type() -> None:
    r = StaticResolver(
        ZONE,
        failures={
            "example.com": "timeout",
            ("example.com", "mx"): "servfail",
            ("www.example.com", "TXT"): "nxdomain",
        },
    )
    assert r.resolve("example.com", "A").outcome == "timeout"
    assert r.resolve("example.com", "MX").outcome == "servfail"
    assert r.resolve("www.example.com", "TXT").outcome == "nxdomain"
    # the alias is followed, then the target's failure applies
    assert r.resolve("www.example.com", "A").outcome == "timeout"
    assert r.resolve("www.example.com", "A").canonical_name == "example.com"


def test_secure_flag() -> None:
    r = StaticResolver(ZONE, secure={"example.com": True, "two.example.com": False})
    assert r.resolve("www.example.com", "A").secure is True
    assert r.resolve("two.example.com").secure is False
    assert r.resolve("empty.example.com", "A").secure is None


def test_bad_rdata_is_refused() -> None:
    with pytest.raises(ValueError):
        StaticResolver({"x.example": {"A": [["192.0.2.1"]]}})


def test_from_json_typed_records_and_failures() -> None:
    text = json.dumps(
        {
            "records": {"example.com": {"A": ["192.0.2.1"], "TXT": [["a", "b"], "c"]}},
            "failures": {"slow.example.com": "timeout", "example.com": {"MX": "servfail"}},
            "secure": {"example.com": True},
        }
    )
    r = StaticResolver.from_json(text)
    assert _got(r, "example.com", "TXT") == ("answer", ("ab", "c"), None)
    assert r.resolve("example.com", "MX").outcome == "servfail"
    assert r.resolve("example.com", "A").secure is True
    assert r.resolve("slow.example.com", "AAAA").outcome == "timeout"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"records": {"a.example": {"A": [1]}}}', id="number-rdata"),
        pytest.param('{"records": {}, "failures": {"a.example": 3}}', id="bad-failure"),
        pytest.param('{"records": {}, "secure": {"a.example": "yes"}}', id="bad-secure"),
        pytest.param('{"lookups": [{"name": "a.example"}]}', id="bad-transcript"),
    ],
)
def test_from_json_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        StaticResolver.from_json(text)


def test_from_zone_takes_failures() -> None:
    r = StaticResolver.from_zone(
        "example.com. IN MX 0 .\n", failures={("example.com", "A"): "timeout"}
    )
    assert r.resolve("example.com", "MX").records == ("0 .",)
    assert r.resolve("example.com", "A").outcome == "timeout"


def test_transcript_replays_exactly() -> None:
    live = StaticResolver(
        ZONE,
        failures={("example.com", "PTR"): "servfail", "slow.example.com": "timeout"},
        secure={"example.com": True},
    )
    questions = [
        ("example.com", "A"),
        ("www.example.com", "MX"),
        ("example.com", "PTR"),
        ("slow.example.com", "TXT"),
        ("nope.example.com", "A"),
        ("empty.example.com", "TXT"),
        ("alias.example.com", "TXT"),
    ]
    first = [live.resolve(n, t) for n, t in questions]
    replay = StaticResolver.from_lookups(first)
    again = [replay.resolve(n, t) for n, t in questions]
    strip = {"error"}
    assert [q.model_dump(exclude=strip) for q in again] == [
        q.model_dump(exclude=strip) for q in first
    ]
    # the same through JSON (a saved report's "dns" list)
    saved = json.dumps({"dns": [q.model_dump(mode="json") for q in first]})
    from_json = StaticResolver.from_json(saved)
    assert [from_json.resolve(n, t).outcome for n, t in questions] == [q.outcome for q in first]


def test_not_looked_up_is_not_replayed() -> None:
    q = DnsLookup(name="a.example", rdtype="TXT", outcome="not_looked_up", resolver="x")
    assert StaticResolver.from_lookups([q]).resolve("a.example").outcome == "nxdomain"


def test_a_name_with_names_below_it_exists() -> None:
    # RFC 8020: NXDOMAIN says nothing exists at or below the name. Replaying a key file
    # (--keys samples/keys.json --check) made example.com "not exist in DNS now" (a
    # critical finding) while its DKIM key under it answered.
    r = StaticResolver({"s1._domainkey.example.com": "v=DKIM1; p="})
    assert [r.resolve(n, "MX").outcome for n in ("example.com", "_domainkey.example.com")] == [
        "nodata",
        "nodata",
    ]
    assert r.resolve("other.example.com", "MX").outcome == "nxdomain"
    assert r.resolve("com", "A").outcome == "nodata"
    zone = StaticResolver.from_zone('a.b.example. IN TXT "x"')
    assert zone.resolve("b.example", "TXT").outcome == "nodata"
    assert zone.resolve("c.example", "TXT").outcome == "nxdomain"
