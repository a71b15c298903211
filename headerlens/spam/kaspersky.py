"""Kaspersky Secure Mail Gateway / Linux Mail Server: X-KSMG-* and X-KLMS-*."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, score, simple, verdict_word
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact, prefix

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "kaspersky"
_SPAM = ("spam", "probable_spam", "mass_mail")
_HAM = ("not_detected", "formal")


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _av(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    v = f.value.strip()
    d.add(knowledge(VENDOR).field(None, f.name, v, f.index))
    if v.lower().startswith("infected"):
        d.facts["malware"] = f"Kaspersky: {v}"
    return True


_SPECIAL = (
    "x-ksmg-antispam-status",
    "x-klms-antispam-status",
    "x-ksmg-antispam-rate",
    "x-klms-antispam-rate",
    "x-ksmg-antivirus-status",
    "x-klms-antivirus-status",
)
DECODERS = (
    exact(
        VENDOR,
        ("X-KSMG-AntiSpam-Status", "X-KLMS-AntiSpam-Status"),
        verdict_word(VENDOR, _SPAM, _HAM),
        primary=True,
    ),
    exact(VENDOR, ("X-KSMG-AntiSpam-Rate", "X-KLMS-AntiSpam-Rate"), score(VENDOR)),
    exact(VENDOR, ("X-KSMG-AntiVirus-Status", "X-KLMS-AntiVirus-Status"), _av),
    exact(VENDOR, tuple(n for n in _names() if n not in _SPECIAL), simple(VENDOR)),
    prefix(VENDOR, "X-KSMG-", simple(VENDOR)),
    prefix(VENDOR, "X-KLMS-", simple(VENDOR)),
)
