"""``analyze()``: the only place that knows the order of the analysis steps."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import IO

from headerlens._clock import Clock
from headerlens.attached import Reporter, attached_messages, reporter_of, same_message
from headerlens.auth.analysis import analyze_auth
from headerlens.auth.arc import analyze_arc
from headerlens.auth.dkim import analyze_dkim
from headerlens.auth.models import AuthResultsHeader, DkimResult
from headerlens.bounce import analyze_bounce, link_original
from headerlens.checks.run import attach_checks, live_checks
from headerlens.claims import compare_client_summary
from headerlens.defects import Defect, DefectLog, record
from headerlens.errors import DefectError
from headerlens.findings import Finding, make_finding
from headerlens.hops import analyze_hops
from headerlens.indicators import analyze_indicators
from headerlens.message import Message, MimePart
from headerlens.parse import message_of
from headerlens.policy import Policy, policy_or_default
from headerlens.report import Report
from headerlens.resolvers import OfflineResolver, RecordingResolver
from headerlens.spam import analyze_spam
from headerlens.verdict import build_verdict

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
    ``Limits.max_attached_depth``); then the indicators an analyst checks by hand, drawn from
    all of those, and last the plain verdict (``Report.verdict``). Offline unless
    ``policy.resolver`` is given. With ``Policy(checks=True)`` and a resolver it then checks
    today's DNS (``Report.checks``, see :func:`headerlens.run_checks`), kept apart from the
    verdict and findings drawn from the headers. Never raises on malformed content: under
    ``Policy(strict=True)`` the first defect of any step (the MIME tree included) raises
    :class:`~headerlens.errors.DefectError` from here. ``source`` is read like
    :func:`headerlens.parse`'s; ``TypeError`` for a wrong argument type,
    :class:`~headerlens.errors.InputError` for an unreadable path or file.
    """
    pol = policy_or_default(policy, "analyze")
    report = analyze_message(message_of(source, pol, "analyze"), pol, _depth=0)
    if pol.strict:
        # A Message parsed earlier under a lenient policy (the caller's, or a bounce's original
        # quoted in its text) kept its defects: raise the first.
        pending: list[Report] = [report]
        while pending:
            at = pending.pop(0)
            if at.defects:
                raise DefectError(at.defects[0])
            pending.extend(r for r in (at.original, *at.attached) if r is not None)
    return report


def analyze_message(
    message: Message,
    policy: Policy,
    *,
    _depth: int = 0,
    clock: Clock | None = None,
    _attached_depth: int = 0,
) -> Report:
    """Run every analysis on an already parsed message (see :func:`analyze`).

    ``clock`` is shared with the analysis of a returned original and of attached messages, so
    that all read the wall clock (if at all) once.
    """
    resolver = RecordingResolver(policy.resolver or OfflineResolver())
    clock = clock or Clock()

    hops = analyze_hops(message, policy)
    dkim = analyze_dkim(
        message, policy, resolver=resolver, receipt_time=hops.receipt_time, clock=clock
    )
    arc = analyze_arc(
        message,
        policy,
        resolver=resolver,
        receipt_time=hops.receipt_time,
        dkim=dkim.results,
        trust=hops.trust,
        clock=clock,
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
        original = analyze_message(bounce.report.original, policy, _depth=_depth + 1, clock=clock)
        findings.extend(link_original(bounce.report, original))
    attached, reporter, attached_defects, attached_findings = _attached(
        message,
        policy,
        bounce.report is not None,
        bounce.report.original if bounce.report is not None else None,
        _attached_depth,
        clock,
    )
    findings.extend(attached_findings)
    findings.extend(_intake_findings(message, auth.auth_results, dkim.results, hops.transit))

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
        wall_clock=clock.read_at,
        spamassassin_rules=spam.rule_source,
    )
    # The indicators read the finished analyses; the verdict reads everything, indicators too.
    indicators = analyze_indicators(report, policy)
    findings.extend(indicators.findings)
    findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], min(f.header_indexes, default=-1)))
    report = report.model_copy(update={"findings": tuple(findings)})
    verdict = build_verdict(
        report,
        platforms=tuple(p.name for p in indicators.platforms if p.verified),
        sender_notes=indicators.sender_notes,
    )
    extra = (*hops.defects, *spam.defects, *attached_defects)
    defects = collect_defects(report, extra)
    report = report.model_copy(update={"verdict": verdict, "defects": defects})
    if policy.checks and policy.resolver is not None and _depth == 0:
        report = attach_checks(report, live_checks(report, policy, clock))
        report = report.model_copy(update={"wall_clock": clock.read_at})
    return report


def collect_defects(report: Report, extra: tuple[Defect, ...] = ()) -> tuple[Defect, ...]:
    """Every defect in the report (and ``extra`` ones from steps that keep no model of their
    own), without repeats: first those of the message and its header fields, ordered by the
    header field they concern, then those of the MIME tree in document order.

    A defect of a MIME part below the root (or of a message embedded in one) concerns a
    header field of that part, whose index would be read as one of the message's: it is
    listed with ``header_index=None`` and its message says where it is ("MIME part 1.2:
    ...", "the message in MIME part 2: ..."). The tree stays available with every defect in
    place under ``report.message.mime``.
    """
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
    mime = report.message.mime
    nested: list[Defect] = []
    if mime is not None:
        out.extend(mime.defects)  # the root part: the message's own header fields and body
        for child in mime.children:
            nested.extend(_part_defects(child, None))
        if mime.message is not None:
            nested.extend(_message_defects(mime.message, "the embedded message"))
    seen: set[tuple[str, str, int | None]] = set()
    unique: list[Defect] = []
    for d in out:
        key = (d.code, d.message, d.header_index)
        if key not in seen:
            seen.add(key)
            unique.append(d)
    unique.sort(key=lambda d: -1 if d.header_index is None else d.header_index)
    for d in nested:
        key = (d.code, d.message, d.header_index)
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return tuple(unique)


def _located(defects: tuple[Defect, ...], where: str) -> Iterator[Defect]:
    for d in defects:
        yield record(d.code, f"{where}: {d.message}")


def _part_defects(part: MimePart, owner: str | None) -> Iterator[Defect]:
    """The defects of a non-root MIME part and everything below it; ``owner`` says which
    embedded message the part belongs to (``None``: the analysed message itself)."""
    where = f"MIME part {part.path}" + (f" of {owner}" if owner else "")
    yield from _located(part.defects, where)
    for h in part.headers:
        yield from _located(h.defects, where)
    if part.message is not None:
        yield from _message_defects(part.message, f"the message in {where}")
    for child in part.children:
        yield from _part_defects(child, owner)


def _message_defects(message: Message, where: str) -> Iterator[Defect]:
    """The defects of a message embedded in a MIME part, its header fields and its tree."""
    yield from _located(message.defects, where)
    for h in message.headers:
        yield from _located(h.defects, where)
    mime = message.mime
    if mime is not None:
        yield from _located(mime.defects, where)
        for child in mime.children:
            yield from _part_defects(child, where)
        if mime.message is not None:
            yield from _message_defects(mime.message, f"the message in {where}")


def _attached(
    message: Message,
    policy: Policy,
    is_bounce: bool,
    returned: Message | None,
    depth: int,
    clock: Clock,
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
        analyze_message(p.message, policy, clock=clock, _attached_depth=depth + 1)
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
