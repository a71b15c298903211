"""Every bundled sample analysed once per session, with the samples' test keys."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import headerlens

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SAMPLE_PATHS = sorted(
    p
    for p in SAMPLES.rglob("*")
    if p.suffix in (".eml", ".txt") and p.is_file() and "keys" not in p.parts
)
SAMPLE_IDS = [str(p.relative_to(SAMPLES)) for p in SAMPLE_PATHS]


def _keys(sample: Path) -> dict[str, Any]:
    for folder in (sample.parent, SAMPLES):
        path = folder / "keys.json"
        if path.exists():
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return data
    return {}


@cache
def analyze_sample(path: Path) -> headerlens.Report:
    """The report of one sample, as the goldens are made (offline, with its test keys)."""
    policy = headerlens.Policy(resolver=headerlens.StaticResolver(_keys(path)))
    return headerlens.analyze(path, policy=policy)


@pytest.fixture(scope="session")
def sample_report() -> Callable[[Path], headerlens.Report]:
    """A function from a sample path to its (cached) report."""
    return analyze_sample
