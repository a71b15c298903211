"""``analyze()``: the only place that knows the order of the analysis steps."""

from __future__ import annotations

import datetime as dt
import os
from typing import IO

from headerlens.attached import Reporter, attached_messages, reporter_of, same_message
from headerlens.auth.analysis import analyze_auth
from headerlens.auth.arc import analyze_arc
from headerlens.auth.dkim import analyze_dkim
from headerlens.auth.models import AuthResultsHeader, DkimResult
from headerlens.bounce import analyze_bounce, link_original
from headerlens.defects import Defect, DefectLog
from headerlens.findings import Finding, make_finding
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
    analysed in turn, then every attached message (``message/rfc822``, Outlook ``.msg``) in
    full (``Report.attached``, capped by ``Limits.max_attached`` and
    ``Limits.max_attached_depth``). Offline unless ``policy.resolver`` is given. Never raises
    on malformed content (except under ``Policy(strict=True)``).
    """
    policy = policy or Policy()
    message = source if isinstance(source, Message) else parse(source, policy=policy)
    return analyze_message(message, policy, _depth=0)


def analyze_message(
    message: Message, policy: Policy, *, _depth: int = 0, _attached_depth: int = 0
) -> Report:
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
    attached, reporter, attached_defects, attached_findings = _attached(
        message,
        policy,
        bounce.report is not None,
        bounce.report.original if bounce.report is not None else None,
        _attached_depth,
    )
    findings.extend(attached_findings)
    findings.extend(_intake_findings(message, auth.auth_results, dkim.results, hops.transit))
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
        attached=attached,
        reported_by=reporter,
        findings=tuple(findings),
        dns=resolver.transcript,
        # Only a lookup that went to a nameserver left the machine (StaticResolver does not).
        network_used=any(q.server is not None for q in resolver.transcript),
        defects=(),
    )
    extra = (*hops.defects, *spam.defects, *attached_defects)
    return report.model_copy(update={"defects": collect_defects(report, extra)})


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


def _attached(
    message: Message,
    policy: Policy,
    is_bounce: bool,
    returned: Message | None,
    depth: int,
) -> tuple[tuple[Report, ...], Reporter | None, tuple[Defect, ...], list[Finding]]:
    """Analyse every attached message (the returned original of a bounce excepted: it is
    ``Report.original``), within ``Limits.max_attached`` and ``Limits.max_attached_depth``."""
    parts = attached_messages(message)
    if returned is not None:
        parts = [p for p in parts if p.message is None or not same_message(p.message, returned)]
    if not parts:
        return (), None, (), []
    limits = policy.limits
    log = DefectLog(strict=policy.strict)
    if depth >= limits.max_attached_depth:
        log.add(
            "limits.attached_depth",
            f"{len(parts)} attached message(s) nested {depth + 1} levels deep were not analysed"
            f" (Limits.max_attached_depth={limits.max_attached_depth})",
        )
        return (), None, log.defects, []
    if len(parts) > limits.max_attached:
        log.add(
            "limits.attached_count",
            f"{len(parts)} attached messages; only the first {limits.max_attached} were"
            " analysed (Limits.max_attached)",
        )
        parts = parts[: limits.max_attached]
    reports = tuple(
        analyze_message(p.message, policy, _attached_depth=depth + 1)
        for p in parts
        if p.message is not None
    )
    reporter = None if is_bounce else reporter_of(message, parts)
    findings: list[Finding] = []
    if reporter is not None:
        inner = reports[0].message
        who = reporter.address or reporter.sender or "an unknown sender"
        findings.append(
            make_finding(
                "attached.reported_message",
                "info",
                f"Reported by {who}: the attached message"
                f" {inner.get('Subject') or '(no subject)'!r} from"
                f" {inner.get('From') or 'an unknown sender'} is analysed in full"
                " (Report.attached[0]).",
            )
        )
    else:
        titles = "; ".join(
            f"{r.message.get('Subject') or '(no subject)'!r} from {r.message.get('From') or '?'}"
            for r in reports[:5]
        )
        more = f" and {len(reports) - 5} more" if len(reports) > 5 else ""
        findings.append(
            make_finding(
                "attached.messages",
                "info",
                f"{len(reports)} attached message(s) analysed in full (Report.attached):"
                f" {titles}{more}.",
            )
        )
    return reports, reporter, log.defects, findings


def _intake_findings(
    message: Message,
    auth_results: tuple[AuthResultsHeader, ...],
    dkim: tuple[DkimResult, ...],
    transit: dt.timedelta | None,
) -> list[Finding]:
    """What the input form means: a rebuilt Outlook body; a client summary compared."""
    intake = message.intake
    if intake is None:
        return []
    out: list[Finding] = []
    if not intake.body_original and message.input_form == "msg":
        item = intake.outlook
        what = (item.message_class if item is not None else None) or "item"
        out.append(
            make_finding(
                "intake.body_not_original",
                "info",
                f"Read from an Outlook .msg file ({what}): the header block is the one it"
                " arrived with, the body is Outlook's rendition, so DKIM body hashes and ARC"
                " message signatures cannot be checked.",
            )
        )
    if intake.client_summary is not None:
        from headerlens.claims import compare_client_summary

        out.extend(
            compare_client_summary(
                message,
                intake.client_summary,
                auth_results=auth_results,
                dkim=dkim,
                transit=transit,
            )
        )
    return out
