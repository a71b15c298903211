"""Imports every vendor module so that each registers its decoders; lists the vendor keys."""

from __future__ import annotations

from headerlens.spam import (  # noqa: F401  (imported for their registrations)
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

VENDORS: tuple[str, ...] = (
    "microsoft",
    "spamassassin",
    "rspamd",
    "google",
    "proofpoint",
    "mimecast",
    "barracuda",
    "cisco",
    "trendmicro",
    "sophos",
    "ovh",
    "cloudmark",
    "symantec",
    "fortinet",
    "spamexperts",
    "amavis",
    "yahoo",
    "zimbra",
    "hornetsecurity",
    "kaspersky",
)
"""Vendor keys (each has ``data/<key>.json``), in the order fingerprints are tried."""
