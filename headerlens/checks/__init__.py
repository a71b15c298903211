"""Live checks: how the sender's and recipient's DNS looks now (``Policy(checks=True)``).

Nothing here runs unless the caller asks: :func:`headerlens.check_spf` and
:func:`headerlens.run_checks` (in :mod:`headerlens.checks.spf` and :mod:`headerlens.checks.run`)
are called explicitly, and :func:`headerlens.analyze` runs the checks only with
``Policy(checks=True)`` and a resolver. Every lookup goes through ``Policy.resolver``; MTA-STS
policy files are fetched only through ``Policy.mta_sts_fetcher`` (e.g. :class:`HttpsFetcher`).

This package module holds the results (the models a :class:`~headerlens.report.Report`
carries) and the fetcher: the checks read a finished report, so they sit above it
(docs/architecture.md) and the report imports only this.
"""

from __future__ import annotations

from headerlens.checks.fetch import HttpsFetcher, PolicyFetcher
from headerlens.checks.models import (
    BimiCheck,
    BlocklistCheck,
    DaneCheck,
    DaneHost,
    DkimKeyCheck,
    DmarcCheck,
    HttpsFetch,
    LiveChecks,
    MtaStsCheck,
    MtaStsPolicy,
    MxCheck,
    MxHost,
    ReverseDnsCheck,
    SpfCheck,
    SpfNow,
    SpfStep,
    TlsaRecord,
    TlsRptCheck,
)

__all__ = [
    "BimiCheck",
    "BlocklistCheck",
    "DaneCheck",
    "DaneHost",
    "DkimKeyCheck",
    "DmarcCheck",
    "HttpsFetch",
    "HttpsFetcher",
    "LiveChecks",
    "MtaStsCheck",
    "MtaStsPolicy",
    "MxCheck",
    "MxHost",
    "PolicyFetcher",
    "ReverseDnsCheck",
    "SpfCheck",
    "SpfNow",
    "SpfStep",
    "TlsRptCheck",
    "TlsaRecord",
]
