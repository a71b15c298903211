"""Trend Micro: X-TM-AS-*, X-TMASE-*, X-IMSS-*."""

from __future__ import annotations

import base64
import binascii

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, parse_float, simple, yes_no
from headerlens.spam.knowledge import knowledge, with_meaning
from headerlens.spam.registry import exact, prefix

__all__ = ["DECODERS", "VENDOR", "dash_numbers"]

VENDOR = "trendmicro"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def dash_numbers(text: str) -> list[str]:
    """Split ``-3.2-10.0`` style lists where ``-`` is both separator and minus sign."""
    out: list[str] = []
    buf: list[str] = []
    prev_sep = True
    for ch in text:
        if ch == "-" and not prev_sep:
            out.append("".join(buf))
            buf = []
            prev_sep = True
            continue
        buf.append(ch)
        prev_sep = False
    out.append("".join(buf))
    return out


def _as_result(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    kb = knowledge(VENDOR)
    v = f.value.strip()
    d.add(kb.field(None, f.name, v, f.index))
    verdict, _, rest = v.partition("-")
    flag = yes_no(verdict)
    parts = dash_numbers(rest)
    if flag is not None:
        d.is_spam = flag
    sc = parse_float(parts[0]) if parts else None
    th = parse_float(parts[1]) if len(parts) > 1 else None
    if sc is not None:
        d.score = sc
    if th is not None:
        d.threshold = th
    if flag is None or sc is None:
        log.add("spam.malformed_value", f"{f.name}: verdict or score not readable", f.index)
    return True


def _tmase_result(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    v = f.value.strip()
    d.add(knowledge(VENDOR).field(None, f.name, v, f.index))
    parts = dash_numbers(v)
    if len(parts) >= 3:
        sc, th = parse_float(parts[1]), parse_float(parts[2])
        if d.score is None and sc is not None:
            d.score = sc
        if d.threshold is None and th is not None:
            d.threshold = th
    return True


def _smtp(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    field = knowledge(VENDOR).field(None, f.name, f.value, f.index)
    decoded = []
    for w in f.value.split()[1:3]:
        try:
            decoded.append(base64.b64decode(w, validate=True).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            decoded.append("?")
    if decoded:
        text = f"{field.meaning} Decoded: {' / '.join(decoded)}"
        field = with_meaning(field, text)
    d.add(field)
    return True


def _approved(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    if yes_no(f.value):
        d.facts["allowlisted"] = "Trend Micro approved sender"
    return True


_SPECIAL = ("x-tm-as-result", "x-tmase-result", "x-tm-as-smtp", "x-tm-as-user-approved-sender")
DECODERS = (
    exact(VENDOR, ("X-TM-AS-Result",), _as_result, primary=True),
    exact(VENDOR, ("X-TMASE-Result",), _tmase_result),
    exact(VENDOR, ("X-TM-AS-SMTP",), _smtp),
    exact(VENDOR, ("X-TM-AS-User-Approved-Sender",), _approved),
    exact(VENDOR, tuple(n for n in _names() if n not in _SPECIAL), simple(VENDOR)),
    prefix(VENDOR, "X-TM-AS-", simple(VENDOR)),
    prefix(VENDOR, "X-TMASE-", simple(VENDOR)),
    prefix(VENDOR, "X-IMSS-", simple(VENDOR)),
)
