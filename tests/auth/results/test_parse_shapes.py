"""Real-world Authentication-Results shapes (domains anonymised), one row per sender/quirk.

Each row compares the whole reading in a compact form: authserv-id, version, instance, every
result as (method, result, reason, properties, comments), the repairs, the defect codes
and conformance.
"""

from __future__ import annotations

from typing import Any

import pytest

from headerlens.auth.models import AuthResultsHeader
from headerlens.auth.results import explain_compauth_reason, parse_authentication_results


def _compact(h: AuthResultsHeader) -> dict[str, Any]:
    return {
        "id": h.authserv_id,
        "version": h.version,
        "instance": h.instance,
        "results": [
            (
                r.method,
                r.result,
                r.reason,
                tuple((p.ptype, p.name, p.value) for p in r.properties),
                r.comments,
            )
            for r in h.results
        ],
        "repairs": list(h.repairs),
        "defects": [d.code for d in h.defects],
        "conformant": h.conformant,
    }


CASES = [
    pytest.param(
        "spf=pass (sender IP is 203.0.113.7) smtp.mailfrom=example.com; dkim=pass (signature"
        " was verified) header.d=example.com;dmarc=pass action=none header.from=example.com;"
        "compauth=pass reason=100",
        {
            "id": None,
            "version": None,
            "instance": None,
            "results": [
                (
                    "spf",
                    "pass",
                    None,
                    (("smtp", "mailfrom", "example.com"),),
                    ("sender IP is 203.0.113.7",),
                ),
                (
                    "dkim",
                    "pass",
                    None,
                    (("header", "d", "example.com"),),
                    ("signature was verified",),
                ),
                (
                    "dmarc",
                    "pass",
                    None,
                    (("", "action", "none"), ("header", "from", "example.com")),
                    (),
                ),
                ("compauth", "pass", "100", (), ()),
            ],
            "repairs": ["missing authserv-id: read the first segment as a result"],
            "defects": ["auth.results_missing_authserv_id", "auth.results_property_without_ptype"],
            "conformant": False,
        },
        id="microsoft-no-authserv-id",
    ),
    pytest.param(
        "spf=fail (sender IP is 192.0.2.1) smtp.mailfrom=eu-west-1.amazonses.com;"
        " receiving.example; dkim=pass header.d=example.com;receiving.example;"
        " dmarc=bestguesspass action=none header.from=example.com;",
        {
            "id": None,
            "version": None,
            "instance": None,
            "results": [
                (
                    "spf",
                    "fail",
                    None,
                    (("smtp", "mailfrom", "eu-west-1.amazonses.com"),),
                    ("sender IP is 192.0.2.1",),
                ),
                ("dkim", "pass", None, (("header", "d", "example.com"),), ()),
                (
                    "dmarc",
                    "bestguesspass",
                    None,
                    (("", "action", "none"), ("header", "from", "example.com")),
                    (),
                ),
            ],
            "repairs": [
                "missing authserv-id: read the first segment as a result",
                "ignored stray segment 'receiving.example'",
                "ignored stray segment 'receiving.example'",
                "ignored a trailing ';'",
            ],
            "defects": [
                "auth.results_missing_authserv_id",
                "auth.results_stray_token",
                "auth.results_stray_token",
                "auth.results_property_without_ptype",
                "auth.results_empty_segment",
            ],
            "conformant": False,
        },
        id="microsoft-stray-domain-segments",
    ),
    pytest.param(
        "mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=s1"
        " header.b=Qgi/FoC0;\r\n       spf=pass (google.com: domain of bounce@example.com"
        " designates 192.0.2.1 as permitted sender) smtp.mailfrom=bounce@example.com;\r\n"
        "       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com",
        {
            "id": "mx.google.com",
            "version": None,
            "instance": None,
            "results": [
                (
                    "dkim",
                    "pass",
                    None,
                    (
                        ("header", "i", "@example.com"),
                        ("header", "s", "s1"),
                        ("header", "b", "Qgi/FoC0"),
                    ),
                    (),
                ),
                (
                    "spf",
                    "pass",
                    None,
                    (("smtp", "mailfrom", "bounce@example.com"),),
                    (
                        "google.com: domain of bounce@example.com designates 192.0.2.1 as"
                        " permitted sender",
                    ),
                ),
                (
                    "dmarc",
                    "pass",
                    None,
                    (("header", "from", "example.com"),),
                    ("p=REJECT sp=REJECT dis=NONE",),
                ),
            ],
            "repairs": [],
            # header.b=Qgi/FoC0: "/" is an RFC 2045 tspecial, so the value had to be quoted
            "defects": ["auth.results_nonconformant"],
            "conformant": False,
        },
        id="google-comments",
    ),
    pytest.param(
        "atlas.example.yahoo.com; dkim=pass header.i=@gmail.com header.s=20230601;"
        " spf=pass smtp.mailfrom=gmail.com; dmarc=pass(p=NONE sp=QUARANTINE dis=NONE)"
        " header.from=gmail.com;",
        {
            "id": "atlas.example.yahoo.com",
            "version": None,
            "instance": None,
            "results": [
                (
                    "dkim",
                    "pass",
                    None,
                    (("header", "i", "@gmail.com"), ("header", "s", "20230601")),
                    (),
                ),
                ("spf", "pass", None, (("smtp", "mailfrom", "gmail.com"),), ()),
                (
                    "dmarc",
                    "pass",
                    None,
                    (("header", "from", "gmail.com"),),
                    ("p=NONE sp=QUARANTINE dis=NONE",),
                ),
            ],
            "repairs": ["ignored a trailing ';'"],
            "defects": ["auth.results_empty_segment"],
            "conformant": False,
        },
        id="yahoo-trailing-semicolon",
    ),
    pytest.param(
        "mx.example.org; dmarc=none action=none header.from=;",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [
                ("dmarc", "none", None, (("", "action", "none"), ("header", "from", "")), ()),
            ],
            "repairs": ["ignored a trailing ';'"],
            "defects": [
                "auth.results_property_without_ptype",
                "auth.results_empty_value",
                "auth.results_empty_segment",
            ],
            "conformant": False,
        },
        id="microsoft-empty-header-from",
    ),
    pytest.param(
        "mx.example.org; iprev=pass policy.iprev=2001:db8::25 (mail.example.com);"
        " arc=pass smtp.remote-ip=2001:db8::1",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [
                (
                    "iprev",
                    "pass",
                    None,
                    (("policy", "iprev", "2001:db8::25"),),
                    ("mail.example.com",),
                ),
                ("arc", "pass", None, (("smtp", "remote-ip", "2001:db8::1"),), ()),
            ],
            "repairs": [
                "policy.iprev: read an unquoted value '2001:db8::25'",
                "smtp.remote-ip: read an unquoted value '2001:db8::1'",
            ],
            "defects": ["auth.results_unquoted_value", "auth.results_unquoted_value"],
            "conformant": False,
        },
        id="ipv6-unquoted",
    ),
    pytest.param(
        "mx.example.org; spf=pass smtp.mailfrom=<>",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [("spf", "pass", None, (("smtp", "mailfrom", "<>"),), ())],
            "repairs": ["smtp.mailfrom: read an unquoted value '<>'"],
            "defects": ["auth.results_unquoted_value"],
            "conformant": False,
        },
        id="null-sender",
    ),
    pytest.param(
        "mx.example.org; spf=pass (domaine vérifié) smtp.mailfrom=example.com",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [
                ("spf", "pass", None, (("smtp", "mailfrom", "example.com"),), ("domaine vérifié",)),
            ],
            "repairs": [],
            "defects": ["auth.results_nonconformant"],  # RFC 5322 ctext is ASCII
            "conformant": False,
        },
        id="non-ascii-comment",
    ),
    pytest.param(
        "i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom=example.com; arc=none",
        {
            "id": "mx.microsoft.com",
            "version": 1,
            "instance": 1,
            "results": [
                ("spf", "pass", None, (("smtp", "mailfrom", "example.com"),), ()),
                ("arc", "none", None, (), ()),
            ],
            "repairs": [],
            "defects": [],
            "conformant": True,
        },
        id="microsoft-aar-instance-version",
    ),
    pytest.param(
        "i=2; lists.example.org; arc=pass (i=1 spf=pass spfdomain=example.com dkim=pass"
        " dkdomain=example.com dmarc=pass fromdomain=example.com);"
        " dkim=pass header.d=lists.example.org",
        {
            "id": "lists.example.org",
            "version": None,
            "instance": 2,
            "results": [
                (
                    "arc",
                    "pass",
                    None,
                    (),
                    (
                        "i=1 spf=pass spfdomain=example.com dkim=pass dkdomain=example.com"
                        " dmarc=pass fromdomain=example.com",
                    ),
                ),
                ("dkim", "pass", None, (("header", "d", "lists.example.org"),), ()),
            ],
            "repairs": [],
            "defects": [],
            "conformant": True,
        },
        id="google-aar-arc-comment",
    ),
    pytest.param(
        "mx.example.org; none",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [],
            "repairs": [],
            "defects": [],
            "conformant": True,
        },
        id="rfc8601-none",
    ),
    pytest.param(
        "mx.example.org; spf=pass smtp.mailfrom=a.example; none",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [("spf", "pass", None, (("smtp", "mailfrom", "a.example"),), ())],
            "repairs": [],
            "defects": ["auth.results_none_mixed"],
            "conformant": False,  # RFC 8601 2.2: no-result / 1*resinfo, never both
        },
        id="none-mixed-with-results",
    ),
    pytest.param(
        "mx.example.org;",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [],
            "repairs": ["ignored a trailing ';'"],
            "defects": ["auth.results_empty_segment", "auth.results_no_results"],
            "conformant": False,
        },
        id="authserv-id-only",
    ),
    pytest.param(
        "mx.example.org 2; spf=pass smtp.mailfrom=example.com",
        {
            "id": "mx.example.org",
            "version": 2,
            "instance": None,
            "results": [("spf", "pass", None, (("smtp", "mailfrom", "example.com"),), ())],
            "repairs": [],
            "defects": ["auth.results_bad_version"],
            "conformant": False,
        },
        id="version-2",
    ),
    pytest.param(
        "mx.example.org; spf= smtp.mailfrom=example.com",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [("spf", "", None, (("smtp", "mailfrom", "example.com"),), ())],
            "repairs": ["spf: empty result"],
            "defects": ["auth.results_empty_value"],
            "conformant": False,
        },
        id="empty-result",
    ),
    pytest.param(
        'mx.example.org; spf=pass smtp.mailfrom="bounce+abc=xyz"@example.com;'
        ' dkim=pass reason="good sig" header.b="aB/9+xyz="',
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [
                ("spf", "pass", None, (("smtp", "mailfrom", '"bounce+abc=xyz"@example.com'),), ()),
                ("dkim", "pass", "good sig", (("header", "b", "aB/9+xyz="),), ()),
            ],
            "repairs": [],
            "defects": [],
            "conformant": True,
        },
        id="quoted-local-part-and-reason",
    ),
    pytest.param(
        "mx.example.org; dnswl=pass dns.zone=list.dnswl.example policy.ip=192.0.2.9;"
        " x-custom=pass x-vendor.score=3; dkim/1=pass header.d=example.com",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [
                (
                    "dnswl",
                    "pass",
                    None,
                    (("dns", "zone", "list.dnswl.example"), ("policy", "ip", "192.0.2.9")),
                    (),
                ),
                ("x-custom", "pass", None, (("x-vendor", "score", "3"),), ()),
                ("dkim", "pass", None, (("header", "d", "example.com"),), ()),
            ],
            "repairs": [],
            "defects": [],
            "conformant": True,
        },
        id="rfc8904-dns-zone-unknown-method-method-version",
    ),
    pytest.param(
        "mx.example.org; arc=pass (i=2) arc.chain=lists.example.org:example.com",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [
                (
                    "arc",
                    "pass",
                    None,
                    (("arc", "chain", "lists.example.org:example.com"),),
                    ("i=2",),
                ),
            ],
            "repairs": ["arc.chain: read an unquoted value 'lists.example.org:example.com'"],
            "defects": ["auth.results_unquoted_value"],
            "conformant": False,
        },
        id="office365-arc-chain",
    ),
    pytest.param(
        "mx.example.org; spf=pass (unclosed smtp.mailfrom=example.com",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [("spf", "pass", None, (), ("unclosed smtp.mailfrom=example.com",))],
            "repairs": ["closed an unterminated comment"],
            "defects": ["auth.results_unterminated"],
            "conformant": False,
        },
        id="unterminated-comment",
    ),
    pytest.param(
        "mx.example.org extra; spf=pass smtp.mailfrom=example.com stray ) x",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [("spf", "pass", None, (("smtp", "mailfrom", "example.com"),), ())],
            "repairs": [
                "ignored a stray ')'",
                "spf: ignored stray token 'stray'",
                "spf: ignored stray token 'x'",
            ],
            "defects": [
                "auth.results_stray_token",
                "auth.results_bad_version",
                "auth.results_stray_token",
                "auth.results_stray_token",
            ],
            "conformant": False,
        },
        id="stray-words",
    ),
    pytest.param(
        "i=x; mx.example.org; arc=none",
        {
            "id": "mx.example.org",
            "version": None,
            "instance": None,
            "results": [("arc", "none", None, (), ())],
            "repairs": [],
            "defects": ["auth.results_bad_instance"],
            "conformant": False,  # RFC 8617 4.2.1: the instance is 1 to 50
        },
        id="aar-bad-instance",
    ),
]


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_shapes(value: str, expected: dict[str, Any]) -> None:
    assert _compact(parse_authentication_results(value)) == expected


def test_fastmail_four_headers_field_name_and_raw() -> None:
    values = [
        "Authentication-Results: mx4.messagingengine.com; arc=none (no signatures found)",
        "Authentication-Results: mx4.messagingengine.com; dkim=pass (2048-bit rsa key"
        " sha256) header.d=example.com header.i=@example.com header.b=Ab12Cd34"
        " header.a=rsa-sha256 header.s=fm1 x-bits=2048",
        "Authentication-Results: mx4.messagingengine.com; dmarc=pass policy.published-"
        "domain-policy=reject policy.applied-disposition=none policy.evaluated-disposition"
        "=none (p=reject,d=none,d.eval=none) policy.policy-from=p header.from=example.com",
        "Authentication-Results: mx4.messagingengine.com; spf=pass"
        " smtp.mailfrom=bounce@example.com smtp.helo=out.example.com",
    ]
    got = [parse_authentication_results(v, header_index=i) for i, v in enumerate(values)]
    assert [h.header_name for h in got] == ["Authentication-Results"] * 4
    assert [h.raw for h in got] == values
    assert [h.authserv_id for h in got] == ["mx4.messagingengine.com"] * 4
    assert [[(r.method, r.result) for r in h.results] for h in got] == [
        [("arc", "none")],
        [("dkim", "pass")],
        [("dmarc", "pass")],
        [("spf", "pass")],
    ]
    assert got[1].results[0].get("header", "s") == "fm1"
    assert got[1].results[0].properties[-1].ptype == ""  # x-bits=2048 has no ptype
    assert got[2].results[0].comments == ("p=reject,d=none,d.eval=none",)
    assert got[2].results[0].get("policy", "published-domain-policy") == "reject"


def test_several_results_for_one_method_kept_apart() -> None:
    h = parse_authentication_results(
        "mx.example.org; spf=none smtp.helo=mx.example.net;"
        " spf=pass smtp.mailfrom=bounce@example.net"
    )
    assert [
        (r.result, r.get("smtp", "helo"), r.get("smtp", "mailfrom")) for r in h.results_for("spf")
    ] == [
        ("none", "mx.example.net", None),
        ("pass", None, "bounce@example.net"),
    ]


def test_explanations_cite_sources() -> None:
    h = parse_authentication_results(
        "mx.example.org; dmarc=bestguesspass header.from=example.com;"
        " compauth=fail reason=001; x-weird=yes"
    )
    dmarc, comp, unknown = h.results
    assert dmarc.explanation.startswith("DMARC: Microsoft's verdict")
    assert "not a DMARC pass" in dmarc.explanation
    assert dmarc.explanation_source == "RFC 7489 sections 3.1, 6.3 and 11.2; RFC 8601 section 2.7.1"
    assert comp.reason_explanation == explain_compauth_reason("001")
    assert comp.reason_explanation is not None
    assert unknown.explanation_source is None
    assert unknown.explanation == (
        "A method headerlens has no description for; it is shown exactly as written."
    )


@pytest.mark.parametrize(
    ("code", "family"),
    [
        ("000", "exact"),
        ("130", "exact"),
        ("101", "1"),
        ("702", "7"),
        ("205", "2"),
        ("301", "3"),
        ("451", "4"),
        ("905", "9"),
        ("601", "6"),
    ],
)
def test_compauth_reason_codes(code: str, family: str) -> None:
    assert explain_compauth_reason(code) is not None


def test_compauth_unknown_code() -> None:
    assert explain_compauth_reason("abc") is None
    assert explain_compauth_reason("5xx") is None


def test_limits_many_results_and_deep_nesting() -> None:
    value = "mx.example.org; " + "; ".join(["spf=pass smtp.mailfrom=a.example"] * 1_001)
    h = parse_authentication_results(value, check_conformance=False)
    assert len(h.results) == 1_000
    assert [d.code for d in h.defects] == ["auth.results_too_many"]
    deep = "mx.example.org; spf=pass " + "(" * 5_000 + ")" * 5_000 + " smtp.mailfrom=a.example"
    h2 = parse_authentication_results(deep)
    assert h2.results[0].get("smtp", "mailfrom") == "a.example"
    # RFC 5322 comments nest without a limit; the strict check counts depth, never recurses
    assert h2.conformant is True
