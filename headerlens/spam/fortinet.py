"""Fortinet FortiMail: X-FEAS-* and X-FE-* headers."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.base import (
    Draft,
    knowledge,
    register,
    register_prefix,
    simple,
)

VENDOR = "fortinet"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _wl(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    d.facts["allowlisted"] = "FortiMail system allow list"
    return True


register(VENDOR, ("X-FEAS-SYSTEM-WL",), _wl)
register(VENDOR, ("X-FE-Policy-ID",), simple(VENDOR), primary=True)
register(
    VENDOR,
    tuple(n for n in _names() if n not in ("x-feas-system-wl", "x-fe-policy-id")),
    simple(VENDOR),
)
register_prefix(VENDOR, "X-FEAS-", simple(VENDOR))
register_prefix(VENDOR, "X-FE-", simple(VENDOR))
