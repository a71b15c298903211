"""Cisco Secure Email Gateway (IronPort): AV stamp, SenderBase score, sender groups, AMP."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, parse_float, simple
from headerlens.spam.knowledge import knowledge, with_meaning
from headerlens.spam.registry import exact, prefix

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "cisco"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _av(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    kb = knowledge(VENDOR)
    for part in f.value.split(";"):
        k, _eq, v = part.strip().partition("=")
        if not k:
            continue
        d.add(kb.field("av", k, v.strip().strip('"'), f.index))
    return True


def _sbrs(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    v = f.value.strip()
    field = knowledge(VENDOR).field(None, f.name, v, f.index)
    sc = parse_float(v)
    if sc is not None:
        tone = "poor" if sc < -3 else ("neutral" if sc < 1 else "good")
        field = with_meaning(field, f"{field.meaning} ({tone} reputation)")
        d.facts["sbrs"] = v
    d.add(field)
    return True


def _amp(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    v = f.value.strip()
    d.add(knowledge(VENDOR).field(None, f.name, v, f.index))
    if v.upper() == "MALICIOUS":
        d.facts["malware"] = "Cisco AMP verdict MALICIOUS"
    return True


def _sender_group(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    v = f.value.strip()
    d.add(knowledge(VENDOR).field(None, f.name, v, f.index))
    if v.upper() in ("ALLOWLIST", "WHITELIST"):
        d.facts["allowlisted"] = f"IronPort sender group {v}"
    return True


_SPECIAL = (
    "x-ironport-anti-spam-filtered",
    "x-ironport-av",
    "x-sbrs",
    "x-ironport-reputation",
    "x-amp-result",
    "x-ironport-sendergroup",
)
DECODERS = (
    exact(VENDOR, ("X-IronPort-Anti-Spam-Filtered",), simple(VENDOR), primary=True),
    exact(VENDOR, ("X-IronPort-AV",), _av),
    exact(VENDOR, ("X-SBRS", "X-IronPort-Reputation"), _sbrs),
    exact(VENDOR, ("X-Amp-Result",), _amp),
    exact(VENDOR, ("X-IronPort-SenderGroup",), _sender_group),
    exact(VENDOR, tuple(n for n in _names() if n not in _SPECIAL), simple(VENDOR)),
    prefix(VENDOR, "X-IronPort-", simple(VENDOR)),
)
