"""Helpers for the hop-chain tests: build a message from header lines."""

from __future__ import annotations

import pytest

from headerlens.message import Message
from headerlens.parse import parse


def build(*lines: str) -> Message:
    """A message whose header block is ``lines`` (one field per item, folding allowed)."""
    return parse(("\r\n".join(lines) + "\r\n\r\nbody\r\n").encode())


@pytest.fixture
def make_message():  # type: ignore[no-untyped-def]
    return build
