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

from headerlens._text import ascii_digits

__all__ = [
    "Hit",
    "ReasonInfo",
    "Rules",
    "Source",
    "Wording",
    "explain_reply",
    "explain_status",
    "fold",
    "is_hard",
    "is_weak",
    "pseudo_status",
    "reason_info",
    "rules",
    "status_name",
    "status_parts",
    "worded",
    "wording_hit",
]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a group of wording comes from (``data/reasons.json`` under ``sources``)."""

    key: str
    label: str
    generic: bool
    reference: str


@dataclass(frozen=True, slots=True)
class Wording:
    """One group of a reason's wording, all from one source."""

    source: Source
    phrases: tuple[str, ...]
    sequences: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """The phrase (or, for ordered fragments, the text they span) that matched, and its
    source."""

    phrase: str
    source: Source


@dataclass(frozen=True, slots=True)
class ReasonInfo:
    """One reason of the taxonomy: description, wording, whether it is a hard bounce."""

    name: str
    description: str
    hard: bool
    pseudo: str
    wording: tuple[Wording, ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rules:
    """The decision tables: reasons, status-code names and the orders of the two passes."""

    infos: dict[str, ReasonInfo]
    status_names: dict[str, str]
    probe_order: tuple[str, ...]
    text_order: tuple[str, ...]
    retry: frozenset[str]
    except_data: frozenset[str]


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


def rules() -> Rules:
    """The decision tables of ``data/reasons.json`` (orders, code names, retry set)."""
    return _rules()


@cache
def _rules() -> Rules:
    raw = _load("reasons.json")
    sources = {
        key: Source(
            key=key, label=v["label"], generic=v["level"] == "generic", reference=v["reference"]
        )
        for key, v in raw["sources"].items()
    }
    infos = {
        name: ReasonInfo(
            name=name,
            description=r["description"],
            hard=bool(r["hard"]),
            pseudo=r["pseudo"],
            wording=tuple(
                Wording(
                    source=sources[w["source"]],
                    phrases=tuple(w.get("phrases", ())),
                    sequences=tuple(tuple(q) for q in w.get("sequences", ())),
                )
                for w in r["wording"]
            ),
            exclude=tuple(r.get("exclude", ())),
        )
        for name, r in raw["reasons"].items()
    }
    return Rules(
        infos=infos,
        status_names=dict(raw["status_names"]),
        probe_order=tuple(raw["probe_order"]),
        text_order=tuple(raw["text_order"]),
        retry=frozenset(raw["retry"]),
        except_data=frozenset(raw["except_data"]),
    )


def reason_info(name: str) -> ReasonInfo | None:
    """The taxonomy entry for ``name``, or ``None`` for an unknown name."""
    return _rules().infos.get(name)


def status_parts(status: str | None) -> tuple[str, str, str] | None:
    """Split an RFC 3463 code ``class.subject.detail`` (section 2) or return ``None``."""
    if not status:
        return None
    parts = status.split(".")
    if len(parts) != 3 or not all(ascii_digits(p) and 0 < len(p) <= 3 for p in parts):
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


def _in_order(text: str, fragments: tuple[str, ...]) -> tuple[int, int] | None:
    """Where ``fragments`` occur in ``text`` in that order: the span from the first to the end
    of the last, or ``None``."""
    pos = 0
    start = -1
    for frag in fragments:
        i = text.find(frag, pos)
        if i < 0:
            return None
        if start < 0:
            start = i
        pos = i + len(frag)
    return (start, pos) if start >= 0 else None


def wording_hit(reason: str, text: str, *, generic: bool = False) -> Hit | None:
    """The first phrase of ``reason`` that ``text`` (lower-case, spaces folded) carries.

    Only the specific groups by default; with ``generic`` only the reason's plain words.
    A phrase listed under ``exclude`` anywhere in the text vetoes the reason.
    """
    info = _rules().infos.get(reason)
    if info is None or not text:
        return None
    if any(x in text for x in info.exclude):
        return None
    for w in info.wording:
        if w.source.generic != generic:
            continue
        for p in w.phrases:
            if p in text:
                return Hit(p, w.source)
        for q in w.sequences:
            span = _in_order(text, q)
            if span is not None:
                # The words as the text has them, from the first fragment to the last.
                return Hit(text[span[0] : span[1]], w.source)
    return None


def worded(reason: str, text: str) -> bool:
    """Whether ``text`` (lower-case, spaces folded) carries the specific wording of ``reason``."""
    return wording_hit(reason, text) is not None


def fold(text: str | None) -> str:
    """``text`` in lower case with every run of white space made one space."""
    return " ".join(text.lower().split()) if text else ""


def match_reason(text: str | None) -> str | None:
    """The first reason whose wording occurs in ``text`` (probe order, then text order)."""
    low = fold(text)
    if not low:
        return None
    rules = _rules()
    for name in (*rules.probe_order, *rules.text_order):
        if worded(name, low):
            return name
    return None


def status_name(status: str | None) -> str | None:
    """The reason an enhanced status code names by itself (Sisimai's code table), if any."""
    parts = status_parts(status)
    if parts is None:
        return None
    return _rules().status_names.get(".".join(parts))


def reason_by_status(status: str | None) -> tuple[str | None, bool]:
    """The reason an enhanced status code implies, and whether that code is decisive."""
    name = status_name(status)
    return name, name is not None and name not in _rules().retry


def is_weak(reason: str | None) -> bool:
    """Whether ``reason`` is missing or only a weak guess that later rules may refine."""
    return reason is None or reason in _rules().retry


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
