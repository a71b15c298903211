"""Fixtures for the ARC tests: test keys and a builder of multi-hop ARC chains.

Messages are signed at test time with dkimpy (DKIM at the origin, ``dkim.arc_sign`` at each
intermediary) and keys made here, so nothing secret or third-party is stored in the repo.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from headerlens.resolvers import StaticResolver

#: Sealing time used by the builder (2026-03-03 10:00:00 UTC); tests judge "as of" after it.
T0 = 1772532000


@dataclass
class SigningKey:
    selector: str
    domain: str
    private_pem: bytes
    txt: str

    @property
    def name(self) -> str:
        return f"{self.selector}._domainkey.{self.domain}"


def make_key(selector: str, domain: str, bits: int = 2048) -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return SigningKey(selector, domain, pem, "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode())


ORIGIN = (
    b"From: Alice <alice@example.com>\r\n"
    b"To: list@lists.example.org\r\n"
    b"Subject: Meeting notes\r\n"
    b"Date: Tue, 03 Mar 2026 09:58:00 +0000\r\n"
    b"Message-ID: <notes-1@example.com>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Hello list,\r\n"
    b"the notes are below.\r\n"
    b"Regards, Alice\r\n"
)

FOOTER = b"--\r\nlists.example.org: unsubscribe at https://lists.example.org/u\r\n"


@dataclass
class ChainKit:
    """Keys for the origin (example.com), a list (lists.example.org), a forwarder
    (fwd.example.net) and the final receiver (mx.example.net), and helpers to build hops."""

    keys: dict[str, SigningKey] = field(default_factory=dict)

    @property
    def records(self) -> dict[str, str]:
        return {k.name: k.txt for k in self.keys.values()}

    def resolver(self) -> StaticResolver:
        return StaticResolver(self.records)

    def signed_origin(self, message: bytes = ORIGIN) -> bytes:
        k = self.keys["example.com"]
        sig = dkim.sign(
            message,
            k.selector.encode(),
            k.domain.encode(),
            k.private_pem,
            include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
        )
        return bytes(sig) + message

    def hop(
        self,
        message: bytes,
        sealer: str,
        results: str,
        *,
        srv_id: str | None = None,
        footer: bytes | None = None,
        subject_tag: bytes | None = None,
        at: int = T0,
        received: bool = True,
    ) -> bytes:
        """One intermediary: it records ``results`` in its Authentication-Results, may append
        a footer or tag the Subject, then adds its ARC set (dkim.arc_sign)."""
        srv = srv_id or f"mx.{sealer}"
        if footer:
            message = message + footer
        if subject_tag:
            message = message.replace(b"Subject: ", b"Subject: " + subject_tag + b" ", 1)
        rcvd = (
            f"Received: from relay.example (relay.example [192.0.2.10])\r\n"
            f"\tby {srv} with ESMTPS id {at}; Tue, 03 Mar 2026 10:00:00 +0000\r\n".encode()
            if received
            else b""
        )
        message = f"Authentication-Results: {srv}; {results}\r\n".encode() + rcvd + message
        k = self.keys[sealer]
        arc = dkim.arc_sign(
            message,
            k.selector.encode(),
            k.domain.encode(),
            k.private_pem,
            srv.encode(),
            timestamp=at,
        )
        return b"".join(arc) + message

    def list_chain(self, *, footer: bool = True) -> bytes:
        """Origin -> lists.example.org (seals i=1 on arrival, appends a footer, seals i=2)
        -> fwd.example.net (seals i=3)."""
        m = self.signed_origin()
        m = self.hop(
            m,
            "lists.example.org",
            "arc=none; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com;"
            " dmarc=pass header.from=example.com",
            srv_id="mx.lists.example.org",
        )
        m = self.hop(
            m,
            "lists.example.org",
            "arc=pass; spf=pass smtp.mailfrom=example.com",
            srv_id="out.lists.example.org",
            footer=FOOTER if footer else None,
            at=T0 + 60,
        )
        return self.hop(
            m,
            "fwd.example.net",
            "arc=pass; spf=pass smtp.mailfrom=lists.example.org; dkim=fail header.d=example.com;"
            " dmarc=fail header.from=example.com",
            at=T0 + 120,
        )


@pytest.fixture(scope="session")
def kit() -> ChainKit:
    kit = ChainKit()
    for sel, dom in (
        ("s2026", "example.com"),
        ("arc1", "lists.example.org"),
        ("arc2", "fwd.example.net"),
        ("arc3", "mx.example.net"),
    ):
        kit.keys[dom] = make_key(sel, dom)
    return kit
