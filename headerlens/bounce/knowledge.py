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
    "Facts",
    "ReasonInfo",
    "classify",
    "explain_reply",
    "explain_status",
    "is_hard",
    "is_weak",
    "pseudo_status",
    "reason_info",
    "status_name",
    "status_parts",
    "worded",
]


@dataclass(frozen=True, slots=True)
class ReasonInfo:
    """One reason of the taxonomy: description, wording, whether it is a hard bounce."""

    name: str
    description: str
    hard: bool
    pseudo: str
    phrases: tuple[str, ...]
    sequences: tuple[tuple[str, ...], ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Rules:
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


@cache
def _rules() -> _Rules:
    raw = _load("reasons.json")
    infos = {
        name: ReasonInfo(
            name=name,
            description=r["description"],
            hard=bool(r["hard"]),
            pseudo=r["pseudo"],
            phrases=tuple(r["phrases"]),
            sequences=tuple(tuple(s) for s in r.get("sequences", ())),
            exclude=tuple(r.get("exclude", ())),
        )
        for name, r in raw["reasons"].items()
    }
    return _Rules(
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


def _in_order(text: str, fragments: tuple[str, ...]) -> bool:
    pos = 0
    for frag in fragments:
        i = text.find(frag, pos)
        if i < 0:
            return False
        pos = i + len(frag)
    return True


def worded(reason: str, text: str) -> bool:
    """Whether ``text`` (lower-case, spaces folded) carries the wording of ``reason``."""
    info = _rules().infos.get(reason)
    if info is None or not text:
        return False
    if any(x in text for x in info.exclude):
        return False
    return any(p in text for p in info.phrases) or any(_in_order(text, s) for s in info.sequences)


def _fold(text: str | None) -> str:
    return " ".join(text.lower().split()) if text else ""


def match_reason(text: str | None) -> str | None:
    """The first reason whose wording occurs in ``text`` (probe order, then text order)."""
    low = _fold(text)
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


@dataclass(frozen=True, slots=True)
class Facts:
    """What the classifier looks at for one recipient."""

    text: str
    status: str | None
    reply: str | None
    action: str | None
    command: str | None
    dtype: str | None
    preset: str | None


def _probe(name: str, f: Facts) -> bool:
    """Pass 1: does the code, the reply or the wording (with its SMTP stage) say ``name``?"""
    rules = _rules()
    if f.preset == name:
        return True
    sname = status_name(f.status)
    text = f.text
    if name == "userunknown":
        if sname == "suspend":
            return False
        if sname == "userunknown":
            stronger = ("norelaying", "blocked", "mailboxfull", "hasmoved", "rejected", "notaccept")
            return not any(worded(o, text) for o in stronger)
        return f.command == "RCPT" and worded(name, text)
    if name == "filtered":
        if sname == "suspend":
            return False
        if sname == "filtered":
            return worded("userunknown", text) or worded("filtered", text)
        if f.command in rules.except_data:
            return False
        return worded("filtered", text) or worded("userunknown", text)
    if name == "rejected":
        if sname == "rejected":
            return True
        if f.command == "MAIL":
            return worded(name, text)
        if f.command == "DATA":
            return sname != "userunknown" and worded(name, text)
        if sname in (None, "undefined", "onhold", "securityerror", "systemerror"):
            return worded(name, text)
        return False
    if name == "hostunknown":
        if sname == "hostunknown":
            return not worded("networkerror", text)
        return worded(name, text)
    if name == "spamdetected":
        if not f.status:
            return False
        if sname == name:
            return True
        if f.command in rules.except_data:
            return False
        return worded(name, text)
    if name == "mesgtoobig":
        if sname == name:
            return True
        if sname == "exceedlimit":
            return False
        return worded(name, text)
    if name == "contenterror":
        if _probe("spamdetected", f):
            return False
        return sname == name or worded(name, text)
    if name == "norelaying":
        if f.command in ("CONN", "EHLO", "HELO"):
            return False
        return worded(name, text)
    if name == "suspend":
        return f.reply == "525" or worded(name, text)
    if name == "speeding":
        return worded(name, text)
    if name == "notaccept":
        return f.reply in ("521", "556") or worded(name, text)
    return sname == name or worded(name, text)


def _syntax_reply(reply: str | None) -> bool:
    if not reply or not ascii_digits(reply):
        return False
    n = int(reply)
    return 400 < n < 408 or 500 < n < 508


def _another(f: Facts) -> str | None:
    """Pass 2: the wording alone, then the code's subject, the mailer type, the stage."""
    rules = _rules()
    if f.preset and f.preset not in ("undefined", "onhold"):
        return f.preset
    sname = status_name(f.status)
    if sname is None or sname in rules.retry or (f.dtype or "SMTP").upper() != "SMTP":
        for name in rules.text_order:
            if _probe_text(name, f):
                return name
        if sname:
            return sname
        parts = status_parts(f.status)
        if parts is not None and parts[1] == "6":
            return "contenterror"
        if parts is not None and parts[1] == "7":
            return "securityerror"
        if (f.dtype or "").upper().startswith("X-UNIX"):
            return "mailererror"
        if _syntax_reply(f.reply):
            return "syntaxerror"
        if f.action in ("delayed", "expired"):
            return "expired"
        if f.command in ("EHLO", "HELO"):
            return "blocked"
    return sname


def _probe_text(name: str, f: Facts) -> bool:
    if name == "suspend":
        return f.reply == "525" or worded(name, f.text)
    if name == "notaccept":
        return f.reply in ("521", "556") or worded(name, f.text)
    return worded(name, f.text)


def classify(
    diagnostic: str | None,
    status: str | None,
    reply_code: str | None = None,
    action: str | None = None,
    *,
    command: str | None = None,
    diagnostic_type: str | None = None,
    preset: str | None = None,
) -> str:
    """Decide the reason name (Sisimai's taxonomy) for one recipient.

    ``preset`` is a reason a format reader decided itself; it stands unless it is a weak
    guess listed under ``retry`` in ``data/reasons.json``. Then the two passes described
    under ``conventions`` there: codes and wording with the SMTP stage (RFC 5321 section
    4.2, RFC 3463 section 3), then the wording alone and the code's subject.
    """
    rules = _rules()
    act = action.lower() if action else None
    if preset and preset not in rules.retry:
        return preset
    if status and status.startswith("2."):
        return "delivered"
    f = Facts(
        text=_fold(diagnostic),
        status=status,
        reply=reply_code,
        action=act,
        command=command,
        dtype=diagnostic_type,
        preset=preset,
    )
    if (diagnostic_type or "SMTP").upper() == "SMTP":
        for name in rules.probe_order:
            if _probe(name, f):
                return name
    found = _another(f)
    if found and found != "undefined":
        return found
    if act == "delayed":
        return "expired"
    if act in ("delivered", "relayed", "expanded"):
        return "delivered"
    if f.text and any(w in f.text for w in ("vacation", "out of office", "auto-reply")):
        return "vacation"
    return "onhold" if f.text else "undefined"


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
