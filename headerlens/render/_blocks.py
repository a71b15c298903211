"""The blocks a report is laid out in: sections of key/value lines, tables and notes.

:mod:`headerlens.render.document` lays a report out in them and every renderer formats them;
the sections of other modules (:mod:`headerlens.render.live`) are built from them too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Document", "Section", "Table"]


@dataclass
class Table:
    """A table: column headers and rows of cells (raw strings)."""

    headers: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class Section:
    """A titled part of the report. ``lead`` is a paragraph shown before everything else."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    severity_rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: A picture the graphical renderers draw after the section's lines (``"timeline"``:
    #: the hop timeline of :mod:`headerlens.render.svg`); text renderers skip it.
    figure: str | None = None
    lead: str | None = None


@dataclass
class Document:
    """The whole report as sections."""

    title: str
    sections: list[Section] = field(default_factory=list)
