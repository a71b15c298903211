"""Flat rows of a report, for JSON Lines, CSV and DataFrames (one row per message)."""

from __future__ import annotations

from headerlens.report import Report
from headerlens.spam.models import SpamVerdict

__all__ = ["ROW_FIELDS", "RowValue", "summary_row"]

RowValue = str | int | float | bool | None

#: The columns of :func:`summary_row`, in order (stable: CSV headers rely on it).
ROW_FIELDS: tuple[str, ...] = (
    "id",
    "input_form",
    "subject",
    "from",
    "date",
    "message_id",
    "header_count",
    "hop_count",
    "transit_seconds",
    "origin_ip",
    "dkim",
    "arc_cv",
    "dmarc",
    "spam",
    "bounce_kind",
    "bounce_recipients",
    "attached",
    "top_severity",
    "finding_codes",
    "defect_count",
    "error",
)

_SEVERITY_RANK = {"critical": 3, "warning": 2, "notice": 1, "info": 0}


def _spam_word(verdict: SpamVerdict) -> str:
    if verdict.is_spam is not None:
        return "spam" if verdict.is_spam else "ham"
    if (verdict.action or "").startswith("filtering bypassed"):
        return "bypassed"
    return "?"


def summary_row(source_id: str, report: Report) -> dict[str, RowValue]:
    """One flat row summarising ``report`` (values are plain scalars; lists are joined).

    ``input_form`` is ``Message.input_form`` (``eml``, ``mbox``, ``maildir``, ``msg``,
    ``paste``, ``paste-gmail``, ``paste-outlook``); ``attached`` counts the attached messages
    analysed (``Report.attached``).
    """
    msg = report.message
    date = msg.date()
    top = max((f.severity for f in report.findings), key=_SEVERITY_RANK.__getitem__, default=None)
    return {
        "id": source_id,
        "input_form": msg.input_form,
        "subject": msg.get("Subject"),
        "from": msg.get("From"),
        "date": date.datetime.isoformat() if date and date.datetime else None,
        "message_id": msg.get("Message-ID"),
        "header_count": len(msg.headers),
        "hop_count": len(report.hops),
        "transit_seconds": report.transit.total_seconds() if report.transit else None,
        "origin_ip": report.origin_ip,
        "dkim": " ".join(f"{d.domain}:{d.result}:{d.reason}" for d in report.dkim) or None,
        # RFC 8617 has no temperror: a chain whose keys could not be fetched is "fail" in the
        # model, but a row must not read as a broken chain.
        "arc_cv": "unverified" if report.arc.reason_code == "key_unavailable" else report.arc.cv,
        "dmarc": report.dmarc.result if report.dmarc else None,
        "spam": " ".join(f"{v.vendor}:{_spam_word(v)}" for v in report.spam) or None,
        "bounce_kind": report.bounce.kind if report.bounce else None,
        "bounce_recipients": len(report.bounce.recipients) if report.bounce else None,
        "attached": len(report.attached),
        "top_severity": top,
        "finding_codes": " ".join(dict.fromkeys(f.code for f in report.findings)) or None,
        "defect_count": len(report.defects),
        "error": None,
    }
