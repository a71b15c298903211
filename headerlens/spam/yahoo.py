"""Yahoo / AOL mail: sender guard blobs and the bulk-folder stamp."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.base import (
    Draft,
    knowledge,
    register,
    simple,
)

VENDOR = "yahoo"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _bulk(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    d.is_spam = True
    d.action = "delivered to the Bulk folder"
    return True


register(VENDOR, ("X-YahooFilteredBulk",), _bulk)
register(VENDOR, ("X-YMail-OSG",), simple(VENDOR), primary=True)
register(
    VENDOR,
    tuple(n for n in _names() if n not in ("x-yahoofilteredbulk", "x-ymail-osg")),
    simple(VENDOR),
)
