"""ARC chains built at test time: sign, forward with a footer, seal, tamper (RFC 8617)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from headerlens import analyze as full_analysis
from headerlens.auth.arc import analyze_arc, verify_arc
from headerlens.auth.models import ArcAnalysis, ArcResult, DkimResult
from headerlens.errors import DefectError
from headerlens.hops.models import TrustBoundary
from headerlens.parse import parse
from headerlens.parse.dates import parse_date
from headerlens.policy import Limits, Policy
from headerlens.resolvers import StaticResolver

AS_OF = dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)


def verify(kit, message: bytes, **policy_args) -> ArcResult:
    policy_args.setdefault("resolver", kit.resolver())
    policy_args.setdefault("as_of", AS_OF)
    return verify_arc(message, policy=Policy(**policy_args))


def analyze(kit, message: bytes, *, dkim=(), trust_index=0, **policy_args) -> ArcAnalysis:
    policy_args.setdefault("as_of", AS_OF)
    policy = Policy(resolver=kit.resolver(), **policy_args)
    return analyze_arc(
        parse(message, policy=policy),
        policy,
        resolver=kit.resolver(),
        receipt_time=None,
        dkim=tuple(dkim),
        trust=TrustBoundary(header_index=trust_index),
    )


def table(result: ArcResult) -> list[tuple[int, str | None, bool | None, bool | None, str | None]]:
    return [(i.instance, i.seal_domain, i.ams_valid, i.seal_valid, i.cv) for i in result.instances]


def drop_set(message: bytes, instance: int) -> bytes:
    """Remove the three ARC fields of one instance (folded lines included)."""
    out, skip = [], False
    for line in message.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            if not skip:
                out.append(line)
            continue
        skip = bool(
            re.match(rb"(?i)arc-(seal|message-signature|authentication-results):", line)
            and re.search(rb"\bi=%d;" % instance, line)
        )
        if not skip:
            out.append(line)
    return b"\r\n".join(out)


def field_block(message: bytes, prefix: bytes) -> bytes:
    """The whole (folded) field starting with ``prefix``."""
    start = message.index(prefix)
    end = start
    while True:
        end = message.index(b"\r\n", end) + 2
        if message[end : end + 1] not in (b" ", b"\t"):
            return message[start:end]


# --------------------------------------------------------------------------- chain states


def test_intact_chain_passes(kit):
    message = kit.list_chain(footer=False)
    result = verify(kit, message)
    assert (result.cv, result.oldest_pass, result.broken_at, result.reason_code) == (
        "pass",
        0,
        None,
        "pass",
    )
    assert table(result) == [
        (1, "lists.example.org", True, True, "none"),
        (2, "lists.example.org", True, True, "pass"),
        (3, "fwd.example.net", True, True, "pass"),
    ]
    first = result.instances[0]
    assert (first.seal_selector, first.ams_domain, first.ams_selector) == (
        "arc1",
        "lists.example.org",
        "arc1",
    )
    assert first.seal_timestamp == dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
    assert [i.aar_trusted for i in result.instances] == [True, True, True]
    assert result.instances[0].authserv_id == "mx.lists.example.org"
    assert result.defects == ()


def test_list_footer_between_instance_1_and_2(kit):
    result = verify(kit, kit.list_chain())
    assert (result.cv, result.oldest_pass, result.broken_at) == ("pass", 2, 2)
    assert table(result) == [
        (1, "lists.example.org", False, True, "none"),
        (2, "lists.example.org", True, True, "pass"),
        (3, "fwd.example.net", True, True, "pass"),
    ]
    assert result.instances[0].ams_body_hash_ok is False
    assert result.instances[0].ams_header_signature_ok is True
    assert result.instances[0].reasons == (
        "ARC-Message-Signature i=1 body hash does not match: the body changed",
    )


def test_list_footer_findings(kit):
    final = (
        b"Authentication-Results: mx.example.net; dkim=fail header.d=example.com;"
        b" dmarc=fail header.from=example.com; arc=pass\r\n" + kit.list_chain()
    )
    analysis = analyze(kit, final)
    summaries = {f.code: f.summary for f in analysis.findings}
    assert summaries["arc.message_modified"] == (
        "The body changed between instance 1 and 2: lists.example.org appended text "
        "(2 lines at the end of the body)"
    )
    assert summaries["arc.forwarded_dmarc_pass"] == (
        "DMARC fails at the final hop (mx.example.net) but a valid ARC chain from "
        "lists.example.org recorded a pass at instance 1"
    )
    assert summaries["arc.hop_results"].startswith(
        "What each ARC sealer saw: instance 1 (lists.example.org): arc=none spf=pass dkim=pass"
        " dmarc=pass;"
    )
    assert [f.code for f in analysis.findings] == [
        "arc.chain_valid",
        "arc.message_modified",
        "arc.hop_results",
        "arc.forwarded_dmarc_pass",
    ]


def test_dkim_results_locate_the_change(kit):
    message = kit.list_chain()
    parsed = parse(message)
    sig = parsed.fields("DKIM-Signature")[0]
    dkim_result = DkimResult(
        header_index=sig.index,
        domain="example.com",
        selector="s2026",
        result="fail",
        reason="body_hash_mismatch",
        explanation="",
        body_hash_ok=False,
        header_signature_ok=True,
        as_of=AS_OF,
    )
    analysis = analyze(kit, message, dkim=[dkim_result], trust_index=None)
    texts = [f.summary for f in analysis.findings if f.code == "arc.message_modified"]
    assert texts == [
        "The body changed between instance 1 and 2: lists.example.org appended text "
        "(2 lines at the end of the body)",
        "The DKIM signature of example.com fails because the body changed after it was "
        "forwarded: instance 1 (lists.example.org) still saw the signed body; it changed "
        "before instance 2 (lists.example.org)",
    ]


def test_subject_tag_is_a_header_change(kit):
    m = kit.signed_origin()
    m = kit.hop(m, "lists.example.org", "arc=none; dmarc=pass header.from=example.com")
    m = kit.hop(
        m, "fwd.example.net", "arc=pass", subject_tag=b"[list]", at=kit_t(60), received=False
    )
    result = verify(kit, m)
    assert (result.cv, result.broken_at) == ("pass", 2)
    first = result.instances[0]
    assert (first.ams_body_hash_ok, first.ams_header_signature_ok) == (True, False)
    findings = analyze(kit, m, trust_index=None).findings
    assert [f.summary for f in findings if f.code == "arc.message_modified"] == [
        "Signed header fields changed between instance 1 and 2: fwd.example.net edited them"
        " (e.g. a Subject tag)"
    ]


def kit_t(offset: int) -> int:
    return 1772532000 + offset


def test_body_changed_after_last_seal(kit):
    message = kit.list_chain(footer=False).replace(b"the notes are below.", b"the notes: pay now")
    result = verify(kit, message)
    assert (result.cv, result.broken_at, result.reason_code) == ("fail", 3, "newest_ams_invalid")
    assert result.reason == (
        "ARC-Message-Signature i=3 body hash does not match: the body changed "
        "(the newest ARC-Message-Signature must verify)"
    )
    assert [i.ams_valid for i in result.instances] == [False, False, False]
    findings = analyze(kit, message, trust_index=None).findings
    assert [(f.code, f.severity) for f in findings][:2] == [
        ("arc.chain_failed", "warning"),
        ("arc.message_modified", "warning"),
    ]
    assert findings[1].summary == "The body changed after instance 3 (fwd.example.net) sealed it"


def test_text_appended_after_last_seal(kit):
    message = kit.list_chain(footer=False) + b"P.S. injected\r\n"
    findings = analyze(kit, message, trust_index=None).findings
    assert [f.summary for f in findings if f.code == "arc.message_modified"] == [
        "The body changed after instance 3 (fwd.example.net) sealed it: appended text "
        "(1 line at the end of the body)"
    ]


def test_edited_aar_breaks_the_oldest_seal(kit):
    message = kit.list_chain(footer=False).replace(
        b"ARC-Authentication-Results: i=1; mx.lists.example.org;",
        b"ARC-Authentication-Results: i=1; mx.lists.example.org; x=1;",
    )
    result = verify(kit, message)
    # dkimpy names ARC-Seal[3]; the damage is in set 1, which every seal covers.
    assert (result.cv, result.broken_at, result.reason_code) == ("fail", 1, "seal_invalid")
    assert result.reason == "ARC-Seal i=1 signature does not verify"
    assert [i.seal_valid for i in result.instances] == [False, False, False]
    assert [i.aar_trusted for i in result.instances] == [False, False, False]


def test_seal_three_tampered_only_breaks_three(kit):
    message = kit.list_chain(footer=False)
    block = field_block(message, b"ARC-Seal: i=3;")
    message = message.replace(block, block.replace(b"t=1772532120", b"t=1772532121"))
    result = verify(kit, message)
    assert (result.cv, result.broken_at) == ("fail", 3)
    assert [i.seal_valid for i in result.instances] == [True, True, False]
    assert [i.aar_trusted for i in result.instances] == [True, True, False]


def test_sealed_cv_fail_is_fail(kit):
    m = kit.hop(kit.signed_origin(), "lists.example.org", "arc=none")
    m = kit.hop(m, "fwd.example.net", "arc=fail", at=kit_t(60))
    result = verify(kit, m)
    assert (result.cv, result.reason_code, result.broken_at) == ("fail", "sealed_fail", 2)
    assert result.reason == (
        "instance 2 (fwd.example.net) sealed the chain with cv=fail: it had already failed there"
    )


def test_truncated_chain_detected_from_receiver_results(kit):
    stripped = drop_set(kit.list_chain(footer=False), 3)
    assert verify(kit, stripped).cv == "pass"  # what remains is a valid 2-set chain
    final = (
        b"Authentication-Results: mx.example.net; arc=pass (i=3 spf=pass dkim=pass"
        b" dmarc=pass)\r\n" + stripped
    )
    findings = analyze(kit, final).findings
    assert [f.summary for f in findings if f.code == "arc.truncated"] == [
        "ARC chain truncated: the receiver mx.example.net recorded 3 ARC set(s) but the "
        "message carries 2; the newest sets were stripped after it was received"
    ]


def test_truncated_chain_from_arc_chain_property(kit):
    stripped = drop_set(kit.list_chain(footer=False), 3)
    final = (
        b"Authentication-Results: mx.example.net; arc=pass"
        b" arc.chain=lists.example.org:lists.example.org:fwd.example.net\r\n" + stripped
    )
    findings = analyze(kit, final).findings
    assert [f.summary for f in findings if f.code == "arc.truncated"] == [
        "ARC chain truncated: the receiver mx.example.net recorded 3 ARC set(s) but the "
        "message carries 2 (missing: fwd.example.net); the newest sets were stripped after"
        " it was received"
    ]


def test_no_truncation_claim_when_counts_agree(kit):
    final = b"Authentication-Results: mx.example.net; arc=pass (i=3)\r\n" + kit.list_chain()
    assert "arc.truncated" not in [f.code for f in analyze(kit, final).findings]


# --------------------------------------------------------------------------- structure


def test_gap_is_fail_with_reason(kit):
    result = verify(kit, drop_set(kit.list_chain(footer=False), 2))
    assert (result.cv, result.reason_code, result.broken_at) == ("fail", "instance_gap", 2)
    assert result.reason == "malformed chain: instance 2 is missing (the chain has a gap)"
    assert [d.code for d in result.defects] == ["arc.instance_gap"]


def test_duplicate_seal(kit):
    message = kit.list_chain(footer=False)
    block = field_block(message, b"ARC-Seal: i=3;")
    result = verify(kit, block + message)
    assert (result.cv, result.reason_code, result.broken_at) == ("fail", "duplicate_instance", 3)
    assert result.reason == "malformed chain: instance 3 has more than one ARC-Seal"
    assert [d.code for d in result.defects] == ["arc.duplicate_instance"]


def test_missing_aar(kit):
    message = kit.list_chain(footer=False)
    block = field_block(message, b"ARC-Authentication-Results: i=2;")
    result = verify(kit, message.replace(block, b""))
    assert (result.cv, result.reason_code, result.broken_at) == ("fail", "incomplete_set", 2)
    assert result.reason == "malformed chain: instance 2 has no ARC-Authentication-Results"
    assert [d.code for d in result.defects] == ["arc.incomplete_set"]


def test_seal_with_h_tag(kit):
    message = kit.list_chain(footer=False).replace(
        b"ARC-Seal: i=3; cv=pass;", b"ARC-Seal: i=3; cv=pass; h=from;"
    )
    result = verify(kit, message)
    assert (result.cv, result.reason_code, result.broken_at) == ("fail", "seal_malformed", 3)
    assert result.reason == "ARC-Seal i=3 carries h=, which RFC 8617 section 4.1.3 forbids"
    assert [d.code for d in result.defects] == ["arc.seal_has_h"]


def test_invalid_instance_number(kit):
    message = kit.list_chain(footer=False).replace(b"ARC-Seal: i=3;", b"ARC-Seal: i=0;")
    result = verify(kit, message)
    assert (result.cv, result.reason_code) == ("fail", "invalid_instance")
    assert [d.code for d in result.defects] == ["arc.invalid_instance", "arc.incomplete_set"]


def test_only_unreadable_instances():
    # Every ARC field has an instance number that cannot be read, so no set exists at all:
    # the chain is malformed (this used to stop validation with an IndexError).
    result = verify_arc(
        b"ARC-Seal: i=x; cv=none; a=rsa-sha256; d=a.example; s=s; b=AA\r\n"
        b"From: a@example.com\r\n\r\nhi\r\n"
    )
    assert (result.cv, result.reason_code, result.broken_at) == ("fail", "invalid_instance", None)
    assert result.reason == (
        "malformed chain: the ARC-Seal at header 0 has an i= value that is not a number ('x')"
    )
    assert [d.code for d in result.defects] == ["arc.invalid_instance"]


def test_malformed_tag_list(kit):
    message = kit.list_chain(footer=False).replace(
        b"ARC-Message-Signature: i=3; a=rsa-sha256;",
        b"ARC-Message-Signature: i=3; a=rsa-sha256; a=x;",
    )
    result = verify(kit, message)
    assert (result.cv, result.reason_code, result.broken_at) == ("fail", "newest_ams_invalid", 3)
    assert result.reason == (
        "ARC-Message-Signature i=3 is not a valid tag list (duplicate tag: 'a') "
        "(the newest ARC-Message-Signature must verify)"
    )
    assert [d.code for d in result.defects] == ["arc.malformed_tags"]


def test_more_than_fifty_sets():
    fields = b"".join(
        b"ARC-Seal: i=%d; cv=pass; a=rsa-sha256; d=x.example; s=s; b=AAAA\r\n"
        b"ARC-Message-Signature: i=%d; a=rsa-sha256; d=x.example; s=s; h=from; bh=AAAA; b=AAAA\r\n"
        b"ARC-Authentication-Results: i=%d; x.example; arc=pass\r\n" % (i, i, i)
        for i in range(51, 0, -1)
    )
    result = verify_arc(fields + b"From: a@example.com\r\n\r\nhi\r\n")
    assert (result.cv, result.reason_code) == ("fail", "invalid_instance")
    assert "has i=51, outside 1-50" in result.reason


def test_limit_on_sets(kit):
    result = verify(kit, kit.list_chain(), limits=Limits(max_arc_sets=2))
    assert (result.cv, result.reason_code, result.broken_at) == ("fail", "too_many_sets", 3)
    assert result.reason == "the chain has 3 ARC sets, more than the limit of 2"
    assert [d.code for d in result.defects] == ["arc.too_many_sets"]


def test_strict_policy_raises_on_defect(kit):
    with pytest.raises(DefectError):
        verify(kit, drop_set(kit.list_chain(), 2), strict=True)


# --------------------------------------------------------------------------- dkimpy crashes


@pytest.mark.parametrize(
    ("old", "new", "cv"),
    [
        pytest.param(
            b"ARC-Message-Signature: i=3;",
            b"ARC-Message-Signature:i=3;",
            "pass",
            id="no-space-after-colon",
        ),
        pytest.param(b"ARC-Seal: i=3;", b"ARC-Seal:i=3;", "pass", id="seal-no-space"),
        pytest.param(
            b"ARC-Message-Signature: i=3;",
            b"ARC-Message-Signature: i=3 ;",
            "fail",
            id="space-before-semicolon",
        ),
        pytest.param(
            b"ARC-Authentication-Results: i=3;",
            b"ARC-Authentication-Results:i=3;",
            "pass",
            id="aar-no-space",
        ),
    ],
)
def test_dkimpy_index_error_spellings(kit, old, new, cv):
    import dkim

    message = kit.list_chain(footer=False).replace(old, new)
    if new.startswith(b"ARC-Message-Signature"):
        with pytest.raises(IndexError):  # the bug we work around (tech-notes 2.3)
            dkim.arc_verify(message, dnsfunc=lambda name, timeout=5: None)
    assert verify(kit, message).cv == cv


# --------------------------------------------------------------------------- keys and time


def test_offline_is_not_verified(kit):
    message = kit.list_chain(footer=False)
    result = verify_arc(message, policy=Policy(as_of=AS_OF))
    assert (result.cv, result.reason_code, result.broken_at) == ("fail", "key_unavailable", 3)
    assert result.instances[2].reasons == (
        "ARC-Message-Signature i=3: key arc2._domainkey.fwd.example.net not looked up (offline)",
        "ARC-Seal i=3: key arc2._domainkey.fwd.example.net not looked up (offline)",
    )
    policy = Policy(as_of=AS_OF)
    analysis = analyze_arc(
        parse(message),
        policy,
        resolver=StaticResolver({}),
        receipt_time=None,
        dkim=(),
        trust=TrustBoundary(),
    )
    assert analysis.result.instances[0].reasons == (
        "ARC-Message-Signature i=1: no key published at arc1._domainkey.lists.example.org "
        "(nxdomain)",
        "ARC-Seal i=1: no key published at arc1._domainkey.lists.example.org (nxdomain)",
    )


def test_servfail_is_temporary(kit):
    class Failing:
        def resolve(self, name, rdtype="TXT"):
            from headerlens.resolvers import DnsLookup

            return DnsLookup(name=name, outcome="servfail", resolver="Failing")

    result = verify_arc(kit.list_chain(), policy=Policy(resolver=Failing(), as_of=AS_OF))
    assert (result.cv, result.reason_code) == ("fail", "key_unavailable")
    assert analyze_codes(kit, kit.list_chain(), Failing())[0] == "arc.not_verified"


def analyze_codes(kit, message, resolver):
    policy = Policy(as_of=AS_OF)
    analysis = analyze_arc(
        parse(message),
        policy,
        resolver=resolver,
        receipt_time=None,
        dkim=(),
        trust=TrustBoundary(),
    )
    return [f.code for f in analysis.findings]


def test_revoked_and_small_keys(kit):
    records = kit.records
    records["arc2._domainkey.fwd.example.net"] = "v=DKIM1; k=rsa; p="
    result = verify_arc(
        kit.list_chain(), policy=Policy(resolver=StaticResolver(records), as_of=AS_OF)
    )
    assert result.instances[2].reasons[0] == (
        "ARC-Message-Signature i=3: key at arc2._domainkey.fwd.example.net is revoked (empty p=)"
    )


def test_as_of_before_the_seal_is_future(kit):
    early = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)
    result = verify(kit, kit.list_chain(), as_of=early)
    assert result.cv == "fail"
    assert result.as_of == early
    assert "t= lies in the future of the as-of time" in result.reason


def test_receipt_time_is_the_default_clock(kit):
    policy = Policy(resolver=kit.resolver())
    receipt = dt.datetime(2026, 3, 3, 10, 5, tzinfo=dt.UTC)
    analysis = analyze_arc(
        parse(kit.list_chain()),
        policy,
        resolver=kit.resolver(),
        receipt_time=receipt,
        dkim=(),
        trust=TrustBoundary(),
    )
    assert (analysis.result.cv, analysis.result.as_of) == ("pass", receipt)


def test_header_only_paste(kit):
    headers = kit.list_chain().split(b"\r\n\r\n", 1)[0] + b"\r\n"
    result = verify(kit, headers)
    assert result.body_checked is False
    assert result.cv == "pass"
    assert result.reason.endswith("(headers only: body hashes not checked)")
    assert [i.ams_body_hash_ok for i in result.instances] == [None, None, None]


def test_no_arc_headers():
    result = verify_arc(b"From: a@example.com\r\n\r\nhello\r\n")
    assert result == ArcResult(
        cv="none", reason="no ARC header fields", reason_code="no_arc", as_of=result.as_of
    )


def test_dns_query_limit(kit):
    result = verify(kit, kit.list_chain(), limits=Limits(max_dns_queries=1))
    assert (result.cv, result.reason_code) == ("fail", "key_unavailable")
    assert result.instances[2].reasons == (
        "ARC-Message-Signature i=3: key arc2._domainkey.fwd.example.net not looked up "
        "(DNS query limit reached)",
        "ARC-Seal i=3: key arc2._domainkey.fwd.example.net not looked up (DNS query limit reached)",
    )


@pytest.mark.parametrize(
    ("stamp", "cv"),
    [("Tue, 03 Mar 2026 10:05:00 +0000", "pass"), ("Mon, 02 Mar 2026 00:00:00 +0000", "fail")],
)
def test_verify_arc_judges_as_of_the_receipt_time(kit, stamp: str, cv: str):
    """Without Policy.as_of, verify_arc judges the seals' t= as of the time the receiving
    organisation took the message in, as analyze() does: a seal stamped more than the skew
    allowance after that time is from the future (RFC 8617 section 4.1.3, t=)."""
    received = (
        "Authentication-Results: mail.receiver.test; arc=pass\r\n"
        "Received: from mx.fwd.example.net (mx.fwd.example.net [198.51.100.9]) by"
        f" mail.receiver.test with ESMTPS id R1; {stamp}\r\n"
    ).encode()
    message = received + kit.list_chain()
    policy = Policy(resolver=kit.resolver())
    result = verify_arc(message, policy=policy)
    assert (result.cv, result.as_of) == (cv, parse_date(stamp).datetime)
    assert full_analysis(message, policy=policy).arc == result
