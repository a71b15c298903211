"""Inbound filtering services on the recipient's path (issue 14 item 1), and provider edges."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

import headerlens
from headerlens.hops import analyze_hops
from headerlens.hops.gateways import edge_of, gateway_of, gateways
from headerlens.hops.models import HopAnalysis
from headerlens.message import Message
from headerlens.policy import Policy

Build = Callable[..., Message]
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
GATEWAY_SAMPLES = SAMPLES / "gateways"

REQUIRED_VENDORS = {
    "proofpoint",
    "mimecast",
    "barracuda",
    "microsoft",
    "google",
    "cisco",
    "trendmicro",
    "sophos",
    "forcepoint",
    "symantec",
    "hornetsecurity",
    "fortinet",
}


# --- The knowledge file. ---------------------------------------------------------------------


def test_gateway_data_is_complete_and_sourced() -> None:
    text = resources.files("headerlens.hops").joinpath("data", "gateways.json").read_text("utf-8")
    raw = json.loads(text)
    assert raw["about"]
    entries = raw["gateways"]
    vendors = [g["vendor"] for g in entries]
    assert len(vendors) == len(set(vendors))
    assert set(vendors) >= REQUIRED_VENDORS
    for g in entries:
        assert g["name"]
        assert g["short"]
        assert g["documentation"].startswith("https://"), g["vendor"]
        assert g["sources"], g["vendor"]
        assert g["confidence"] in ("documented", "field"), g["vendor"]
        assert g["relays"], g["vendor"]
        for pattern in (*g["relays"], *g["edges"], *g.get("outbound", ())):
            assert pattern == pattern.lower().strip("."), pattern
            assert "." in pattern, pattern
        for pattern in (*g["edges"], *g.get("outbound", ())):
            assert gateway_of(pattern) is not None, pattern  # an edge is one of its relays
    assert len(gateways()) == len(entries)


def test_vendor_ids_are_those_of_the_spam_area() -> None:
    spam = {
        json.loads(p.read_text("utf-8")).get("vendor")
        for p in (Path(headerlens.__file__).parent / "spam" / "data").glob("*.json")
    }
    # Every filtering service the spam area decodes verdicts of has the same id here.
    assert REQUIRED_VENDORS - {"forcepoint"} <= spam


@pytest.mark.parametrize(
    ("host", "vendor"),
    [
        ("mx0a-00273201.pphosted.com", "proofpoint"),
        ("MX0A-00273201.PPHOSTED.COM.", "proofpoint"),
        ("mx1-us1.ppe-hosted.com", "proofpoint"),
        ("us-smtp-delivery-162.mimecast.com", "mimecast"),
        ("relay.mimecast.com", "mimecast"),
        ("mx-inbound21-184.us-east-2b.ess.aws.cudaops.com", "barracuda"),
        ("d123456a.ess.barracudanetworks.com", "barracuda"),
        ("esa3.hc4215-37.iphmx.com", "cisco"),
        ("NAM12-DM6-obe.outbound.protection.outlook.com", "microsoft"),
        ("mail-sor-f41.google.com", "google"),
        ("cluster1.eu.messagelabs.com", "symantec"),
        ("mx-01-eu-west-1.prod.hydra.sophos.com", "sophos"),
        ("example-com.in.tmes.trendmicro.com", "trendmicro"),
        ("cluster-a.mailcontrol.com", "forcepoint"),
        ("mx01.hornetsecurity.com", "hornetsecurity"),
        ("example.fortimailcloud.com", "fortinet"),
        ("pphosted.com.example.net", None),  # a suffix must be whole labels at the end
        ("evilpphosted.com", None),
        ("mx.example.org", None),
        ("[198.51.100.61]", None),
        (None, None),
    ],
)
def test_relay_names(host: str | None, vendor: str | None) -> None:
    g = gateway_of(host)
    assert (g.vendor if g is not None else None) == vendor


def test_edges() -> None:
    edge = edge_of("BN2PEPF000044A7.mail.protection.outlook.com")
    assert edge is not None
    assert edge.vendor == "microsoft"
    assert edge_of("mx.google.com") is not None
    assert edge_of("BN9PR03CA0512.outlook.office365.com") is None
    assert edge_of("mx0a-00273201.pphosted.com") is None


# --- The samples (samples/gateways/, samples/spam/). --------------------------------------------


def _report(path: Path, policy: Policy | None = None) -> headerlens.Report:
    return headerlens.analyze(path, policy=policy or Policy())


def _gateway_marks(report: headerlens.Report) -> dict[int, str | None]:
    return {hp.header_index: hp.gateway for hp in report.hops}


def _verdicts(report: headerlens.Report) -> dict[str, bool]:
    return {v.vendor: v.trusted for v in report.spam}


# sample, origin, boundary (header index), border (header index), gateway marks (header index
# -> vendor, every hop), trusted verdicts by vendor
CASES = [
    (
        "gateways/proofpoint-to-microsoft365.eml",
        "203.0.113.9",
        12,
        12,
        {0: None, 1: None, 2: None, 5: None, 10: "proofpoint", 11: "proofpoint",
         12: "proofpoint", 13: None},
        {"microsoft": True, "proofpoint": True},
    ),
    (
        "gateways/mimecast-to-google-workspace.eml",
        "203.0.113.9",
        11,
        11,
        {1: None, 4: None, 11: "mimecast"},
        {"mimecast": True},
    ),
    (
        "gateways/barracuda-to-exchange.eml",
        "203.0.113.9",
        15,
        15,
        {0: None, 1: None, 2: None, 15: "barracuda", 16: None},
        {"barracuda": True, "microsoft": True, "amavis": True},
    ),
    (
        "gateways/cisco-to-own-mta.eml",
        "203.0.113.9",
        12,
        12,
        {2: None, 3: None, 12: "cisco", 13: None},
        {"cisco": True},
    ),
    (
        "spam/gateway-chain-mimecast-proofpoint-rspamd.eml",
        "203.0.113.9",
        12,
        12,
        {5: None, 9: "mimecast", 12: "proofpoint"},
        {"rspamd": True, "mimecast": True, "proofpoint": True},
    ),
    (
        "gateways/forged-gateway-below-boundary.eml",
        "203.0.113.66",
        3,
        3,
        {2: None, 3: None, 6: None},
        {"proofpoint": False},
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sample", "origin", "boundary", "border", "marks", "verdicts"),
    CASES,
    ids=[c[0].rsplit("/", 1)[1].removesuffix(".eml") for c in CASES],
)
def test_gateway_samples(
    sample: str,
    origin: str,
    boundary: int,
    border: int,
    marks: dict[int, str | None],
    verdicts: dict[str, bool],
) -> None:
    report = _report(SAMPLES / sample)
    assert report.origin_ip == origin
    assert report.trust.header_index == boundary
    assert [hp.header_index for hp in report.hops if hp.border] == [border]
    assert _gateway_marks(report) == marks
    assert _verdicts(report) == verdicts
    # Every hop at or above the boundary is trusted, every one below is not.
    assert all(hp.trusted == (hp.header_index <= boundary) for hp in report.hops)
    gateway_hops = [i for i, v in marks.items() if v is not None]
    trusted_finding = [f for f in report.findings if f.code == "hops.gateway_trusted"]
    if gateway_hops:
        assert [f.header_indexes for f in trusted_finding] == [tuple(sorted(gateway_hops))]
        assert "extended across the recipient's inbound filtering service" in report.trust.rule
    else:
        assert trusted_finding == []


def test_forged_gateway_below_the_boundary_is_reported() -> None:
    report = _report(GATEWAY_SAMPLES / "forged-gateway-below-boundary.eml")
    unconnected = [f for f in report.findings if f.code == "hops.gateway_unconnected"]
    assert [f.header_indexes for f in unconnected] == [(6,)]
    assert "extended" not in report.trust.rule


def test_trust_gateways_off() -> None:
    report = _report(GATEWAY_SAMPLES / "cisco-to-own-mta.eml", Policy(trust_gateways=False))
    assert report.origin_ip == "198.51.100.143"  # the Cisco relay that connected
    assert report.trust.header_index == 3
    assert all(hp.gateway is None for hp in report.hops)
    assert _verdicts(report) == {"cisco": False}
    assert not any(f.code.startswith("hops.gateway") for f in report.findings)


def test_configured_trusted_hosts_still_extend_across_gateways() -> None:
    policy = Policy(trusted_hosts=("example.org",))
    report = _report(GATEWAY_SAMPLES / "cisco-to-own-mta.eml", policy)
    assert report.origin_ip == "203.0.113.9"
    assert report.trust.header_index == 12
    assert report.trust.rule.startswith("configured: ")
    assert _gateway_marks(report)[12] == "cisco"


def test_trusted_hosts_win_over_the_gateway_rule() -> None:
    # The relay configured as the organisation's own host is trusted as such, not as a gateway.
    policy = Policy(trusted_hosts=("example.org", "esa3.hc4215-37.iphmx.com"))
    report = _report(GATEWAY_SAMPLES / "cisco-to-own-mta.eml", policy)
    assert report.origin_ip == "203.0.113.9"
    assert report.trust.header_index == 12
    assert _gateway_marks(report)[12] is None
    assert _verdicts(report) == {"cisco": True}


# --- The rule on synthetic chains. ---------------------------------------------------------------

OWN_MX = (
    "Received: from {peer} ({rdns} [{ip}]) by mx.example.org (Postfix) with ESMTPS id A"
    " for <ivan@example.org>; Tue, 3 Mar 2026 10:00:10 +0000"
)


def _own(peer: str, ip: str, rdns: str | None = None) -> str:
    return OWN_MX.format(peer=peer, rdns=rdns or peer, ip=ip)


def _hops(build: Build, *lines: str, policy: Policy | None = None) -> HopAnalysis:
    return analyze_hops(build(*lines), policy or Policy())


def test_gap_below_the_relay_stays_untrusted(make_message: Build) -> None:
    a = _hops(
        make_message,
        _own("mx0a-00273201.pphosted.com", "198.51.100.61"),
        "Received: from mail.example.net (mail.example.net [203.0.113.9]) by"
        " smtp.example.com with ESMTPS id P; Tue, 3 Mar 2026 10:00:05 +0000",
    )
    assert a.origin_ip == "198.51.100.61"
    assert a.trust.header_index == 0
    assert [h.gateway for h in a.hops] == [None, None]
    gap = next(f for f in a.findings if f.code == "hops.gateway_gap")
    assert gap.header_indexes == (0, 1)


def test_a_relay_named_only_by_helo_is_not_believed(make_message: Build) -> None:
    # Postfix recorded no verified reverse-DNS name: the HELO name is the client's claim.
    a = _hops(
        make_message,
        _own("mx0a-00273201.pphosted.com", "203.0.113.66", rdns="unknown"),
        "Received: from mail.example.net (mail.example.net [203.0.113.9]) by"
        " mx0a-00273201.pphosted.com with ESMTPS id P; Tue, 3 Mar 2026 10:00:05 +0000",
    )
    assert a.origin_ip == "203.0.113.66"
    assert a.trust.header_index == 0
    assert any(f.code == "hops.gateway_unconnected" for f in a.findings)


# id, the fields below the organisation's own border hop, the origin: a run that is not the
# recipient's inbound path, so nothing is extended and no gateway finding is made.
NOT_GATES = [
    (
        # The sender's domain authorises the relay (SPF pass recorded by the trusted host).
        "senders-outbound-service-vouched-by-spf",
        _own("mx0b-00123401.pphosted.com", "198.51.100.70"),
        (
            "Received-SPF: pass (mx.example.org: domain of a@example.net designates"
            " 198.51.100.70 as permitted sender) client-ip=198.51.100.70;",
            "Received: from mail.example.net (mail.example.net [203.0.113.9]) by"
            " mx0b-00123401.pphosted.com with ESMTPS id P; Tue, 3 Mar 2026 10:00:05 +0000",
        ),
        "198.51.100.70",
    ),
    (
        # A Gmail user: Google's relay hands it over, but Google took it in from no one.
        "started-inside-the-service",
        _own("mail-sor-f41.google.com", "198.51.100.41"),
        (
            "Received: by mail-sor-f41.google.com with SMTP id a1csp123 for <ivan@example.org>;"
            " Tue, 03 Mar 2026 02:00:05 -0800 (PST)",
        ),
        "198.51.100.41",
    ),
    (
        # The envelope recipient changes inside Google: a group expanded, or a forward.
        "list-or-forward-inside-the-service",
        _own("mail-pj1-f77.google.com", "198.51.100.77"),
        (
            "Received: by mail-pj1-f77.google.com with SMTP id s1 for <ivan@example.org>;"
            " Tue, 03 Mar 2026 02:00:05 -0800 (PST)",
            "Received: from mail.example.net (mail.example.net. [203.0.113.9]) by mx.google.com"
            " with ESMTPS id q1 for <team@lists.example.com>;"
            " Tue, 03 Mar 2026 02:00:02 -0800 (PST)",
        ),
        "198.51.100.77",
    ),
    (
        # Google's relay for its own senders (Workspace SMTP relay).
        "senders-submission-service",
        _own("mail-lj1-f226.google.com", "198.51.100.226"),
        (
            "Received: by mail-lj1-f226.google.com with SMTP id z1 for <ivan@example.org>;"
            " Tue, 03 Mar 2026 02:00:05 -0800 (PST)",
            "Received: from app.example.net ([203.0.113.55]) by smtp-relay.gmail.com with"
            " ESMTPS id r1 for <ivan@example.org>; Tue, 03 Mar 2026 02:00:04 -0800 (PST)",
        ),
        "198.51.100.226",
    ),
]


@pytest.mark.parametrize(
    ("border", "below", "origin"), [c[1:] for c in NOT_GATES], ids=[c[0] for c in NOT_GATES]
)
def test_not_the_recipients_inbound_path(
    make_message: Build, border: str, below: tuple[str, ...], origin: str
) -> None:
    a = _hops(make_message, border, *below)
    assert a.origin_ip == origin
    assert a.trust.header_index == 0
    assert all(h.gateway is None for h in a.hops)
    assert not any(f.code.startswith("hops.gateway") for f in a.findings)


def test_two_services_in_a_row(make_message: Build) -> None:
    a = _hops(
        make_message,
        _own("us-smtp-delivery-162.mimecast.com", "198.51.100.162"),
        "Received: from mx0a-00273201.pphosted.com (mx0a-00273201.pphosted.com"
        " [198.51.100.61]) by relay.mimecast.com with ESMTP id M; Tue, 3 Mar 2026 10:00:08 +0000",
        "Received: from mail.example.net (mail.example.net [203.0.113.9]) by"
        " mx0a-00273201.pphosted.com with ESMTPS id P; Tue, 3 Mar 2026 10:00:05 +0000",
    )
    assert a.origin_ip == "203.0.113.9"
    assert a.trust.header_index == 2
    assert [h.gateway for h in a.hops] == ["proofpoint", "mimecast", None]
    assert [h.border for h in a.hops] == [True, False, False]
    assert [h.internal for h in a.hops] == [False, True, True]


def test_a_senders_service_below_a_gateway_ends_the_run(make_message: Build) -> None:
    # Proofpoint took the message in from a Gmail relay; Google's own hops below are the
    # sender's: the Gmail relay is the origin.
    a = _hops(
        make_message,
        _own("mx0a-00273201.pphosted.com", "198.51.100.61"),
        "Received: from mail-sor-f41.google.com (mail-sor-f41.google.com [198.51.100.41]) by"
        " mx0a-00273201.pphosted.com with ESMTPS id P; Tue, 3 Mar 2026 10:00:05 +0000",
        "Received: by mail-sor-f41.google.com with SMTP id a1csp123;"
        " Tue, 03 Mar 2026 02:00:04 -0800 (PST)",
    )
    assert a.origin_ip == "198.51.100.41"
    assert a.trust.header_index == 1
    assert [h.gateway for h in a.hops] == [None, "proofpoint", None]


# --- Microsoft's edge: another tenant's mail. ----------------------------------------------------

TENANT_TO_TENANT = (
    "Received: from SA1PR19MB6598.namprd19.prod.outlook.com (2001:db8:806:252::13) by"
    " MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Sat, 5 Aug 2023 01:50:25 +0000",
    "Received: from BY5PR20CA0023.namprd20.prod.outlook.com (2001:db8:a03:1f4::36) by"
    " SA1PR19MB6598.namprd19.prod.outlook.com (2001:db8:806:252::13) with Microsoft SMTP"
    " Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6652.20;"
    " Sat, 5 Aug 2023 01:50:03 +0000",
    "Received: from DM6NAM10FT006.eop-nam10.prod.protection.outlook.com"
    " (2001:db8:a03:1f4:cafe::ec) by BY5PR20CA0023.outlook.office365.com"
    " (2001:db8:a03:1f4::36) with Microsoft SMTP Server (version=TLS1_2,"
    " cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6652.21 via Frontend Transport;"
    " Sat, 5 Aug 2023 01:50:02 +0000",
    "Authentication-Results: spf=pass (sender IP is 198.51.100.233)"
    " smtp.mailfrom=example.net; dkim=pass (signature was verified) header.d=example.net;"
    "dmarc=pass action=none header.from=example.net;compauth=pass reason=100",
    "Received: from NAM10-DM6-obe.outbound.protection.outlook.com (198.51.100.233) by"
    " DM6NAM10FT006.mail.protection.outlook.com (10.13.153.14) with Microsoft SMTP Server"
    " (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6631.48 via"
    " Frontend Transport; Sat, 5 Aug 2023 01:50:02 +0000",
    "Received: from MW4PR04MB7412.namprd04.prod.outlook.com (2001:db8:303:78::8) by"
    " BL3PR04MB7947.namprd04.prod.outlook.com (2001:db8:208:342::10) with Microsoft SMTP"
    " Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6652.21;"
    " Sat, 5 Aug 2023 01:49:39 +0000",
    "Received: from MW4PR04MB7412.namprd04.prod.outlook.com ([fe80::56f3:5435:9a39:ebe2]) by"
    " MW4PR04MB7412.namprd04.prod.outlook.com ([fe80::56f3:5435:9a39:ebe2%6]) with mapi id"
    " 15.20.6631.046; Sat, 5 Aug 2023 01:49:39 +0000",
)


def test_another_tenants_mail_stops_at_microsofts_edge(make_message: Build) -> None:
    a = _hops(make_message, *TENANT_TO_TENANT)
    assert a.origin_ip == "198.51.100.233"  # what Microsoft's edge recorded, not fe80::
    assert a.trust.header_index == 4
    assert [h.header_index for h in a.hops if h.border] == [4]
    assert "an Internet edge of Microsoft 365 (EOP)" in a.trust.rule
    # The sending tenant's hops below are Microsoft's too: neither forged nor impersonating.
    codes = {f.code for f in a.findings}
    assert codes.isdisjoint(
        {"hops.forged_trusted_host", "hops.helo_impersonation", "hops.gateway_unconnected"}
    )
    assert all(h.gateway is None for h in a.hops)


def test_a_private_address_is_never_the_origin(make_message: Build) -> None:
    # Internal mail: every peer is inside; the only addresses are link-local and private.
    a = _hops(
        make_message,
        "Received: from EXCH02.corp.example.com (10.20.0.12) by EXCH01.corp.example.com"
        " (10.20.0.11) with Microsoft SMTP Server id 15.2.1544.14; Tue, 3 Mar 2026 10:00:01 +0100",
        "Received: from EXCH02.corp.example.com ([fe80::5d2c:91a4:3e0b:7f16]) by"
        " EXCH02.corp.example.com ([fe80::5d2c:91a4:3e0b:7f16%12]) with mapi id 15.02.1544.014;"
        " Tue, 3 Mar 2026 10:00:00 +0100",
    )
    assert a.origin_ip is None
    assert a.trust.header_index == 1


def test_internal_mail_has_no_origin_even_with_public_addresses(make_message: Build) -> None:
    a = _hops(
        make_message,
        "Received: from app.example.org (app.example.org [198.51.100.20]) by mx.example.org"
        " (Postfix) with ESMTP id A; Tue, 3 Mar 2026 10:00:01 +0000",
        "Received: by app.example.org (Postfix, from userid 0) id B;"
        " Tue, 3 Mar 2026 10:00:00 +0000",
    )
    assert a.trust.header_index == 1
    assert a.origin_ip is None


def test_with_nothing_to_go_on_the_top_peer_is_the_origin(make_message: Build) -> None:
    a = _hops(
        make_message,
        "Received: from sender.example.net ([203.0.113.5]) by 192.0.2.1 with SMTP;"
        " Tue, 3 Mar 2026 10:00:01 +0000",
    )
    assert a.trust.rule == "inferred: topmost Received field only"
    assert a.origin_ip == "203.0.113.5"


def test_the_origin_is_read_from_the_border_peer_only(make_message: Build) -> None:
    # The edge's peer address is unreadable: no origin, rather than an internal address above.
    lines = list(TENANT_TO_TENANT[:3])
    lines.append(
        "Received: from mvphfyu.example.xyz (198.51.100.x) by"
        " DU2PEPF00028D09.mail.protection.outlook.com (10.167.242.169) with Microsoft SMTP"
        " Server id 15.20.8722.22 via Frontend Transport; Sat, 5 Aug 2023 01:50:02 +0000"
    )
    a = _hops(make_message, *lines)
    assert a.trust.header_index == 3
    assert a.origin_ip is None


# --- The conformance text check of the rule words. --------------------------------------------


def test_rule_words_name_the_services() -> None:
    report = _report(SAMPLES / "spam" / "gateway-chain-mimecast-proofpoint-rspamd.eml")
    assert re.search(r"service\(s\) Mimecast, Proofpoint: 2 Received field\(s\)", report.trust.rule)
    assert "identified by its reverse DNS" in report.trust.rule


_IP_LIKE = re.compile(
    rb"(?<![\w.:/])(?:\d{1,3}\.){3}\d{1,3}(?![\w./])|(?<![\w:])[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])",
    re.I,
)
_DOC_OR_PRIVATE = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32",
              "10.0.0.0/8", "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fe80::/10")
)  # fmt: skip


@pytest.mark.parametrize("path", sorted(GATEWAY_SAMPLES.glob("*.eml")), ids=lambda p: p.stem)
def test_gateway_samples_use_documentation_addresses(path: Path) -> None:
    found = []
    for m in _IP_LIKE.finditer(path.read_bytes()):
        try:
            ip = ipaddress.ip_address(m.group().decode())
        except ValueError:
            continue  # a version number, a time or an id
        if not any(ip.version == n.version and ip in n for n in _DOC_OR_PRIVATE):
            found.append(str(ip))
    assert found == []


EOP = (
    " with Microsoft SMTP Server (version=TLS1_2,"
    " cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8722.21"
)
FROM_EOP = (
    "Received: from NAM12-DM6-obe.outbound.protection.outlook.com"
    " (mail-dm6nam12on2070.outbound.protection.outlook.com [198.51.100.70]) by"
    " mx.example.org (Postfix) with ESMTPS id A; Tue, 3 Mar 2026 10:00:10 +0000"
)


def test_exchange_online_protection_in_front_of_an_own_server(make_message: Build) -> None:
    # EOP filters for an organisation's own server; in front of EOP, Proofpoint: EOP's edge
    # received from a known service, so the run goes on into Proofpoint's field.
    eop = EOP
    a = _hops(
        make_message,
        FROM_EOP,
        "Received: from BN9PR03CA0512.namprd03.prod.outlook.com (2001:db8:408:130::7) by"
        f" DM6PR12MB4032.namprd12.prod.outlook.com (2001:db8:806:321::14){eop};"
        " Tue, 3 Mar 2026 10:00:09 +0000",
        "Received: from mx0a-00273201.pphosted.com (198.51.100.61) by"
        f" BN2PEPF000044A7.mail.protection.outlook.com (10.167.243.152){eop} via Frontend"
        " Transport; Tue, 3 Mar 2026 10:00:08 +0000",
        "Received: from mail.example.net (mail.example.net [203.0.113.9]) by"
        " mx0a-00273201.pphosted.com with ESMTPS id P; Tue, 3 Mar 2026 10:00:05 +0000",
    )
    assert a.origin_ip == "203.0.113.9"
    assert a.trust.header_index == 3
    assert [h.gateway for h in a.hops] == ["proofpoint", "microsoft", "microsoft", None]
    assert "Microsoft 365 (EOP), Proofpoint" in a.trust.rule


def test_another_tenant_through_exchange_online_protection_stops_at_its_edge(
    make_message: Build,
) -> None:
    # The same EOP in front of an own server, but the sender is another Microsoft 365 tenant:
    # EOP's edge took the message in from that tenant's outbound relay.
    eop = EOP
    a = _hops(
        make_message,
        FROM_EOP,
        "Received: from NAM10-BN7-obe.outbound.protection.outlook.com (198.51.100.233) by"
        f" BN2PEPF000044A7.mail.protection.outlook.com (10.167.243.152){eop} via Frontend"
        " Transport; Tue, 3 Mar 2026 10:00:08 +0000",
        "Received: from MW4PR04MB7412.namprd04.prod.outlook.com ([fe80::56f3:5435:9a39:ebe2])"
        " by MW4PR04MB7412.namprd04.prod.outlook.com ([fe80::56f3:5435:9a39:ebe2%6]) with mapi"
        " id 15.20.6631.046; Tue, 3 Mar 2026 10:00:05 +0000",
    )
    assert a.origin_ip == "198.51.100.233"
    assert a.trust.header_index == 1
    assert [h.gateway for h in a.hops] == [None, "microsoft", None]
