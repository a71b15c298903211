"""Findings: conclusions drawn from a message, each citing the header fields it rests on."""

from __future__ import annotations

from typing import Literal

from headerlens._catalogue import FINDING_CODES
from headerlens._model import Model

__all__ = ["Finding", "Severity", "make_finding"]

Severity = Literal["info", "notice", "warning", "critical"]


class Finding(Model):
    """One conclusion, e.g. "DKIM signature by example.com fails: the body changed".

    ``code`` is a stable ``area.problem`` string listed in ``docs/defects.md``;
    ``header_indexes`` are the header fields (0 = topmost) the conclusion rests on.
    """

    severity: Severity
    code: str
    summary: str
    header_indexes: tuple[int, ...] = ()
    detail: str | None = None


def make_finding(
    code: str,
    severity: Severity,
    summary: str,
    header_indexes: tuple[int, ...] | list[int] = (),
    detail: str | None = None,
) -> Finding:
    """Build a :class:`Finding`; ``code`` must be in the catalogue (else ``KeyError``)."""
    if code not in FINDING_CODES:
        raise KeyError(f"finding code {code!r} is not in the catalogue")
    return Finding(
        severity=severity,
        code=code,
        summary=summary,
        header_indexes=tuple(sorted(set(header_indexes))),
        detail=detail,
    )
