"""OVHcloud mail (Vade Retro engine): X-VR-SPAMSTATE/-SCORE and the obfuscated X-VR-SPAMCAUSE."""

from __future__ import annotations

import re

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, score, simple, verdict_word
from headerlens.spam.knowledge import knowledge
from headerlens.spam.registry import exact

__all__ = ["DECODERS", "VENDOR", "decode_spamcause"]

VENDOR = "ovh"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


_K = ord("x") + 16 * ord("g")
"""The constant part of the pair formula: a pair (a, b) gives ``17 * a + b - _K``."""
_BIAS = 0x1000
"""Added to every code while checking it, so that no code is negative (a pair's lowest is -22)."""
_LETTERS = re.compile(r"[a-z]+").fullmatch
_NEGATIVE = re.compile("[\u0fea-\u0fff]").search
"""A biased code below ``_BIAS``: a pair that gives no character."""


def decode_spamcause(text: str) -> str | None:
    """Undo the X-VR-SPAMCAUSE letter-pair obfuscation; None when the text is not in that form.

    Each pair of letters gives one character. In pairs at even positions the two letters are
    swapped first; then, with ``a`` and ``b`` the pair's letters, the character code is
    ``a + b - ord("x") - 16 * (ord("g") - a)``; a pair of anything but ``a``-``z``, or with a
    negative code, makes the whole text not of this form.

    All pairs are worked out at once: each letter becomes a 16-bit lane of a big integer
    (UTF-16), the lanes of ``a`` and ``b`` are picked with masks, and ``17 * a + b`` is one
    multiplication and one addition (no lane can carry into the next: the largest is 2196).
    """
    s = "".join(text.split())
    n = len(s) // 2
    if n < 1:
        return None
    if len(s) != 2 * n:
        s = s[: 2 * n]
    if _LETTERS(s) is None:
        return None
    first = int.from_bytes(s[0::2].encode("utf-16-be"), "big")
    second = int.from_bytes(s[1::2].encode("utf-16-be"), "big")
    half = (n + 1) // 2
    even = int.from_bytes(b"\xff\xff\x00\x00" * half, "big") >> (32 * half - 16 * n)
    odd = even ^ ((1 << (16 * n)) - 1)
    a = (second & even) | (first & odd)  # even pairs are swapped
    b = (first & even) | (second & odd)
    biased = 17 * a + b + int.from_bytes((_BIAS - _K).to_bytes(2, "big") * n, "big")
    if _NEGATIVE(biased.to_bytes(2 * n, "big").decode("utf-16-be")):
        return None
    codes = biased - int.from_bytes(_BIAS.to_bytes(2, "big") * n, "big")
    return codes.to_bytes(2 * n, "big").decode("utf-16-be")


def _cause(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    kb = knowledge(VENDOR)
    d.add(kb.field(None, f.name, f.value, f.index))
    text = decode_spamcause(f.value)
    if text is None:
        log.add("spam.malformed_value", f"{f.name}: not in the letter-pair form", f.index)
        return True
    d.facts["spamcause"] = text
    parts = text.split("; ")
    head = parts[0]
    pat = head.find(" Profile:")
    if pat >= 0:
        d.add(kb.field("spamcause", "engine", head[:pat].strip(), f.index))
        parts[0] = head[pat + 1 :]
    for part in parts:
        part = part.strip()
        if not part:
            continue
        colon, equals = part.find(":"), part.find("=")
        if colon > 0:  # the first of ':' and '=' after the start cuts key from value
            cut = colon if equals <= 0 or colon < equals else equals
        elif equals > 0:
            cut = equals
        else:
            d.add(kb.field("spamcause", part, "", f.index))
            continue
        d.add(kb.field("spamcause", part[:cut].strip(), part[cut + 1 :].strip(), f.index))
    return True


_SPECIAL = ("x-vr-spamstate", "x-vr-spamscore", "x-ovh-spam-score", "x-vr-spamcause")
DECODERS = (
    exact(
        VENDOR,
        ("X-VR-SPAMSTATE",),
        verdict_word(VENDOR, ("SPAM", "SUSPICIOUS"), ("OK", "NOTSPAM")),
        primary=True,
    ),
    exact(VENDOR, ("X-VR-SPAMSCORE", "X-Ovh-Spam-Score"), score(VENDOR)),
    exact(VENDOR, ("X-VR-SPAMCAUSE",), _cause),
    exact(VENDOR, tuple(n for n in _names() if n not in _SPECIAL), simple(VENDOR)),
)
