"""The optional compiled build (``setup.py``): its module list, and which build the tests run.

``.ci/run`` runs this suite a second time against ``HEADERLENS_COMPILE=1 pip install .`` with
``HEADERLENS_EXPECT_COMPILED=1``: then every module ``setup.py`` compiles must have been
imported from its extension module, not from the checkout, or the second run proves nothing.
"""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import os
from pathlib import Path

import pytest

import headerlens

REPO = Path(__file__).resolve().parents[1]


def _compiled_paths() -> list[str]:
    tree = ast.parse((REPO / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "COMPILED" for t in node.targets
        ):
            paths = ast.literal_eval(node.value)
            assert isinstance(paths, tuple)
            return [str(p) for p in paths]
    raise AssertionError("setup.py has no COMPILED tuple")


def test_every_module_the_build_compiles_exists() -> None:
    # A module renamed or split without updating setup.py would silently stay Python.
    paths = _compiled_paths()
    assert paths, "setup.py compiles nothing"
    missing = [p for p in paths if not (REPO / p).is_file()]
    assert missing == []
    assert len(set(paths)) == len(paths)


@pytest.mark.skipif(
    os.environ.get("HEADERLENS_EXPECT_COMPILED") != "1",
    reason="only in .ci/run's run against the compiled build (HEADERLENS_EXPECT_COMPILED=1)",
)
def test_the_compiled_build_is_the_one_under_test() -> None:
    package = Path(headerlens.__file__).resolve()
    assert not package.is_relative_to(REPO), f"headerlens imported from the checkout: {package}"
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    loaded = {}
    for path in _compiled_paths():
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        loaded[path] = str(module.__file__).endswith(suffixes)
    assert loaded == dict.fromkeys(loaded, True)
