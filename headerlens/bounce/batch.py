"""Deprecated alias of :mod:`headerlens.integrations.bounces` (moved there by #13).

Batch and DataFrame code does not belong under an analysis package; import
``ROW_FIELDS``, ``iter_bounce_rows`` and ``rows_for_report`` from
``headerlens.integrations.bounces``. This alias warns and will be removed.
"""

from __future__ import annotations

import warnings
from typing import Any

__all__: list[str] = []
_MOVED = ("ROW_FIELDS", "iter_bounce_rows", "rows_for_report")


def __getattr__(name: str) -> Any:
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"headerlens.bounce.batch.{name} moved to headerlens.integrations.bounces.{name}",
        DeprecationWarning,
        stacklevel=2,
    )
    # The only import from an analysis package up to the integrations, kept for the alias.
    from headerlens.integrations import bounces

    return getattr(bounces, name)
