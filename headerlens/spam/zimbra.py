"""Zimbra Collaboration: X-Zimbra-* headers and the X-Mailer of Zimbra's own clients."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, simple
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact, prefix

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "zimbra"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _mailer(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    if "zimbra" not in f.value.lower():
        return False
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    return True


DECODERS = (
    exact(VENDOR, ("X-Mailer",), _mailer),
    exact(VENDOR, ("X-Zimbra-Received", "X-Zimbra-DL", "X-Zimbra-Spam"), simple(VENDOR)),
    prefix(VENDOR, "X-Zimbra-", simple(VENDOR)),
)
