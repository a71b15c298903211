"""Keys and signature checks shared by DKIM (RFC 6376, RFC 8463) and ARC (RFC 8617).

- :func:`pick_key_record` reads a DKIM key record (RFC 6376 section 3.6.1) into
  :class:`KeyRecord`: the facts, no verdict (each verifier judges them in its own RFC order);
- :func:`public_key` decodes ``p=``: the ASN.1 of an RSA key is read by dkimpy's parser (the
  one piece of dkimpy used: key parsing, where it is the better tool), an ed25519 key is its
  32 octets (RFC 8463 section 4.2);
- :func:`rsa_open` applies an RSA public key and reads the EMSA-PKCS1-v1_5 block (RFC 8017
  sections 8.2.2 and 9.2), which tells a wrong key from changed data; :func:`rsa_verify`
  and :func:`ed25519_verify` are the yes/no checks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from headerlens.auth._sigbytes import (
    TagListError,
    b64decode,
    parse_tag_list,
    split_colon_list,
)

__all__ = [
    "ALGORITHMS",
    "KeyProblem",
    "KeyRecord",
    "PublicKey",
    "RsaOpened",
    "ed25519_verify",
    "pick_key_record",
    "public_key",
    "rsa_open",
    "rsa_verify",
]

#: a= value -> (key type, hash) (RFC 6376 section 3.3, RFC 8463 section 3).
ALGORITHMS = {
    "rsa-sha256": ("rsa", "sha256"),
    "rsa-sha1": ("rsa", "sha1"),
    "ed25519-sha256": ("ed25519", "sha256"),
}
# DER DigestInfo prefixes (RFC 8017 section 9.2, note 1)
_DIGEST_INFO = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha1": bytes.fromhex("3021300906052b0e03021a05000414"),
}
#: Largest RSA modulus we spend CPU on.
MAX_RSA_BITS = 16_384


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """What a DKIM key record says (RFC 6376 section 3.6.1), before any judgement.

    ``record`` is the TXT record as found; ``version`` the ``v=`` value, ``version_ok``
    whether it is absent, or ``DKIM1`` and the first tag; ``key_type`` the ``k=`` value
    (default ``rsa``); ``hashes``/``services``/``flags`` the ``h=``, ``s=`` and ``t=``
    lists; ``p`` the ``p=`` value without white space (empty: revoked).
    """

    record: str
    version: bytes | None
    version_ok: bool
    key_type: str
    hashes: tuple[str, ...]
    services: tuple[str, ...]
    flags: tuple[str, ...]
    p: bytes


def pick_key_record(records: tuple[str, ...]) -> KeyRecord | None:
    """The first TXT record that is a key record (a tag list with ``p=``), or ``None``.

    Several records at one name are undefined behaviour (RFC 6376 section 3.6.2.2); taking
    the first usable one is what common verifiers do.
    """
    for candidate in records:
        try:
            tags = parse_tag_list(candidate.encode("utf-8", "replace"))
        except TagListError:
            continue
        if b"p" in tags:
            return _record(candidate, tags)
    return None


def _text_list(value: bytes | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(x.decode("ascii", "replace") for x in split_colon_list(value))


def _record(record: str, tags: dict[bytes, bytes]) -> KeyRecord:
    version = tags.get(b"v")
    flags = tuple(x.strip().decode("ascii", "replace") for x in tags.get(b"t", b"").split(b":"))
    return KeyRecord(
        record=record,
        version=version,
        version_ok=version is None or (version == b"DKIM1" and next(iter(tags)) == b"v"),
        key_type=b"".join(tags.get(b"k", b"rsa").split()).lower().decode("ascii", "replace"),
        hashes=_text_list(tags.get(b"h")),
        services=_text_list(tags.get(b"s")),
        flags=tuple(f for f in flags if f),
        p=b"".join(tags[b"p"].split()),
    )


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A usable public key: RSA ``(modulus, exponent)`` or the 32 ed25519 octets."""

    key_type: str
    bits: int
    rsa: tuple[int, int] | None = None
    ed25519: bytes | None = None


@dataclass(frozen=True, slots=True)
class KeyProblem:
    """Why ``p=`` gives no usable key: ``not_base64``, ``ed25519_length`` (``size`` octets
    instead of 32), ``not_rsa`` (no RSA SubjectPublicKeyInfo) or ``unusable_rsa`` (a
    ``size``-bit modulus out of range, or an absurd exponent)."""

    code: str
    size: int | None = None


def public_key(p: bytes, key_type: str) -> PublicKey | KeyProblem:
    """Decode ``p=`` as a ``key_type`` (``rsa`` or ``ed25519``) key."""
    der = b64decode(p)
    if der is None:
        return KeyProblem("not_base64")
    if key_type == "ed25519":
        if len(der) != 32:
            return KeyProblem("ed25519_length", len(der))
        return PublicKey("ed25519", 256, ed25519=der)
    try:
        from dkim.crypto import parse_public_key

        pk = parse_public_key(der)
        modulus, exponent = int(pk["modulus"]), int(pk["publicExponent"])
    except Exception:  # dkimpy's ASN.1 reader raises assorted errors on garbage
        return KeyProblem("not_rsa")
    bits = modulus.bit_length()
    if bits > MAX_RSA_BITS or exponent < 3 or exponent.bit_length() > 64 or modulus < 2**64:
        return KeyProblem("unusable_rsa", bits)
    return PublicKey("rsa", bits, rsa=(modulus, exponent))


@dataclass(frozen=True, slots=True)
class RsaOpened:
    """The result of the RSA public operation on a signature (RFC 8017 section 8.2.2)."""

    well_formed: bool
    digest_algorithm: str | None
    digest: bytes | None


_BAD = RsaOpened(False, None, None)


def rsa_open(signature: bytes, modulus: int, exponent: int) -> RsaOpened:
    """Apply the public key to ``signature`` and parse the EMSA-PKCS1-v1_5 block.

    A signature that is not exactly as long as the modulus is invalid (RFC 8017 section
    8.2.2, step 1), as is a block that is not ``00 01 FF.. 00 DigestInfo``.
    """
    k = (modulus.bit_length() + 7) // 8
    s = int.from_bytes(signature, "big")
    if len(signature) != k or s >= modulus:
        return _BAD
    em = pow(s, exponent, modulus).to_bytes(k, "big")
    if em[:2] != b"\x00\x01":
        return _BAD
    sep = em.find(b"\x00", 2)
    if sep < 10 or em[2:sep].strip(b"\xff"):
        return _BAD
    t = em[sep + 1 :]
    for name, prefix in _DIGEST_INFO.items():
        if t.startswith(prefix) and len(t) == len(prefix) + hashlib.new(name).digest_size:
            return RsaOpened(True, name, t[len(prefix) :])
    return _BAD


def rsa_verify(key: tuple[int, int], hash_name: str, digest: bytes, signature: bytes) -> bool:
    """RSASSA-PKCS1-v1_5 verification of ``digest`` (RFC 8017 section 8.2.2)."""
    opened = rsa_open(signature, *key)
    return opened.well_formed and opened.digest_algorithm == hash_name and opened.digest == digest


def ed25519_verify(public: bytes, digest: bytes, signature: bytes) -> bool:
    """Ed25519 verification of the SHA-256 ``digest`` (RFC 8463 section 3, via PyNaCl)."""
    import nacl.exceptions
    import nacl.signing

    try:
        nacl.signing.VerifyKey(public).verify(digest, signature)
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        return False
    return True
