"""Same bytes, same policy, same report: byte-identical JSON across processes (issue #12).

Two fresh interpreters analyse every sample (and, with ``HEADERLENS_CORPORA`` set, every corpus
message) under the golden policy (pinned ``as_of``, the samples' keys, no rules directory). They
differ in everything a hidden input could come from: ``PYTHONHASHSEED`` (set and dict order),
the time zone, the locale, the working directory and the order the messages are analysed in
(so no state carried from one message to the next can hide). Their JSON must agree byte for
byte.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# The child: analyse the message files named on stdin (one per line), print one JSON object
# {path: report JSON text} (or {path: sha256 of it} with --hash).
CHILD = r"""
import hashlib, importlib.util, json, sys
from pathlib import Path
import headerlens

spec = importlib.util.spec_from_file_location("regen", sys.argv[1])
regen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(regen)
hashed = "--hash" in sys.argv
out = {}
for line in sys.stdin.read().splitlines():
    path = Path(line)
    policy = regen.golden_policy(path)
    text = headerlens.analyze(path, policy=policy).model_dump_json(indent=1)
    out[line] = hashlib.sha256(text.encode("utf-8")).hexdigest() if hashed else text
print(json.dumps(out))
"""

ENVIRONMENTS = (
    {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
    {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "C"},
)


def _run_both(paths: list[Path], tmp_path: Path, *, hashed: bool) -> tuple[dict[str, str], ...]:
    regen = str(REPO / "samples" / "regen_goldens.py")
    procs = []
    for n, extra in enumerate(ENVIRONMENTS):
        cwd = tmp_path / f"run{n}"
        cwd.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONHASH"))}
        env.update(extra)
        order = paths if n == 0 else list(reversed(paths))
        args = [sys.executable, "-c", CHILD, regen] + (["--hash"] if hashed else [])
        proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=cwd,
        )
        procs.append((proc, "\n".join(str(p) for p in order)))
    results = []
    for proc, stdin in procs:
        out, err = proc.communicate(stdin, timeout=900)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out))
    return tuple(results)


def _samples() -> list[Path]:
    samples = REPO / "samples"
    return sorted(
        p
        for p in samples.rglob("*")
        if p.suffix in (".eml", ".txt", ".mbox") and p.is_file() and "keys" not in p.parts
    )


def test_samples_give_byte_identical_json_in_two_processes(tmp_path: Path) -> None:
    paths = _samples()
    first, second = _run_both(paths, tmp_path, hashed=False)
    assert sorted(first) == sorted(second) == sorted(str(p) for p in paths)
    for key in sorted(first):
        if first[key] != second[key]:
            diff = "".join(
                difflib.unified_diff(
                    first[key].splitlines(keepends=True),
                    second[key].splitlines(keepends=True),
                    fromfile=f"{key} (PYTHONHASHSEED=1)",
                    tofile=f"{key} (PYTHONHASHSEED=4242)",
                )
            )
            pytest.fail(f"two runs differ:\n{diff}", pytrace=False)
    print(f"determinism: {len(paths)} samples, byte-identical JSON in both processes")


@pytest.mark.conformance
def test_corpora_give_byte_identical_json_in_two_processes(tmp_path: Path) -> None:
    root = os.environ.get("HEADERLENS_CORPORA")
    if not root or not Path(root).is_dir():
        pytest.skip("HEADERLENS_CORPORA is not set (third-party corpora absent)")
    # Small and varied: CPython's MIME oddities, SpamAssassin's test messages, real bounces.
    sets = ("cpython-test_email/data", "spamassassin/messages", "sisimai-dev/maildir")
    paths = sorted(
        p
        for s in sets
        for p in (Path(root) / s).rglob("*")
        if p.is_file() and p.suffix not in (".md", ".json") and not p.name.startswith(".")
    )
    first, second = _run_both(paths, tmp_path, hashed=True)
    differ = sorted(k for k in first if first[k] != second.get(k))
    print(f"determinism: {len(paths)} corpus messages, {len(differ)} differ")
    assert differ == []
    assert len(first) == len(paths) >= 400
