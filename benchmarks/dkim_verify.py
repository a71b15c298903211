"""Benchmark: our DKIM verification of passing signatures vs dkimpy's DKIM.verify().

Same messages, same keys (served from a dict), same run. Run by hand:

    .venv/bin/python benchmarks/dkim.py

Reports, per message shape, the median time of
- dkimpy: ``dkim.DKIM(raw).verify(idx=i, dnsfunc=...)`` for every signature (its own parse);
- ours: ``analyze_dkim`` on an already parsed Message (the pipeline parses once for all areas);
- ours+parse: ``verify_dkim(raw)`` including headerlens' parse and the hop analysis skip
  (``Policy.as_of`` is set, as with dkimpy there is no receipt-time lookup).
Target: ours <= 1.25x dkimpy.
"""

from __future__ import annotations

import base64
import datetime as dt
import statistics
import time

import dkim
import nacl.encoding
import nacl.signing
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from headerlens.auth.dkim import analyze_dkim, verify_dkim
from headerlens.parse import parse
from headerlens.policy import Policy
from headerlens.resolvers import StaticResolver


def keys() -> tuple[bytes, bytes, dict[str, str]]:
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
    return pem, ed.encode(nacl.encoding.Base64Encoder), records


def message(body_kib: int, received: int) -> bytes:
    head = b"".join(
        b"Received: from a%d.example.net (a%d.example.net [192.0.2.%d])\r\n"
        b"\tby b.example.net with ESMTPS id X%d; Tue, 3 Mar 2026 10:00:%02d +0000\r\n"
        % (i, i, i, i, i)
        for i in range(received)
    )
    head += (
        b"From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: numbers\r\n"
        b"Date: Tue, 03 Mar 2026 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
    )
    line = b"The quick brown fox jumps over the lazy dog,   again and again.\r\n"
    return head + line * (body_kib * 1024 // len(line))


def timeit(fn: object, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> None:
    pem, ed_priv, records = keys()
    raw_records = {(k + ".").encode(): v.encode() for k, v in records.items()}

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes | None:
        return raw_records.get(name.lower())

    policy = Policy(resolver=StaticResolver(records), as_of=dt.datetime.now(dt.UTC))
    print(
        f"{'message':40} {'dkimpy ms':>10} {'ours ms':>10} {'ratio':>6}"
        f" {'ours+parse':>11} {'ratio':>6}"
    )
    ratios = []
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
                raw = dkim.sign(raw, b"rsa1", b"example.com", pem, canonicalize=canon) + raw
            else:
                raw = (
                    dkim.sign(
                        raw,
                        b"ed1",
                        b"example.com",
                        ed_priv,
                        canonicalize=canon,
                        signature_algorithm=b"ed25519-sha256",
                    )
                    + raw
                )
        n = len(algs)

        def theirs(raw: bytes = raw, n: int = n) -> None:
            d = dkim.DKIM(raw)
            for i in range(n):
                assert d.verify(idx=i, dnsfunc=dnsfunc)

        msg = parse(raw)

        def ours(msg: object = msg) -> None:
            a = analyze_dkim(msg, policy, resolver=policy.resolver, receipt_time=None)  # type: ignore[arg-type]
            assert all(r.result == "pass" for r in a.results), a.results

        def ours_parse(raw: bytes = raw) -> None:
            assert all(r.result == "pass" for r in verify_dkim(raw, policy=policy))

        repeat = 15 if body_kib >= 500 else 60
        for f in (theirs, ours, ours_parse):
            f()
        t_theirs = timeit(theirs, repeat)
        t_ours = timeit(ours, repeat)
        t_full = timeit(ours_parse, repeat)
        label = (
            f"{body_kib} KiB, {received} Received, {b'/'.join(canon).decode()}, {'+'.join(algs)}"
        )
        ratios.append(t_ours / t_theirs)
        print(
            f"{label:40} {t_theirs * 1e3:10.3f} {t_ours * 1e3:10.3f} {t_ours / t_theirs:6.2f}"
            f" {t_full * 1e3:11.3f} {t_full / t_theirs:6.2f}"
        )
    print(f"worst ratio (ours / dkimpy): {max(ratios):.2f}  (target <= 1.25)")


if __name__ == "__main__":
    main()
