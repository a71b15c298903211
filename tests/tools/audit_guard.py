"""Run ``analyze()`` under a ``sys.addaudithook`` guard and report every hidden input it used.

Used by ``tests/test_no_hidden_inputs.py`` in a subprocess, because an audit hook cannot be
removed once added (PEP 578) and must not disturb the rest of the test suite::

    python tests/tools/audit_guard.py samples            # every sample, two policies
    python tests/tools/audit_guard.py corpus DIR...      # every message file under DIR
    python tests/tools/audit_guard.py planted-rules DIR  # a policy naming a rules directory
    python tests/tools/audit_guard.py planted-dns PORT   # a live resolver at 127.0.0.1:PORT

It prints one JSON object: ``{"messages": N, "violations": [[event, detail], ...]}``. A
violation is

- an ``open`` (or directory listing) of a path that is neither inside the ``headerlens``
  package, nor the message file being analysed, nor a Python module being imported (a
  ``.py``/``.pyc``/extension file, a package folder or a ``sys.path`` entry itself, or the
  ``*.dist-info`` metadata pydantic reads once to find its plugins), nor the data file of a
  dependency that headerlens declares (the Public Suffix List shipped in
  ``publicsuffixlist``, the Unicode confusables and scripts tables shipped in
  ``confusable_homoglyphs``: fixed by the installed version, like the code itself);
- any ``socket.*`` event (creating a socket, connect, getaddrinfo, sendto, ...);
- any new process: ``subprocess.Popen``, ``os.system``, ``os.exec``, ``os.spawn``,
  ``os.posix_spawn``, ``os.fork``.

The hook is installed before ``headerlens`` is imported, so reads at import time count too.
Every report must also have ``wall_clock`` null under a policy with ``as_of``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

_VIOLATIONS: list[tuple[str, str]] = []
_STATE: dict[str, Any] = {"input": None, "active": False}
_MODULE_SUFFIXES = (".py", ".pyc", ".so", ".pyd", ".pth")
_PROCESS_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn")
_PROCESS_EVENTS_EXACT = ("os.fork", "os.forkpty")


def _real(path: object) -> str | None:
    if isinstance(path, int):
        return None  # an already open descriptor: its open() was seen
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        return None
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return str(path)


_ROOTS: dict[str, tuple[str, ...]] = {}


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


#: Declared dependencies whose packaged data files headerlens reads (see the module docstring).
DATA_DEPENDENCIES = ("publicsuffixlist", "confusable_homoglyphs")


def _allowed(path: str) -> bool:
    if _under(path, _ROOTS["package"]) or _under(path, _ROOTS["data"]):
        return True
    if _STATE["input"] is not None and path == _STATE["input"]:
        return True
    if path in _ROOTS["entries"]:
        return True  # the import system probing a sys.path entry (a zip, a path hook)
    if _under(path, _ROOTS["code"]):
        # An import: a module file, the listing of a folder on sys.path (FileFinder), or
        # distribution metadata (pydantic looks up its plugins' entry points once).
        if path.endswith(_MODULE_SUFFIXES) or os.path.isdir(path):
            return True
        return any(part.endswith((".dist-info", ".egg-info")) for part in path.split(os.sep))
    return False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _STATE["active"]:
        return
    if event == "open":
        path = _real(args[0])
        if path is not None and not _allowed(path):
            _VIOLATIONS.append((event, path))
    elif event in ("os.listdir", "os.scandir"):
        path = _real(args[0] if args and args[0] is not None else ".")
        if path is not None and not _allowed(path):
            _VIOLATIONS.append((event, path))
    elif event.startswith(("socket.", *_PROCESS_EVENTS)) or event in _PROCESS_EVENTS_EXACT:
        _VIOLATIONS.append((event, repr(args)[:200]))


def _install() -> None:
    here = Path(__file__).resolve().parents[2]
    code_roots = {os.path.realpath(p) for p in sys.path if p and os.path.isdir(p)}
    code_roots |= {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    code_roots.discard(os.path.realpath(here))  # the checkout itself is not "code"
    code_roots.discard(os.path.realpath(os.getcwd()))
    import importlib.util

    spec = importlib.util.find_spec("headerlens")
    assert spec is not None
    assert spec.submodule_search_locations is not None
    package = tuple(os.path.realpath(p) for p in spec.submodule_search_locations)
    data: tuple[str, ...] = ()
    for dependency in DATA_DEPENDENCIES:
        dep = importlib.util.find_spec(dependency)
        if dep is not None and dep.submodule_search_locations is not None:
            data += tuple(os.path.realpath(p) for p in dep.submodule_search_locations)
    _ROOTS["package"] = package
    _ROOTS["data"] = data
    _ROOTS["code"] = tuple(sorted(code_roots))
    _ROOTS["entries"] = tuple(os.path.realpath(p) for p in sys.path if p)
    sys.addaudithook(_hook)
    _STATE["active"] = True


def _analyze(path: Path, policy: Any) -> dict[str, Any]:
    import headerlens

    _STATE["input"] = os.path.realpath(path)
    try:
        report = headerlens.analyze(path, policy=policy)
        data: dict[str, Any] = report.model_dump(mode="json")
    finally:
        _STATE["input"] = None
    return data


def _samples() -> list[Path]:
    samples = Path(__file__).resolve().parents[2] / "samples"
    return sorted(
        p
        for p in samples.rglob("*")
        if p.suffix in (".eml", ".txt", ".mbox") and p.is_file() and "keys" not in p.parts
    )


def run_samples() -> int:
    import datetime as dt

    import headerlens

    pinned = headerlens.Policy(as_of=dt.datetime(2026, 11, 20, tzinfo=dt.UTC))
    count = 0
    _STATE["active"] = False  # listing the samples is the guard's doing, not analyze()'s
    paths = _samples()
    _STATE["active"] = True
    for path in paths:
        for policy in (headerlens.Policy(), pinned):
            data = _analyze(path, policy)
            count += 1
            if policy is pinned and data["wall_clock"] is not None:
                _VIOLATIONS.append(("clock", f"{path}: wall clock read under as_of"))
    return count


def run_corpus(folders: list[str]) -> int:
    import datetime as dt

    import headerlens

    policy = headerlens.Policy(as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    count = 0
    for folder in folders:
        _STATE["active"] = False  # listing the corpus is the test's doing, not analyze()'s
        files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
        _STATE["active"] = True
        for path in files:
            if path.name.startswith(("LICENSE", "PROVENANCE", ".")) or path.suffix in (
                ".md",
                ".json",
            ):
                continue
            data = _analyze(path, policy)
            count += 1
            if data["wall_clock"] is not None:
                _VIOLATIONS.append(("clock", f"{path}: wall clock read under as_of"))
    return count


def run_planted_rules(rules_dir: str) -> int:
    import headerlens

    message = (
        b"From: a@example.org\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
        b"X-Spam-Status: Yes, score=9.1 required=5.0 tests=BAYES_99,LOCAL_RULE\r\n\r\nbody\r\n"
    )
    headerlens.analyze(message, policy=headerlens.Policy(spamassassin_rules=rules_dir))
    return 1


def run_planted_dns(port: str) -> int:
    import headerlens
    from headerlens.resolvers import DnsResolver

    live = DnsResolver(["127.0.0.1"], port=int(port), timeout=0.2, lifetime=0.5)
    sample = Path(__file__).resolve().parents[2] / "samples" / "dkim" / "good-rsa.eml"
    _analyze(sample, headerlens.Policy(resolver=live))
    return 1


def main(argv: list[str]) -> int:
    mode, rest = argv[0], argv[1:]
    _install()
    runners = {
        "samples": lambda: run_samples(),
        "corpus": lambda: run_corpus(rest),
        "planted-rules": lambda: run_planted_rules(rest[0]),
        "planted-dns": lambda: run_planted_dns(rest[0]),
    }
    count = runners[mode]()
    _STATE["active"] = False
    seen: dict[tuple[str, str], None] = dict.fromkeys(_VIOLATIONS)
    print(json.dumps({"messages": count, "violations": [list(v) for v in seen]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
