"""Benchmark: thousands of MIME parts cost linear time (issue #13; run by hand).

    .venv/bin/python -P benchmarks/mime_parts.py [--n 2000] [--repeat 3]

Each shape is a message with N parts and the same with 2N; the script times ``analyze()``
(offline, fixed ``as_of``; least CPU time of ``--repeat`` runs) and, apart, building and
walking the MIME tree alone (``parse(raw).mime`` and every part of it), and prints the ratios
t(2N)/t(N): about 2 is linear, about 4 quadratic. No pass/fail.

Two policies: ``Limits.max_mime_parts`` raised above 2N, so every part is read, and the default
(1,000 parts), where the rest of the message must still cost no more than reading past it.

Shapes: N text parts side by side; N base64 attachments with file names; N parts each inside
its own multipart/alternative (two levels); N parts whose boundary lines carry transport
padding and whose headers are folded; a delivery report (RFC 3464) with N recipients in its
message/delivery-status part.
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
from headerlens.parse import parse
from headerlens.policy import Limits

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
HEAD = (
    "Received: from mx.example.org (mx.example.org [192.0.2.1]) by mx.example.net"
    " with ESMTPS id abc; Mon, 1 Jan 2024 10:00:05 +0000\r\n"
    "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\n"
    "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
)


def _multipart(parts: list[str], subtype: str = "mixed", boundary: str = "b0") -> str:
    body = "".join(f"--{boundary}\r\n{p}\r\n" for p in parts)
    return (
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'
        f"preamble\r\n{body}--{boundary}--\r\n"
    )


def text_parts(n: int) -> bytes:
    parts = [f"Content-Type: text/plain; charset=utf-8\r\n\r\npart {i}" for i in range(n)]
    return (HEAD + _multipart(parts)).encode()


def attachments(n: int) -> bytes:
    parts = [
        f'Content-Type: application/octet-stream; name="f{i}.bin"\r\n'
        f'Content-Disposition: attachment; filename="f{i}.bin"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQoLDA0ODw=="
        for i in range(n)
    ]
    return (HEAD + _multipart(parts)).encode()


def nested(n: int) -> bytes:
    inner = _multipart(
        [
            "Content-Type: text/plain\r\n\r\nplain",
            "Content-Type: text/html\r\n\r\n<p>html</p>",
        ],
        "alternative",
        "b1",
    )
    return (HEAD + _multipart([inner] * n)).encode()


def padded(n: int) -> bytes:
    parts = [
        f"Content-Type: text/plain;\r\n charset=utf-8;\r\n\tformat=flowed\r\n\r\npart {i}"
        for i in range(n)
    ]
    raw = HEAD + _multipart(parts)
    return raw.replace("--b0\r\n", "--b0 \t \r\n").encode()


def delivery_report(n: int) -> bytes:
    recipients = "".join(
        f"Final-Recipient: rfc822; user{i}@example.net\r\nAction: failed\r\n"
        f"Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 unknown user{i}\r\n\r\n"
        for i in range(n)
    )
    parts = [
        "Content-Type: text/plain\r\n\r\nDelivery failed.",
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n\r\n" + recipients,
    ]
    head = HEAD.replace("From: Alice <alice@example.org>", "From: MAILER-DAEMON@example.net")
    return (head + _multipart(parts, 'report; report-type="delivery-status"')).encode()


SHAPES: dict[str, Callable[[int], bytes]] = {
    "N text parts": text_parts,
    "N base64 attachments": attachments,
    "N multipart/alternative parts": nested,
    "N padded boundaries, folded headers": padded,
    "delivery report, N recipients": delivery_report,
}


def _cpu(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def _walk(raw: bytes, policy: Policy) -> int:
    count = 0
    stack = [parse(raw, policy=policy).mime]
    while stack:
        part = stack.pop()
        if part is None:
            continue
        count += 1
        stack.extend(part.children)
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2_000, help="parts N (default 2000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing (least CPU time)")
    args = ap.parse_args()
    n = args.n
    raised = Limits(max_mime_parts=10 * n, max_bounce_recipients=10 * n)
    policies = {
        "raised": Policy(as_of=AS_OF, limits=raised),
        "default": Policy(as_of=AS_OF),
    }
    print(
        f"{'shape':38} {'limits':8} {'N':>6} {'tree ms':>9} {'2N/N':>5}"
        f" {'analyze ms':>11} {'2N/N':>5}"
    )
    analyze(text_parts(n), policy=policies["raised"])  # warm up: imports, knowledge files
    for label, build in SHAPES.items():
        for pname, policy in policies.items():
            tree: list[float] = []
            full: list[float] = []
            for k in (n, 2 * n):
                raw = build(k)
                tree.append(_cpu(lambda raw=raw, p=policy: _walk(raw, p), args.repeat))
                full.append(_cpu(lambda raw=raw, p=policy: analyze(raw, policy=p), args.repeat))
            print(
                f"{label:38} {pname:8} {n:>6} {tree[0] * 1e3:9.2f} {tree[1] / tree[0]:5.2f}"
                f" {full[0] * 1e3:11.2f} {full[1] / full[0]:5.2f}"
            )


if __name__ == "__main__":
    main()
