"""Throughput of ``headerlens.parse`` against the stdlib, over the public corpus.

Run by hand (no pass/fail)::

    HEADERLENS_CORPORA=../shared/corpora .venv/bin/python benchmarks/parse.py [--repeat 3]

Each contender parses every message and reads every header value:

- headerlens: ``parse(data)`` then ``h.value`` for every field (offsets, unfolding, RFC 2047
  decoding, message-level defect checks included);
- ``email.parser.BytesHeaderParser(policy=compat32)`` then ``msg.items()`` (no offsets, no
  decoding);
- ``email.parser.BytesParser(policy=email.policy.default)`` then ``str(v)`` for ``msg.items()``.

The corpus is read into memory first, so disk speed is not measured. Prints messages per
second, MB per second and the ratios headerlens / stdlib (best of ``--repeat`` runs).
"""

from __future__ import annotations

import argparse
import email.policy
import os
import sys
import time
from collections.abc import Callable
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path

# Running this file puts benchmarks/ first on sys.path, where sibling scripts (dkim.py, ...)
# would shadow installed packages of the same name; drop it before importing headerlens.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

from headerlens.parse import parse


def load(root: Path) -> list[bytes]:
    out: list[bytes] = []
    for path in sorted(root.rglob("*")):
        if (
            path.is_file()
            and path.name not in ("PROVENANCE.md",)
            and not path.name.startswith("LICENSE")
        ):
            out.append(path.read_bytes())
    return out


def run_headerlens(messages: list[bytes]) -> int:
    n = 0
    for data in messages:
        for h in parse(data).headers:
            n += len(h.value)
    return n


def run_compat32(messages: list[bytes]) -> int:
    parser = BytesHeaderParser(policy=email.policy.compat32)
    n = 0
    for data in messages:
        for _name, value in parser.parsebytes(data).items():
            n += len(str(value))
    return n


def run_default(messages: list[bytes]) -> int:
    parser = BytesParser(policy=email.policy.default)
    n = 0
    for data in messages:
        msg = parser.parsebytes(data)
        fetch = msg.policy.header_fetch_parse
        for name, raw in msg._headers:  # what msg.items() does, one header at a time
            try:  # some stdlib header classes raise on odd values (CPython 3.11 bugs)
                n += len(str(fetch(name, raw)))
            except Exception:
                n += 1
    return n


def best(fn: Callable[[list[bytes]], int], messages: list[bytes], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(messages)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--corpus", help="folder of messages (default: the public corpus)")
    ap.add_argument("--skip-default", action="store_true", help="skip BytesParser(default)")
    args = ap.parse_args()
    if args.corpus:
        root = Path(args.corpus)
    else:
        base = os.environ.get("HEADERLENS_CORPORA")
        if not base:
            print("set HEADERLENS_CORPORA or pass --corpus", file=sys.stderr)
            return 2
        root = Path(base) / "spamassassin-public-corpus"
    messages = load(root)
    total = sum(len(m) for m in messages)
    print(
        f"corpus: {root} ({len(messages)} messages, {total / 1e6:.1f} MB), best of {args.repeat}",
        flush=True,
    )
    contenders: dict[str, Callable[[list[bytes]], int]] = {
        "headerlens parse()": run_headerlens,
        "stdlib BytesHeaderParser(compat32)": run_compat32,
    }
    results = {name: float("inf") for name in contenders}
    # Rounds interleave the contenders so that load from other processes hits all alike.
    for _ in range(args.repeat):
        for name, fn in contenders.items():
            results[name] = min(results[name], best(fn, messages, 1))
    if not args.skip_default:
        # Slow (about 40x): measured once.
        results["stdlib BytesParser(default)"] = best(run_default, messages, 1)
    for name, secs in results.items():
        print(
            f"{name:38s} {secs:7.3f} s  {len(messages) / secs:9.0f} msg/s"
            f"  {total / secs / 1e6:7.1f} MB/s"
        )
    ours = results["headerlens parse()"]
    for name, secs in results.items():
        if name != "headerlens parse()":
            print(f"ratio headerlens / {name}: {secs / ours:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
