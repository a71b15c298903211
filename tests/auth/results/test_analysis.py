"""analyze_auth: trust, merging, Received-SPF and the consistency findings."""
# ruff: noqa: E501  (sample messages hold real-length header lines)

from __future__ import annotations

import datetime as dt

import pytest

from headerlens.auth.analysis import analyze_auth, receiver_block
from headerlens.auth.models import ArcInstance, ArcResult, DkimResult
from headerlens.auth.results import parse_authentication_results
from headerlens.auth.spf import parse_received_spf
from headerlens.errors import DefectError
from headerlens.hops.models import Hop, HopAnalysis, Received, TrustBoundary
from headerlens.message import Message
from headerlens.parse import parse
from headerlens.policy import Policy
from headerlens.resolvers import OfflineResolver

AS_OF = dt.datetime(2024, 10, 1, tzinfo=dt.UTC)

GMAIL = b"""\
Authentication-Results: mx.google.com;
       dkim=pass header.i=@example.com header.s=s1 header.b=Ab12;
       spf=pass (google.com: domain of bounce@example.com designates 192.0.2.1 as permitted sender) smtp.mailfrom=bounce@example.com;
       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com
Received-SPF: pass (google.com: domain of bounce@example.com designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1;
Received: from mail.example.com (mail.example.com [192.0.2.1]) by mx.google.com; Tue, 1 Oct 2024 10:00:00 +0000
Authentication-Results: mx.google.com; dkim=pass header.d=evil.example
Authentication-Results: relay.example.com; spf=pass smtp.mailfrom=example.com
Received: from [198.51.100.7] by relay.example.com; Tue, 1 Oct 2024 09:59:00 +0000
From: Alice <alice@example.com>
Subject: hi

body
"""


def run(
    src: bytes,
    *,
    policy: Policy | None = None,
    hops: HopAnalysis | None = None,
    dkim: tuple[DkimResult, ...] = (),
    arc: ArcResult | None = None,
) -> tuple[Message, object]:
    m = parse(src)
    a = analyze_auth(
        m,
        policy or Policy(),
        hops=hops or HopAnalysis(),
        dkim=dkim,
        arc=arc or ArcResult(),
        resolver=OfflineResolver(),
    )
    return m, a


def test_inferred_trust_topmost_block() -> None:
    _, a = run(GMAIL)
    assert [(h.header_index, h.authserv_id, h.trusted) for h in a.auth_results] == [
        (0, "mx.google.com", True),
        (3, "mx.google.com", False),
        (4, "relay.example.com", False),
    ]
    assert a.trust_rule == (
        "inferred: the authserv-id of the topmost Authentication-Results field,"
        " above the Received field that follows it"
    )
    assert a.trusted_authserv_ids == ("mx.google.com",)
    assert [(f.code, f.header_indexes) for f in a.findings] == [
        ("auth.results_forged_trusted_id", (3,)),
        ("auth.results_below_boundary", (4,)),
    ]
    assert a.trusted is not None
    assert a.trusted.header_indexes == (0,)
    assert [(m.authserv_id, m.trusted) for m in a.merged] == [
        ("mx.google.com", True),
        ("mx.google.com", False),
        ("relay.example.com", False),
    ]
    assert [r.trusted for r in a.received_spf] == [True]


def test_boundary_from_hops_and_below_boundary_finding() -> None:
    hops = HopAnalysis(
        trust=TrustBoundary(header_index=2, trusted_authserv_ids=("mx.google.com",), rule="r")
    )
    _, a = run(GMAIL, hops=hops)
    assert [h.trusted for h in a.auth_results] == [True, False, False]
    assert a.trust_rule == "authserv-ids of the trusted hops (r)"
    assert [(f.code, f.header_indexes) for f in a.findings] == [
        ("auth.results_forged_trusted_id", (3,)),
        ("auth.results_below_boundary", (4,)),
    ]


def test_policy_ids_win() -> None:
    hops = HopAnalysis(trust=TrustBoundary(trusted_authserv_ids=("mx.google.com",)))
    _, a = run(GMAIL, hops=hops, policy=Policy(trusted_authserv_ids=("Relay.Example.com",)))
    assert [h.trusted for h in a.auth_results] == [False, False, True]
    assert a.trust_rule == "Policy.trusted_authserv_ids"


MICROSOFT = b"""\
Authentication-Results: spf=pass (sender IP is 203.0.113.7)
 smtp.mailfrom=example.com; dkim=pass (signature was verified)
 header.d=example.com;dmarc=pass action=none header.from=example.com;compauth=pass
 reason=100
Received: from out.example.com (203.0.113.7) by mx.protection.outlook.com; Tue, 1 Oct 2024 10:00:00 +0000
Authentication-Results: mx.sender.example; dkim=pass header.d=example.com
From: a@example.com

x
"""


def test_microsoft_without_authserv_id_inferred() -> None:
    _, a = run(MICROSOFT)
    assert [(h.authserv_id, h.trusted) for h in a.auth_results] == [
        (None, True),
        ("mx.sender.example", False),
    ]
    assert a.trust_rule == (
        "inferred: the authserv-id of the topmost Authentication-Results field"
        " (none written: Microsoft style), above the Received field that follows it"
    )
    assert a.dmarc is not None
    assert a.dmarc.result == "pass"


FASTMAIL = b"""\
Authentication-Results: mx4.messagingengine.com; arc=none (no signatures found)
Authentication-Results: mx4.messagingengine.com; dkim=pass header.d=example.com header.s=fm1
Authentication-Results: mx4.messagingengine.com; dmarc=pass (p=reject,d=none) header.from=example.com
Authentication-Results: mx4.messagingengine.com; spf=pass smtp.mailfrom=bounce@example.com
Received: from out.example.com (out.example.com [192.0.2.5]) by mx4.messagingengine.com; Tue, 1 Oct 2024 10:00:00 +0000
From: a@example.com

x
"""


def test_fastmail_four_headers_merged() -> None:
    _, a = run(FASTMAIL)
    t = a.trusted
    assert t is not None
    assert t.header_indexes == (0, 1, 2, 3)
    assert [(r.method, r.result, r.header_index) for r in t.results] == [
        ("arc", "none", 0),
        ("dkim", "pass", 1),
        ("dmarc", "pass", 2),
        ("spf", "pass", 3),
    ]
    assert a.dmarc is not None
    assert (a.dmarc.result, a.dmarc.reported_header_index) == ("pass", 2)
    assert a.dmarc.policy is not None
    assert a.dmarc.policy.p == "reject"
    assert a.findings == ()


def test_no_trusted_results() -> None:
    _, a = run(b"From: a@example.com\nSubject: x\n\nbody\n")
    assert [f.code for f in a.findings] == ["auth.no_trusted_results"]
    assert a.dmarc is not None
    assert a.dmarc.result is None


def _dkim(result: str, reason: str, **kw: object) -> DkimResult:
    return DkimResult(
        header_index=9,
        domain="example.com",
        selector="s1",
        result=result,  # type: ignore[arg-type]
        reason=reason,
        explanation="",
        as_of=AS_OF,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("verdict", "summary_end"),
    [
        pytest.param(
            _dkim("fail", "body_hash_mismatch", body_hash_ok=False),
            "(body_hash_mismatch): the body changed after the receiver checked it.",
            id="body-changed",
        ),
        pytest.param(
            _dkim("fail", "key_mismatch"),
            "(key_mismatch): the key in DNS may have been rotated or revoked since delivery.",
            id="key-rotated",
        ),
    ],
)
def test_dkim_pass_not_reproduced(verdict: DkimResult, summary_end: str) -> None:
    _, a = run(GMAIL, dkim=(verdict,))
    (f,) = [f for f in a.findings if f.code == "auth.dkim_pass_not_reproduced"]
    assert f.summary == (
        "The receiver recorded dkim=pass for example.com, but re-verification fails " + summary_end
    )
    assert f.header_indexes == (0, 9)


def test_dkim_not_looked_up_is_no_contradiction() -> None:
    _, a = run(GMAIL, dkim=(_dkim("temperror", "dns_not_looked_up"),))
    assert [f.code for f in a.findings] == [
        "auth.results_forged_trusted_id",
        "auth.results_below_boundary",
    ]


def test_spf_domain_not_envelope() -> None:
    entry = Hop(
        index=0,
        header_index=2,
        received=Received(raw="from x by mx.google.com", envelope_from="<other@else.example>"),
        trusted=True,
    )
    hops = HopAnalysis(hops=(entry,), trust=TrustBoundary(header_index=2))
    _, a = run(GMAIL, hops=hops)
    (f,) = [f for f in a.findings if f.code == "auth.spf_domain_not_envelope"]
    assert f.summary == (
        "The trusted SPF pass is for example.com, but the trusted hop recorded the envelope"
        " sender other@else.example."
    )
    assert f.header_indexes == (0, 2)


def test_spf_envelope_from_return_path() -> None:
    src = b"Return-Path: <bounce@example.com>\n" + GMAIL
    _, a = run(src)
    assert "auth.spf_domain_not_envelope" not in [f.code for f in a.findings]
    src2 = b"Return-Path: <x@other.example>\n" + GMAIL
    _, a2 = run(src2)
    assert "auth.spf_domain_not_envelope" in [f.code for f in a2.findings]


def test_arc_results_disagree() -> None:
    aar = parse_authentication_results(
        "i=1; lists.example.org; dkim=pass header.d=example.com; spf=pass"
        " smtp.mailfrom=example.com",
        header_index=12,
    )
    arc = ArcResult(cv="pass", instances=(ArcInstance(instance=1, aar=aar),))
    src = GMAIL.replace(b"dkim=pass header.i=@example.com", b"dkim=fail header.i=@example.com")
    _, a = run(src, arc=arc)
    (f,) = [f for f in a.findings if f.code == "auth.arc_results_disagree"]
    assert f.summary == (
        "ARC instance 1 (lists.example.org) recorded dkim=pass; the final result is"
        " dkim=fail: the message probably changed after that hop."
    )
    assert f.header_indexes == (0, 12)


def test_strict_policy_raises_on_defect() -> None:
    with pytest.raises(DefectError) as exc:
        run(MICROSOFT, policy=Policy(strict=True))
    assert exc.value.defect.code == "auth.results_missing_authserv_id"


RECEIVED_SPF = [
    pytest.param(
        "pass (mybox.example.org: domain of myname@example.com designates 192.0.2.1 as"
        " permitted sender) receiver=mybox.example.org; client-ip=192.0.2.1;"
        ' envelope-from="myname@example.com"; helo=foo.example.com;',
        (
            "pass",
            "mybox.example.org: domain of myname@example.com designates 192.0.2.1 as"
            " permitted sender",
            "192.0.2.1",
            "myname@example.com",
            "foo.example.com",
            "mybox.example.org",
            None,
            None,
            [],
        ),
        id="rfc7208-example",
    ),
    pytest.param(
        "Received-SPF: softfail (google.com: domain of transitioning x@example.com does not"
        " designate 2001:db8::1 as permitted sender) client-ip=2001:db8::1;",
        (
            "softfail",
            "google.com: domain of transitioning x@example.com does not designate"
            " 2001:db8::1 as permitted sender",
            "2001:db8::1",
            None,
            None,
            None,
            None,
            None,
            [],
        ),
        id="google-ipv6",
    ),
    pytest.param(
        "None (protection.outlook.com: example.com does not designate permitted sender"
        " hosts) identity=mailfrom; mechanism=default",
        (
            "none",
            "protection.outlook.com: example.com does not designate permitted sender hosts",
            None,
            None,
            None,
            None,
            "mailfrom",
            "default",
            [],
        ),
        id="microsoft-none",
    ),
    pytest.param(
        "client-ip=192.0.2.1",
        (None, None, "192.0.2.1", None, None, None, None, None, ["auth.received_spf_malformed"]),
        id="no-result",
    ),
    pytest.param(
        "maybe (x)",
        ("maybe", "x", None, None, None, None, None, None, ["auth.received_spf_malformed"]),
        id="unknown-result",
    ),
]


@pytest.mark.parametrize(("value", "want"), RECEIVED_SPF)
def test_received_spf(value: str, want: tuple[object, ...]) -> None:
    r = parse_received_spf(value, header_index=3)
    assert (
        r.result,
        r.comment,
        r.client_ip,
        r.envelope_from,
        r.helo,
        r.receiver,
        r.identity,
        r.mechanism,
        [d.code for d in r.defects],
    ) == want


def test_dkim_signed_headers_changed_from_diagnosis() -> None:
    from headerlens.auth.dkim_models import DkimDiagnosis

    v = _dkim(
        "fail",
        "signature_mismatch",
        diagnosis=DkimDiagnosis(key_matches=True, header_change="subject_tagged", summary="S"),
    )
    _, a = run(GMAIL, dkim=(v,))
    (f,) = [f for f in a.findings if f.code == "auth.dkim_pass_not_reproduced"]
    assert f.summary.endswith(
        "(signature_mismatch): the signed headers changed after the receiver checked them."
    )
    assert f.detail == "S"


def test_end_to_end_from_display_name_spoof() -> None:
    src = GMAIL.replace(
        b"From: Alice <alice@example.com>", b'From: "ceo@bank.example" <alice@example.com>'
    )
    _, a = run(src)
    assert a.dmarc is not None
    assert (a.dmarc.from_domain, a.dmarc.result, a.dmarc.computed_result) == (
        "example.com",
        "pass",
        "pass",
    )
    assert a.dmarc.from_header_indexes == (6,)
    assert "auth.from_display_name_address" in [f.code for f in a.findings]


GMAIL_BELOW = b"""\
Received: by 2001:db8::1 with SMTP id y12csp1; Tue, 1 Oct 2024 10:00:01 +0000
Return-Path: <bounce@example.com>
Received: from mail.example.com (mail.example.com [192.0.2.1]) by mx.google.com; Tue, 1 Oct 2024 10:00:00 +0000
Received-SPF: pass (google.com: domain of bounce@example.com designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1;
Authentication-Results: mx.google.com;
       spf=pass smtp.mailfrom=bounce@example.com;
       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com
X-Other: written by the sender
Authentication-Results: mx.google.com; dkim=pass header.d=evil.example
From: Alice <alice@example.com>

body
"""


@pytest.mark.parametrize(
    "policy_ids",
    [pytest.param((), id="gmail-hop-ids"), pytest.param(("mx.google.com",), id="policy-ids")],
)
def test_results_just_below_the_receivers_received_are_trusted(
    policy_ids: tuple[str, ...],
) -> None:
    hops = HopAnalysis(
        trust=TrustBoundary(header_index=2, trusted_authserv_ids=("mx.google.com",), rule="r")
    )
    _, a = run(GMAIL_BELOW, hops=hops, policy=Policy(trusted_authserv_ids=policy_ids))
    assert [(h.header_index, h.trusted) for h in a.auth_results] == [(4, True), (6, False)]
    assert a.auth_results[0].trust_note.endswith(
        "(written just below the receiver's own Received field)"
    )
    assert [(r.header_index, r.trusted) for r in a.received_spf] == [(3, True)]
    assert [(f.code, f.header_indexes) for f in a.findings] == [
        ("auth.results_forged_trusted_id", (6,)),
    ]
    assert a.dmarc is not None
    assert (a.dmarc.result, a.dmarc.result_source) == ("pass", "trusted-header")


def test_receiver_block_inferred_without_hop_ids() -> None:
    hops = HopAnalysis(trust=TrustBoundary(header_index=2))
    _, a = run(GMAIL_BELOW, hops=hops)
    assert [(h.header_index, h.trusted) for h in a.auth_results] == [(4, True), (6, False)]
    assert a.trusted_authserv_ids == ("mx.google.com",)


def test_receiver_block_ignored_when_receiver_wrote_above() -> None:
    hops = HopAnalysis(
        trust=TrustBoundary(header_index=2, trusted_authserv_ids=("mx.google.com",), rule="r")
    )
    _, a = run(GMAIL, hops=hops)
    assert [h.trusted for h in a.auth_results] == [True, False, False]


def test_receiver_block_only_below_a_received_field() -> None:
    m = parse(GMAIL_BELOW)
    assert receiver_block(m, 2) == (3, 4)
    assert receiver_block(m, 1) == ()
    assert receiver_block(m, None) == ()
    assert receiver_block(m, 99) == ()


TWO_FILTERS = b"""\
Authentication-Results: mx1.example.org (amavis); dkim=pass header.d=example.com header.s=s1
Authentication-Results: mx1.example.org; dmarc=pass header.from=example.com
Authentication-Results: mx1.example.org; dkim=pass header.d=example.com header.i=@example.com
Received: from mail.example.com (mail.example.com [192.0.2.1]) by mx1.example.org; Tue, 1 Oct 2024 10:00:00 +0000
From: a@example.com

x
"""


def test_dkim_pass_not_reproduced_once_per_signature() -> None:
    # amavis and OpenDKIM both record the same signature (samples/postfix-esmtps-tls13.eml)
    verdict = _dkim("fail", "body_hash_mismatch", body_hash_ok=False)
    _, a = run(TWO_FILTERS, dkim=(verdict,))
    assert [(f.code, f.header_indexes, f.summary) for f in a.findings] == [
        (
            "auth.dkim_pass_not_reproduced",
            (0, 2, 9),
            "The receiver recorded dkim=pass for example.com, but re-verification fails"
            " (body_hash_mismatch): the body changed after the receiver checked it.",
        )
    ]


def test_arc_results_disagree_once_per_instance() -> None:
    aar = parse_authentication_results(
        "i=1; lists.example.org; dkim=pass header.d=example.com; dmarc=pass"
        " header.from=example.com",
        header_index=12,
    )
    arc = ArcResult(cv="pass", instances=(ArcInstance(instance=1, aar=aar),))
    src = GMAIL.replace(b"dkim=pass header.i=@example.com", b"dkim=fail header.i=@example.com")
    src = src.replace(b"dmarc=pass (p=REJECT", b"dmarc=fail (p=REJECT")
    _, a = run(src, arc=arc)
    (f,) = [f for f in a.findings if f.code == "auth.arc_results_disagree"]
    assert f.summary == (
        "ARC instance 1 (lists.example.org) recorded dkim=pass, dmarc=pass; the final"
        " results are dkim=fail, dmarc=fail: the message probably changed after that hop."
    )


def test_forged_trusted_id_claims_in_one_finding() -> None:
    src = GMAIL.replace(
        b"From: Alice", b"Authentication-Results: mx.google.com; spf=pass\nFrom: Alice"
    )
    _, a = run(src)
    (f,) = [f for f in a.findings if f.code == "auth.results_forged_trusted_id"]
    assert f.header_indexes == (3, 6)
    assert f.summary == (
        "2 Authentication-Results fields claim the receiver's authserv-id from positions the"
        " receiver did not write; they are likely forged."
    )
