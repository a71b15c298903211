"""DKIM re-verification with reasons (RFC 6376 section 6.1, RFC 8463, RFC 8301, RFC 8601).

Every DKIM-Signature field is checked top to bottom: tags are parsed and validated (6.1.1),
the key is fetched through the caller's resolver and classified (6.1.2), and the body hash and
the header signature are computed *separately* (6.1.3), so both are always reported. Expiry
(``x=``) and future timestamps (``t=``) are judged "as of" ``Policy.as_of``, else the receipt
time of the message, else now; the result says which. Nothing patches a global clock.

Each result carries a stable ``reason`` code (``docs/dkim.md``, table in
``headerlens._catalogue.dkim.REASONS``) mapped to the RFC 8601 result. A failure is diagnosed
(:mod:`headerlens.auth._dkim_diagnose`): wrong key versus changed headers, which header
instance was added, and which body transformation explains a body-hash mismatch.

This module holds the two entry points; the steps live in :mod:`._dkim_verify` (one
signature), :mod:`._dkim_signature` (6.1.1), :mod:`._dkim_key` (6.1.2),
:mod:`._dkim_diagnose` and :mod:`._dkim_findings`, all over the byte layer shared with ARC
(:mod:`._sigbytes`, :mod:`._sigkeys`).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import IO

from headerlens._clock import Clock
from headerlens.auth._dkim_key import KeyLookups
from headerlens.auth._dkim_verify import FUTURE_SKEW, DkimContext, Times, verify_signature
from headerlens.auth._sigbody import BodySource, SignedMessage
from headerlens.auth.models import DkimAnalysis, DkimResult
from headerlens.defects import DefectLog
from headerlens.findings import Finding, make_finding
from headerlens.hops.receipt import receipt_time as find_receipt_time
from headerlens.message import Message
from headerlens.parse import message_of
from headerlens.policy import Policy, policy_or_default
from headerlens.resolvers import OfflineResolver, Resolver

__all__ = ["FUTURE_SKEW", "analyze_dkim", "verify_dkim"]


def _from_domain(message: Message) -> str | None:
    try:
        addrs = message.addresses("From")
    except Exception:  # the address parser must not take the DKIM result down with it
        return None
    domains = {a.domain_ascii for a in addrs if a.domain_ascii}
    return domains.pop() if len(domains) == 1 else None


def analyze_dkim(
    message: Message,
    policy: Policy,
    *,
    resolver: Resolver,
    receipt_time: dt.datetime | None,
    clock: Clock | None = None,
    body: BodySource | None = None,
) -> DkimAnalysis:
    """Re-verify every DKIM-Signature of ``message``, top to bottom (RFC 6376 section 6.1).

    ``resolver`` answers the key lookups (``<s>._domainkey.<d>`` TXT); ``receipt_time`` is the
    time the first trusted hop received the message. Expiry is judged as of ``policy.as_of``,
    else ``receipt_time``, else now. Returns one :class:`DkimResult` per signature and the
    findings (failures, policy problems even on a pass). Never raises on malformed input
    (unless ``policy.strict``, which raises on the first defect). The wall clock (``clock``,
    read once per analysis) is never read when ``policy.as_of`` is set: ``expired_now`` is
    then ``None``. The body is hashed by chunks from the message source, or from ``body``
    (a function giving the body again, in chunks, for each pass) when the caller streams a
    big message instead of holding it.
    """
    return _analyze(message, policy, resolver, receipt_time, clock, body, with_findings=True)


def _analyze(
    message: Message,
    policy: Policy,
    resolver: Resolver,
    receipt_time: dt.datetime | None,
    clock: Clock | None,
    body: BodySource | None,
    *,
    with_findings: bool,
) -> DkimAnalysis:
    """:func:`analyze_dkim`; ``with_findings=False`` makes the results only."""
    sig_fields = message.fields("DKIM-Signature")
    if not sig_fields:
        return DkimAnalysis()
    times = _times(policy, receipt_time, clock)
    signed = SignedMessage(message, body=body)
    ctx = DkimContext(
        signed=signed,
        keys=KeyLookups(resolver),
        times=times,
        log=DefectLog(strict=policy.strict),
        from_domain=_from_domain(message),
        with_findings=with_findings,
        body_reason=body_reason(message),
    )
    results: list[DkimResult] = []
    findings: list[Finding] = []
    limit = policy.limits.max_dkim_signatures
    for n, hf in enumerate(sig_fields):
        sig_field = signed.field_at(hf.index)
        if n >= limit or sig_field is None:
            results.append(_not_checked(hf.index, limit, times))
            if n == limit and with_findings:
                findings.append(
                    make_finding(
                        "dkim.too_many_signatures",
                        "notice",
                        f"{len(sig_fields)} DKIM signatures; only the first {limit} were checked.",
                        (hf.index,),
                    )
                )
            continue
        result, extra = verify_signature(ctx, sig_field)
        results.append(result)
        findings.extend(extra)
    not_looked = [r.header_index for r in results if r.reason == "key_not_looked_up"]
    if not_looked and with_findings:
        findings.append(
            make_finding(
                "dkim.key_not_looked_up",
                "info",
                f"{len(not_looked)} DKIM key(s) not looked up (offline analysis).",
                not_looked,
                "Supply saved keys (StaticResolver / --keys) or allow DNS (--dns).",
            )
        )
    return DkimAnalysis(results=tuple(results), findings=tuple(findings))


def body_reason(message: Message) -> str | None:
    """Why ``message``'s body cannot be held against a body hash (DKIM bh=, ARC AMS bh=):
    ``body_not_original`` when it is a client's rendition (``Message.intake``), else
    ``body_not_available`` for a header-only input; ``None`` when the body is the original."""
    if message.intake is not None and not message.intake.body_original:
        return "body_not_original"
    if message.header_only:
        return "body_not_available"
    return None


def _times(policy: Policy, receipt_time: dt.datetime | None, clock: Clock | None) -> Times:
    """The as-of time: ``policy.as_of``, else the receipt time, else now (RFC 6376 3.5).

    The wall clock is not read at all when ``policy.as_of`` is set.
    """
    if policy.as_of is not None:
        return Times(policy.as_of, "policy", None)
    now = (clock or Clock()).now()
    if receipt_time is not None:
        return Times(receipt_time, "receipt", now)
    return Times(now, "now", now)


def _not_checked(index: int, limit: int, times: Times) -> DkimResult:
    """The result of a signature beyond ``Limits.max_dkim_signatures``."""
    return DkimResult(
        header_index=index,
        result="neutral",
        reason="limit_exceeded",
        explanation=f"Not checked: more than {limit} DKIM signatures.",
        as_of=times.as_of,
        as_of_source=times.source,
    )


def verify_dkim(
    source: bytes | str | os.PathLike[str] | IO[bytes] | Message, *, policy: Policy | None = None
) -> tuple[DkimResult, ...]:
    """Re-verify every DKIM-Signature of a message, top to bottom (RFC 6376 section 6.1).

    ``source`` is anything :func:`headerlens.parse` accepts, or a parsed
    :class:`~headerlens.message.Message`. Keys come from ``policy.resolver`` (offline when
    ``None``: every key is reported ``key_not_looked_up``). Expiry is judged as of
    ``policy.as_of``, else the time the receiving organisation took the message in (the
    trust boundary's receipt time, found by :func:`headerlens.hops.receipt.receipt_time`,
    equal to the hop analysis' ``receipt_time`` at a fraction of its cost), else now.
    Returns one :class:`DkimResult` per signature; an unsigned message gives ``()``.
    """
    policy = policy_or_default(policy, "verify_dkim")
    message = message_of(source, policy, "verify_dkim")
    if not message.fields("DKIM-Signature"):
        return ()
    resolver = policy.resolver if policy.resolver is not None else OfflineResolver()
    receipt_time = None if policy.as_of is not None else find_receipt_time(message, policy)
    # The results only: the findings analyze() adds are not made.
    return _analyze(
        message, policy, resolver, receipt_time, None, None, with_findings=False
    ).results
