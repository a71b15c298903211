"""parse(..., headers_only=True): the header block and nothing past it.

The header fields and header defects must be those of the full parse, whatever the line
endings, leading junk or mbox line, and however the file object hands its bytes over; a
seekable file must be left where the body starts; a big message must not be read.
"""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import headerlens
from headerlens.message import Message

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _same_header(a: Message, b: Message) -> None:
    assert [h.model_dump() for h in a.headers] == [h.model_dump() for h in b.headers]
    assert a.defects == b.defects
    assert a.mbox_from == b.mbox_from


class Trickle(io.RawIOBase):
    """A file object that hands over at most ``step`` bytes per read and counts them."""

    def __init__(self, data: bytes, step: int, *, seekable: bool = True) -> None:
        self._data, self._pos, self._step, self._seekable = data, 0, step, seekable
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._seekable

    def read(self, n: int = -1) -> bytes:  # read() reads to the end, read(n) trickles
        n = len(self._data) if n < 0 else min(n, self._step)
        out = self._data[self._pos : self._pos + n]
        self._pos += len(out)
        self.consumed += len(out)
        return out

    def tell(self) -> int:
        if not self._seekable:
            raise OSError("not seekable")
        return self._pos

    def seek(self, pos: int, whence: int = 0) -> int:
        if not self._seekable:
            raise OSError("not seekable")
        self._pos = pos
        return pos


@pytest.mark.parametrize("path", sorted(SAMPLES.rglob("*.eml")), ids=lambda p: p.name)
def test_every_sample_reads_the_same_header_from_every_source(path: Path) -> None:
    data = path.read_bytes()
    full = headerlens.parse(data)
    for source in (path, data, io.BytesIO(data), Trickle(data, 5)):
        got = headerlens.parse(source, headers_only=True)  # type: ignore[arg-type]
        _same_header(got, full)
        assert got.header_only
        assert got.mime is None
        assert got.source == full.source[: got.size]
        if full.body_start is not None:
            # The header block and its empty line; a block that only a later empty line
            # ends (a line that is not a field) is read up to that line.
            assert got.size >= full.body_start
            assert got.size == full.body_start or any(
                d.code == "header.missing_separator" for d in full.defects
            )


def test_a_big_message_is_not_read(tmp_path: Path) -> None:
    head = (
        b"From: Alice <alice@example.net>\r\nTo: bob@example.org\r\nSubject: big\r\n"
        b"Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\n"
    )
    body = b"x" * 998 + b"\r\n"
    path = tmp_path / "big.eml"
    with path.open("wb") as fh:
        fh.write(head)
        for _ in range(20_000):  # 20 MB
            fh.write(body)
    tracemalloc.start()
    try:
        message = headerlens.parse(path, headers_only=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message.size == len(head)
    assert [h.name for h in message.headers] == ["From", "To", "Subject", "Date"]
    assert peak < 256 * 1024  # a few slices of 8 KiB, never the 20 MB

    big = Trickle(head + body * 20_000, 1 << 30)
    headerlens.parse(big, headers_only=True)
    assert big.consumed <= 8 * 1024  # one slice: the header block is shorter


def test_a_seekable_file_is_left_where_the_body_starts() -> None:
    data = (SAMPLES / "gmail-to-microsoft365.eml").read_bytes()
    fh = io.BytesIO(b"prefix" + data)
    fh.seek(6)
    message = headerlens.parse(fh, headers_only=True)
    assert fh.tell() == 6 + message.size
    assert message.source + fh.read() == data


def test_a_stream_that_cannot_seek_loses_at_most_one_slice() -> None:
    data = (SAMPLES / "gmail-to-microsoft365.eml").read_bytes() + b"body line\r\n" * 10_000
    stream = Trickle(data, 1 << 30, seekable=False)
    message = headerlens.parse(stream, headers_only=True)
    _same_header(message, headerlens.parse(data))
    assert stream.consumed == 8 * 1024


@pytest.mark.parametrize(
    ("data", "whole"),
    [
        (b"Subject: a\r\nFrom: b@example.org\r\n\r\nbody\r\n", False),
        (b"Subject: a\nFrom: b@example.org\n\nbody\n", False),
        (b"Subject: a\rFrom: b@example.org\r\rbody\r", False),  # classic Mac line ends
        (
            b"From x@example.org Tue Mar  3 10:00:00 2026\nDate: 3 Mar 2026 10:00 +0000\n\nbody\n",
            False,
        ),
        (b"Subject: a\r\nFrom: b@example.org\r\n", False),  # a header-only paste: all of it
        # A line that is not a header field ends the block only if an empty line follows
        # somewhere: the reader needs that line to decide as the parser does.
        (b"From: b@example.org\r\nnot a field\r\nmore\r\n\r\nbody\r\n", False),
        # Read whole: input that is not plain RFC 5322 text (pastes are converted first) ...
        (b"\r\n\r\nFrom: b@example.org\r\n\r\nbody\r\n", True),
        (b"   From: b@example.org\r\n   Subject: a\r\n\r\nbody\r\n", True),
        # ... and a block with neither From nor Date (maybe an Outlook box split in groups).
        (b"Received: from a by b; 3 Mar 2026 10:00 +0000\r\n\r\nFrom: c@example.org\r\n", True),
    ],
    ids=[
        "crlf",
        "lf",
        "cr",
        "mbox",
        "paste",
        "missing-separator",
        "leading-blank",
        "indented-paste",
        "no-from-no-date",
    ],
)
def test_header_block_shapes(data: bytes, whole: bool) -> None:
    full = headerlens.parse(data)
    size = len(data) if whole or b"body" not in data else data.find(b"body")
    for step in (1, 2, 3, 1000):
        got = headerlens.parse(Trickle(data, step), headers_only=True)
        _same_header(got, full)
        assert got.header_only
        assert got.input_form == full.input_form
        assert got.size == (full.size if whole else size)


def test_headers_only_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="headers_only"):
        headerlens.parse(b"Subject: x\r\n\r\n", headers_only="yes")  # type: ignore[arg-type]


lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                b"Subject: hello",
                b"From: Alice <a@example.org>",
                b"Date: Tue, 3 Mar 2026 10:00:00 +0000",
                b"Received: from a by b; Tue, 3 Mar 2026 10:00:00 +0000",
                b"\tfolded continuation",
                b" ",
                b"",
                b"not a field",
                b"From mbox@example.org Tue Mar  3 10:00:00 2026",
                b"X-Odd :value",
                b"body text",
            ]
        ),
        st.binary(max_size=12),
    ),
    max_size=40,
)
ends = st.sampled_from([b"\r\n", b"\n", b"\r"])


@settings(max_examples=300, deadline=None)
@given(lines=lines, end=ends, step=st.integers(1, 50), mixed=st.booleans())
@example(lines=[b"Subject: a", b"", b"body"], end=b"\r\n", step=1, mixed=False)
@example(lines=[b"Subject: a", b"x", b"", b"b"], end=b"\r", step=3, mixed=True)
def test_any_input_reads_the_header_of_the_full_parse(
    lines: list[bytes], end: bytes, step: int, mixed: bool
) -> None:
    terminators = [end, b"\r\n", b"\n", b"\r"] if mixed else [end]
    data = b"".join(line + terminators[i % len(terminators)] for i, line in enumerate(lines))
    full = headerlens.parse(data)
    got = headerlens.parse(Trickle(data, step), headers_only=True)
    _same_header(got, full)
    assert got.source == full.source[: got.size]


MSG_FILES = sorted((Path(__file__).resolve().parents[1] / "intake" / "data" / "msg").glob("*.msg"))


@pytest.mark.parametrize("path", MSG_FILES, ids=lambda p: p.name)
def test_an_outlook_msg_file_is_read_whole_and_parsed_header_only(path: Path) -> None:
    full = headerlens.parse(path)
    got = headerlens.parse(path, headers_only=True)
    _same_header(got, full)
    assert got.input_form == "msg"
    assert got.header_only
    assert got.mime is None
