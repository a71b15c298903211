"""Yahoo / AOL mail: sender guard blobs and the bulk-folder stamp."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, simple
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact

__all__ = ["DECODERS", "VENDOR"]

VENDOR = "yahoo"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _bulk(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    d.is_spam = True
    d.action = "delivered to the Bulk folder"
    return True


DECODERS = (
    exact(VENDOR, ("X-YahooFilteredBulk",), _bulk),
    exact(VENDOR, ("X-YMail-OSG",), simple(VENDOR), primary=True),
    exact(
        VENDOR,
        tuple(n for n in _names() if n not in ("x-yahoofilteredbulk", "x-ymail-osg")),
        simple(VENDOR),
    ),
)
