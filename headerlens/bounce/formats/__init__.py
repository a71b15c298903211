"""Per-format heuristics for prose bounces; each module recognises its own markers.

``HEURISTICS`` is the order in which formats are tried (specific before general);
``GENERIC`` reads any prose bounce in the common "address, then explanation" layout.
"""

from __future__ import annotations

from headerlens.bounce.formats import generic
from headerlens.bounce.formats._base import Heuristic

__all__ = ["GENERIC", "HEURISTICS"]

GENERIC: Heuristic = generic.HEURISTIC

HEURISTICS: tuple[Heuristic, ...] = ()
