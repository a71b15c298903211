"""Models of delivery reports: DSNs (RFC 3464), feedback reports (RFC 5965), auto-replies."""

from __future__ import annotations

from typing import Literal

from headerlens._model import Model
from headerlens.defects import Defect
from headerlens.findings import Finding
from headerlens.message import Message

__all__ = ["BounceAnalysis", "DeliveryReport", "RecipientStatus", "StatusSource"]

StatusSource = Literal["dsn", "text", "inferred"]


class RecipientStatus(Model):
    """What happened to one recipient (RFC 3464 section 2.3).

    ``status`` is the RFC 3463 code: from the DSN ``Status`` field or the SMTP reply text
    (``status_source`` says which), or, when the bounce states none, a pseudo code
    ``x.0.9nn`` inferred from the reason (``status_source="inferred"``; the convention
    Sisimai uses, so results compare). ``permanent`` is the RFC reading (class 5 / 5xx);
    ``hard_bounce`` says the address itself is bad (unknown user or host, moved, null MX),
    so that retrying later will never help. Both are ``None`` when unknown and when they do
    not apply: a feedback report (RFC 5965) or an auto-reply (RFC 3834) is no failure.
    """

    final_recipient: str | None = None
    original_recipient: str | None = None
    action: str | None = None
    status: str | None = None
    status_source: StatusSource | None = None
    reply_code: str | None = None
    diagnostic_code: str | None = None
    diagnostic_type: str | None = None
    remote_mta: str | None = None
    reason: str | None = None
    permanent: bool | None = None
    hard_bounce: bool | None = None
    feedback_type: str | None = None
    explanation: str = ""
    status_class: str | None = None
    status_subject: str | None = None
    status_detail: str | None = None
    last_attempt_date: str | None = None
    will_retry_until: str | None = None
    command: str | None = None
    provider: str | None = None


class DeliveryReport(Model):
    """A bounce, feedback report or auto-reply, per recipient, with the returned original.

    ``source_format`` names the heuristic module that read it (``rfc3464``, ``postfix``,
    ``exim``, ...); per-message DSN fields (RFC 3464 section 2.2) are kept as read.
    """

    kind: Literal["dsn", "heuristic", "autoreply", "feedback"]
    reporting_mta: str | None = None
    recipients: tuple[RecipientStatus, ...] = ()
    original: Message | None = None
    defects: tuple[Defect, ...] = ()
    source_format: str | None = None
    arrival_date: str | None = None
    original_envelope_id: str | None = None
    received_from_mta: str | None = None
    postfix_sender: str | None = None
    original_source: Literal["message/rfc822", "text/rfc822-headers", "quoted"] | None = None
    feedback_type: str | None = None
    user_agent: str | None = None
    source_ip: str | None = None
    reported_domain: str | None = None
    subject: str | None = None


class BounceAnalysis(Model):
    """What the bounce step returns to ``analyze()``."""

    report: DeliveryReport | None = None
    findings: tuple[Finding, ...] = ()
