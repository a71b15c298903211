"""Flat rows of a report, for JSON Lines, CSV and DataFrames.

:func:`summary_row` is the one-row-per-message summary of batch mode; the ``*_rows``
functions and :data:`TABLE_DTYPES` define the tables of
:func:`headerlens.integrations.tables.tables` (pure, no pandas needed).
"""

from __future__ import annotations

import datetime as dt

from headerlens.integrations.bounces import delivery_fields, recipient_fields
from headerlens.render._safe import format_delay
from headerlens.report import Report
from headerlens.spam.models import SpamVerdict

__all__ = [
    "ROW_BUILDERS",
    "ROW_FIELDS",
    "TABLE_DTYPES",
    "Row",
    "RowValue",
    "auth_rows",
    "bounce_rows",
    "dkim_rows",
    "finding_rows",
    "hop_rows",
    "message_rows",
    "report_rows",
    "summary_row",
]

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


# -- the tables of tables() (issue 16) -----------------------------------------------------------
#
# Pure functions Report -> rows and a fixed dtype per column: pandas (headerlens.integrations.
# tables) and Dask (analyze_bag) build the same tables from them. Every row starts with ``id``,
# the message it came from. dtypes are pandas extension dtypes, so a missing value is <NA>
# whatever the column's type.

Row = dict[str, RowValue | dt.datetime]

#: Column -> dtype of every table, in column order.
TABLE_DTYPES: dict[str, dict[str, str]] = {
    "messages": {
        "id": "string",
        "input_form": "string",
        "subject": "string",
        "from": "string",
        "date": "datetime64[ns, UTC]",
        "message_id": "string",
        "header_count": "Int64",
        "hop_count": "Int64",
        "transit_seconds": "Float64",
        "origin_ip": "string",
        "dkim": "string",
        "arc_cv": "string",
        "dmarc": "string",
        "spam": "string",
        "bounce_kind": "string",
        "bounce_recipients": "Int64",
        "attached": "Int64",
        "top_severity": "string",
        "finding_codes": "string",
        "defect_count": "Int64",
        "error": "string",
    },
    "hops": {
        "id": "string",
        "hop": "Int64",
        "header_index": "Int64",
        "from_helo": "string",
        "from_rdns": "string",
        "from_ip": "string",
        "by_host": "string",
        "protocol": "string",
        "tls_version": "string",
        "tls_cipher": "string",
        "authenticated": "boolean",
        "relay": "boolean",
        "timestamp": "datetime64[ns, UTC]",
        "delay_seconds": "Float64",
        "delay": "string",
        "delay_note": "string",
        "trusted": "boolean",
        "internal": "boolean",
        "border": "boolean",
        "gateway": "string",
    },
    "auth": {
        "id": "string",
        "header_index": "Int64",
        "instance": "Int64",
        "authserv_id": "string",
        "trusted": "boolean",
        "method": "string",
        "result": "string",
        "reason": "string",
        "properties": "string",
    },
    "dkim": {
        "id": "string",
        "header_index": "Int64",
        "domain": "string",
        "selector": "string",
        "algorithm": "string",
        "result": "string",
        "reason": "string",
        "body_hash_ok": "boolean",
        "header_signature_ok": "boolean",
        "aligned_with_from": "boolean",
        "as_of": "datetime64[ns, UTC]",
    },
    "findings": {
        "id": "string",
        "severity": "string",
        "code": "string",
        "summary": "string",
        "header_indexes": "string",
    },
    "bounces": {
        "id": "string",
        "kind": "string",
        "format": "string",
        "recipient": "string",
        "action": "string",
        "status": "string",
        "reply_code": "string",
        "reason": "string",
        "permanent": "boolean",
        "hard_bounce": "boolean",
        "feedback_type": "string",
        "diagnostic": "string",
        "remote_mta": "string",
        "provider": "string",
        "reporting_mta": "string",
        "original_from": "string",
        "original_subject": "string",
        "original_message_id": "string",
        "original_origin_ip": "string",
    },
}


def message_rows(source_id: str, report: Report) -> list[Row]:
    """The ``messages`` table: one row (:func:`summary_row`, ``date`` as a datetime)."""
    row: Row = dict(summary_row(source_id, report))
    date = report.message.date()
    row["date"] = date.datetime if date is not None else None
    return [row]


def hop_rows(source_id: str, report: Report) -> list[Row]:
    """The ``hops`` table: one row per Received hop, oldest first (RFC 5321 section 4.4)."""
    rows: list[Row] = []
    for hop in report.hops:
        r = hop.received
        rows.append(
            {
                "id": source_id,
                "hop": hop.index,
                "header_index": hop.header_index,
                "from_helo": r.from_helo,
                "from_rdns": r.from_rdns,
                "from_ip": r.from_ip,
                "by_host": r.by_host,
                "protocol": r.protocol,
                "tls_version": r.tls.version if r.tls else None,
                "tls_cipher": r.tls.cipher if r.tls else None,
                "authenticated": r.authenticated,
                "relay": r.relay,
                "timestamp": hop.timestamp,
                "delay_seconds": hop.delay.total_seconds() if hop.delay is not None else None,
                "delay": format_delay(hop.delay) or None,
                "delay_note": hop.delay_note,
                "trusted": hop.trusted,
                "internal": hop.internal,
                "border": hop.border,
                "gateway": hop.gateway,
            }
        )
    return rows


def auth_rows(source_id: str, report: Report) -> list[Row]:
    """The ``auth`` table: one row per Authentication-Results statement (RFC 8601), top first."""
    return [
        {
            "id": source_id,
            "header_index": ar.header_index,
            "instance": ar.instance,
            "authserv_id": ar.authserv_id,
            "trusted": ar.trusted,
            "method": res.method,
            "result": res.result,
            "reason": res.reason,
            "properties": " ".join(
                f"{p.ptype}.{p.name}={p.value}" if p.ptype else f"{p.name}={p.value}"
                for p in res.properties
            ),
        }
        for ar in report.auth_results
        for res in ar.results
    ]


def dkim_rows(source_id: str, report: Report) -> list[Row]:
    """The ``dkim`` table: one row per DKIM-Signature as re-verified (RFC 6376), top first."""
    return [
        {
            "id": source_id,
            "header_index": d.header_index,
            "domain": d.domain,
            "selector": d.selector,
            "algorithm": d.algorithm,
            "result": d.result,
            "reason": d.reason,
            "body_hash_ok": d.body_hash_ok,
            "header_signature_ok": d.header_signature_ok,
            "aligned_with_from": d.aligned_with_from,
            "as_of": d.as_of,
        }
        for d in report.dkim
    ]


def finding_rows(source_id: str, report: Report) -> list[Row]:
    """The ``findings`` table: one row per finding; ``header_indexes`` space-separated."""
    return [
        {
            "id": source_id,
            "severity": f.severity,
            "code": f.code,
            "summary": f.summary,
            "header_indexes": " ".join(str(i) for i in f.header_indexes),
        }
        for f in report.findings
    ]


def bounce_rows(source_id: str, report: Report) -> list[Row]:
    """The ``bounces`` table: one row per recipient of a delivery report (RFC 3464, RFC 5965,
    RFC 3834); none for a message that is not one."""
    b = report.bounce
    if b is None:
        return []
    origin_ip = report.original.origin_ip if report.original is not None else None
    base: Row = {"id": source_id, **delivery_fields(b), "original_origin_ip": origin_ip}
    columns = TABLE_DTYPES["bounces"]
    rows: list[Row] = []
    for r in b.recipients or (None,):
        row: Row = dict.fromkeys(columns)
        row.update(base)
        if r is not None:
            row["recipient"] = r.final_recipient or r.original_recipient
            row.update(recipient_fields(r))
            row["provider"] = r.provider
        rows.append(row)
    return rows


#: Table name -> its row builder, in the order of :data:`TABLE_DTYPES`.
ROW_BUILDERS = {
    "messages": message_rows,
    "hops": hop_rows,
    "auth": auth_rows,
    "dkim": dkim_rows,
    "findings": finding_rows,
    "bounces": bounce_rows,
}


def report_rows(source_id: str, report: Report) -> dict[str, list[Row]]:
    """Every table's rows for one report."""
    return {name: build(source_id, report) for name, build in ROW_BUILDERS.items()}
