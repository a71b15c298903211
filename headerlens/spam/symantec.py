"""Symantec / Broadcom Email Security.cloud (MessageLabs) and Brightmail."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, parse_float, simple, yes_no
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact, prefix
from headerlens.spam.spamassassin import merge_rule, parse_status

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "symantec"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _reason(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value, f.index))
    verdict, parts = parse_status(f.value)
    flag = yes_no(verdict)
    if flag is not None:
        d.is_spam = flag
    d.score = parse_float(parts.get("hits", parts.get("score")))
    d.threshold = parse_float(parts.get("required"))
    for t in parts.get("tests", "").replace(" ", ",").split(","):
        name = t.strip().rstrip(":")
        if name and name.replace("_", "").isalnum():
            merge_rule(d, name, None, None, None)
    return True


def _wl(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    d.facts["allowlisted"] = f"Symantec allow list ({f.value.strip()})"
    return True


DECODERS = (
    exact(VENDOR, ("X-SpamReason",), _reason, primary=True),
    exact(VENDOR, ("X-SpamWhitelisted",), _wl),
    exact(
        VENDOR,
        tuple(n for n in _names() if n not in ("x-spamreason", "x-spamwhitelisted")),
        simple(VENDOR),
    ),
    prefix(VENDOR, "X-Brightmail-", simple(VENDOR)),
    prefix(VENDOR, "X-StarScan-", simple(VENDOR)),
)
