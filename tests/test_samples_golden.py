"""Every bundled sample still produces its reviewed golden report (samples/*.golden.json).

When a change alters a report on purpose, run ``python samples/regen_goldens.py`` and review
the diff of the golden files before committing.
"""

from __future__ import annotations

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


@pytest.mark.parametrize("sample", PATHS, ids=[str(p.relative_to(SAMPLES)) for p in PATHS])
def test_sample_matches_golden(sample: Path) -> None:
    golden = json.loads(REGEN.golden_path(sample).read_text(encoding="utf-8"))
    assert REGEN.golden_report(sample) == golden
