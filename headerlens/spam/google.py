"""Google Workspace / Gmail: what Gmail's own headers can and cannot tell."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, join_names, simple, yes_no
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact

__all__ = ["DECODERS", "EXPLAIN", "VENDOR", "explain"]

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


DECODERS = (
    exact(VENDOR, ("X-Gm-Spam", "X-Gm-Phishy"), _flag),
    exact(
        VENDOR, tuple(n for n in _names() if n not in ("x-gm-spam", "x-gm-phishy")), simple(VENDOR)
    ),
    exact(VENDOR, ("X-Gm-Message-State",), simple(VENDOR), primary=True),
)


_GROUPS = frozenset({"x-google-group-id", "x-spam-checked-in-group"})
_SMTP = frozenset({"x-google-smtp-source", "x-google-dkim-signature"})
_WHAT = {
    "x-gm-message-state": "an encoded message state",
    "x-google-smtp-source": "an identifier of the Google server that accepted it for sending",
    "x-google-dkim-signature": "a DKIM signature Google uses only internally",
    "x-gm-features": "opaque Gmail markers",
    "x-gm-gg": "opaque Gmail markers",
    "x-gm-original-to": "the address it was sent to before Gmail forwarded it",
    "x-google-group-id": "the Google Group that distributed it",
    "x-spam-checked-in-group": "a note that Google Groups checked it for spam",
}


def explain(d: Draft) -> str:
    """Say which Google systems left the fields and what they are ("" when a Gmail spam or
    phishing flag is present: the generic explanation says what it claims)."""
    if d.is_spam is not None or d.score is not None:
        return ""
    names: list[str] = []
    what: list[str] = []
    for f in d.fields:  # every Google field is read whole, keyed by its header name
        if f.key in names:
            continue
        names.append(f.key)
        w = _WHAT.get(f.key.lower())
        if w is not None and w not in what:
            what.append(w)
    low = {n.lower() for n in names}
    systems: list[str] = []
    if any(n.startswith("x-gm-") for n in low):
        systems.append("Gmail")
    if low & _SMTP:
        systems.append("Google's outgoing SMTP servers")
    if low & _GROUPS:
        systems.append("Google Groups")
    who = join_names(systems) if systems else "Google's mail servers"
    carries = f"{join_names(what)} ({join_names(names)})" if what else join_names(names)
    return (
        f"{who} handled the message and stamped it with {carries}. These are Google's own"
        " stamps, opaque and not documented by Google; they carry no spam verdict, score or"
        " action and only show that the message passed through Google."
    )


EXPLAIN = explain
