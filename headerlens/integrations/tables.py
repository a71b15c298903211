"""pandas DataFrames of many reports in one call (the ``pandas`` extra): :func:`tables`.

``tables(source)`` analyses a file, folder, mbox or Maildir (or takes reports already made)
and returns six DataFrames: ``messages``, ``hops``, ``auth``, ``dkim``, ``findings`` and
``bounces``. Every row starts with ``id``, the message it came from (the ``iter_messages``
name, or the key you gave), so the tables join on it. Columns and dtypes are fixed
(:data:`~headerlens.integrations.rows.TABLE_DTYPES`), whatever the messages hold, and are the
same as those of the Dask integration, which uses the same row builders.

The one-report helpers of earlier releases (``hops_frame``, ``auth_frame``, ``dkim_frame``,
``findings_frame``, ``messages_frame``, ``bounces_dataframe``) live on here as thin calls;
``headerlens.integrations.dataframes`` and ``headerlens.integrations.pandas`` re-export them.
pandas is imported only when a function is called.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from headerlens.errors import DefectError, HeaderlensError
from headerlens.integrations.rows import (
    ROW_BUILDERS,
    ROW_FIELDS,
    TABLE_DTYPES,
    Row,
    report_rows,
)
from headerlens.policy import Policy
from headerlens.report import Report

if TYPE_CHECKING:
    import pandas as pd

    from headerlens.bounce.models import DeliveryReport

__all__ = [
    "analyzed",
    "auth_frame",
    "bounces_dataframe",
    "collect_rows",
    "dkim_frame",
    "findings_frame",
    "frame",
    "hops_frame",
    "messages_frame",
    "tables",
]

Source = (
    str
    | os.PathLike[str]
    | Report
    | Mapping[str, Report]
    | Iterable[Report]
    | Iterable[tuple[str, Report]]
)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise HeaderlensError("DataFrames need pandas: pip install 'headerlens[pandas]'") from exc
    return pandas


def frame(name: str, rows: list[Row]) -> pd.DataFrame:
    """The DataFrame of table ``name`` from its rows, with the table's columns and dtypes."""
    pandas = _pandas()
    dtypes = TABLE_DTYPES[name]
    df = pandas.DataFrame(rows, columns=list(dtypes))
    for column, dtype in dtypes.items():
        if dtype.startswith("datetime64"):
            df[column] = pandas.to_datetime(df[column], utc=True).astype(dtype)
        else:
            df[column] = df[column].astype(dtype)
    result: pd.DataFrame = df
    return result


def analyzed(
    messages: Iterable[tuple[str, bytes]], policy: Policy | None
) -> Iterator[tuple[str, Report | str]]:
    """``(id, report)`` for every ``(id, message bytes)``; the report is replaced by the error
    text when a strict policy rejects the message (see :func:`collect_rows`)."""
    from headerlens.analyze import analyze

    for sid, data in messages:
        try:
            yield sid, analyze(data, policy=policy)
        except DefectError as exc:
            yield sid, str(exc)


def _pairs(source: Source, policy: Policy | None) -> Iterator[tuple[str, Report | str]]:
    """(id, report) pairs; a report is replaced by an error text under a strict policy."""
    if isinstance(source, str | os.PathLike):
        from headerlens.parse import iter_messages

        yield from analyzed(iter_messages(source), policy)
        return
    if isinstance(source, Report):
        yield "0", source
        return
    if isinstance(source, Mapping):
        for sid, report in source.items():
            yield str(sid), report
        return
    for i, item in enumerate(source):
        if isinstance(item, Report):
            yield str(i), item
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Report):
            yield str(item[0]), item[1]
        else:
            raise TypeError(
                "tables() takes a path, a Report, a mapping of id to Report, or an iterable"
                f" of Reports or (id, Report) pairs, not an item of type {type(item).__name__}"
            )


def tables(source: Source, *, policy: Policy | None = None) -> dict[str, pd.DataFrame]:
    """The six tables of every message in ``source``, keyed by table name.

    ``source``: a path (file, folder, mbox, Maildir: read with ``iter_messages`` and
    analysed with ``policy``), a :class:`Report`, a mapping of id to Report, or an iterable
    of Reports (ids ``"0"``, ``"1"``, ...) or of ``(id, Report)`` pairs. A message that a
    strict policy rejects gets a ``messages`` row with ``error`` set and no other rows.
    """
    collected = collect_rows(_pairs(source, policy))
    return {name: frame(name, rows) for name, rows in collected.items()}


def collect_rows(pairs: Iterable[tuple[str, Report | str]]) -> dict[str, list[Row]]:
    """Every table's rows for ``(id, report)`` pairs; a ``str`` in place of a report is the
    error that rejected the message (one ``messages`` row with ``error`` set).

    Pure (no pandas): :func:`tables` and the Dask integration
    (:func:`headerlens.integrations.dask.analyze_bag`) both build their tables with it."""
    collected: dict[str, list[Row]] = {name: [] for name in ROW_BUILDERS}
    for sid, report in pairs:
        if isinstance(report, str):
            row: Row = dict.fromkeys(TABLE_DTYPES["messages"])
            row["id"], row["error"] = sid, report
            collected["messages"].append(row)
            continue
        for name, rows in report_rows(sid, report).items():
            collected[name].extend(rows)
    return collected


def _one(name: str, report: Report) -> pd.DataFrame:
    df = tables([("", report)])[name].drop(columns="id")
    result: pd.DataFrame = df
    return result


def messages_frame(source: Source, *, policy: Policy | None = None) -> pd.DataFrame:
    """One row per message: ``tables(source)["messages"]`` (columns ``ROW_FIELDS``)."""
    df = tables(source, policy=policy)["messages"]
    assert list(df.columns) == list(ROW_FIELDS)
    return df


def hops_frame(report: Report) -> pd.DataFrame:
    """One report's ``hops`` table without the ``id`` column (oldest hop first)."""
    return _one("hops", report)


def auth_frame(report: Report) -> pd.DataFrame:
    """One report's ``auth`` table without the ``id`` column."""
    return _one("auth", report)


def dkim_frame(report: Report) -> pd.DataFrame:
    """One report's ``dkim`` table without the ``id`` column."""
    return _one("dkim", report)


def findings_frame(report: Report) -> pd.DataFrame:
    """One report's ``findings`` table without the ``id`` column."""
    return _one("findings", report)


def bounces_dataframe(
    path_or_reports: str | os.PathLike[str] | Iterable[DeliveryReport],
) -> pd.DataFrame:
    """One row per bounced recipient in the columns of
    ``headerlens.integrations.bounces.ROW_FIELDS`` (the batch ``--bounces`` rows). For new
    code, ``tables(path)["bounces"]`` has the same facts keyed by ``id`` with fixed dtypes.

    ``path_or_reports`` is a file, folder, mbox or Maildir, or an iterable of
    :class:`~headerlens.bounce.models.DeliveryReport`.
    """
    pandas = _pandas()
    from headerlens.integrations.bounces import ROW_FIELDS as BOUNCE_FIELDS
    from headerlens.integrations.bounces import iter_bounce_rows, rows_for_report

    if isinstance(path_or_reports, str | os.PathLike):
        rows = list(iter_bounce_rows(path_or_reports))
    else:
        rows = []
        for i, report in enumerate(path_or_reports):
            rows.extend(rows_for_report(str(i), report))
    result: pd.DataFrame = pandas.DataFrame(rows, columns=list(BOUNCE_FIELDS))
    return result
