"""SpamAssassin rule knowledge: a local rules directory when there is one, else our notes.

A SpamAssassin installation keeps its rules as ``*.cf`` files (Debian: under
``/usr/share/spamassassin``; ``sa-update`` writes newer ones under ``/var/lib/spamassassin``).
Two kinds of line matter here: ``describe RULE text`` (the rule's own one-line description)
and ``score RULE s0 [s1 s2 s3]`` (its default score; with four values SpamAssassin uses the
last one when both Bayes and network tests are on). Lines for other languages
(``lang xx describe ...``) are ignored.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["RULES_DIRS", "RuleInfo", "describe", "load_rules_dir", "local_rules", "our_rules"]

RULES_DIRS: tuple[str, ...] = ("/var/lib/spamassassin", "/usr/share/spamassassin")
"""Where to look for a local SpamAssassin rule set (later entries fill gaps left by earlier)."""

_MAX_FILES = 2_000
_MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What we know of one rule: description, default score, and where that came from."""

    description: str | None
    score: float | None
    source: str


def _is_rule_name(text: str) -> bool:
    return bool(text) and len(text) <= 128 and all(c.isalnum() or c in "_-." for c in text)


def load_rules_dir(paths: Iterable[str | os.PathLike[str]]) -> dict[str, RuleInfo]:
    """Read ``describe`` and ``score`` lines from every ``*.cf`` file under ``paths``.

    Missing or unreadable paths are skipped; nothing here raises on bad files.
    """
    descs: dict[str, tuple[str, str]] = {}
    scores: dict[str, float] = {}
    seen = 0
    for base in paths:
        root = Path(base)
        if not root.is_dir():
            continue
        try:
            files = sorted(p for p in root.rglob("*.cf") if p.is_file())
        except OSError:
            continue
        for path in files:
            seen += 1
            if seen > _MAX_FILES:
                break
            try:
                if path.stat().st_size > _MAX_FILE_BYTES:
                    continue
                text = path.read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            for line in text.splitlines():
                s = line.strip()
                if not s or s[0] == "#":
                    continue
                parts = s.split(None, 2)
                if len(parts) < 2:
                    continue
                kw = parts[0].lower()
                if kw == "describe" and len(parts) == 3 and _is_rule_name(parts[1]):
                    descs.setdefault(parts[1], (parts[2].strip(), str(path)))
                elif kw == "score" and _is_rule_name(parts[1]):
                    vals = []
                    for tok in s.split()[2:]:
                        if tok.startswith("#"):
                            break
                        try:
                            vals.append(float(tok))
                        except ValueError:
                            break
                    if vals and parts[1] not in scores:
                        scores[parts[1]] = vals[-1]
    out: dict[str, RuleInfo] = {}
    for name in set(descs) | set(scores):
        d = descs.get(name)
        out[name] = RuleInfo(
            description=d[0] if d else None,
            score=scores.get(name),
            source=f"local SpamAssassin rules ({d[1]})" if d else "local SpamAssassin rules",
        )
    return out


@cache
def local_rules(paths: tuple[str, ...] | None = None) -> dict[str, RuleInfo]:
    """The local rule set (cached per ``paths``; ``None`` means :data:`RULES_DIRS`)."""
    return load_rules_dir(RULES_DIRS if paths is None else paths)


@cache
def our_rules(name: str = "spamassassin_rules") -> dict[str, str]:
    """Our own short descriptions of common rules (``data/<name>.json``)."""
    text = resources.files("headerlens.spam").joinpath("data", f"{name}.json").read_text("utf-8")
    raw = json.loads(text)
    return {str(k): str(v) for k, v in raw["rules"].items()}


OUR_SOURCE = "headerlens notes on the Apache SpamAssassin rule set (our words)"


_DESCRIBED: dict[str, RuleInfo | None] = {}
"""Memo of :func:`describe` per rule name for the rules directories in ``_DESCRIBED_FOR``;
bounded."""
_DESCRIBED_FOR: list[tuple[str, ...] | None] = [None]
_UNSEEN = RuleInfo(None, None, "")


def describe(name: str) -> RuleInfo | None:
    """The best description of rule ``name``: the local rules directory first, then ours."""
    if _DESCRIBED_FOR[0] is not RULES_DIRS:  # another rules directory (tests set one)
        _DESCRIBED.clear()
        _DESCRIBED_FOR[0] = RULES_DIRS
    hit = _DESCRIBED.get(name, _UNSEEN)
    if hit is not _UNSEEN:
        return hit
    info: RuleInfo | None
    local = local_rules(RULES_DIRS).get(name)
    if local is not None and local.description:
        info = local
    else:
        ours = our_rules().get(name)
        if ours is not None:
            info = RuleInfo(ours, local.score if local else None, OUR_SOURCE)
        else:
            info = local
    if len(_DESCRIBED) >= 4096:  # rule names come from the message: keep the memo bounded
        _DESCRIBED.clear()
    _DESCRIBED[name] = info
    return info
