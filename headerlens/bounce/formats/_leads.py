"""The prose-report knowledge of ``data/prose.json``: lead sentences, warning marks, labels.

Shared by the format readers (a warning makes their recipients temporary) and the prose
reader of reports no format recognised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from headerlens.bounce.context import Context

__all__ = ["Knowledge", "Lead", "is_warning", "knowledge"]


@dataclass(frozen=True, slots=True)
class Lead:
    """A sentence that introduces a list of addresses: failed, or (temporary) delayed."""

    phrase: str
    temporary: bool


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything ``data/prose.json`` holds, loaded once."""

    leads: tuple[Lead, ...]
    warning_marks: tuple[str, ...]
    warning_subjects: tuple[str, ...]
    labels: tuple[str, ...]
    stops: tuple[str, ...]
    system_local_parts: frozenset[str]


@cache
def knowledge() -> Knowledge:
    """The prose knowledge (``data/prose.json``)."""
    text = resources.files("headerlens.bounce").joinpath("data", "prose.json").read_text("utf-8")
    raw: dict[str, Any] = json.loads(text)
    leads: list[Lead] = []
    for group in raw["leads"]:
        leads.extend(Lead(p, False) for p in group["permanent"])
        leads.extend(Lead(p, True) for p in group["temporary"])
    # Longest first: "... has been delayed" must win over "has been delayed".
    leads.sort(key=lambda lead: -len(lead.phrase))
    return Knowledge(
        leads=tuple(leads),
        warning_marks=tuple(raw["warnings"]["marks"]),
        warning_subjects=tuple(raw["warnings"]["subjects"]),
        labels=tuple(sorted(raw["labels"]["phrases"], key=len, reverse=True)),
        stops=tuple(raw["stops"]["phrases"]),
        system_local_parts=frozenset(raw["system_local_parts"]["names"]),
    )


def is_warning(ctx: Context) -> bool:
    """Whether the whole report is a warning (delivery delayed, still being retried)."""
    k = knowledge()
    return ctx.has(*k.warning_marks) or ctx.subject_has(*k.warning_subjects)
