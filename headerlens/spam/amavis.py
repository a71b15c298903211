"""amavis (amavisd-new): alerts, quarantine IDs and the X-Virus-Scanned stamp."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, simple
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact, prefix

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "amavis"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _alert(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    kb = knowledge(VENDOR)
    v = f.value.strip()
    kind, _, detail = v.partition(",")
    kind = kind.strip()
    d.add(kb.field("alert", kind, detail.strip(), f.index))
    up = kind.upper()
    if up == "INFECTED":
        name = detail.split(":", 1)[1].strip() if ":" in detail else detail.strip()
        d.facts["malware"] = f"amavis: {name or 'virus found'}"
    if up in ("SPAM", "SPAMMY"):
        d.is_spam = True
    return True


DECODERS = (
    exact(VENDOR, ("X-Amavis-Alert",), _alert),
    exact(VENDOR, ("X-Virus-Scanned",), simple(VENDOR), primary=True),
    exact(
        VENDOR,
        tuple(n for n in _names() if n not in ("x-amavis-alert", "x-virus-scanned")),
        simple(VENDOR),
    ),
    prefix(VENDOR, "X-Amavis-", simple(VENDOR)),
)
