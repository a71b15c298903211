"""A small DKIM signer with full control of the tags, for tests and the sample builders.

Not part of the package: headerlens verifies, it does not sign mail. dkimpy's ``sign()``
always stamps the current time and cannot write ``x=``; reproducible samples and expiry tests
need both, so this signer takes every tag explicitly (RFC 6376 sections 3.5 and 5; RFC 8463).
It hashes with the verifier's own byte layer (:mod:`headerlens.auth._sigbytes`), so a
signature it makes is what that layer reads; the RSA and ed25519 operations are dkimpy's and
PyNaCl's. It is loaded by path (``importlib``) by the DKIM test fixtures and the sample
builders.
"""

from __future__ import annotations

import base64

from dkim import rfc822_parse
from dkim.crypto import HASH_ALGORITHMS, RSASSA_PKCS1_v1_5_sign, parse_pem_private_key

from headerlens.auth._sigbody import canonical_body
from headerlens.auth._sigbytes import (
    HASHES,
    Field,
    field_of,
    header_data,
    parse_canonicalization,
    select,
)
from headerlens.auth._sigkeys import ALGORITHMS

__all__ = ["sign"]


def sign(
    message: bytes,
    *,
    selector: str,
    domain: str,
    private_key: bytes,
    algorithm: str = "rsa-sha256",
    canonicalization: str = "relaxed/relaxed",
    headers: tuple[str, ...] = ("from", "to", "subject", "date", "message-id", "from"),
    timestamp: int | None = None,
    expires: int | None = None,
    length: int | None = None,
    identity: str | None = None,
    extra: tuple[tuple[str, str], ...] = (),
    hashed_body: bytes | None = None,
) -> bytes:
    """Return a ``DKIM-Signature:`` field (ending in CRLF) to put on top of ``message``.

    ``private_key`` is a PEM RSA key, or for ``ed25519-sha256`` the base64 32-octet seed.
    ``length`` writes ``l=`` (``-1`` means the whole canonical body). ``hashed_body``
    replaces the canonical body in ``bh=`` (to imitate a buggy signer).
    """
    raw_headers, body = rfc822_parse(message)
    fields = [
        f
        for i, (n, v) in enumerate(raw_headers)
        if (f := field_of(i, bytes(n) + b":" + bytes(v))) is not None
    ]
    algs = parse_canonicalization(canonicalization.encode())
    if algs is None:
        raise ValueError(f"bad canonicalization {canonicalization!r}")
    header_canon, body_canon = algs
    canon = canonical_body(bytes(body), body_canon == b"relaxed")
    if length is not None:
        if length < 0:
            length = len(canon)
        canon = canon[:length]
    if hashed_body is not None:
        canon = hashed_body
    hash_name = ALGORITHMS[algorithm][1]
    bh = base64.b64encode(HASHES[hash_name](canon).digest()).decode()
    tags: list[tuple[str, str]] = [
        ("v", "1"),
        ("a", algorithm),
        ("c", canonicalization),
        ("d", domain),
        ("s", selector),
    ]
    if identity is not None:
        tags.append(("i", identity))
    if timestamp is not None:
        tags.append(("t", str(timestamp)))
    if expires is not None:
        tags.append(("x", str(expires)))
    if length is not None:
        tags.append(("l", str(length)))
    tags.extend(extra)
    tags.append(("h", ":".join(headers)))
    tags.append(("bh", bh))
    value = " " + "; ".join(f"{k}={v}" for k, v in tags) + ";\r\n b="
    sig_field = Field(-1, b"DKIM-Signature", value.encode(), b"dkim-signature")
    names = [h.lower().encode() for h in headers]
    relaxed = header_canon == b"relaxed"
    data = header_data(fields, select(fields, names), sig_field, relaxed)
    if algorithm.startswith("rsa-"):
        pk = parse_pem_private_key(private_key)
        hasher = HASH_ALGORITHMS[algorithm.encode()]()
        hasher.update(data)
        signature = bytes(RSASSA_PKCS1_v1_5_sign(hasher, pk))
    else:
        import nacl.encoding
        import nacl.signing

        key = nacl.signing.SigningKey(private_key, encoder=nacl.encoding.Base64Encoder)
        signature = key.sign(HASHES["sha256"](data).digest()).signature
    b64 = base64.b64encode(signature).decode()
    folded = "\r\n ".join(b64[i : i + 72] for i in range(0, len(b64), 72))
    return b"DKIM-Signature:" + value.encode() + folded.encode() + b"\r\n"
