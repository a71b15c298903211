"""Markdown report (GitHub-flavoured tables), for tickets and notebooks.

Every message-derived string is escaped (:func:`~headerlens.render._safe.md_safe`). With a
``width``, a table whose rows would be longer is written as a list instead (one item per row,
one sub-item per column), so the raw Markdown reads in a terminal of that width without a
value being split; ``width=None`` (the default) always writes tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from headerlens.render._safe import md_line, md_safe
from headerlens.render.document import Document, Table, build_diff_document, build_document
from headerlens.report import Report

if TYPE_CHECKING:
    from headerlens.diff import ReportDiff

__all__ = ["render_diff_markdown", "render_document_markdown", "render_markdown"]


def _table(table: Table, width: int | None) -> list[str]:
    headers = [md_safe(h) for h in table.headers]
    rows = [[md_safe(c) for c in row] for row in table.rows]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    if width is None or max(len(line) for line in lines) <= width:
        return lines
    out: list[str] = []
    for row in rows:
        out.append(f"- **{headers[0]}** {row[0]}".rstrip())
        out += [f"  - {h}: {c}" for h, c in zip(headers[1:], row[1:], strict=True) if c]
    return out


def render_document_markdown(doc: Document, *, width: int | None = None) -> str:
    """Format a :class:`Document` as Markdown (tables become lists past ``width``)."""
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
            out += _table(table, width)
        for sev, code, summary, idx in sec.severity_rows:
            where = f" ({md_safe(idx)})" if idx else ""
            out.append(f"- **{md_safe(sev)}** {md_safe(code)}{where}: {md_safe(summary)}")
        for note in sec.notes:
            if out[-1] != "":
                out.append("")
            out.append(md_line(note))
    return "\n".join(out) + "\n"


def render_markdown(
    report: Report, *, title: str = "headerlens report", width: int | None = None
) -> str:
    """The readable report as Markdown; every message-derived string is escaped."""
    return render_document_markdown(build_document(report, title=title), width=width)


def render_diff_markdown(
    diff: ReportDiff,
    *,
    title: str = "headerlens diff",
    a_name: str = "A",
    b_name: str = "B",
    width: int | None = None,
) -> str:
    """A :class:`~headerlens.diff.ReportDiff` as Markdown."""
    doc = build_diff_document(diff, title=title, a_name=a_name, b_name=b_name)
    return render_document_markdown(doc, width=width)
