"""Former home of ``bounces_dataframe``; it now lives in :mod:`headerlens.integrations.tables`
(see :func:`~headerlens.integrations.tables.tables` for the ``bounces`` table keyed by
message). The name stays importable from here."""

from __future__ import annotations

from headerlens.integrations.tables import bounces_dataframe, tables

__all__ = ["bounces_dataframe", "tables"]
