"""Benchmark: decoding all spam headers of a message vs parsing it (run by hand).

    .venv/bin/python benchmarks/spam.py

Prints, per sample in samples/spam/, the median time of ``headerlens.parse.parse`` and of
``headerlens.spam.analyze_spam`` on the parsed message, and their ratio (spam / parse).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

# benchmarks/dkim.py would shadow the dkim package: drop this folder from the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from headerlens.hops.models import HopAnalysis  # noqa: E402
from headerlens.parse import parse  # noqa: E402
from headerlens.policy import Policy  # noqa: E402
from headerlens.spam import analyze_spam  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "spam"


def _median(fn, repeat: int = 300) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    policy = Policy()
    hops = HopAnalysis()
    ratios = []
    for path in sorted(SAMPLES.glob("*.eml")):
        data = path.read_bytes()
        msg = parse(data)
        analyze_spam(msg, policy, hops=hops)  # warm the knowledge cache
        t_parse = _median(lambda data=data: parse(data))
        t_spam = _median(lambda msg=msg: analyze_spam(msg, policy, hops=hops))
        ratios.append(t_spam / t_parse)
        print(
            f"{path.name:50s} parse {t_parse * 1e6:8.1f} us  spam {t_spam * 1e6:8.1f} us"
            f"  ratio {t_spam / t_parse:5.2f}"
        )
    print(f"median ratio spam/parse: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
