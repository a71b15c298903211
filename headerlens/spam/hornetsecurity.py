"""Hornetsecurity (header names unconfirmed: every entry is tagged inferred)."""

from __future__ import annotations

from headerlens.spam.decoding import flag, score, simple
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact, prefix

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "hornetsecurity"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


DECODERS = (
    exact(
        VENDOR,
        ("X-Hornetsecurity-Spam", "X-Hornet-Spam"),
        flag(VENDOR, overrides=True),
        primary=True,
    ),
    exact(VENDOR, ("X-Hornetsecurity-Score", "X-Hornet-Score"), score(VENDOR)),
    prefix(VENDOR, "X-Hornetsecurity-", simple(VENDOR)),
)
