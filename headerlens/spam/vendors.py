"""The vendor modules, in the order their fingerprints are tried, and the registry they make."""

from __future__ import annotations

from headerlens.spam import (
    amavis,
    barracuda,
    cisco,
    cloudmark,
    fortinet,
    google,
    hornetsecurity,
    kaspersky,
    microsoft,
    mimecast,
    ovh,
    proofpoint,
    rspamd,
    sophos,
    spamassassin,
    spamexperts,
    symantec,
    trendmicro,
    yahoo,
    zimbra,
)
from headerlens.spam.registry import Registry

__all__ = ["REGISTRY", "VENDORS"]

_MODULES = (
    microsoft,
    spamassassin,
    rspamd,
    google,
    proofpoint,
    mimecast,
    barracuda,
    cisco,
    trendmicro,
    sophos,
    ovh,
    cloudmark,
    symantec,
    fortinet,
    spamexperts,
    amavis,
    yahoo,
    zimbra,
    hornetsecurity,
    kaspersky,
)

REGISTRY = Registry.of(_MODULES)
"""Every vendor's decoders (no header name or prefix is declared by two vendors, so the
order above decides only which fingerprint is tried first)."""

VENDORS: tuple[str, ...] = REGISTRY.vendors
"""Vendor keys (each has ``data/<key>.json``), in the order fingerprints are tried."""
