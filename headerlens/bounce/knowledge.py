"""Status knowledge: RFC 3463 enhanced codes, RFC 5321 reply codes, and the reason classifier.

The tables live in ``data/*.json`` (our own wording, each file names its sources). The reason
names are Sisimai's taxonomy (listed in API.md) so results compare with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "ReasonInfo",
    "classify",
    "explain_reply",
    "explain_status",
    "is_hard",
    "pseudo_status",
    "reason_info",
    "status_parts",
]


@dataclass(frozen=True, slots=True)
class ReasonInfo:
    """One reason of the taxonomy: description, phrases, whether it is a hard bounce."""

    name: str
    description: str
    hard: bool
    pseudo: str
    phrases: tuple[str, ...]
    weak: tuple[str, ...]


def _load(name: str) -> dict[str, Any]:
    text = resources.files("headerlens.bounce").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _status_table() -> dict[str, Any]:
    return _load("enhanced_status.json")


@cache
def _reply_table() -> dict[str, str]:
    codes: dict[str, str] = _load("reply_codes.json")["codes"]
    return codes


@cache
def _reason_table() -> tuple[tuple[ReasonInfo, ...], dict[str, str], frozenset[str]]:
    raw = _load("reasons.json")
    infos = []
    for name in raw["order"]:
        r = raw["reasons"][name]
        infos.append(
            ReasonInfo(
                name=name,
                description=r["description"],
                hard=bool(r["hard"]),
                pseudo=r["pseudo"],
                phrases=tuple(r["phrases"]),
                weak=tuple(r.get("weak", ())),
            )
        )
    for name, r in raw["reasons"].items():
        if name not in raw["order"]:
            infos.append(ReasonInfo(name, r["description"], bool(r["hard"]), r["pseudo"], (), ()))
    return tuple(infos), dict(raw["by_status"]), frozenset(raw["strong_status"])


def reason_info(name: str) -> ReasonInfo | None:
    """The taxonomy entry for ``name``, or ``None`` for an unknown name."""
    for info in _reason_table()[0]:
        if info.name == name:
            return info
    return None


def status_parts(status: str | None) -> tuple[str, str, str] | None:
    """Split an RFC 3463 code ``class.subject.detail`` (section 2) or return ``None``."""
    if not status:
        return None
    parts = status.split(".")
    if len(parts) != 3 or not all(p.isdigit() and 0 < len(p) <= 3 for p in parts):
        return None
    if parts[0] not in ("2", "4", "5"):
        return None
    return parts[0], str(int(parts[1])), str(int(parts[2]))


def explain_status(status: str | None) -> tuple[str | None, str | None, str | None]:
    """Class, subject and detail meaning of an RFC 3463 code (sections 3.1-3.9)."""
    parts = status_parts(status)
    if parts is None:
        return None, None, None
    table = _status_table()
    cls, subj, det = parts
    key = f"{subj}.{det}"
    vendor = table["vendor"].get(f"{cls}.{key}")
    detail = vendor or table["detail"].get(key)
    return table["class"].get(cls), table["subject"].get(subj), detail


def explain_reply(code: str | None) -> str | None:
    """What an RFC 5321 reply code means (section 4.2.2-4.2.3), or ``None``."""
    if not code:
        return None
    return _reply_table().get(code)


def _phrase_in(text: str, phrase: str) -> bool:
    """``phrase`` occurs in ``text`` starting at a word boundary (both ends for short ones)."""
    start = 0
    n = len(phrase)
    while True:
        i = text.find(phrase, start)
        if i < 0:
            return False
        left_ok = i == 0 or not text[i - 1].isalnum() or not phrase[0].isalnum()
        right_ok = (
            n > 4 or i + n >= len(text) or not text[i + n].isalnum() or not phrase[-1].isalnum()
        )
        if left_ok and right_ok:
            return True
        start = i + 1


def match_reason(text: str | None) -> str | None:
    """The first reason whose phrases occur in ``text`` (strong phrases, then weak ones)."""
    if not text:
        return None
    low = " ".join(text.lower().split())
    infos = _reason_table()[0]
    for info in infos:
        for phrase in info.phrases:
            if _phrase_in(low, phrase):
                return info.name
    for info in infos:
        for phrase in info.weak:
            if _phrase_in(low, phrase):
                return info.name
    return None


def reason_by_status(status: str | None) -> tuple[str | None, bool]:
    """The reason an enhanced status code implies, and whether that code is decisive."""
    parts = status_parts(status)
    if parts is None:
        return None, False
    _infos, by_status, strong = _reason_table()
    key = f"{parts[1]}.{parts[2]}"
    return by_status.get(key), key in strong


def classify(
    diagnostic: str | None,
    status: str | None,
    reply_code: str | None = None,
    action: str | None = None,
) -> str:
    """Decide the reason name (Sisimai's taxonomy) for one recipient.

    A decisive status code (e.g. 5.1.1, 5.7.26) wins; otherwise the diagnostic text is
    matched against the phrase lists in ``data/reasons.json``; then the status code's subject
    and detail; then the action (``delayed`` means still queued: ``expired`` once given up).
    """
    by_status, strong = reason_by_status(status)
    if strong and by_status:
        return by_status
    by_text = match_reason(diagnostic)
    if by_text:
        return by_text
    if by_status:
        return by_status
    if action and action.lower() == "delayed":
        return "expired"
    if action and action.lower() in ("delivered", "relayed", "expanded"):
        return "delivered"
    return "onhold" if not diagnostic else "undefined"


def is_hard(reason: str | None, status: str | None) -> bool | None:
    """Whether the address itself is bad (a hard bounce): retrying will never help."""
    if reason is None:
        return None
    info = reason_info(reason)
    if info is None:
        return None
    if reason == "notaccept" and status and status.startswith("4"):
        return False
    return info.hard


def pseudo_status(reason: str | None, temporary: bool) -> str | None:
    """A stand-in status ``x.0.9nn`` for a reason when the bounce states no code.

    RFC 3463 leaves detail numbers of subject 0 unassigned; the 9nn numbers are Sisimai's
    convention, kept so that the codes compare with its results.
    """
    if reason is None:
        return None
    info = reason_info(reason)
    if info is None or not info.pseudo:
        return None
    return f"{'4' if temporary else '5'}.0.{info.pseudo}"
