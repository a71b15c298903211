"""The refactoring oracle: a fingerprint of the JSON of ``analyze()`` for every test message.

A refactor that promises "outputs identical" proves it with this script: take a snapshot with
the code before the change, another after, and compare.

    python tests/tools/oracle.py snapshot before.json            # samples + every corpus message
    python tests/tools/oracle.py snapshot after.json --dump out/ # also write each JSON report
    python tests/tools/oracle.py compare before.json after.json  # lists every message that differs
    python tests/tools/oracle.py diff MESSAGE_PATH --other-tree ../other-checkout

The snapshot runs the package that ``import headerlens`` finds (set ``PYTHONPATH`` to point at
another checkout). Corpora come from ``HEADERLENS_CORPORA`` (or ``--corpora``). The samples are
analysed with their test keys exactly as ``samples/regen_goldens.py`` does; corpus messages with
``Policy(as_of=AS_OF)`` so no report depends on the wall clock (``wall_clock`` stays null).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[2]
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)

# Corpus folders holding whole messages (every file below them that is not documentation).
CORPUS_SETS: tuple[str, ...] = (
    "spamassassin-public-corpus",
    "phishing-pot-dev/email",
    "sisimai-dev/maildir",
    "spamassassin/messages",
    "cpython-test_email/data",
    "dkimpy/data",
)
_NOT_MESSAGES = {".md", ".json", ".yml", ".yaml", ".key", ".private", ".pub", ".dns"}


def _regen() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "regen_goldens", REPO / "samples" / "regen_goldens.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_messages(root: Path) -> Iterator[Path]:
    """Every message file of the corpora, in a stable order."""
    for folder in CORPUS_SETS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            if path.name.startswith(("LICENSE", "PROVENANCE", ".")):
                continue
            if path.suffix in _NOT_MESSAGES or "key" in path.name:
                continue
            yield path


def report_json(path: Path, *, sample: bool, regen: ModuleType) -> dict[str, Any]:
    """The JSON report of one message as the oracle sees it."""
    import headerlens

    if sample:
        data: dict[str, Any] = regen.golden_report(path)
        return data
    policy = headerlens.Policy(as_of=AS_OF)
    report = headerlens.analyze(path.read_bytes(), policy=policy)
    result: dict[str, Any] = report.model_dump(mode="json")
    return result


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1)


def snapshot(out: Path, corpora: Path | None, dump: Path | None) -> int:
    regen = _regen()
    entries: dict[str, str] = {}
    jobs: list[tuple[str, Path, bool]] = [
        (f"samples/{p.relative_to(REPO / 'samples')}", p, True) for p in regen.sample_paths()
    ]
    if corpora is not None:
        jobs += [(f"corpora/{p.relative_to(corpora)}", p, False) for p in corpus_messages(corpora)]
    for n, (key, path, is_sample) in enumerate(jobs, 1):
        try:
            text = canonical(report_json(path, sample=is_sample, regen=regen))
        except Exception as exc:  # the oracle records a crash as an outcome of its own
            text = f"CRASH {type(exc).__name__}: {exc}"
        entries[key] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if dump is not None:
            target = dump / (key + ".json")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if n % 1000 == 0:
            print(f"  {n}/{len(jobs)}", file=sys.stderr)
    out.write_text(json.dumps(entries, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(entries)} messages fingerprinted into {out}")
    return 0


def compare(a: Path, b: Path) -> int:
    left = json.loads(a.read_text(encoding="utf-8"))
    right = json.loads(b.read_text(encoding="utf-8"))
    only_a = sorted(set(left) - set(right))
    only_b = sorted(set(right) - set(left))
    differ = sorted(k for k in set(left) & set(right) if left[k] != right[k])
    for k in only_a:
        print(f"only in {a.name}: {k}")
    for k in only_b:
        print(f"only in {b.name}: {k}")
    for k in differ:
        print(f"differs: {k}")
    same = len(set(left) & set(right)) - len(differ)
    print(f"{same} identical, {len(differ)} differ, {len(only_a)}+{len(only_b)} unmatched")
    return 1 if differ or only_a or only_b else 0


def diff(message: Path, other_tree: Path) -> int:
    """Unified diff of one message's JSON report between this tree and ``other_tree``."""
    regen = _regen()
    is_sample = REPO / "samples" in message.resolve().parents
    mine = canonical(report_json(message.resolve(), sample=is_sample, regen=regen))
    env = dict(os.environ, PYTHONPATH=str(other_tree.resolve()))
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import oracle; "
        "from pathlib import Path; "
        f"r = oracle._regen(); p = Path({str(message.resolve())!r}); "
        f"print(oracle.canonical(oracle.report_json(p, sample={is_sample!r}, regen=r)))"
    )
    theirs = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.rstrip("\n")
    lines = difflib.unified_diff(
        theirs.splitlines(), mine.splitlines(), str(other_tree), "this tree", lineterm=""
    )
    out = "\n".join(lines)
    print(out or "identical")
    return 1 if out else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("out", type=Path)
    s.add_argument("--corpora", type=Path, default=os.environ.get("HEADERLENS_CORPORA"))
    s.add_argument("--samples-only", action="store_true")
    s.add_argument("--dump", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    d = sub.add_parser("diff")
    d.add_argument("message", type=Path)
    d.add_argument("--other-tree", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.cmd == "snapshot":
        corpora = None if args.samples_only or not args.corpora else Path(args.corpora)
        return snapshot(args.out, corpora, args.dump)
    if args.cmd == "compare":
        return compare(args.a, args.b)
    return diff(args.message, args.other_tree)


if __name__ == "__main__":
    sys.exit(main())
