"""What the vendor decoders share: the :class:`Draft` they fill, and small linear readers.

A decoder reads one :class:`~headerlens.message.HeaderField` into a :class:`Draft` (the
verdict being built) and never raises on malformed text: it decodes what it can and keeps the
rest raw. The readers here split vendor token lists (``;``-separated, ``(...)``/``[...]``
groups, ``key:value`` pairs), read numbers and yes/no words, and write scores and name lists
back for the explanations. Each runs in time linear in its input: one-character-class
searches and possessive patterns, nothing that backtracks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.parse._scan import skip_comment
from headerlens.spam.knowledge import knowledge, new_rule
from headerlens.spam.models import SpamField, SpamRule

if TYPE_CHECKING:
    from headerlens.spam.sarules import RuleBook

__all__ = [
    "SMALL_NUMBERS",
    "Draft",
    "FlagDecoder",
    "ScoreDecoder",
    "SimpleDecoder",
    "WordDecoder",
    "first_word",
    "flag",
    "flat_sep_free",
    "fmt_num",
    "join_names",
    "name_ok",
    "paren_items",
    "parse_float",
    "score",
    "simple",
    "split_list",
    "split_pairs",
    "top_rules",
    "verdict_word",
    "yes_no",
]


@dataclass(slots=True, init=False)
class Draft:
    """A verdict being assembled from one vendor's header fields (mutable, internal)."""

    vendor: str
    trusted: bool = True
    hop_index: int | None = None
    header_indexes: list[int] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    """The primary header names read into this draft (a second one starts a new verdict)."""
    score: float | None = None
    threshold: float | None = None
    is_spam: bool | None = None
    action: str | None = None
    rules: list[SpamRule] = field(default_factory=list)
    fields: list[SpamField] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)
    untrusted_twin: bool = False
    top: list[str] | None = None
    rule_rows: dict[str, list[Any]] | None = None
    """Rules added through ``spamassassin.merge_rule`` as mutable [score, description, source]
    rows by name, so that a later mention (X-Spam-Report after X-Spam-Status) fills them in
    place; :meth:`finish` turns them into :class:`SpamRule` objects, after the other rules."""
    book: RuleBook | None = None
    """Where rule descriptions come from (``Policy.spamassassin_rules``); ``None``: our notes."""

    def __init__(self, vendor: str, trusted: bool = True, hop_index: int | None = None) -> None:
        # Written out (the generated one tests a sentinel per defaulted field): one per verdict.
        self.vendor = vendor
        self.trusted = trusted
        self.hop_index = hop_index
        self.header_indexes = []
        self.names = set()
        self.score = None
        self.threshold = None
        self.is_spam = None
        self.action = None
        self.rules = []
        self.fields = []
        self.notes = []
        self.facts = {}
        self.untrusted_twin = False
        self.top = None
        self.rule_rows = None
        self.book = None

    def add(self, f: SpamField) -> None:
        """Append a decoded field."""
        self.fields.append(f)

    def finish(self) -> None:
        """Materialise the merged rule rows (called once decoding is over)."""
        rows = self.rule_rows
        if rows:
            add = self.rules.append
            for n, r in rows.items():  # make_rule() inlined: once per merged rule
                add(new_rule({"name": n, "score": r[0], "description": r[1], "source": r[2]}))
            self.rule_rows = None

    def top_rules(self) -> list[str]:
        """:func:`top_rules` of the rules, worked out once (explanation and findings both ask)."""
        if self.top is None:
            self.top = top_rules(self.rules)
        return self.top


# --- readers (linear, no backtracking) -------------------------------------------------


_FLOAT_CHARS = frozenset("+-.0123456789eE")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}


SMALL_NUMBERS: dict[str, float] = {
    **{str(i): float(i) for i in range(-100, 256)},
    **{f"{i:02d}": float(i) for i in range(10)},
}
"""The plain spellings of the small whole numbers scores are mostly written as (and the
zero-padded 00-09 of clock times), and their values (what float() gives): a table worked out
once, looked up before any parsing."""


def parse_float(text: str | None) -> float | None:
    """A float from ``text`` (surrounding spaces, ``+`` and a trailing ``%`` allowed), or None."""
    if text is None:
        return None
    small = SMALL_NUMBERS.get(text)
    if small is not None:
        return small
    if text[:1] not in _FLOAT_CHARS:
        # Nothing that starts (once stripped) with another character is read below (float()
        # would only add inf and nan, refused too): answered without raising.
        t = text.strip()
        if not t or t[0] not in _FLOAT_CHARS:
            return None
    if len(text) <= 40 and text.isascii() and "_" not in text:
        # float() takes what the check below allows, plus inf/nan spellings (not finite, so
        # refused here as there) and nothing else once "_" is excluded; "5%" and junk raise
        # and take the slow path.
        try:
            value = float(text)
        except ValueError:
            pass
        else:
            return value if value - value == 0.0 else None
    t = text.strip()
    if t[-1:] == "%":
        t = t.rstrip("%").strip()
    if not t or len(t) > 40 or not _FLOAT_CHARS.issuperset(t):
        return None
    try:
        value = float(t)
    except ValueError:
        return None
    if value - value != 0.0:  # nan or +-inf
        return None
    return value


@cache
def _splitter(sep: str, brackets: str) -> tuple[re.Pattern[str], str]:
    """A one-character-class pattern finding ``sep`` and the group characters, and the openers."""
    opens = "".join(c for c in brackets if c in _CLOSERS)
    chars = set(opens) | {_CLOSERS[c] for c in opens}
    if len(sep) == 1:
        chars.add(sep)
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]"), opens


@cache
def _flat_pieces(sep: str) -> re.Pattern[str]:
    """Runs of plain text and flat, closed ``(...)``/``[...]`` groups between ``sep``s.

    Possessive quantifiers and alternatives with distinct first characters: linear time.
    """
    s = re.escape(sep)
    return re.compile(rf"(?:[^{s}()\[\]]++|\([^()\[\]]*+\)|\[[^()\[\]]*+\])++")


@cache
def flat_sep_free(sep: str) -> Callable[[str], re.Match[str] | None]:
    """``fullmatch`` of text made of plain runs, ``sep`` and flat closed groups without ``sep``.

    Written as plain text (``sep`` included) between groups, which the regex engine runs about
    twice as fast as one alternative per piece. Possessive quantifiers and alternatives with
    distinct first characters: linear time.
    """
    s = re.escape(sep)
    return re.compile(
        rf"[^()\[\]]*+(?:(?:\([^{s}()\[\]]*+\)|\[[^{s}()\[\]]*+\])[^()\[\]]*+)*+"
    ).fullmatch


_ASCII_NAME = re.compile(r"[A-Za-z0-9_.\-]+").fullmatch


def name_ok(name: str) -> bool:
    """True when ``name`` is non-empty and only letters, digits, ``_``, ``-`` and ``.``."""
    if name.isascii():  # ASCII letters and digits are exactly what isalnum() takes there
        return _ASCII_NAME(name) is not None
    if not name:
        return False
    rest = name.replace("_", "").replace("-", "").replace(".", "")
    return not rest or rest.isalnum()


def split_list(text: str, sep: str = ";", *, brackets: str = "([") -> list[str]:
    """Split on ``sep`` outside ``()``/``[]`` groups; strip parts and drop empty ones.

    Linear: only the separator and bracket characters are visited (one character class).
    """
    if len(sep) != 1:  # a multi-character separator never matches one character
        t = text.strip()
        return [t] if t else []
    if brackets == "([" and sep not in "()[]":
        if ("(" not in text and "[" not in text) or flat_sep_free(sep)(text) is not None:
            # No groups, or only flat closed groups with no separator inside: a plain split
            # cuts exactly where the scanner below would.
            return list(filter(None, map(str.strip, text.split(sep))))
        # Common case: groups are flat and closed. The pieces between top-level separators are
        # then exactly the runs of plain text and whole groups; if every character they leave
        # over is a separator, the text had no nesting or stray brackets to care about.
        pieces = _flat_pieces(sep).findall(text)
        inside = "".join(pieces)
        if len(text) - len(inside) == text.count(sep) - inside.count(sep):
            return list(filter(None, map(str.strip, pieces)))
    pat, opens = _splitter(sep, brackets)
    if not any(c in text for c in opens):
        return list(filter(None, map(str.strip, text.split(sep))))
    out: list[str] = []
    stack: list[str] = []
    start = 0
    for m in pat.finditer(text):
        i = m.start()
        ch = text[i]
        if ch in opens:
            stack.append(_CLOSERS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
        elif ch == sep and not stack:
            part = text[start:i].strip()
            if part:
                out.append(part)
            start = i + 1
    part = text[start:].strip()
    if part:
        out.append(part)
    return out


def split_pairs(text: str, sep: str = ";", kv: str = ":") -> Iterator[tuple[str, str | None]]:
    """Yield ``(key, value)`` for each ``key<kv>value`` part; value None when no ``kv``."""
    for part in split_list(text, sep):
        k, found, v = part.partition(kv)
        if found:
            yield k.strip(), v.strip()
        else:
            yield part.strip(), None


def first_word(text: str) -> str:
    """The first white-space-separated word of ``text`` without trailing ``,``/``;``."""
    parts = text.split(None, 1)
    return parts[0].rstrip(",;") if parts else ""


def paren_items(text: str) -> tuple[list[str], bool]:
    """The contents of each ``(...)`` group in ``text`` (``"(1)(2)"`` -> ``["1", "2"]``), and
    whether every group was closed.

    Groups are read as RFC 5322 comments (:func:`~headerlens.parse._scan.skip_comment`: they
    nest, a backslash quotes the next character); an open one runs to the end. Text outside
    parentheses is returned as items too, so nothing is lost.
    """
    if "(" not in text:
        t = text.strip()
        return ([t] if t else []), True
    t = text.strip()
    if t[0] == "(" and t[-1] == ")" and "\\" not in t:  # the usual "(a)(b)(c)": one split
        inner = t[1:-1]
        rest = inner.replace(")(", "")  # what the pieces hold, joined: no parenthesis left?
        if "(" not in rest and ")" not in rest:
            return list(filter(None, map(str.strip, inner.split(")(")))), True
    out: list[str] = []
    start = 0
    i = text.find("(")
    while i != -1:
        before = text[start:i].strip()
        if before:
            out.append(before)
        end, closed = skip_comment(text, i)
        item = text[i + 1 : end - 1 if closed else end].strip()
        if item:
            out.append(item)
        if not closed:
            return out, False
        start = end
        i = text.find("(", end)
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out, True


@dataclass(frozen=True, slots=True)
class SimpleDecoder:
    """A decoder that records the whole value as one field, meaning looked up by header name.

    ``facts``: when given, the stripped value is also stored under that fact name. Without
    it the registry knows the result from the name alone (``Registration.simple``).
    """

    vendor: str
    facts: str | None = None

    def __call__(self, f: HeaderField, d: Draft, log: DefectLog) -> bool:
        d.add(knowledge(self.vendor).field(None, f.name, f.value, f.index))
        if self.facts is not None:
            d.facts[self.facts] = f.value.strip()
        return True


def simple(vendor: str, *, facts: str | None = None) -> SimpleDecoder:
    """A :class:`SimpleDecoder` for ``vendor``."""
    return SimpleDecoder(vendor, facts)


@dataclass(frozen=True, slots=True)
class ScoreDecoder:
    """A header whose value is the vendor's score: recorded as one field, read as a number.

    ``threshold``: the vendor's fixed spam threshold, when it has one; a score at or above it
    is a spam verdict.
    """

    vendor: str
    threshold: float | None = None

    def __call__(self, f: HeaderField, d: Draft, log: DefectLog) -> bool:
        d.add(knowledge(self.vendor).field(None, f.name, f.value.strip(), f.index))
        sc = parse_float(f.value)
        if sc is not None:
            d.score = sc
            if self.threshold is not None:
                d.threshold = self.threshold
                d.is_spam = sc >= self.threshold
        return True


@dataclass(frozen=True, slots=True)
class WordDecoder:
    """A header whose value is one verdict word: recorded as one field; ``spam`` words make
    a spam verdict, ``ham`` words a clean one (case-insensitive), ``allow`` words record the
    ``allowlisted`` fact (with ``allow_fact`` as its text)."""

    vendor: str
    spam: frozenset[str]
    ham: frozenset[str]
    allow: frozenset[str] = frozenset()
    allow_fact: str = ""

    def __call__(self, f: HeaderField, d: Draft, log: DefectLog) -> bool:
        v = f.value.strip()
        d.add(knowledge(self.vendor).field(None, f.name, v, f.index))
        low = v.lower()
        if low in self.spam:
            d.is_spam = True
        elif low in self.ham:
            d.is_spam = False
        if low in self.allow:
            d.facts["allowlisted"] = self.allow_fact
        return True


@dataclass(frozen=True, slots=True)
class FlagDecoder:
    """A header whose value is a yes/no spam flag: recorded as one field; the flag is the
    verdict unless another header already gave one (``overrides``: even then)."""

    vendor: str
    overrides: bool = False

    def __call__(self, f: HeaderField, d: Draft, log: DefectLog) -> bool:
        d.add(knowledge(self.vendor).field(None, f.name, f.value.strip(), f.index))
        flag = yes_no(f.value)
        if flag is not None and (self.overrides or d.is_spam is None):
            d.is_spam = flag
        return True


def flag(vendor: str, *, overrides: bool = False) -> FlagDecoder:
    """A :class:`FlagDecoder` for ``vendor``."""
    return FlagDecoder(vendor, overrides)


def score(vendor: str, *, threshold: float | None = None) -> ScoreDecoder:
    """A :class:`ScoreDecoder` for ``vendor``."""
    return ScoreDecoder(vendor, threshold)


def verdict_word(
    vendor: str,
    spam: tuple[str, ...],
    ham: tuple[str, ...],
    *,
    allow: tuple[str, ...] = (),
    allow_fact: str = "",
) -> WordDecoder:
    """A :class:`WordDecoder` for ``vendor`` (words in any case)."""
    return WordDecoder(
        vendor,
        frozenset(w.lower() for w in spam),
        frozenset(w.lower() for w in ham),
        frozenset(w.lower() for w in allow),
        allow_fact,
    )


_YES_NO = {
    **dict.fromkeys(("yes", "true", "1", "y", "spam"), True),
    **dict.fromkeys(("no", "false", "0", "n", "ham"), False),
}


def yes_no(text: str) -> bool | None:
    """``True`` for yes/true/1, ``False`` for no/false/0 (first word, case-insensitive)."""
    parts = text.split(None, 1)  # first_word() inlined
    return _YES_NO.get(parts[0].rstrip(",;").lower()) if parts else None


def top_rules(rules: list[SpamRule], limit: int = 3) -> list[str]:
    """Names of the rules that weigh most towards spam, with shared prefixes folded to ``X_*``."""
    scored = [(s, r.name) for r in rules if (s := r.score) is not None and s > 0]
    if not scored:
        return []
    # Highest score first; ties keep their order (a reverse sort is stable too).
    first = itemgetter(0)
    positive: list[tuple[float, str]] = sorted(scored, key=first, reverse=True)
    total = sum(map(first, positive))
    chosen: list[str] = []
    acc = 0.0
    for s, name in positive:
        chosen.append(name)
        acc += s
        if acc >= 0.6 * total or len(chosen) >= limit * 2:
            break
    names: list[str] = []
    prefixes: dict[str, int] = {}
    for s, name in positive:
        if s >= 0.5:
            p = name.split("_", 1)[0]
            prefixes[p] = prefixes.get(p, 0) + 1
    for name in chosen:
        p = name.split("_", 1)[0]
        label = f"{p}_*" if prefixes.get(p, 0) > 1 and "_" in name else name
        if label not in names:
            names.append(label)
    return names[:limit]


_SMALL_TEXT: dict[float, str] = {float(i): str(i) for i in range(-100, 256)}
"""The reverse of SMALL_NUMBERS: how :func:`fmt_num` writes a small whole number."""


def fmt_num(value: float | None) -> str:
    """A score written compactly (``7.3``, ``5``, ``-0.1``)."""
    if value is None:
        return "?"
    text = _SMALL_TEXT.get(value)
    if text is not None:
        return text
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def join_names(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
