"""ARC: chain validation (RFC 8617) and what each intermediary did to the message.

:func:`verify_arc` validates the chain of a message and returns an
:class:`~headerlens.auth.models.ArcResult`; :func:`analyze_arc` is the step ``analyze()``
runs, adding findings: who changed the message between which instances, what each sealer
saw, the typical "DMARC fails at the final hop but a valid ARC chain recorded a pass"
forwarding case, a truncated chain, and a broken one. See ``docs/arc.md``.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import IO

from headerlens._clock import Clock
from headerlens.auth._arc_forensics import arc_findings
from headerlens.auth._sigbody import BodySource, SignedMessage
from headerlens.auth.arc_chain import ChainOutcome, validate_chain
from headerlens.auth.models import (
    ArcAnalysis,
    ArcInstance,
    ArcResult,
    AuthResultsHeader,
    DkimResult,
)
from headerlens.auth.results import read_results
from headerlens.defects import DefectLog
from headerlens.findings import make_finding
from headerlens.hops.models import TrustBoundary
from headerlens.hops.receipt import receipt_time as find_receipt_time
from headerlens.message import HeaderField, Message
from headerlens.parse import message_of
from headerlens.policy import Policy, policy_or_default
from headerlens.resolvers import OfflineResolver, Resolver

__all__ = ["analyze_arc", "verify_arc"]

_DEFECT_CODES = {
    "invalid_instance": "arc.invalid_instance",
    "duplicate": "arc.duplicate_instance",
    "gap": "arc.instance_gap",
    "incomplete": "arc.incomplete_set",
    "too_many": "arc.too_many_sets",
    "malformed_tags": "arc.malformed_tags",
    "seal_has_h": "arc.seal_has_h",
}


# --------------------------------------------------------------------------- public API


def verify_arc(
    source: bytes | str | os.PathLike[str] | IO[bytes] | Message,
    *,
    policy: Policy | None = None,
) -> ArcResult:
    """Validate the ARC chain of a message (RFC 8617 section 5.2).

    ``source`` is anything :func:`headerlens.parse` accepts, or a parsed
    :class:`~headerlens.message.Message`. Keys are looked up through ``policy.resolver``
    (offline when ``None``: the chain then fails with reason code ``key_unavailable``).
    Seal and signature timestamps are judged at ``policy.as_of``, else at the time the
    receiving organisation took the message in (the trust boundary's receipt time, as
    ``analyze()`` does; :func:`headerlens.hops.receipt.receipt_time`), else now (the wall
    clock is read only for a message that has ARC fields). Never raises for malformed input;
    the result's ``reason`` names the instance and the failed check.
    """
    policy = policy_or_default(policy, "verify_arc")
    message = message_of(source, policy, "verify_arc")
    resolver = policy.resolver or OfflineResolver()
    log = DefectLog(strict=policy.strict)
    receipt_time = None
    if policy.as_of is None and any(n in _ARC_FIELD_NAMES for n in message.fields_by_name()):
        receipt_time = find_receipt_time(message, policy)
    return _verify(message, policy, resolver, receipt_time, log)


def analyze_arc(
    message: Message,
    policy: Policy,
    *,
    resolver: Resolver,
    receipt_time: dt.datetime | None,
    dkim: tuple[DkimResult, ...],
    trust: TrustBoundary,
    clock: Clock | None = None,
    body: BodySource | None = None,
) -> ArcAnalysis:
    """The ARC step of ``analyze()``: validate the chain and explain it (RFC 8617).

    The as-of time is ``policy.as_of``, else ``receipt_time``, else now. ``dkim`` (the
    DKIM re-verification results) and the trusted Authentication-Results fields (above
    ``trust.header_index``) feed the forwarding findings. ``clock`` is the analysis' wall
    clock, read only when there is a chain to judge and no other time. ``body``: as for
    :func:`headerlens.auth.dkim.analyze_dkim`, the body in chunks for a streamed message.
    """
    log = DefectLog(strict=policy.strict)
    result = _verify(message, policy, resolver, receipt_time, log, clock, body)
    try:
        findings = arc_findings(message, policy, result, dkim, trust, body)
    except Exception as exc:  # forensics must never take the report down
        findings = [
            make_finding(
                "arc.chain_failed" if result.cv == "fail" else "arc.chain_valid",
                "info",
                f"ARC forensics stopped early ({type(exc).__name__}); the chain result stands",
            )
        ]
    return ArcAnalysis(result=result, findings=tuple(findings))


# --------------------------------------------------------------------------- verification


_ARC_FIELD_NAMES = frozenset(("arc-seal", "arc-message-signature", "arc-authentication-results"))


def _as_of(
    policy: Policy, receipt_time: dt.datetime | None, clock: Clock | None
) -> dt.datetime | None:
    """``policy.as_of``, else ``receipt_time``, else the clock (``None`` without one)."""
    if policy.as_of is not None:
        return policy.as_of
    if receipt_time is not None and receipt_time.tzinfo is not None:
        return receipt_time
    return clock.now() if clock is not None else None


def _verify(
    message: Message,
    policy: Policy,
    resolver: Resolver,
    receipt_time: dt.datetime | None,
    log: DefectLog,
    clock: Clock | None = None,
    body: BodySource | None = None,
) -> ArcResult:
    # A client's rendition of the body (an Outlook .msg) proves no AMS body hash wrong.
    no_body = message.header_only or (
        message.intake is not None and not message.intake.body_original
    )
    has_arc = any(name in _ARC_FIELD_NAMES for name in message.fields_by_name())
    # Without ARC fields there is nothing to judge: the clock is never read.
    as_of = _as_of(policy, receipt_time, (clock or Clock()) if has_arc else None)
    try:
        if has_arc and as_of is not None:
            chain = validate_chain(
                SignedMessage(message, with_body=not no_body, body=body),
                resolver=resolver,
                as_of=as_of,
                max_sets=min(policy.limits.max_arc_sets, 50),
                max_queries=policy.limits.max_dns_queries,
            )
        else:  # no ARC field: the chain is "none" whatever the rest says; read nothing more
            chain = ChainOutcome(body_checked=not no_body)
    except Exception as exc:  # a bug here must not become the caller's exception
        return ArcResult(
            cv="fail",
            reason=f"ARC validation stopped: {type(exc).__name__}: {exc}",
            reason_code="internal_error",
            as_of=as_of,
        )
    if no_body and not message.header_only:
        chain.reason = chain.reason.replace(
            "(headers only: body hashes not checked)",
            "(the body is a mail client's rendition: body hashes not checked)",
        )
    for code, text, index in chain.structural:
        log.add(_DEFECT_CODES[code], text, header_index=index)
    for inst in chain.instances:
        for code, text, index in inst.defects:
            log.add(_DEFECT_CODES[code], text, header_index=index)
    return _to_model(message, chain, as_of, log)


def _to_model(
    message: Message, chain: ChainOutcome, as_of: dt.datetime | None, log: DefectLog
) -> ArcResult:
    by_index = {h.index: h for h in message.headers}
    instances: list[ArcInstance] = []
    trusted_so_far = chain.cv == "pass" or not chain.structural
    for inst in chain.instances:
        trusted_so_far = (
            trusted_so_far
            and not inst.structure
            and inst.seal_valid is True
            and inst.cv == ("none" if inst.instance == 1 else "pass")
        )
        aar = _parse_aar(by_index.get(inst.aar.index) if inst.aar else None, trusted_so_far)
        instances.append(
            ArcInstance(
                instance=inst.instance,
                seal_domain=inst.seal_domain,
                seal_selector=inst.seal_selector,
                seal_valid=inst.seal_valid,
                seal_timestamp=_when(inst.seal_t),
                ams_domain=inst.ams_domain,
                ams_selector=inst.ams_selector,
                ams_valid=inst.ams_valid,
                ams_body_hash_ok=inst.ams_body_ok,
                ams_header_signature_ok=inst.ams_header_ok,
                ams_timestamp=_when(inst.ams_t),
                ams_signed_headers=inst.ams_h,
                cv=inst.cv,
                aar=aar,
                aar_trusted=trusted_so_far and aar is not None,
                authserv_id=aar.authserv_id if aar is not None else None,
                seal_header_index=inst.seal.index if inst.seal else None,
                ams_header_index=inst.ams.index if inst.ams else None,
                aar_header_index=inst.aar.index if inst.aar else None,
                reasons=inst.reasons,
            )
        )
    return ArcResult(
        cv="pass" if chain.cv == "pass" else ("none" if chain.cv == "none" else "fail"),
        reason=chain.reason,
        reason_code=chain.code,
        instances=tuple(instances),
        oldest_pass=chain.oldest_pass,
        broken_at=chain.broken_at,
        body_checked=chain.body_checked,
        as_of=as_of,
        defects=log.defects,
    )


def _when(t: int | None) -> dt.datetime | None:
    if t is None:
        return None
    try:
        return dt.datetime.fromtimestamp(t, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _parse_aar(field: HeaderField | None, trusted: bool) -> AuthResultsHeader | None:
    if field is None:
        return None
    try:
        parsed = read_results(field.value, arc=True)
    except Exception:
        parsed = AuthResultsHeader()
    return parsed.model_copy(update={"header_index": field.index, "trusted": trusted})
