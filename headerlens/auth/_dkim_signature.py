"""Step 6.1.1 of DKIM verification: read and validate one signature field (RFC 6376).

:func:`read_signature` turns a DKIM-Signature (or, with ``arc=True``, an
ARC-Message-Signature: RFC 8617 section 4.1.2, no ``v=`` and ``i=`` the instance number) into
a :class:`Signature`, or a :class:`Rejected` saying which check failed. Each tag is read by
its own small function, in the order RFC 6376 section 6.1.1 and the tag grammar of section
3.5 give. What was learnt before a failure is kept in ``shown`` (the fields a result reports
even for a broken signature).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from headerlens._text import ascii_digits
from headerlens.auth._sigbytes import (
    Field,
    TagListError,
    b64decode,
    decode_dkim_qp,
    parse_canonicalization,
    parse_tag_list,
    split_colon_list,
)
from headerlens.auth._sigkeys import ALGORITHMS

__all__ = ["Rejected", "Signature", "read_signature"]

_REQUIRED = ("v", "a", "b", "bh", "d", "h", "s")
_REQUIRED_ARC = ("i", "a", "b", "bh", "d", "h", "s")
_SPECIALS = frozenset(b'()<>[]:;@\\," \t\r\n')


@dataclass(frozen=True, slots=True)
class Rejected:
    """A signature that fails step 6.1.1: ``reason`` (a ``REASONS`` code) and why.

    ``malformed`` marks a syntax problem (recorded as a ``dkim.malformed_signature`` defect);
    the others are well-formed signatures that cannot pass (``i=`` outside ``d=``, From not
    signed).
    """

    reason: str
    explanation: str
    malformed: bool = True


@dataclass(frozen=True, slots=True)
class Signature:
    """A DKIM-Signature that passed step 6.1.1, its values read and checked."""

    field: Field
    algorithm: str
    key_type: str
    hash_name: str
    header_relaxed: bool
    body_relaxed: bool
    signature: bytes
    body_hash: bytes
    domain: str  # d= lower-cased, without a final dot
    key_name: str  # <s>._domainkey.<d>
    h_names: list[bytes]
    identity: str | None
    body_length: int | None
    signed_at: dt.datetime | None
    expires_at: dt.datetime | None
    copied_headers: tuple[tuple[bytes, bytes], ...] = ()  # z= (name, value as signed)


def _text(b: bytes) -> str:
    return b.decode("utf-8", "replace")


def _ts(value: int) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(value, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _valid_domain(value: bytes) -> bool:
    if not value or len(value) > 255 or value.startswith(b".") or b".." in value:
        return False
    return _SPECIALS.isdisjoint(value)


def read_signature(
    field: Field, shown: dict[str, Any], *, arc: bool = False
) -> Signature | Rejected:
    """Read ``field`` as a signature (RFC 6376 section 6.1.1; ``arc``: RFC 8617 4.1.2).

    ``shown`` receives, as they are read, the values a result reports (``tags``,
    ``domain``, ``selector``, ``algorithm``, ``canonicalization``, ``signed_headers``,
    ``identity``, ``body_length``, ``signed_at``, ``expires_at``).
    """
    tags = _tag_list(field)
    if isinstance(tags, Rejected):
        return tags
    shown["tags"] = tuple(
        [(k, b" ".join(v.split()).decode("utf-8", "replace")) for k, v in tags.items()]
    )
    d_raw, s_raw = tags.get("d", b""), tags.get("s", b"")
    if d_raw:
        shown["domain"] = _text(d_raw)
    if s_raw:
        shown["selector"] = _text(s_raw)
    if "a" in tags:
        shown["algorithm"] = _text(tags["a"]).strip().lower()
    basics = _basics(tags, shown, arc)
    if isinstance(basics, Rejected):
        return basics
    algorithm, (header_canon, body_canon), signature, body_hash = basics
    domain = _text(d_raw).lower().rstrip(".")
    # An empty name between colons selects nothing (tolerated, as dkimpy and others do).
    h_names = split_colon_list(tags["h"])
    shown["signed_headers"] = tuple(_text(x) for x in h_names)
    identity: str | None = None
    if "i" in tags and not arc:
        read = _identity(tags["i"], domain, shown)
        if isinstance(read, Rejected):
            return read
        identity = read
    rest = _optional_tags(tags, shown)
    if isinstance(rest, Rejected):
        return rest
    body_length, signed_at, expires_at, copied = rest
    if b"from" not in h_names and not arc:
        return Rejected("from_not_signed", "h= does not list From (RFC 6376 section 5.4).", False)
    key_type, hash_name = ALGORITHMS[algorithm]
    return Signature(
        field=field,
        algorithm=algorithm,
        key_type=key_type,
        hash_name=hash_name,
        header_relaxed=header_canon == b"relaxed",
        body_relaxed=body_canon == b"relaxed",
        signature=signature,
        body_hash=body_hash,
        domain=domain,
        key_name=f"{_text(s_raw)}._domainkey.{_text(d_raw).rstrip('.')}",
        h_names=h_names,
        identity=identity,
        body_length=body_length,
        signed_at=signed_at,
        expires_at=expires_at,
        copied_headers=copied,
    )


def _tag_list(field: Field) -> dict[str, bytes] | Rejected:
    """The tag list (RFC 6376 section 3.2), names as text."""
    try:
        raw = parse_tag_list(field.value)
    except TagListError as exc:
        if exc.kind == "duplicate":
            what = f"duplicate tag {_text(exc.name)!r}"
        else:
            what = f"bad tag {_text(exc.spec)!r}"
        return Rejected("syntax_error", f"The tag list cannot be parsed ({what}).")
    return {k.decode("ascii"): v for k, v in raw.items()}


def _basics(
    tags: dict[str, bytes], shown: dict[str, Any], arc: bool
) -> tuple[str, tuple[bytes, bytes], bytes, bytes] | Rejected:
    """Required tags, v=, a=, c=, b=, bh=, d= and s= (RFC 6376 section 3.5)."""
    required = _REQUIRED_ARC if arc else _REQUIRED
    missing = [t for t in required if t not in tags]
    if missing:
        listed = ", ".join(m + "=" for m in missing)
        return Rejected("syntax_error", f"Required tag(s) missing: {listed}.")
    if not arc and tags["v"] != b"1":
        return Rejected("incompatible_version", f"v={_text(tags['v'])} is not 1.")
    algorithm = str(shown["algorithm"])
    if algorithm not in ALGORITHMS:
        return Rejected("unsupported_algorithm", f"Unknown signature algorithm a={algorithm}.")
    # ARC signers omit c= meaning relaxed/relaxed (dkimpy and the ValiMail suite agree)
    c_algs = parse_canonicalization(tags.get("c", b"relaxed/relaxed" if arc else None))
    if c_algs is None:
        return Rejected("unsupported_algorithm", f"Unknown canonicalization c={_text(tags['c'])}.")
    shown["canonicalization"] = _text(c_algs[0] + b"/" + c_algs[1])
    signature = b64decode(tags["b"])
    if not signature:
        return Rejected("syntax_error", "b= is not base64.")
    body_hash = b64decode(tags["bh"])
    if not body_hash:
        return Rejected("syntax_error", "bh= is not base64.")
    if not _valid_domain(tags["d"]):
        return Rejected("syntax_error", f"d={_text(tags['d'])} is not a domain name.")
    if not _valid_domain(tags["s"]):
        return Rejected("syntax_error", f"s={_text(tags['s'])} is not a valid selector.")
    return algorithm, c_algs, signature, body_hash


def _identity(raw: bytes, domain: str, shown: dict[str, Any]) -> str | Rejected:
    """i= (RFC 6376 section 3.5): dkim-quoted-printable (section 2.11), decoding to
    ``[local-part] "@" domain``, the domain equal to d= or under it.

    ``i=jlong=40messiah.edu`` is ``jlong@messiah.edu``; ``i=jlong@messiah=2Eedu`` is under
    ``messiah.edu``; folding white space inside the value is not part of it.
    """
    decoded = decode_dkim_qp(raw)
    if decoded is None:
        shown["identity"] = _text(raw)
        return Rejected("syntax_error", f"i={_text(raw)} is not dkim-quoted-printable.")
    identity = _text(decoded)
    shown["identity"] = identity
    at = identity.rfind("@")
    if at < 0:
        return Rejected("syntax_error", f"i={identity} has no @.")
    idom = identity[at + 1 :].lower().rstrip(".")
    if idom != domain and not idom.endswith("." + domain):
        return Rejected("domain_mismatch", f"i= domain {idom} is not {domain} or under it.", False)
    return identity


def _optional_tags(
    tags: dict[str, bytes], shown: dict[str, Any]
) -> (
    tuple[int | None, dt.datetime | None, dt.datetime | None, tuple[tuple[bytes, bytes], ...]]
    | Rejected
):
    """q=, z=, l=, t= and x= (RFC 6376 section 3.5)."""
    if "q" in tags and b"dns/txt" not in split_colon_list(tags["q"]):
        return Rejected("unsupported_algorithm", f"q={_text(tags['q'])} lacks dns/txt.")
    copied: tuple[tuple[bytes, bytes], ...] = ()
    if "z" in tags:
        found = _copied_headers(tags["z"])
        if found is None:
            return Rejected("syntax_error", "z= is not a list of dkim-quoted-printable fields.")
        copied = tuple(found)
    body_length: int | None = None
    if "l" in tags:
        lv = tags["l"]
        if not ascii_digits(lv.decode("latin-1")) or len(lv) > 76:
            return Rejected("syntax_error", f"l={_text(lv)} is not a decimal number.")
        body_length = int(lv)
        shown["body_length"] = body_length
    stamps: dict[str, dt.datetime] = {}
    for tag in ("t", "x"):
        if tag in tags:
            tv = tags[tag]
            if not ascii_digits(tv.decode("latin-1")) or len(tv) > 12:
                return Rejected("syntax_error", f"{tag}={_text(tv)} is not a timestamp.")
            stamp = _ts(int(tv))
            if stamp is None:
                return Rejected("syntax_error", f"{tag}={_text(tv)} is out of range.")
            stamps[tag] = stamp
    signed_at, expires_at = stamps.get("t"), stamps.get("x")
    shown["signed_at"], shown["expires_at"] = signed_at, expires_at
    if signed_at and expires_at and expires_at <= signed_at:
        return Rejected("syntax_error", "x= is not after t= (RFC 6376 section 3.5).")
    return body_length, signed_at, expires_at, copied


def _copied_headers(raw: bytes) -> list[tuple[bytes, bytes]] | None:
    """z= (RFC 6376 section 3.5): ``|``-separated ``name:value`` copies of the signed fields,
    each value dkim-quoted-printable (a ``|`` inside is encoded as ``=7C``); ``None`` when
    the value does not follow that grammar."""
    out: list[tuple[bytes, bytes]] = []
    for copy in raw.split(b"|"):
        name, colon, value = copy.partition(b":")
        name = name.strip(b" \t\r\n")
        decoded = decode_dkim_qp(value)
        if not colon or not name or decoded is None:
            return None
        out.append((name, decoded))
    return out
