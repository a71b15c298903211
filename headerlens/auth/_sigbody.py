"""Message bodies for DKIM and ARC: canonicalized and hashed by chunks (RFC 6376 3.4, 3.7).

:class:`BodyCanonicalizer` applies simple or relaxed body canonicalization to a body given in
pieces of any size, in linear time and with a bounded amount held back; :func:`body_digest`
and :class:`PrefixDigests` hash what it produces; :class:`SignedMessage` is a message as both
verifiers read it (its fields, and its body read from the source in fixed-size chunks, never
copied whole). The header side of the byte layer is :mod:`headerlens.auth._sigbytes`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from headerlens.auth._sigbytes import CRLF, HASHES, Field, crlf, field_of, squeeze_wsp

if TYPE_CHECKING:
    from headerlens.message import HeaderField, Message

__all__ = [
    "CHUNK",
    "BodyCanonicalizer",
    "BodyDigest",
    "BodySource",
    "LazyFields",
    "PrefixDigests",
    "SignedMessage",
    "body_digest",
    "canonical_body",
    "canonical_chunks",
    "chunks_of",
    "crlf_chunks",
    "digest_canonical",
    "line_prefix_digests",
]

#: Bodies up to this size keep their canonical form once made (a few passes read it).
KEEP_CANONICAL = 1 << 20
#: Size of the body chunks hashed at a time (64 KiB: large enough to run at C speed, small
#: enough that a 50 MB body is never copied whole).
CHUNK = 1 << 16
# One character class, repeated: each run is matched once, so this stays linear.
_CRLF_RUN = re.compile(rb"(?:\r\n)+")


def _has_bare_lf(chunks: Iterable[bytes]) -> bool:
    """Whether the body holds an LF that is not the end of a CRLF (one pass)."""
    cr_end = False
    for chunk in chunks:
        lf = chunk.count(b"\n")
        if lf:
            paired = chunk.count(CRLF) + (cr_end and chunk[:1] == b"\n")
            if lf != paired:
                return True
        cr_end = chunk.endswith(b"\r")
    return False


def crlf_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """``chunks`` with bare LF turned into CRLF (as :func:`crlf`), also when a CRLF is split
    between two chunks."""
    cr = False
    for chunk in chunks:
        if not chunk:
            continue
        if cr:
            chunk = b"\r" + chunk
        cr = chunk.endswith(b"\r")
        if cr:
            chunk = chunk[:-1]
        if chunk:
            yield crlf(chunk)
    if cr:
        yield b"\r"


class BodyCanonicalizer:
    """Simple or relaxed body canonicalization (RFC 6376 sections 3.4.3, 3.4.4), by chunks.

    :meth:`feed` takes the body in pieces of any size (bare LF counts as CRLF, as in
    :func:`crlf`) and returns the canonical octets known so far; :meth:`close` returns the
    rest. What cannot be decided yet is held back, and it is small: a trailing CR, one
    space standing for a run of white space, and a count of empty lines (they are dropped
    at the end of the body). Linear in the input whatever the chunking, and equal to the
    whole-body result for every split.

    Relaxed: runs of WSP become one SP, WSP at the end of every line is ignored (the last
    line included, when the body does not end in CRLF, as OpenDKIM does), empty lines at
    the end are ignored, and an empty result stays empty. Simple: empty lines at the end are
    ignored and the result ends in CRLF (an empty body becomes one CRLF).
    """

    __slots__ = ("_blanks", "_carry", "_crlf_done", "_started", "relaxed")

    def __init__(self, relaxed: bool, *, crlf_done: bool = False) -> None:
        self.relaxed = relaxed
        self._crlf_done = crlf_done  # the caller knows there is no bare LF
        self._carry = b""  # held back: [" "] ["\r"] (relaxed) or ["\r"] (simple)
        self._blanks = 0  # line ends after the last text, not yet written
        self._started = False  # some text has been written

    def feed(self, chunk: bytes) -> bytes:
        """Canonicalize the next piece of the body; returns what is final so far."""
        if not chunk:
            return b""
        data = self._carry + chunk if self._carry else chunk
        # Line ends: bare LF -> CRLF. A CR at the very end may be the first half of a CRLF.
        if not self._crlf_done and b"\n" in data and data.count(b"\n") != data.count(CRLF):
            data = data.replace(CRLF, b"\n").replace(b"\n", CRLF)
        if self.relaxed:
            data = squeeze_wsp(data)
        keep = len(data)
        if data.endswith(b"\r"):
            keep -= 1
        if self.relaxed and keep and data[keep - 1] == 0x20:
            keep -= 1
        self._carry = data[keep:]
        if keep < len(data):
            data = data[:keep]
        if self.relaxed and b" \r\n" in data:
            data = data.replace(b" \r\n", CRLF)
        return self._emit(data)

    def _emit(self, data: bytes) -> bytes:
        if not data:
            return b""
        # Empty lines at the end of what we have may be the end of the body: hold them.
        # In a tail of CRs and LFs ending in LF, the line ends are the CRLF pairs after the
        # last bare CR (the first CR of "\r\r"): every LF follows a CR here.
        trailing = 0
        if data.endswith(b"\n"):
            # (the tail is usually one CRLF: strip a short window before the whole chunk)
            window = data[-8:]
            if window.strip(b"\r\n"):
                tail = window[len(window.rstrip(b"\r\n")) :]
            else:
                tail = data[len(data.rstrip(b"\r\n")) :]
            bare = tail.rfind(b"\r\r")
            trailing = tail.count(b"\n", bare + 1) if bare >= 0 else tail.count(b"\n")
        end = len(data) - 2 * trailing
        if end == 0:
            self._blanks += trailing
            return b""
        # Text follows the held line ends: they were not at the end of the body after all.
        pending = self._blanks
        self._blanks = trailing
        self._started = True
        text = data[:end] if trailing else data
        return CRLF * pending + text if pending else text

    def close(self) -> bytes:
        """The canonical octets still held back; the canonicalizer is spent afterwards."""
        carry = self._carry
        self._carry = b""
        # A lone " " is white space at the end of the last line: ignored. A CR is text.
        tail = self._emit(carry) if carry.endswith(b"\r") else b""
        # The last line's own line end (held with the empty lines after it), or the CRLF
        # added to a body that does not end in one; an empty relaxed body stays empty.
        if self._started:
            return tail + CRLF
        return b"" if self.relaxed else CRLF


def canonical_body(body: bytes, relaxed: bool) -> bytes:
    """The whole body under simple or relaxed canonicalization (RFC 6376 3.4.3, 3.4.4)."""
    c = BodyCanonicalizer(relaxed)
    return c.feed(body) + c.close()


def chunks_of(data: bytes | memoryview, size: int = CHUNK) -> Iterator[bytes]:
    """``data`` in pieces of ``size`` octets (copies of one piece at a time)."""
    view = memoryview(data)
    for start in range(0, len(view), size):
        yield bytes(view[start : start + size])


@dataclass(frozen=True, slots=True)
class BodyDigest:
    """A body hash (RFC 6376 section 3.7): the digest of the canonical body, cut at ``l=``
    when one was given, and the length of the whole canonical body."""

    digest: bytes
    canonical_length: int


def body_digest(
    chunks: Iterable[bytes],
    relaxed: bool,
    hash_name: str,
    limit: int | None = None,
    *,
    crlf_done: bool = False,
) -> BodyDigest:
    """Hash the canonical form of the body read from ``chunks``; at most ``limit`` octets.
    ``crlf_done``: the chunks are known to hold no bare LF."""
    return digest_canonical(
        canonical_chunks(chunks, relaxed, crlf_done=crlf_done), hash_name, limit
    )


def digest_canonical(
    canonical: Iterable[bytes], hash_name: str, limit: int | None = None
) -> BodyDigest:
    """Hash canonical body pieces, at most ``limit`` octets; count them all."""
    h = HASHES[hash_name]()
    total = 0
    for out in canonical:
        if limit is None:
            h.update(out)
        elif total < limit:
            h.update(out[: limit - total])
        total += len(out)
    return BodyDigest(h.digest(), total)


class PrefixDigests:
    """Digests of the canonical body cut after each non-empty line (what a signer saw when
    text was appended after it signed), read in one pass over canonical chunks.

    Iterate to get ``(lines, octets, digest)`` at each cut (at most ``max_lines`` lines are
    considered); ``lines`` and ``octets`` hold the totals once the iteration has finished.
    """

    def __init__(self, canonical: Iterable[bytes], hash_name: str, max_lines: int) -> None:
        self._canonical = canonical
        self._hash_name = hash_name
        self._max_lines = max_lines
        self.lines = 0
        self.octets = 0

    def __iter__(self) -> Iterator[tuple[int, int, bytes]]:
        h = HASHES[self._hash_name]()
        update = h.update
        max_lines = self._max_lines
        lines = octets = 0
        line = 0  # octets of the current line hashed so far
        cr_end = False  # the previous chunk ended in CR: a CRLF may be split
        for chunk in self._canonical:
            n = len(chunk)
            if lines >= max_lines:
                lines += chunk.count(CRLF) + (cr_end and chunk[:1] == b"\n")
                octets += n
                cr_end = chunk.endswith(b"\r")
                continue
            view = memoryview(chunk)
            find = chunk.find
            pos = 0
            if cr_end and chunk[:1] == b"\n":
                update(b"\n")
                pos = 1
                octets += 1
                lines += 1
                if line > 1:
                    self.lines, self.octets = lines, octets
                    yield lines, octets, h.copy().digest()
                line = 0
            while pos < n:
                nl = find(CRLF, pos)
                if nl < 0:
                    update(view[pos:])
                    line += n - pos
                    octets += n - pos
                    break
                if nl == pos and line == 0:
                    # a run of empty lines: no cut ends there, hash it in one go
                    run = _CRLF_RUN.match(chunk, pos)
                    end = run.end() if run is not None else pos + 2
                    lines += (end - pos) // 2
                else:
                    end = nl + 2
                    lines += 1
                    line = 0
                    update(view[pos:end])
                    octets += end - pos
                    pos = end
                    self.lines, self.octets = lines, octets
                    yield lines, octets, h.copy().digest()
                    if lines >= max_lines:
                        rest = chunk[pos:]
                        lines += rest.count(CRLF)
                        octets += len(rest)
                        break
                    continue
                update(view[pos:end])
                octets += end - pos
                pos = end
                if lines >= max_lines:
                    rest = chunk[pos:]
                    lines += rest.count(CRLF)
                    octets += len(rest)
                    break
            cr_end = chunk.endswith(b"\r")
        self.lines, self.octets = lines, octets


def line_prefix_digests(
    body_chunks: Iterable[bytes],
    relaxed: bool,
    hash_name: str,
    max_lines: int,
    *,
    crlf_done: bool = False,
) -> PrefixDigests:
    """:class:`PrefixDigests` of the body read from ``body_chunks``, canonicalized."""
    canonical = canonical_chunks(body_chunks, relaxed, crlf_done=crlf_done)
    return PrefixDigests(canonical, hash_name, max_lines)


def canonical_chunks(
    chunks: Iterable[bytes], relaxed: bool, *, crlf_done: bool = False
) -> Iterator[bytes]:
    """The canonical body read from ``chunks``, in pieces (empty pieces left out)."""
    canon = BodyCanonicalizer(relaxed, crlf_done=crlf_done)
    for chunk in chunks:
        out = canon.feed(chunk)
        if out:
            yield out
    out = canon.close()
    if out:
        yield out


# --------------------------------------------------------------------------- a message


#: A body that can be read more than once, in chunks: each call starts a new pass.
BodySource = Callable[[], Iterable[bytes]]


class LazyFields(Sequence[Field]):
    """The message's header fields as :class:`Field`, each made the first time it is read.

    A signature reads its own field and the few its ``h=`` list names; making a
    :class:`Field` for every Received line of a long header would cost more than the check.
    The same position always gives the same object.
    """

    __slots__ = ("_headers", "_made")

    def __init__(self, headers: Sequence[HeaderField]) -> None:
        self._headers = headers
        self._made: list[Field | None] = [None] * len(headers)

    def __len__(self) -> int:
        return len(self._headers)

    @overload
    def __getitem__(self, pos: int) -> Field: ...

    @overload
    def __getitem__(self, pos: slice) -> list[Field]: ...

    def __getitem__(self, pos: int | slice) -> Field | list[Field]:
        if isinstance(pos, slice):
            return [self[i] for i in range(*pos.indices(len(self)))]
        made = self._made[pos]
        if made is None:
            h = self._headers[pos]
            made = field_of(h.index, h.raw_bytes) or Field(h.index, b"", b"\r\n", b"")
            self._made[pos] = made
        return made

    def header_index(self, pos: int) -> int:
        """The message index of the field at ``pos`` (without making it)."""
        return self._headers[pos].index


def _name_index(fields: LazyFields, headers: Sequence[HeaderField]) -> dict[bytes, list[int]]:
    """Positions by lower-case name, read from the parsed names where they are plain ASCII
    (as :func:`index_fields` reads them from the bytes)."""
    positions: dict[bytes, list[int]] = {}
    for pos, h in enumerate(headers):
        name = h.name
        if name.isascii() and name == name.lstrip(" \t"):
            key = name.lower().encode("ascii")
        else:
            key = fields[pos].lname
        positions.setdefault(key, []).append(pos)
    return positions


class SignedMessage:
    """A message as both verifiers read it: its fields as :class:`Field` and its body hashed
    in chunks, each body hash computed once per (canonicalization, hash, ``l=``).

    ``with_body=False`` for a header-only paste (nothing to hash). The body is read from the
    message source in :data:`CHUNK`-sized pieces, never copied whole; ``body`` replaces that
    source for a message whose body is not held in memory (a reader that streams a big
    message from a file passes a function that reads the body again from the start, in
    chunks, each time it is called: every body hash is one pass).
    """

    def __init__(
        self, message: Message, *, with_body: bool = True, body: BodySource | None = None
    ) -> None:
        self.message = message
        self._body = body
        self._bare_lf: bool | None = None
        headers = [h for h in message.headers if ":" in h.raw]
        #: the header fields, top to bottom (made on first use)
        self.fields = LazyFields(headers)
        #: positions in ``fields`` by lower-case name (as :func:`index_fields` gives them)
        self.index = _name_index(self.fields, headers)
        self._position = {h.index: pos for pos, h in enumerate(headers)}
        self._digests: dict[tuple[bool, str, int | None], BodyDigest] = {}
        self._canonical: dict[bool, list[bytes]] = {}
        self.has_body = with_body
        #: results worked out once per message by the steps that read it (diagnosis)
        self.memo: dict[tuple[object, ...], object] = {}

    def field_at(self, header_index: int) -> Field | None:
        """The field with this message index (``HeaderField.index``), if it has a colon."""
        pos = self._position.get(header_index)
        return self.fields[pos] if pos is not None else None

    def position(self, header_index: int) -> int | None:
        """The position in ``fields`` of the field with this message index."""
        return self._position.get(header_index)

    def raw_chunks(self) -> Iterator[bytes]:
        """The body bytes (after the blank line), as stored, in pieces."""
        if not self.has_body:
            return iter(())
        if self._body is not None:
            return iter(self._body())
        start = self.message.body_start
        if start is None:
            return iter(())
        return chunks_of(memoryview(self.message.source)[start:])

    def body_chunks(self) -> Iterator[bytes]:
        """The body with CRLF line ends (:func:`crlf_chunks`), in pieces. Whether it has a
        bare LF at all is found once, so the usual body (none) is passed through as is."""
        start = self.message.body_start
        if self._body is None and self.has_body and start is not None:
            source = self.message.source
            if len(source) - start <= CHUNK:  # a small body: one piece, repaired at once
                return iter((crlf(source[start:]),))
        if self._bare_lf is None:
            self._bare_lf = _has_bare_lf(self.raw_chunks())
        chunks = self.raw_chunks()
        return crlf_chunks(chunks) if self._bare_lf else chunks

    def canonical(self, relaxed: bool) -> Iterator[bytes]:
        """The canonical body (simple or relaxed), in pieces. A body of at most
        :data:`KEEP_CANONICAL` octets is canonicalized once and kept (the diagnosis of a
        failure reads it several times); a bigger one is canonicalized on each pass."""
        kept = self._canonical.get(relaxed)
        if kept is not None:
            return iter(kept)
        pieces = canonical_chunks(self.body_chunks(), relaxed, crlf_done=True)
        start = self.message.body_start
        if self._body is None and (
            start is None or len(self.message.source) - start <= KEEP_CANONICAL
        ):
            kept = self._canonical[relaxed] = list(pieces)
            return iter(kept)
        return pieces

    def body_digest(self, relaxed: bool, hash_name: str, limit: int | None = None) -> BodyDigest:
        """The body hash under ``relaxed``/simple canonicalization, cut at ``limit``."""
        key = (relaxed, hash_name, limit)
        found = self._digests.get(key)
        if found is None:
            found = self._digests[key] = digest_canonical(self.canonical(relaxed), hash_name, limit)
        return found

    def canonical_length(self, relaxed: bool) -> int:
        """Octets in the canonical body (from any digest already computed, else a pass)."""
        for (r, _, _), d in self._digests.items():
            if r == relaxed:
                return d.canonical_length
        return self.body_digest(relaxed, "sha256").canonical_length

    def prefix_digests(self, relaxed: bool, hash_name: str, max_lines: int) -> PrefixDigests:
        """Digests of the canonical body cut after each line (see :class:`PrefixDigests`)."""
        return PrefixDigests(self.canonical(relaxed), hash_name, max_lines)
