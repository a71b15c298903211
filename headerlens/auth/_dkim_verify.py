"""One DKIM signature verified, step by step (RFC 6376 section 6.1; RFC 8301, RFC 8463).

:func:`verify_signature` runs, in order: 6.1.1 read the signature (:mod:`._dkim_signature`);
the time checks against the as-of time (``x=``, ``t=``); 6.1.3 the body hash (it needs no
key, so it is always computed); 6.1.2 the key (:mod:`._dkim_key`); 6.1.3 the header
signature; the reason, in RFC order; on failure the diagnosis (:mod:`._dkim_diagnose`); and
the findings (:mod:`._dkim_findings`). Every byte it touches goes through the shared layer
(:mod:`._sigbytes`, :mod:`._sigkeys`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from headerlens._catalogue.dkim import REASONS
from headerlens.auth._dkim_diagnose import diagnose
from headerlens.auth._dkim_findings import error_finding, failure_finding, policy_findings
from headerlens.auth._dkim_key import Key, KeyLookups, classify_key
from headerlens.auth._dkim_signature import Rejected, Signature, read_signature
from headerlens.auth._orgdomains import OrgDomains
from headerlens.auth._sigbody import SignedMessage
from headerlens.auth._sigbytes import HASHES, Field, header_data, select
from headerlens.auth._sigkeys import RsaOpened, ed25519_verify, rsa_open
from headerlens.auth.dkim_models import DkimDiagnosis, DkimKey
from headerlens.auth.models import DkimResult, DkimVerdict
from headerlens.defects import Defect, DefectLog
from headerlens.domains import psl_version
from headerlens.findings import Finding, make_finding

__all__ = ["FUTURE_SKEW", "DkimContext", "Times", "verify_signature"]

#: How far ``t=`` may lie after the as-of time before it counts as a future timestamp
#: (signers' clocks drift; RFC 6376 section 3.5 leaves the tolerance to the verifier).
FUTURE_SKEW = dt.timedelta(minutes=15)

AsOfSource = Literal["policy", "receipt", "now"]


@dataclass(frozen=True, slots=True)
class Times:
    """When signatures are judged: ``as_of`` and where it came from; ``now`` the wall clock
    (``None`` when it must not be read), used only to say a signature has expired since."""

    as_of: dt.datetime
    source: AsOfSource
    now: dt.datetime | None


@dataclass
class DkimContext:
    """What every signature of one message shares: its bytes, the key lookups, the From
    domain (for alignment), the times and the defect log."""

    signed: SignedMessage
    keys: KeyLookups
    times: Times
    log: DefectLog
    from_domain: str | None = None
    orgs: OrgDomains = field(default_factory=OrgDomains)
    #: ``False`` when only the results are wanted (``verify_dkim``): no findings are made
    with_findings: bool = True
    #: Why the body cannot prove a body hash wrong: ``body_not_original`` (a client's
    #: rendition, e.g. an Outlook .msg) or ``body_not_available`` (a header-only paste).
    body_reason: str | None = None


@dataclass
class _Outcome:
    reason: str = "pass"
    explanation: str = ""
    body_hash_ok: bool | None = None
    header_signature_ok: bool | None = None
    unsigned_body_octets: int | None = None
    body_unknown: bool = False  # the body is not the signed one: its hash proves nothing
    diagnosis: DkimDiagnosis | None = None
    findings: list[Finding] = field(default_factory=list)


def verify_signature(
    ctx: DkimContext, sig_field: Field, *, arc: bool = False
) -> tuple[DkimResult, list[Finding]]:
    """Verify one signature field; ``arc=True`` reads it as an ARC-Message-Signature
    (RFC 8617 section 4.1.2: no ``v=``, ``i=`` is the instance number)."""
    times = ctx.times
    shown: dict[str, Any] = {
        "header_index": sig_field.index,
        "as_of": times.as_of,
        "as_of_source": times.source,
        "from_domain": ctx.from_domain,
    }
    sig = read_signature(sig_field, shown, arc=arc)
    if isinstance(sig, Rejected):
        return _rejected(ctx, shown, sig)
    if sig.expires_at is not None and times.now is not None:
        shown["expired_now"] = times.now > sig.expires_at
    out = _Outcome()
    time_reason = _time_check(sig, times)
    _check_body(ctx.signed, sig, out, ctx.body_reason)
    key = classify_key(
        ctx.keys.lookup(sig.key_name), sig.key_type, sig.hash_name, sig.identity, sig.domain
    )
    chosen = select(ctx.signed.fields, sig.h_names, ctx.signed.index)
    opened = _check_header_signature(ctx.signed, sig, chosen, key, out)
    _decide(out, sig, key, time_reason, ctx.body_reason)
    if sig.expires_at is not None and out.reason != "expired" and shown.get("expired_now"):
        out.explanation += (
            f" Its x= expiry had not passed at the {times.source} time, but has passed now."
        )
    # diagnosis, only on failure (RFC 6376 leaves "why" to the verifier)
    if out.body_hash_ok is False or out.header_signature_ok is False:
        out.diagnosis = diagnose(
            signed=ctx.signed,
            sig=sig,
            body_ok=out.body_hash_ok,
            header_ok=out.header_signature_ok,
            key=key,
            opened=opened,
        )
        if out.diagnosis is not None:
            out.explanation += " " + out.diagnosis.summary
    result = _result(ctx, shown, sig, key.info, out)
    if not ctx.with_findings:
        return result, []
    findings = out.findings
    findings.extend(
        policy_findings(ctx.signed.fields, ctx.signed.index, result, chosen, sig.h_names, key)
    )
    if result.result == "fail":
        findings.append(failure_finding(result, sig.domain))
    elif result.result in ("permerror", "temperror"):
        findings.append(error_finding(result))
    return result, findings


def _rejected(
    ctx: DkimContext, shown: dict[str, Any], rejected: Rejected
) -> tuple[DkimResult, list[Finding]]:
    """The result of a signature that failed step 6.1.1."""
    defects: tuple[Defect, ...] = ()
    if rejected.malformed:
        defects = (
            ctx.log.add("dkim.malformed_signature", rejected.explanation, shown["header_index"]),
        )
    verdict: DkimVerdict = REASONS[rejected.reason][0]  # type: ignore[assignment]
    res = DkimResult(
        **shown,
        result=verdict,
        reason=rejected.reason,
        explanation=rejected.explanation,
        defects=defects,
    )
    return res, [error_finding(res)] if ctx.with_findings else []


def _time_check(sig: Signature, times: Times) -> tuple[str, str] | None:
    """``x=`` and ``t=`` against the as-of time (RFC 6376 section 3.5)."""
    if sig.expires_at is not None and times.as_of > sig.expires_at:
        return (
            "expired",
            f"Expired at {sig.expires_at.isoformat()}, before the {times.source} time.",
        )
    if sig.signed_at is not None and sig.signed_at > times.as_of + FUTURE_SKEW:
        return (
            "future_timestamp",
            f"Signed at {sig.signed_at.isoformat()}, after the {times.source} time.",
        )
    return None


def _check_body(
    signed: SignedMessage, sig: Signature, out: _Outcome, body_reason: str | None
) -> None:
    """6.1.3, body part: the canonical body (cut at ``l=``) against ``bh=``; unknown (``None``)
    when the body at hand cannot prove it wrong (``body_reason``)."""
    digest = signed.body_digest(sig.body_relaxed, sig.hash_name, sig.body_length)
    length = digest.canonical_length
    if sig.body_length is not None:
        if sig.body_length > length:
            out.findings.append(
                make_finding(
                    "dkim.length_exceeds_body",
                    "warning",
                    f"l={sig.body_length} but the body has only {length} canonical octets.",
                    (sig.field.index,),
                )
            )
        out.unsigned_body_octets = max(0, length - sig.body_length)
    out.body_hash_ok = digest.digest == sig.body_hash
    if body_reason == "body_not_original" or (body_reason is not None and not out.body_hash_ok):
        out.body_unknown = True
        out.body_hash_ok = None  # the body at hand is not the one that was signed


def _check_header_signature(
    signed: SignedMessage, sig: Signature, chosen: list[int | None], key: Key, out: _Outcome
) -> RsaOpened | None:
    """6.1.3, header part: hash the signed fields and check ``b=`` with the key."""
    if key.reason is not None:
        return None
    data = header_data(signed.fields, chosen, sig.field, sig.header_relaxed)
    digest = HASHES[sig.hash_name](data).digest()
    if key.rsa is not None:
        opened = rsa_open(sig.signature, *key.rsa)
        out.header_signature_ok = (
            opened.well_formed
            and opened.digest_algorithm == sig.hash_name
            and opened.digest == digest
        )
        return opened
    if key.ed25519 is not None:
        out.header_signature_ok = ed25519_verify(key.ed25519, digest, sig.signature)
    return None


def _decide(
    out: _Outcome,
    sig: Signature,
    key: Key,
    time_reason: tuple[str, str] | None,
    body_reason: str | None,
) -> None:
    """The reason, in RFC 6376 order (a body mismatch needs no key, so it outranks a key that
    was merely not fetched), then RFC 8301's policy on a signature that verifies. A body that
    is not the signed one proves nothing: the header signature decides, if it can."""
    if time_reason is not None:
        out.reason, out.explanation = time_reason
    elif (
        out.body_unknown
        and body_reason is not None
        and key.reason in (None, "key_not_looked_up", "key_unavailable")
        and out.header_signature_ok is not False
    ):
        out.reason = body_reason
        out.explanation = _BODY_UNKNOWN[body_reason] + (
            " The header signature verifies."
            if out.header_signature_ok
            else f" {key.explanation}"
            if key.reason
            else ""
        )
    elif key.reason is not None and not (
        key.reason in ("key_not_looked_up", "key_unavailable") and not out.body_hash_ok
    ):
        out.reason, out.explanation = key.reason, key.explanation
    elif out.body_hash_ok is False:
        out.reason = "body_hash_mismatch"
        out.explanation = "The body changed after signing: its hash does not match bh=."
    elif out.header_signature_ok is False:
        out.reason = "signature_mismatch"
        out.explanation = "The header signature does not verify with the published key."
    elif sig.algorithm == "rsa-sha1":
        out.reason = "rsa_sha1"
        out.explanation = "Verifies, but rsa-sha1 must not be accepted (RFC 8301 section 3.1)."
    elif key.info.bits is not None and key.key_type == "rsa" and key.info.bits < 1024:
        out.reason = "key_too_small"
        out.explanation = (
            f"Verifies, but the key has {key.info.bits} bits (RFC 8301 section 3.2: >= 1024)."
        )
    else:
        out.reason = "pass"
        out.explanation = f"Verified with the {key.info.key_type} key at {sig.key_name}."


_BODY_UNKNOWN = {
    "body_not_original": (
        "The body hash cannot be checked: the body is a mail client's rendition (an Outlook"
        " .msg file), not the bytes that were signed."
    ),
    "body_not_available": (
        "The body hash cannot be checked: the input holds the header fields only."
    ),
}


def _result(
    ctx: DkimContext, shown: dict[str, Any], sig: Signature, key: DkimKey, out: _Outcome
) -> DkimResult:
    verdict: DkimVerdict = REASONS[out.reason][0]  # type: ignore[assignment]
    aligned_relaxed = aligned_strict = None
    psl = None
    if ctx.from_domain is not None:
        aligned_relaxed = ctx.orgs.aligned(sig.domain, ctx.from_domain, "relaxed")
        aligned_strict = ctx.orgs.aligned(sig.domain, ctx.from_domain, "strict")
        psl = psl_version()
    return DkimResult(
        **shown,
        result=verdict,
        reason=out.reason,
        explanation=out.explanation,
        body_hash_ok=out.body_hash_ok,
        header_signature_ok=out.header_signature_ok,
        aligned_with_from=aligned_relaxed,
        aligned_strict=aligned_strict,
        psl_version=psl,
        unsigned_body_octets=out.unsigned_body_octets,
        testing=key.testing,
        key=key,
        diagnosis=out.diagnosis,
    )
