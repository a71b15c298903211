"""Fortinet FortiMail: X-FEAS-* and X-FE-* headers."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, simple
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact, prefix

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "fortinet"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _wl(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    d.facts["allowlisted"] = "FortiMail system allow list"
    return True


DECODERS = (
    exact(VENDOR, ("X-FEAS-SYSTEM-WL",), _wl),
    exact(VENDOR, ("X-FE-Policy-ID",), simple(VENDOR), primary=True),
    exact(
        VENDOR,
        tuple(n for n in _names() if n not in ("x-feas-system-wl", "x-fe-policy-id")),
        simple(VENDOR),
    ),
    prefix(VENDOR, "X-FEAS-", simple(VENDOR)),
    prefix(VENDOR, "X-FE-", simple(VENDOR)),
)
