"""Plain-text report: fixed-width tables, every message-derived character made visible.

Nothing an analyst copies is ever split across lines: text wraps at whitespace only, and a
table too wide for ``width`` is stacked (one block per row). ``width=None`` never wraps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from headerlens.render._layout import plan_table, stacked_cells, wrap
from headerlens.render._safe import term_safe
from headerlens.render.document import Document, Table, build_diff_document, build_document
from headerlens.report import Report

if TYPE_CHECKING:
    from headerlens.diff import ReportDiff

__all__ = ["render_diff_text", "render_document_text", "render_text"]

_INDENT = "  "
_GAP = 2


def _stacked(headers: tuple[str, ...], rows: list[tuple[str, ...]], width: int | None) -> list[str]:
    """One block per row: ``header value`` of the first column, then one line per column."""
    out: list[str] = []
    for row in rows:
        out.append(f"{_INDENT}{headers[0]} {row[0]}".rstrip())
        for lead, lines in stacked_cells(headers, row, width, _INDENT * 3):
            out.append(lead + lines[0])
            out += [" " * len(lead) + line for line in lines[1:]]
    return out


def _table(table: Table, width: int | None) -> list[str]:
    headers = tuple(term_safe(h) for h in table.headers)
    rows = [tuple(term_safe(c) for c in row) for row in table.rows]
    plan = plan_table(headers, rows, width, overhead=len(_INDENT), per_column=_GAP)
    if plan.stacked:
        return _stacked(headers, rows, width)
    widths = plan.widths

    def lines_of(cells: tuple[str, ...]) -> list[str]:
        wrapped = [wrap(c, w) for c, w in zip(cells, widths, strict=True)]
        height = max(len(w) for w in wrapped)
        out = []
        for k in range(height):
            parts = [
                (col[k] if k < len(col) else "").ljust(w)
                for col, w in zip(wrapped, widths, strict=True)
            ]
            out.append((_INDENT + (" " * _GAP).join(parts)).rstrip())
        return out

    out = lines_of(headers)
    out.append(_INDENT + (" " * _GAP).join("-" * w for w in widths))
    for row in rows:
        out += lines_of(row)
    return out


def _paragraph(text: str, width: int | None, indent: str = "") -> list[str]:
    room = None if width is None else max(1, width - len(indent))
    return [indent + line for line in wrap(text, room)]


def render_document_text(doc: Document, *, width: int | None = 100) -> str:
    """Format a :class:`Document` as plain text within ``width`` columns (``None``: no limit)."""
    title = term_safe(doc.title)
    lines = [title, "=" * min(width or len(title), max(10, len(title)))]
    for sec in doc.sections:
        lines += ["", term_safe(sec.title), "-" * len(sec.title)]
        if sec.lead:
            lines += [*_paragraph(term_safe(sec.lead), width), ""]
        label_w = max((len(k) for k, _ in sec.lines), default=0)
        for key, value in sec.lines:
            lead = f"{term_safe(key).ljust(label_w)}  "
            body = _paragraph(term_safe(value), None if width is None else width - len(lead))
            lines.append(lead + body[0])
            lines += [" " * len(lead) + b for b in body[1:]]
        for table in sec.tables:
            if sec.lines or len(sec.tables) > 1:
                lines.append("")
            lines += _table(table, width)
        for sev, code, summary, idx in sec.severity_rows:
            head = f"[{sev}] {term_safe(code)}"
            if idx:
                head += f" ({idx})"
            lines.append(head)
            lines += _paragraph(term_safe(summary), width, "    ")
        for note in sec.notes:
            lines += _paragraph(term_safe(note), width)
    return "\n".join(lines) + "\n"


def render_text(
    report: Report, *, title: str = "headerlens report", width: int | None = 100
) -> str:
    """The readable report as plain text (safe for any terminal).

    ``width`` is the line length to fit (tables stack rather than split a value); ``None``
    keeps every table row on one line.
    """
    return render_document_text(build_document(report, title=title), width=width)


def render_diff_text(
    diff: ReportDiff,
    *,
    title: str = "headerlens diff",
    a_name: str = "A",
    b_name: str = "B",
    width: int | None = 100,
) -> str:
    """A :class:`~headerlens.diff.ReportDiff` as plain text."""
    doc = build_diff_document(diff, title=title, a_name=a_name, b_name=b_name)
    return render_document_text(doc, width=width)
