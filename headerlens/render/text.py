"""Plain-text report: fixed-width tables, every message-derived character made visible."""

from __future__ import annotations

import textwrap

from headerlens.render._safe import term_safe
from headerlens.render.document import Document, Table, build_document
from headerlens.report import Report

__all__ = ["render_text"]

_MAX_CELL = 48
# Columns whose values are evidence an analyst copies (addresses, IPs): never shortened.
_WHOLE = frozenset({"ip", "from", "by", "recipient", "name"})


def _cell(value: str, header: str) -> str:
    s = term_safe(value)
    if header in _WHOLE or len(s) <= _MAX_CELL:
        return s
    return s[: _MAX_CELL - 1] + "…"


def _table(table: Table) -> list[str]:
    rows = [
        tuple(_cell(c, h) for c, h in zip(row, table.headers, strict=True)) for row in table.rows
    ]
    widths = [len(h) for h in table.headers]
    for row in rows:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    out = ["  " + "  ".join(h.ljust(w) for h, w in zip(table.headers, widths, strict=True))]
    out.append("  " + "  ".join("-" * w for w in widths))
    out += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return [line.rstrip() for line in out]


def render_document_text(doc: Document, *, width: int = 100) -> str:
    """Format a :class:`Document` as plain text."""
    lines = [term_safe(doc.title), "=" * min(width, max(10, len(doc.title)))]
    for sec in doc.sections:
        lines += ["", term_safe(sec.title), "-" * len(sec.title)]
        if sec.lead:
            lines += [*textwrap.wrap(term_safe(sec.lead), width=width), ""]
        label_w = max((len(k) for k, _ in sec.lines), default=0)
        for key, value in sec.lines:
            lines.append(f"{term_safe(key).ljust(label_w)}  {term_safe(value)}")
        for table in sec.tables:
            if sec.lines or len(sec.tables) > 1:
                lines.append("")
            lines += _table(table)
        for sev, code, summary, idx in sec.severity_rows:
            head = f"[{sev}] {code}"
            if idx:
                head += f" ({idx})"
            lines.append(head)
            lines += textwrap.wrap(
                term_safe(summary), width=width, initial_indent="    ", subsequent_indent="    "
            )
        for note in sec.notes:
            lines += textwrap.wrap(term_safe(note), width=width) or [""]
    return "\n".join(lines) + "\n"


def render_text(report: Report, *, title: str = "headerlens report", width: int = 100) -> str:
    """The readable report as plain text (safe for any terminal)."""
    return render_document_text(build_document(report, title=title), width=width)
