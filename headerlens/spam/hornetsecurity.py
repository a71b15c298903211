"""Hornetsecurity (header names unconfirmed: every entry is tagged inferred)."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.base import (
    Draft,
    knowledge,
    parse_float,
    register,
    register_prefix,
    simple,
    yes_no,
)

VENDOR = "hornetsecurity"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _spam(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    flag = yes_no(f.value)
    if flag is not None:
        d.is_spam = flag
    return True


def _score(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    d.score = parse_float(f.value)
    return True


register(VENDOR, ("X-Hornetsecurity-Spam", "X-Hornet-Spam"), _spam, primary=True)
register(VENDOR, ("X-Hornetsecurity-Score", "X-Hornet-Score"), _score)
register_prefix(VENDOR, "X-Hornetsecurity-", simple(VENDOR))
