"""The hop models are built without pydantic validation; they must equal validated ones."""

from __future__ import annotations

import json

import pytest

from headerlens.hops import analyze_hops, parse_received
from headerlens.hops.models import HopAnalysis, Received
from headerlens.parse import parse
from headerlens.policy import Policy

MESSAGE = (
    b"Received: from mx.example.org (mx.example.org [192.0.2.7]) by inbox.example.net"
    b" (Postfix) with ESMTPS id 4Z1 for <bob@example.net>; Tue, 3 Mar 2026 09:50:05 +0000\r\n"
    b"X-Received: by 2002:a05:6000:1:: with SMTP id x1; Tue, 3 Mar 2026 09:00:01 -0800 (PST)\r\n"
    b"Received: from sender.example.com ([198.51.100.9]:4567 helo=sender.example.com)\r\n"
    b"\tby mx.example.org with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384\r\n"
    b"\t(Exim 4.96) (envelope-from <a@example.com>) id 1abcde-000123-AB;"
    b" Tue, 03 Mar 2026 10:00:09 +0000\r\n"
    b"Received: (qmail 4012 invoked by uid 109); 3 Mar 2026 09:59:00 -0000\r\n"
    b"Received: from x (unknown) by y; junk date\r\n"
    b"Received: by ;\r\n"
    b"Received: \r\n"
    b"DKIM-Signature: v=1; d=example.com; t=1772531999; x=1772618399; b=x\r\n"
    b"Date: Tue, 3 Mar 2026 10:20:00 +0000\r\n"
    b"Date: Tue, 3 Mar 2026 10:20:00 EST\r\n"
    b"Authentication-Results: inbox.example.net; spf=pass\r\n"
    b"From: a@example.com\r\n\r\nbody\r\n"
)


def _same(model: object, cls: type[HopAnalysis] | type[Received]) -> None:
    dumped = model.model_dump()  # type: ignore[attr-defined]
    validated = cls.model_validate(dumped)
    assert validated == model
    # Same field order everywhere (the JSON reports depend on it).
    assert json.loads(validated.model_dump_json()) == json.loads(
        model.model_dump_json()  # type: ignore[attr-defined]
    )
    assert validated.model_dump_json() == model.model_dump_json()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "policy",
    [Policy(), Policy(trusted_hosts=("example.net",))],
    ids=["inferred", "configured"],
)
def test_analysis_equals_validated(policy: Policy) -> None:
    result = analyze_hops(parse(MESSAGE), policy)
    assert result.hops
    assert result.timeline
    assert result.clock_skew
    _same(result, HopAnalysis)


def test_no_received_equals_validated() -> None:
    _same(
        analyze_hops(parse(b"Date: Tue, 3 Mar 2026 10:20:00 +0000\r\n\r\n"), Policy()), HopAnalysis
    )


@pytest.mark.parametrize(
    "value",
    [
        "",
        "from a (b [192.0.2.1]) by c with ESMTPSA (using TLSv1.3 with cipher X (256/256 bits));"
        " Tue, 3 Mar 2026 10:00:01 +0000 (UTC)",
        "by x; 3 Mar 2026 10:00 +0000 for y",
    ],
    ids=["empty", "postfix-tls", "text-after-date"],
)
def test_received_equals_validated(value: str) -> None:
    _same(parse_received(value), Received)


def test_quoted_pair_before_line_end_is_kept() -> None:
    # RFC 5322 quoted-pair is "\" followed by a visible character or white space; a backslash
    # before a line end is left as it stands.
    assert parse_received('from a by b id "x\\\ny"; Tue, 3 Mar 2026 10:00:01 +0000').id == "x\\\ny"
    assert parse_received('from a by b id "x\\"y"; Tue, 3 Mar 2026 10:00:01 +0000').id == 'x"y'


@pytest.mark.parametrize(
    ("value", "comments", "codes"),
    [
        (
            "from a by b; Tue, 3 Mar 2026 10:00:01 -0700 (PDT)",
            ("(PDT)",),
            [],
        ),
        (
            "from a by b; Tue, 3 Mar 2026 10:00:01 -0700 (PDT) (open",
            ("(PDT)", "(open"),
            ["received.unterminated_comment"],
        ),
        (
            "from a (x; y) by b; Tue, 3 Mar 2026 10:00:01 +0000",
            ("(x; y)",),
            [],
        ),
        (
            "from a (x by b; Tue, 3 Mar 2026 10:00:01 +0000",
            ("(x by b; Tue, 3 Mar 2026 10:00:01 +0000",),
            ["received.unterminated_comment", "received.no_date", "received.no_by"],
        ),
    ],
    ids=["zone-comment", "unclosed-after-date", "semicolon-in-comment", "date-inside-comment"],
)
def test_date_part_shortcut(value: str, comments: tuple[str, ...], codes: list[str]) -> None:
    # The date part is tokenized only as far as needed; comments and defects stay complete.
    r = parse_received(value)
    assert r.comments == comments
    assert [d.code for d in r.defects] == codes
