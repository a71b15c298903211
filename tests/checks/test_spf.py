"""check_spf(): results, reasons, trace and limits beyond the openspf suite."""

from __future__ import annotations

import datetime as dt

import pytest

from headerlens import Limits, Policy, StaticResolver, check_spf
from headerlens.checks.models import SpfStep

ZONE = StaticResolver(
    {
        "example.com": {
            "TXT": ["v=spf1 include:_spf.example.net ~all exp=why.example.com"],
            "MX": ["10 mx.example.com"],
        },
        "_spf.example.net": "v=spf1 ip4:192.0.2.0/25 ip6:2001:db8::/32 -all",
        "why.example.com": "%{i} may not send for %{d} (%{t})",
        "mx.example.com": {"A": ["198.51.100.9"]},
        "helo.example.org": "v=spf1 a:mx.example.com -all exp=why.example.com",
        "broken.example.com": "v=spf1 ip4:192.0.2.1 foo:bar -all",
    },
    failures={"slow.example.com": "timeout"},
)
AS_OF = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)


def _spf(ip: str, sender: str | None, helo: str | None = None, **kw: object) -> object:
    return check_spf(ip, sender, helo, policy=Policy(resolver=ZONE, as_of=AS_OF, **kw))


def test_pass_through_include_with_trace() -> None:
    got = check_spf(
        "192.0.2.7", "alice@example.com", "mail.example.com", policy=Policy(resolver=ZONE)
    )
    assert (got.result, got.reason, got.mechanism, got.mechanism_domain) == (
        "pass",
        "matched",
        "include:_spf.example.net",
        "example.com",
    )
    assert got.steps == (
        SpfStep(domain="_spf.example.net", term="ip4:192.0.2.0/25", outcome="match"),
        SpfStep(
            domain="example.com",
            term="include:_spf.example.net",
            outcome="include",
            detail="_spf.example.net: pass",
        ),
        SpfStep(domain="example.com", term="include:_spf.example.net", outcome="match"),
    )
    assert (got.lookups, got.void_lookups) == (1, 0)
    assert [(q.name, q.rdtype) for q in got.dns] == [
        ("example.com", "TXT"),
        ("_spf.example.net", "TXT"),
    ]
    assert got.record == "v=spf1 include:_spf.example.net ~all exp=why.example.com"


def test_softfail_has_no_explanation_and_fail_has_one() -> None:
    soft = _spf("203.0.113.5", "alice@example.com")
    assert (soft.result, soft.mechanism, soft.explanation) == ("softfail", "~all", None)
    # the HELO identity: postmaster@<helo>; %{t} comes from Policy.as_of
    fail = _spf("203.0.113.5", "", "helo.example.org")
    assert (fail.identity, fail.sender, fail.result) == (
        "helo",
        "postmaster@helo.example.org",
        "fail",
    )
    assert fail.explanation == f"203.0.113.5 may not send for helo.example.org ({1772532000})"


@pytest.mark.parametrize(
    ("ip", "sender", "expected"),
    [
        pytest.param("192.0.2.7", "bob@nowhere.example.com", ("none", "nxdomain"), id="nx"),
        pytest.param("192.0.2.7", "bob@mx.example.com", ("none", "no_record"), id="no-spf"),
        pytest.param("192.0.2.7", "bob@slow.example.com", ("temperror", "dns_error"), id="tmo"),
        pytest.param(
            "192.0.2.7", "x@broken.example.com", ("permerror", "syntax_error"), id="syntax"
        ),
        pytest.param("not-an-ip", "bob@example.com", ("none", "invalid_ip"), id="bad-ip"),
        pytest.param("192.0.2.7", "bob@[192.0.2.7]", ("none", "invalid_domain"), id="literal"),
        pytest.param("192.0.2.7", "", ("none", "no_identity"), id="no-identity"),
        pytest.param("::ffff:192.0.2.7", "a@example.com", ("pass", "matched"), id="mapped"),
        pytest.param("2001:db8::5", "a@example.com", ("pass", "matched"), id="ipv6"),
    ],
)
def test_results_and_reasons(ip: str, sender: str, expected: tuple[str, str]) -> None:
    got = _spf(ip, sender)
    assert (got.result, got.reason) == expected


def test_offline_is_temperror_not_looked_up_and_lists_the_question() -> None:
    got = check_spf("192.0.2.7", "alice@example.com")
    assert (got.result, got.reason, got.resolver) == (
        "temperror",
        "not_looked_up",
        "OfflineResolver",
    )
    assert [(q.name, q.outcome) for q in got.dns] == [("example.com", "not_looked_up")]


def test_query_budget() -> None:
    got = _spf("203.0.113.5", "alice@example.com", limits=Limits(max_dns_queries=1))
    assert (got.result, got.reason) == ("temperror", "query_budget")


def test_wrong_argument_types_raise_type_error() -> None:
    with pytest.raises(TypeError):
        check_spf(b"192.0.2.1", "a@example.com")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check_spf("192.0.2.1", 5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "record",
    [
        "v=spf1 " + "a:%{" * 500,
        "v=spf1 " + "%" * 10_000,
        "v=spf1 " + " ".join(["include:x.example.com"] * 2000),
        "v=spf1 a:" + "x." * 3000 + "com",
        "v=spf1 exists:%{l1000r+-=/_,.}.example.com",
        "v=spf1 ip6:" + ":" * 5000,
        "v=spf1 \x00\udc80 mx:\u00e9.example",
    ],
)
def test_hostile_records_never_raise(record: str) -> None:
    zone = StaticResolver({"evil.example": record, "x.example.com": "v=spf1 ?all"})
    got = check_spf("192.0.2.1", "a-b+c@evil.example", policy=Policy(resolver=zone))
    assert got.result in ("permerror", "neutral", "fail", "temperror")
