"""Bounces, DSNs, feedback reports and auto-replies (RFC 3464, 6533, 3834, 5965)."""

from __future__ import annotations

import os
from typing import IO

from headerlens.bounce.engine import read_report
from headerlens.bounce.link import link_original
from headerlens.bounce.models import BounceAnalysis, DeliveryReport, RecipientStatus
from headerlens.defects import DefectLog
from headerlens.message import Message
from headerlens.parse import parse_bytes
from headerlens.policy import Policy

__all__ = [
    "BounceAnalysis",
    "DeliveryReport",
    "RecipientStatus",
    "analyze_bounce",
    "link_original",
    "parse_bounce",
]


def _source_bytes(source: bytes | str | os.PathLike[str] | IO[bytes] | Message) -> bytes:
    if isinstance(source, Message):
        return source.source
    if isinstance(source, bytes):
        return source
    if isinstance(source, str):
        if "\n" in source or (":" in source.split("\n", 1)[0] and not os.path.exists(source)):
            return source.encode("utf-8", "surrogateescape")
        with open(source, "rb") as fh:
            return fh.read()
    if isinstance(source, os.PathLike):
        with open(source, "rb") as fh:
            return fh.read()
    data = source.read()
    return data if isinstance(data, bytes) else bytes(data)


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
    """
    pol = policy or Policy()
    log = DefectLog(strict=pol.strict)
    if isinstance(source, Message):
        message = source
    else:
        message = parse_bytes(_source_bytes(source), policy=pol)
    return read_report(message, log)


def analyze_bounce(message: Message, policy: Policy) -> BounceAnalysis:
    """The bounce step of ``analyze()``: the delivery report (if any) and its findings."""
    log = DefectLog(strict=policy.strict)
    report = read_report(message, log)
    if report is None:
        return BounceAnalysis()
    from headerlens.bounce.link import report_findings

    return BounceAnalysis(report=report, findings=report_findings(report))
