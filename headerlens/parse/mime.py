"""Placeholder replaced by the MIME parser (issue 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from headerlens.message import Message, MimePart


def build_mime(message: Message) -> MimePart | None:
    return None
