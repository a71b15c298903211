"""analyze(): the pipeline wiring, DNS transcript, network flag, defects gathered."""

from __future__ import annotations

import pytest

import headerlens
from headerlens.resolvers import DnsLookup, StaticResolver

SIGNED_LOOKING = (
    b"Received: from a.example.net (a.example.net [203.0.113.5]) by mx.example.org (Postfix)"
    b" with ESMTPS id 4RZ1; Tue, 3 Mar 2026 10:00:07 +0000\r\n"
    b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=sel;"
    b" h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n"
    b"From: Alice <alice@example.net>\r\n"
    b"Subject: hi\r\n"
    b"Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n"
    b"\r\n"
)


class NameserverResolver:
    """Pretends to ask a nameserver (sets ``server``), without any network."""

    def resolve(self, name: str, rdtype: str = "TXT") -> DnsLookup:
        return DnsLookup(
            name=name, rdtype=rdtype, outcome="nxdomain", resolver="Fake", server="127.0.0.1"
        )


def test_offline_by_default_records_questions_not_sent() -> None:
    report = headerlens.analyze(SIGNED_LOOKING)
    assert report.network_used is False
    assert [(q.name, q.outcome) for q in report.dns] == [
        ("sel._domainkey.example.net", "not_looked_up")
    ]


def test_static_resolver_is_not_network() -> None:
    policy = headerlens.Policy(resolver=StaticResolver({}))
    report = headerlens.analyze(SIGNED_LOOKING, policy=policy)
    assert report.network_used is False
    assert report.dns[0].outcome == "nxdomain"


def test_nameserver_lookups_set_network_used() -> None:
    report = headerlens.analyze(
        SIGNED_LOOKING, policy=headerlens.Policy(resolver=NameserverResolver())
    )
    assert report.network_used is True


def test_report_defects_gather_every_area_in_header_order() -> None:
    raw = (
        b"Received: from x by y; Tue, 31 Feb 2026 10:00:00 +0000\r\n"
        b"From: a@example.org\r\nFrom: b@example.org\r\n\r\n"
    )
    report = headerlens.analyze(raw)
    assert [(d.code, d.header_index) for d in report.defects] == [
        ("message.multiple_from", None),
        ("message.missing_date", None),
        ("received.invalid_date", 0),
        ("date.out_of_range", 0),
    ]


def test_strict_policy_raises_on_first_defect() -> None:
    with pytest.raises(headerlens.DefectError):
        headerlens.analyze(b"Subject: no from\r\n\r\n", policy=headerlens.Policy(strict=True))


def test_analyze_accepts_a_parsed_message() -> None:
    msg = headerlens.parse(SIGNED_LOOKING)
    assert headerlens.analyze(msg).message is msg


def test_schema_version_and_json_round_trip() -> None:
    report = headerlens.analyze(SIGNED_LOOKING)
    data = report.model_dump(mode="json")
    assert data["schema_version"] == "1.1"
    assert set(data) >= {"message", "hops", "dkim", "arc", "auth_results", "findings", "dns"}
