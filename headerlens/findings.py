"""Findings: conclusions drawn from a message, each citing the header fields it rests on."""

from __future__ import annotations

from typing import Literal

from headerlens._catalogue import FINDING_CODES
from headerlens._model import Model, fast_constructor

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


_SEVERITIES = frozenset(("info", "notice", "warning", "critical"))


def make_finding(
    code: str,
    severity: Severity,
    summary: str,
    header_indexes: tuple[int, ...] | list[int] = (),
    detail: str | None = None,
) -> Finding:
    """Build a :class:`Finding`; ``code`` must be in the catalogue (else ``KeyError``).

    Findings are built from our own typed values on hot paths, so the model is made without
    pydantic re-validation; the two checks that matter (a catalogued code, a known severity)
    are made here.
    """
    if code not in FINDING_CODES:
        raise KeyError(f"finding code {code!r} is not in the catalogue")
    if severity not in _SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    if len(header_indexes) < 2:
        indexes = tuple(header_indexes)
    else:
        indexes = tuple(sorted(set(header_indexes)))
    return _new_finding(
        severity=severity, code=code, summary=summary, header_indexes=indexes, detail=detail
    )


_new_finding = fast_constructor(Finding)
