"""Google Workspace / Gmail: what Gmail's own headers can and cannot tell."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.base import (
    Draft,
    knowledge,
    register,
    simple,
    yes_no,
)

VENDOR = "google"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def _flag(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    flag = yes_no(f.value)
    if flag:
        d.is_spam = True
        d.facts["google_flag"] = f.name
    elif flag is False and d.is_spam is None:
        d.is_spam = False
    return True


register(VENDOR, ("X-Gm-Spam", "X-Gm-Phishy"), _flag)
register(
    VENDOR, tuple(n for n in _names() if n not in ("x-gm-spam", "x-gm-phishy")), simple(VENDOR)
)
register(VENDOR, ("X-Gm-Message-State",), simple(VENDOR), primary=True)
