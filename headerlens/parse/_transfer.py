"""Content-Transfer-Encoding (RFC 2045 section 6): base64 and quoted-printable decoding with
their problems, and the measuring of a MIME leaf (decoded size, SHA-256) in bounded memory.

:mod:`headerlens.parse.mime` builds the tree and calls these; :func:`decode_content` and
:func:`decode_quoted_printable` are re-exported from there for the other areas.
"""

from __future__ import annotations

import binascii
import hashlib
import re
from collections.abc import Iterator

from headerlens.parse.params import Problem

__all__ = ["decode", "decode_content", "decode_quoted_printable", "measure"]

_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_WS = b" \t\r\n"
_NOT_B64 = bytes(c for c in range(256) if c not in _B64 + b"=")


# --- transfer decoding (RFC 2045 section 6) -----------------------------------------------


def _decode_base64(data: bytes) -> tuple[bytes | None, list[Problem]]:
    problems: list[Problem] = []
    compact = data.translate(None, _B64_WS)
    stray = compact.translate(None, _B64 + b"=")
    if stray:
        problems.append(("mime.base64_characters", f"{len(stray)} bytes outside the alphabet"))
        compact = compact.translate(None, _NOT_B64)
    body = compact.rstrip(b"=")
    if b"=" in body:
        # Concatenated base64 blocks: decode each padded block in turn.
        out = bytearray()
        for block in compact.replace(b"=", b"= ").split():
            stripped = block.rstrip(b"=")
            if len(stripped) % 4 == 1:
                problems.append(("mime.base64_length", "a block has one character left over"))
                return None, problems
            if stripped:
                pad = (-len(stripped)) % 4
                out += binascii.a2b_base64(stripped + b"=" * pad)
        return bytes(out), problems
    rem = len(body) % 4
    if rem == 1:
        problems.append(("mime.base64_length", "one character left over"))
        return None, problems
    pad = (-len(body)) % 4
    if len(compact) - len(body) < pad:
        problems.append(("mime.base64_padding", "missing '=' padding"))
    return binascii.a2b_base64(body + b"=" * pad), problems


# An "=" that is neither an escape ("=" and two hex digits) nor a soft line break ("=", optional
# white space, a line end or the end). Each "=" looks ahead over its own white space run only:
# linear on any input.
_BAD_QP = re.compile(rb"=(?![0-9A-Fa-f]{2}|[ \t]*+(?:[\r\n]|\Z))")


def _check_qp(data: bytes, start: int = 0, end: int | None = None) -> list[Problem]:
    """The first ``=`` in ``data[start:end]`` that is neither an escape nor a soft line break
    (RFC 2045 section 6.7); offsets are counted from ``start``. Reads in place."""
    found = _BAD_QP.search(data, start, len(data) if end is None else end)
    if found is None:
        return []
    return [
        (
            "mime.quoted_printable_invalid",
            f"'=' at offset {found.start() - start} is not an escape",
        )
    ]


# A soft line break ("=" at the end of an encoded line, RFC 2045 section 6.7 rule 5) ended
# by a bare CR: binascii.a2b_qp looks for the LF of a CRLF and would drop everything after.
_SOFT_BREAK_CR = re.compile(rb"=\r(?!\n)")


def decode_quoted_printable(data: bytes) -> bytes:
    """Quoted-printable decoding (RFC 2045 section 6.7) for any line ending: CRLF, LF or CR."""
    if b"=\r" in data:
        data = _SOFT_BREAK_CR.sub(b"", data)
    return binascii.a2b_qp(data)


def decode(data: bytes, cte: str | None) -> tuple[bytes | None, list[Problem]]:
    """``data`` decoded per ``cte`` (``None`` when it cannot be), and the problems found."""
    if cte == "base64":
        return _decode_base64(data)
    if cte == "quoted-printable":
        return decode_quoted_printable(data), _check_qp(data)
    return data, []


def decode_content(data: bytes, cte: str | None) -> bytes | None:
    """``data`` with its Content-Transfer-Encoding undone (RFC 2045 section 6), or ``None``
    when it cannot be decoded."""
    return decode(data, cte)[0]


# --- measuring a leaf in bounded memory ---------------------------------------------------
#
# A leaf part is transfer-decoded only to give ``decoded_size`` and ``sha256``: it is read in
# slices of _CHUNK bytes and hashed as it is decoded, so a 50 MB attachment costs a few MB
# of memory, not three copies of itself. The results are those of :func:`decode` on the whole
# part (tests/parse/test_mime_stream.py compares them on generated and hostile input).

_CHUNK = 1 << 18


def measure(
    data: bytes, start: int, end: int, cte: str | None
) -> tuple[int | None, str | None, list[Problem]]:
    """``(decoded size, SHA-256 hex, problems)`` of ``data[start:end]`` decoded per ``cte``."""
    if cte == "base64":
        return _measure_base64(data, start, end)
    digest = hashlib.sha256()
    if cte == "quoted-printable":
        size = 0
        for piece in _qp_pieces(data, start, end):
            digest.update(piece)
            size += len(piece)
        return size, digest.hexdigest(), _check_qp(data, start, end)
    with memoryview(data) as view:
        digest.update(view[start:end])
    return end - start, digest.hexdigest(), []


def _qp_pieces(data: bytes, start: int, end: int) -> list[bytes] | _QpPieces:
    if end - start <= _CHUNK:
        return [decode_quoted_printable(data[start:end])]
    return _QpPieces(data, start, end)


class _QpPieces:
    """:func:`decode_quoted_printable` over slices that end after a line feed: every escape and soft
    line break lies within one line, so decoding line-aligned slices in turn gives the bytes
    of decoding the whole (a line longer than a slice is decoded whole)."""

    def __init__(self, data: bytes, start: int, end: int) -> None:
        self.data, self.start, self.end = data, start, end

    def __iter__(self) -> Iterator[bytes]:
        data, pos, end = self.data, self.start, self.end
        with memoryview(data) as view:
            while pos < end:
                stop = pos + _CHUNK
                if stop >= end:
                    stop = end
                else:
                    nl = data.rfind(b"\n", pos, stop)
                    if nl == -1:
                        nl = data.find(b"\n", stop, end)
                    stop = end if nl == -1 else nl + 1
                # A piece ends after a LF, so a bare-CR soft break never straddles two.
                yield decode_quoted_printable(bytes(view[pos:stop]))
                pos = stop


def _measure_base64(
    data: bytes, start: int, end: int
) -> tuple[int | None, str | None, list[Problem]]:
    """:func:`_decode_base64` of ``data[start:end]``, streamed: the same size, digest and
    problems, holding one slice at a time.

    The alphabet characters form blocks separated by ``=`` runs. With no ``=`` before the
    last alphabet character there is one block (padding checked); otherwise every block is
    decoded on its own, as concatenated base64 messages are."""
    digest = hashlib.sha256()
    size = 0
    stray = 0
    pend = b""  # the open block's characters not yet decoded (fewer than 4 between slices)
    in_block = False
    seen_eq = False  # an "=" has been read (so an alphabet character after it: concatenated)
    concatenated = False
    failed = False  # a block had one character left over: no decoded content
    last_rem = 0  # the last block's length mod 4
    trailing_eq = 0  # "=" characters after the last alphabet character

    def close_block() -> None:
        nonlocal pend, size, failed, last_rem
        rem = len(pend) % 4
        last_rem = rem
        if rem == 1:
            failed = True
        elif not failed and pend:
            out = binascii.a2b_base64(pend + b"=" * ((-rem) % 4))
            digest.update(out)
            size += len(out)
        pend = b""

    for pos in range(start, end, _CHUNK):
        compact = data[pos : min(pos + _CHUNK, end)].translate(None, _B64_WS)
        odd = compact.translate(None, _B64 + b"=")
        if odd:
            stray += len(odd)
            compact = compact.translate(None, _NOT_B64)
        i, n = 0, len(compact)
        while i < n:
            j = compact.find(b"=", i)
            if j == -1:
                j = n
            if j > i:  # an alphabet run
                if seen_eq:
                    concatenated = True
                in_block = True
                trailing_eq = 0
                if failed:
                    pend = b""
                else:
                    run = pend + compact[i:j]
                    cut = len(run) - len(run) % 4
                    if cut:
                        out = binascii.a2b_base64(run[:cut])
                        digest.update(out)
                        size += len(out)
                    pend = run[cut:]
                i = j
            if i < n:  # an "=" run
                k = i
                while k < n and compact[k] == 0x3D:
                    k += 1
                if in_block:
                    close_block()
                    in_block = False
                seen_eq = True
                trailing_eq += k - i
                i = k
    if in_block:
        close_block()
    problems: list[Problem] = []
    if stray:
        problems.append(("mime.base64_characters", f"{stray} bytes outside the alphabet"))
    if concatenated:
        if failed:
            problems.append(("mime.base64_length", "a block has one character left over"))
            return None, None, problems
        return size, digest.hexdigest(), problems
    if failed:
        problems.append(("mime.base64_length", "one character left over"))
        return None, None, problems
    if trailing_eq < (-last_rem) % 4:
        problems.append(("mime.base64_padding", "missing '=' padding"))
    return size, digest.hexdigest(), problems
