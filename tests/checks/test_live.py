"""The live checks against real servers on 127.0.0.1 (see conftest.py): a DNS server with
NXDOMAIN, SERVFAIL, timeouts, truncation and the AD bit, and an HTTPS server for MTA-STS."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest

import headerlens
from headerlens import DnsResolver, HttpsFetcher, Policy, StaticResolver, check_spf, run_checks
from headerlens.checks._dns import CheckResolver
from headerlens.checks.transport import check_mta_sts

from .conftest import LoopbackDns, LoopbackHttps

AS_OF = dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)
LISTS = (
    "zen.spamhaus.org",
    "sbl.spamhaus.org",
    "list.dnswl.org",
    "rewrite.example",
    "slow.example",
)

MSG = (
    (
        "Return-Path: <alice@sender.example>\n"
        "Delivered-To: bob@rcpt.example\n"
        "Authentication-Results: mx.rcpt.example; spf=pass smtp.mailfrom=alice@sender.example;"
        " dkim=pass header.d=sender.example header.s=s1;"
        " dmarc=pass (p=quarantine sp=none dis=none) header.from=sender.example\n"
        "Received: from mail.sender.example (mail.sender.example [192.0.2.10]) by mx.rcpt.example"
        " (Postfix) with ESMTPS id 4RZ1 for <bob@rcpt.example>; Tue, 3 Mar 2026 10:00:05 +0000\n"
        "Received: from laptop (unknown [198.51.100.7]) by mail.sender.example with ESMTPSA id 77;"
        " Tue, 3 Mar 2026 10:00:01 +0000\n"
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=sender.example; s=s1;"
        " h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\n"
        "From: Alice <alice@sender.example>\n"
        "To: Bob <bob@rcpt.example>\n"
        "Subject: hi\n"
        "Date: Tue, 3 Mar 2026 10:00:00 +0000\n"
        "\n"
        "body\n"
    )
    .replace("\n", "\r\n")
    .encode()
)


def live(dns: LoopbackDns) -> DnsResolver:
    return DnsResolver(["127.0.0.1"], port=dns.port, timeout=0.3, lifetime=0.6)


def test_analyze_with_checks_over_loopback(
    dns_server: LoopbackDns, https_server: LoopbackHttps
) -> None:
    fetcher = HttpsFetcher(context=https_server.client_context, port=https_server.port)
    policy = Policy(
        resolver=live(dns_server),
        checks=True,
        blocklists=LISTS,
        mta_sts_fetcher=fetcher,
        as_of=AS_OF,
    )
    report = headerlens.analyze(MSG, policy=policy)
    c = report.checks
    assert c is not None
    assert report.network_used is True
    assert (c.checked_at, c.checked_at_source, c.resolver) == (AS_OF, "policy", "DnsResolver")
    assert [
        (s.identity, s.check.result, s.check.mechanism, s.recorded, s.comparison) for s in c.spf
    ] == [
        ("mailfrom", "pass", "include:_spf.sender.example", "pass", "same"),
        ("helo", "pass", "a", None, "not_recorded"),
    ]
    assert [
        (r.ip, r.role, r.outcome, r.ptr, r.confirmed, r.fcrdns, r.helo_matches, r.comparison)
        for r in c.reverse_dns
    ] == [
        (
            "192.0.2.10",
            "origin",
            "answer",
            ("mail.sender.example",),
            ("mail.sender.example",),
            True,
            True,
            "same",
        ),
        ("198.51.100.7", "hop", "servfail", (), (), None, None, "not_checked"),
    ]
    assert c.dmarc is not None
    assert (c.dmarc.applied, c.dmarc.comparison, c.dmarc.changes, c.dmarc.rua) == (
        "reject",
        "changed",
        ("p: quarantine -> reject", "sp: none -> reject"),
        ("mailto:dmarc@sender.example",),
    )
    assert [(k.name, k.outcome, k.status) for k in c.dkim_keys] == [
        ("s1._domainkey.sender.example", "nxdomain", "removed")
    ]
    assert [
        (
            m.domain,
            m.accepts_mail,
            [(h.preference, h.exchange, h.alias_of, h.addresses) for h in m.hosts],
        )
        for m in c.mx
    ] == [
        ("sender.example", True, [(10, "mail.sender.example", None, ("192.0.2.10",))]),
        (
            "rcpt.example",
            True,
            [
                (10, "mx1.rcpt.example", None, ("192.0.2.51",)),
                (20, "mx2.rcpt.example", "mx1.rcpt.example", ("192.0.2.51",)),
            ],
        ),
    ]
    assert [(b.zone, b.outcome, b.listed, b.refused, b.codes) for b in c.blocklists] == [
        ("zen.spamhaus.org", "answer", True, False, ("127.0.0.4",)),
        ("sbl.spamhaus.org", "answer", None, True, ("127.255.255.254",)),
        ("list.dnswl.org", "answer", True, False, ("127.0.5.2",)),
        ("rewrite.example", "answer", None, True, ("203.0.113.1",)),
        ("slow.example", "timeout", None, False, ()),
    ]
    assert c.blocklists[0].reason_text == "https://check.spamhaus.example/query/ip/192.0.2.10"
    (sts,) = c.mta_sts
    assert sts.fetch is not None
    assert sts.policy is not None
    assert (sts.fetch.outcome, sts.fetch.status, sts.fetch.address) == ("ok", 200, "127.0.0.1")
    assert (sts.policy.mode, sts.policy.mx, sts.mx_not_covered) == (
        "enforce",
        ("mx1.rcpt.example",),
        ("mx2.rcpt.example",),
    )
    assert [(t.domain, t.rua) for t in c.tls_rpt] == [
        ("rcpt.example", ("mailto:tlsrpt@rcpt.example",))
    ]
    (dane,) = c.dane
    assert (dane.mx_secure, dane.status) == (True, "partial")
    assert [(h.host, h.secure, len(h.records)) for h in dane.hosts] == [
        ("mx1.rcpt.example", True, 1),
        ("mx2.rcpt.example", False, 1),
    ]
    assert c.bimi is not None
    assert (c.bimi.logo, c.bimi.dmarc_enforced, c.bimi.problems) == (
        "https://sender.example/logo.svg",
        True,
        (),
    )
    assert [(f.severity, f.code) for f in c.findings] == [
        ("warning", "checks.mx_cname"),
        ("warning", "checks.mta_sts_mx_not_covered"),
        ("warning", "checks.blocklisted"),
        ("warning", "checks.dkim_key_removed"),
        ("notice", "checks.dane_insecure"),
        ("notice", "checks.lookups_failed"),
        ("notice", "checks.blocklist_refused"),
        ("notice", "checks.blocklist_refused"),
        ("info", "checks.allowlisted"),
        ("info", "checks.dmarc_changed"),
    ]
    # every question once, in the order asked, each answered by the loopback server
    assert c.queries == len(c.dns) <= c.budget
    assert all(q.server is not None for q in c.dns)


_VOLATILE = {"resolver", "server", "elapsed", "at", "ttl", "authoritative", "error"}


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def test_recorded_snapshot_replays_exactly(dns_server: LoopbackDns) -> None:
    policy = Policy(resolver=live(dns_server), blocklists=LISTS, as_of=AS_OF)
    report = headerlens.analyze(MSG, policy=Policy(as_of=AS_OF))
    first = run_checks(report, policy=policy)
    snapshot = StaticResolver.from_lookups(first.dns)
    again = run_checks(report, policy=Policy(resolver=snapshot, blocklists=LISTS, as_of=AS_OF))
    assert _stable(again.model_dump(mode="json")) == _stable(first.model_dump(mode="json"))
    # and once more from the JSON a user would save
    saved = StaticResolver.from_json(first.model_dump_json(include={"dns"}))
    third = run_checks(report, policy=Policy(resolver=saved, blocklists=LISTS, as_of=AS_OF))
    assert _stable(third.model_dump(mode="json")) == _stable(first.model_dump(mode="json"))


@pytest.mark.parametrize(
    ("ip", "sender", "expected"),
    [
        pytest.param("198.51.100.9", "a@inc.example", ("pass", "matched", 1, 0), id="include"),
        pytest.param(
            "2001:db8::25", "a@inc.example", ("pass", "matched", 4, 0), id="redirect-mx-ipv6"
        ),
        pytest.param("192.0.2.33", "a@inc.example", ("pass", "matched", 5, 1), id="redirect-a"),
        pytest.param("203.0.113.9", "a@inc.example", ("fail", "matched", 5, 1), id="fail"),
        pytest.param(
            "192.0.2.33", "bob@macro.example", ("pass", "matched", 1, 0), id="macro-exists"
        ),
        pytest.param(
            "192.0.2.34", "bob@macro.example", ("fail", "matched", 1, 1), id="macro-exists-no"
        ),
        pytest.param(
            "192.0.2.33", "a@loop.example", ("permerror", "lookup_limit", 11, 0), id="include-loop"
        ),
        pytest.param(
            "192.0.2.33", "a@many.example", ("permerror", "lookup_limit", 11, 0), id="eleven-a"
        ),
        pytest.param(
            "192.0.2.33",
            "a@void.example",
            ("permerror", "void_lookup_limit", 3, 3),
            id="void-limit",
        ),
        pytest.param(
            "192.0.2.33", "a@slow.example", ("temperror", "dns_error", 1, 0), id="timeout"
        ),
        pytest.param(
            "192.0.2.33", "a@broken.example", ("temperror", "dns_error", 1, 0), id="servfail"
        ),
        pytest.param("192.0.2.33", "a@big.example", ("pass", "matched", 0, 0), id="truncated-tcp"),
        pytest.param("192.0.2.33", "a@nowhere.example", ("none", "nxdomain", 0, 0), id="nxdomain"),
    ],
)
def test_check_spf_over_the_wire(
    dns_server: LoopbackDns, ip: str, sender: str, expected: tuple[str, str, int, int]
) -> None:
    got = check_spf(ip, sender, "mail.example", policy=Policy(resolver=live(dns_server)))
    assert (got.result, got.reason, got.lookups, got.void_lookups) == expected, got.detail
    assert got.resolver == "DnsResolver"


def test_truncated_udp_answer_retried_over_tcp(dns_server: LoopbackDns) -> None:
    dns_server.zone.queries.clear()
    got = live(dns_server).resolve("big.example", "TXT")
    assert got.outcome == "answer"
    assert len(got.records[0]) > 512
    assert dns_server.zone.queries == [
        ("big.example.", "TXT", "udp"),
        ("big.example.", "TXT", "tcp"),
    ]


@pytest.mark.parametrize(
    ("name", "rdtype", "expected"),
    [
        pytest.param("rcpt.example", "MX", ("answer", True, None), id="ad-set"),
        pytest.param("_25._tcp.mx2.rcpt.example", "TLSA", ("answer", False, None), id="no-ad"),
        pytest.param("mx2.rcpt.example", "A", ("answer", False, "mx1.rcpt.example"), id="cname"),
        pytest.param("nope.example", "A", ("nxdomain", None, None), id="nxdomain"),
    ],
)
def test_dns_resolver_reports_ad_and_cname(
    dns_server: LoopbackDns, name: str, rdtype: str, expected: tuple[object, ...]
) -> None:
    got = live(dns_server).resolve(name, rdtype)
    assert (got.outcome, got.secure, got.canonical_name) == expected


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        pytest.param("moved.example", ("redirect", 301, None), id="redirect-not-followed"),
        pytest.param(
            "html.example",
            ("ok", 200, ("served as text/html, not text/plain",)),
            id="wrong-content-type",
        ),
        pytest.param("badcert.example", ("tls_error", None, None), id="certificate-mismatch"),
    ],
)
def test_mta_sts_fetch_failures(
    dns_server: LoopbackDns,
    https_server: LoopbackHttps,
    domain: str,
    expected: tuple[object, ...],
) -> None:
    fetcher = HttpsFetcher(context=https_server.client_context, port=https_server.port)
    dns = CheckResolver(live(dns_server), 20)
    got = check_mta_sts(dns, domain, ("10 mx1.rcpt.example.",), fetcher)
    assert got.fetch is not None
    problems = tuple(p for p in got.policy.problems if "served as" in p) if got.policy else None
    assert (got.fetch.outcome, got.fetch.status, problems) == expected


def test_fetcher_without_address_or_scheme() -> None:
    f = HttpsFetcher(timeout=0.5)
    assert f.fetch("https://mta-sts.example/.well-known/mta-sts.txt", ()).outcome == "no_address"
    assert f.fetch("http://mta-sts.example/", ("127.0.0.1",)).outcome == "error"


def test_fetcher_connection_refused() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    got = HttpsFetcher(timeout=0.5, port=port).fetch("https://mta-sts.x.example/p", ("127.0.0.1",))
    assert got.outcome == "connect_error"


def test_nothing_is_asked_without_checks(dns_server: LoopbackDns) -> None:
    dns_server.zone.queries.clear()
    report = headerlens.analyze(MSG, policy=Policy(resolver=live(dns_server), as_of=AS_OF))
    assert report.checks is None
    # only the header analysis' own lookups: the DKIM key and today's DMARC record
    assert [(q, t) for q, t, _ in dns_server.zone.queries] == [
        ("s1._domainkey.sender.example.", "TXT"),
        ("_dmarc.sender.example.", "TXT"),
    ]


def test_no_socket_is_opened_without_a_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """The no-network guarantee: checks=True without a resolver, and check_spf offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    report = headerlens.analyze(MSG, policy=Policy(checks=True, blocklists=LISTS))
    assert report.checks is None
    assert report.network_used is False
    assert check_spf("192.0.2.10", "alice@sender.example").reason == "not_looked_up"
    offline = run_checks(report, policy=Policy(blocklists=LISTS))
    assert offline.dns
    assert {q.outcome for q in offline.dns} == {"not_looked_up"}


@pytest.mark.parametrize(
    "name",
    ["back\\slash.example", "macro%percent  space%20url-space.example", "foo:bar/baz.example"],
)
def test_odd_but_legal_names_reach_the_server(dns_server: LoopbackDns, name: str) -> None:
    dns_server.zone.queries.clear()
    got = live(dns_server).resolve(name, "A")
    assert (got.outcome, len(dns_server.zone.queries)) == ("nxdomain", 1)
