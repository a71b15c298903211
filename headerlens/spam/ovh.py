"""OVHcloud mail (Vade Retro engine): X-VR-SPAMSTATE/-SCORE and the obfuscated X-VR-SPAMCAUSE."""

from __future__ import annotations

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.base import (
    Draft,
    knowledge,
    parse_float,
    register,
    simple,
)

VENDOR = "ovh"


def _names() -> tuple[str, ...]:
    return tuple(knowledge(VENDOR).headers)


def decode_spamcause(text: str) -> str | None:
    """Undo the X-VR-SPAMCAUSE letter-pair obfuscation; None when the text is not in that form.

    Each pair of letters gives one character. In pairs at even positions the two letters are
    swapped first; then, with ``a`` and ``b`` the pair's letters, the character code is
    ``a + b - ord("x") - 16 * (ord("g") - a)``.
    """
    s = "".join(text.split())
    n = len(s) // 2
    if n < 1:
        return None
    pairs = list(map(str.__add__, s[0 : 2 * n : 2], s[1 : 2 * n : 2]))
    evens = list(map(_EVEN.get, pairs[0::2]))
    odds = list(map(_ODD.get, pairs[1::2]))
    if None in evens or None in odds:
        return None
    out: list[str | None] = [None] * n
    out[0::2] = evens
    out[1::2] = odds
    return "".join(out)  # type: ignore[arg-type]  # no None left: checked above


def _pair_tables() -> tuple[dict[str, str], dict[str, str]]:
    """{letter pair: character} for pairs at even positions (swapped first) and at odd ones."""
    even: dict[str, str] = {}
    odd: dict[str, str] = {}
    letters = "abcdefghijklmnopqrstuvwxyz"
    for x in letters:
        for y in letters:
            for table, (a, b) in ((even, (y, x)), (odd, (x, y))):
                code = ord(a) + ord(b) - ord("x") - 16 * (ord("g") - ord(a))
                if 0 <= code < 0x110000:
                    table[x + y] = chr(code)
    return even, odd


_EVEN, _ODD = _pair_tables()


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
        cuts = [i for i in (part.find(":"), part.find("=")) if i > 0]
        if not cuts:
            d.add(kb.field("spamcause", part, "", f.index))
            continue
        cut = min(cuts)
        d.add(kb.field("spamcause", part[:cut].strip(), part[cut + 1 :].strip(), f.index))
    return True


def _state(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    v = f.value.strip()
    d.add(knowledge(VENDOR).field(None, f.name, v, f.index))
    if v.upper() in ("OK", "NOTSPAM"):
        d.is_spam = False
    elif v.upper() in ("SPAM", "SUSPICIOUS"):
        d.is_spam = True
    return True


def _score(f: HeaderField, d: Draft, log: DefectLog) -> bool:
    d.add(knowledge(VENDOR).field(None, f.name, f.value.strip(), f.index))
    d.score = parse_float(f.value)
    return True


_SPECIAL = ("x-vr-spamstate", "x-vr-spamscore", "x-ovh-spam-score", "x-vr-spamcause")
register(VENDOR, ("X-VR-SPAMSTATE",), _state, primary=True)
register(VENDOR, ("X-VR-SPAMSCORE", "X-Ovh-Spam-Score"), _score)
register(VENDOR, ("X-VR-SPAMCAUSE",), _cause)
register(VENDOR, tuple(n for n in _names() if n not in _SPECIAL), simple(VENDOR))
