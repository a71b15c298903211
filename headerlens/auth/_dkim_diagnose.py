"""Diagnosis of a failed DKIM signature: what changed since signing (run on failure only).

Header signature (RFC 6376 section 3.7): for RSA the public key opens ``b=`` into the
EMSA-PKCS1-v1_5 block (RFC 8017 section 9.2), which holds the digest of the header data the
signer hashed. A block that does not parse means the key is not the signing key (rotated or
replaced) or ``b=`` was damaged; a parsed block with another digest means the signed header
fields changed, and candidate repairs are then tested by hashing alone: remove one signed
instance (a header added in transit), swap two instances, unfold a refolded field, strip a
mailing-list ``[tag]`` from Subject. For ed25519 nothing can be recovered, so each candidate
is verified instead.

Body hash (RFC 6376 section 3.4): candidate originals are hashed against ``bh=``: the body cut
at each line boundary (text appended after the signed end, as lists add footers), trailing
blank lines kept, LF line ends, and the body decoded from a transfer encoding a relay applied.
"""

from __future__ import annotations

import binascii
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from headerlens.auth import _dkim_core as core
from headerlens.auth.dkim_models import BodyChange, DkimDiagnosis, HeaderChange

if TYPE_CHECKING:
    from headerlens.auth.dkim import _Ctx

__all__ = ["diagnose"]

MAX_HEADER_CANDIDATES = 300
MAX_BODY_BOUNDARIES = 200_000


def diagnose(
    *,
    ctx: _Ctx,
    sig_field: core.Field,
    h_names: list[bytes],
    chosen: list[int | None],
    header_canon: bytes,
    body_canon: bytes,
    hash_name: str,
    body_hash: bytes,
    body_length: int | None,
    body_ok: bool | None,
    header_ok: bool | None,
    signature: bytes,
    key_rsa: tuple[int, int] | None,
    key_ed25519: bytes | None,
    opened: core.RsaOpened | None,
) -> DkimDiagnosis | None:
    """Explain a failure; ``None`` when there is nothing to explain."""
    parts: list[str] = []
    found: dict[str, object] = {"candidates_tried": 0}
    if header_ok is False:
        _diagnose_headers(
            ctx,
            sig_field,
            h_names,
            header_canon,
            hash_name,
            signature,
            key_ed25519,
            opened if key_rsa is not None else None,
            found,
            parts,
        )
    if body_ok is False:
        _diagnose_body(ctx, body_canon, hash_name, body_hash, body_length, found, parts)
    if not parts:
        return None
    return DkimDiagnosis(summary=" ".join(parts), **found)


def _diagnose_headers(
    ctx: _Ctx,
    sig_field: core.Field,
    h_names: list[bytes],
    header_canon: bytes,
    hash_name: str,
    signature: bytes,
    key_ed25519: bytes | None,
    opened: core.RsaOpened | None,
    found: dict[str, object],
    parts: list[str],
) -> None:
    hasher = core.HASHES[hash_name]
    stripped = core.strip_b_value(sig_field.value)
    if opened is not None:
        if not opened.well_formed:
            found.update(key_matches=False, header_change="key_mismatch")
            parts.append(
                "The published key does not open the signature: the key was rotated or"
                " replaced since signing, or b= was damaged."
            )
            return
        found.update(key_matches=True, signed_digest_algorithm=opened.digest_algorithm)
        target = opened.digest

        def ok(fields: Sequence[core.Field]) -> bool:
            data = core.header_data(
                fields, core.select(fields, h_names), sig_field, header_canon, stripped
            )
            return hasher(data).digest() == target

    elif key_ed25519 is not None:
        from headerlens.auth.dkim import _ed25519_ok

        public = key_ed25519

        def ok(fields: Sequence[core.Field]) -> bool:
            data = core.header_data(
                fields, core.select(fields, h_names), sig_field, header_canon, stripped
            )
            return _ed25519_ok(public, hasher(data).digest(), signature)

    else:
        return
    fields = ctx.fields
    tried = 0
    for change, fields_try, victim in _header_candidates(fields, h_names, sig_field, header_canon):
        if tried >= MAX_HEADER_CANDIDATES:
            break
        tried += 1
        if ok(fields_try):
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


_HEADER_TEXT: dict[HeaderChange, str] = {
    "header_added": (
        "Valid again without the {name} field at index {index}: it was added after signing."
    ),
    "headers_reordered": "Valid again when the {name} fields at index {index} are swapped back.",
    "header_refolded": "Valid again when {name} (index {index}) is unfolded: it was refolded.",
    "subject_tagged": "Valid again without the [tag] a mailing list added to Subject.",
}


def _header_candidates(
    fields: list[core.Field], h_names: list[bytes], sig_field: core.Field, header_canon: bytes
) -> list[tuple[HeaderChange, list[core.Field], core.Field]]:
    signed = set(h_names)
    out: list[tuple[HeaderChange, list[core.Field], core.Field]] = []
    chosen = [p for p in core.select(fields, h_names) if p is not None]
    # 1. one instance added in transit: drop each signed instance in turn
    for p in sorted(set(chosen)):
        if fields[p] is sig_field:
            continue
        out.append(("header_added", fields[:p] + fields[p + 1 :], fields[p]))
    # 2. two instances of a signed name swapped
    by_name: dict[bytes, list[int]] = {}
    for p, f in enumerate(fields):
        if f.lname in signed and f is not sig_field:
            by_name.setdefault(f.lname, []).append(p)
    for positions in by_name.values():
        for a, b in itertools.pairwise(positions):
            swapped = list(fields)
            swapped[a], swapped[b] = swapped[b], swapped[a]
            out.append(("headers_reordered", swapped, fields[a]))
    # 3. a folded field that was unfolded/refolded (only visible to simple canonicalization)
    if header_canon == b"simple":
        for p in sorted(set(chosen)):
            f = fields[p]
            if b"\n" in f.value[:-2] and f is not sig_field:
                unfolded = f.value[:-2].replace(b"\r\n", b"") + b"\r\n"
                out.append(("header_refolded", _replace(fields, p, f, unfolded), f))
    # 4. a mailing-list tag put in front of Subject
    for p in sorted(set(chosen)):
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
                out.append(("subject_tagged", _replace(fields, p, f, v[:lead] + rest), f))
    return out


def _replace(fields: list[core.Field], p: int, f: core.Field, value: bytes) -> list[core.Field]:
    copy = list(fields)
    copy[p] = core.Field(f.index, f.name, value, f.lname)
    return copy


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


def _diagnose_body(
    ctx: _Ctx,
    body_canon: bytes,
    hash_name: str,
    body_hash: bytes,
    body_length: int | None,
    found: dict[str, object],
    parts: list[str],
) -> None:
    hasher = core.HASHES[hash_name]
    canon = ctx.canonical_body(body_canon)

    def done(change: BodyChange, **fmt: object) -> None:
        found["body_change"] = change
        parts.append(_BODY_TEXT[change].format(**fmt))

    if body_length is not None and body_length > len(canon):
        done("truncated", n=body_length - len(canon))
        return
    if body_length is None:
        # 1. appended text: the signed body is a prefix of the current one, cut at a line end
        h = hasher()
        if hasher(b"").digest() == body_hash or (
            body_canon == b"simple" and hasher(b"\r\n").digest() == body_hash
        ):
            found["appended_octets"] = len(canon)
            done("appended", n=len(canon))
            return
        pos = 0
        seen = 0
        while seen < MAX_BODY_BOUNDARIES:
            nl = canon.find(b"\r\n", pos)
            if nl < 0 or nl + 2 >= len(canon):
                break
            h.update(canon[pos : nl + 2])
            pos = nl + 2
            seen += 1
            if h.copy().digest() == body_hash:
                found["appended_octets"] = len(canon) - pos
                done("appended", n=len(canon) - pos)
                return
    signed = canon if body_length is None else canon[:body_length]
    # 2. trailing blank lines the signer kept
    raw = ctx.body
    for candidate in (raw, raw + b"\r\n", signed + b"\r\n", signed + b"\r\n\r\n"):
        if hasher(candidate).digest() == body_hash:
            done("trailing_blank_lines")
            return
    # 3. LF line ends
    if hasher(signed.replace(b"\r\n", b"\n")).digest() == body_hash:
        done("line_endings")
        return
    # 4. transfer encoding applied in transit
    cte = _top_cte(ctx.fields)
    decoded: bytes | None = None
    try:
        if cte == "quoted-printable":
            decoded = binascii.a2b_qp(raw)
        elif cte == "base64":
            decoded = binascii.a2b_base64(raw)
    except (binascii.Error, ValueError):
        decoded = None
    if decoded is not None:
        cand = core.canonical_body(core.body_of(decoded), body_canon)
        if body_length is not None:
            cand = cand[:body_length]
        if hasher(cand).digest() == body_hash:
            done("reencoded", cte=cte)
            return
    done("body_changed")


def _top_cte(fields: Sequence[core.Field]) -> str | None:
    for f in fields:
        if f.lname == b"content-transfer-encoding":
            return f.value.strip().lower().decode("ascii", "replace")
    return None
