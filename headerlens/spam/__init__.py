"""Vendor spam and filtering headers (placeholder, issue 7)."""

from __future__ import annotations

from headerlens.hops.models import HopAnalysis
from headerlens.message import Message
from headerlens.policy import Policy
from headerlens.spam.models import SpamAnalysis

__all__ = ["analyze_spam"]


def analyze_spam(message: Message, policy: Policy, *, hops: HopAnalysis) -> SpamAnalysis:
    return SpamAnalysis()
