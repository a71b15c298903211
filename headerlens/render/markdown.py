"""Markdown report (GitHub-flavoured tables), for tickets and notebooks."""

from __future__ import annotations

from headerlens.render._safe import md_safe
from headerlens.render.document import build_document
from headerlens.report import Report

__all__ = ["render_markdown"]


def render_markdown(report: Report, *, title: str = "headerlens report") -> str:
    """The readable report as Markdown; every message-derived string is escaped."""
    doc = build_document(report, title=title)
    out = [f"# {md_safe(doc.title)}"]
    for sec in doc.sections:
        out += ["", f"## {md_safe(sec.title)}", ""]
        if sec.lead:
            out += [f"**{md_safe(sec.lead)}**", ""]
        for key, value in sec.lines:
            out.append(f"- **{md_safe(key)}**: {md_safe(value)}")
        for table in sec.tables:
            if out[-1] != "":
                out.append("")
            out.append("| " + " | ".join(md_safe(h) for h in table.headers) + " |")
            out.append("|" + "---|" * len(table.headers))
            for row in table.rows:
                out.append("| " + " | ".join(md_safe(c) for c in row) + " |")
        for sev, code, summary, idx in sec.severity_rows:
            where = f" ({md_safe(idx)})" if idx else ""
            out.append(f"- **{sev}** `{code}`{where}: {md_safe(summary)}")
        for note in sec.notes:
            if out[-1] != "":
                out.append("")
            out.append(md_safe(note))
    return "\n".join(out) + "\n"
