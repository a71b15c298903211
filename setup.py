"""Build script: pure Python by default; ``HEADERLENS_COMPILE=1 pip install .`` compiles the hot
modules with mypyc (docs/performance.md says what it gives).

The compiled build is optional in every way: without ``HEADERLENS_COMPILE=1`` nothing here
runs; with it, a missing mypy, a module mypyc cannot compile, or a machine without a C compiler
makes the build print why and install the pure Python package instead (never fail). The
compiled modules are the same source, so both builds give the same reports (CI compares the
JSON of every corpus message). Pydantic models stay ordinary Python classes: no module that
defines one is compiled.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent

# The hot path of analyze() (docs/performance.md): header splitting, date layouts, addresses,
# encoded words, the MIME tree and its transfer decoding, the Received readers and the hop chain,
# and analyze() itself.
# Not the modules of public functions that take str (parse_date, parse_received): mypyc checks
# argument types itself, with its own TypeError message, before the function's documented one.
COMPILED = (
    "headerlens/analyze.py",
    "headerlens/parse/_date_layouts.py",
    "headerlens/parse/_scan.py",
    "headerlens/parse/_transfer.py",
    "headerlens/parse/addresses.py",
    "headerlens/parse/encoded_words.py",
    "headerlens/parse/headers.py",
    "headerlens/parse/mime.py",
    "headerlens/hops/_checks.py",
    "headerlens/hops/_fast.py",
    "headerlens/hops/_from_clause.py",
    "headerlens/hops/_general.py",
    "headerlens/hops/_knowledge.py",
    "headerlens/hops/_net.py",
    "headerlens/hops/_tokens.py",
    "headerlens/hops/chain.py",
    "headerlens/hops/gateways.py",
    "headerlens/hops/timeline.py",
    "headerlens/hops/trust.py",
)


def _say(text: str) -> None:
    print(f"headerlens build: {text}", file=sys.stderr, flush=True)


class OptionalBuildExt(build_ext):
    """``build_ext`` that falls back to the pure Python package when compiling fails."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, a failed compile or link: stay pure Python
            _say(f"compiling failed ({type(exc).__name__}: {exc}); installing pure Python")
            for path in self.get_outputs():
                if os.path.exists(path):
                    os.remove(path)
            self.extensions = []


def _ext_modules() -> list[object]:
    if os.environ.get("HEADERLENS_COMPILE") != "1":
        return []
    if any(step in sys.argv for step in ("egg_info", "dist_info")):
        return []  # metadata only (pip asks for it before the build requirements are in)
    modules = [m for m in COMPILED if (HERE / m).is_file()]
    missing = sorted(set(COMPILED) - set(modules))
    if missing:
        _say(f"not found, left uncompiled: {', '.join(missing)}")
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        _say(f"mypyc is not available ({exc}); installing pure Python")
        return []
    try:
        extensions: list[object] = mypycify(
            modules, opt_level="3", debug_level="0", multi_file=True, group_name="headerlens"
        )
    except BaseException as exc:  # mypy reports errors by SystemExit
        _say(f"mypyc could not compile ({type(exc).__name__}: {exc}); installing pure Python")
        return []
    _say(f"compiling {len(modules)} modules with mypyc")
    return extensions


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
