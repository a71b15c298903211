"""Placeholder (issue 2 item 4, owned by the hops work)."""

from __future__ import annotations

from headerlens.message import DateValue


def parse_date(text: str) -> DateValue:
    return DateValue(raw=text)
