"""Regenerate the golden reports of the bundled samples, for review in the diff.

Run from the repository root: ``python samples/regen_goldens.py``. Each sample message
``samples/**/NAME.eml`` (or ``.txt``) gets ``NAME.golden.json`` beside it: the JSON report of
``analyze()`` with the nearest test key file (``samples/arc/keys.json`` for the ARC samples,
``samples/keys.json`` for the others; the two sets use the same DNS names for different keys)
answered by a ``StaticResolver``, so nothing leaves the machine. ``tests/test_samples_golden.py``
checks that the reports still match. Review every changed line before committing.
"""

from __future__ import annotations

import json
import sys
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


def golden_report(sample: Path) -> dict[str, Any]:
    """The report of ``sample`` as JSON data, with the samples' keys."""
    import headerlens

    policy = headerlens.Policy(resolver=headerlens.StaticResolver(sample_keys(sample)))
    data: dict[str, Any] = headerlens.analyze(sample, policy=policy).model_dump(mode="json")
    _mask_clock(data)
    return data


def _mask_clock(report: dict[str, Any]) -> None:
    """Replace times taken from the wall clock (no receipt time to judge against) by "<now>"."""
    if report.get("receipt_time") is None:
        arc = report.get("arc") or {}
        if arc.get("as_of") is not None:
            arc["as_of"] = "<now>"
    for sig in report.get("dkim") or ():
        if sig.get("as_of_source") == "now":
            sig["as_of"] = "<now>"
    if report.get("original"):
        _mask_clock(report["original"])


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
