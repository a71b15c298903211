"""A report laid out once as sections, key/value lines and tables, for every output format.

The text, Markdown, HTML and rich renderers all format the same :class:`Document`, so they
never disagree about what a report says. Strings here are raw (unescaped); each renderer
escapes for its medium.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from headerlens.render._blocks import Document, Section, Table
from headerlens.render._safe import format_delay, format_time
from headerlens.render.live import checks_section
from headerlens.report import Report

if TYPE_CHECKING:
    from headerlens.diff import ReportDiff

__all__ = ["Document", "Section", "Table", "build_diff_document", "build_document"]


def _indexes(indexes: tuple[int, ...]) -> str:
    """Header indexes as ``#3, #7-#9`` (runs of consecutive indexes collapsed)."""
    out: list[str] = []
    values = sorted(set(indexes))
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        out.append(f"#{values[i]}" if j - i < 2 else f"#{values[i]}-#{values[j]}")
        if 0 < j - i < 2:
            out.extend(f"#{v}" for v in values[i + 1 : j + 1])
        i = j + 1
    return ", ".join(out)


def _verdict(report: Report) -> Section:
    """The plain answer first (issue #14): the verdict's sentences, then its fields."""
    v = report.verdict
    sec = Section("Verdict", lead=v.summary or "No verdict was drawn.")
    auth = {True: "yes", False: "no", None: "unknown"}[v.authenticated]
    if v.from_domain:
        auth += f" (From domain {v.from_domain})"
    sec.lines.append(("Sender", v.sender or "unknown"))
    sec.lines.append(("Authenticated", auth))
    if v.delayed_at is not None:
        sec.lines.append(("Delayed at", f"hop {v.delayed_at}"))
    if v.filtered_by:
        spam = {True: "flagged as spam", False: "not flagged as spam", None: "no spam verdict"}
        sec.lines.append(("Filtered by", f"{', '.join(v.filtered_by)} ({spam[v.flagged_as_spam]})"))
    if v.delivery_problem:
        sec.lines.append(("Delivery problem", v.delivery_problem))
    return sec


def _summary(report: Report) -> Section:
    msg = report.message
    sec = Section("Message")
    date = msg.date()
    date_text = None
    if date is not None:
        date_text = date.raw
        if date.datetime is not None:
            date_text += f"  ({format_time(date.datetime)} UTC)"
        else:
            date_text += "  (unreadable)"
    for label, value in (
        ("Subject", msg.get("Subject")),
        ("From", msg.get("From")),
        ("To", msg.get("To")),
        ("Date", date_text),
        ("Message-ID", msg.get("Message-ID")),
    ):
        sec.lines.append((label, value if value is not None else "(none)"))
    kind = "header-only paste" if msg.header_only else "message"
    sec.lines.append(("Headers", f"{len(msg.headers)} fields; {msg.size:,} bytes ({kind})"))
    line = _input(report)
    if line is not None:
        sec.lines.append(line)
    sec.lines.append(("Defects", str(len(report.defects))))
    return sec


def _hops(report: Report) -> Section | None:
    if not report.hops:
        return None
    sec = Section("Hop chain (oldest first)", figure="timeline")
    if report.transit is not None:
        transit = format_delay(report.transit).lstrip("+")
        if report.transit_note:
            transit += f" ({report.transit_note})"
        sec.lines.append(("Transit", transit))
    elif report.transit_note:
        sec.lines.append(("Transit", f"unknown: {report.transit_note}"))
    if report.origin_ip is not None:
        sec.lines.append(("Origin IP", report.origin_ip))
    if report.trust.rule:
        sec.lines.append(("Trust", report.trust.rule))
    table = Table(("hop", "from", "ip", "by", "with / TLS", "time (UTC)", "delay", "trust"))
    for hop in report.hops:
        r = hop.received
        parts = [p for p in (r.from_helo, r.from_rdns) if p]
        peer = " / ".join(dict.fromkeys(parts))
        if not r.relay:
            peer = peer or "(local)"
        proto = r.protocol or ""
        if r.tls is not None and (r.tls.version or r.tls.cipher):
            proto = f"{proto} {r.tls.version or r.tls.cipher}".strip()
        if r.authenticated:
            proto = f"{proto} auth".strip()
        delay = format_delay(hop.delay) if hop.delay is not None else (hop.delay_note or "")
        trust = "trusted" if hop.trusted else ("internal" if hop.internal else "untrusted")
        table.rows.append(
            (
                str(hop.index),
                peer,
                r.from_ip or "",
                r.by_host or "",
                proto,
                format_time(hop.timestamp),
                delay,
                trust,
            )
        )
    sec.tables.append(table)
    return sec


def _auth(report: Report) -> Section | None:
    if not (
        report.dkim
        or report.auth_results
        or report.arc.instances
        or report.received_spf
        or report.dmarc is not None
    ):
        return None
    sec = Section("Authentication")
    if report.dkim:
        t = Table(("DKIM", "d=", "s=", "alg", "result", "reason", "aligned", "as of"))
        for sig in report.dkim:
            aligned = "" if sig.aligned_with_from is None else str(sig.aligned_with_from).lower()
            t.rows.append(
                (
                    f"#{sig.header_index}",
                    sig.domain or "",
                    sig.selector or "",
                    sig.algorithm or "",
                    sig.result,
                    sig.reason,
                    aligned,
                    format_time(sig.as_of),
                )
            )
        sec.tables.append(t)
        sec.notes.extend(
            f"DKIM #{s.header_index} ({s.domain or '?'}): {s.explanation}"
            for s in report.dkim
            if s.explanation
        )
    if report.arc.instances or report.arc.cv != "none":
        if report.arc.reason_code == "key_unavailable":
            # cv=fail is only the placeholder for "could not check" (RFC 8617 has no
            # temperror cv); do not show it as a verdict.
            arc_line = f"not verified: {report.arc.reason}"
        else:
            arc_line = f"cv={report.arc.cv}  {report.arc.reason}".rstrip()
        sec.lines.append(("ARC", arc_line))
        t = Table(("ARC i=", "sealer", "seal", "AMS", "cv claimed"))
        for inst in report.arc.instances:
            t.rows.append(
                (
                    str(inst.instance),
                    inst.seal_domain or "",
                    _tri(inst.seal_valid),
                    _tri(inst.ams_valid),
                    inst.cv or "",
                )
            )
        if t.rows:
            sec.tables.append(t)
    if report.auth_results:
        t = Table(("A-R", "authserv-id", "trusted", "method", "result", "details"))
        for ar in report.auth_results:
            label = f"#{ar.header_index}" if ar.header_index is not None else ""
            if ar.instance is not None:
                label += f" i={ar.instance}"
            if not ar.results:
                t.rows.append((label, ar.authserv_id or "", _yn(ar.trusted), "", "", ""))
            for res in ar.results:
                props = " ".join(
                    f"{p.ptype}.{p.name}={p.value}" if p.ptype else f"{p.name}={p.value}"
                    for p in res.properties
                )
                t.rows.append(
                    (label, ar.authserv_id or "", _yn(ar.trusted), res.method, res.result, props)
                )
        sec.tables.append(t)
    for spf in report.received_spf:
        sec.lines.append(
            (
                f"Received-SPF #{spf.header_index}",
                " ".join(
                    x
                    for x in (
                        spf.result,
                        f"client-ip={spf.client_ip}" if spf.client_ip else "",
                        f"envelope-from={spf.envelope_from}" if spf.envelope_from else "",
                        "" if spf.trusted else "(untrusted: below the trust boundary)",
                    )
                    if x
                ),
            )
        )
    if report.dmarc is not None:
        d = report.dmarc
        sec.lines.append(("DMARC", f"{d.result or 'unknown'} (From domain {d.from_domain or '?'})"))
        if d.explanation:
            sec.notes.append(d.explanation)
    return sec


def _spam(report: Report) -> Section | None:
    if not report.spam and not report.appliances:
        return None
    sec = Section("Spam and filtering verdicts")
    t = Table(("vendor", "score", "threshold", "spam", "action", "trusted", "headers"))
    for v in report.spam:
        t.rows.append(
            (
                v.product or v.vendor,
                "" if v.score is None else f"{v.score:g}",
                "" if v.threshold is None else f"{v.threshold:g}",
                _tri(v.is_spam),
                v.action or "",
                _yn(v.trusted),
                _indexes(v.header_indexes),
            )
        )
    if t.rows:
        sec.tables.append(t)
    sec.notes.extend(
        f"{v.product or v.vendor} ({_indexes(v.header_indexes)}): {v.explanation}"
        if v.header_indexes
        else f"{v.product or v.vendor}: {v.explanation}"
        for v in report.spam
        if v.explanation
    )
    if report.appliances:
        names = dict.fromkeys(a.product or a.vendor for a in report.appliances)
        sec.lines.append(("Handled by", ", ".join(names)))
    return sec


def _bounce(report: Report) -> Section | None:
    b = report.bounce
    if b is None:
        return None
    sec = Section(f"Delivery report ({b.kind})")
    for label, value in (
        ("Reporting MTA", b.reporting_mta),
        ("Feedback type", b.feedback_type),
        ("Source IP", b.source_ip),
        ("Reported domain", b.reported_domain),
        ("Reporter", b.user_agent),
    ):
        if value:
            sec.lines.append((label, value))
    t = Table(("recipient", "action", "status", "reply", "reason", "permanent", "diagnostic"))
    for r in b.recipients:
        t.rows.append(
            (
                r.final_recipient or r.original_recipient or "",
                r.action or "",
                r.status or "",
                r.reply_code or "",
                r.reason or "",
                "n/a" if b.kind in ("feedback", "autoreply") else _tri(r.permanent),
                r.diagnostic_code or "",
            )
        )
    if t.rows:
        sec.tables.append(t)
    for r in b.recipients:
        who = r.final_recipient or r.original_recipient or "recipient"
        if r.explanation:
            sec.notes.append(f"{who}: {r.explanation}")
        if r.diagnostic_code:
            where = f" (from {r.remote_mta})" if r.remote_mta else ""
            sec.notes.append(f"{who} diagnostic{where}: {r.diagnostic_code}")
    if report.original is not None:
        o = report.original
        sec.lines.append(
            (
                "Original message",
                f"{o.message.get('Subject') or '(no subject)'} from "
                f"{o.message.get('From') or '?'}; {len(o.hops)} hops; "
                f"{len(o.findings)} findings",
            )
        )
    return sec


def _findings(report: Report) -> Section:
    sec = Section("Findings")
    for f in report.findings:
        sec.severity_rows.append((f.severity, f.code, f.summary, _indexes(f.header_indexes)))
    if report.original is not None:
        for f in report.original.findings:
            sec.severity_rows.append(
                (f.severity, f.code, f"[original] {f.summary}", _indexes(f.header_indexes))
            )
    if not sec.severity_rows:
        sec.notes.append("No findings.")
    return sec


def _defects(report: Report) -> Section | None:
    if not report.defects:
        return None
    sec = Section("Defects")
    t = Table(("code", "header", "message"))
    for d in report.defects:
        t.rows.append((d.code, "" if d.header_index is None else f"#{d.header_index}", d.message))
    sec.tables.append(t)
    return sec


def _dns(report: Report) -> Section | None:
    if not report.dns:
        return None
    sec = Section("DNS")
    if all(q.outcome == "not_looked_up" for q in report.dns):
        sec.notes.append(
            "Offline: these questions were not sent. Pass --keys or --dns to answer them."
        )
    elif report.network_used:
        sec.notes.append("Live DNS: answers describe today's records, not those at delivery.")
    t = Table(("name", "type", "outcome", "resolver"))
    for q in report.dns:
        t.rows.append((q.name, q.rdtype, q.outcome, q.resolver))
    sec.tables.append(t)
    return sec


def _tri(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "no")


def _yn(value: bool) -> str:
    return "yes" if value else "no"


_FORMS = {
    "msg": "Outlook .msg file (header block as received; body rebuilt by Outlook)",
    "paste": "pasted or saved text",
    "paste-gmail": 'Gmail\'s "Show original" page',
    "paste-outlook": 'Outlook\'s "Internet headers" box',
    "maildir": "Maildir file",
    "mbox": "mbox message",
}


def _input(report: Report) -> tuple[str, str] | None:
    """The summary line saying what the input was, when it was not plain RFC 5322 bytes."""
    msg = report.message
    form = _FORMS.get(msg.input_form)
    if form is None:
        return None
    intake = msg.intake
    extra: list[str] = []
    if intake is not None:
        if intake.text_encoding:
            extra.append(f"converted from {intake.text_encoding}")
        if intake.indent_removed:
            extra.append(f"{intake.indent_removed} columns of indentation removed")
        if intake.outlook is not None and intake.outlook.message_class:
            extra.append(intake.outlook.message_class)
        s = intake.client_summary
        if s is not None:
            claims = ", ".join(
                f"{k} {v}" for k, v in (("SPF", s.spf), ("DKIM", s.dkim), ("DMARC", s.dmarc)) if v
            )
            if claims:
                extra.append(f"client claims {claims}")
    return ("Input", form + (f" ({'; '.join(extra)})" if extra else ""))


def _reported(report: Report) -> Section:
    """Who reported the attached message, and what the report mail itself shows."""
    r = report.reported_by
    sec = Section("Reported message")
    if r is not None:
        sec.lines.append(("Reported by", r.sender or r.address or "(unknown)"))
        if r.reported_at is not None:
            sec.lines.append(("Reported at", f"{format_time(r.reported_at)} UTC"))
        if r.subject:
            sec.lines.append(("Report subject", r.subject))
        if r.note:
            sec.notes.append("Note from the reporter: " + " ".join(r.note.split()))
    sec.lines.append(
        (
            "Report mail",
            f"{len(report.hops)} hops; {len(report.findings)} findings;"
            f" {len(report.defects)} defects (the sections below describe the attached message)",
        )
    )
    return sec


def _attached(report: Report) -> Section | None:
    if not report.attached or report.reported_by is not None:
        return None
    sec = Section(f"Attached messages ({len(report.attached)})")
    t = Table(("#", "subject", "from", "hops", "origin IP", "findings"))
    for n, a in enumerate(report.attached):
        t.rows.append(
            (
                str(n),
                a.message.get("Subject") or "(no subject)",
                a.message.get("From") or "",
                str(len(a.hops)),
                a.origin_ip or "",
                str(len(a.findings)),
            )
        )
    sec.tables.append(t)
    return sec


def build_document(report: Report, *, title: str = "headerlens report") -> Document:
    """Lay ``report`` out as a :class:`Document` (the same content for every format).

    A plain report (``Report.reported_by``: a short note with one attached message) leads
    with who reported it, then lays out the attached message; the report mail's own findings
    follow, marked ``[report mail]``.
    """
    if report.reported_by is not None and report.attached:
        doc = build_document(report.attached[0], title=title)
        doc.sections.insert(0, _reported(report))
        findings = next(s for s in doc.sections if s.title == "Findings")
        findings.severity_rows.extend(
            (f.severity, f.code, f"[report mail] {f.summary}", _indexes(f.header_indexes))
            for f in report.findings
        )
        return doc
    doc = Document(title=title)
    doc.sections.append(_verdict(report))
    doc.sections.append(_summary(report))
    for part in (_hops, _auth, _spam, _bounce, _attached):
        sec = part(report)
        if sec is not None:
            doc.sections.append(sec)
    doc.sections.append(_findings(report))
    live = checks_section(report)  # today's DNS, apart from the headers
    if live is not None:
        doc.sections.append(live)
    for part in (_defects, _dns):
        sec = part(report)
        if sec is not None:
            doc.sections.append(sec)
    return doc


def _both(status: str) -> Callable[[str | None, str | None], str]:
    """How a hop pair shows a value: one side alone, equal once, or ``a -> b``."""

    def show(a: str | None, b: str | None) -> str:
        if status == "only_a":
            return a or ""
        if status == "only_b":
            return b or ""
        a, b = a or "-", b or "-"
        return a if a == b else f"{a} -> {b}"

    return show


def build_diff_document(
    diff: ReportDiff, *, title: str = "headerlens diff", a_name: str = "A", b_name: str = "B"
) -> Document:
    """Lay a :class:`~headerlens.diff.ReportDiff` out as a :class:`Document`."""
    doc = Document(title=title)
    head = Section("Compared")
    head.lines += [("A", a_name), ("B", b_name), ("Result", diff.summary)]
    doc.sections.append(head)
    if diff.hops:
        sec = Section("Path (hops aligned on the receiving host, oldest first)")
        t = Table(("hop A/B", "by", "from", "ip", "TLS", "delay", "trust", "differs"))
        for p in diff.hops:
            both = _both(p.status)

            trust_a = None if p.trusted_a is None else ("trusted" if p.trusted_a else "untrusted")
            trust_b = None if p.trusted_b is None else ("trusted" if p.trusted_b else "untrusted")
            index = {
                "only_a": f"{p.a_index}/-",
                "only_b": f"-/{p.b_index}",
            }.get(p.status, f"{p.a_index}/{p.b_index}")
            differs = {"only_a": "only in A", "only_b": "only in B"}.get(
                p.status, ", ".join(p.changes)
            )
            t.rows.append(
                (
                    index,
                    both(p.by_a, p.by_b),
                    both(p.from_a, p.from_b),
                    both(p.ip_a, p.ip_b),
                    both(p.tls_a, p.tls_b),
                    both(format_delay(p.delay_a), format_delay(p.delay_b)),
                    both(trust_a, trust_b),
                    differs,
                )
            )
        sec.tables.append(t)
        doc.sections.append(sec)
    sec = Section("Differences")
    if diff.changes:
        t = Table(("area", "item", "A", "B"))
        for c in diff.changes:
            t.rows.append(
                (
                    c.area,
                    c.item,
                    "(absent)" if c.a is None else c.a,
                    "(absent)" if c.b is None else c.b,
                )
            )
        sec.tables.append(t)
    else:
        sec.notes.append("No differing values.")
    doc.sections.append(sec)
    return doc
