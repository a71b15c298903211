"""Placeholder (issue 2 item 3)."""

from __future__ import annotations

from headerlens.message import Address


def parse_address_list(value: str, *, header_index: int | None = None) -> tuple[Address, ...]:
    return ()
