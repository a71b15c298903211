"""DKIM re-verification: every reason code, the diagnosis of each tampering, policy findings.

Messages are signed during the test (dkimpy, or our own tag-exact signer for t=/x=/l=) with
keys made for this session, then tampered with; each case expects an exact reason.
"""

from __future__ import annotations

import base64
import datetime as dt
import quopri
from collections.abc import Callable
from typing import Any

import dkim
import pytest

from headerlens.auth.dkim import analyze_dkim, verify_dkim
from headerlens.auth.models import DkimAnalysis
from headerlens.errors import DefectError
from headerlens.parse import parse
from headerlens.policy import Limits, Policy
from headerlens.resolvers import OfflineResolver, StaticResolver


def run(raw: bytes, policy: Policy, receipt_time: dt.datetime | None = None) -> DkimAnalysis:
    resolver = policy.resolver if policy.resolver is not None else OfflineResolver()
    return analyze_dkim(parse(raw), policy, resolver=resolver, receipt_time=receipt_time)


def codes(analysis: DkimAnalysis) -> list[str]:
    return [f.code for f in analysis.findings]


def test_unsigned_message_gives_no_result(kit: Any) -> None:
    assert verify_dkim(kit.message) == ()
    assert run(kit.message, Policy()) == DkimAnalysis()


@pytest.mark.parametrize("which", ["rsa", "ed"], ids=["dkimpy-rsa-sha256", "dkimpy-ed25519"])
def test_dkimpy_signed_passes(kit: Any, which: str) -> None:
    key = getattr(kit.keys, which)
    raw = kit.dkimpy_signed(kit.message, key)
    (r,) = verify_dkim(raw, policy=kit.keys.policy(as_of=dt.datetime.now(dt.UTC)))
    assert (r.result, r.reason, r.body_hash_ok, r.header_signature_ok) == (
        "pass",
        "pass",
        True,
        True,
    )
    assert (r.domain, r.selector, r.algorithm) == (
        "example.com",
        key.selector,
        key.txt and r.algorithm,
    )
    assert r.key is not None
    assert r.key.bits == (256 if which == "ed" else 2048)
    assert r.as_of_source == "policy"
    assert r.diagnosis is None


def test_our_signer_agrees_with_dkimpy(kit: Any) -> None:
    records = kit.keys.records()

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes:
        return str(records[name.decode().rstrip(".")]).encode()

    for key in (kit.keys.rsa, kit.keys.ed):
        assert dkim.DKIM(kit.signed(kit.message, key)).verify(dnsfunc=dnsfunc)


def test_two_signatures_one_broken_top_to_bottom(kit: Any) -> None:
    raw = kit.signed(kit.signed(kit.message, kit.keys.rsa), kit.keys.ed)
    broken = raw.replace(
        b"DKIM-Signature: v=1; a=rsa-sha256", b"DKIM-Signature: v=1; a=rsa-sha256; x=1"
    )
    # x=1 is before t=: a syntax error in the lower (RSA) signature only
    a = run(broken, kit.keys.policy())
    assert [(r.header_index, r.result, r.reason) for r in a.results] == [
        (0, "pass", "pass"),
        (1, "permerror", "syntax_error"),
    ]


# --- tampering: reason and diagnosis -------------------------------------------------------

# relaxed canonicalization drops the trailing space of "-- ": 1 octet less once canonical
FOOTER = b"-- \r\nlist: unsubscribe at https://lists.example.org/u\r\n"


def _body_changed(kit: Any) -> tuple[bytes, Policy]:
    return kit.signed(kit.message, kit.keys.rsa).replace(
        b"attached", b"ATTACHED"
    ), kit.keys.policy()


def _footer(kit: Any) -> tuple[bytes, Policy]:
    return kit.signed(kit.message, kit.keys.rsa) + FOOTER, kit.keys.policy()


def _trailing_blank(kit: Any) -> tuple[bytes, Policy]:
    body = kit.message.split(b"\r\n\r\n", 1)[1]
    return kit.signed(kit.message, kit.keys.rsa, hashed_body=body + b"\r\n\r\n"), kit.keys.policy()


def _lf_signer(kit: Any) -> tuple[bytes, Policy]:
    body = kit.message.split(b"\r\n\r\n", 1)[1]
    return kit.signed(
        kit.message, kit.keys.rsa, hashed_body=body.replace(b"\r\n", b"\n")
    ), kit.keys.policy()


def _reencoded(kit: Any) -> tuple[bytes, Policy]:
    original = kit.message.replace(
        b"\r\n\r\nHello Bob", b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHello Bob"
    ).replace(b"numbers are attached", "numbers are attached \u2014 M\u00fcller".encode())
    raw = kit.signed(original, kit.keys.rsa)
    head, body = raw.split(b"\r\n\r\n", 1)
    qp = quopri.encodestring(body.replace(b"\r\n", b"\n")).replace(b"\n", b"\r\n")
    head = head.replace(
        b"Content-Transfer-Encoding: 8bit", b"Content-Transfer-Encoding: quoted-printable"
    )
    return head + b"\r\n\r\n" + qp, kit.keys.policy()


def _truncated(kit: Any) -> tuple[bytes, Policy]:
    raw = kit.signed(kit.message, kit.keys.rsa, length=-1)
    return raw.replace(b"\r\nAlice\r\n", b"\r\n"), kit.keys.policy()


def _subject_changed(kit: Any) -> tuple[bytes, Policy]:
    return kit.signed(kit.message, kit.keys.rsa).replace(b"Quarterly", b"Annual"), kit.keys.policy()


def _subject_tag(kit: Any) -> tuple[bytes, Policy]:
    raw = kit.signed(kit.message, kit.keys.rsa)
    return raw.replace(b"Subject: Quarterly", b"Subject: [finance] Quarterly"), kit.keys.policy()


def _reply_to_added(kit: Any) -> tuple[bytes, Policy]:
    raw = kit.signed(kit.message, kit.keys.rsa, headers=("from", "to", "subject", "reply-to"))
    return raw.replace(b"To: bob", b"Reply-To: <phish@evil.test>\r\nTo: bob"), kit.keys.policy()


def _reordered(kit: Any) -> tuple[bytes, Policy]:
    msg = kit.message.replace(b"MIME-Version", b"X-Tag: one\r\nX-Tag: two\r\nMIME-Version")
    raw = kit.signed(msg, kit.keys.rsa, headers=("from", "x-tag", "x-tag"))
    return raw.replace(b"X-Tag: one\r\nX-Tag: two", b"X-Tag: two\r\nX-Tag: one"), kit.keys.policy()


def _refolded(kit: Any) -> tuple[bytes, Policy]:
    raw = kit.signed(kit.message, kit.keys.rsa, canonicalization="simple/simple")
    return raw.replace(
        b"Subject: Quarterly numbers", b"Subject: Quarterly\r\n numbers"
    ), kit.keys.policy()


def _rotated(kit: Any) -> tuple[bytes, Policy]:
    raw = kit.signed(kit.message, kit.keys.rsa)
    return raw, kit.keys.policy(rsa1__example_com=kit.keys.rsa_other.txt)


def _ed_header_added(kit: Any) -> tuple[bytes, Policy]:
    raw = kit.signed(kit.message, kit.keys.ed, headers=("from", "to", "subject", "reply-to"))
    return raw.replace(b"To: bob", b"Reply-To: <phish@evil.test>\r\nTo: bob"), kit.keys.policy()


TAMPER: list[Any] = [
    pytest.param(
        _body_changed,
        "body_hash_mismatch",
        False,
        True,
        {"body_change": "body_changed"},
        id="body-word-changed",
    ),
    pytest.param(
        _footer,
        "body_hash_mismatch",
        False,
        True,
        {"body_change": "appended", "appended_octets": len(FOOTER) - 1},
        id="mailing-list-footer",
    ),
    pytest.param(
        _trailing_blank,
        "body_hash_mismatch",
        False,
        True,
        {"body_change": "trailing_blank_lines"},
        id="signer-kept-blank-lines",
    ),
    pytest.param(
        _lf_signer,
        "body_hash_mismatch",
        False,
        True,
        {"body_change": "line_endings"},
        id="signer-hashed-lf",
    ),
    pytest.param(
        _reencoded,
        "body_hash_mismatch",
        False,
        True,
        {"body_change": "reencoded"},
        id="relay-8bit-to-qp",
    ),
    pytest.param(
        _truncated,
        "body_hash_mismatch",
        False,
        True,
        {"body_change": "truncated"},
        id="body-shorter-than-l",
    ),
    pytest.param(
        _subject_changed,
        "signature_mismatch",
        True,
        False,
        {"key_matches": True, "header_change": "headers_changed"},
        id="subject-rewritten",
    ),
    pytest.param(
        _subject_tag,
        "signature_mismatch",
        True,
        False,
        {"key_matches": True, "header_change": "subject_tagged", "header_name": "Subject"},
        id="list-subject-tag",
    ),
    pytest.param(
        _reply_to_added,
        "signature_mismatch",
        True,
        False,
        {
            "key_matches": True,
            "header_change": "header_added",
            "header_name": "Reply-To",
            "header_index": 3,
        },
        id="reply-to-added-signed-absent",
    ),
    pytest.param(
        _reordered,
        "signature_mismatch",
        True,
        False,
        {"key_matches": True, "header_change": "headers_reordered", "header_name": "X-Tag"},
        id="instances-swapped",
    ),
    pytest.param(
        _refolded,
        "signature_mismatch",
        True,
        False,
        {"key_matches": True, "header_change": "header_refolded", "header_name": "Subject"},
        id="relay-refolded-simple",
    ),
    pytest.param(
        _rotated,
        "signature_mismatch",
        True,
        False,
        {"key_matches": False, "header_change": "key_mismatch"},
        id="selector-rotated",
    ),
    pytest.param(
        _ed_header_added,
        "signature_mismatch",
        True,
        False,
        {"key_matches": None, "header_change": "header_added", "header_name": "Reply-To"},
        id="ed25519-reply-to-added",
    ),
]


@pytest.mark.parametrize(("make", "reason", "body_ok", "header_ok", "diagnosis"), TAMPER)
def test_tampering_reason_and_diagnosis(
    kit: Any,
    make: Callable[[Any], tuple[bytes, Policy]],
    reason: str,
    body_ok: bool,
    header_ok: bool,
    diagnosis: dict[str, object],
) -> None:
    raw, policy = make(kit)
    a = run(raw, policy)
    r = a.results[0]
    assert (r.result, r.reason, r.body_hash_ok, r.header_signature_ok) == (
        "fail",
        reason,
        body_ok,
        header_ok,
    )
    assert r.diagnosis is not None
    got = {k: getattr(r.diagnosis, k) for k in diagnosis}
    assert got == diagnosis
    assert "dkim.signature_failed" in codes(a)


def test_body_and_headers_both_changed_report_both(kit: Any) -> None:
    raw = (
        kit.signed(kit.message, kit.keys.rsa)
        .replace(b"attached", b"gone")
        .replace(b"Quarterly", b"Annual")
    )
    r = run(raw, kit.keys.policy()).results[0]
    assert (r.reason, r.body_hash_ok, r.header_signature_ok) == ("body_hash_mismatch", False, False)
    assert r.diagnosis is not None
    assert (r.diagnosis.body_change, r.diagnosis.header_change) == (
        "body_changed",
        "headers_changed",
    )


# --- every other reason code ---------------------------------------------------------------

GARBAGE_P = "v=DKIM1; k=rsa; p=" + base64.b64encode(b"not a key at all").decode()


def _sig(kit: Any, **kw: Any) -> bytes:
    return kit.signed(kit.message, kit.keys.rsa, **kw)


def _edit(kit: Any, old: bytes, new: bytes, **kw: Any) -> bytes:
    raw = _sig(kit, **kw)
    assert old in raw
    return raw.replace(old, new, 1)


REASONS: list[Any] = [
    pytest.param(
        lambda k: (_sig(k), k.keys.policy(rsa1__example_com="v=DKIM1; k=rsa; p=")),
        "fail",
        "key_revoked",
        id="revoked-empty-p",
    ),
    pytest.param(
        lambda k: (_sig(k), k.keys.policy(rsa1__example_com=GARBAGE_P)),
        "permerror",
        "key_invalid",
        id="garbage-p",
    ),
    pytest.param(
        lambda k: (_sig(k), k.keys.policy(rsa1__example_com="hello world")),
        "permerror",
        "key_invalid",
        id="record-not-tag-list",
    ),
    pytest.param(
        lambda k: (_sig(k), k.keys.policy(rsa1__example_com="v=DKIM2; p=AAAA")),
        "permerror",
        "key_invalid",
        id="key-v-DKIM2",
    ),
    pytest.param(
        lambda k: (_sig(k), k.keys.policy(rsa1__example_com="v=DKIM1; p=!!!")),
        "permerror",
        "key_invalid",
        id="p-not-base64",
    ),
    pytest.param(
        lambda k: (_sig(k), k.keys.policy(rsa1__example_com=k.keys.ed.txt)),
        "permerror",
        "inappropriate_key",
        id="k-ed25519-for-rsa-sig",
    ),
    pytest.param(
        lambda k: (_sig(k), k.keys.policy(rsa1__example_com="v=DKIM1; k=dsa; p=AAAA")),
        "permerror",
        "inappropriate_key",
        id="k-dsa",
    ),
    pytest.param(
        lambda k: (_sig(k), k.keys.policy(rsa1__example_com=k.keys.rsa.txt + "; h=sha1")),
        "permerror",
        "inappropriate_key",
        id="key-h-sha1-only",
    ),
    pytest.param(
        lambda k: (_sig(k), k.keys.policy(rsa1__example_com=k.keys.rsa.txt + "; s=tlsrpt")),
        "permerror",
        "inappropriate_key",
        id="key-s-tlsrpt",
    ),
    pytest.param(
        lambda k: (
            _sig(k, identity="@news.example.com"),
            k.keys.policy(rsa1__example_com=k.keys.rsa.txt + "; t=s"),
        ),
        "permerror",
        "inappropriate_key",
        id="key-t-s-subdomain-i",
    ),
    pytest.param(
        lambda k: (_sig(k), Policy(resolver=StaticResolver({}), as_of=k.at_t0)),
        "permerror",
        "key_not_found",
        id="nxdomain",
    ),
    pytest.param(
        lambda k: (
            _sig(k),
            Policy(
                resolver=StaticResolver(failures={"rsa1._domainkey.example.com": "nodata"}),
                as_of=k.at_t0,
            ),
        ),
        "permerror",
        "key_not_found",
        id="nodata",
    ),
    pytest.param(
        lambda k: (
            _sig(k),
            Policy(
                resolver=StaticResolver(failures={"rsa1._domainkey.example.com": "servfail"}),
                as_of=k.at_t0,
            ),
        ),
        "temperror",
        "key_unavailable",
        id="servfail",
    ),
    pytest.param(
        lambda k: (
            _sig(k),
            Policy(
                resolver=StaticResolver(failures={"rsa1._domainkey.example.com": "timeout"}),
                as_of=k.at_t0,
            ),
        ),
        "temperror",
        "key_unavailable",
        id="timeout",
    ),
    pytest.param(
        lambda k: (_sig(k), Policy(as_of=k.at_t0)), "neutral", "key_not_looked_up", id="offline"
    ),
    pytest.param(
        lambda k: (
            _sig(k, expires=k.t0 + 3600),
            k.keys.policy(as_of=k.at_t0 + dt.timedelta(hours=2)),
        ),
        "fail",
        "expired",
        id="x-before-as-of",
    ),
    pytest.param(
        lambda k: (_sig(k, timestamp=k.t0 + 86400), k.keys.policy()),
        "fail",
        "future_timestamp",
        id="t-a-day-ahead",
    ),
    pytest.param(
        lambda k: (_edit(k, b" bh=", b" xh="), k.keys.policy()),
        "permerror",
        "syntax_error",
        id="missing-bh",
    ),
    pytest.param(
        lambda k: (_edit(k, b"v=1;", b"v=1; junk;"), k.keys.policy()),
        "permerror",
        "syntax_error",
        id="tag-without-equals",
    ),
    pytest.param(
        lambda k: (_edit(k, b"v=1;", b"v=1; v=1;"), k.keys.policy()),
        "permerror",
        "syntax_error",
        id="duplicate-tag",
    ),
    pytest.param(
        lambda k: (_edit(k, b" b=", b" b=%%%"), k.keys.policy()),
        "permerror",
        "syntax_error",
        id="b-not-base64",
    ),
    pytest.param(
        lambda k: (_edit(k, b"d=example.com", b"d=legitimate.com(.attacker.com"), k.keys.policy()),
        "permerror",
        "syntax_error",
        id="d-with-paren",
    ),
    pytest.param(
        lambda k: (_edit(k, b"v=1;", b"v=2;"), k.keys.policy()),
        "permerror",
        "incompatible_version",
        id="v-2",
    ),
    pytest.param(
        lambda k: (_edit(k, b"a=rsa-sha256", b"a=rsa-sha512"), k.keys.policy()),
        "permerror",
        "unsupported_algorithm",
        id="a-rsa-sha512",
    ),
    pytest.param(
        lambda k: (_edit(k, b"c=relaxed/relaxed", b"c=fancy/relaxed"), k.keys.policy()),
        "permerror",
        "unsupported_algorithm",
        id="c-fancy",
    ),
    pytest.param(
        lambda k: (_sig(k, extra=(("q", "dns/other"),)), k.keys.policy()),
        "permerror",
        "unsupported_algorithm",
        id="q-not-dns-txt",
    ),
    pytest.param(
        lambda k: (_sig(k, headers=("to", "subject")), k.keys.policy()),
        "permerror",
        "from_not_signed",
        id="h-without-from",
    ),
    pytest.param(
        lambda k: (_sig(k, identity="@example.org"), k.keys.policy()),
        "permerror",
        "domain_mismatch",
        id="i-outside-d",
    ),
    pytest.param(
        lambda k: (_sig(k, algorithm="rsa-sha1"), k.keys.policy()),
        "policy",
        "rsa_sha1",
        id="rsa-sha1",
    ),
    pytest.param(
        lambda k: (k.signed(k.message, k.keys.rsa512), k.keys.policy()),
        "policy",
        "key_too_small",
        id="rsa-512",
    ),
]


@pytest.mark.parametrize(("make", "result", "reason"), REASONS)
def test_reason_codes(
    kit: Any, make: Callable[[Any], tuple[bytes, Policy]], result: str, reason: str
) -> None:
    raw, policy = make(kit)
    r = run(raw, policy).results[0]
    assert (r.result, r.reason) == (result, reason), r.explanation


def test_malformed_signature_is_a_defect_and_raises_under_strict(kit: Any) -> None:
    raw = _edit(kit, b" bh=", b" xh=")
    r = run(raw, kit.keys.policy()).results[0]
    assert [d.code for d in r.defects] == ["dkim.malformed_signature"]
    strict = Policy(resolver=StaticResolver(kit.keys.records()), as_of=kit.at_t0, strict=True)
    with pytest.raises(DefectError):
        run(raw, strict)


def test_limit_exceeded(kit: Any) -> None:
    raw = kit.signed(kit.signed(kit.message, kit.keys.rsa), kit.keys.ed)
    policy = Policy(
        resolver=StaticResolver(kit.keys.records()),
        as_of=kit.at_t0,
        limits=Limits(max_dkim_signatures=1),
    )
    a = run(raw, policy)
    assert [(r.result, r.reason) for r in a.results] == [
        ("pass", "pass"),
        ("neutral", "limit_exceeded"),
    ]
    assert "dkim.too_many_signatures" in codes(a)


# --- as-of time ----------------------------------------------------------------------------


def test_valid_at_receipt_expired_now(kit: Any) -> None:
    raw = _sig(kit, expires=kit.t0 + 3600)
    a = run(raw, Policy(resolver=StaticResolver(kit.keys.records())), receipt_time=kit.at_t0)
    r = a.results[0]
    assert (r.result, r.reason, r.as_of_source, r.as_of, r.expired_now) == (
        "pass",
        "pass",
        "receipt",
        kit.at_t0,
        True,
    )
    assert r.expires_at == dt.datetime.fromtimestamp(kit.t0 + 3600, dt.UTC)
    assert r.explanation == (
        "Verified with the rsa key at rsa1._domainkey.example.com. Its x= expiry had not"
        " passed at the receipt time, but has passed now."
    )
    assert "dkim.expired_since_receipt" in codes(a)


def test_as_of_now_without_receipt(kit: Any) -> None:
    raw = _sig(kit, expires=kit.t0 + 3600)
    r = run(raw, Policy(resolver=StaticResolver(kit.keys.records()))).results[0]
    assert (r.result, r.reason, r.as_of_source, r.expired_now) == ("fail", "expired", "now", True)


def test_policy_as_of_wins_over_receipt(kit: Any) -> None:
    raw = _sig(kit, expires=kit.t0 + 3600)
    late = kit.at_t0 + dt.timedelta(days=1)
    r = run(raw, kit.keys.policy(as_of=late), receipt_time=kit.at_t0).results[0]
    assert (r.reason, r.as_of_source, r.as_of) == ("expired", "policy", late)


def test_verify_dkim_uses_receipt_time_from_hops(kit: Any) -> None:
    raw = _sig(kit, expires=kit.t0 + 3600)
    (r,) = verify_dkim(raw, policy=Policy(resolver=StaticResolver(kit.keys.records())))
    # the Received header on top is dated 10:00:05, i.e. before x=
    if r.as_of_source == "receipt":
        assert (r.result, r.expired_now) == ("pass", True)
    else:  # the hop analysis found no trusted receipt time: judged now, hence expired
        assert (r.as_of_source, r.reason) == ("now", "expired")


# --- findings on a pass --------------------------------------------------------------------


def _finding(a: DkimAnalysis, code: str) -> Any:
    (f,) = [f for f in a.findings if f.code == code]
    return f


def test_l_tag_reports_unsigned_octets(kit: Any) -> None:
    raw = _sig(kit, length=-1) + FOOTER
    a = run(raw, kit.keys.policy())
    r = a.results[0]
    assert (r.result, r.unsigned_body_octets) == ("pass", len(FOOTER) - 1)
    f = _finding(a, "dkim.body_length_limit")
    assert (f.severity, f.header_indexes) == ("warning", (0,))


def test_l_larger_than_body(kit: Any) -> None:
    a = run(_truncated(kit)[0], kit.keys.policy())
    assert _finding(a, "dkim.length_exceeds_body").severity == "warning"


def test_unsigned_subject_and_from_on_top(kit: Any) -> None:
    raw = b"From: CEO <ceo@example.com>\r\nSubject: URGENT wire transfer\r\n" + _sig(
        kit, headers=("from", "to", "subject")
    )
    a = run(raw, kit.keys.policy())
    r = a.results[0]
    assert (r.result, r.reason) == ("pass", "pass")
    above = [
        (f.severity, f.header_indexes) for f in a.findings if f.code == "dkim.unsigned_header_above"
    ]
    assert above == [("critical", (0, 2)), ("warning", (1, 2))]
    assert _finding(a, "dkim.not_oversigned").summary.count("from") == 1


def test_oversigned_headers_are_not_flagged(kit: Any) -> None:
    raw = _sig(
        kit,
        headers=(
            "from",
            "from",
            "to",
            "to",
            "subject",
            "subject",
            "date",
            "date",
            "message-id",
            "message-id",
        ),
    )
    a = run(raw, kit.keys.policy())
    assert a.results[0].reason == "pass"
    assert "dkim.not_oversigned" not in codes(a)
    assert "dkim.unsigned_header_above" not in codes(a)


@pytest.mark.parametrize(
    ("make", "code", "reason"),
    [
        pytest.param(
            lambda k: (_sig(k, algorithm="rsa-sha1"), k.keys.policy()),
            "dkim.rsa_sha1",
            "rsa_sha1",
            id="rsa-sha1",
        ),
        pytest.param(
            lambda k: (k.signed(k.message, k.keys.rsa512), k.keys.policy()),
            "dkim.weak_key",
            "key_too_small",
            id="rsa-512",
        ),
        pytest.param(
            lambda k: (_sig(k), k.keys.policy(rsa1__example_com=k.keys.rsa.txt + "; t=y")),
            "dkim.testing_mode",
            "pass",
            id="t-y",
        ),
        pytest.param(
            lambda k: (
                _sig(k),
                Policy(
                    resolver=StaticResolver(
                        {"rsa1._domainkey.example.com": [k.keys.rsa.txt, "v=spf1 -all"]}
                    ),
                    as_of=k.at_t0,
                ),
            ),
            "dkim.multiple_key_records",
            "pass",
            id="two-txt-records",
        ),
        pytest.param(
            lambda k: (_sig(k), Policy(as_of=k.at_t0)),
            "dkim.key_not_looked_up",
            "key_not_looked_up",
            id="offline",
        ),
        pytest.param(
            lambda k: (_sig(k), Policy(resolver=StaticResolver({}), as_of=k.at_t0)),
            "dkim.signature_error",
            "key_not_found",
            id="error",
        ),
    ],
)
def test_policy_findings(
    kit: Any, make: Callable[[Any], tuple[bytes, Policy]], code: str, reason: str
) -> None:
    raw, policy = make(kit)
    a = run(raw, policy)
    assert a.results[0].reason == reason
    assert code in codes(a)


def test_testing_flag_and_key_details(kit: Any) -> None:
    raw = _sig(kit)
    r = run(
        raw, kit.keys.policy(rsa1__example_com=kit.keys.rsa.txt + "; t=y:s; h=sha256; s=email")
    ).results[0]
    assert r.key is not None
    assert (
        r.testing,
        r.key.flags,
        r.key.hash_algorithms,
        r.key.service_types,
        r.key.key_type,
        r.key.bits,
    ) == (
        True,
        ("y", "s"),
        ("sha256",),
        ("email",),
        "rsa",
        2048,
    )


# --- alignment -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_addr", "relaxed", "strict"),
    [
        pytest.param(b"alice@example.com", True, True, id="same-domain"),
        pytest.param(b"alice@news.example.com", True, False, id="subdomain-relaxed-only"),
        pytest.param(b"alice@example.org", False, False, id="other-domain"),
    ],
)
def test_alignment_with_from(kit: Any, from_addr: bytes, relaxed: bool, strict: bool) -> None:
    msg = kit.message.replace(b"alice@example.com", from_addr)
    r = run(kit.signed(msg, kit.keys.rsa), kit.keys.policy()).results[0]
    assert (r.result, r.aligned_with_from, r.aligned_strict, r.from_domain) == (
        "pass",
        relaxed,
        strict,
        from_addr.split(b"@")[1].decode(),
    )
    assert r.psl_version


# --- robustness ----------------------------------------------------------------------------


BASE = b"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=rsa1; h=from; bh=AAAA; b=AAAA"


@pytest.mark.parametrize(
    "field",
    [
        b"DKIM-Signature:\r\n",
        b"DKIM-Signature: ;;;;\r\n",
        b"DKIM-Signature: v=1; a=rsa-sha256; d=; s=; h=; bh=; b=\r\n",
        b"DKIM-Signature: \xff\xfe=\x00; b==\r\n",
        b"DKIM-Signature: v=1; a=ed25519-sha256; d=example.com; s=ed1; h=from; bh=AAAA; b=AAAA\r\n",
        b"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=rsa1; h=from; bh=AAAA; b="
        + b"A" * 5000
        + b"\r\n",
        BASE + b"; t=99999999999999999999\r\n",
        BASE + b"; l=999999999999999999999999\r\n",
    ],
    ids=[
        "empty",
        "semicolons",
        "empty-values",
        "binary",
        "short-ed25519",
        "huge-b",
        "huge-t",
        "huge-l",
    ],
)
def test_garbage_signatures_give_results(kit: Any, field: bytes) -> None:
    a = run(field + kit.message, kit.keys.policy())
    assert len(a.results) == 1
    assert a.results[0].result in ("fail", "permerror", "neutral")


@pytest.mark.parametrize(
    "record",
    [
        "",
        "p",
        "=;=;=",
        "v=DKIM1; k=rsa; p=" + "A" * 10000,
        "v=DKIM1; k=ed25519; p=AAAA",
        "v=DKIM1; k=ed25519",
        "v=DKIM1; p=MA==",
        "\x00\xff garbage \u2603",
    ],
    ids=[
        "empty",
        "bare-p",
        "equals",
        "huge-p",
        "short-ed25519",
        "ed25519-no-p",
        "tiny-der",
        "binary",
    ],
)
def test_garbage_key_records_give_results(kit: Any, record: str) -> None:
    for key in (kit.keys.rsa, kit.keys.ed):
        raw = kit.signed(kit.message, key)
        r = run(raw, kit.keys.policy(**{f"{key.selector}__example_com": record})).results[0]
        assert r.result in ("fail", "permerror")


def test_offline_resolver_is_asked_nothing_on_the_network(kit: Any) -> None:
    offline = OfflineResolver()
    analyze_dkim(parse(_sig(kit)), Policy(), resolver=offline, receipt_time=None)
    assert [x.name for x in offline.asked] == ["rsa1._domainkey.example.com"]


def test_docs_list_every_reason_code() -> None:
    from pathlib import Path

    from headerlens._catalogue.dkim import REASONS

    doc = (Path(__file__).resolve().parents[3] / "docs" / "dkim.md").read_text()
    rows = {}
    for line in doc.splitlines():
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0] in REASONS:
            rows[cells[0]] = cells[1]
    assert rows == {code: result for code, (result, _text) in REASONS.items()}


def test_body_changed_explanation_says_it_once(kit: Any) -> None:
    r = run(_body_changed(kit)[0], kit.keys.policy()).results[0]
    assert r.explanation == (
        "The body changed after signing: its hash does not match bh=. No tested"
        " transformation (footer, blank lines, line ends, re-encoding) matches bh=: the"
        " body was edited in some other way."
    )
