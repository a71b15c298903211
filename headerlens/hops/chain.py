"""Placeholder (issue 3)."""

from __future__ import annotations

from headerlens.hops.models import HopAnalysis
from headerlens.message import Message
from headerlens.policy import Policy


def analyze_hops(message: Message, policy: Policy) -> HopAnalysis:
    return HopAnalysis()
