"""The catalogue of defect and finding codes, one module per area.

Each area module defines two plain mappings, ``DEFECTS`` and ``FINDINGS``, from a stable
code (``area.problem``) to a one-sentence description in our own words. The modules import
nothing from headerlens, so every other module may import them. Codes are API: once released
they are never renamed or reused. ``docs/defects.md`` is generated from these mappings by
``python -m headerlens._catalogue``.
"""

from __future__ import annotations

from headerlens._catalogue import (
    arc,
    auth,
    bounce,
    checks,
    dkim,
    hops,
    indicators,
    intake,
    parse,
    report,
    spam,
)

__all__ = ["AREAS", "DEFECT_CODES", "FINDING_CODES"]

AREAS = (parse, hops, dkim, arc, auth, spam, bounce, indicators, report, checks, intake)


def _merge(attr: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for area in AREAS:
        table: dict[str, str] = getattr(area, attr)
        for code, text in table.items():
            if code in merged:  # pragma: no cover - guarded by a test
                raise RuntimeError(f"duplicate catalogue code {code}")
            merged[code] = text
    return merged


DEFECT_CODES: dict[str, str] = _merge("DEFECTS")
FINDING_CODES: dict[str, str] = _merge("FINDINGS")
