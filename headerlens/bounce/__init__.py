"""Bounces, DSNs, feedback reports and auto-replies (placeholder, issue 8)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from headerlens.bounce.models import BounceAnalysis, DeliveryReport
from headerlens.findings import Finding
from headerlens.message import Message
from headerlens.policy import Policy

if TYPE_CHECKING:
    from headerlens.report import Report

__all__ = ["analyze_bounce", "link_original"]


def analyze_bounce(message: Message, policy: Policy) -> BounceAnalysis:
    return BounceAnalysis()


def link_original(delivery: DeliveryReport, original: Report) -> tuple[Finding, ...]:
    return ()


def parse_bounce(source: object, *, policy: Policy | None = None) -> DeliveryReport | None:
    return None
