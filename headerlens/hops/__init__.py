"""The Received hop chain: parsing, timing, trust boundary, timeline."""

from __future__ import annotations

from headerlens.hops.chain import analyze_hops
from headerlens.hops.received import parse_received

__all__ = ["analyze_hops", "parse_received"]
