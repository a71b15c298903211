"""Benchmark: nested comments in every header a scanner reads cost linear time (run by hand).

    .venv/bin/python -P benchmarks/scanners.py [--n 20000] [--repeat 3]

For each reader that meets RFC 5322 comments (the address fields From, To, Cc, Reply-To,
Sender and Return-Path; Message-ID, In-Reply-To and References; MIME-Version, MIME parameters
and dispositions; Date; Authentication-Results and ARC-Authentication-Results; Received; a
vendor spam header) it builds one message whose field of that kind holds N nested comments,
closed (``((( ... )))``) or left open (``((( ...``), and the same with 2N. It times
``analyze()`` of each (offline, fixed ``as_of``; least CPU time of ``--repeat`` runs),
subtracts the time of the same message without the comments, and prints the ratio
t(2N)/t(N): about 2 is linear, about 4 quadratic. A field no step reads with a scanner
(Message-ID, In-Reply-To, References today) costs nothing measurable either way.
The fields stay under ``Limits.max_header_bytes`` (256 KiB). No pass/fail: issue #13 asks
for at most 2 on every row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

from headerlens import Policy, analyze

POLICY = Policy(as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
BASE = [
    "Received: from mx.example.org (mx.example.org [192.0.2.1]) by mx.example.net"
    " with ESMTPS id abc; Mon, 1 Jan 2024 10:00:05 +0000",
    "From: Alice <alice@example.org>",
    "To: bob@example.net",
    "Date: Mon, 1 Jan 2024 10:00:00 +0000",
    "Subject: scanners",
    "Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.org",
    "X-Forefront-Antispam-Report: SFV:NSPM;SFS:(13230031)(4636009);DIR:INB",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Disposition: inline; filename=a.txt",
    "Reply-To: Help <help@example.org>",
    "Cc: carol@example.net",
    "Sender: list@example.org",
    "Return-Path: <bounce@example.org>",
    "Message-ID: <abc@example.org>",
    "In-Reply-To: <prev@example.org>",
    "References: <first@example.org> <prev@example.org>",
    "ARC-Authentication-Results: i=1; mx.example.net; spf=pass smtp.mailfrom=example.org",
    "MIME-Version: 1.0",
]

# Where the comments go, field by field: (field name, value with {c} where they stand).
CASES: tuple[tuple[str, str], ...] = (
    ("From", "Alice {c}<alice@example.org>"),
    ("To", "bob@example.net {c}"),
    ("Date", "Mon, 1 Jan 2024 10:00:00 +0000 {c}"),
    ("Content-Type", "text/plain; {c} charset=utf-8"),
    ("Content-Disposition", "inline {c}; filename=a.txt"),
    ("Authentication-Results", "mx.example.net; spf=pass {c} smtp.mailfrom=example.org"),
    (
        "Received",
        "from mx.example.org {c} (mx.example.org [192.0.2.1]) by mx.example.net"
        " with ESMTPS id abc; Mon, 1 Jan 2024 10:00:05 +0000",
    ),
    ("X-Forefront-Antispam-Report", "SFV:NSPM;SFS:(13230031){c}(4636009);DIR:INB"),
    ("Reply-To", "Help {c}<help@example.org>"),
    ("Cc", "carol@example.net {c}"),
    ("Sender", "{c} list@example.org"),
    ("Return-Path", "<bounce@example.org> {c}"),
    ("Message-ID", "{c} <abc@example.org>"),
    ("In-Reply-To", "<prev@example.org> {c}"),
    ("References", "<first@example.org> {c} <prev@example.org>"),
    ("ARC-Authentication-Results", "i=1; mx.example.net; spf=pass {c} smtp.mailfrom=example.org"),
    ("MIME-Version", "1.0 {c}"),
)


def _message(field: str, value: str) -> bytes:
    lines = [f"{field}: {value}" if line.split(":", 1)[0] == field else line for line in BASE]
    return ("\r\n".join(lines) + "\r\n\r\nbody\r\n").encode()


def _cpu(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="nesting depth N (default 20000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing (least CPU time)")
    args = ap.parse_args()
    n = args.n
    shapes = {
        "closed": lambda k: "(" * k + "x" + ")" * k,
        "open": lambda k: "(" * k + "x",
    }
    print(f"{'field':30} {'comments':8} {'t(N) ms':>9} {'t(2N) ms':>9} {'ratio':>6}")
    for field, template in CASES:
        base = _message(field, template.format(c=""))
        t0 = _cpu(lambda data=base: analyze(data, policy=POLICY), args.repeat)
        for shape, make in shapes.items():
            times = []
            for k in (n, 2 * n):
                data = _message(field, template.format(c=make(k)))
                times.append(_cpu(lambda data=data: analyze(data, policy=POLICY), args.repeat) - t0)
            ratio = times[1] / times[0] if times[0] > 0 else float("nan")
            print(f"{field:30} {shape:8} {times[0] * 1e3:9.2f} {times[1] * 1e3:9.2f} {ratio:6.2f}")


if __name__ == "__main__":
    main()
