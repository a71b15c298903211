"""The "Checked now" section: today's DNS (``Report.checks``), laid out apart from everything
the headers recorded.

Only today's values appear in its columns; where the receiver recorded a value at delivery it
is shown in a column headed "recorded then", with the comparison, never merged into today's.
"""

from __future__ import annotations

from headerlens.checks.models import LiveChecks
from headerlens.render._blocks import Section, Table
from headerlens.render._safe import format_time
from headerlens.report import Report

__all__ = ["checks_section"]


def _tri(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "no")


def _join(values: tuple[str, ...] | list[str], empty: str = "-") -> str:
    return ", ".join(values) if values else empty


def _indexes(indexes: tuple[int, ...]) -> str:
    return ", ".join(f"#{i}" for i in sorted(set(indexes)))


def checks_section(report: Report) -> Section | None:
    """The "Checked now" section, or ``None`` when the checks did not run."""
    c = report.checks
    if c is None:
        return None
    when = format_time(c.checked_at)
    sec = Section(f"Checked now ({when} UTC, {c.resolver})")
    sec.notes.append(
        "Looked up at analysis time: today's DNS, which may differ from what the receiver saw"
        " when it took the message. Values the headers recorded are shown only in the"
        " 'recorded then' columns."
        + (
            " The time is Policy.as_of, as the caller set it."
            if c.checked_at_source == "policy"
            else ""
        )
    )
    _subjects(sec, c)
    _spf(sec, c)
    _reverse(sec, c)
    if c.dmarc is not None:
        d = c.dmarc
        sec.lines.append((f"DMARC now {d.from_domain}", d.note))
        if d.recorded is not None and d.recorded.raw:
            sec.lines.append(("DMARC recorded then", f"{d.recorded.raw} ({d.comparison})"))
    if c.dkim_keys:
        t = Table(("DKIM key", "name", "outcome now", "status", "key then", "key now"))
        for k in c.dkim_keys:
            t.rows.append(
                (
                    f"#{k.header_index}",
                    k.name or "-",
                    k.outcome or "-",
                    k.status,
                    k.key_then or "-",
                    k.key_now or "-",
                )
            )
        sec.tables.append(t)
    if c.mx:
        t = Table(("MX now", "roles", "hosts now", "accepts mail"))
        for m in c.mx:
            if m.null_mx:
                hosts = "null MX (0 .)"
            elif m.hosts:
                hosts = "; ".join(
                    f"{h.preference} {h.exchange}"
                    + (f" (alias of {h.alias_of})" if h.alias_of else "")
                    + (f" {_join(h.addresses)}" if h.addresses else f" ({h.outcome})")
                    for h in m.hosts
                )
            elif m.implicit:
                hosts = f"no MX; own address {_join(m.addresses)}"
            else:
                hosts = m.outcome
            t.rows.append((m.domain, ", ".join(m.roles), hosts, _tri(m.accepts_mail)))
        sec.tables.append(t)
    if c.blocklists:
        t = Table(("list", "name", "outcome", "listed now", "meaning"))
        for b in c.blocklists:
            listed = "refused" if b.refused else _tri(b.listed)
            t.rows.append((b.list_name or b.zone, b.name, b.outcome, listed, _join(b.meanings, "")))
        sec.tables.append(t)
    for s in c.mta_sts:
        sec.lines.append((f"MTA-STS {s.domain}", s.note))
    for r in c.tls_rpt:
        sec.lines.append((f"TLS-RPT {r.domain}", r.note))
    for dane in c.dane:
        sec.lines.append((f"DANE {dane.domain}", dane.note))
    if c.bimi is not None:
        sec.lines.append((f"BIMI {c.bimi.domain}", c.bimi.note))
    for f in c.findings:
        sec.severity_rows.append((f.severity, f.code, f.summary, _indexes(f.header_indexes)))
    if not c.findings:
        sec.notes.append("Nothing to fix found in today's DNS.")
    sec.notes.extend(f"Not checked: {s}" for s in c.skipped)
    budget = f"{c.queries} DNS questions (budget {c.budget})"
    if c.budget_exhausted:
        budget += "; the budget ran out, later checks are incomplete"
    sec.notes.append(budget + ".")
    return sec


def _subjects(sec: Section, c: LiveChecks) -> None:
    for label, value in (
        ("Origin IP", c.origin_ip),
        ("Envelope sender", None if c.envelope_sender is None else c.envelope_sender or "<>"),
        ("HELO", c.helo),
        ("From domain", c.from_domain),
        ("Recipient domains", _join(list(c.recipient_domains), "")),
    ):
        if value:
            sec.lines.append((label, value))


def _spf(sec: Section, c: LiveChecks) -> None:
    if not c.spf:
        return
    t = Table(("SPF now", "domain", "result now", "decided by", "recorded then", "comparison"))
    for s in c.spf:
        decided = s.check.mechanism or s.check.reason
        if s.check.mechanism_domain and s.check.mechanism_domain != s.check.domain:
            decided += f" (in {s.check.mechanism_domain})"
        recorded = f"{s.recorded} ({s.recorded_by})" if s.recorded else "-"
        t.rows.append(
            (
                f"{s.identity} {s.check.ip}",
                s.check.domain or "-",
                s.check.result,
                decided,
                recorded,
                s.comparison,
            )
        )
    sec.tables.append(t)
    sec.notes.extend(
        f"SPF {s.identity}: {s.check.detail}"
        for s in c.spf
        if s.check.result not in ("pass", "none")
    )


def _reverse(sec: Section, c: LiveChecks) -> None:
    if not c.reverse_dns:
        return
    t = Table(("ip", "role", "PTR now", "FCrDNS", "HELO is PTR", "recorded then", "comparison"))
    for r in c.reverse_dns:
        ptr = _join(list(r.ptr), r.outcome if r.outcome != "answer" else "-")
        t.rows.append(
            (
                r.ip,
                r.role,
                ptr,
                _tri(r.fcrdns),
                _tri(r.helo_matches),
                r.recorded_rdns or "-",
                r.comparison,
            )
        )
    sec.tables.append(t)
