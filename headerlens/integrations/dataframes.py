"""Former home of the one-report DataFrame helpers; they now live in
:mod:`headerlens.integrations.tables` (with :func:`~headerlens.integrations.tables.tables`,
all messages and all tables in one call). These names stay importable from here."""

from __future__ import annotations

from headerlens.integrations.tables import (
    auth_frame,
    dkim_frame,
    findings_frame,
    hops_frame,
    messages_frame,
    tables,
)

__all__ = ["auth_frame", "dkim_frame", "findings_frame", "hops_frame", "messages_frame", "tables"]
