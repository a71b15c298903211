"""Who decodes which header: the spam step's registry, built once and never changed.

Every vendor module declares its decoders as data: a module-level ``DECODERS`` tuple of
:func:`exact` (header names) and :func:`prefix` (a family such as ``X-TM-AS-``) lines, and
optionally ``EXPLAIN``, the function that writes its one-paragraph explanation. Nothing
registers itself on import: :meth:`Registry.of` reads the modules it is given (see
:mod:`headerlens.spam.vendors`) into an immutable :class:`Registry`. A different registry (a
test's, with one decoder replaced) is another object passed to
:func:`~headerlens.spam.analysis.analyze_spam`, never a change to the shared one.

A registry remembers what it answered for each header name (its registration, the
fingerprints it matches, the field a plain decoder would make): facts about the registry and
the knowledge files only, never about a message, so the memo cannot change a result. It is
bounded, as header names are attacker text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType, ModuleType

from headerlens.defects import DefectLog
from headerlens.message import HeaderField
from headerlens.spam.decoding import Draft, SimpleDecoder
from headerlens.spam.knowledge import Template, knowledge

__all__ = [
    "Declaration",
    "Decoder",
    "Explainer",
    "NameInfo",
    "Registration",
    "Registry",
    "exact",
    "prefix",
]

Decoder = Callable[[HeaderField, Draft, DefectLog], bool]
"""Read one field into the draft; return False when the field is not this vendor's after all."""

Explainer = Callable[[Draft], str]
"""Write a vendor's one-paragraph explanation of a verdict ("" for the generic one)."""

_MEMO_SIZE = 4096


@dataclass(frozen=True, slots=True)
class Registration:
    """Who decodes a header name: the vendor key, the decoder, and whether it is the primary
    verdict header (a second primary header starts a new verdict)."""

    vendor: str
    decoder: Decoder
    primary: bool = False

    @property
    def simple(self) -> bool:
        """True when the decoder records the whole value as one field and nothing else: the
        analysis then makes that field itself, with the same result, without the call."""
        d = self.decoder
        return isinstance(d, SimpleDecoder) and d.facts is None


@dataclass(frozen=True, slots=True)
class Declaration:
    """One line of a vendor module's ``DECODERS``: exact names, or one name prefix."""

    names: tuple[str, ...]
    """Lower-case header names (empty for a prefix line)."""
    prefix: str | None
    """A lower-case name prefix, or ``None``."""
    registration: Registration


def exact(
    vendor: str, names: Iterable[str], decoder: Decoder, *, primary: bool = False
) -> Declaration:
    """Declare ``decoder`` for each header name in ``names`` (case-insensitive)."""
    return Declaration(
        tuple(n.lower() for n in names), None, Registration(vendor, decoder, primary)
    )


def prefix(vendor: str, name_prefix: str, decoder: Decoder) -> Declaration:
    """Declare ``decoder`` for every header whose name starts with ``name_prefix``."""
    return Declaration((), name_prefix.lower(), Registration(vendor, decoder))


Candidates = tuple[tuple[str | None, str, str], ...]
"""Fingerprints a header name matches: (value needle or None, vendor, product)."""

NameInfo = tuple[
    str, Registration | None, Candidates, tuple[str, str] | None, bool, Template | None
]
"""What the registry knows about one header name as spelt: its lower-case form, its
registration (exact, else by prefix), the fingerprints it matches, the (vendor, product) when
the first of them needs no value check, whether it is an "-Untrusted" twin, and for a plain
decoder the field template of its header-table answer (value and index to fill in)."""


class Registry:
    """Decoders by exact header name and by prefix, explainers, and appliance fingerprints.

    Immutable once made: build one with :meth:`of` (from vendor modules) or :meth:`replace`.
    """

    __slots__ = ("_fingerprints", "_index", "_names", "exact", "explainers", "prefixes", "vendors")

    def __init__(
        self,
        vendors: tuple[str, ...],
        exact: Mapping[str, Registration],
        prefixes: Iterable[tuple[str, Registration]],
        explainers: Mapping[str, Explainer],
    ) -> None:
        self.vendors = vendors
        """Vendor keys, in the order their fingerprints are tried."""
        self.exact: Mapping[str, Registration] = MappingProxyType(dict(exact))
        """{lower-case header name: registration}."""
        # Longest first; a stable sort keeps the declaration order among equal lengths.
        self.prefixes: tuple[tuple[str, Registration], ...] = tuple(
            sorted(prefixes, key=lambda p: -len(p[0]))
        )
        """(lower-case prefix, registration), tried after an exact match fails."""
        self.explainers: Mapping[str, Explainer] = MappingProxyType(dict(explainers))
        index: dict[str, list[tuple[str, Registration]]] = {}
        for p, reg in self.prefixes:  # grouped by their first five characters
            if len(p) < 5:
                raise ValueError(f"prefix {p!r} is shorter than the five characters indexed")
            index.setdefault(p[:5], []).append((p, reg))
        self._index = index
        self._fingerprints: dict[str, list[tuple[str, str | None, str, str]]] | None = None
        self._names: dict[str, NameInfo | None] = {}

    @classmethod
    def of(cls, modules: Iterable[ModuleType]) -> Registry:
        """The registry of vendor modules, each with ``VENDOR``, ``DECODERS`` and optionally
        ``EXPLAIN``. A name declared twice goes to the later declaration."""
        vendors: list[str] = []
        names: dict[str, Registration] = {}
        prefixes: list[tuple[str, Registration]] = []
        explainers: dict[str, Explainer] = {}
        for module in modules:
            vendors.append(module.VENDOR)
            for line in module.DECODERS:
                if line.prefix is not None:
                    prefixes.append((line.prefix, line.registration))
                for n in line.names:
                    names[n] = line.registration
            explain = getattr(module, "EXPLAIN", None)
            if explain is not None:
                explainers[module.VENDOR] = explain
        return cls(tuple(vendors), names, prefixes, explainers)

    def replace(self, name: str, registration: Registration) -> Registry:
        """A new registry with ``registration`` for the exact header ``name``."""
        return Registry(
            self.vendors,
            {**self.exact, name.lower(): registration},
            self.prefixes,
            self.explainers,
        )

    @property
    def remembered(self) -> Mapping[str, NameInfo | None]:
        """What :meth:`name_info` has answered so far, by header name as spelt (read only;
        the spam step's loop reads it before asking)."""
        return self._names

    def lookup(self, name: str) -> Registration | None:
        """The registration for a header name, exact first, then by the longest prefix."""
        lname = name.lower()
        reg = self.exact.get(lname)
        if reg is not None:
            return reg
        for p, preg in self._index.get(lname[:5], ()):
            if lname.startswith(p):
                return preg
        return None

    def fingerprints(self, lname: str) -> Candidates:
        """The fingerprints whose prefix the lower-case header name ``lname`` starts with, in
        the vendors' order (each vendor's knowledge file lists its own)."""
        table = self._fingerprints
        if table is None:
            table = {}
            for vendor in self.vendors:
                for fp_prefix, product in knowledge(vendor).fingerprints:
                    needle: str | None = None
                    if "=" in fp_prefix:
                        fp_prefix, _, needle = fp_prefix.partition("=")
                    table.setdefault(fp_prefix[:5], []).append((fp_prefix, needle, vendor, product))
            self._fingerprints = table
        return tuple(
            (needle, vendor, product)
            for p, needle, vendor, product in table.get(lname[:5], ())
            if lname.startswith(p)
        )

    def name_info(self, name: str) -> NameInfo | None:
        """What the registry knows about header ``name`` (see :data:`NameInfo`); ``None`` for
        a name with neither a decoder nor a fingerprint (most fields). Remembered."""
        names = self._names
        if name in names:
            return names[name]
        lname = name.lower()
        cands = self.fingerprints(lname)
        sure = (cands[0][1], cands[0][2]) if cands and cands[0][0] is None else None
        reg = self.lookup(lname)
        info: NameInfo | None = None
        if reg is not None or cands:
            twin = lname.endswith("-untrusted")
            info = (lname, reg, cands, sure, twin, _simple_template(reg, name, lname))
        if len(names) >= _MEMO_SIZE:
            names.clear()
        names[name] = info
        return info


def _simple_template(reg: Registration | None, name: str, lname: str) -> Template | None:
    """The field a plain decoder would make for header ``name``, as a template (value and
    header index to fill in), if its header-table answer is plain."""
    if reg is None or not reg.simple:
        return None
    hit = knowledge(reg.vendor).templates[None].get(lname)
    if hit is None or hit[0] is None:
        return None
    return {**hit[0], "key": name}
