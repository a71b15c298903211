"""Authentication-Results, Received-SPF and DMARC for one message, with trust (RFC 8601 5).

:func:`analyze_auth` runs the steps in order: read every Authentication-Results and
Received-SPF field; decide which the receiving organisation wrote
(:mod:`headerlens.auth._ar_trust`, whose docstring states the rule); merge them per
authserv-id; evaluate DMARC (:mod:`headerlens.auth.dmarc`); and check the trusted claims
against the message (:mod:`headerlens.auth._auth_checks`).
"""

from __future__ import annotations

from headerlens.auth._ar_trust import above, assign_trust, merge_headers, receiver_block
from headerlens.auth._auth_checks import (
    arc_consistency,
    dkim_consistency,
    spf_consistency,
    spf_failures,
)
from headerlens.auth.dmarc import evaluate_dmarc
from headerlens.auth.models import (
    ArcResult,
    AuthAnalysis,
    AuthResultsHeader,
    DkimResult,
    ReceivedSpf,
)
from headerlens.auth.results import parse_authentication_results
from headerlens.auth.spf import parse_received_spf
from headerlens.defects import DefectLog
from headerlens.domains import normalize_domain
from headerlens.findings import Finding, make_finding
from headerlens.hops.models import Hop, HopAnalysis
from headerlens.message import Message
from headerlens.policy import Policy
from headerlens.resolvers import Resolver

__all__ = ["analyze_auth", "assign_trust", "merge_headers", "receiver_block"]


def analyze_auth(
    message: Message,
    policy: Policy,
    *,
    hops: HopAnalysis,
    dkim: tuple[DkimResult, ...],
    arc: ArcResult,
    resolver: Resolver,
) -> AuthAnalysis:
    """Read, attribute and explain the authentication results of ``message``.

    Parses every Authentication-Results (RFC 8601) and Received-SPF (RFC 7208 9.1) field,
    decides which were written by the receiving organisation (module docstring), merges them
    per authserv-id, evaluates DMARC alignment (RFC 7489) from the trusted results and our
    DKIM re-verification, and checks the trusted claims against re-verification, the
    envelope sender of the trusted hop and the ARC-recorded results. ``resolver`` is asked
    for today's DMARC record only when ``policy.resolver`` is set.
    """
    strict_log = DefectLog(strict=policy.strict)
    boundary = hops.trust.header_index
    block = receiver_block(message, boundary)
    headers, ids, rule, findings = assign_trust(
        _read_results(message, policy, strict_log),
        policy_ids=policy.trusted_authserv_ids,
        hop_ids=hops.trust.trusted_authserv_ids,
        boundary=boundary,
        boundary_rule=hops.trust.rule,
        received_indexes=tuple(f.index for f in message.fields("Received")),
        receiver_block=block,
        zone_hosts=_zone_hosts(hops),
    )
    merged = merge_headers(headers)
    trusted = next((m for m in merged if m.trusted), None)
    if trusted is None:
        findings.append(_no_trusted_results(headers, rule))
    rspf = _read_received_spf(message, boundary, block, strict_log)
    trusted_rspf = tuple(r for r in rspf if r.trusted)
    # The hop where the message entered the trusted zone (oldest trusted hop).
    entry = next((hp for hp in hops.hops if hp.trusted), None)
    dmarc, dmarc_findings = evaluate_dmarc(
        from_addresses=message.addresses("From"),
        from_header_indexes=tuple(f.index for f in message.fields("From")),
        trusted=trusted,
        received_spf=trusted_rspf,
        dkim=dkim,
        envelope_helo=entry.received.from_helo if entry is not None else None,
        resolver=resolver if policy.resolver is not None else None,
    )
    findings.extend(dmarc_findings)
    findings.extend(spf_failures(trusted, trusted_rspf))
    if trusted is not None:
        envelope_from = _envelope_from(message, entry, boundary)
        findings.extend(dkim_consistency(trusted, dkim))
        findings.extend(spf_consistency(trusted, envelope_from, entry_index=_idx(entry)))
        findings.extend(arc_consistency(trusted, arc))
    return AuthAnalysis(
        auth_results=tuple(headers),
        received_spf=tuple(rspf),
        dmarc=dmarc,
        findings=tuple(findings),
        merged=merged,
        trusted_authserv_ids=ids,
        trust_rule=rule,
    )


def _read_results(message: Message, policy: Policy, log: DefectLog) -> list[AuthResultsHeader]:
    """Every Authentication-Results field (up to the limit), parsed, results indexed."""
    fields = message.fields("Authentication-Results")[: policy.limits.max_auth_results]
    parsed: list[AuthResultsHeader] = []
    for f in fields:
        h = _with_index(parse_authentication_results(f.raw, header_index=f.index))
        log.extend(h.defects)
        parsed.append(h)
    return parsed


def _no_trusted_results(headers: list[AuthResultsHeader], rule: str) -> Finding:
    return make_finding(
        "auth.no_trusted_results",
        "info",
        "No Authentication-Results field was written by the receiving organisation"
        if headers
        else "The message has no Authentication-Results field.",
        tuple(h.header_index for h in headers if h.header_index is not None),
        detail=rule,
    )


def _read_received_spf(
    message: Message, boundary: int | None, block: tuple[int, ...], log: DefectLog
) -> list[ReceivedSpf]:
    """Every Received-SPF field; trusted when at or above the boundary (else: within the
    topmost hop), or in the receiver block."""
    received = message.fields("Received")
    spf_limit = boundary
    if spf_limit is None and len(received) >= 2:
        spf_limit = received[1].index - 1
    rspf: list[ReceivedSpf] = []
    for f in message.fields("Received-SPF"):
        r = parse_received_spf(f.raw, header_index=f.index)
        log.extend(r.defects)
        trusted_spf = above(f.index, spf_limit) or f.index in block
        rspf.append(r.model_copy(update={"trusted": trusted_spf}))
    return rspf


def _envelope_from(message: Message, entry: Hop | None, boundary: int | None) -> str | None:
    """The envelope sender recorded by the trusted entry hop, else a trusted Return-Path."""
    envelope_from = entry.received.envelope_from if entry is not None else None
    if envelope_from is None:
        rp = message.fields("Return-Path")
        if rp and above(rp[0].index, boundary):
            envelope_from = rp[0].value
    return envelope_from


def _with_index(h: AuthResultsHeader) -> AuthResultsHeader:
    return h.model_copy(
        update={
            "results": tuple(
                r.model_copy(update={"header_index": h.header_index}) for r in h.results
            )
        }
    )


def _zone_hosts(hops: HopAnalysis) -> tuple[str, ...]:
    """The ``by`` hosts of the trusted hops (normalised, in hop order, no repeats)."""
    out: list[str] = []
    for hp in hops.hops:
        if not hp.trusted:
            continue
        host = normalize_domain(hp.received.by_host or "")
        if host and host not in out:
            out.append(host)
    return tuple(out)


def _idx(entry: object) -> int | None:
    idx = getattr(entry, "header_index", None)
    return idx if isinstance(idx, int) else None
