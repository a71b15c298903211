"""Benchmark: ``analyze()`` (every step, offline) over every corpus file (run by hand).

    HEADERLENS_CORPORA=../shared/corpora .venv/bin/python -P benchmarks/analyze.py [--repeat 1]

Reads every file under ``$HEADERLENS_CORPORA`` that is a message (the public corpus, the
bounce corpus, the SpamAssassin, dkimpy, ARC and CPython test messages: 6,533 files), then
times ``analyze(data, policy=Policy(as_of=...))`` over all of them, CPU time, least of
``--repeat`` runs, and prints messages per second. No target is set: the figure is reported in
docs/performance.md. No network: the policy is offline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

# benchmarks/dkim.py would shadow the dkim package: drop this folder from the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import headerlens  # noqa: E402
from headerlens.policy import Policy  # noqa: E402

SKIP_NAMES = ("LICENSE", "PROVENANCE", "INDEX", "README", "UPSTREAM")
SKIP_SUFFIXES = {".md", ".json", ".py", ".t", ".pl", ".yml"}


def load(root: Path) -> list[bytes]:
    return [
        p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix not in SKIP_SUFFIXES and not p.name.startswith(SKIP_NAMES)
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    root = os.environ.get("HEADERLENS_CORPORA")
    if not root:
        print("skipped: HEADERLENS_CORPORA is not set")
        return
    messages = load(Path(root))
    policy = Policy(as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    best = float("inf")
    for _ in range(args.repeat):
        c0 = time.process_time()
        for data in messages:
            headerlens.analyze(data, policy=policy)
        best = min(best, time.process_time() - c0)
    mb = sum(map(len, messages)) / 1e6
    print(
        f"analyze() over {len(messages):,} files ({mb:.1f} MB): {best:.2f} s CPU,"
        f" {len(messages) / best:,.0f} messages/s (least of {args.repeat})"
    )


if __name__ == "__main__":
    main()
