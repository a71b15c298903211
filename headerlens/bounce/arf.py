"""RFC 5965 Abuse Reporting Format (feedback reports), as ``kind="feedback"``."""

from __future__ import annotations

from headerlens.bounce._parts import embedded_message, field_value
from headerlens.bounce._text import clean_address, find_addresses, lines_of
from headerlens.bounce.formats._base import Context
from headerlens.bounce.models import DeliveryReport, RecipientStatus
from headerlens.defects import DefectLog

__all__ = ["FEEDBACK_TYPES", "read_feedback"]

# RFC 5965 section 7.3 registry, plus "auth-failure" (RFC 6591) and the "dmarc" reports.
FEEDBACK_TYPES = frozenset(
    {"abuse", "fraud", "virus", "other", "not-spam", "auth-failure", "opt-out", "dmarc"}
)


def _fields(text: str) -> list[tuple[str, str]]:
    """The fields of a report part (RFC 5965 section 3.1: header-field syntax), up to the
    first empty line; folded lines are joined with one space, other lines skipped."""
    fields: list[tuple[str, str]] = []
    for line in lines_of(text):
        if not line.strip(" \t"):
            break
        if line[:1] in (" ", "\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, f"{value} {line.strip()}".strip())
            continue
        colon = line.find(":")
        if colon <= 0 or " " in line[:colon].strip():
            if not fields:
                return []
            continue
        fields.append((line[:colon].strip(), line[colon + 1 :].strip()))
    return fields


def read_feedback(ctx: Context, log: DefectLog) -> DeliveryReport | None:
    """Read an ARF report (RFC 5965 section 3): one recipient per Original-Rcpt-To.

    Returns ``None`` when the message is not a feedback report.
    """
    part = next((p for p in ctx.parts if p.ctype == "message/feedback-report"), None)
    report_type = ""
    ct = ctx.root.get("Content-Type") or ""
    if "report-type" in ct.lower():
        report_type = ct.lower().split("report-type", 1)[1].lstrip(' ="').split(";")[0].strip('" ')
    fields: list[tuple[str, str]] = []
    if part is not None:
        fields = _fields(part.text())
    elif report_type == "feedback-report":
        log.add("bounce.arf_missing_report", "multipart/report feedback-report has no report part")
    elif _prose_feedback(ctx):
        fields = [("Feedback-Type", "abuse")]
    else:
        return None
    values: dict[str, list[str]] = {}
    for k, v in fields:
        values.setdefault(k.lower(), []).append(v)
    ftype = (values.get("feedback-type", [""])[0] or "").strip().lower() or None
    if ftype is None:
        log.add("bounce.arf_missing_type", "the feedback report has no Feedback-Type field")
    elif ftype not in FEEDBACK_TYPES:
        log.add("bounce.arf_unknown_type", f"Feedback-Type {ftype!r} is not registered")
    rcpts = [clean_address(v) for v in values.get("original-rcpt-to", [])]
    addrs = [a for a in rcpts if a]
    original_part = next(
        (
            p
            for p in ctx.parts
            if p.ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers")
        ),
        None,
    )
    original = embedded_message(original_part) if original_part is not None else None
    if not addrs and original is not None:
        to = original.fields("to")
        if to:
            addrs.extend(a for _s, _e, a in find_addresses(field_value(to[0])))
    if not addrs:
        addrs = [None]  # type: ignore[list-item]
    recipients = tuple(
        RecipientStatus(
            final_recipient=a,
            reason="feedback",
            feedback_type=ftype,
            permanent=None,  # not a delivery failure: neither permanent nor temporary
            hard_bounce=None,
            explanation=(
                "An ARF feedback report (RFC 5965) about a message, not a delivery failure."
            ),
        )
        for a in addrs
    )
    src = values.get("source-ip", [None])[0]
    return DeliveryReport(
        kind="feedback",
        recipients=recipients,
        original=original,
        defects=log.defects,
        source_format="arf",
        feedback_type=ftype,
        user_agent=values.get("user-agent", [None])[0],
        source_ip=src.strip() if src else None,
        reported_domain=values.get("reported-domain", [None])[0],
        arrival_date=values.get("arrival-date", [None])[0],
        original_source=("message/rfc822" if original is not None else None),
        subject=ctx.subject or None,
    )


def _prose_feedback(ctx: Context) -> bool:
    """Complaint forwards without a report part (older Hotmail/JMRP style)."""
    if ctx.has_dsn:
        return False
    if ctx.header("X-HmXmrOriginalRecipient") is not None:
        return True
    return ctx.subject_has("complaint about message from") or ctx.subject_has("abuse report")
