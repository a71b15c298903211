"""Shared fixtures: the third-party corpora (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"


def corpora_root() -> Path | None:
    """The folder named by ``HEADERLENS_CORPORA``, or ``None`` when unset or missing."""
    value = os.environ.get("HEADERLENS_CORPORA")
    if not value:
        return None
    path = Path(value)
    return path if path.is_dir() else None


@pytest.fixture
def corpora() -> Path:
    """The corpora folder; the test is skipped when ``HEADERLENS_CORPORA`` is unset."""
    root = corpora_root()
    if root is None:
        pytest.skip("HEADERLENS_CORPORA is not set (third-party corpora absent)")
    return root


@pytest.fixture
def samples() -> Path:
    """The project's own sample messages."""
    return SAMPLES
