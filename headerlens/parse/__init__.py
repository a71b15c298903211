"""Bytes to :class:`~headerlens.message.Message` (placeholder until issue 2's parser lands)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO

from headerlens.message import Message
from headerlens.policy import Policy

__all__ = ["iter_messages", "parse"]


def parse(
    source: bytes | str | os.PathLike[str] | IO[bytes], *, policy: Policy | None = None
) -> Message:
    raise NotImplementedError


def iter_messages(path: str | os.PathLike[str]) -> Iterator[tuple[str, bytes]]:
    raise NotImplementedError
