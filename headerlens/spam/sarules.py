"""SpamAssassin rule knowledge: our bundled notes, and local rule files only when asked for.

By default a rule name from an ``X-Spam-Status`` field is described from the notes shipped with
headerlens (``data/spamassassin_rules.json``, our own words), and nothing outside the package
is read: the report is the same on every machine. ``Policy(spamassassin_rules=DIR)`` (CLI
``--sa-rules DIR``) adds a SpamAssassin rule set: every ``*.cf`` file under each directory
(Debian keeps the stock rules under ``/usr/share/spamassassin``; ``sa-update`` writes newer
ones under ``/var/lib/spamassassin/<version>``). Two kinds of line matter: ``describe RULE
text`` (the rule's one-line description) and ``score RULE s0 [s1 s2 s3]`` (its default score;
with four values SpamAssassin uses the last one when both Bayes and network tests are on).
Within a directory, files are read in sorted order and a later line overrides an earlier one,
as SpamAssassin itself does; across directories, the first directory that describes or scores
a rule wins. Lines for other languages (``lang xx describe ...``) are ignored.

A rule set is read when :func:`rule_book` is asked for it and again whenever a file under it
was added, removed or changed (size or modification time): the report always reflects the
files as they are, and :class:`RuleSource` (``Report.spamassassin_rules``) names the
directories, the number of files and a SHA-256 of their contents, so two reports can be told
apart by the rule set that described them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from headerlens.errors import InputError
from headerlens.spam.models import RuleSource

__all__ = ["OUR_SOURCE", "RuleBook", "RuleInfo", "bundled_book", "load_rules_dir", "rule_book"]

OUR_SOURCE = "headerlens notes on the Apache SpamAssassin rule set (our words)"

_MAX_FILES = 2_000
_MAX_FILE_BYTES = 4 * 1024 * 1024
_MAX_BOOKS = 8


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What we know of one rule: description, default score, and where that came from."""

    description: str | None
    score: float | None
    source: str


def _is_rule_name(text: str) -> bool:
    return bool(text) and len(text) <= 128 and all(c.isalnum() or c in "_-." for c in text)


@cache
def our_rules(name: str = "spamassassin_rules") -> Mapping[str, str]:
    """Our own short descriptions of common rules (``data/<name>.json``), read-only."""
    text = resources.files("headerlens.spam").joinpath("data", f"{name}.json").read_text("utf-8")
    raw = json.loads(text)
    return MappingProxyType({str(k): str(v) for k, v in raw["rules"].items()})


_UNSEEN = RuleInfo(None, None, "")


class RuleBook:
    """Rule descriptions for one setting of ``Policy.spamassassin_rules``: the local rules (if
    any) first, then our notes. Immutable once built; :meth:`describe` memoises per book."""

    __slots__ = ("_memo", "local", "source")

    def __init__(self, local: Mapping[str, RuleInfo], source: RuleSource) -> None:
        self.local: Mapping[str, RuleInfo] = MappingProxyType(dict(local))
        self.source = source
        self._memo: dict[str, RuleInfo | None] = {}

    def describe(self, name: str) -> RuleInfo | None:
        """The best description of rule ``name``: the local rule files first, then ours."""
        hit = self._memo.get(name, _UNSEEN)
        if hit is not _UNSEEN:
            return hit
        info: RuleInfo | None
        local = self.local.get(name)
        if local is not None and local.description:
            info = local
        else:
            ours = our_rules().get(name)
            if ours is not None:
                info = RuleInfo(ours, local.score if local else None, OUR_SOURCE)
            else:
                info = local
        memo = self._memo
        if len(memo) >= 4096:  # rule names come from the message: keep the memo bounded
            memo.clear()
        memo[name] = info
        return info


@cache
def bundled_book() -> RuleBook:
    """The book of ``Policy.spamassassin_rules=None``: our notes only, no file read."""
    return RuleBook({}, RuleSource())


_Fingerprint = tuple[tuple[int, str, int, int], ...]
_BOOKS: dict[tuple[str, ...], tuple[_Fingerprint, RuleBook]] = {}
"""The rule sets read so far, by directory tuple, with the file fingerprint they were read
at; a changed fingerprint means the files are read again. Bounded (``_MAX_BOOKS``)."""


def rule_book(directories: tuple[str, ...] | None) -> RuleBook:
    """The :class:`RuleBook` for ``Policy.spamassassin_rules`` (``None`` or ``()``: ours only).

    Raises :class:`~headerlens.errors.InputError` when a directory does not exist, is not a
    directory, or a rule file under it cannot be read.
    """
    if not directories:
        return bundled_book()
    files = _rule_files(directories)
    fingerprint = tuple((i, str(p), size, mtime) for i, p, size, mtime in files)
    cached = _BOOKS.get(directories)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    book = _read_book(directories, files)
    if len(_BOOKS) >= _MAX_BOOKS:
        _BOOKS.clear()
    _BOOKS[directories] = (fingerprint, book)
    return book


def _rule_files(directories: tuple[str, ...]) -> list[tuple[int, Path, int, int]]:
    """``(directory number, path, size, mtime_ns)`` of every ``*.cf`` file, in reading order."""
    out: list[tuple[int, Path, int, int]] = []
    for number, base in enumerate(directories):
        root = Path(base)
        try:
            if not root.is_dir():
                why = "no such directory" if not root.exists() else "not a directory"
                raise InputError(f"SpamAssassin rules {base!r}: {why}")
            found = sorted(p for p in root.rglob("*.cf") if p.is_file())
            for path in found:
                st = path.stat()
                out.append((number, path, st.st_size, st.st_mtime_ns))
                if len(out) >= _MAX_FILES:
                    return out
        except OSError as exc:
            why = exc.strerror or type(exc).__name__
            raise InputError(f"SpamAssassin rules {base!r}: {why}") from None
    return out


def _read_book(directories: tuple[str, ...], files: list[tuple[int, Path, int, int]]) -> RuleBook:
    digest = hashlib.sha256()
    per_dir: list[tuple[dict[str, tuple[str, str]], dict[str, float]]] = [
        ({}, {}) for _ in directories
    ]
    read = 0
    for number, path, size, _mtime in files:
        if size > _MAX_FILE_BYTES:
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            why = exc.strerror or type(exc).__name__
            raise InputError(f"SpamAssassin rules: cannot read {str(path)!r}: {why}") from None
        read += 1
        rel = path.relative_to(directories[number]).as_posix()
        digest.update(f"{number}\0{rel}\0{len(data)}\0".encode())
        digest.update(data)
        descs, scores = per_dir[number]
        _read_cf(data.decode("utf-8", "replace"), str(path), descs, scores)
    return RuleBook(
        _merge(per_dir),
        RuleSource(directories=directories, files=read, sha256=digest.hexdigest()),
    )


def _read_cf(
    text: str, path: str, descs: dict[str, tuple[str, str]], scores: dict[str, float]
) -> None:
    """Read ``describe`` and ``score`` lines of one ``.cf`` file (later lines override)."""
    for line in text.splitlines():
        s = line.strip()
        if not s or s[0] == "#":
            continue
        parts = s.split(None, 2)
        if len(parts) < 2:
            continue
        kw = parts[0].lower()
        if kw == "describe" and len(parts) == 3 and _is_rule_name(parts[1]):
            descs[parts[1]] = (parts[2].strip(), path)
        elif kw == "score" and _is_rule_name(parts[1]):
            vals: list[float] = []
            for tok in s.split()[2:]:
                if tok.startswith("#"):
                    break
                try:
                    vals.append(float(tok))
                except ValueError:
                    break
            if vals:
                scores[parts[1]] = vals[-1]


def _merge(
    per_dir: list[tuple[dict[str, tuple[str, str]], dict[str, float]]],
) -> dict[str, RuleInfo]:
    """One entry per rule: the first directory that describes (or scores) it wins."""
    descs: dict[str, tuple[str, str]] = {}
    scores: dict[str, float] = {}
    for d, s in per_dir:
        for name, value in d.items():
            descs.setdefault(name, value)
        for name, score in s.items():
            scores.setdefault(name, score)
    out: dict[str, RuleInfo] = {}
    for name in sorted(set(descs) | set(scores)):
        desc = descs.get(name)
        out[name] = RuleInfo(
            description=desc[0] if desc else None,
            score=scores.get(name),
            source=f"local SpamAssassin rules ({desc[1]})" if desc else "local SpamAssassin rules",
        )
    return out


def load_rules_dir(paths: tuple[str, ...] | list[str | os.PathLike[str]]) -> Mapping[str, RuleInfo]:
    """The rules described or scored under ``paths`` (see the module docstring), read-only.

    Raises :class:`~headerlens.errors.InputError` for a path that is not a readable directory.
    """
    return rule_book(tuple(os.fspath(p) for p in paths)).local
