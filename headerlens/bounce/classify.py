"""The reason of one recipient, and the evidence that decided it.

The decision follows the conventions under ``conventions`` in ``data/reasons.json``
(Sisimai's, so results compare): a reason the format reader stated, then two passes over
the status code (RFC 3463 section 3), the reply code (RFC 5321 section 4.2), the SMTP stage
and the specific wording of each reason; then the code's class, the diagnostic type and the
Action field. The reasons' plain words (wording groups of level ``generic``) decide only
after all that; ``onhold`` is left only when nothing in the text decides.

Every decision carries an :class:`Evidence`: what decided it (a phrase and its source, a
code, the stage), so the explanation can cite it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from headerlens._text import ascii_digits
from headerlens.bounce.knowledge import (
    Hit,
    explain_reply,
    explain_status,
    fold,
    rules,
    status_name,
    status_parts,
    worded,
    wording_hit,
)

__all__ = ["Decision", "Evidence", "Facts", "decide"]

EvidenceKind = Literal[
    "format",
    "provider",
    "status",
    "reply",
    "phrase",
    "generic",
    "class",
    "mailer",
    "syntax",
    "action",
    "stage",
    "none",
]


@dataclass(frozen=True, slots=True)
class Evidence:
    """What decided a reason: its kind, the phrase or code, and where the phrase comes from."""

    kind: EvidenceKind
    value: str = ""
    source: str = ""

    def sentence(self) -> str:
        """One sentence for the explanation, citing the phrase or code that decided."""
        v = self.value
        if self.kind == "format":
            if not v:
                return "Decided by the report itself: its format states this reason."
            return f'Decided by the report\'s own wording "{v}".'
        if self.kind == "provider":
            return f"Decided by {self.source}: {v}."
        if self.kind == "status":
            meaning = (explain_status(v)[2] or "").rstrip(".")
            return f"Decided by the status code {v}" + (f" ({meaning})." if meaning else ".")
        if self.kind == "reply":
            meaning = (explain_reply(v) or "").rstrip(".")
            return f"Decided by the reply code {v}" + (f" ({meaning})." if meaning else ".")
        if self.kind == "phrase":
            return f'Decided by the words "{v}" in the diagnostic ({self.source}).'
        if self.kind == "generic":
            return (
                f'Decided by the plain words "{v}" in the diagnostic (no specific wording or'
                " code decided)."
            )
        if self.kind == "class":
            return f"Decided by the class of the status code {v} (RFC 3463 section 3)."
        if self.kind == "mailer":
            return "Decided by the diagnostic type X-Unix: a local delivery program failed."
        if self.kind == "syntax":
            return f"Decided by the reply code {v}: the command or its arguments were refused."
        if self.kind == "action":
            return f"Decided by the DSN's Action field: {v} (RFC 3464 section 2.3.3)."
        if self.kind == "stage":
            return f"Decided by the SMTP stage: refused in reply to {v}."
        return "Nothing in the diagnostic, the codes or the stage decides the reason."


@dataclass(frozen=True, slots=True)
class Decision:
    """A reason and its evidence."""

    reason: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Facts:
    """What the classifier looks at for one recipient (``text`` lower-case, spaces folded)."""

    text: str
    status: str | None
    reply: str | None
    action: str | None
    command: str | None
    dtype: str | None
    preset: str | None


def _hit(name: str, f: Facts, generic: bool) -> Evidence | None:
    found: Hit | None = wording_hit(name, f.text, generic=generic)
    if found is None:
        return None
    phrase = found.phrase.strip()
    if generic:
        return Evidence("generic", phrase, found.source.label)
    return Evidence("phrase", phrase, found.source.label)


def _by_status(f: Facts) -> Evidence:
    return Evidence("status", f.status or "")


def _probe(name: str, f: Facts, generic: bool = False) -> Evidence | None:
    """Pass 1: does the code, the reply or the wording (with its SMTP stage) say ``name``?"""
    r = rules()
    sname = status_name(f.status)
    text = f.text
    if name == "userunknown":
        if sname == "suspend":
            return None
        if sname == "userunknown" and not generic:
            stronger = ("norelaying", "blocked", "mailboxfull", "hasmoved", "rejected", "notaccept")
            return None if any(worded(o, text) for o in stronger) else _by_status(f)
        return _hit(name, f, generic) if f.command == "RCPT" else None
    if name == "filtered":
        if sname == "suspend":
            return None
        if sname == "filtered" and not generic:
            hit = _hit("userunknown", f, False) or _hit("filtered", f, False)
            return Evidence("status", f.status or "") if hit else None
        if f.command in r.except_data:
            return None
        return _hit("filtered", f, generic) or _hit("userunknown", f, generic)
    if name == "rejected":
        if sname == "rejected" and not generic:
            return _by_status(f)
        if f.command == "MAIL":
            return _hit(name, f, generic)
        if f.command == "DATA":
            return _hit(name, f, generic) if sname != "userunknown" else None
        if sname in (None, "undefined", "onhold", "securityerror", "systemerror"):
            return _hit(name, f, generic)
        return None
    if name == "hostunknown":
        if sname == "hostunknown" and not generic:
            return None if worded("networkerror", text) else _by_status(f)
        return _hit(name, f, generic)
    if name == "spamdetected":
        if not f.status:
            return None
        if sname == name and not generic:
            return _by_status(f)
        if f.command in r.except_data:
            return None
        return _hit(name, f, generic)
    if name == "mesgtoobig":
        if sname == name and not generic:
            return _by_status(f)
        if sname == "exceedlimit":
            return None
        return _hit(name, f, generic)
    if name == "contenterror":
        if _probe("spamdetected", f):
            return None
        if sname == name and not generic:
            return _by_status(f)
        return _hit(name, f, generic)
    if name == "norelaying":
        if f.command in ("CONN", "EHLO", "HELO"):
            return None
        return _hit(name, f, generic)
    if name in ("suspend", "notaccept"):
        return _probe_text(name, f, generic)
    if name == "speeding":
        return _hit(name, f, generic)
    if sname == name and not generic:
        return _by_status(f)
    return _hit(name, f, generic)


def _probe_text(name: str, f: Facts, generic: bool = False) -> Evidence | None:
    if not generic:
        if name == "suspend" and f.reply == "525":
            return Evidence("reply", "525")
        if name == "notaccept" and f.reply in ("521", "556"):
            return Evidence("reply", f.reply or "")
    return _hit(name, f, generic)


def _syntax_reply(reply: str | None) -> bool:
    if not reply or not ascii_digits(reply):
        return False
    n = int(reply)
    return 400 < n < 408 or 500 < n < 508


def _another(f: Facts) -> Decision | None:
    """Pass 2: the wording alone, then the code's reason, the plain words, the code's
    class, the mailer type, the reply, the Action and the stage."""
    r = rules()
    sname = status_name(f.status)
    if sname is None or sname in r.retry or (f.dtype or "SMTP").upper() != "SMTP":
        for name in r.text_order:
            ev = _probe_text(name, f)
            if ev is not None:
                return Decision(name, ev)
        if sname:
            return Decision(sname, _by_status(f))
        # The reasons' plain words come after every code-named reason (even a weak one),
        # so they never overrule a code or specific wording; only the code's class and the
        # stage are weaker evidence.
        generic = _generic(f)
        if generic is not None:
            return generic
        parts = status_parts(f.status)
        if parts is not None and parts[1] == "6":
            return Decision("contenterror", Evidence("class", f.status or ""))
        if parts is not None and parts[1] == "7":
            return Decision("securityerror", Evidence("class", f.status or ""))
        if (f.dtype or "").upper().startswith("X-UNIX"):
            return Decision("mailererror", Evidence("mailer"))
        if _syntax_reply(f.reply):
            return Decision("syntaxerror", Evidence("syntax", f.reply or ""))
        if f.action in ("delayed", "expired"):
            return Decision("expired", Evidence("action", f.action))
        if f.command in ("EHLO", "HELO"):
            return Decision("blocked", Evidence("stage", f.command))
    if sname:
        return Decision(sname, _by_status(f))
    return None


def _generic(f: Facts) -> Decision | None:
    """The reasons' plain words, in the same orders and with the same stage rules."""
    if (f.dtype or "SMTP").upper() == "SMTP":
        for name in rules().probe_order:
            ev = _probe(name, f, generic=True)
            if ev is not None:
                return Decision(name, ev)
    for name in rules().text_order:
        ev = _probe_text(name, f, generic=True)
        if ev is not None:
            return Decision(name, ev)
    return None


def decide(
    diagnostic: str | None,
    status: str | None,
    reply_code: str | None = None,
    action: str | None = None,
    *,
    command: str | None = None,
    diagnostic_type: str | None = None,
    preset: str | None = None,
    preset_evidence: Evidence | None = None,
) -> Decision:
    """Decide the reason name (Sisimai's taxonomy) for one recipient, with its evidence.

    ``preset`` is a reason a format reader decided itself (``preset_evidence`` says why); it
    stands unless it is a weak guess listed under ``retry`` in ``data/reasons.json``.
    """
    r = rules()
    act = action.lower() if action else None
    if preset and preset not in r.retry:
        return Decision(preset, preset_evidence or Evidence("format"))
    if status and status.startswith("2."):
        return Decision("delivered", _by_status(Facts("", status, None, None, None, None, None)))
    f = Facts(
        text=fold(diagnostic),
        status=status,
        reply=reply_code,
        action=act,
        command=command,
        dtype=diagnostic_type,
        preset=preset,
    )
    if preset:
        # A weak guess of the format: it still counts when pass 1 finds nothing stronger.
        if (diagnostic_type or "SMTP").upper() == "SMTP":
            for name in r.probe_order:
                ev = Evidence("format") if name == preset else _probe(name, f)
                if ev is not None:
                    return Decision(name, preset_evidence or ev if name == preset else ev)
        if preset not in ("undefined", "onhold"):
            return Decision(preset, preset_evidence or Evidence("format"))
    elif (diagnostic_type or "SMTP").upper() == "SMTP":
        for name in r.probe_order:
            ev = _probe(name, f)
            if ev is not None:
                return Decision(name, ev)
    found = _another(f)
    if found is not None and found.reason != "undefined":
        return found
    generic = _generic(f)
    if generic is not None:
        return generic
    if act == "delayed":
        return Decision("expired", Evidence("action", act))
    if act in ("delivered", "relayed", "expanded"):
        return Decision("delivered", Evidence("action", act))
    if f.text and any(w in f.text for w in ("vacation", "out of office", "auto-reply")):
        return Decision("vacation", Evidence("generic", "vacation"))
    return Decision("onhold" if f.text else "undefined", Evidence("none"))
