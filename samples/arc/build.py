"""Regenerate the ARC samples: a message forwarded through a mailing list, ARC-sealed.

    .venv/bin/python samples/arc/build.py

Writes, next to this script:

- ``forwarded-list-valid-chain.eml``: example.com signs (DKIM); lists.example.org seals
  instance 1 on arrival, appends its footer, seals instance 2; fwd.example.net seals
  instance 3; mx.example.net records dmarc=fail but arc=pass. Valid chain, oldest-pass 2.
- ``forwarded-list-broken-chain.eml``: the same route, but the text was changed after
  fwd.example.net sealed it (the newest ARC-Message-Signature fails: cv=fail, instance 3).
- ``keys.json``: the DNS TXT records (name -> record) that verify both, for
  ``StaticResolver`` or ``headerlens --keys``.

The signing keys are the project's test keys in ``keys/`` (made on first run; they protect
nothing). All times are fixed, so a rebuild with the same keys gives the same bytes.
Addresses and names follow RFC 2606/5737 (example.*, 192.0.2.0/24).
"""

from __future__ import annotations

import base64
import contextlib
import json
import types
from collections.abc import Iterator
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

HERE = Path(__file__).resolve().parent
KEYS = HERE / "keys"
T0 = 1772532000  # 2026-03-03 10:00:00 UTC

SIGNERS = {
    "example.com": "s2026",
    "lists.example.org": "arc2026",
    "fwd.example.net": "arc2026",
}

ORIGIN = (
    b"From: Alice Example <alice@example.com>\r\n"
    b"To: Project list <project@lists.example.org>\r\n"
    b"Subject: Minutes of the March meeting\r\n"
    b"Date: Tue, 03 Mar 2026 09:58:00 +0000\r\n"
    b"Message-ID: <minutes-0303@example.com>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Hello all,\r\n"
    b"\r\n"
    b"the minutes of Tuesday's meeting are on the wiki. Next meeting: 17 March.\r\n"
    b"\r\n"
    b"Alice\r\n"
)

FOOTER = (
    b"_______________________________________________\r\n"
    b"Project mailing list -- project@lists.example.org\r\n"
    b"To unsubscribe send an email to project-leave@lists.example.org\r\n"
)


@contextlib.contextmanager
def clock(at: int) -> Iterator[None]:
    """dkimpy reads time.time() for DKIM t=; pin it so the output is reproducible."""
    real = dkim.time
    dkim.time = types.SimpleNamespace(time=lambda: at)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        dkim.time = real  # type: ignore[attr-defined]


def load_key(domain: str) -> bytes:
    KEYS.mkdir(exist_ok=True)
    path = KEYS / f"{domain}.pem"
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
        )
    return path.read_bytes()


def txt_record(pem: bytes) -> str:
    key = serialization.load_pem_private_key(pem, password=None)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()


def hop(message: bytes, sealer: str, srv: str, results: str, at: int, peer: str) -> bytes:
    received = (
        f"Received: from {peer} ({peer} [192.0.2.{at % 200 + 1}])\r\n"
        f"\tby {srv} with ESMTPS id {at:x}; Tue, 03 Mar 2026 "
        f"{(at - T0) // 3600 + 10:02d}:{(at - T0) // 60 % 60:02d}:00 +0000\r\n"
    ).encode()
    message = f"Authentication-Results: {srv}; {results}\r\n".encode() + received + message
    arc = dkim.arc_sign(
        message,
        SIGNERS[sealer].encode(),
        sealer.encode(),
        load_key(sealer),
        srv.encode(),
        timestamp=at,
    )
    return b"".join(arc) + message


def build() -> dict[str, bytes]:
    with clock(T0 - 120):
        signed = (
            dkim.sign(
                ORIGIN,
                SIGNERS["example.com"].encode(),
                b"example.com",
                load_key("example.com"),
                include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
            )
            + ORIGIN
        )
    m = hop(
        signed,
        "lists.example.org",
        "mx.lists.example.org",
        "arc=none; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com;"
        " dmarc=pass header.from=example.com",
        T0,
        "mail.example.com",
    )
    m = hop(
        m + FOOTER,
        "lists.example.org",
        "out.lists.example.org",
        "arc=pass; spf=pass smtp.mailfrom=example.com",
        T0 + 60,
        "mx.lists.example.org",
    )
    m = hop(
        m,
        "fwd.example.net",
        "mx.fwd.example.net",
        "arc=pass; spf=pass smtp.mailfrom=lists.example.org; dkim=fail header.d=example.com;"
        " dmarc=fail header.from=example.com",
        T0 + 120,
        "out.lists.example.org",
    )
    final_ar = (
        b"Authentication-Results: mx.example.net; arc=pass (i=3);"
        b" spf=pass smtp.mailfrom=fwd.example.net; dkim=fail header.d=example.com;"
        b" dmarc=fail header.from=example.com\r\n"
        b"Received: from out.fwd.example.net (out.fwd.example.net [192.0.2.55])\r\n"
        b"\tby mx.example.net with ESMTPS id 9f3c; Tue, 03 Mar 2026 10:03:00 +0000\r\n"
    )
    valid = final_ar + m
    broken = valid.replace(
        b"Next meeting: 17 March.", b"Next meeting: 24 March, new room.", 1
    ).replace(b"arc=pass (i=3)", b"arc=fail (i=3)", 1)
    return {
        "forwarded-list-valid-chain.eml": valid,
        "forwarded-list-broken-chain.eml": broken,
    }


def main() -> None:
    for name, data in build().items():
        (HERE / name).write_bytes(data)
    records = {f"{sel}._domainkey.{dom}": txt_record(load_key(dom)) for dom, sel in SIGNERS.items()}
    (HERE / "keys.json").write_text(json.dumps(records, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
