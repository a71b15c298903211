"""Hornetsecurity (header names unconfirmed: every entry is tagged inferred)."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, parse_float, simple, yes_no
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact, prefix

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


DECODERS = (
    exact(VENDOR, ("X-Hornetsecurity-Spam", "X-Hornet-Spam"), _spam, primary=True),
    exact(VENDOR, ("X-Hornetsecurity-Score", "X-Hornet-Score"), _score),
    prefix(VENDOR, "X-Hornetsecurity-", simple(VENDOR)),
)
