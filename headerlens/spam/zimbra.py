"""Zimbra Collaboration: X-Zimbra-* headers and the X-Mailer of Zimbra's own clients."""

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

VENDOR = "zimbra"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _mailer(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    if "zimbra" not in f.value.lower():
        return False
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    return True


register(VENDOR, ("X-Mailer",), _mailer)
register(VENDOR, ("X-Zimbra-Received", "X-Zimbra-DL", "X-Zimbra-Spam"), simple(VENDOR))
register_prefix(VENDOR, "X-Zimbra-", simple(VENDOR))
