"""pandas DataFrames of reports (the ``pandas`` extra): messages, hops, findings.

pandas is imported only when one of these functions is called. For bounces, one row per
recipient, see :mod:`headerlens.integrations.pandas`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from headerlens.integrations.rows import ROW_FIELDS, summary_row
from headerlens.policy import Policy
from headerlens.render._safe import format_delay
from headerlens.report import Report

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["auth_frame", "dkim_frame", "findings_frame", "hops_frame", "messages_frame"]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError("DataFrames need pandas: pip install 'headerlens[pandas]'") from exc
    return pandas


def messages_frame(
    source: str | os.PathLike[str] | Iterable[tuple[str, Report]], *, policy: Policy | None = None
) -> pd.DataFrame:
    """One row per message (columns :data:`~headerlens.integrations.rows.ROW_FIELDS`).

    ``source`` is a path (file, folder, mbox, Maildir: read with ``iter_messages``) or pairs
    of ``(id, Report)`` already analysed.
    """
    pandas = _pandas()
    if isinstance(source, str | os.PathLike):
        from headerlens.analyze import analyze
        from headerlens.parse import iter_messages

        pairs: Iterable[tuple[str, Report]] = (
            (sid, analyze(data, policy=policy)) for sid, data in iter_messages(source)
        )
    else:
        pairs = source
    rows = [summary_row(sid, report) for sid, report in pairs]
    frame: pd.DataFrame = pandas.DataFrame(rows, columns=list(ROW_FIELDS))
    return frame


def hops_frame(report: Report) -> pd.DataFrame:
    """One row per hop, oldest first: peer, by, protocol, TLS, time, delay (seconds)."""
    pandas = _pandas()
    rows = []
    for hop in report.hops:
        r = hop.received
        rows.append(
            {
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
            }
        )
    frame: pd.DataFrame = pandas.DataFrame(rows)
    return frame


def findings_frame(report: Report) -> pd.DataFrame:
    """One row per finding: severity, code, summary, the header indexes it rests on."""
    pandas = _pandas()
    frame: pd.DataFrame = pandas.DataFrame(
        [
            {
                "severity": f.severity,
                "code": f.code,
                "summary": f.summary,
                "header_indexes": list(f.header_indexes),
            }
            for f in report.findings
        ],
        columns=["severity", "code", "summary", "header_indexes"],
    )
    return frame


def auth_frame(report: Report) -> pd.DataFrame:
    """One row per Authentication-Results statement (RFC 8601), trusted or not, top first."""
    pandas = _pandas()
    rows = [
        {
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
    columns = ["header_index", "instance", "authserv_id", "trusted", "method", "result"]
    frame: pd.DataFrame = pandas.DataFrame(rows, columns=[*columns, "reason", "properties"])
    return frame


def dkim_frame(report: Report) -> pd.DataFrame:
    """One row per DKIM-Signature as re-verified (RFC 6376), top to bottom."""
    pandas = _pandas()
    rows = [
        {
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
    frame: pd.DataFrame = pandas.DataFrame(rows)
    return frame
