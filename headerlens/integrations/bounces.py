"""Bounces as flat rows: one row per recipient, for JSON Lines, CSV or pandas.

Batch and table code sits here, above the analysis packages: reading a folder of bounces
and analysing each returned original uses both :mod:`headerlens.bounce` and
:func:`headerlens.analyze.analyze`. It was ``headerlens.bounce.batch``, which remains as a
deprecated alias.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from headerlens.analyze import analyze
from headerlens.bounce import parse_bounce
from headerlens.bounce.models import DeliveryReport, RecipientStatus
from headerlens.parse import iter_messages
from headerlens.policy import Policy

__all__ = [
    "ROW_FIELDS",
    "delivery_fields",
    "iter_bounce_rows",
    "recipient_fields",
    "rows_for_report",
]

ROW_FIELDS: tuple[str, ...] = (
    "file",
    "kind",
    "format",
    "recipient",
    "action",
    "status",
    "status_source",
    "reply_code",
    "reason",
    "permanent",
    "hard_bounce",
    "feedback_type",
    "diagnostic",
    "remote_mta",
    "reporting_mta",
    "original_from",
    "original_subject",
    "original_message_id",
    "original_origin_ip",
)

Row = dict[str, str | bool | None]


def delivery_fields(report: DeliveryReport) -> Row:
    """The columns every row of a delivery report shares: what it is and what it returned."""
    orig = report.original
    return {
        "kind": report.kind,
        "format": report.source_format,
        "reporting_mta": report.reporting_mta,
        "original_from": orig.get("From") if orig is not None else None,
        "original_subject": orig.get("Subject") if orig is not None else None,
        "original_message_id": orig.get("Message-ID") if orig is not None else None,
    }


def recipient_fields(r: RecipientStatus) -> Row:
    """The columns of one recipient's status (RFC 3464 section 2.3)."""
    return {
        "action": r.action,
        "status": r.status,
        "reply_code": r.reply_code,
        "reason": r.reason,
        "permanent": r.permanent,
        "hard_bounce": r.hard_bounce,
        "feedback_type": r.feedback_type,
        "diagnostic": r.diagnostic_code,
        "remote_mta": r.remote_mta,
    }


def rows_for_report(
    file_id: str, report: DeliveryReport, *, origin_ip: str | None = None
) -> list[Row]:
    """Flatten one delivery report into rows (one per recipient; one row if none)."""
    base: Row = {"file": file_id, **delivery_fields(report), "original_origin_ip": origin_ip}
    rows: list[Row] = []
    for r in report.recipients or ():
        row: Row = dict.fromkeys(ROW_FIELDS)
        row.update(base)
        row["recipient"] = r.final_recipient
        row.update(recipient_fields(r))
        row["status_source"] = r.status_source
        rows.append(row)
    if not rows:
        row = dict.fromkeys(ROW_FIELDS)
        row.update(base)
        rows.append(row)
    return rows


def iter_bounce_rows(
    path: str | os.PathLike[str] | Iterable[tuple[str, bytes]],
    *,
    policy: Policy | None = None,
    analyze_original: bool = True,
) -> Iterator[Row]:
    """Rows for every bounce, feedback report or auto-reply in a file, folder, mbox or Maildir.

    Messages that are not delivery reports are skipped. With ``analyze_original`` the
    returned original goes through :func:`headerlens.analyze.analyze` for its origin IP.
    """
    pol = policy or Policy()
    if isinstance(path, (str, os.PathLike)):
        items: Iterable[tuple[str, bytes]] = iter_messages(path)
    else:
        items = path
    for file_id, data in items:
        report = parse_bounce(data, policy=pol)
        if report is None:
            continue
        origin_ip = None
        if analyze_original and report.original is not None:
            origin_ip = _origin_ip(report.original.source, pol)
        yield from rows_for_report(file_id, report, origin_ip=origin_ip)


def _origin_ip(source: bytes, policy: Policy) -> str | None:
    try:
        result = analyze(source, policy=policy)
    except (NotImplementedError, ValueError, TypeError):
        return None
    ip = getattr(result, "origin_ip", None)
    return ip if isinstance(ip, str) else None
