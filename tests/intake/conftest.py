"""Shared helpers for the intake tests: the samples with their keys, a fixed clock."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import headerlens

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
DATA = Path(__file__).resolve().parent / "data"
AS_OF = dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)


def sample_paths() -> list[Path]:
    """Every sample message (the same list the golden test walks)."""
    return sorted(
        p
        for p in SAMPLES.rglob("*")
        if p.suffix in (".eml", ".txt") and p.is_file() and "keys" not in p.parts
    )


def sample_policy(sample: Path) -> headerlens.Policy:
    """The sample's test keys (as samples/regen_goldens.py uses them) and a fixed clock."""
    for folder in (sample.parent, SAMPLES):
        keys = folder / "keys.json"
        if keys.exists():
            records = json.loads(keys.read_text(encoding="utf-8"))
            break
    else:  # pragma: no cover
        records = {}
    return headerlens.Policy(resolver=headerlens.StaticResolver(records), as_of=AS_OF)


def without(data: Any, keys: frozenset[str]) -> Any:
    """``data`` (JSON) with every member named in ``keys`` removed, at any depth."""
    if isinstance(data, dict):
        return {k: without(v, keys) for k, v in data.items() if k not in keys}
    if isinstance(data, list):
        return [without(v, keys) for v in data]
    return data


@pytest.fixture
def strip_keys() -> Callable[[Any, frozenset[str]], Any]:
    """:func:`without`, for the test modules (conftest helpers are not importable)."""
    return without


@pytest.fixture
def policy_for() -> Callable[[Path], headerlens.Policy]:
    """:func:`sample_policy`, for the test modules."""
    return sample_policy


@pytest.fixture
def msg_data() -> Path:
    """The folder of third-party Outlook .msg files (see its PROVENANCE.md)."""
    return DATA / "msg"
