"""Regenerate the golden reports of the bundled samples, for review in the diff.

Run from the repository root: ``python samples/regen_goldens.py``. Each sample message
``samples/**/NAME.eml`` (or ``.txt``) gets ``NAME.golden.json`` beside it: the JSON report of
``analyze()`` under :func:`golden_policy`, which pins everything a report may depend on
besides the bytes, so the goldens cannot drift with the machine or the date:

- ``as_of`` is :data:`AS_OF`: DKIM and ARC are judged at that time and the wall clock is never
  read (``wall_clock`` is null, and so is every ``expired_now``);
- ``spamassassin_rules`` is ``None``: SpamAssassin rules are described from the bundled notes
  only, whatever is installed on the machine;
- the resolver is a ``StaticResolver`` with the nearest test key file
  (``samples/arc/keys.json`` for the ARC samples, ``samples/keys.json`` for the others; the two
  sets use the same DNS names for different keys), so nothing leaves the machine.

``tests/test_samples_golden.py`` checks that the reports still match and prints a unified diff
when one does not. Review every changed line before committing.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parent
SUFFIXES = (".eml", ".txt")


def sample_paths() -> list[Path]:
    """Every sample message, sorted."""
    return sorted(
        p
        for p in SAMPLES.rglob("*")
        if p.suffix in SUFFIXES and p.is_file() and "keys" not in p.parts
    )


def golden_path(sample: Path) -> Path:
    """Where the golden report of ``sample`` lives."""
    return sample.with_name(sample.stem + ".golden.json")


def sample_keys(sample: Path) -> dict[str, Any]:
    """The key file nearest to ``sample`` (its folder's, else the top-level one)."""
    for folder in (sample.parent, SAMPLES):
        path = folder / "keys.json"
        if path.exists():
            keys: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return keys
    return {}


AS_OF = datetime(2026, 11, 20, tzinfo=UTC)
"""The time every golden report is judged at: after every signed sample was received, and
before the ``x=`` expiry of the Gmail-style signature (``gmail-to-microsoft365.eml``, seven
days), so the goldens show both an expired signature (``dkim/expired.eml``) and a live one."""


def golden_policy(sample: Path) -> Any:
    """The :class:`headerlens.Policy` of ``sample``'s golden report (see the module docstring)."""
    import headerlens

    return headerlens.Policy(
        resolver=headerlens.StaticResolver(sample_keys(sample)),
        as_of=AS_OF,
        spamassassin_rules=None,
    )


def golden_report(sample: Path) -> dict[str, Any]:
    """The report of ``sample`` as JSON data, under :func:`golden_policy`."""
    import headerlens

    report = headerlens.analyze(sample, policy=golden_policy(sample))
    data: dict[str, Any] = report.model_dump(mode="json")
    return data


def dump(data: dict[str, Any]) -> str:
    """Stable text form of a golden report."""
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    changed = 0
    for sample in sample_paths():
        target = golden_path(sample)
        text = dump(golden_report(sample))
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed += 1
            print(f"updated {target.relative_to(SAMPLES.parent)}")
    print(f"{changed} golden report(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
