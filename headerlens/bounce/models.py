"""Models of delivery reports: DSNs (RFC 3464), feedback reports (RFC 5965), auto-replies."""

from __future__ import annotations

from typing import Literal

from headerlens._model import Model
from headerlens.defects import Defect
from headerlens.findings import Finding
from headerlens.message import Message

__all__ = ["BounceAnalysis", "DeliveryReport", "RecipientStatus"]


class RecipientStatus(Model):
    """What happened to one recipient (RFC 3464 section 2.3)."""

    final_recipient: str | None = None
    original_recipient: str | None = None
    action: str | None = None
    status: str | None = None
    reply_code: str | None = None
    diagnostic_code: str | None = None
    remote_mta: str | None = None
    reason: str | None = None
    permanent: bool | None = None
    feedback_type: str | None = None
    explanation: str = ""


class DeliveryReport(Model):
    """A bounce, feedback report or auto-reply, per recipient, with the returned original."""

    kind: Literal["dsn", "heuristic", "autoreply", "feedback"]
    reporting_mta: str | None = None
    recipients: tuple[RecipientStatus, ...] = ()
    original: Message | None = None
    defects: tuple[Defect, ...] = ()


class BounceAnalysis(Model):
    """What the bounce step returns to ``analyze()``."""

    report: DeliveryReport | None = None
    findings: tuple[Finding, ...] = ()
