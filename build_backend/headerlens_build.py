"""The PEP 517 build backend of headerlens: setuptools, plus what mypyc needs for the optional
compiled build.

With ``HEADERLENS_COMPILE=1`` in the environment, a wheel build also asks for mypy (which
ships mypyc) and for the packages whose types mypyc reads (the runtime dependencies and the
type stubs of ``[project.optional-dependencies] dev``); without it, the build needs setuptools
only, as before. ``setup.py`` does the compiling and falls back to pure Python on any failure.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 - the rest of the backend, unchanged

_STUBS = ("types-python-dateutil",)


def _compile_requires() -> list[str]:
    if os.environ.get("HEADERLENS_COMPILE") != "1":
        return []
    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    return ["mypy>=1.10", *project.get("dependencies", ()), *_STUBS]


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    return [*_setuptools.get_requires_for_build_wheel(config_settings), *_compile_requires()]


def get_requires_for_build_editable(config_settings: dict[str, Any] | None = None) -> list[str]:
    return [*_setuptools.get_requires_for_build_editable(config_settings), *_compile_requires()]
