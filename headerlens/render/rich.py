"""Coloured terminal report with rich (the ``cli`` extra). Message text is never markup.

The layout decisions are those of the plain-text renderer (:mod:`headerlens.render._layout`):
values wrap only at whitespace, and a table that cannot fit without splitting a value is
stacked (one block per row). ``wide=True`` keeps every table row on one line.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from headerlens.render._layout import plan_table, stacked_cells, wrap
from headerlens.render._safe import term_safe
from headerlens.render.document import Document, Table, build_diff_document, build_document
from headerlens.report import Report

if TYPE_CHECKING:
    from rich.console import Console

    from headerlens.diff import ReportDiff

__all__ = ["print_document", "print_rich", "print_rich_diff"]

_SEVERITY_STYLE = {
    "critical": "bold red",
    "warning": "yellow",
    "notice": "cyan",
    "info": "dim",
}


def _print_table(console: Console, table: Table, width: int | None) -> None:
    from rich.table import Table as RichTable
    from rich.text import Text

    headers = tuple(term_safe(h) for h in table.headers)
    rows = [tuple(term_safe(c) for c in row) for row in table.rows]
    # No box: columns separated by their padding (two spaces), no padding at the edges.
    plan = plan_table(headers, rows, width, overhead=-2, per_column=2)
    if plan.stacked:
        for row in rows:
            console.print(Text(f"{headers[0]} {row[0]}", style="bold"), soft_wrap=True)
            for lead, lines in stacked_cells(headers, row, width, "    "):
                text = Text(lead, style="dim")
                text.append(lines[0])
                for line in lines[1:]:
                    text.append("\n" + " " * len(lead) + line)
                console.print(text, soft_wrap=True)
        return
    t = RichTable(box=None, padding=(0, 1), pad_edge=False, header_style="bold underline")
    for h, w in zip(headers, plan.widths, strict=True):
        t.add_column(Text("\n".join(wrap(h, w))), width=w, no_wrap=True, overflow="ignore")
    for row in rows:
        cells = [Text("\n".join(wrap(c, w))) for c, w in zip(row, plan.widths, strict=True)]
        t.add_row(*cells)
    total = sum(w + 2 for w in plan.widths) - 2
    console.print(t, width=max(total, console.width), crop=False)


def print_rich(
    report: Report,
    *,
    title: str = "headerlens report",
    file: IO[str] | None = None,
    width: int | None = None,
    wide: bool = False,
) -> None:
    """Print the report with rich tables; all message-derived strings are plain ``Text``.

    ``width`` overrides the terminal width rich detects; ``wide`` never wraps a table row.
    """
    print_document(build_document(report, title=title), file=file, width=width, wide=wide)


def print_rich_diff(
    diff: ReportDiff,
    *,
    title: str = "headerlens diff",
    a_name: str = "A",
    b_name: str = "B",
    file: IO[str] | None = None,
    width: int | None = None,
    wide: bool = False,
) -> None:
    """Print a :class:`~headerlens.diff.ReportDiff` with rich tables."""
    doc = build_diff_document(diff, title=title, a_name=a_name, b_name=b_name)
    print_document(doc, file=file, width=width, wide=wide)


def print_document(
    doc: Document, *, file: IO[str] | None = None, width: int | None = None, wide: bool = False
) -> None:
    """Print a :class:`~headerlens.render.document.Document` with rich."""
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    console = Console(file=file, highlight=False, width=width)
    limit = None if wide else console.width
    console.rule(Text(term_safe(doc.title), style="bold"))
    for sec in doc.sections:
        console.print()
        console.print(Text(term_safe(sec.title), style="bold underline"))
        if sec.lead:
            console.print(Text(term_safe(sec.lead), style="bold"))
        if sec.lines:
            label_w = max(len(term_safe(k)) for k, _ in sec.lines)
            room = None if limit is None else max(1, limit - label_w - 2)
            grid = RichTable.grid(padding=(0, 2))
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column(no_wrap=True, overflow="ignore")
            for key, value in sec.lines:
                grid.add_row(Text(term_safe(key)), Text("\n".join(wrap(term_safe(value), room))))
            console.print(grid, crop=False)
        for table in sec.tables:
            _print_table(console, table, limit)
        for sev, code, summary, idx in sec.severity_rows:
            line = Text()
            line.append(f"{sev:8} ", style=_SEVERITY_STYLE.get(sev, ""))
            line.append(term_safe(code), style="bold")
            if idx:
                line.append(f" ({idx})", style="dim")
            head = len(line.plain) + 2
            room = None if limit is None else max(1, limit - 4)
            body = term_safe(summary)
            if limit is None or head + len(body) <= limit:
                line.append(": " + body)
            else:
                line.append(":")
                for part in wrap(body, room):
                    line.append("\n    " + part)
            console.print(line, soft_wrap=True)
        for note in sec.notes:
            console.print(Text("\n".join(wrap(term_safe(note), limit))), soft_wrap=True)
