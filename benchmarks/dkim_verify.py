"""Benchmark: what a caller of verify_dkim() pays, against dkimpy's DKIM.verify() (issue #18).

Run by hand (never in a loop; ratios from one run):

    HEADERLENS_CORPORA=../shared/corpora .venv/bin/python benchmarks/dkim_verify.py

Both sides start from the raw message bytes and a key map, and do everything their caller
would otherwise have to do:

- dkimpy: ``dkim.DKIM(raw)`` (its own parse), then ``.verify(idx=i, dnsfunc=...)`` for each
  signature of the message;
- headerlens: ``verify_dkim(raw, policy=...)``: parse, every signature re-verified, the
  diagnosis of any failure, alignment with From, the result models.

The headline set is the five passing signatures of dkimpy's own test corpus
(``corpora/dkimpy``: the RFC 8463 message with its ed25519 and RSA signatures, the RSA-only
one, a Gmail message, an Exim ed25519 one), 20 rounds each. Rounds interleave the two sides
and each message keeps its best time per side, so a busy machine slows both alike. Two
policies: ``Policy.as_of`` pinned (like for like: dkimpy has no notion of receipt time), and
the default, where verify_dkim also finds the time the message was received (RFC 6376
section 3.5 judges x= and t= then) with ``headerlens.hops.receipt.receipt_time``: the trust
boundary's receipt time without the rest of the hop analysis, parsing only the Received
fields the boundary walk reaches. Then the same comparison on generated messages of other
shapes (bigger bodies, canonicalizations, more Received fields).
Target: at most 1.25x dkimpy.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import dkim
import nacl.encoding
import nacl.signing
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from headerlens.auth.dkim import verify_dkim
from headerlens.policy import Policy
from headerlens.resolvers import StaticResolver

ROUNDS = 20
REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.datetime(2026, 3, 4, tzinfo=dt.UTC)

DnsFunc = Callable[..., bytes | None]


class Case:
    """One message: its bytes, how many signatures dkimpy checks, the keys."""

    def __init__(self, label: str, raw: bytes, count: int, records: dict[str, str]) -> None:
        self.label = label
        self.raw = raw
        self.count = count
        keymap = {(k + ".").encode(): v.encode() for k, v in records.items()}
        self.dnsfunc: DnsFunc = lambda name, timeout=5: keymap.get(name.lower())
        resolver = StaticResolver(records)
        self.pinned = Policy(resolver=resolver, as_of=AS_OF)
        self.default = Policy(resolver=resolver)

    def dkimpy(self) -> None:
        d = dkim.DKIM(self.raw)
        for i in range(self.count):
            assert d.verify(idx=i, dnsfunc=self.dnsfunc)

    def ours(self, policy: Policy) -> None:
        results = verify_dkim(self.raw, policy=policy)
        assert all(r.result == "pass" for r in results[: self.count]), results


def corpus_cases(root: Path) -> list[Case]:
    cases = json.loads((root / "expected.json").read_text())["dkim_verify_cases"]
    out = []
    for c in cases:
        if c["expected"] != "pass":
            continue
        count = len(c.get("expected_per_signature") or [c["expected"]])
        raw = (root / c["message"]).read_bytes()
        out.append(Case(c["id"], raw, count, c["dns"]))
    return out


def generated_cases() -> list[Case]:
    k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = k.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = k.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    ed = nacl.signing.SigningKey.generate()
    records = {
        "rsa1._domainkey.example.com": "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode(),
        "ed1._domainkey.example.com": "v=DKIM1; k=ed25519; p="
        + ed.verify_key.encode(nacl.encoding.Base64Encoder).decode(),
    }
    ed_priv = ed.encode(nacl.encoding.Base64Encoder)
    out = []
    for body_kib, received, canon, algs in [
        (2, 3, (b"relaxed", b"relaxed"), ("rsa",)),
        (50, 8, (b"relaxed", b"relaxed"), ("rsa",)),
        (50, 8, (b"simple", b"simple"), ("rsa",)),
        (50, 8, (b"relaxed", b"relaxed"), ("ed",)),
        (50, 8, (b"relaxed", b"simple"), ("rsa", "ed")),
        (500, 20, (b"relaxed", b"relaxed"), ("rsa",)),
    ]:
        raw = message(body_kib, received)
        for alg in algs:
            if alg == "rsa":
                sig = dkim.sign(raw, b"rsa1", b"example.com", pem, canonicalize=canon)
            else:
                sig = dkim.sign(
                    raw,
                    b"ed1",
                    b"example.com",
                    ed_priv,
                    canonicalize=canon,
                    signature_algorithm=b"ed25519-sha256",
                )
            raw = sig + raw
        label = (
            f"{body_kib} KiB, {received} Received, {b'/'.join(canon).decode()}, {'+'.join(algs)}"
        )
        case = Case(label, raw, len(algs), records)
        # dkimpy stamps t= with the current time: judge as of now, not a fixed date
        case.pinned = Policy(resolver=StaticResolver(records), as_of=dt.datetime.now(dt.UTC))
        out.append(case)
    return out


def message(body_kib: int, received: int) -> bytes:
    # Received a minute after now: dkimpy stamps t= with the current time, and the default
    # policy judges t= as of the receipt time.
    stamp = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
    head = b"".join(
        b"Received: from a%d.example.net (a%d.example.net [192.0.2.%d])\r\n"
        b"\tby b.example.net with ESMTPS id X%d; %s\r\n" % (i, i, i, i, stamp.encode())
        for i in range(received)
    )
    head += (
        b"From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: numbers\r\n"
        b"Date: Tue, 03 Mar 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
    )
    line = b"The quick brown fox jumps over the lazy dog,   again and again.\r\n"
    return head + line * (body_kib * 1024 // len(line))


def measure(cases: list[Case], rounds: int) -> dict[str, list[float]]:
    """Best time per case and side over ``rounds`` interleaved rounds."""
    sides: dict[str, Callable[[Case], None]] = {
        "dkimpy": Case.dkimpy,
        "pinned": lambda c: c.ours(c.pinned),
        "default": lambda c: c.ours(c.default),
    }
    best = {side: [float("inf")] * len(cases) for side in sides}
    for case in cases:  # warm up (key parsing caches in dkimpy, first imports)
        for fn in sides.values():
            fn(case)
    for _ in range(rounds):
        for i, case in enumerate(cases):
            for side, fn in sides.items():
                t = time.perf_counter()
                fn(case)
                best[side][i] = min(best[side][i], time.perf_counter() - t)
    return best


def report(title: str, cases: list[Case], best: dict[str, list[float]]) -> tuple[float, float]:
    print(title)
    head = f"{'message':44} {'dkimpy us':>10} {'ours us':>9} {'ratio':>6}"
    print(head + f" {'default us':>11} {'ratio':>6}")
    for i, case in enumerate(cases):
        a, b, c = best["dkimpy"][i], best["pinned"][i], best["default"][i]
        print(
            f"{case.label:44} {a * 1e6:10.0f} {b * 1e6:9.0f} {b / a:6.2f}"
            f" {c * 1e6:11.0f} {c / a:6.2f}"
        )
    total = sum(best["dkimpy"])
    pinned, default = sum(best["pinned"]) / total, sum(best["default"]) / total
    print(f"all: {pinned:.2f}x with Policy.as_of, {default:.2f}x with the default policy\n")
    return pinned, default


def main() -> None:
    corpora = Path(os.environ.get("HEADERLENS_CORPORA", REPO.parent / "shared" / "corpora"))
    corpus = corpus_cases(corpora / "dkimpy")
    signatures = sum(c.count for c in corpus)
    pinned, default = report(
        f"dkimpy corpus: {signatures} passing signatures in {len(corpus)} messages,"
        f" best of {ROUNDS} rounds",
        corpus,
        measure(corpus, ROUNDS),
    )
    generated = generated_cases()
    report("generated messages (signed by dkimpy)", generated, measure(generated, 10))
    print(f"target <= 1.25x dkimpy: {pinned:.2f}x (as_of pinned), {default:.2f}x (default)")


if __name__ == "__main__":
    main()
