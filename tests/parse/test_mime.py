"""The lazy MIME tree: structure, parameters, offsets, decoding, defects and caps."""

from __future__ import annotations

import base64
import hashlib

import pytest

from headerlens.errors import DefectError
from headerlens.message import Message, MimePart
from headerlens.parse import parse
from headerlens.parse.params import parse_content_type, parse_params
from headerlens.policy import Limits, Policy

HEAD = (
    b"From: a@example.org\nTo: b@example.org\nSubject: s\n"
    b"Date: Mon, 1 Jan 2024 00:00:00 +0000\nMIME-Version: 1.0\n"
)

ATTACHMENT = (
    HEAD + b'Content-Type: multipart/mixed; boundary="XYZ"\n'
    b"\n"
    b"preamble\n"
    b"--XYZ\n"
    b"Content-Type: text/plain; charset=utf-8\n"
    b"Content-Transfer-Encoding: quoted-printable\n"
    b"\n"
    b"caf=C3=A9\n"
    b"--XYZ\n"
    b"Content-Type: application/pdf; name=ignored.pdf\n"
    b"Content-Transfer-Encoding: base64\n"
    b"Content-Disposition: attachment;\n"
    b" filename*0*=utf-8''%E2%82%AC;\n"
    b" filename*1=rate.pdf\n"
    b"\n"
    b"JVBERi0xLjQK\n"
    b"--XYZ--\n"
    b"epilogue\n"
)


def _walk(part: MimePart) -> list[MimePart]:
    out = [part]
    for c in part.children:
        out += _walk(c)
    return out


def test_multipart_with_attachment() -> None:
    msg = parse(ATTACHMENT)
    root = msg.mime
    assert root is not None
    assert (root.path, root.content_type, root.params) == (
        "",
        "multipart/mixed",
        (("boundary", "XYZ"),),
    )
    assert (root.start, root.end, root.decoded_size, root.sha256) == (
        0,
        len(ATTACHMENT),
        None,
        None,
    )
    text, pdf = root.children
    assert (text.path, text.content_type, text.charset, text.transfer_encoding) == (
        "1",
        "text/plain",
        "utf-8",
        "quoted-printable",
    )
    # The line break before a delimiter belongs to the delimiter (RFC 2046 section 5.1.1).
    assert text.decoded_size == len("café".encode())
    assert text.sha256 == hashlib.sha256("café".encode()).hexdigest()
    assert ATTACHMENT[text.start : text.end] == (
        b"Content-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: quoted-printable\n\ncaf=C3=A9"
    )
    assert (pdf.path, pdf.disposition, pdf.filename) == ("2", "attachment", "€rate.pdf")
    assert pdf.decoded_size == len(base64.b64decode(b"JVBERi0xLjQK"))
    assert [h.name for h in pdf.headers] == [
        "Content-Type",
        "Content-Transfer-Encoding",
        "Content-Disposition",
    ]
    for part in _walk(root):
        assert part.defects == ()
        for h in part.headers:
            assert ATTACHMENT[h.start : h.end] == h.raw_bytes
    assert msg.defects == ()


def test_header_only_paste_has_no_mime_and_never_touches_body() -> None:
    assert parse(HEAD).mime is None
    assert parse(HEAD + b"\n").mime is None


def test_single_part_root_defaults_to_text_plain() -> None:
    msg = parse(b"From: a@example.org\n\nhello\n")
    assert msg.mime is not None
    assert (msg.mime.content_type, msg.mime.decoded_size, msg.mime.start, msg.mime.end) == (
        "text/plain",
        6,
        0,
        27,
    )


@pytest.mark.parametrize(
    "ctype", ["message/rfc822", "message/global", "text/rfc822-headers"], ids=lambda c: c
)
def test_embedded_messages_are_parsed(ctype: str) -> None:
    inner = b"From: inner@example.net\nSubject: inside\n\ninner body\n"
    source = (
        HEAD + b'Content-Type: multipart/report; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nreport\n"
        b"--b\nContent-Type: " + ctype.encode() + b"\n\n" + inner + b"--b--\n"
    )
    msg = parse(source)
    assert msg.mime is not None
    part = msg.mime.children[1]
    assert part.message is not None
    assert part.message.get("Subject") == "inside"
    assert part.message.source == inner.rstrip(b"\n")  # the last break is the delimiter's
    assert part.message.mime is not None
    assert part.message.mime.decoded_size == len(b"inner body")


def test_digest_children_default_to_message_rfc822() -> None:
    source = (
        HEAD + b'Content-Type: multipart/digest; boundary="d"\n\n'
        b"--d\n\nFrom: x@example.org\nSubject: one\n\nbody\n--d--\n"
    )
    part = parse(source).mime.children[0]  # type: ignore[union-attr]
    assert part.content_type == "message/rfc822"
    assert part.message is not None
    assert part.message.get("Subject") == "one"


def _ct(value: bytes, body: bytes, cte: bytes | None = None) -> bytes:
    extra = b"Content-Transfer-Encoding: " + cte + b"\n" if cte else b""
    return HEAD + b"Content-Type: " + value + b"\n" + extra + b"\n" + body


DEFECT_CASES = [
    ("missing-boundary", _ct(b"multipart/alternative;", b"Blah\n"), ["mime.missing_boundary"]),
    (
        "start-boundary-not-found",
        _ct(b'multipart/mixed; boundary="AAA"', b"--BBB\nx\n--BBB--\n"),
        ["mime.start_boundary_not_found"],
    ),
    (
        "close-boundary-not-found-truncated",
        _ct(b'multipart/mixed; boundary="AAA"', b"--AAA\n\none\n--AAA\n\ntwo (cut"),
        ["mime.close_boundary_not_found"],
    ),
    (
        "multipart-with-base64-cte",
        _ct(b'multipart/mixed; boundary="AAA"', b"--AAA\n\none\n--AAA--\n", b"base64"),
        ["mime.invalid_multipart_encoding"],
    ),
    ("base64-padding", _ct(b"text/plain", b"dmk\n", b"base64"), ["mime.base64_padding"]),
    (
        "base64-characters",
        _ct(b"text/plain", b"dm\x01k===\n", b"base64"),
        ["mime.base64_characters"],
    ),
    ("base64-length", _ct(b"text/plain", b"abcde\n", b"base64"), ["mime.base64_length"]),
    (
        "quoted-printable-invalid",
        _ct(b"text/plain", b"100% =ZZ sure\n", b"quoted-printable"),
        ["mime.quoted_printable_invalid"],
    ),
    (
        "unknown-transfer-encoding",
        _ct(b"text/plain", b"x\n", b"uuencode"),
        ["mime.unknown_transfer_encoding"],
    ),
    (
        "content-type-without-subtype",
        _ct(b"text; charset=us-ascii", b"x\n"),
        ["mime.invalid_content_type"],
    ),
    (
        "parameter-without-equals",
        _ct(b"text/plain; charset", b"x\n"),
        ["mime.invalid_parameter"],
    ),
    (
        "part-header-missing-separator",
        _ct(
            b'multipart/mixed; boundary="AAA"', b"--AAA\nContent-Type: text/plain\nhello\n--AAA--\n"
        ),
        ["header.missing_separator"],
    ),
]


def _codes(part: MimePart | None) -> list[str]:
    if part is None:
        return []
    out = [d.code for d in part.defects]
    for c in part.children:
        out += _codes(c)
    return out


@pytest.mark.parametrize(("source", "codes"), [pytest.param(*c[1:], id=c[0]) for c in DEFECT_CASES])
def test_mime_defects(source: bytes, codes: list[str]) -> None:
    msg = parse(source)
    assert msg.defects == ()
    assert _codes(msg.mime) == codes
    # Under strict, parse() itself builds the tree and raises: nothing is left for later.
    with pytest.raises(DefectError) as info:
        parse(source, policy=Policy(strict=True))
    assert info.value.defect.code == codes[0]


def _nested(depth: int) -> bytes:
    body = b"From: leaf@example.org\n\nleaf\n"
    for k in range(depth):
        b = b"B%d" % k
        body = (
            b"From: x@example.org\nContent-Type: multipart/mixed; boundary="
            + b
            + b"\n\n--"
            + b
            + b"\nContent-Type: message/rfc822\n\n"
            + body
            + b"\n--"
            + b
            + b"--\n"
        )
    return body


def test_depth_cap_is_a_defect() -> None:
    policy = Policy(limits=Limits(max_mime_depth=3))
    msg = parse(_nested(5), policy=policy)
    codes: list[str] = []
    m: Message | None = msg
    while m is not None and m.mime is not None:
        codes += _codes(m.mime)
        parts = _walk(m.mime)
        m = next((p.message for p in parts if p.message is not None), None)
    assert codes == ["limits.mime_depth"]


def test_part_count_cap_is_a_defect() -> None:
    body = b"".join(b"--P\n\npart %d\n" % i for i in range(10)) + b"--P--\n"
    msg = parse(
        _ct(b"multipart/mixed; boundary=P", body), policy=Policy(limits=Limits(max_mime_parts=4))
    )
    assert msg.mime is not None
    assert len(msg.mime.children) == 3  # the root counts as a part
    assert _codes(msg.mime) == ["limits.mime_parts"]


PARAM_CASES = [
    (
        "plain",
        '; charset="us-ascii"; format=flowed',
        (("charset", "us-ascii"), ("format", "flowed")),
        [],
    ),
    (
        "rfc2231-charset-language",
        "; title*=us-ascii'en'This%20is%20fun",
        (("title", "This is fun"),),
        [],
    ),
    (
        "rfc2231-continuations-mixed",
        "; name*0*=iso-8859-1''caf%E9; name*1=-menu.txt",
        (("name", "café-menu.txt"),),
        [],
    ),
    ("quoted-escape", r'; name="a \"b\".txt"', (("name", 'a "b".txt'),), []),
    ("rfc2047-in-quoted-value", '; name="=?utf-8?b?w6k=?=.txt"', (("name", "é.txt"),), []),
    ("first-wins", "; a=1; A=2", (("a", "1"),), []),
    ("comment-skipped", "; (comment) a=1", (("a", "1"),), []),
    ("rfc2231-gap", "; n*0=a; n*2=c", (("n", "ac"),), ["mime.invalid_parameter"]),
    ("unterminated-quote", '; a="open', (("a", "open"),), ["mime.invalid_parameter"]),
    ("nested-comment-skipped", "; (a (b) c) x=1", (("x", "1"),), []),
    # The comment is never closed, so it swallows the parameter (RFC 5322 section 3.2.2):
    # said, not silently dropped.
    ("unclosed-comment", "; (unclosed charset=utf-8", (), ["mime.unterminated_comment"]),
    (
        "unclosed-comment-after-a-parameter",
        "; a=1; (b=2",
        (("a", "1"),),
        ["mime.unterminated_comment"],
    ),
]


@pytest.mark.parametrize(
    ("text", "params", "codes"), [pytest.param(*c[1:], id=c[0]) for c in PARAM_CASES]
)
def test_parse_params(text: str, params: tuple[tuple[str, str], ...], codes: list[str]) -> None:
    got, problems = parse_params(text)
    assert got == params
    assert [p[0] for p in problems] == codes


@pytest.mark.parametrize(
    ("text", "ctype"),
    [
        ("Text/HTML; charset=utf-8", "text/html"),
        ("text/plain (a comment)", "text/plain"),
        ("text", None),
        ("/plain", None),
        ("te xt/plain", None),
    ],
)
def test_parse_content_type(text: str, ctype: str | None) -> None:
    assert parse_content_type(text)[0] == ctype


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "text/plain; (unclosed charset=utf-8",
            ("text/plain", (), ["mime.unterminated_comment"]),
            id="issue-13-example",
        ),
        pytest.param(
            "text/plain (a; b); charset=x",
            ("text/plain", (("charset", "x"),), []),
            id="semicolon-inside-a-comment-does-not-end-the-type",
        ),
        pytest.param(
            "text/plain (unclosed; charset=utf-8",
            ("text/plain", (("charset", "utf-8"),), ["mime.unterminated_comment"]),
            id="unclosed-comment-after-the-type-still-reads-parameters",
        ),
        pytest.param(
            "text/plain (a) (b (c)); charset=x",
            ("text/plain", (("charset", "x"),), []),
            id="nested-comments",
        ),
    ],
)
def test_content_type_comments(
    text: str, expected: tuple[str, tuple[tuple[str, str], ...], list[str]]
) -> None:
    ctype, params, problems = parse_content_type(text)
    assert (ctype, params, [p[0] for p in problems]) == expected


def test_unclosed_comment_in_content_disposition_is_a_defect() -> None:
    msg = parse(
        b"From: a@example.org\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
        b"Content-Disposition: attachment (note; filename=x.txt\n\nbody\n"
    )
    root = msg.mime
    assert root is not None
    assert (root.disposition, root.filename) == ("attachment", "x.txt")
    assert [(d.code, d.header_index) for d in root.defects] == [("mime.unterminated_comment", 2)]


def test_crlf_multipart_offsets() -> None:
    source = ATTACHMENT.replace(b"\n", b"\r\n")
    root = parse(source).mime
    assert root is not None
    text = root.children[0]
    assert source[text.start : text.end].endswith(b"caf=C3=A9")
    assert text.decoded_size == len("café\r\n".encode()) - 2  # qp of "caf=C3=A9" alone
