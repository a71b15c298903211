"""pandas helpers: bounces as a DataFrame (one row per recipient). Needs the ``pandas`` extra."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from headerlens.errors import HeaderlensError

if TYPE_CHECKING:
    from headerlens.bounce.models import DeliveryReport

__all__ = ["bounces_dataframe"]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise HeaderlensError(
            "pandas is not installed: install it with `pip install headerlens[pandas]`"
        ) from exc
    return pandas


def bounces_dataframe(
    path_or_reports: str | os.PathLike[str] | Iterable[DeliveryReport],
) -> Any:
    """A ``pandas.DataFrame`` with one row per bounced recipient.

    ``path_or_reports`` is a file, folder, mbox or Maildir (read with
    :func:`headerlens.integrations.bounces.iter_bounce_rows`) or an iterable of
    :class:`~headerlens.bounce.models.DeliveryReport`. Columns are
    :data:`headerlens.integrations.bounces.ROW_FIELDS`.
    """
    pd = _pandas()
    from headerlens.integrations.bounces import ROW_FIELDS, iter_bounce_rows, rows_for_report

    if isinstance(path_or_reports, (str, os.PathLike)):
        rows = list(iter_bounce_rows(path_or_reports))
    else:
        rows = []
        for i, report in enumerate(path_or_reports):
            rows.extend(rows_for_report(str(i), report))
    return pd.DataFrame(rows, columns=list(ROW_FIELDS))
