"""``analyze()``: the only place that knows the order of the analysis steps."""

from __future__ import annotations

import os
from typing import IO

from headerlens.auth.analysis import analyze_auth
from headerlens.auth.arc import analyze_arc
from headerlens.auth.dkim import analyze_dkim
from headerlens.bounce import analyze_bounce, link_original
from headerlens.defects import Defect
from headerlens.findings import Finding
from headerlens.hops import analyze_hops
from headerlens.message import Message
from headerlens.parse import parse
from headerlens.policy import Policy
from headerlens.report import Report
from headerlens.resolvers import OfflineResolver, RecordingResolver
from headerlens.spam import analyze_spam

__all__ = ["analyze", "analyze_message"]

_SEVERITY_ORDER = {"critical": 0, "warning": 1, "notice": 2, "info": 3}


def analyze(
    source: bytes | str | os.PathLike[str] | IO[bytes] | Message, *, policy: Policy | None = None
) -> Report:
    """Parse ``source`` (unless it is already a :class:`Message`) and run every analysis.

    Steps, in order: the hop chain and trust boundary (RFC 5321 4.4), DKIM re-verification
    (RFC 6376), ARC (RFC 8617), Authentication-Results and DMARC (RFC 8601, RFC 7489), vendor
    spam headers, and the bounce reading (RFC 3464/5965/3834) with the returned original
    analysed in turn. Offline unless ``policy.resolver`` is given. With
    ``Policy(checks=True)`` and a resolver it then checks today's DNS (``Report.checks``, see
    :func:`headerlens.run_checks`). Never raises on malformed content (except under
    ``Policy(strict=True)``).
    """
    policy = policy or Policy()
    message = source if isinstance(source, Message) else parse(source, policy=policy)
    return analyze_message(message, policy, _depth=0)


def analyze_message(message: Message, policy: Policy, *, _depth: int = 0) -> Report:
    """Run every analysis on an already parsed message (see :func:`analyze`)."""
    resolver = RecordingResolver(policy.resolver or OfflineResolver())

    hops = analyze_hops(message, policy)
    dkim = analyze_dkim(message, policy, resolver=resolver, receipt_time=hops.receipt_time)
    arc = analyze_arc(
        message,
        policy,
        resolver=resolver,
        receipt_time=hops.receipt_time,
        dkim=dkim.results,
        trust=hops.trust,
    )
    auth = analyze_auth(
        message, policy, hops=hops, dkim=dkim.results, arc=arc.result, resolver=resolver
    )
    spam = analyze_spam(message, policy, hops=hops)
    bounce = analyze_bounce(message, policy)

    original: Report | None = None
    findings: list[Finding] = [
        *hops.findings,
        *dkim.findings,
        *arc.findings,
        *auth.findings,
        *spam.findings,
        *bounce.findings,
    ]
    if bounce.report is not None and bounce.report.original is not None and _depth < 2:
        original = analyze_message(bounce.report.original, policy, _depth=_depth + 1)
        findings.extend(link_original(bounce.report, original))
    findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], min(f.header_indexes, default=-1)))

    report = Report(
        message=message,
        hops=hops.hops,
        transit=hops.transit,
        transit_note=hops.transit_note,
        origin_ip=hops.origin_ip,
        receipt_time=hops.receipt_time,
        timeline=hops.timeline,
        trust=hops.trust,
        dkim=dkim.results,
        arc=arc.result,
        auth_results=auth.auth_results,
        received_spf=auth.received_spf,
        dmarc=auth.dmarc,
        spam=spam.verdicts,
        appliances=spam.appliances,
        bounce=bounce.report,
        original=original,
        findings=tuple(findings),
        dns=resolver.transcript,
        # Only a lookup that went to a nameserver left the machine (StaticResolver does not).
        network_used=any(q.server is not None for q in resolver.transcript),
        defects=(),
    )
    extra = (*hops.defects, *spam.defects)
    report = report.model_copy(update={"defects": collect_defects(report, extra)})
    if policy.checks and policy.resolver is not None and _depth == 0:
        from headerlens.checks.run import attach_checks, run_checks

        report = attach_checks(report, run_checks(report, policy=policy))
    return report


def collect_defects(report: Report, extra: tuple[Defect, ...] = ()) -> tuple[Defect, ...]:
    """Every defect in the report (and ``extra`` ones from steps that keep no model of their
    own), without repeats, ordered by the header field they concern."""
    out: list[Defect] = list(report.message.defects)
    out.extend(extra)
    for h in report.message.headers:
        out.extend(h.defects)
    for hop in report.hops:
        out.extend(hop.received.defects)
        if hop.received.date is not None:
            out.extend(hop.received.date.defects)
    for sig in report.dkim:
        out.extend(sig.defects)
    out.extend(report.arc.defects)
    for inst in report.arc.instances:
        if inst.aar is not None:
            out.extend(inst.aar.defects)
    for a in report.auth_results:
        out.extend(a.defects)
    for s in report.received_spf:
        out.extend(s.defects)
    if report.bounce is not None:
        out.extend(report.bounce.defects)
    seen: set[tuple[str, str, int | None]] = set()
    unique: list[Defect] = []
    for d in out:
        key = (d.code, d.message, d.header_index)
        if key not in seen:
            seen.add(key)
            unique.append(d)
    unique.sort(key=lambda d: -1 if d.header_index is None else d.header_index)
    return tuple(unique)
