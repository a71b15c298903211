"""run_checks() and analyze(checks=True) over saved DNS (StaticResolver): one case per
problem a sender or recipient domain can have, with the findings it must give."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

import headerlens
from headerlens import Limits, Policy, StaticResolver, run_checks
from headerlens.checks import HttpsFetch, LiveChecks
from headerlens.resolvers import FailureKey

AS_OF = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)


def message(
    *,
    mail_from: str = "alice@sender.example",
    helo: str = "mail.sender.example",
    rdns: str = "mail.sender.example",
    ip: str = "192.0.2.10",
    dmarc_comment: str = "(p=quarantine dis=none)",
    extra: str = "",
) -> bytes:
    domain = mail_from.rpartition("@")[2]
    text = (
        f"Return-Path: <{mail_from}>\n"
        "Authentication-Results: mx.rcpt.example; spf=pass"
        f" smtp.mailfrom={mail_from}; dmarc=pass {dmarc_comment} header.from=sender.example\n"
        f"Received: from {helo} ({rdns} [{ip}]) by mx.rcpt.example (Postfix) with ESMTPS"
        " id 4RZ1 for <bob@rcpt.example>; Tue, 3 Mar 2026 10:00:05 +0000\n"
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=sender.example; s=s1;"
        " h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\n"
        f"{extra}"
        "From: Alice <alice@sender.example>\n"
        "To: Bob <bob@rcpt.example>\n"
        f"Subject: for {domain}\n"
        "Date: Tue, 3 Mar 2026 10:00:00 +0000\n"
        "\n"
        "body\n"
    )
    return text.replace("\n", "\r\n").encode()


GOOD: dict[str, Any] = {
    "sender.example": {"TXT": ["v=spf1 ip4:192.0.2.0/24 -all"], "MX": ["10 mail.sender.example"]},
    "mail.sender.example": {"A": ["192.0.2.10"], "TXT": ["v=spf1 a -all"]},
    "10.2.0.192.in-addr.arpa": {"PTR": ["mail.sender.example."]},
    "_dmarc.sender.example": "v=DMARC1; p=quarantine; rua=mailto:d@sender.example",
    "s1._domainkey.sender.example": "v=DKIM1; k=rsa; p=KEYONE",
    "rcpt.example": {"MX": ["10 mx.rcpt.example."]},
    "mx.rcpt.example": {"A": ["192.0.2.50"]},
}


def zone(
    changes: Mapping[str, Any] | None = None,
    *,
    drop: tuple[str, ...] = (),
    failures: Mapping[FailureKey, str] | None = None,
    secure: Mapping[str, bool] | None = None,
) -> StaticResolver:
    records = {k: v for k, v in GOOD.items() if k not in drop}
    records.update(changes or {})
    return StaticResolver(records, failures=failures, secure=secure)


def checks(
    resolver: StaticResolver, msg: bytes | None = None, **policy: Any
) -> tuple[LiveChecks, list[tuple[str, str]]]:
    report = headerlens.analyze(
        msg or message(), policy=Policy(resolver=resolver, checks=True, as_of=AS_OF, **policy)
    )
    assert report.checks is not None
    return report.checks, [(f.severity, f.code) for f in report.checks.findings]


def test_a_healthy_setup_gives_no_findings() -> None:
    live, found = checks(zone())
    assert found == []
    assert [(s.identity, s.check.result, s.recorded, s.comparison) for s in live.spf] == [
        ("mailfrom", "pass", "pass", "same"),
        ("helo", "pass", None, "not_recorded"),
    ]
    assert [(k.status, k.key_then == k.key_now) for k in live.dkim_keys] == [("same", True)]
    assert live.dmarc is not None
    assert (live.dmarc.applied, live.dmarc.comparison, live.dmarc.changes) == (
        "quarantine",
        "same",
        (),
    )
    assert (live.checked_at, live.checked_at_source, live.resolver) == (
        AS_OF,
        "policy",
        "StaticResolver",
    )
    assert (live.origin_ip, live.envelope_sender, live.helo, live.from_domain) == (
        "192.0.2.10",
        "alice@sender.example",
        "mail.sender.example",
        "sender.example",
    )
    assert live.recipient_domains == ("rcpt.example",)
    assert [(m.domain, m.roles, m.accepts_mail) for m in live.mx] == [
        ("sender.example", ("envelope-sender", "from"), True),
        ("rcpt.example", ("recipient",), True),
    ]
    assert [d.status for d in live.dane] == ["none"]
    assert live.skipped == ()
    assert live.queries == len(live.dns)
    assert len({(q.name.lower(), q.rdtype) for q in live.dns}) == len(live.dns)


CASES = [
    pytest.param(
        {
            "sender.example": {
                "TXT": ["v=spf1 ip4:198.51.100.0/24 -all"],
                "MX": ["10 mail.sender.example"],
            }
        },
        {},
        [("warning", "checks.spf_fail_now"), ("notice", "checks.spf_changed")],
        id="spf-fails-now",
    ),
    pytest.param(
        {
            "sender.example": {
                "TXT": ["v=spf1 ip4:192.0.2.0/24 foo -all"],
                "MX": ["10 mail.sender.example"],
            }
        },
        {},
        [("warning", "checks.spf_error_now"), ("notice", "checks.spf_changed")],
        id="spf-syntax-error-now",
    ),
    pytest.param(
        {"sender.example": {"MX": ["10 mail.sender.example"]}},
        {},
        [("notice", "checks.spf_none_now"), ("notice", "checks.spf_changed")],
        id="spf-removed",
    ),
    pytest.param(
        {"mail.sender.example": {"A": ["192.0.2.10"], "TXT": ["v=spf1 -all"]}},
        {},
        [("notice", "checks.helo_spf_fail_now")],
        id="helo-spf-fails",
    ),
    pytest.param(
        {"10.2.0.192.in-addr.arpa": {}},
        {},
        [("warning", "checks.ptr_missing"), ("info", "checks.rdns_changed")],
        id="ptr-missing",
    ),
    pytest.param(
        {
            "10.2.0.192.in-addr.arpa": {"PTR": ["host.isp.example"]},
            "host.isp.example": {"A": ["192.0.2.99"]},
        },
        {},
        [
            ("warning", "checks.ptr_not_confirmed"),
            ("notice", "checks.helo_not_ptr"),
            ("info", "checks.rdns_changed"),
        ],
        id="ptr-not-forward-confirmed",
    ),
    pytest.param(
        {
            "10.2.0.192.zen.spamhaus.org": {"A": ["127.0.0.2"], "TXT": ["see the list"]},
            "10.2.0.192.list.dnswl.org": {"A": ["127.0.3.3"]},
            "10.2.0.192.bl.spamcop.net": {"A": ["10.0.0.1"]},
        },
        {
            "blocklists": (
                "zen.spamhaus.org",
                "list.dnswl.org",
                "bl.spamcop.net",
                "psbl.surriel.com",
            )
        },
        [
            ("warning", "checks.blocklisted"),
            ("notice", "checks.blocklist_refused"),
            ("info", "checks.allowlisted"),
        ],
        id="block-and-allow-lists",
    ),
    pytest.param(
        {"s1._domainkey.sender.example": "v=DKIM1; k=rsa; p="},
        {},
        [("warning", "checks.dkim_key_revoked")],
        id="dkim-revoked",
    ),
    pytest.param(
        {"_dmarc.sender.example": {}},
        {},
        [("warning", "checks.dmarc_missing")],
        id="dmarc-missing",
    ),
    pytest.param(
        {"_dmarc.sender.example": ["v=DMARC1; p=reject", "v=DMARC1; p=none"]},
        {},
        [("warning", "checks.dmarc_invalid")],
        id="dmarc-two-records",
    ),
    pytest.param(
        {"_dmarc.sender.example": "v=DMARC1; p=none"},
        {},
        [
            ("notice", "checks.dmarc_monitoring"),
            ("info", "checks.dmarc_no_reports"),
            ("info", "checks.dmarc_changed"),
        ],
        id="dmarc-weakened-to-none",
    ),
    pytest.param(
        {"_dmarc.sender.example": "v=DMARC1; p=quarantine; pct=25; rua=mailto:d@sender.example"},
        {},
        [("notice", "checks.dmarc_partial")],
        id="dmarc-pct",
    ),
    pytest.param(
        {"sender.example": {"TXT": ["v=spf1 ip4:192.0.2.0/24 -all"], "MX": ["0 ."]}},
        {},
        [("notice", "checks.mx_null")],
        id="null-mx",
    ),
    pytest.param(
        {
            "sender.example": {
                "TXT": ["v=spf1 ip4:192.0.2.0/24 -all"],
                "MX": ["5 mx.sender.example"],
            },
            "mx.sender.example": {"CNAME": ["mail.sender.example"]},
        },
        {},
        [("warning", "checks.mx_cname")],
        id="mx-points-at-cname",
    ),
    pytest.param(
        {
            "sender.example": {
                "TXT": ["v=spf1 ip4:192.0.2.0/24 -all"],
                "MX": ["10 gone.sender.example"],
            }
        },
        {},
        [("warning", "checks.mx_unreachable")],
        id="mx-without-address",
    ),
    pytest.param(
        {
            "default._bimi.sender.example": "v=BIMI1; l=https://sender.example/l.svg;",
            "_dmarc.sender.example": "v=DMARC1; p=quarantine; pct=50; rua=mailto:d@sender.example",
        },
        {},
        [("notice", "checks.dmarc_partial"), ("notice", "checks.bimi_not_enforced")],
        id="bimi-without-enforcement",
    ),
    pytest.param(
        {
            "_mta-sts.rcpt.example": "v=STSv1;",
            "_smtp._tls.rcpt.example": "v=TLSRPTv1; ruf=mailto:x@rcpt.example",
            "_25._tcp.mx.rcpt.example": {"TLSA": ["1 0 1 abcd"]},
        },
        {},
        [
            ("warning", "checks.mta_sts_invalid"),
            ("notice", "checks.tls_rpt_invalid"),
            ("notice", "checks.dane_insecure"),
            ("notice", "checks.dane_unusable"),
        ],
        id="recipient-transport-records-broken",
    ),
]


@pytest.mark.parametrize(("changes", "policy", "expected"), CASES)
def test_findings(
    changes: dict[str, Any], policy: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    _, found = checks(zone(changes), **policy)
    assert found == expected


def test_blocklist_codes_are_decoded() -> None:
    live, _ = checks(
        zone(
            {
                "10.2.0.192.zen.spamhaus.org": {"A": ["127.0.0.2", "127.0.0.11"]},
                "10.2.0.192.list.dnswl.org": {"A": ["127.0.3.3"]},
                "10.2.0.192.dnsbl.example": {"A": ["127.0.0.9"]},
            }
        ),
        blocklists=("zen.spamhaus.org", "list.dnswl.org", "dnsbl.example", "psbl.surriel.com"),
    )
    assert [(b.zone, b.kind, b.listed, b.codes, b.meanings) for b in live.blocklists] == [
        (
            "zen.spamhaus.org",
            "block",
            True,
            ("127.0.0.2", "127.0.0.11"),
            (
                "127.0.0.2: SBL: a spam source or spam operation Spamhaus verified",
                "127.0.0.11: PBL (Spamhaus-maintained): an end-user range that should not send"
                " mail directly",
            ),
        ),
        (
            "list.dnswl.org",
            "allow",
            True,
            ("127.0.3.3",),
            ("127.0.3.3: category: email service providers; trust: high",),
        ),
        (
            "dnsbl.example",
            "block",
            True,
            ("127.0.0.9",),
            ("127.0.0.9: listed (no documented meaning for this code)",),
        ),
        ("psbl.surriel.com", "block", False, (), ()),
    ]
    assert [b.name for b in live.blocklists][:1] == ["10.2.0.192.zen.spamhaus.org"]


def test_ipv6_blocklist_name_uses_nibbles() -> None:
    msg = message(ip="2001:db8::25")
    live, _ = checks(zone(), msg, blocklists=("zen.spamhaus.org",))
    assert live.blocklists[0].name == (
        "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org"
    )


@pytest.mark.parametrize(
    ("then", "now", "status"),
    [
        pytest.param("v=DKIM1; p=KEYONE", "v=DKIM1; p=KEY TWO", "rotated", id="rotated"),
        pytest.param("v=DKIM1; p=KEYONE", None, "removed", id="removed"),
        pytest.param("v=DKIM1; p=KEYONE", "v=DKIM1; p=", "revoked", id="revoked"),
        pytest.param("v=DKIM1; p=KEYONE", "v=DKIM1; p=KEY ONE", "same", id="whitespace-same"),
        pytest.param(None, "v=DKIM1; p=KEYONE", "published", id="nothing-then"),
        pytest.param("v=DKIM1; p=KEYONE", "timeout", "unavailable", id="timeout-now"),
    ],
)
def test_dkim_key_then_and_now(then: str | None, now: str | None, status: str) -> None:
    then_zone = zone(
        {"s1._domainkey.sender.example": then} if then else None,
        drop=() if then else ("s1._domainkey.sender.example",),
    )
    report = headerlens.analyze(message(), policy=Policy(resolver=then_zone, as_of=AS_OF))
    if now == "timeout":
        now_zone = zone(failures={"s1._domainkey.sender.example": "timeout"})
    elif now is None:
        now_zone = zone(drop=("s1._domainkey.sender.example",))
    else:
        now_zone = zone({"s1._domainkey.sender.example": now})
    live = run_checks(report, policy=Policy(resolver=now_zone, as_of=AS_OF))
    codes = {
        "rotated": ["checks.dkim_key_rotated"],
        "removed": ["checks.dkim_key_removed"],
        "revoked": ["checks.dkim_key_revoked"],
    }.get(status, [])
    assert [k.status for k in live.dkim_keys] == [status]
    assert [f.code for f in live.findings if f.code.startswith("checks.dkim")] == codes


def test_sender_domain_gone() -> None:
    msg = message(mail_from="alice@gone.example")
    _, found = checks(zone(), msg)
    assert found == [
        ("critical", "checks.domain_missing"),
        ("notice", "checks.spf_none_now"),
        ("notice", "checks.spf_changed"),
    ]


def test_dmarc_org_domain_fallback_and_np() -> None:
    msg = message(extra="").replace(
        b"From: Alice <alice@sender.example>", b"From: Alice <alice@ghost.sender.example>"
    )
    live, _ = checks(
        zone({"_dmarc.sender.example": "v=DMARC1; p=reject; sp=quarantine; np=reject"}), msg
    )
    assert live.dmarc is not None
    assert (
        live.dmarc.name,
        live.dmarc.org_domain_fallback,
        live.dmarc.domain_exists,
        live.dmarc.applied,
        live.dmarc.applied_tag,
    ) == ("_dmarc.sender.example", True, False, "reject", "np")


class FakeFetcher:
    def __init__(self, result: HttpsFetch) -> None:
        self.result = result
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def fetch(self, url: str, addresses: tuple[str, ...]) -> HttpsFetch:
        self.asked.append((url, addresses))
        return self.result


def test_mta_sts_through_an_injected_fetcher() -> None:
    policy_text = "version: STSv1\nmode: enforce\nmx: *.rcpt.example\nmax_age: 604800\n"
    ok = FakeFetcher(
        HttpsFetch(url="x", outcome="ok", status=200, content_type="text/plain", body=policy_text)
    )
    recipient = {
        "_mta-sts.rcpt.example": "v=STSv1; id=20260301",
        "mta-sts.rcpt.example": {"A": ["192.0.2.80"], "AAAA": ["2001:db8::80"]},
        "rcpt.example": {"MX": ["10 mx.rcpt.example.", "20 backup.other.example."]},
        "backup.other.example": {"A": ["192.0.2.81"]},
    }
    live, found = checks(zone(recipient), mta_sts_fetcher=ok)
    assert ok.asked == [
        ("https://mta-sts.rcpt.example/.well-known/mta-sts.txt", ("192.0.2.80", "2001:db8::80"))
    ]
    (sts,) = live.mta_sts
    assert sts.policy is not None
    assert (sts.policy.mode, sts.policy.mx, sts.policy.max_age, sts.policy.problems) == (
        "enforce",
        ("*.rcpt.example",),
        604800,
        (),
    )
    assert sts.mx_not_covered == ("backup.other.example",)
    assert found == [("warning", "checks.mta_sts_mx_not_covered")]

    failing = FakeFetcher(HttpsFetch(url="x", outcome="http_error", status=404))
    _, found = checks(zone(recipient), mta_sts_fetcher=failing)
    assert found == [("warning", "checks.mta_sts_policy_unavailable")]


def test_no_fetch_without_a_fetcher() -> None:
    live, found = checks(zone({"_mta-sts.rcpt.example": "v=STSv1; id=1"}))
    (sts,) = live.mta_sts
    assert (sts.record, sts.fetch, sts.policy) == ("v=STSv1; id=1", None, None)
    assert found == []


def test_query_budget_stops_the_run() -> None:
    live, found = checks(zone(), limits=Limits(max_dns_queries=3))
    assert (live.queries, live.budget, live.budget_exhausted) == (3, 3, True)
    assert ("notice", "checks.budget_exhausted") in found
    assert all(q.outcome == "not_looked_up" and "budget" in (q.error or "") for q in live.dns[3:])


def test_failed_lookups_are_reported_not_guessed() -> None:
    live, found = checks(
        zone(failures={"_dmarc.sender.example": "servfail", ("sender.example", "MX"): "timeout"})
    )
    assert live.dmarc is not None
    assert (live.dmarc.outcome, live.dmarc.comparison) == ("servfail", "not_checked")
    assert [(m.domain, m.outcome, m.accepts_mail) for m in live.mx][:1] == [
        ("sender.example", "timeout", None)
    ]
    assert found == [("notice", "checks.lookups_failed")]


def test_checks_never_appear_unless_asked() -> None:
    resolver = zone()
    with_resolver = headerlens.analyze(message(), policy=Policy(resolver=resolver))
    assert with_resolver.checks is None
    no_resolver = headerlens.analyze(message(), policy=Policy(checks=True))
    assert no_resolver.checks is None
    assert "checks" in no_resolver.model_dump(mode="json")  # null, never a time


def test_checks_keep_their_findings_apart_from_the_headers() -> None:
    plain = headerlens.analyze(message(), policy=Policy(resolver=zone(), as_of=AS_OF))
    checked = headerlens.analyze(
        message(),
        policy=Policy(resolver=zone({"10.2.0.192.in-addr.arpa": {}}), as_of=AS_OF, checks=True),
    )
    assert checked.findings == plain.findings
    assert checked.dns == plain.dns
    assert checked.checks is not None
    assert checked.checks.findings


def test_run_checks_argument_types() -> None:
    with pytest.raises(TypeError):
        run_checks(b"not a report", policy=Policy())  # type: ignore[arg-type]
    report = headerlens.analyze(message())
    with pytest.raises(TypeError):
        run_checks(report, policy=None)  # type: ignore[arg-type]


def test_offline_run_checks_asks_nothing() -> None:
    report = headerlens.analyze(message())
    live = run_checks(report, policy=Policy())
    assert live.resolver == "OfflineResolver"
    assert live.dns
    assert all(q.outcome == "not_looked_up" for q in live.dns)
    assert [s.comparison for s in live.spf] == ["not_checked", "not_checked"]


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"From: nobody\r\n\r\n",
        b"Received: from x ([999.1.1.1]) by y; Tue, 3 Mar 2026 10:00:05 +0000\r\n\r\n",
        message(mail_from="", helo="[192.0.2.10]"),
        message(ip="10.1.2.3"),
        message(mail_from="\u00e9l\u00e8ve@b\u00fccher.example"),
    ],
    ids=["empty", "no-hops", "bad-ip", "null-sender-literal-helo", "private-ip", "idn"],
)
def test_odd_messages_never_raise(raw: bytes) -> None:
    report = headerlens.analyze(raw, policy=Policy(resolver=zone(), checks=True, as_of=AS_OF))
    assert report.checks is not None
    assert report.checks.checked_at == AS_OF


def test_private_origin_is_not_looked_up() -> None:
    # A private address is never the origin of Internet mail (the hop chain gives none).
    live, _ = checks(zone(), message(ip="10.1.2.3"), blocklists=("zen.spamhaus.org",))
    assert live.reverse_dns == ()
    assert live.blocklists == ()
    assert live.skipped == ("SPF, reverse DNS and block lists: the report names no origin IP.",)


def test_received_spf_without_identity_is_about_mail_from() -> None:
    msg = message().replace(
        b"Authentication-Results: mx.rcpt.example; spf=pass",
        b"Received-SPF: Fail (mx.rcpt.example: domain of sender.example does not designate"
        b" 192.0.2.10 as permitted sender) receiver=mx.rcpt.example; client-ip=192.0.2.10;"
        b" helo=mail.sender.example;\r\nAuthentication-Results: mx.rcpt.example; x=pass",
    )
    live, _ = checks(zone(), msg)
    assert [(s.identity, s.recorded, s.recorded_by, s.comparison) for s in live.spf] == [
        ("mailfrom", "fail", "received-spf", "changed"),
        ("helo", None, None, "not_recorded"),
    ]


def test_single_label_recipient_is_not_a_domain() -> None:
    msg = message().replace(b"for <bob@rcpt.example>", b"for <phishing@pot>")
    msg = msg.replace(b"To: Bob <bob@rcpt.example>", b"To: phishing@pot")
    live, _ = checks(zone(), msg)
    assert live.recipient_domains == ()
    assert "MTA-STS, TLS-RPT and DANE: no recipient domain found in the headers." in live.skipped


def test_redaction_covers_the_checks() -> None:
    live_zone = zone({"10.2.0.192.zen.spamhaus.org": {"A": ["127.0.0.4"]}})
    report = headerlens.analyze(
        message(),
        policy=Policy(
            resolver=live_zone, checks=True, as_of=AS_OF, blocklists=("zen.spamhaus.org",)
        ),
    )
    redacted = report.redact(b"k" * 32)
    assert redacted.checks is not None
    text = redacted.checks.model_dump_json()
    assert [n for n in ("sender.example", "rcpt.example", "192.0.2.10", "alice") if n in text] == []
    assert redacted.checks.blocklists[0].codes == ("127.0.0.4",)
    assert [f.code for f in redacted.checks.findings] == [f.code for f in report.checks.findings]
