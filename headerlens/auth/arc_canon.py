"""Byte-level helpers for ARC verification: tag lists, canonicalization, ``b=`` removal.

Everything here runs in linear time on attacker-controlled text (no backtracking regular
expressions): dkimpy's own canonicalization uses patterns such as ``[\\t ]+\\r\\n`` that go
quadratic on long runs of white space, so the ARC verifier canonicalizes with these instead.

- Tag lists: RFC 6376 section 3.2 (used by ARC-Seal and ARC-Message-Signature, RFC 8617 4.1).
- Canonicalization: RFC 6376 section 3.4 (simple and relaxed, header and body).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "RawField",
    "TagListError",
    "body_hash_prefixes",
    "canonical_body",
    "lenient_tag",
    "normalize_newlines",
    "parse_tag_list",
    "relaxed_header",
    "select_headers",
    "simple_header",
    "split_h_tag",
    "strip_b_value",
]

_WSP = b" \t"
_FWS = b" \t\r\n"
_ALPHA = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ALNUMPUNC = _ALPHA | frozenset(b"0123456789_")


class TagListError(ValueError):
    """A tag=value list that does not follow RFC 6376 section 3.2."""


@dataclass(frozen=True, slots=True)
class RawField:
    """One header field as bytes: ``name`` and ``value`` (everything after the colon, line
    ends normalised to CRLF, final CRLF kept); ``index`` as in :class:`HeaderField`."""

    index: int
    name: bytes
    value: bytes

    @property
    def lname(self) -> bytes:
        return self.name.strip(_WSP).lower()


def normalize_newlines(data: bytes) -> bytes:
    """Bare LF becomes CRLF, as a receiving MTA would have transmitted it (RFC 5322 2.1)."""
    if b"\n" not in data:
        return data
    parts = data.split(b"\n")
    return b"\r\n".join(p[:-1] if p.endswith(b"\r") else p for p in parts)


# One greedy character class and nothing after it: each run is matched once, no
# backtracking, so this stays linear on hostile input.
_WSP_RUN = re.compile(rb"[ \t]+")


def _squeeze_wsp(data: bytes) -> bytes:
    """Runs of SP/HTAB become one SP (RFC 6376 3.4.2/3.4.4), in linear time."""
    if b"\t" not in data and b"  " not in data:
        return data
    return _WSP_RUN.sub(b" ", data)


def parse_tag_list(value: bytes) -> dict[bytes, bytes]:
    """Parse a DKIM-style tag list (RFC 6376 section 3.2) into ``{name: value}``.

    Tag names are case-sensitive and must be ``ALPHA *(ALPHA / DIGIT / "_")``; values have
    surrounding folding white space removed. A trailing ``;`` is allowed. Raises
    :class:`TagListError` for an empty tag-spec, a spec without ``=``, a bad tag name or a
    duplicate tag.
    """
    specs = value.split(b";")
    if specs and not specs[-1].strip(_FWS):
        specs.pop()
    tags: dict[bytes, bytes] = {}
    for spec in specs:
        name, eq, val = spec.partition(b"=")
        if not eq:
            raise TagListError(f"tag-spec without '=': {_show(spec)}")
        name = name.strip(_FWS)
        if not name or name[0] not in _ALPHA or any(c not in _ALNUMPUNC for c in name):
            raise TagListError(f"invalid tag name: {_show(name)}")
        if name in tags:
            raise TagListError(f"duplicate tag: {_show(name)}")
        tags[name] = val.strip(_FWS)
    return tags


def lenient_tag(value: bytes, wanted: bytes) -> bytes | None:
    """The value of tag ``wanted`` even when the rest of the list is malformed (first wins)."""
    for spec in value.split(b";"):
        name, eq, val = spec.partition(b"=")
        if eq and name.strip(_FWS) == wanted:
            return val.strip(_FWS)
    return None


def _show(data: bytes, limit: int = 40) -> str:
    text = data.decode("latin-1").strip()
    return repr(text if len(text) <= limit else text[:limit] + "...")


def split_h_tag(value: bytes) -> list[bytes]:
    """The ``h=`` list, lower-cased, white space around the colons removed (RFC 6376 3.5)."""
    return [part.strip(_FWS).lower() for part in value.split(b":")]


def strip_b_value(value: bytes) -> bytes:
    """The field value with the ``b=`` tag's value removed (RFC 6376 section 3.7).

    The white space between ``=`` and the signature, and inside it, goes with it; what
    follows the last signature character (white space, ``;``, other tags) is kept. This is
    the reading dkimpy and OpenDKIM share, so signatures they made verify.
    """
    out = bytearray()
    pos = 0
    n = len(value)
    while pos <= n:
        end = value.find(b";", pos)
        if end < 0:
            end = n
        spec = value[pos:end]
        name, eq, val = spec.partition(b"=")
        if eq and name.strip(_FWS) == b"b":
            keep_tail = len(val) - len(val.rstrip(_FWS))
            out += value[pos : pos + len(name) + 1]
            out += val[len(val) - keep_tail :] if keep_tail else b""
        else:
            out += spec
        if end < n:
            out += b";"
        pos = end + 1
    return bytes(out)


def relaxed_header(name: bytes, value: bytes) -> bytes:
    """``name:value`` under relaxed header canonicalization (RFC 6376 3.4.2), with CRLF."""
    unfolded = value.replace(b"\r\n", b"").replace(b"\n", b"")
    return name.strip(_WSP).lower() + b":" + _squeeze_wsp(unfolded).strip(_WSP) + b"\r\n"


def simple_header(name: bytes, value: bytes) -> bytes:
    """``name:value`` under simple header canonicalization (RFC 6376 3.4.1): unchanged."""
    return name + b":" + value


def select_headers(fields: Sequence[RawField], names: Sequence[bytes]) -> list[RawField]:
    """The fields a signature's ``h=`` list covers (RFC 6376 section 5.4.2).

    Each name takes the bottom-most instance not yet used; a name listed more often than it
    occurs selects nothing (over-signing).
    """
    chosen: list[RawField] = []
    positions: dict[bytes, list[int]] = {}
    for pos, field in enumerate(fields):
        positions.setdefault(field.lname, []).append(pos)
    for name in names:
        stack = positions.get(name)
        if stack:
            chosen.append(fields[stack.pop()])
    return chosen


def _canonical_body_lines(body: bytes, relaxed: bool) -> Iterator[bytes]:
    """The canonical body, line by line, each line without its CRLF.

    Trailing empty lines are *not* removed here; callers handle them.
    """
    lines = body.split(b"\r\n")
    # A body ending in CRLF yields an empty last piece that is not a line.
    if lines and lines[-1] == b"":
        lines.pop()
    for line in lines:
        if relaxed:
            line = _squeeze_wsp(line).rstrip(_WSP)
        yield line


def canonical_body(body: bytes, relaxed: bool) -> bytes:
    """The body under simple or relaxed body canonicalization (RFC 6376 3.4.3, 3.4.4)."""
    lines = list(_canonical_body_lines(body, relaxed))
    while lines and lines[-1] == b"":
        lines.pop()
    if not lines:
        return b"" if relaxed else b"\r\n"
    return b"\r\n".join(lines) + b"\r\n"


def body_hash_prefixes(body: bytes, relaxed: bool, limit: int = 10_000) -> dict[bytes, int]:
    """SHA-256 of the canonical body cut after each line: ``{digest: kept_lines}``.

    Used to recognise text appended by an intermediary: the body an earlier signer saw is
    then a prefix of the current one. Linear in the body size (the hash state is copied at
    each cut). At most ``limit`` cut points are considered.
    """
    lines = list(_canonical_body_lines(body, relaxed))
    out: dict[bytes, int] = {}
    hasher = hashlib.sha256()
    pending: list[bytes] = []  # empty lines not yet known to be followed by text
    if not relaxed:
        out[hashlib.sha256(b"\r\n").digest()] = 0
    else:
        out[hashlib.sha256(b"").digest()] = 0
    for count, line in enumerate(lines[:limit], start=1):
        if line == b"":
            pending.append(b"\r\n")
            continue
        for blank in pending:
            hasher.update(blank)
        pending.clear()
        hasher.update(line + b"\r\n")
        out.setdefault(hasher.copy().digest(), count)
    return out
