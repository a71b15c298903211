"""Bounces, DSNs, feedback reports and auto-replies (RFC 3464, 6533, 3834, 5965)."""

from __future__ import annotations

import os
from typing import IO

from headerlens.bounce.engine import read_report
from headerlens.bounce.link import link_original, report_findings
from headerlens.bounce.models import BounceAnalysis, DeliveryReport, RecipientStatus
from headerlens.defects import DefectLog
from headerlens.message import Message
from headerlens.parse import message_of
from headerlens.policy import Policy, policy_or_default

__all__ = [
    "BounceAnalysis",
    "DeliveryReport",
    "RecipientStatus",
    "analyze_bounce",
    "link_original",
    "parse_bounce",
]


def parse_bounce(
    source: bytes | str | os.PathLike[str] | IO[bytes] | Message,
    *,
    policy: Policy | None = None,
) -> DeliveryReport | None:
    """Read a bounce, feedback report or auto-reply, or return ``None`` for other mail.

    Reads RFC 3464 ``multipart/report; report-type=delivery-status`` (and the RFC 6533
    ``message/global-delivery-status``), prose bounces of the common MTAs and providers
    (one heuristic module each under ``headerlens.bounce.formats``), RFC 5965 ARF feedback
    reports (``kind="feedback"``) and RFC 3834 auto-replies (``kind="autoreply"``). Every
    recipient gets a status, reply code, reason (Sisimai's taxonomy) and ``permanent``.
    Malformed reports give what can be read, with defects.

    ``source`` is read like :func:`headerlens.parse`'s (a ``str`` is the message text, never
    a file name): ``TypeError`` for a wrong type, :class:`~headerlens.errors.InputError` for
    an unreadable path or file.
    """
    pol = policy_or_default(policy, "parse_bounce")
    log = DefectLog(strict=pol.strict)
    message = message_of(source, pol, "parse_bounce")
    return read_report(message, log, max_recipients=pol.limits.max_bounce_recipients)


def analyze_bounce(message: Message, policy: Policy) -> BounceAnalysis:
    """The bounce step of ``analyze()``: the delivery report (if any) and its findings."""
    log = DefectLog(strict=policy.strict)
    report = read_report(message, log, max_recipients=policy.limits.max_bounce_recipients)
    if report is None:
        return BounceAnalysis()
    return BounceAnalysis(report=report, findings=report_findings(report))
