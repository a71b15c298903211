"""DKIM building blocks over dkimpy's primitives: header lists, selection, hashing, RSA/ed25519.

Nothing here talks to DNS or builds models; :mod:`headerlens.auth.dkim` runs the RFC 6376
section 6.1 steps with these pieces and :mod:`headerlens.auth._dkim_diagnose` reuses them to
test candidate repairs. dkimpy supplies the tag-list parser, the canonicalization algorithms
and the ASN.1 key parser; the RSA public operation is Python's ``pow``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dkim.canonicalization import Relaxed, Simple

__all__ = [
    "Field",
    "body_of",
    "canonical_body",
    "fields_of",
    "header_data",
    "parse_canonicalization",
    "rsa_open",
    "select",
    "strip_b_value",
]

_WS = b" \t\r\n\f\v"
_B64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_WSSET = frozenset(_WS)

# DER DigestInfo prefixes (RFC 8017 section 9.2, note 1)
DIGEST_INFO = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha1": bytes.fromhex("3021300906052b0e03021a05000414"),
}
HASHES: dict[str, Callable[..., hashlib._Hash]] = {
    "sha256": hashlib.sha256,
    "sha1": hashlib.sha1,
}
ALGORITHMS = {
    "rsa-sha256": ("rsa", "sha256"),
    "rsa-sha1": ("rsa", "sha1"),
    "ed25519-sha256": ("ed25519", "sha256"),
}
CANON = {b"simple": Simple, b"relaxed": Relaxed}


@dataclass(frozen=True, slots=True)
class Field:
    """One header field as dkimpy sees it: raw name, value with CRLF line ends, position."""

    index: int
    name: bytes
    value: bytes
    lname: bytes


def _crlf(data: bytes) -> bytes:
    """Line ends as CRLF (dkimpy's rfc822_parse splits on ``\\r?\\n`` and joins with CRLF)."""
    if data.count(b"\n") == data.count(b"\r\n"):
        return data
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def fields_of(raws: Sequence[tuple[int, bytes]]) -> list[Field]:
    """Build :class:`Field` objects from ``(header_index, raw bytes of the whole field)``."""
    out: list[Field] = []
    for index, raw in raws:
        colon = raw.find(b":")
        if colon < 0:
            continue
        name, value = raw[:colon], _crlf(raw[colon + 1 :])
        if not value.endswith(b"\r\n"):
            value += b"\r\n"
        out.append(Field(index, name, value, name.strip(_WS).lower()))
    return out


def body_of(body: bytes) -> bytes:
    """The body with CRLF line ends, as dkimpy hashes it."""
    return _crlf(body)


def canonical_body(body: bytes, algorithm: bytes) -> bytes:
    """RFC 6376 section 3.4.3/3.4.4 body canonicalization (dkimpy's implementation)."""
    return bytes(CANON[algorithm].canonicalize_body(body))


def select(fields: Sequence[Field], names: Sequence[bytes]) -> list[int | None]:
    """For each h= name, the position in ``fields`` of the instance it signs, or ``None``.

    Instances are taken from the bottom up; a name listed more often than it occurs signs
    its absence (RFC 6376 section 5.4.2).
    """
    positions: dict[bytes, list[int]] = {}
    for pos, f in enumerate(fields):
        positions.setdefault(f.lname, []).append(pos)
    out: list[int | None] = []
    for name in names:
        stack = positions.get(name)
        out.append(stack.pop() if stack else None)
    return out


def strip_b_value(value: bytes) -> bytes:
    """The DKIM-Signature value with the b= value removed (RFC 6376 section 3.7).

    Same result as dkimpy's ``RE_BTAG`` substitution (signers and verifiers must agree on
    every byte), done by a linear scan: after ``b=`` drop the longest run of white space and
    base64 characters that ends in a base64 character, plus a line end at the very end.
    """
    n = len(value)
    out: list[bytes] = []
    copied = 0
    i = 0
    while i + 1 < n:
        if (value[i] in _WSSET or value[i] == 0x3B) and value[i + 1] == 0x62:  # ";" / ws, "b"
            j = i + 2
            while j < n and value[j] in _WSSET:
                j += 1
            if j < n and value[j] == 0x3D:  # "="
                start = j + 1
                k = end = start
                while k < n and (value[k] in _WSSET or value[k] in _B64):
                    if value[k] in _B64:
                        end = k + 1
                    k += 1
                out.append(value[copied:start])
                if value[end:] in (b"\r\n", b"\n"):
                    end = n
                copied = i = end
                continue
        i += 1
    out.append(value[copied:])
    return b"".join(out)


def header_data(
    fields: Sequence[Field],
    chosen: Sequence[int | None],
    sig_field: Field,
    algorithm: bytes,
    stripped_sig_value: bytes | None = None,
) -> bytes:
    """The octets the header signature covers (RFC 6376 section 3.7), canonicalized.

    ``chosen`` are positions in ``fields`` from :func:`select`; the signature field itself
    comes last, with its b= value removed and no trailing CRLF.
    """
    canon = CANON[algorithm]
    picked = [(fields[p].name, fields[p].value) for p in chosen if p is not None]
    parts: list[bytes] = []
    for name, value in canon.canonicalize_headers(picked):
        parts.append(name)
        parts.append(b":")
        parts.append(value)
    sig_value = strip_b_value(sig_field.value) if stripped_sig_value is None else stripped_sig_value
    ((sname, svalue),) = canon.canonicalize_headers([(sig_field.name, sig_value)])
    parts.append(sname)
    parts.append(b":")
    parts.append(svalue.rstrip())
    return b"".join(parts)


@dataclass(frozen=True, slots=True)
class RsaOpened:
    """The result of the RSA public operation on a signature (RFC 8017 section 8.2.2)."""

    well_formed: bool
    digest_algorithm: str | None
    digest: bytes | None


def rsa_open(signature: bytes, modulus: int, exponent: int) -> RsaOpened:
    """Apply the public key to ``signature`` and parse the EMSA-PKCS1-v1_5 block."""
    k = (modulus.bit_length() + 7) // 8
    s = int.from_bytes(signature, "big")
    if not signature or s >= modulus:
        return RsaOpened(False, None, None)
    em = pow(s, exponent, modulus).to_bytes(k, "big")
    if em[:2] != b"\x00\x01":
        return RsaOpened(False, None, None)
    sep = em.find(b"\x00", 2)
    if sep < 10 or em[2:sep].strip(b"\xff"):
        return RsaOpened(False, None, None)
    t = em[sep + 1 :]
    for name, prefix in DIGEST_INFO.items():
        if t.startswith(prefix) and len(t) == len(prefix) + hashlib.new(name).digest_size:
            return RsaOpened(True, name, t[len(prefix) :])
    return RsaOpened(False, None, None)


def parse_canonicalization(value: bytes | None) -> tuple[bytes, bytes] | None:
    """The (header, body) algorithms of a c= value (RFC 6376 section 3.5); ``None`` if unknown.

    A missing tag means ``simple/simple``; a lone algorithm applies to the header, with
    ``simple`` for the body.
    """
    if value is None:
        return (b"simple", b"simple")
    parts = b"".join(value.split()).lower().split(b"/")
    if len(parts) == 1:
        parts.append(b"simple")
    if len(parts) != 2 or any(p not in CANON for p in parts):
        return None
    return (parts[0], parts[1])


def b64decode(text: bytes) -> bytes | None:
    """Strict base64 after removing white space; ``None`` when it is not base64."""
    compact = b"".join(text.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None
