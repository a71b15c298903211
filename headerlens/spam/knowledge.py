"""The spam step's knowledge: what vendor headers, tokens and values mean, and how sure we are.

Each vendor's knowledge lives in ``headerlens/spam/data/<vendor>.json`` (meanings in our own
words, with a confidence and a source), read once per process by :func:`knowledge` and never
changed after. The answers for exact keys are worked out at load time as ready
:class:`~headerlens.spam.models.SpamField` states (:data:`Template`), so that a decoder's hot
loop copies a dict instead of building one. The field and rule builders here make the models
through :func:`headerlens._model.build`, without re-validation: pass correctly typed values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from headerlens._model import constructor
from headerlens.message import HeaderField
from headerlens.spam.models import Confidence, SpamField, SpamRule

__all__ = [
    "Entry",
    "Knowledge",
    "Template",
    "TemplatePair",
    "field_from",
    "knowledge",
    "make_field",
    "make_rule",
    "new_field",
    "new_rule",
    "raw_field",
    "with_meaning",
]

_CONFIDENCES = ("documented", "community", "inferred")

new_field = constructor(SpamField)
"""A :class:`SpamField` from its whole state (every field, in order), without validation."""
new_rule = constructor(SpamRule)
"""A :class:`SpamRule` from its whole state (every field, in order), without validation."""


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
    return new_field(
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


def make_rule(
    name: str,
    score: float | None = None,
    description: str | None = None,
    source: str | None = None,
) -> SpamRule:
    """A :class:`SpamRule` from already-typed values, without re-validation."""
    return new_rule({"name": name, "score": score, "description": description, "source": source})


def with_meaning(f: SpamField, meaning: str | None) -> SpamField:
    """``f`` with another meaning (a cheap ``model_copy(update={"meaning": ...})``)."""
    return new_field({**f.__dict__, "meaning": meaning})


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
    the template's state with ``value``, ``header_index`` and, when given, ``key`` set. (The
    decoders' token loops write the copy out and call :data:`new_field`: one call less.)"""
    state = template.copy()
    if key is not None:
        state["key"] = key
    state["value"] = value
    state["header_index"] = header_index
    return new_field(state)


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
        # make_field() inlined below: this runs once per token without an exact answer.
        if entry is None:
            meaning, confidence, source, known = None, "inferred", None, False
        elif not entry.values:
            meaning, confidence, source, known = entry.meaning, entry.confidence, entry.source, True
        else:
            meaning, confidence, source, known = self._enumerated(entry, value)
        return new_field(
            {
                "key": key,
                "value": value,
                "meaning": meaning or None,
                "confidence": confidence,
                "source": source,
                "known": known,
                "header_index": header_index,
            },
        )

    @staticmethod
    def _enumerated(entry: Entry, value: str) -> tuple[str, Confidence, str | None, bool]:
        """(meaning, confidence, source, known) of an enumerated entry for ``value``."""
        v = value.strip()
        vhit = entry.value(v)
        if vhit is not None:
            meaning = f"{entry.meaning}: {vhit.meaning}" if entry.meaning else vhit.meaning
            return meaning, vhit.confidence, vhit.source, True
        return entry.meaning, entry.confidence, entry.source, not v


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
