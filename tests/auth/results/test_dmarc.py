"""DMARC alignment (RFC 7489 3.1): the why-table, the verdict and the what-ifs."""

from __future__ import annotations

import datetime as dt

import pytest

from headerlens.auth.dmarc import evaluate_dmarc, parse_dmarc_record, policy_from_result
from headerlens.auth.models import AuthResultsHeader, DkimResult, DmarcPolicy, ReceivedSpf
from headerlens.auth.results import parse_authentication_results
from headerlens.domains import psl_version
from headerlens.message import Address
from headerlens.resolvers import RecordingResolver, StaticResolver

AS_OF = dt.datetime(2024, 10, 1, tzinfo=dt.UTC)


def addr(spec: str, display: str | None = None) -> Address:
    local, _, domain = spec.partition("@")
    return Address(raw=spec, display_name=display, local_part=local, domain=domain)


def trusted(value: str) -> AuthResultsHeader:
    h = parse_authentication_results(value, header_index=0)
    return h.model_copy(
        update={
            "trusted": True,
            "results": tuple(r.model_copy(update={"header_index": 0}) for r in h.results),
        }
    )


def dkim(domain: str, result: str = "pass", reason: str = "ok", **kw: object) -> DkimResult:
    return DkimResult(
        header_index=5,
        domain=domain,
        selector="s1",
        result=result,  # type: ignore[arg-type]
        reason=reason,
        explanation=str(kw.pop("explanation", "")),
        as_of=AS_OF,
        **kw,  # type: ignore[arg-type]
    )


# From domain, authenticated domain -> (strict, relaxed)
ALIGNMENT = [
    pytest.param("example.com", "example.com", (True, True), id="identical"),
    pytest.param("example.com", "mail.example.com", (False, True), id="subdomain"),
    pytest.param("news.example.co.uk", "bounce.example.co.uk", (False, True), id="co-uk"),
    pytest.param("example.co.uk", "other.co.uk", (False, False), id="co-uk-different-org"),
    pytest.param("alice.github.io", "bob.github.io", (False, False), id="github-io-private"),
    pytest.param("www.alice.github.io", "alice.github.io", (False, True), id="github-io-sub"),
    pytest.param("bücher.example", "xn--bcher-kva.example", (True, True), id="idn-u-vs-a"),
    pytest.param("mail.bücher.de", "xn--bcher-kva.de", (False, True), id="idn-org"),
    pytest.param("Example.COM", "example.com", (True, True), id="uppercase"),
    pytest.param("example.com.", "example.com", (True, True), id="trailing-dot"),
]


@pytest.mark.parametrize(("from_domain", "auth_domain", "want"), ALIGNMENT)
def test_alignment_rows(from_domain: str, auth_domain: str, want: tuple[bool, bool]) -> None:
    report, _ = evaluate_dmarc(
        from_addresses=(addr(f"a@{from_domain}"),),
        trusted=trusted(f"mx.example.net; dkim=pass header.d={auth_domain}"),
    )
    (row,) = report.identifiers
    assert (row.strict_aligned, row.relaxed_aligned) == want
    # no SPF result is recorded, so only an aligned pass decides (RFC 7489 section 4.2)
    assert report.computed_result == ("pass" if want[1] else None)
    assert report.psl_version == psl_version()


def test_google_pass_with_recorded_policy() -> None:
    report, findings = evaluate_dmarc(
        from_addresses=(addr("alice@example.com", "Alice"),),
        from_header_indexes=(7,),
        trusted=trusted(
            "mx.google.com; dkim=pass header.i=@example.com header.s=s1;"
            " spf=pass smtp.mailfrom=bounce@esp.example;"
            " dmarc=pass (p=REJECT sp=QUARANTINE dis=NONE pct=50) header.from=example.com"
        ),
    )
    assert report.result == "pass"
    assert report.result_source == "trusted-header"
    assert report.passed is True
    assert report.computed_result == "pass"
    assert report.policy == DmarcPolicy(
        source="header-comment",
        p="reject",
        sp="quarantine",
        dis="none",
        pct=50,
        raw="p=REJECT sp=QUARANTINE dis=NONE pct=50",
    )
    assert [(r.source, r.domain, r.counts) for r in report.identifiers] == [
        ("spf-mailfrom", "esp.example", False),
        ("dkim-header", "example.com", True),
    ]
    assert report.spf_domain == "esp.example"
    assert report.spf_identity == "mailfrom"
    assert report.dkim_domains == ("example.com",)
    assert report.from_header_indexes == (7,)
    assert findings == ()


def test_microsoft_bestguesspass_is_not_a_pass() -> None:
    report, findings = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=trusted(
            "spf=pass smtp.mailfrom=example.com; dmarc=bestguesspass action=none"
            " header.from=example.com"
        ),
    )
    assert report.result == "bestguesspass"
    assert report.passed is False
    assert report.computed_result == "pass"
    assert report.policy == DmarcPolicy(source="header-property", dis="none", raw="dis=none")
    assert [f.code for f in findings] == ["auth.dmarc_bestguesspass"]


def test_fail_p_none_is_still_a_fail_and_mismatch() -> None:
    report, findings = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=trusted(
            "mx.example.net; spf=pass smtp.mailfrom=example.com;"
            " dmarc=fail (p=none dis=none) header.from=example.com"
        ),
    )
    assert report.result == "fail"
    assert report.passed is False
    assert [(f.code, f.severity) for f in findings] == [
        ("auth.dmarc_fail", "notice"),
        ("auth.dmarc_result_mismatch", "notice"),
    ]


def test_null_sender_uses_helo() -> None:
    report, _ = evaluate_dmarc(
        from_addresses=(addr("postmaster@example.com"),),
        trusted=trusted("mx.example.net; spf=pass smtp.mailfrom=<> smtp.helo=mta.example.com"),
    )
    assert report.spf_identity == "helo"
    assert report.spf_domain == "mta.example.com"
    assert report.computed_result == "pass"
    assert report.result_source == "computed"


def test_helo_identity_does_not_count_with_a_real_mailfrom() -> None:
    report, _ = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=trusted(
            "mx.example.net; spf=pass smtp.helo=mta.example.com;"
            " spf=fail smtp.mailfrom=bounce@esp.example"
        ),
    )
    assert [(r.source, r.result, r.counts) for r in report.identifiers] == [
        ("spf-helo", "pass", False),
        ("spf-mailfrom", "fail", False),
    ]
    assert report.spf_identity == "mailfrom"
    assert report.spf_result == "fail"
    assert report.computed_result == "fail"


def test_received_spf_used_without_trusted_spf() -> None:
    rs = ReceivedSpf(header_index=2, result="pass", envelope_from="b@example.com", trusted=True)
    report, _ = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),), trusted=None, received_spf=(rs,)
    )
    assert [(r.source, r.domain, r.counts) for r in report.identifiers] == [
        ("received-spf", "example.com", True)
    ]
    assert report.result == "pass"
    assert report.result_source == "computed"


def test_strict_alignment_what_if_relaxed_from_published_record() -> None:
    resolver = RecordingResolver(
        StaticResolver({"_dmarc.example.com": "v=DMARC1; p=reject; adkim=s; aspf=s"})
    )
    report, _ = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=trusted(
            "mx.example.net; spf=fail smtp.mailfrom=example.com;"
            " dkim=pass header.d=mail.example.com"
        ),
        resolver=resolver,
    )
    assert report.adkim == "strict"
    assert report.alignment_source == "published-record"
    assert report.computed_result == "fail"
    assert report.what_ifs == (
        "Would pass under relaxed alignment: dkim-header mail.example.com shares the"
        " organizational domain example.com with example.com (adkim=s is in force).",
    )
    rec = report.published_record
    assert rec is not None
    assert (rec.name, rec.outcome, rec.record, rec.org_domain_fallback) == (
        "_dmarc.example.com",
        "answer",
        "v=DMARC1; p=reject; adkim=s; aspf=s",
        False,
    )
    assert rec.note.startswith("Looked up at analysis time: today's record")
    assert [q.name for q in resolver.transcript] == ["_dmarc.example.com"]


def test_published_record_org_fallback_and_absent() -> None:
    resolver = StaticResolver({"_dmarc.example.co.uk": "v=DMARC1; p=quarantine; sp=none"})
    report, _ = evaluate_dmarc(
        from_addresses=(addr("a@news.example.co.uk"),),
        trusted=trusted("mx.example.net; dkim=pass header.d=example.co.uk"),
        resolver=resolver,
    )
    rec = report.published_record
    assert rec is not None
    assert rec.policy is not None
    assert (rec.name, rec.org_domain_fallback, rec.policy.p, rec.policy.sp) == (
        "_dmarc.example.co.uk",
        True,
        "quarantine",
        "none",
    )
    report2, _ = evaluate_dmarc(
        from_addresses=(addr("a@example.org"),),
        trusted=trusted("mx.example.net; dkim=pass header.d=example.org"),
        resolver=StaticResolver({}),
    )
    assert report2.published_record is not None
    assert report2.published_record.outcome == "nxdomain"


def test_no_lookup_without_resolver() -> None:
    report, _ = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=trusted("mx.example.net; dkim=pass header.d=example.com"),
    )
    assert report.published_record is None


def test_list_footer_what_if() -> None:
    report, _ = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=trusted(
            "mx.example.net; dkim=fail header.d=example.com; spf=pass"
            " smtp.mailfrom=bounces@lists.example.org"
        ),
        dkim=(
            dkim(
                "example.com",
                "fail",
                "body_hash_mismatch",
                explanation="The body differs: a footer was appended after signing.",
                header_signature_ok=True,
                body_hash_ok=False,
            ),
        ),
    )
    assert report.computed_result == "fail"
    assert report.what_ifs == (
        "Passes if the list footer is removed: the signature by example.com fails only"
        " because text was added to the end of the body.",
        "spf-mailfrom passed for lists.example.org, outside example.com's organizational"
        " domain: would pass if the envelope sender were in example.com.",
    )
    assert [(r.source, r.note) for r in report.identifiers] == [
        ("spf-mailfrom", None),
        ("dkim-header", None),
        ("dkim-verified", "body_hash_mismatch"),
    ]


def test_body_changed_what_if_without_footer_diagnosis() -> None:
    report, _ = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=None,
        dkim=(dkim("example.com", "fail", "body_hash_mismatch", header_signature_ok=True),),
    )
    # no SPF result is known: an aligned SPF pass at the receiver would have passed DMARC
    assert (report.result, report.computed_result) == (None, None)
    assert report.explanation == (
        "DMARC for example.com could not be judged: no SPF result is recorded, and no"
        " aligned DKIM signature passed."
    )
    assert report.what_ifs == (
        "Would pass if the body were as signed: the signature by example.com covers"
        " unchanged headers, only the body changed.",
    )


def test_would_fail_under_strict() -> None:
    report, _ = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=None,
        dkim=(dkim("mail.example.com"),),
    )
    assert report.result == "pass"
    assert report.what_ifs == (
        "Would fail under strict alignment: every aligned pass is from another name in the"
        " same organizational domain.",
    )


def test_no_from_and_several_from() -> None:
    report, findings = evaluate_dmarc(from_addresses=(), trusted=None)
    assert (report.from_domain, report.result) == (None, None)
    assert [f.code for f in findings] == ["auth.from_missing"]
    report2, findings2 = evaluate_dmarc(
        from_addresses=(addr("a@example.com"), addr("b@example.org")),
        trusted=None,
        dkim=(dkim("example.com"),),
    )
    assert report2.from_domains == ("example.com", "example.org")
    assert report2.computed_result == "fail"
    assert [f.code for f in findings2] == ["auth.from_multiple", "auth.dmarc_fail"]


def test_display_name_holding_another_address() -> None:
    _, findings = evaluate_dmarc(
        from_addresses=(addr("x@evil.example", "support@bank.example"),), trusted=None
    )
    assert [(f.code, f.severity) for f in findings] == [
        ("auth.from_display_name_address", "warning")
    ]


def test_unjudged_without_results() -> None:
    report, findings = evaluate_dmarc(from_addresses=(addr("a@example.com"),), trusted=None)
    assert (report.result, report.passed, report.result_source) == (None, None, None)
    assert report.explanation == (
        "DMARC for example.com could not be judged: no trusted SPF or DKIM result."
    )
    assert findings == ()


def test_policy_parsers() -> None:
    assert parse_dmarc_record("v=spf1 -all") is None
    assert parse_dmarc_record("v=DMARC1; p=none; pct=20") == (
        ("v", "DMARC1"),
        ("p", "none"),
        ("pct", "20"),
    )
    h = parse_authentication_results(
        "mx.example.net; dmarc=pass policy.published-domain-policy=reject"
        " policy.applied-disposition=none header.from=example.com"
    )
    assert policy_from_result(h.results[0]) == DmarcPolicy(
        source="header-property", p="reject", dis="none", raw="p=reject dis=none"
    )


def test_list_footer_what_if_from_diagnosis() -> None:
    from headerlens.auth.dkim_models import DkimDiagnosis

    diag = DkimDiagnosis(body_change="appended", appended_octets=120, summary="Text appended.")
    report, _ = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=None,
        dkim=(dkim("example.com", "fail", "body_hash_mismatch", diagnosis=diag),),
    )
    assert report.what_ifs == (
        "Passes if the list footer is removed: the signature by example.com fails only"
        " because text was added to the end of the body.",
    )


@pytest.mark.parametrize(
    ("verdict", "alignment"),
    [
        pytest.param(dkim("example.com"), "pass", id="aligned-dkim-pass"),
        pytest.param(dkim("example.com", "fail", "body_hash_mismatch"), None, id="dkim-fail"),
    ],
)
def test_no_published_record_gives_none_not_fail(
    verdict: DkimResult, alignment: str | None
) -> None:
    report, findings = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=None,
        dkim=(verdict,),
        resolver=StaticResolver({}),
    )
    assert (report.result, report.computed_result, report.result_source, report.passed) == (
        "none",
        alignment,
        "computed",
        False,
    )
    assert report.explanation.startswith(
        "DMARC for example.com: none (computed here). Today's lookup of _dmarc.example.com"
        " found no DMARC record (nxdomain), so DMARC does not apply (RFC 7489 section"
        " 6.6.3); "
        + (
            f"alignment alone would give {alignment}."
            if alignment
            else "alignment alone could not decide."
        )
    )
    assert [f.code for f in findings] == []


def test_receiver_verdict_kept_without_published_record() -> None:
    report, findings = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=trusted("mx.example.net; dmarc=fail header.from=example.com"),
        resolver=StaticResolver({}),
    )
    assert (report.result, report.result_source) == ("fail", "trusted-header")
    assert [f.code for f in findings] == ["auth.dmarc_fail"]


def test_aligned_passes_listed_once() -> None:
    # amavis and OpenDKIM both record dkim=pass for one signature (postfix sample)
    report, _ = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=trusted(
            "mx.example.net; dkim=pass header.d=example.com; dkim=pass header.d=example.com"
        ),
    )
    assert report.explanation == (
        "DMARC for example.com: pass (computed here). Aligned passes: dkim-header example.com."
    )


@pytest.mark.parametrize(
    ("action", "p", "dis", "sentence"),
    [
        pytest.param(
            "oreject",
            "reject",
            "quarantine",
            " Microsoft's action=oreject: the domain asks for reject, but Microsoft overrode it"
            " and delivered the message as spam (Junk Email).",
            id="microsoft-override-reject",
        ),
        pytest.param(
            "pct.quarantine",
            "quarantine",
            "none",
            " Microsoft's action=pct.quarantine: the policy's pct= left this message out, so it"
            " was delivered without the quarantine.",
            id="microsoft-pct-quarantine",
        ),
        pytest.param("none", None, "none", "", id="microsoft-none"),
    ],
)
def test_microsoft_action_is_translated(
    action: str, p: str | None, dis: str, sentence: str
) -> None:
    report, _ = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),),
        trusted=trusted(
            f"spf=fail smtp.mailfrom=example.com; dmarc=fail action={action}"
            " header.from=example.com"
        ),
    )
    assert report.policy is not None
    assert (report.policy.p, report.policy.dis) == (p, dis)
    assert report.explanation.endswith(
        f"Policy as recorded by the receiver: {'p=' + p + ' ' if p else ''}dis={dis}.{sentence}"
    )


@pytest.mark.parametrize(
    ("verdict", "received", "why"),
    [
        pytest.param(
            dkim("example.com", "neutral", "key_not_looked_up"),
            "pass",
            "the aligned DKIM signature of example.com could not be verified (key_not_looked_up)",
            id="key-not-looked-up",
        ),
        pytest.param(
            dkim("example.com", "temperror", "key_unavailable"),
            "fail",
            "the dkim-verified check of example.com ended in a temporary error",
            id="dkim-temperror",
        ),
    ],
)
def test_unverifiable_aligned_signature_is_not_a_fail(
    verdict: DkimResult, received: str, why: str
) -> None:
    # RFC 7489 section 4.2: a fail needs every aligned identifier decided; a signature
    # nobody could check (offline analysis, a DNS error) may still have passed.
    rs = ReceivedSpf(header_index=2, result=received, envelope_from="b@esp.example", trusted=True)
    report, findings = evaluate_dmarc(
        from_addresses=(addr("a@example.com"),), trusted=None, received_spf=(rs,), dkim=(verdict,)
    )
    assert (report.result, report.computed_result, report.passed) == (None, None, None)
    assert report.explanation == f"DMARC for example.com could not be judged: {why}."
    assert [f.code for f in findings] == []


def test_offline_good_signature_gives_no_dmarc_fail() -> None:
    # samples/dkim/good-rsa.eml analysed offline: the verdict says "unknown", so must DMARC
    from pathlib import Path

    import headerlens

    sample = Path(__file__).resolve().parents[3] / "samples" / "dkim" / "good-rsa.eml"
    report = headerlens.analyze(sample)
    assert report.dkim[0].reason == "key_not_looked_up"
    assert report.dmarc is not None
    assert report.dmarc.result is None
    assert report.verdict.authenticated is None
    assert "auth.dmarc_fail" not in [f.code for f in report.findings]


@pytest.mark.parametrize(
    ("from_field", "want"),
    [
        # an unquoted comma in the display name: one mailbox and one entry that is none
        # (address.unparseable); 197 of phishing-pot-dev's 1,319 messages look like this
        pytest.param(
            "Microsoft account team ,_<no-reply@access-accsecurity.com>", [], id="comma-name"
        ),
        pytest.param("Shop , <angebote@news.example>", [], id="comma-space"),
        pytest.param(
            "a@example.com, b@example.com",
            ["From names 2 mailboxes (example.com); each domain must pass DMARC."],
            id="two-mailboxes",
        ),
    ],
)
def test_from_multiple_counts_mailboxes_only(from_field: str, want: list[str]) -> None:
    from headerlens import parse

    message = parse(f"From: {from_field}\r\nTo: x@example.net\r\n\r\n".encode())
    _, findings = evaluate_dmarc(from_addresses=message.addresses("From"), trusted=None)
    assert [f.summary for f in findings if f.code == "auth.from_multiple"] == want
