"""Fitting tables and prose into a terminal width without ever splitting a value.

An IP, a host name, an address or an id copied from a report must be whole, so text here
wraps only at whitespace: a word is never cut, even when it is wider than the line (it then
stands alone on its line). A table that cannot fit with every word whole is stacked instead:
one block per row, one line per column. ``width=None`` means no limit (``--wide``).

The text, rich and Markdown renderers all take their layout decisions from here.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["TableLayout", "plan_table", "stacked_cells", "wrap"]


def wrap(text: str, width: int | None) -> list[str]:
    """``text`` wrapped at whitespace to ``width`` columns; words are never split.

    A word longer than ``width`` gets a line of its own (longer than ``width``). Always at
    least one line (``[""]`` for empty text).
    """
    if width is None or len(text) <= width:
        return [text]
    lines = textwrap.wrap(
        text,
        width=max(1, width),
        break_long_words=False,
        break_on_hyphens=False,
    )
    return lines or [""]


def stacked_cells(
    headers: Sequence[str], row: Sequence[str], width: int | None, indent: str
) -> list[tuple[str, list[str]]]:
    """The lines of one row of a stacked table below its heading: for each non-empty cell
    after the first, its lead (``indent``, the column header padded to the longest) and its
    text wrapped to the room left beside the lead."""
    label_w = max((len(h) for h in headers[1:]), default=0)
    out: list[tuple[str, list[str]]] = []
    for h, cell in zip(headers[1:], row[1:], strict=True):
        if cell:
            lead = f"{indent}{h.ljust(label_w)}  "
            out.append((lead, wrap(cell, None if width is None else max(1, width - len(lead)))))
    return out


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


@dataclass(frozen=True)
class TableLayout:
    """How a table is drawn: ``widths`` per column, or ``stacked`` (one block per row)."""

    stacked: bool
    widths: tuple[int, ...]


def plan_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int | None,
    *,
    overhead: int,
    per_column: int,
) -> TableLayout:
    """Column widths for a table of (already escaped) cells within ``width`` columns.

    ``overhead`` is the fixed cost of a line (indent, outer borders), ``per_column`` the cost
    of each column (gap, padding, separators). Columns get their natural width when it fits;
    otherwise every column keeps at least its longest word and the space left is shared in
    proportion to what each column still wants; when even that does not fit, the table is
    stacked.
    """
    n = len(headers)
    natural = [len(h) for h in headers]
    minimum = [_longest_word(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            natural[i] = max(natural[i], len(cell))
            minimum[i] = max(minimum[i], _longest_word(cell))
    budget = None if width is None else width - overhead - per_column * n
    if budget is None or sum(natural) <= budget:
        return TableLayout(False, tuple(natural))
    if sum(minimum) > budget:
        return TableLayout(True, tuple(natural))
    widths = list(minimum)
    spare = budget - sum(minimum)
    wants = [nat - mn for nat, mn in zip(natural, minimum, strict=True)]
    total = sum(wants)
    for i in range(n):
        share = spare * wants[i] // total if total else 0
        widths[i] += share
    left = budget - sum(widths)
    # Hand the rounding remainder to the columns that still want the most.
    for i in sorted(range(n), key=lambda k: natural[k] - widths[k], reverse=True):
        if left <= 0:
            break
        if widths[i] < natural[i]:
            widths[i] += 1
            left -= 1
    return TableLayout(False, tuple(widths))
