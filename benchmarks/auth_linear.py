"""Benchmark: DKIM and ARC re-verification stay linear on hostile input (issue #13).

Run by hand (never in a loop; ratios from one run):

    .venv/bin/python benchmarks/auth_linear.py

For each hostile shape the message is built at size N and 2N and analysed with a key
available (so the whole path runs: tags, key, body hash, header hash, and the diagnosis of
the failure that follows), best of 5. N starts at the listed size and is doubled until the
auth step takes at least 30 ms, so fixed costs do not hide the slope. Linear code gives
t(2N)/t(N) close to 2 (cache effects on multi-megabyte buffers push it up a little);
quadratic code gives 4. Two timings per shape: the auth step alone on a parsed message
(``verify_dkim`` / ``verify_arc``) and the whole ``analyze()``.

Shapes: a white-space run in the body and in a signed header field, under DKIM (relaxed and
simple) and under ARC; a long folded header; thousands of DKIM-Signature fields; thousands
of ARC sets.

The parser's own caps (``Limits.max_header_bytes``, ``max_header_count``) would cut the big
header fields and the thousands of fields short, so the policy raises them, and raises
``max_dkim_signatures`` to check every signature: what is measured is the auth code on the
whole input. (ARC stays capped at 50 sets, RFC 8617 section 4.2.1: beyond that the chain is
refused after reading the instance numbers.) Bodies start above 1 MiB: a smaller body keeps
its canonical form for the diagnosis passes (``KEEP_CANONICAL``), a bigger one is
canonicalized on each pass, so a pair across that size would measure the switch.
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from collections.abc import Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from headerlens import analyze
from headerlens.auth.arc import verify_arc
from headerlens.auth.dkim import verify_dkim
from headerlens.parse import parse
from headerlens.policy import Limits, Policy
from headerlens.resolvers import StaticResolver

AS_OF = dt.datetime(2026, 3, 4, tzinfo=dt.UTC)
B64 = base64.b64encode(bytes(range(256))).decode()


def key_record() -> str:
    k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = k.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()


def dkim_sig(c: str = "relaxed/relaxed", h: str = "from:subject") -> bytes:
    return (
        f"DKIM-Signature: v=1; a=rsa-sha256; c={c}; d=example.com; s=s1;\r\n"
        f" t=1772532000; h={h}; bh={B64[:44]};\r\n b={B64[:340]}\r\n"
    ).encode()


def arc_set(i: int, h: str = "from:subject") -> bytes:
    cv = "none" if i == 1 else "pass"
    return (
        f"ARC-Seal: i={i}; a=rsa-sha256; cv={cv}; d=example.com; s=s1; t=1772532000;\r\n"
        f" b={B64[:340]}\r\n"
        f"ARC-Message-Signature: i={i}; a=rsa-sha256; c=relaxed/relaxed; d=example.com;\r\n"
        f" s=s1; t=1772532000; h={h}; bh={B64[:44]}; b={B64[:340]}\r\n"
        f"ARC-Authentication-Results: i={i}; mx{i}.example.net; spf=pass\r\n"
    ).encode()


HEAD = b"From: Alice <alice@example.com>\r\nTo: bob@example.net\r\n"


def body_spaces(prefix: bytes, n: int, tail: bytes = b"") -> bytes:
    return prefix + HEAD + b"Subject: hello\r\n\r\nx" + b" " * n + tail


SHAPES: dict[str, tuple[str, int, Callable[[int], bytes]]] = {
    "DKIM relaxed: body of N spaces": ("dkim", 1_200_000, lambda n: body_spaces(dkim_sig(), n)),
    "DKIM relaxed: N spaces then CRLF": (
        "dkim",
        1_200_000,
        lambda n: body_spaces(dkim_sig(), n, b"\r\n"),
    ),
    "DKIM relaxed: N blank lines": (
        "dkim",
        300_000,
        lambda n: dkim_sig() + HEAD + b"Subject: x\r\n\r\nx" + b"\r\n \t" * n,
    ),
    "DKIM simple: body of N spaces and tabs": (
        "dkim",
        1_200_000,
        lambda n: body_spaces(dkim_sig("simple/simple"), n // 2, b" \t" * (n // 4)),
    ),
    "DKIM relaxed: signed Subject with N spaces/tabs": (
        "dkim",
        400_000,
        lambda n: dkim_sig() + HEAD + b"Subject: a" + b" \t" * (n // 2) + b"b\r\n\r\nhi\r\n",
    ),
    "DKIM relaxed: Subject folded N times": (
        "dkim",
        100_000,
        lambda n: dkim_sig() + HEAD + b"Subject: a" + b"\r\n  b" * n + b"\r\n\r\nhi\r\n",
    ),
    "DKIM: b= followed by N spaces": (
        "dkim",
        400_000,
        lambda n: dkim_sig().replace(b"\r\n b=", b"\r\n b=" + b" " * n) + HEAD + b"\r\nhi\r\n",
    ),
    "DKIM: N signature fields": (
        "dkim",
        2_000,
        lambda n: dkim_sig() * n + HEAD + b"Subject: x\r\n\r\nhi\r\n",
    ),
    "ARC: body of N spaces": (
        "arc",
        1_200_000,
        lambda n: body_spaces(arc_set(1), n),
    ),
    "ARC: AAR with N spaces/tabs": (
        "arc",
        400_000,
        lambda n: (
            arc_set(1).replace(b"spf=pass", b"spf=pass" + b" \t" * (n // 2))
            + HEAD
            + b"Subject: x\r\n\r\nhi\r\n"
        ),
    ),
    "ARC: signed Subject with N spaces": (
        "arc",
        400_000,
        lambda n: arc_set(1) + HEAD + b"Subject: a" + b" " * n + b"b\r\n\r\nhi\r\n",
    ),
    "ARC: N sets": (
        "arc",
        2_000,
        lambda n: b"".join(arc_set(i) for i in range(n, 0, -1)) + HEAD + b"\r\nhi\r\n",
    ),
}


def best(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    records = {"s1._domainkey.example.com": key_record()}
    big = 1 << 30
    limits = Limits(
        max_input_bytes=big,
        max_header_bytes=big,
        max_header_block_bytes=big,
        max_header_count=1_000_000,
        max_dkim_signatures=1_000_000,
    )
    policy = Policy(resolver=StaticResolver(records), as_of=AS_OF, limits=limits)
    print(f"{'shape':48} {'N':>8} {'step ms':>9} {'2N/N':>5} {'analyze ms':>11} {'2N/N':>5}")
    worst = 0.0
    for label, (kind, n, build) in SHAPES.items():

        def step_of(raw: bytes, kind: str = kind) -> Callable[[], object]:
            message = parse(raw, policy=policy)
            if kind == "dkim":
                return lambda: verify_dkim(message, policy=policy)
            return lambda: verify_arc(message, policy=policy)

        while best(step_of(build(n)), 3) < 0.03 and n < 20_000_000:
            n *= 2
        step_t: list[float] = []
        full_t: list[float] = []
        for size in (n, 2 * n):
            raw = build(size)
            step_t.append(best(step_of(raw)))
            full_t.append(best(lambda raw=raw: analyze(raw, policy=policy)))
        r_step, r_full = step_t[1] / step_t[0], full_t[1] / full_t[0]
        worst = max(worst, r_step)
        print(
            f"{label:48} {n:>8} {step_t[0] * 1e3:9.2f} {r_step:5.2f}"
            f" {full_t[0] * 1e3:11.2f} {r_full:5.2f}"
        )
    print(f"worst auth-step ratio t(2N)/t(N): {worst:.2f} (linear: about 2, quadratic: 4)")


if __name__ == "__main__":
    main()
