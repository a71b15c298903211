"""Fixtures for the DKIM tests: keys made at test time and signers (dkimpy and our own).

Nothing secret is stored: RSA keys are generated with ``cryptography`` once per session,
the ed25519 key with PyNaCl. ``T0`` is the signing time used with our own signer.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib.util
import secrets
from dataclasses import dataclass
from pathlib import Path

import dkim
import nacl.encoding
import nacl.signing
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from headerlens.policy import Policy
from headerlens.resolvers import StaticResolver


def _load_signer() -> object:
    """tests/auth/signer.py, loaded by path (the tests are not a package)."""
    path = Path(__file__).resolve().parents[1] / "signer.py"
    spec = importlib.util.spec_from_file_location("headerlens_test_signer", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sign = _load_signer().sign  # type: ignore[attr-defined]

T0 = 1772532000  # 2026-03-03 10:00:00 UTC
AT_T0 = dt.datetime.fromtimestamp(T0 + 60, dt.UTC)

MESSAGE = (
    b"Received: from mail.example.com (mail.example.com [192.0.2.10])\r\n"
    b"\tby mx.example.net with ESMTPS id 4Qx; Tue, 03 Mar 2026 10:00:05 +0000\r\n"
    b"From: Alice <alice@example.com>\r\n"
    b"To: bob@example.net\r\n"
    b"Subject: Quarterly numbers\r\n"
    b"Date: Tue, 03 Mar 2026 09:59:58 +0000\r\n"
    b"Message-ID: <q1@example.com>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Hello Bob,\r\n"
    b"the numbers are attached.\r\n"
    b"\r\n"
    b"Alice\r\n"
)


@dataclass
class Key:
    selector: str
    domain: str
    private: bytes
    txt: str

    @property
    def name(self) -> str:
        return f"{self.selector}._domainkey.{self.domain}"


def _probable_prime(bits: int) -> int:
    while True:
        n = secrets.randbits(bits) | (1 << (bits - 1)) | 1
        if all(pow(a, n - 1, n) == 1 for a in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)):
            return n


def _small_rsa(bits: int) -> rsa.RSAPrivateKey:
    """``cryptography`` refuses to generate keys under 1024 bits; build one by hand."""
    e = 65537
    while True:
        p, q = _probable_prime(bits // 2), _probable_prime(bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e:
            break
    d = pow(e, -1, phi)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, p * q)
    )
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)


def _rsa(selector: str, bits: int, domain: str = "example.com") -> Key:
    if bits < 1024:
        k = _small_rsa(bits)
    else:
        k = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = k.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = k.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return Key(selector, domain, pem, "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode())


@dataclass
class Keys:
    rsa: Key
    rsa_other: Key
    rsa1024: Key
    rsa512: Key
    ed: Key

    def records(self, **override: str) -> dict[str, str]:
        out = {k.name: k.txt for k in (self.rsa, self.rsa1024, self.rsa512, self.ed)}
        for k, v in override.items():  # rsa1__example_com -> rsa1._domainkey.example.com
            selector, domain = k.split("__")
            out[f"{selector}._domainkey.{domain.replace('_', '.')}"] = v
        return out

    def policy(self, as_of: dt.datetime = AT_T0, **override: str) -> Policy:
        return Policy(resolver=StaticResolver(self.records(**override)), as_of=as_of)


@pytest.fixture(scope="session")
def keys() -> Keys:
    ed = nacl.signing.SigningKey.generate()
    ed_key = Key(
        "ed1",
        "example.com",
        ed.encode(nacl.encoding.Base64Encoder),
        "v=DKIM1; k=ed25519; p=" + ed.verify_key.encode(nacl.encoding.Base64Encoder).decode(),
    )
    return Keys(
        rsa=_rsa("rsa1", 2048),
        rsa_other=_rsa("rsa1", 2048),
        rsa1024=_rsa("k1024", 1024),
        rsa512=_rsa("k512", 512),
        ed=ed_key,
    )


def signed(message: bytes, key: Key, **kw: object) -> bytes:
    """``message`` with our own signature on top (t=T0 unless given)."""
    kw.setdefault("timestamp", T0)
    algorithm = kw.pop("algorithm", "ed25519-sha256" if key.selector == "ed1" else "rsa-sha256")
    return (
        sign(
            message,
            selector=key.selector,
            domain=key.domain,
            private_key=key.private,
            algorithm=algorithm,  # type: ignore[arg-type]
            **kw,  # type: ignore[arg-type]
        )
        + message
    )


def dkimpy_signed(message: bytes, key: Key, **kw: object) -> bytes:
    """``message`` signed by dkimpy itself (t= is the current time)."""
    if key.selector == "ed1":
        kw.setdefault("signature_algorithm", b"ed25519-sha256")
    return (
        dkim.sign(message, key.selector.encode(), key.domain.encode(), key.private, **kw)  # type: ignore[arg-type]
        + message
    )


@dataclass
class Kit:
    """Everything a DKIM test needs (test modules cannot import this conftest)."""

    keys: Keys
    message: bytes = MESSAGE
    t0: int = T0
    at_t0: dt.datetime = AT_T0

    @staticmethod
    def signed(message: bytes, key: Key, **kw: object) -> bytes:
        return signed(message, key, **kw)

    @staticmethod
    def dkimpy_signed(message: bytes, key: Key, **kw: object) -> bytes:
        return dkimpy_signed(message, key, **kw)


@pytest.fixture(scope="session")
def kit(keys: Keys) -> Kit:
    return Kit(keys)
