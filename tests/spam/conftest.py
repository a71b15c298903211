"""Shared fixtures for the spam tests: message building and running the spam step."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from headerlens.hops.models import HopAnalysis
from headerlens.message import Message
from headerlens.parse import parse
from headerlens.policy import Policy
from headerlens.spam import analyze_spam
from headerlens.spam.models import SpamAnalysis

RCVD = (
    "Received: from mx.example.net (mx.example.net [192.0.2.10]) by mx.example.com;"
    " Sat, 28 Nov 2026 10:00:00 +0000"
)


@pytest.fixture
def build() -> Callable[..., Message]:
    """Build a message from header lines (a Received line is appended below them)."""

    def _build(*lines: str, received: bool = True) -> Message:
        text = "\r\n".join([*lines, RCVD] if received else list(lines)) + "\r\n\r\nbody\r\n"
        return parse(text.encode("utf-8"))

    return _build


@pytest.fixture
def run() -> Callable[..., SpamAnalysis]:
    """Run the spam step with an empty hop analysis (or the one given)."""

    def _run(
        message: Message, hops: HopAnalysis | None = None, strict: bool = False
    ) -> SpamAnalysis:
        return analyze_spam(message, Policy(strict=strict), hops=hops or HopAnalysis())

    return _run
