"""Findings that connect a bounce to the analysis of its returned original."""

from __future__ import annotations

from typing import TYPE_CHECKING

from headerlens.bounce.models import DeliveryReport
from headerlens.findings import Finding

if TYPE_CHECKING:
    from headerlens.report import Report

__all__ = ["link_original", "report_findings"]


def report_findings(report: DeliveryReport) -> tuple[Finding, ...]:
    return ()


def link_original(delivery: DeliveryReport, original_report: Report) -> tuple[Finding, ...]:
    return ()
