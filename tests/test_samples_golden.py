"""Every bundled sample still produces its reviewed golden report (samples/*.golden.json).

The goldens are made under ``samples/regen_goldens.py``'s ``golden_policy()``: a fixed
``as_of``, no SpamAssassin rules directory and the samples' own keys, so they hold on any
machine on any date. When a change alters a report on purpose, run
``python samples/regen_goldens.py`` and review the diff of the golden files before committing.
A mismatch fails with a unified diff of the two JSON texts.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _regen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("regen_goldens", SAMPLES / "regen_goldens.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REGEN = _regen()
PATHS = REGEN.sample_paths()


def test_there_are_samples_with_goldens() -> None:
    assert len(PATHS) >= 25
    missing = [str(p) for p in PATHS if not REGEN.golden_path(p).exists()]
    assert missing == []


def test_golden_policy_pins_every_hidden_input() -> None:
    policy = REGEN.golden_policy(PATHS[0])
    assert policy.as_of == REGEN.AS_OF
    assert policy.spamassassin_rules is None
    assert type(policy.resolver).__name__ == "StaticResolver"


def golden_diff(expected: str, actual: str, name: str) -> str:
    """A unified diff of two golden texts, or ``""`` when they are equal."""
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{name} (golden)",
            tofile=f"{name} (now)",
            n=4,
        )
    )


def test_golden_diff_is_readable() -> None:
    a = REGEN.dump({"x": 1, "y": [1, 2]})
    b = REGEN.dump({"x": 2, "y": [1, 2]})
    assert golden_diff(a, b, "s.json").splitlines() == [
        "--- s.json (golden)",
        "+++ s.json (now)",
        "@@ -1,6 +1,6 @@",
        " {",
        '- "x": 1,',
        '+ "x": 2,',
        '  "y": [',
        "   1,",
        "   2",
        "  ]",
    ]
    assert golden_diff(a, a, "s.json") == ""


@pytest.mark.parametrize("sample", PATHS, ids=[str(p.relative_to(SAMPLES)) for p in PATHS])
def test_sample_matches_golden(sample: Path) -> None:
    golden_file = REGEN.golden_path(sample)
    expected = golden_file.read_text(encoding="utf-8")
    actual = REGEN.dump(REGEN.golden_report(sample))
    if actual != expected:
        # Compare as data too, so that only a real difference fails (not key order).
        if json.loads(expected) == json.loads(actual):
            return
        name = str(golden_file.relative_to(SAMPLES.parent))
        pytest.fail(
            f"{name} no longer matches; if the change is intended, run"
            f" `python samples/regen_goldens.py` and review:\n"
            + golden_diff(expected, actual, name),
            pytrace=False,
        )
