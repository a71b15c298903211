"""Placeholder (issue 3)."""

from __future__ import annotations

from headerlens.hops.models import Received


def parse_received(value: str) -> Received:
    return Received(raw=value)
