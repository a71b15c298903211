"""Regenerate the DKIM samples and their key file.

    .venv/bin/python samples/dkim/build.py

Writes next to this script (``samples/dkim/``):

- ``good-rsa.eml``: rsa-sha256 signature by example.com, verifies.
- ``good-ed25519.eml``: ed25519-sha256 signature (RFC 8463), verifies.
- ``body-modified.eml``: a mailing list appended a footer after signing (body_hash_mismatch,
  diagnosis "appended").
- ``header-modified.eml``: the Subject was rewritten after signing (signature_mismatch; the
  RSA digest shows the key is right and the headers changed).
- ``expired.eml``: x= is one hour after t=; the message was received two hours after t=.
- ``revoked-key.eml``: signed with selector ``old2025``, whose record now has an empty p=.
- ``two-signatures-one-broken.eml``: example.com (ed25519, intact) and the ESP
  mailer.example.net (rsa, over a Subject that was then changed).

and ``samples/keys.json``: DNS name -> TXT record for every selector above, loadable with
``StaticResolver.from_json`` or ``headerlens --keys samples/keys.json``.

The private keys in ``keys/`` are **test-only keys made for this project** (created on the first
run, then reused so a rebuild gives the same bytes); they protect nothing and must never sign
real mail. Times are fixed (t=2026-03-03 10:00:00 UTC). Names and addresses follow RFC 2606 /
RFC 5737.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

HERE = Path(__file__).resolve().parent
KEYS = HERE / "keys"
REPO = HERE.parent.parent
sys.path.insert(0, os.fspath(REPO))


def _signer_module() -> object:
    """The test signer (tests/auth/signer.py), loaded by path: it is not part of the package."""
    spec = importlib.util.spec_from_file_location("dkim_test_signer", REPO / "tests/auth/signer.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sign = _signer_module().sign  # type: ignore[attr-defined]

T0 = 1772532000  # 2026-03-03 10:00:00 UTC

# (selector, domain, kind)
SELECTORS = [
    ("s2026", "example.com", "rsa"),
    ("ed2026", "example.com", "ed25519"),
    ("old2025", "example.com", "rsa"),
    ("esp1", "mailer.example.net", "rsa"),
]


def load_key(selector: str, domain: str, kind: str) -> tuple[bytes, str]:
    """(private key as the signer wants it, public TXT record); makes the PEM if missing."""
    path = KEYS / f"{selector}.{domain}.pem"
    if not path.exists():
        KEYS.mkdir(exist_ok=True)
        key = (
            ed25519.Ed25519PrivateKey.generate()
            if kind == "ed25519"
            else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if isinstance(private, ed25519.Ed25519PrivateKey):
        seed = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        pub = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return base64.b64encode(seed), "v=DKIM1; k=ed25519; p=" + base64.b64encode(pub).decode()
    assert isinstance(private, rsa.RSAPrivateKey)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem, "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()


def message(subject: str, received_at: str, body: str) -> bytes:
    text = (
        "Received: from mail.example.com (mail.example.com [192.0.2.25])\r\n"
        "\tby mx.example.net (Postfix) with ESMTPS id 4QxY1z0mZ5z9t8;\r\n"
        f"\t{received_at}\r\n"
        "From: Alice Example <alice@example.com>\r\n"
        "To: Bob <bob@example.net>\r\n"
        f"Subject: {subject}\r\n"
        "Date: Tue, 03 Mar 2026 09:59:58 +0000\r\n"
        "Message-ID: <20260303095958.q1@example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"{body}"
    )
    return text.encode()


BODY = "Hello Bob,\r\n\r\nthe quarterly numbers are attached.\r\n\r\nAlice\r\n"
RECEIVED = "Tue, 03 Mar 2026 10:00:04 +0000"


def signed(msg: bytes, key: tuple[str, str], keys: dict[tuple[str, str], bytes], **kw: object) -> bytes:
    kind = next(k for s, d, k in SELECTORS if (s, d) == key)
    sig = sign(
        # the signature goes below the Received field the receiver added, as in real mail
        msg.split(b"\r\n", 3)[3],
        selector=key[0],
        domain=key[1],
        private_key=keys[key],
        algorithm="ed25519-sha256" if kind == "ed25519" else "rsa-sha256",
        timestamp=T0,
        **kw,  # type: ignore[arg-type]
    )
    head = b"\r\n".join(msg.split(b"\r\n", 3)[:3]) + b"\r\n"
    return head + sig + msg.split(b"\r\n", 3)[3]


def main() -> None:
    keys: dict[tuple[str, str], bytes] = {}
    records: dict[str, str] = {}
    for selector, domain, kind in SELECTORS:
        private, txt = load_key(selector, domain, kind)
        keys[(selector, domain)] = private
        records[f"{selector}._domainkey.{domain}"] = txt
    records["old2025._domainkey.example.com"] = "v=DKIM1; k=rsa; p="  # revoked since
    rsa_key, ed_key = ("s2026", "example.com"), ("ed2026", "example.com")
    base = message("Quarterly numbers", RECEIVED, BODY)
    out = {
        "good-rsa.eml": signed(base, rsa_key, keys),
        "good-ed25519.eml": signed(base, ed_key, keys),
        "body-modified.eml": signed(base, rsa_key, keys)
        + b"-- \r\nfinance-list mailing list: https://lists.example.org/finance\r\n",
        "header-modified.eml": signed(base, rsa_key, keys).replace(
            b"Subject: Quarterly numbers", b"Subject: Quarterly numbers (corrected)"
        ),
        "expired.eml": signed(
            message("Quarterly numbers", "Tue, 03 Mar 2026 12:00:00 +0000", BODY),
            rsa_key,
            keys,
            expires=T0 + 3600,
        ),
        "revoked-key.eml": signed(base, ("old2025", "example.com"), keys),
    }
    esp = signed(base, ("esp1", "mailer.example.net"), keys)
    # the ESP signed first; the Subject was then tagged and example.com signed on top of it
    out["two-signatures-one-broken.eml"] = signed(
        esp.replace(b"Subject: Quarterly numbers", b"Subject: Quarterly numbers [ext]"),
        ed_key,
        keys,
    )
    for name, data in out.items():
        (HERE / name).write_bytes(data)
    (REPO / "samples" / "keys.json").write_text(json.dumps(records, indent=2, sort_keys=True) + "\n")
    print(f"wrote {len(out)} messages and samples/keys.json")


if __name__ == "__main__":
    main()
