"""Coloured terminal report with rich (the ``cli`` extra). Message text is never markup."""

from __future__ import annotations

from typing import IO

from headerlens.render._safe import term_safe
from headerlens.render.document import build_document
from headerlens.report import Report

__all__ = ["print_rich"]

_SEVERITY_STYLE = {
    "critical": "bold red",
    "warning": "yellow",
    "notice": "cyan",
    "info": "dim",
}


def print_rich(
    report: Report, *, title: str = "headerlens report", file: IO[str] | None = None
) -> None:
    """Print the report with rich tables; all message-derived strings are plain ``Text``."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=file, highlight=False)
    doc = build_document(report, title=title)
    console.rule(Text(term_safe(doc.title), style="bold"))
    for sec in doc.sections:
        console.print()
        console.print(Text(term_safe(sec.title), style="bold underline"))
        if sec.lead:
            console.print(Text(term_safe(sec.lead), style="bold"))
        if sec.lines:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold")
            grid.add_column(overflow="fold")
            for key, value in sec.lines:
                grid.add_row(Text(term_safe(key)), Text(term_safe(value)))
            console.print(grid)
        for table in sec.tables:
            t = Table(show_lines=False, header_style="bold")
            for h in table.headers:
                t.add_column(Text(term_safe(h)), overflow="fold")
            for row in table.rows:
                t.add_row(*(Text(term_safe(c)) for c in row))
            console.print(t)
        for sev, code, summary, idx in sec.severity_rows:
            line = Text()
            line.append(f"{sev:8} ", style=_SEVERITY_STYLE.get(sev, ""))
            line.append(code, style="bold")
            if idx:
                line.append(f" ({idx})", style="dim")
            line.append(": " + term_safe(summary))
            console.print(line)
        for note in sec.notes:
            console.print(Text(term_safe(note)))
