"""Mimecast: spam score, signatures and Impersonation Protect results."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, score, simple
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact, prefix

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "mimecast"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _imp(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    kb = knowledge(VENDOR)
    field = kb.field
    add = d.fields.append
    index = f.index
    hits = []
    for part in f.value.split(";"):
        k, _eq, v = part.partition("=")
        k = k.strip()
        if not k:
            continue
        v = v.strip()
        add(field("impersonation", k, v, index))
        if v.lower() == "true":
            hits.append(k)
    if hits:
        d.notes.append("Impersonation Protect matched: " + ", ".join(hits) + ".")
        d.facts["impersonation"] = ", ".join(hits)
    return True


DECODERS = (
    exact(VENDOR, ("X-Mimecast-Spam-Score",), score(VENDOR)),
    exact(VENDOR, ("X-Mimecast-Impersonation-Protect",), _imp),
    exact(VENDOR, ("X-MC-Unique",), simple(VENDOR), primary=True),
    exact(
        VENDOR,
        (
            "X-Mimecast-Spam-Signature",
            "X-Mimecast-Bulk-Signature",
            "X-Mimecast-MFC-AGG-ID",
            "X-Mimecast-MFC-PROC-ID",
            "X-Mimecast-Originator",
        ),
        simple(VENDOR),
    ),
    prefix(VENDOR, "X-Mimecast-", simple(VENDOR)),
)
