"""Cloudmark Authority: X-CNFS-Analysis, X-CMAE-*, X-Authority-Analysis."""

from __future__ import annotations

import datetime as dt

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, score, simple
from headerlens.spam.knowledge import knowledge, with_meaning
from headerlens.spam.registry import exact

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "cloudmark"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _analysis(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    kb = knowledge(VENDOR)
    d.add(kb.field(None, f.name, f.value, f.index))
    for tok in f.value.split():
        k, eq, v = tok.partition("=")
        if not eq:
            continue
        field = kb.field("analysis", k, v, f.index)
        if k == "ts":
            try:
                n = int(v, 16) if len(v) <= 16 else -1
            except ValueError:
                n = -1
            if 0 < n < 4_102_444_800:
                when = dt.datetime.fromtimestamp(n, tz=dt.UTC).isoformat()
                field = with_meaning(field, f"{field.meaning} ({when})")
        d.add(field)
    return True


_ANALYSIS = ("X-CNFS-Analysis", "X-CMAE-Analysis", "X-Authority-Analysis", "X-CM-Analysis")
DECODERS = (
    exact(VENDOR, _ANALYSIS, _analysis, primary=True),
    exact(VENDOR, ("X-CMAE-Score", "X-CM-Score"), score(VENDOR, threshold=100.0)),
    exact(VENDOR, ("X-CMAE-Envelope", "X-Cloudmark-SP-Result"), simple(VENDOR)),
)
