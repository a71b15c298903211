"""A MIME leaf is measured (decoded size, SHA-256, transfer-encoding problems) slice by slice,
in bounded memory; the results must be those of decoding the whole part at once.

The reference here is the whole-part decoder (``_decode``) plus ``hashlib.sha256``; the
streamed reader runs with tiny slices so that every slice boundary case is hit: inside a
4-character group, on an ``=`` run, between ``=`` and the next block, inside a CRLF, on stray
bytes.
"""

from __future__ import annotations

import base64
import hashlib
import quopri
from unittest.mock import patch

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from headerlens.parse import _transfer
from headerlens.parse._transfer import decode as _decode
from headerlens.parse._transfer import measure as _measure


def _reference(data: bytes, cte: str | None) -> tuple[int | None, str | None, list[object]]:
    content, problems = _decode(data, cte)
    if content is None:
        return None, None, list(problems)
    return len(content), hashlib.sha256(content).hexdigest(), list(problems)


B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

b64ish = st.lists(
    st.one_of(
        st.sampled_from(list(B64_ALPHABET)),
        st.sampled_from(list(b"=\r\n \t")),
        st.sampled_from(list(b"!*-.\x00\xff")),
    ),
    max_size=80,
).map(bytes)

qpish = st.lists(
    st.one_of(
        st.sampled_from(list(b"=\r\n \t")),
        st.sampled_from(list(b"0123456789ABCDEFabcdefXYZ_")),
        st.integers(0, 255),
    ),
    max_size=80,
).map(bytes)


@pytest.mark.parametrize("chunk", [1, 3, 4, 5, 7, 64])
@settings(max_examples=150, deadline=None)
@given(data=b64ish)
@example(data=b"QUJD")
@example(data=b"QUJDRA")  # missing padding
@example(data=b"QUJDR")  # one character left over
@example(data=b"QUI=QUJD")  # concatenated blocks
@example(data=b"==QUJD")  # "=" before the only block
@example(data=b"QUI=Q===QUJD")  # a later block with one character left over
@example(data=b"QU\r\nJD\r\nRA==\r\n")
@example(data=b"===")
@example(data=b"")
def test_base64_streamed_equals_whole(data: bytes, chunk: int) -> None:
    framed = b"junk" + data + b"junk"  # offsets inside a larger buffer, as in a message
    with patch.object(_transfer, "_CHUNK", chunk):
        got = _measure(framed, 4, 4 + len(data), "base64")
    assert got == _reference(data, "base64")


@pytest.mark.parametrize("chunk", [1, 2, 3, 8, 64])
@settings(max_examples=150, deadline=None)
@given(data=qpish)
@example(data=b"caf=C3=A9 =\r\nsoft break\r\nend=")
@example(data=b"a=\rb\r\nc=\r\n")
@example(data=b"= \t\r\n=4")
@example(data=b"x" * 20 + b"=4\n1")
def test_quoted_printable_streamed_equals_whole(data: bytes, chunk: int) -> None:
    framed = b"=\r\n" + data + b"=ZZ"
    with patch.object(_transfer, "_CHUNK", chunk):
        got = _measure(framed, 3, 3 + len(data), "quoted-printable")
    assert got == _reference(data, "quoted-printable")


@pytest.mark.parametrize("cte", [None, "7bit", "8bit", "binary", "x-unknown"])
def test_identity_encodings_hash_in_place(cte: str | None) -> None:
    data = b"head" + bytes(range(256)) * 3 + b"tail"
    assert _measure(data, 4, 4 + 768, cte) == _reference(data[4:-4], cte)


def test_a_large_attachment_decodes_to_the_same_digest() -> None:
    payload = bytes(range(256)) * 20_000  # 5 MB: several 1 MiB slices
    encoded = base64.encodebytes(payload).replace(b"\n", b"\r\n")
    size, digest, problems = _measure(encoded, 0, len(encoded), "base64")
    assert (size, digest, problems) == (len(payload), hashlib.sha256(payload).hexdigest(), [])
    qp = quopri.encodestring(payload[:2_500_000])
    assert _measure(qp, 0, len(qp), "quoted-printable") == _reference(qp, "quoted-printable")


_HEX = frozenset(b"0123456789ABCDEFabcdef")


def _qp_problem_reference(data: bytes) -> list[tuple[str, str]]:
    """RFC 2045 section 6.7 read literally: every "=" must start an escape (two hex digits) or
    a soft line break (optional white space, then a line end or the end of the part)."""
    for i, c in enumerate(data):
        if c != 0x3D:
            continue
        if len(data) >= i + 3 and data[i + 1] in _HEX and data[i + 2] in _HEX:
            continue
        rest = data[i + 1 :].lstrip(b" \t")
        if rest and rest[0] not in b"\r\n":
            return [("mime.quoted_printable_invalid", f"'=' at offset {i} is not an escape")]
    return []


@settings(max_examples=400, deadline=None)
@given(data=qpish, pad=st.integers(0, 3))
@example(data=b"= \t=", pad=0)
@example(data=b"a=4", pad=0)
@example(data=b"=\r=0D=0a", pad=1)
def test_quoted_printable_check_matches_the_rule(data: bytes, pad: int) -> None:
    framed = b"=" * pad + data + b"=Z"
    assert _transfer._check_qp(framed, pad, pad + len(data)) == _qp_problem_reference(data)
