"""Property: parse() never raises on content, and every field of the result can be read."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from headerlens.message import Message, MimePart
from headerlens.parse import parse

ADDRESS_FIELDS = ("from", "sender", "reply-to", "to", "cc", "bcc", "return-path", "delivered-to")

SEED = (
    b"From alice@example.org Mon Jan  1 00:00:00 2024\r\n"
    b"Received: from mx.example.net (mx.example.net [192.0.2.1])\r\n\tby mx.example.org\r\n"
    b'From: "=?utf-8?q?Al=C3=AFce?=" <alice@example.org>\r\n'
    b"To: Team: b@example.org, (c) c@example.org;\r\n"
    b"Subject: =?iso-8859-1?b?Y2Fm6Q==?= caf\xc3\xa9\r\n"
    b'Content-Type: multipart/mixed; boundary="XX"\r\n'
    b"\r\n"
    b"--XX\r\nContent-Type: text/plain; charset*=utf-8''x\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n"
    b"--XX\r\nContent-Type: message/rfc822\r\n\r\n"
    b"From: <>\r\nContent-Type: multipart/alternative; boundary=YY\r\n\r\n--YY\r\n\r\nq=3D\r\n"
    b"--XX--\r\n"
)
TOKENS = [
    b"\r\n",
    b"\n",
    b"\r",
    b" ",
    b"\t",
    b":",
    b";",
    b",",
    b"<",
    b">",
    b"@",
    b'"',
    b"(",
    b")",
    b"=?",
    b"?=",
    b"?q?",
    b"?b?",
    b"--XX",
    b"--YY",
    b"--",
    b"From ",
    b"From: ",
    b"Content-Type: multipart/mixed; boundary=XX",
    b"Content-Transfer-Encoding: base64",
    b"Content-Type: message/rfc822",
    b"\xff",
    b"\xc3",
    b"\x00",
    b"=",
    b"*0*=",
    b"'",
]


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """Random bytes, token soup, or the seed message with splices and cuts."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.binary(max_size=400))
    if kind == 1:
        return b"".join(draw(st.lists(st.sampled_from(TOKENS), max_size=80)))
    data = bytearray(SEED)
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.integers(0, 2))
        if op == 0:
            data[pos:pos] = draw(st.sampled_from(TOKENS))
        elif op == 1:
            del data[pos : pos + draw(st.integers(1, 20))]
        else:
            data = data[:pos]
    return bytes(data)


def _touch_part(part: MimePart) -> None:
    assert part.model_dump() is not None
    for h in part.headers:
        _ = (h.name, h.value, h.raw_bytes, h.defects)
    for child in part.children:
        _touch_part(child)
    if part.message is not None:
        _touch(part.message)


def _touch(msg: Message) -> None:
    source = msg.source
    assert msg.size == len(source)
    for i, h in enumerate(msg.headers):
        assert h.index == i
        assert source[h.start : h.end] == h.raw_bytes
        _ = (h.name, h.value, h.lname, h.defects)
    for name in ADDRESS_FIELDS:
        for addr in msg.addresses(name):
            _ = (addr.addr_spec, addr.display_name, addr.domain_ascii, addr.defects)
    _ = (msg.body, msg.defects, msg.header_only, msg.mbox_from, msg.get("subject"))
    if msg.mime is not None:
        _touch_part(msg.mime)
    assert msg.model_dump_json()


@settings(max_examples=200, deadline=None)
@given(messages())
def test_parse_never_raises_and_offsets_hold(data: bytes) -> None:
    _touch(parse(data))


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_text_input_never_raises(text: str) -> None:
    _touch(parse(text))
