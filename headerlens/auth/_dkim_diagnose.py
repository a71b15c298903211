"""Diagnosis of a failed DKIM signature: what changed since signing (run on failure only).

Header signature (RFC 6376 section 3.7): for RSA the public key opens ``b=`` into the
EMSA-PKCS1-v1_5 block (RFC 8017 section 9.2), which holds the digest of the header data the
signer hashed. A block that does not parse means the key is not the signing key (rotated or
replaced) or ``b=`` was damaged; a parsed block with another digest means the signed header
fields changed, and candidate repairs are then tested by hashing alone: remove one signed
instance (a header added in transit), swap two instances, unfold a refolded field, strip a
mailing-list ``[tag]`` from Subject. For ed25519 nothing can be recovered, so each candidate
is verified instead. A ``z=`` tag (the signer's copy of the signed fields) names the fields
whose value differs.

Body hash (RFC 6376 section 3.4): candidate originals are hashed against ``bh=``: the body cut
at each line boundary (text appended after the signed end, as lists add footers), trailing
blank lines kept, LF line ends, and the body decoded from a transfer encoding a relay applied.
Each candidate is one pass over the body in chunks: no whole-body copy.
"""

from __future__ import annotations

import binascii
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar, cast

from headerlens.auth._dkim_key import Key
from headerlens.auth._dkim_signature import Signature
from headerlens.auth._sigbody import SignedMessage, canonical_chunks, crlf_chunks
from headerlens.auth._sigbytes import (
    HASHES,
    Field,
    canonical_header,
    header_data,
    select,
    strip_b_value,
)
from headerlens.auth._sigkeys import RsaOpened, ed25519_verify
from headerlens.auth.dkim_models import BodyChange, DkimDiagnosis, HeaderChange

__all__ = ["diagnose"]

MAX_HEADER_CANDIDATES = 300
MAX_BODY_BOUNDARIES = 200_000
#: A quoted-printable line longer than this is not quoted-printable (RFC 2045 allows 76).
_MAX_QP_LINE = 1 << 20


def diagnose(
    *,
    signed: SignedMessage,
    sig: Signature,
    body_ok: bool | None,
    header_ok: bool | None,
    key: Key,
    opened: RsaOpened | None,
) -> DkimDiagnosis | None:
    """Explain a failure; ``None`` when there is nothing to explain."""
    parts: list[str] = []
    found: dict[str, object] = {"candidates_tried": 0}
    if header_ok is False:
        rsa_opened = opened if key.rsa is not None else None
        _diagnose_headers(signed, sig, key, rsa_opened, found, parts)
    if body_ok is False:
        _diagnose_body(signed, sig, found, parts)
    if not parts:
        return None
    return DkimDiagnosis(summary=" ".join(parts), **found)


# --------------------------------------------------------------------------- headers

#: A repair to test: which positions the signature then covers, fields replaced at some
#: positions, and the field the repair concerns.
_Candidate = tuple[HeaderChange, list[int | None], dict[int, Field], Field]


def _header_check(
    fields: Sequence[Field],
    sig: Signature,
    key: Key,
    opened: RsaOpened | None,
    found: dict[str, object],
    parts: list[str],
) -> Callable[[list[int | None], dict[int, Field]], bool] | None:
    """A test "does the signature verify over these fields?", or ``None`` (nothing to test,
    or the RSA key does not even open the signature)."""
    hasher = HASHES[sig.hash_name]
    stripped = strip_b_value(sig.field.value)

    def digest(chosen: list[int | None], override: dict[int, Field]) -> bytes:
        data = header_data(fields, chosen, sig.field, sig.header_relaxed, stripped, override)
        return hasher(data).digest()

    if opened is not None:
        if not opened.well_formed:
            found.update(key_matches=False, header_change="key_mismatch")
            parts.append(
                "The published key does not open the signature: the key was rotated or"
                " replaced since signing, or b= was damaged."
            )
            return None
        found.update(key_matches=True, signed_digest_algorithm=opened.digest_algorithm)
        target = opened.digest
        return lambda chosen, override: digest(chosen, override) == target
    if key.ed25519 is not None:
        public = key.ed25519
        return lambda chosen, override: ed25519_verify(
            public, digest(chosen, override), sig.signature
        )
    return None


def _diagnose_headers(
    signed: SignedMessage,
    sig: Signature,
    key: Key,
    opened: RsaOpened | None,
    found: dict[str, object],
    parts: list[str],
) -> None:
    fields = signed.fields
    ok = _header_check(fields, sig, key, opened, found, parts)
    if ok is None:
        return
    tried = 0
    for change, chosen, override, victim in _header_candidates(signed, sig):
        if tried >= MAX_HEADER_CANDIDATES:
            break
        tried += 1
        if ok(chosen, override):
            found["candidates_tried"] = tried
            found.update(
                header_change=change,
                header_index=victim.index,
                header_name=victim.name.strip().decode("utf-8", "replace"),
            )
            name = found["header_name"]
            parts.append(_HEADER_TEXT[change].format(name=name, index=victim.index))
            return
    found["candidates_tried"] = tried
    found["header_change"] = "headers_changed"
    prefix = "The key is the signing key, so " if opened is not None else ""
    parts.append(
        prefix + "signed header fields changed after signing; no single tested repair"
        " (removing, swapping, unfolding an instance) restores the signature."
    )
    copied = _copied_differences(signed, sig)
    if copied:
        first, names = copied
        found.update(
            header_index=first.index, header_name=first.name.strip().decode("utf-8", "replace")
        )
        parts.append(
            "The signer's copy of the signed fields (z=) differs from "
            + ", ".join(names)
            + " as received."
        )


_HEADER_TEXT: dict[HeaderChange, str] = {
    "header_added": (
        "Valid again without the {name} field at index {index}: it was added after signing."
    ),
    "headers_reordered": "Valid again when the {name} fields at index {index} are swapped back.",
    "header_refolded": "Valid again when {name} (index {index}) is unfolded: it was refolded.",
    "subject_tagged": "Valid again without the [tag] a mailing list added to Subject.",
}


def _header_candidates(signed: SignedMessage, sig: Signature) -> Iterator[_Candidate]:
    """Repairs to try, most likely first. Each is expressed on the received fields (the
    positions the signature would cover, and replaced fields), so testing one costs the
    signed fields only, not a copy of the whole header."""
    fields = signed.fields
    sig_field = sig.field
    names = sig.h_names
    original = select(fields, names, signed.index)
    chosen = sorted({p for p in original if p is not None})
    # 1. one instance added in transit: drop each signed instance in turn
    for p in chosen:
        if fields[p] is not sig_field:
            yield ("header_added", select(fields, names, signed.index, drop=(p,)), {}, fields[p])
    # 2. two instances of a signed name swapped (the swapped list selects the same
    #    positions, which then hold each other's field)
    by_name = [
        found
        for name in set(names)
        if (found := [p for p in signed.index.get(name, ()) if fields[p] is not sig_field])
    ]
    for positions in sorted(by_name, key=lambda found: found[0]):  # in header order
        for a, b in itertools.pairwise(positions):
            swap = {a: b, b: a}
            yield (
                "headers_reordered",
                [swap.get(p, p) if p is not None else None for p in original],
                {},
                fields[a],
            )
    # 3. a folded field that was unfolded/refolded (only visible to simple canonicalization)
    if not sig.header_relaxed:
        for p in chosen:
            f = fields[p]
            if b"\n" in f.value[:-2] and f is not sig_field:
                unfolded = f.value[:-2].replace(b"\r\n", b"") + b"\r\n"
                yield ("header_refolded", original, {p: _with_value(f, unfolded)}, f)
    # 4. a mailing-list tag put in front of Subject
    for p in chosen:
        f = fields[p]
        if f.lname != b"subject":
            continue
        v = f.value
        lead = len(v) - len(v.lstrip(b" \t"))
        if v[lead : lead + 1] == b"[":
            close = v.find(b"]", lead)
            if 0 < close < lead + 80:
                rest = v[close + 1 :]
                rest = rest[1:] if rest[:1] == b" " else rest
                yield ("subject_tagged", original, {p: _with_value(f, v[:lead] + rest)}, f)


def _with_value(f: Field, value: bytes) -> Field:
    return Field(f.index, f.name, value, f.lname)


def _copied_differences(signed: SignedMessage, sig: Signature) -> tuple[Field, list[str]] | None:
    """Signed fields whose value differs from the ``z=`` copy (RFC 6376 section 3.5)."""
    if not sig.copied_headers:
        return None
    fields = signed.fields
    chosen = select(fields, sig.h_names, signed.index)
    signed_at = {n: p for n, p in zip(sig.h_names, chosen, strict=True) if p is not None}
    first: Field | None = None
    names: list[str] = []
    for name, value in sig.copied_headers:
        p = signed_at.get(name.lower())
        if p is None:
            continue
        now = fields[p]
        then = _with_value(now, value + b"\r\n")
        if canonical_header(then, True) != canonical_header(now, True):
            first = first or now
            names.append(now.name.strip().decode("utf-8", "replace"))
    return (first, names) if first is not None else None


# --------------------------------------------------------------------------- body


_BODY_TEXT: dict[BodyChange, str] = {
    "appended": "Matches bh= without the last {n} octets: text was appended after signing"
    " (a list footer or a disclaimer).",
    "truncated": "The body is {n} octets shorter than l=: signed text was removed.",
    "trailing_blank_lines": "Matches bh= with trailing blank lines kept: the signer did not"
    " strip them (or they were removed in transit).",
    "line_endings": "Matches bh= with LF line ends: the signer hashed bare LF lines.",
    "reencoded": "Matches bh= after undoing the {cte} transfer encoding: a relay re-encoded"
    " the body.",
    "body_changed": "No tested transformation (footer, blank lines, line ends, re-encoding)"
    " matches bh=: the body was edited in some other way.",
}


def _digest(chunks: Iterable[bytes], hash_name: str, suffix: bytes = b"") -> bytes:
    h = HASHES[hash_name]()
    for chunk in chunks:
        h.update(chunk)
    h.update(suffix)
    return h.digest()


def _cut(canonical: Iterable[bytes], limit: int | None) -> Iterator[bytes]:
    """Canonical body pieces, cut at ``limit`` octets."""
    left = limit
    for out in canonical:
        if left is not None:
            out = out[:left]
            left -= len(out)
        if out:
            yield out


def _diagnose_body(
    signed: SignedMessage, sig: Signature, found: dict[str, object], parts: list[str]
) -> None:
    relaxed, hash_name, body_hash, length = (
        sig.body_relaxed,
        sig.hash_name,
        sig.body_hash,
        sig.body_length,
    )
    total = signed.canonical_length(relaxed)

    def done(change: BodyChange, **fmt: object) -> None:
        found["body_change"] = change
        parts.append(_BODY_TEXT[change].format(**fmt))

    if length is not None and length > total:
        done("truncated", n=length - total)
        return
    if length is None:
        appended = _memo(
            signed,
            ("appended", relaxed, hash_name, body_hash),
            lambda: _appended(signed, relaxed, hash_name, body_hash, total),
        )
        if appended is not None:
            found["appended_octets"] = appended
            done("appended", n=appended)
            return
    # Each candidate original is one pass over the body, hashed once per message (several
    # signatures with the same canonicalization share them).
    for candidate, change in _candidates(signed, relaxed, hash_name, length):
        if candidate() == body_hash:
            if change == "reencoded":
                done(change, cte=_top_cte(signed))
            else:
                done(change)
            return
    done("body_changed")


def _candidates(
    signed: SignedMessage, relaxed: bool, hash_name: str, length: int | None
) -> Iterator[tuple[Callable[[], bytes | None], BodyChange]]:
    """The candidate originals in the order tried: trailing blank lines the signer kept (the
    body as received, with a CRLF more; the signed part with one or two more), LF line ends,
    the body before a relay's transfer encoding."""

    def raw(suffix: bytes) -> Callable[[], bytes | None]:
        return lambda: _memo(
            signed,
            ("raw", hash_name, suffix),
            lambda: _digest(signed.body_chunks(), hash_name, suffix),
        )

    def canon(suffix: bytes) -> Callable[[], bytes | None]:
        return lambda: _memo(
            signed,
            ("canon", relaxed, hash_name, length, suffix),
            lambda: _digest(_cut(signed.canonical(relaxed), length), hash_name, suffix),
        )

    def lf() -> bytes | None:
        chunks = _cut(signed.canonical(relaxed), length)
        return _digest((c.replace(b"\r\n", b"\n") for c in chunks), hash_name)

    yield raw(b""), "trailing_blank_lines"
    yield raw(b"\r\n"), "trailing_blank_lines"
    yield canon(b"\r\n"), "trailing_blank_lines"
    yield canon(b"\r\n\r\n"), "trailing_blank_lines"
    yield (lambda: _memo(signed, ("lf", relaxed, hash_name, length), lf)), "line_endings"
    cte = _top_cte(signed)
    if cte in ("quoted-printable", "base64"):
        yield (
            lambda: _memo(
                signed,
                ("reencoded", relaxed, hash_name, length),
                lambda: _reencoded(signed, cte, relaxed, hash_name, length),
            ),
            "reencoded",
        )


def _reencoded(
    signed: SignedMessage, cte: str, relaxed: bool, hash_name: str, length: int | None
) -> bytes | None:
    """The hash of the canonical body after undoing ``cte``; ``None`` if it does not decode."""
    try:
        decoded = _decoded(signed.body_chunks(), cte)
        canonical = canonical_chunks(crlf_chunks(decoded), relaxed)
        return _digest(_cut(canonical, length), hash_name)
    except (binascii.Error, ValueError):
        return None


_T = TypeVar("_T")


def _memo(signed: SignedMessage, key: tuple[object, ...], compute: Callable[[], _T]) -> _T:
    """``compute()``, once per message and ``key``."""
    if key not in signed.memo:
        signed.memo[key] = compute()
    return cast(_T, signed.memo[key])


def _appended(
    signed: SignedMessage, relaxed: bool, hash_name: str, body_hash: bytes, total: int
) -> int | None:
    """Octets appended after the signed end, when the signed body is a line-prefix of the
    current one (lists add footers); ``None`` when no cut matches."""
    hasher = HASHES[hash_name]
    if hasher(b"").digest() == body_hash or (not relaxed and hasher(b"\r\n").digest() == body_hash):
        return total
    for _lines, octets, digest in signed.prefix_digests(relaxed, hash_name, MAX_BODY_BOUNDARIES):
        if octets >= total:
            break
        if digest == body_hash:
            return total - octets
    return None


def _decoded(chunks: Iterable[bytes], cte: str) -> Iterator[bytes]:
    """The body with its transfer encoding undone, chunk by chunk (RFC 2045 6.7, 6.8)."""
    if cte == "base64":
        keep = b""
        for chunk in chunks:
            data = keep + chunk.translate(None, _NOT_BASE64)
            cut = len(data) - len(data) % 4
            keep = data[cut:]
            if cut:
                yield binascii.a2b_base64(data[:cut])
        if keep:
            yield binascii.a2b_base64(keep)
        return
    keep = b""
    for chunk in chunks:
        data = keep + chunk
        cut = data.rfind(b"\n") + 1
        if cut == 0 and len(data) > _MAX_QP_LINE:
            raise ValueError("not quoted-printable: line too long")
        keep = data[cut:]
        if cut:
            yield binascii.a2b_qp(data[:cut])
    if keep:
        yield binascii.a2b_qp(keep)


_NOT_BASE64 = bytes(
    c
    for c in range(256)
    if c not in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
)


def _top_cte(signed: SignedMessage) -> str | None:
    """The first Content-Transfer-Encoding value, lower-cased."""
    found = signed.index.get(b"content-transfer-encoding")
    if not found:
        return None
    return signed.fields[found[0]].value.strip().lower().decode("ascii", "replace")
