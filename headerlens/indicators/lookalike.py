"""Internationalized and look-alike domain names (RFC 5890/5891, Unicode UTS #39).

Three questions about a domain name an analyst would otherwise answer by eye:

- How does it *display*? A-labels (``xn--...``) are decoded to the Unicode a mail client
  shows, with the ``idna`` package (IDNA 2008, RFC 5891/5892, kept current with Unicode); a
  label that decodes but breaks IDNA 2008 is reported as such.
- Does a label *mix scripts* (UTS #39 section 5.1)? Latin letters next to Cyrillic or Greek
  ones in one label is the classic homograph; the combinations UTS #39 "Highly Restrictive"
  allows for Chinese, Japanese and Korean names are not flagged.
- What does it *look like* (UTS #39 section 4, skeletons)? Each character is replaced by the
  ASCII character it is confusable with, so ``аррӏе`` (Cyrillic) and ``examp1e`` both reduce to
  something an ASCII name also reduces to.

The script of each code point and the confusable pairs come from the data files of the
``confusable-homoglyphs`` package (generated from Unicode's Scripts.txt and confusables.txt);
they are read from the installed package directly rather than through its loader, which would
let an environment variable redirect the read (a report must not depend on the environment).
"""

from __future__ import annotations

import bisect
import json
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import idna

__all__ = [
    "DomainLook",
    "confusables_version",
    "inspect_domain",
    "scripts_of",
    "skeleton",
]

# UTS #39 section 5.2 ("Highly Restrictive"): the script sets a single label may use besides
# one script alone. Han with the Japanese kana, Bopomofo or Hangul, each optionally with Latin.
_ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
# Script values that never make a label mixed (UTS #39: Common and Inherited are ignored).
_NEUTRAL = frozenset({"COMMON", "INHERITED", "UNKNOWN"})


def _read(name: str) -> object:
    return json.loads(
        resources.files("confusable_homoglyphs").joinpath(name).read_text(encoding="utf-8")
    )


@cache
def _scripts() -> tuple[list[int], list[tuple[int, int, str]]]:
    """The code point ranges of the Unicode Scripts data: (starts, [(start, end, script)])."""
    data = _read("categories.json")
    assert isinstance(data, dict)
    aliases: list[str] = data["iso_15924_aliases"]
    ranges = [(int(a), int(b), aliases[int(s)]) for a, b, s, _cat in data["code_points_ranges"]]
    return [r[0] for r in ranges], ranges


def _script(ch: str) -> str:
    starts, ranges = _scripts()
    cp = ord(ch)
    pos = bisect.bisect_right(starts, cp) - 1
    if pos >= 0:
        start, end, script = ranges[pos]
        if start <= cp <= end:
            return script
    return "UNKNOWN"


def scripts_of(text: str) -> frozenset[str]:
    """The Unicode scripts of ``text``'s letters (Common and Inherited left out)."""
    return frozenset(s for s in map(_script, text) if s not in _NEUTRAL)


def _ascii_rank(s: str) -> tuple[int, int, str]:
    # Lower-case ASCII letters first (domain names are compared in lower case), then other
    # ASCII; among equals the longer sequence (``m`` looks like ``rn``: the skeleton keeps
    # ``rn`` so that both spellings reduce to it), then alphabetical for determinism.
    if s.isascii() and s.isalpha() and s.islower():
        rank = 0
    elif s.isascii() and s.isalnum():
        rank = 1
    else:
        rank = 2
    return (rank, -len(s), s)


@cache
def _prototypes() -> dict[str, str]:
    """Each character with an ASCII look-alike, mapped to that look-alike (lower case)."""
    data = _read("confusables.json")
    assert isinstance(data, dict)
    out: dict[str, str] = {}
    for ch, glyphs in data.items():
        if len(ch) != 1:
            continue
        targets = [
            g["c"]
            for g in glyphs
            if g["c"].isascii() and g["c"].strip() and all(c.isalnum() for c in g["c"])
        ]
        if not targets:
            continue
        if ch.isascii():
            if not ch.isalnum():
                continue
            # An ASCII letter keeps itself unless a longer ASCII spelling looks the same
            # (m -> rn); a digit or capital maps to the lower-case letter it imitates.
            pool = [*targets, ch] if ch.islower() else targets
            best = min(pool, key=_ascii_rank)
        else:
            best = min(targets, key=_ascii_rank)
        best = best.lower()
        if best != ch:
            out[ch] = best
    # One more pass so that the result is itself a skeleton (e.g. a look-alike of "1" ends
    # as "l", never "1").
    for ch, proto in list(out.items()):
        out[ch] = "".join(out.get(c, c) for c in proto)
    return out


def skeleton(text: str) -> str:
    """The UTS #39 skeleton of ``text`` (section 4), reduced towards lower-case ASCII.

    ``skeleton(a) == skeleton(b)`` means the two strings can be mistaken for each other.
    """
    protos = _prototypes()
    decomposed = unicodedata.normalize("NFD", text.lower())
    mapped = "".join(protos.get(c, c) for c in decomposed)
    return unicodedata.normalize("NFD", mapped)


@cache
def confusables_version() -> str:
    """The version of the confusable-homoglyphs data in use (named in finding details)."""
    try:
        from importlib.metadata import version

        return f"confusable-homoglyphs {version('confusable-homoglyphs')}"
    except Exception:  # pragma: no cover - metadata missing in an odd install
        return "confusable-homoglyphs"


@dataclass(frozen=True, slots=True)
class DomainLook:
    """How a domain name displays and what it may be mistaken for.

    ``unicode``: the name as a mail client shows it (U-labels); ``idn``: at least one label is
    internationalized; ``idna_valid``: every A-label is valid IDNA 2008 (RFC 5891); ``mixed``:
    labels that mix scripts, with their scripts; ``ascii_lookalike``: an internationalized
    name whose every character has an ASCII look-alike, so that it can pass for an all-ASCII
    name (a whole-script confusable, UTS #39 section 4).
    """

    ascii: str
    unicode: str
    idn: bool
    idna_valid: bool
    mixed: tuple[tuple[str, tuple[str, ...]], ...]
    ascii_lookalike: bool


def _to_unicode(label: str) -> tuple[str, bool]:
    """One label's display form, and whether it is valid IDNA 2008."""
    if not label.startswith("xn--"):
        if label.isascii():
            return label, True
        try:
            idna.encode(label, uts46=True)
            return label, True
        except idna.IDNAError:
            return label, False
    try:
        return idna.decode(label), True
    except (idna.IDNAError, UnicodeError):
        try:
            return label[4:].encode("ascii").decode("punycode"), False
        except (UnicodeError, ValueError):
            return label, False


@lru_cache(maxsize=4096)
def inspect_domain(domain: str) -> DomainLook:
    """Read ``domain`` (A-label or U-label form) as UTS #39 and IDNA 2008 would."""
    name = domain.strip().rstrip(".").lower()
    labels = name.split(".")
    shown: list[str] = []
    valid = True
    for label in labels:
        u, ok = _to_unicode(label)
        shown.append(u)
        valid = valid and ok
    unicode_name = ".".join(shown)
    idn = not unicode_name.isascii()
    ascii_name = name
    if not name.isascii():
        try:
            ascii_name = idna.encode(name, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            ascii_name = name
    mixed: list[tuple[str, tuple[str, ...]]] = []
    ascii_lookalike = False
    if idn:
        for u in shown:
            scripts = scripts_of(u)
            if len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_MIXES):
                mixed.append((u, tuple(sorted(scripts))))
        ascii_lookalike = skeleton(unicode_name).isascii()
    return DomainLook(
        ascii=ascii_name,
        unicode=unicode_name,
        idn=idn,
        idna_valid=valid,
        mixed=tuple(mixed),
        ascii_lookalike=ascii_lookalike,
    )
