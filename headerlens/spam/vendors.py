"""Imports every vendor module so that each registers its decoders; lists the vendor keys."""

from __future__ import annotations

from headerlens.spam import microsoft  # noqa: F401

VENDORS: tuple[str, ...] = ("microsoft",)
"""Vendor keys (each has ``data/<key>.json``), in the order fingerprints are tried."""
