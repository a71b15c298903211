"""The spam step's shared machinery: the decoder registry, the knowledge loader, and scanners.

Every vendor module registers its header names here with :func:`register` (exact names) or
:func:`register_prefix` (a family such as ``X-TM-AS-``). A decoder reads one
:class:`~headerlens.message.HeaderField` into a :class:`Draft` (the verdict being built) and
never raises on malformed text: it decodes what it can and keeps the rest raw. Knowledge
(token meanings, with confidence and source) lives in ``headerlens/spam/data/<vendor>.json``,
loaded once per process and cached.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.models import Confidence, SpamField, SpamRule

if TYPE_CHECKING:
    from headerlens.spam.sarules import RuleBook

__all__ = [
    "PREFIXES",
    "REGISTRY",
    "Decoder",
    "Draft",
    "Entry",
    "Knowledge",
    "Registration",
    "construct",
    "explainer",
    "knowledge",
    "make_field",
    "make_rule",
    "name_ok",
    "parse_float",
    "register",
    "register_prefix",
    "split_list",
    "split_pairs",
    "with_meaning",
]

_CONFIDENCES = ("documented", "community", "inferred")

M = TypeVar("M", bound=BaseModel)


# --- fast model construction -------------------------------------------------------------
#
# The spam step builds dozens of SpamField/SpamRule objects per message from values it has
# typed itself (str, float | None, int, a Confidence checked when the knowledge file is
# loaded). Re-validating them through pydantic, or even ``model_construct`` (which walks every
# field's aliases and defaults), dominated the step's cost. These builders set the instance
# state directly, exactly as ``model_construct`` does with every field given: the result
# compares, hashes, dumps and copies like a validated instance. Only pass correctly typed values.

_new = object.__new__
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
_SET_FIELDS = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__
# Every field is given, so the "fields set" is always all of them. One shared set suffices:
# pydantic only ever adds field names to it (a no-op here) and copies it on model_copy.
_FIELD_NAMES = set(SpamField.model_fields)
_RULE_NAMES = set(SpamRule.model_fields)


def make_field(
    key: str,
    value: str,
    meaning: str | None,
    confidence: Confidence,
    source: str | None,
    known: bool,
    header_index: int | None,
) -> SpamField:
    """A :class:`SpamField` from already-typed values, without re-validation."""
    obj = _new(SpamField)
    _SET_DICT(
        obj,
        {
            "key": key,
            "value": value,
            "meaning": meaning,
            "confidence": confidence,
            "source": source,
            "known": known,
            "header_index": header_index,
        },
    )
    _SET_FIELDS(obj, _FIELD_NAMES)
    _SET_EXTRA(obj, None)
    _SET_PRIVATE(obj, None)
    return obj


def make_rule(
    name: str,
    score: float | None = None,
    description: str | None = None,
    source: str | None = None,
) -> SpamRule:
    """A :class:`SpamRule` from already-typed values, without re-validation."""
    obj = _new(SpamRule)
    _SET_DICT(obj, {"name": name, "score": score, "description": description, "source": source})
    _SET_FIELDS(obj, _RULE_NAMES)
    _SET_EXTRA(obj, None)
    _SET_PRIVATE(obj, None)
    return obj


_ALL_FIELDS: dict[type[BaseModel], set[str]] = {}


def construct(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of ``cls`` from already-typed ``values`` naming every field, in field order.

    For the few per-message models (verdicts, appliances, the analysis) built from our own
    typed data: same state as ``model_construct`` with every field given.
    """
    obj = _new(cls)
    _SET_DICT(obj, values)
    names = _ALL_FIELDS.get(cls)
    if names is None:
        names = _ALL_FIELDS[cls] = set(cls.model_fields)
    _SET_FIELDS(obj, names)
    _SET_EXTRA(obj, None)
    _SET_PRIVATE(obj, None)
    return obj


def with_meaning(f: SpamField, meaning: str | None) -> SpamField:
    """``f`` with another meaning (a cheap ``model_copy(update={"meaning": ...})``)."""
    d = f.__dict__
    return make_field(
        d["key"], d["value"], meaning, d["confidence"], d["source"], d["known"], d["header_index"]
    )


@dataclass(frozen=True, slots=True)
class Entry:
    """One piece of knowledge: what a header, token or value means, how sure, and from where."""

    meaning: str
    confidence: Confidence
    source: str | None
    values: Mapping[str, Entry] = field(default_factory=dict)

    def value(self, value: str) -> Entry | None:
        """The entry for one enumerated value (case-insensitive), or ``None``."""
        hit = self.values.get(value)
        if hit is None:
            hit = self.values.get(value.upper()) or self.values.get(value.lower())
        return hit


def _entry(
    raw: Any, confidence: Confidence, source: str | None, sources: Mapping[str, str]
) -> Entry:
    if isinstance(raw, str):
        return Entry(raw, confidence, source)
    conf = raw.get("confidence", confidence)
    if conf not in _CONFIDENCES:  # pragma: no cover - guarded by the data test
        raise ValueError(f"bad confidence {conf!r}")
    src_key = raw.get("source")
    src = sources.get(src_key, src_key) if src_key else source
    values = {str(k): _entry(v, conf, src, sources) for k, v in dict(raw.get("values", {})).items()}
    return Entry(str(raw.get("meaning", "")), conf, src, values)


Plain = tuple[str | None, Confidence, str | None]
Resolved = Plain | Mapping[str, Plain]


def _resolve(entries: Mapping[str, Entry]) -> dict[str, Resolved]:
    """{key: Plain} for plain entries, {key: {value: Plain}} for enumerated ones."""
    out: dict[str, Resolved] = {}
    for k, e in entries.items():
        if not e.values:
            out[k] = (e.meaning or None, e.confidence, e.source)
        else:
            out[k] = {
                v: (
                    (f"{e.meaning}: {h.meaning}" if e.meaning else h.meaning) or None,
                    h.confidence,
                    h.source,
                )
                for v, h in e.values.items()
            }
    return out


Template = dict[str, Any]
"""A :class:`SpamField`'s state (its ``__dict__``) with the knowledge filled in: a copy with
``value`` and ``header_index`` set (and ``key``, for the header table) is a field's state.
Copying a ready dict costs about half of building one from a literal."""
TemplatePair = tuple[Template | None, Mapping[str, Template] | None]


def field_from(
    template: Template, value: str, header_index: int | None, key: str | None = None
) -> SpamField:
    """The :class:`SpamField` of one token from its knowledge template (see :data:`Template`):
    the template's state with ``value``, ``header_index`` and, when given, ``key`` set."""
    state = template.copy()
    if key is not None:
        state["key"] = key
    state["value"] = value
    state["header_index"] = header_index
    obj = _new(SpamField)
    _SET_DICT(obj, state)
    _SET_FIELDS(obj, _FIELD_NAMES)
    _SET_EXTRA(obj, None)
    _SET_PRIVATE(obj, None)
    return obj


def _templates(answers: Mapping[str, Resolved]) -> dict[str, TemplatePair]:
    """{key: (template, None)} for plain answers, {key: (None, {value: template})} otherwise."""

    def one(key: str, p: Plain) -> Template:
        return {
            "key": key,
            "value": "",
            "meaning": p[0],
            "confidence": p[1],
            "source": p[2],
            "known": True,
            "header_index": None,
        }

    out: dict[str, TemplatePair] = {}
    for k, r in answers.items():
        if isinstance(r, tuple):
            out[k] = (one(k, r), None)
        else:
            out[k] = (None, {v: one(k, p) for v, p in r.items()})
    return out


@dataclass(frozen=True, slots=True)
class Knowledge:
    """A vendor's knowledge file: header meanings, token tables and appliance fingerprints."""

    vendor: str
    display: str
    headers: Mapping[str, Entry]
    tables: Mapping[str, Mapping[str, Entry]]
    fingerprints: tuple[tuple[str, str], ...]
    sources: Mapping[str, str]
    plain: Mapping[str, Mapping[str, Plain]] = field(default_factory=dict)
    """Per table, the entries without enumerated values, as the (meaning or None, confidence,
    source) a :class:`SpamField` takes: looked up by exact key in the hot token loops."""
    resolved: Mapping[str | None, Mapping[str, Resolved]] = field(default_factory=dict)
    """What :meth:`field` returns for an exact key (and, for enumerated entries, an exact
    value), worked out at load time; ``None`` is the header table (lower-case names)."""
    templates: Mapping[str | None, Mapping[str, TemplatePair]] = field(default_factory=dict)
    """The same answers as ready :class:`SpamField` states (see :data:`Template`): per exact
    key, the template of a plain entry, or for an enumerated one the template per value."""

    def header(self, name: str) -> Entry | None:
        """The entry for a header name (case-insensitive)."""
        return self.headers.get(name.lower())

    def token(self, table: str, key: str) -> Entry | None:
        """The entry for ``key`` in ``table`` (exact, then upper- and lower-case)."""
        tab = self.tables.get(table, {})
        return tab.get(key) or tab.get(key.upper()) or tab.get(key.lower())

    def field(
        self,
        table: str | None,
        key: str,
        value: str,
        header_index: int | None = None,
    ) -> SpamField:
        """A :class:`SpamField` for ``key: value`` with the best meaning we hold.

        ``table=None`` looks ``key`` up among the header names. A token we do not know, or
        an enumerated value we have not seen, is kept with ``known=False``.
        """
        t = self.templates.get(table)
        hit = t.get(key.lower() if table is None else key) if t is not None else None
        if hit is not None:  # exact key (and exact value): answered at load time
            tpl, by_value = hit
            if tpl is None and by_value is not None:
                tpl = by_value.get(value.strip())
            if tpl is not None:
                return field_from(tpl, value, header_index, key)
        # header() and token() inlined: this runs once per decoded token.
        entry: Entry | None
        if table is None:
            entry = self.headers.get(key.lower())
        else:
            tab = self.tables.get(table)
            entry = None
            if tab is not None:
                entry = tab.get(key) or tab.get(key.upper()) or tab.get(key.lower())
        if entry is None:
            return make_field(key, value, None, "inferred", None, False, header_index)
        if not entry.values:
            return make_field(
                key,
                value,
                entry.meaning or None,
                entry.confidence,
                entry.source,
                True,
                header_index,
            )
        meaning = entry.meaning
        confidence: Confidence = entry.confidence
        source = entry.source
        known = True
        v = value.strip()
        vhit = entry.value(v)
        if vhit is not None:
            meaning = f"{entry.meaning}: {vhit.meaning}" if entry.meaning else vhit.meaning
            confidence, source = vhit.confidence, vhit.source
        elif v:
            known = False
        return make_field(key, value, meaning or None, confidence, source, known, header_index)


@cache
def knowledge(vendor: str) -> Knowledge:
    """Load ``data/<vendor>.json`` once per process (cached)."""
    text = resources.files("headerlens.spam").joinpath("data", f"{vendor}.json").read_text("utf-8")
    raw = json.loads(text)
    sources: dict[str, str] = dict(raw.get("sources", {}))
    default_conf: Confidence = raw.get("confidence", "inferred")
    default_src_key = raw.get("source")
    default_src = sources.get(default_src_key, default_src_key) if default_src_key else None
    headers = {
        k.lower(): _entry(v, default_conf, default_src, sources)
        for k, v in dict(raw.get("headers", {})).items()
    }
    tables: dict[str, dict[str, Entry]] = {}
    for tname, tab in dict(raw.get("tables", {})).items():
        tconf = tab.get("confidence", default_conf)
        tsrc_key = tab.get("source", default_src_key)
        tsrc = sources.get(tsrc_key, tsrc_key) if tsrc_key else None
        tables[tname] = {
            str(k): _entry(v, tconf, tsrc, sources) for k, v in dict(tab["entries"]).items()
        }
    fps = tuple((str(p).lower(), str(prod)) for p, prod in raw.get("fingerprints", []))
    resolved: dict[str | None, Mapping[str, Resolved]] = {
        None: _resolve(headers),
        **{t: _resolve(tab) for t, tab in tables.items()},
    }
    return Knowledge(
        vendor=raw["vendor"],
        display=raw["display"],
        headers=headers,
        tables=tables,
        fingerprints=fps,
        sources=sources,
        plain={
            tname: {
                k: (e.meaning or None, e.confidence, e.source)
                for k, e in tab.items()
                if not e.values
            }
            for tname, tab in tables.items()
        },
        resolved=resolved,
        templates={t: _templates(answers) for t, answers in resolved.items()},
    )


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
                obj = _new(SpamRule)
                _SET_DICT(obj, {"name": n, "score": r[0], "description": r[1], "source": r[2]})
                _SET_FIELDS(obj, _RULE_NAMES)
                _SET_EXTRA(obj, None)
                _SET_PRIVATE(obj, None)
                add(obj)
            self.rule_rows = None

    def top_rules(self) -> list[str]:
        """:func:`top_rules` of the rules, worked out once (explanation and findings both ask)."""
        if self.top is None:
            self.top = top_rules(self.rules)
        return self.top


Decoder = Callable[[HeaderField, Draft, DefectLog], bool]
"""Read one field into the draft; return False when the field is not this vendor's after all."""


@dataclass(frozen=True, slots=True)
class Registration:
    """Who decodes a header name: the vendor key, the decoder, and whether it is the primary
    verdict header (a second primary header starts a new verdict)."""

    vendor: str
    decoder: Decoder
    primary: bool = False
    simple: bool = False
    """True when ``decoder`` is a plain :func:`simple` one (the whole value as one field):
    the analysis then records the field itself, with the same result, without the call."""


_SIMPLE: set[Decoder] = set()
"""The decoders made by :func:`simple` without ``facts``."""


class _Registry(dict[str, Registration]):
    """A dict that counts its changes (``version``), so that memos of what it held can tell
    when they are stale (tests patch single entries)."""

    version = 0

    def __setitem__(self, key: str, value: Registration) -> None:
        self.version += 1
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.version += 1
        super().__delitem__(key)

    def pop(self, *args: Any) -> Any:
        self.version += 1
        return super().pop(*args)

    def popitem(self) -> tuple[str, Registration]:
        self.version += 1
        return super().popitem()

    def clear(self) -> None:
        self.version += 1
        super().clear()

    def update(self, *args: Any, **kwargs: Registration) -> None:
        self.version += 1
        super().update(*args, **kwargs)

    def setdefault(self, key: str, default: Registration) -> Registration:
        self.version += 1
        return super().setdefault(key, default)


REGISTRY: _Registry = _Registry()
"""{lower-case header name: registration}."""


def registry_version() -> tuple[int, int]:
    """Changes so far to REGISTRY and PREFIXES: a memo of registrations is stale when it differs."""
    return REGISTRY.version, len(PREFIXES)


PREFIXES: list[tuple[str, Registration]] = []
"""(lower-case prefix, registration), tried after an exact match fails, longest first."""

EXPLAINERS: dict[str, Callable[[Draft], str]] = {}


def register(
    vendor: str, names: tuple[str, ...], decoder: Decoder, *, primary: bool = False
) -> None:
    """Register ``decoder`` for each header name in ``names``."""
    reg = Registration(vendor, decoder, primary, decoder in _SIMPLE)
    for n in names:
        REGISTRY[n.lower()] = reg


def register_prefix(vendor: str, prefix: str, decoder: Decoder) -> None:
    """Register ``decoder`` for every header whose name starts with ``prefix``."""
    PREFIXES.append((prefix.lower(), Registration(vendor, decoder, False, decoder in _SIMPLE)))
    PREFIXES.sort(key=lambda p: -len(p[0]))


def explainer(vendor: str) -> Callable[[Callable[[Draft], str]], Callable[[Draft], str]]:
    """Decorator registering the function that writes a vendor's one-paragraph explanation."""

    def deco(fn: Callable[[Draft], str]) -> Callable[[Draft], str]:
        EXPLAINERS[vendor] = fn
        return fn

    return deco


def lookup(name: str) -> Registration | None:
    """The registration for a header name, exact first, then by prefix."""
    return lookup_lname(name.lower())


def lookup_lname(lname: str) -> Registration | None:
    """:func:`lookup` for a name already in lower case."""
    reg = REGISTRY.get(lname)
    if reg is not None:
        return reg
    return lookup_prefix(lname)


def lookup_prefix(lname: str) -> Registration | None:
    """The registration of the longest registered prefix of ``lname`` (lower case), or None."""
    index = _prefix_index()
    try:
        return _PREFIX_HITS[lname]
    except KeyError:
        pass
    hit: Registration | None = None
    for prefix, preg in index.get(lname[:5], ()):
        if lname.startswith(prefix):
            hit = preg
            break
    if len(_PREFIX_HITS) >= 4096:  # names are attacker text: keep the memo bounded
        _PREFIX_HITS.clear()
    _PREFIX_HITS[lname] = hit
    return hit


_INDEX: dict[str, list[tuple[str, Registration]]] = {}
_INDEXED = [-1]
_PREFIX_HITS: dict[str, Registration | None] = {}
"""{lower-case name: prefix registration or None}, a memo of the prefix walk."""


def _prefix_index() -> dict[str, list[tuple[str, Registration]]]:
    """PREFIXES grouped by their first five characters (rebuilt when PREFIXES grows)."""
    if _INDEXED[0] != len(PREFIXES):
        _INDEX.clear()
        _PREFIX_HITS.clear()
        for prefix, reg in PREFIXES:
            _INDEX.setdefault(prefix[:5], []).append((prefix, reg))
        _INDEXED[0] = len(PREFIXES)
    return _INDEX


# --- scanners (linear, no backtracking) -------------------------------------------------


_FLOAT_CHARS = frozenset("+-.0123456789eE")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_PARENS = re.compile(r"[()]")


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


def split_words(text: str) -> list[str]:
    """Split on white space (no regex)."""
    return text.split()


def first_word(text: str) -> str:
    """The first white-space-separated word of ``text`` without trailing ``,``/``;``."""
    parts = text.split(None, 1)
    return parts[0].rstrip(",;") if parts else ""


def paren_items(text: str) -> list[str]:
    """The contents of each ``(...)`` group in ``text`` (``"(1)(2)"`` -> ``["1", "2"]``).

    Text outside parentheses is returned as items too, so nothing is lost.
    """
    if "(" not in text:
        t = text.strip()
        return [t] if t else []
    t = text.strip()
    if t[0] == "(" and t[-1] == ")":  # the usual "(a)(b)(c)": one split, if nothing is odd
        inner = t[1:-1]
        rest = inner.replace(")(", "")  # what the pieces hold, joined: no parenthesis left?
        if "(" not in rest and ")" not in rest:
            return list(filter(None, map(str.strip, inner.split(")("))))
    out: list[str] = []
    depth = 0
    start = 0
    for m in _PARENS.finditer(text):
        i = m.start()
        if text[i] == "(":
            if depth == 0:
                rest = text[start:i].strip()
                if rest:
                    out.append(rest)
                start = i + 1
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                item = text[start:i].strip()
                if item:
                    out.append(item)
                start = i + 1
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def simple(vendor: str, *, facts: str | None = None) -> Decoder:
    """A decoder that records the whole value as one field, meaning looked up by header name.

    ``facts``: when given, the stripped value is also stored under that fact name.
    """

    def decode(f: HeaderField, d: Draft, log: DefectLog) -> bool:
        d.add(knowledge(vendor).field(None, f.name, f.value, f.index))
        if facts is not None:
            d.facts[facts] = f.value.strip()
        return True

    if facts is None:
        _SIMPLE.add(decode)
    return decode


def raw_field(f: HeaderField, key: str | None = None, value: str | None = None) -> SpamField:
    """An unknown field kept exactly as found."""
    return make_field(
        key if key is not None else f.name,
        f.value if value is None else value,
        None,
        "inferred",
        None,
        False,
        f.index,
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
