"""Live checks: how the sender's and recipient's DNS looks now (``Policy(checks=True)``).

Nothing here runs unless the caller asks: :func:`check_spf` and :func:`run_checks` are called
explicitly, and :func:`headerlens.analyze` runs the checks only with ``Policy(checks=True)``
and a resolver. Every lookup goes through ``Policy.resolver``; MTA-STS policy files are
fetched only through ``Policy.mta_sts_fetcher`` (e.g. :class:`HttpsFetcher`).
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
from headerlens.checks.run import attach_checks, run_checks
from headerlens.checks.spf import check_spf

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
    "attach_checks",
    "check_spf",
    "run_checks",
]
