"""The byte layer shared by DKIM (RFC 6376) and ARC (RFC 8617) signatures.

One implementation of everything both verifiers do to the bytes of a message:

- header fields as bytes (:class:`Field`) with CRLF line ends (RFC 5322 section 2.1);
- tag=value lists (RFC 6376 section 3.2) and dkim-quoted-printable (section 2.11);
- removing the ``b=`` value from a signature field (section 3.7);
- choosing the signed header instances from ``h=`` (section 5.4.2);
- simple and relaxed canonicalization of header fields (section 3.4.1, 3.4.2); the body side
  (incremental, by chunks) is :mod:`headerlens.auth._sigbody`.

Everything runs in time linear in its input, whatever the input: white-space runs, long
lines and many fields included. The only regular expressions are single character classes
repeated (no nested or adjacent quantifiers that could backtrack), and every loop advances.
dkimpy is not used here: its canonicalization goes quadratic on long white-space runs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from headerlens.message import Message

__all__ = [
    "CRLF",
    "FWS",
    "HASHES",
    "WSP",
    "Field",
    "TagListError",
    "b64decode",
    "canonical_header",
    "crlf",
    "decode_dkim_qp",
    "field_of",
    "fields_of",
    "header_data",
    "index_fields",
    "lenient_tag",
    "parse_canonicalization",
    "parse_tag_list",
    "select",
    "signature_field_data",
    "split_colon_list",
    "squeeze_wsp",
    "strip_b_value",
]

WSP = b" \t"
FWS = b" \t\r\n"
CRLF = b"\r\n"
HASHES: dict[str, Callable[..., hashlib._Hash]] = {
    "sha256": hashlib.sha256,
    "sha1": hashlib.sha1,
}

_ALPHA = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ALNUMPUNC = _ALPHA | frozenset(b"0123456789_")
_HEX = frozenset(b"0123456789ABCDEFabcdef")
# One character class, repeated: each run is matched once, so these stay linear.
_FWS_RUN = re.compile(rb"[ \t\r\n]+")


# --------------------------------------------------------------------------- fields


@dataclass(slots=True)
class Field:
    """One header field as signatures see it (RFC 6376 section 3.4).

    ``name`` as written; ``value`` everything after the colon with CRLF line ends, ending in
    CRLF (RFC 5322 section 2.2: a field ends with its line break); ``lname`` the name without
    surrounding WSP, lower-cased; ``index`` the field's position in the message (0 = top).
    Treat it as read-only (not frozen only because a frozen dataclass costs four times as
    much to make, and a signature makes one for every field it reads).
    """

    index: int
    name: bytes
    value: bytes
    lname: bytes


def crlf(data: bytes) -> bytes:
    """Bare LF becomes CRLF, as an SMTP transfer would have carried it (RFC 5322 2.1).

    A bare CR is left alone. Linear (two ``replace`` passes at C speed).
    """
    if data.count(b"\n") == data.count(CRLF):
        return data
    return data.replace(CRLF, b"\n").replace(b"\n", CRLF)


def field_of(index: int, raw: bytes) -> Field | None:
    """A :class:`Field` from the whole raw field (``name: value``); ``None`` without a colon."""
    colon = raw.find(b":")
    if colon < 0:
        return None
    name, value = raw[:colon], crlf(raw[colon + 1 :])
    if not value.endswith(CRLF):
        value += CRLF
    return Field(index, name, value, name.strip(WSP).lower())


def fields_of(message: Message) -> list[Field]:
    """Every header field of ``message`` as a :class:`Field`, top to bottom."""
    out: list[Field] = []
    for h in message.headers:
        f = field_of(h.index, h.raw_bytes)
        if f is not None:
            out.append(f)
    return out


# --------------------------------------------------------------------------- tag lists


class TagListError(ValueError):
    """A tag=value list that does not follow RFC 6376 section 3.2.

    ``kind``: ``no_equals`` (a tag-spec without ``=``), ``bad_name`` (not
    ``ALPHA *ALNUMPUNC``) or ``duplicate``; ``spec`` the offending tag-spec as written and
    ``name`` the tag name read from it.
    """

    def __init__(
        self, kind: Literal["no_equals", "bad_name", "duplicate"], spec: bytes, name: bytes
    ) -> None:
        self.kind = kind
        self.spec = spec
        self.name = name
        what = {"no_equals": "tag-spec without '='", "bad_name": "invalid tag name"}
        shown = name if kind != "no_equals" else spec
        super().__init__(f"{what.get(kind, 'duplicate tag')}: {_show(shown)}")


def _show(data: bytes, limit: int = 40) -> str:
    text = data.decode("latin-1").strip()
    return repr(text if len(text) <= limit else text[:limit] + "...")


def parse_tag_list(value: bytes) -> dict[bytes, bytes]:
    """Parse a tag=value list (RFC 6376 section 3.2) into ``{name: value}``, in order.

    Tag names are case-sensitive ``ALPHA *(ALPHA / DIGIT / "_")``; values lose the folding
    white space around them. One trailing ``;`` is allowed. Raises :class:`TagListError`.
    """
    specs = value.strip(FWS).split(b";")
    if not specs[-1]:
        specs.pop()
    tags: dict[bytes, bytes] = {}
    for spec in specs:
        name, eq, val = spec.partition(b"=")
        name = name.strip(FWS)
        if not eq:
            raise TagListError("no_equals", spec, name)
        if not name or name[0] not in _ALPHA or not _ALNUMPUNC.issuperset(name):
            raise TagListError("bad_name", spec, name)
        if name in tags:
            raise TagListError("duplicate", spec, name)
        tags[name] = val.strip(FWS)
    return tags


def lenient_tag(value: bytes, wanted: bytes) -> bytes | None:
    """The value of tag ``wanted`` even when the rest of the list is malformed (first wins)."""
    for spec in value.split(b";"):
        name, eq, val = spec.partition(b"=")
        if eq and name.strip(FWS) == wanted:
            return val.strip(FWS)
    return None


def split_colon_list(value: bytes) -> list[bytes]:
    """A colon-separated tag value (``h=``, ``q=``, key ``h=``/``s=``/``t=``), each entry
    lower-cased with its white space removed, empty entries dropped."""
    out = []
    for part in value.split(b":"):
        entry = b"".join(part.split()).lower()
        if entry:
            out.append(entry)
    return out


def decode_dkim_qp(value: bytes) -> bytes | None:
    """Decode dkim-quoted-printable (RFC 6376 section 2.11); ``None`` when it is not.

    White space is folding and is dropped; ``=XX`` is one octet (lower-case hex accepted, as
    RFC 2045 section 6.7 allows a robust decoder); any other octet must be a
    dkim-safe-char, or 8-bit (kept as is: RFC 8616 lets identities carry UTF-8).
    """
    if b"=" not in value and not any(c in value for c in b";\x7f"):
        compact = _FWS_RUN.sub(b"", value)
        return compact if all(c >= 0x21 or c >= 0x80 for c in compact) else None
    out = bytearray()
    i = 0
    n = len(value)
    while i < n:
        c = value[i]
        if c == 0x3D:  # "="
            pair = value[i + 1 : i + 3]
            if len(pair) != 2 or not _HEX.issuperset(pair):
                return None
            out.append(int(pair, 16))
            i += 3
            continue
        if c in FWS:
            i += 1
            continue
        if c < 0x21 or c in (0x3B, 0x7F):  # controls and ";" must be encoded
            return None
        out.append(c)
        i += 1
    return bytes(out)


def b64decode(text: bytes) -> bytes | None:
    """Strict base64 after removing folding white space; ``None`` when it is not base64."""
    compact = _FWS_RUN.sub(b"", text) if any(c in text for c in FWS) else text
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None


def parse_canonicalization(value: bytes | None) -> tuple[bytes, bytes] | None:
    """The (header, body) algorithms of a ``c=`` value (RFC 6376 section 3.5).

    A missing tag means ``simple/simple``; a lone algorithm applies to the header, with
    ``simple`` for the body. ``None`` when the value names something else.
    """
    if value is None:
        return (b"simple", b"simple")
    parts = b"".join(value.split()).lower().split(b"/")
    if len(parts) == 1:
        parts.append(b"simple")
    if len(parts) != 2 or any(p not in (b"simple", b"relaxed") for p in parts):
        return None
    return (parts[0], parts[1])


# --------------------------------------------------------------------------- b= removal

_B_BEFORE = frozenset(b"; \t\r\n\x0b\x0c")  # ";" or white space (a regex \s)
_B_EQUALS = re.compile(rb"\s*=")
# What may follow "b=": white space and base64 characters (one class: linear).
_B_RUN = re.compile(rb"[\sA-Za-z0-9+/=]*")
_SPACE = b" \t\r\n\x0b\x0c"


def strip_b_value(value: bytes) -> bytes:
    """The signature field value with the ``b=`` value removed (RFC 6376 section 3.7).

    A tag ``b`` starts after ``;`` or white space; after its ``=`` the longest run of white
    space and base64 characters that ends in a base64 character goes, and with it a line end
    at the very end of the value. This is the reading dkimpy's signer and verifier share (its
    ``RE_BTAG``), so the signatures they make verify; it agrees with OpenDKIM on every
    well-formed signature. Linear: every octet is looked at a bounded number of times.
    """
    out: list[bytes] = []
    copied = 0
    n = len(value)
    i = value.find(b"b", 1)
    while i > 0:
        m = _B_EQUALS.match(value, i + 1) if value[i - 1] in _B_BEFORE else None
        if m is None:
            i = value.find(b"b", i + 1)
            continue
        start = m.end()
        run = _B_RUN.match(value, start)
        stop = run.end() if run is not None else start
        end = start + len(value[start:stop].rstrip(_SPACE))
        out.append(value[copied:start])
        if value[end:] in (b"\r\n", b"\n"):
            end = n
        copied = end
        i = value.find(b"b", end + 1)
    out.append(value[copied:])
    return b"".join(out)


# --------------------------------------------------------------------------- headers


def index_fields(fields: Sequence[Field]) -> dict[bytes, list[int]]:
    """Positions in ``fields`` by lower-case name, top to bottom."""
    positions: dict[bytes, list[int]] = {}
    for pos, f in enumerate(fields):
        positions.setdefault(f.lname, []).append(pos)
    return positions


def select(
    fields: Sequence[Field],
    names: Sequence[bytes],
    index: Mapping[bytes, Sequence[int]] | None = None,
    *,
    drop: Container[int] = (),
) -> list[int | None]:
    """For each ``h=`` name, the position in ``fields`` of the instance it signs, or ``None``.

    Instances are taken from the bottom up; a name listed more often than it occurs signs
    its absence (RFC 6376 section 5.4.2). ``index`` (from :func:`index_fields`) saves
    reading every field again; ``drop`` selects as if the fields at those positions were
    gone (a field added after signing, or the sets of newer ARC instances).
    """
    if index is None:
        index = index_fields(fields)
    stacks: dict[bytes, list[int]] = {}
    out: list[int | None] = []
    for name in names:
        stack = stacks.get(name)
        if stack is None:
            found = index.get(name, ())
            stack = stacks[name] = [p for p in found if p not in drop] if drop else list(found)
        out.append(stack.pop() if stack else None)
    return out


_TAB_TO_SPACE = bytes.maketrans(b"\t", b" ")
_EIGHT_SPACES = b" " * 8


def squeeze_wsp(data: bytes) -> bytes:
    """Every run of SP and HTAB as one SP (RFC 6376 sections 3.4.2 and 3.4.4).

    Tabs become spaces, then runs are shortened by replacing eight spaces with one, and
    finally two with one, until none is left: each pass runs at C speed and shrinks every
    long run to an eighth (or a half), so the total work stays linear (a run of n spaces
    costs n + n/8 + ...), and many short runs cost two or three passes, where a regular
    expression would make one call per run.
    """
    if b"\t" in data:
        data = data.translate(_TAB_TO_SPACE)
    while _EIGHT_SPACES in data:
        data = data.replace(_EIGHT_SPACES, b" ")
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    return data


def canonical_header(field: Field, relaxed: bool, value: bytes | None = None) -> bytes:
    """``name:value`` under simple or relaxed header canonicalization (RFC 6376 3.4.1/3.4.2),
    ending in CRLF. ``value`` replaces the field's own (a signature with ``b=`` removed)."""
    v = field.value if value is None else value
    if not relaxed:
        return field.name + b":" + v
    unfolded = squeeze_wsp(v.replace(CRLF, b""))
    return field.lname + b":" + unfolded.strip(WSP) + CRLF


def signature_field_data(field: Field, relaxed: bool, stripped: bytes | None = None) -> bytes:
    """The signature field as hashed last (RFC 6376 section 3.7): ``b=`` value removed,
    canonicalized, without its trailing CRLF (nor white space before it)."""
    value = strip_b_value(field.value) if stripped is None else stripped
    return canonical_header(field, relaxed, value).rstrip(FWS)


def header_data(
    fields: Sequence[Field],
    chosen: Iterable[int | None],
    sig_field: Field,
    relaxed: bool,
    stripped: bytes | None = None,
    override: Mapping[int, Field] | None = None,
) -> bytes:
    """The octets a header signature covers (RFC 6376 section 3.7).

    ``chosen`` are positions in ``fields`` (from :func:`select`); ``override`` replaces the
    fields at some positions (a repair being tested); the signature field comes last,
    through :func:`signature_field_data`.
    """
    if override:
        picked = [override.get(p) or fields[p] for p in chosen if p is not None]
    else:
        picked = [fields[p] for p in chosen if p is not None]
    parts = [canonical_header(f, relaxed) for f in picked]
    parts.append(signature_field_data(sig_field, relaxed, stripped))
    return b"".join(parts)
