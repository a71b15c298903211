"""Header splitting: pastes, line ends, offsets, encodings, limits, strict mode."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from headerlens.errors import DefectError, InputError
from headerlens.message import HeaderField, Message, index_fields
from headerlens.parse import parse
from headerlens.parse.encoded_words import decode_encoded_words
from headerlens.policy import Limits, Policy

# (id, source, [(name, value), ...], defect codes, body_start, header_only, mbox_from)
# Most cases are pastes without a Date field, so they list message.missing_date (RFC 5322
# section 3.6.1 requires one); the cases named after one message-level defect carry a Date so
# that defect is the only one, and "whole-message-lf" is a clean message with no defect at all.
DATE = b"Date: Mon, 1 Jan 2024 00:00:00 +0000\n"

SPLIT_CASES = [
    (
        "whole-message-lf",
        b"From: a@example.org\nSubject: hi\n" + DATE + b"\nbody\n",
        [("From", "a@example.org"), ("Subject", "hi"), ("Date", "Mon, 1 Jan 2024 00:00:00 +0000")],
        [],
        70,
        False,
        None,
    ),
    (
        "header-only-paste-crlf",
        b"Received: from mx.example.net\r\n\tby mx.example.org\r\nFrom: a@example.org\r\n",
        [("Received", "from mx.example.net\tby mx.example.org"), ("From", "a@example.org")],
        ["message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "cr-only-line-ends",
        b"From: a@example.org\rSubject: one\r two\r\rbody",
        [("From", "a@example.org"), ("Subject", "one two")],
        ["message.missing_date"],
        39,
        False,
        None,
    ),
    (
        "mixed-line-ends",
        b"From: a@example.org\r\nTo: b@example.org\nSubject: x\r\r\nbody",
        [("From", "a@example.org"), ("To", "b@example.org"), ("Subject", "x")],
        ["message.missing_date"],
        52,
        False,
        None,
    ),
    (
        "leading-blank-lines",
        b"\n\r\n  \nFrom: a@example.org\n",
        [("From", "a@example.org")],
        ["header.leading_blank_lines", "message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "first-line-indented-header",
        b"   From: a@example.org\n",
        [("From", "a@example.org")],
        # A common indentation is a paste form: removed, and recorded in Message.intake.
        ["message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "first-line-continuation-cpython",
        b" Line 1\nSubject: test\nFrom: a@example.org\n\nbody",
        [("Subject", "test"), ("From", "a@example.org")],
        ["header.first_line_indented", "message.missing_date"],
        43,
        False,
        None,
    ),
    (
        "mbox-from-line",
        b"From alice@example.org Mon Jan  1 00:00:00 2024\nFrom: alice@example.org\n\nhi\n",
        [("From", "alice@example.org")],
        ["message.missing_date"],
        73,
        False,
        "From alice@example.org Mon Jan  1 00:00:00 2024",
    ),
    (
        "leading-junk-forwarded-paste",
        b"---------- Forwarded message ---------\nFrom: a@example.org\n",
        [("From", "a@example.org")],
        ["header.leading_junk", "message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "outlook-paste-lost-indentation",
        b"Received: from mx.example.net\nby mx.example.org with ESMTP\nFrom: a@example.org\n",
        [
            ("Received", "from mx.example.net by mx.example.org with ESMTP"),
            ("From", "a@example.org"),
        ],
        ["header.unindented_continuation", "message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "missing-separator-cpython",
        b"Subject: test\nnot a header\nTo: abc\n\nb\n",
        [("Subject", "test")],
        ["header.missing_separator", "message.missing_from", "message.missing_date"],
        14,
        False,
        None,
    ),
    (
        "no-header-block",
        b"".join(b"plain text line %d\n" % i for i in range(25)) + b"\nmore",
        [],
        ["header.leading_junk", "header.no_header_block"],
        0,
        False,
        None,
    ),
    (
        "duplicate-headers-in-order",
        b"Received: one\nReceived: two\nFrom: a@example.org\nreceived: three\n",
        [
            ("Received", "one"),
            ("Received", "two"),
            ("From", "a@example.org"),
            ("received", "three"),
        ],
        ["message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "space-before-colon-obsolete",
        b"Subject : hello\nFrom: a@example.org\n",
        [("Subject", "hello"), ("From", "a@example.org")],
        ["message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "utf8-raw-header",
        "Subject: héllo wörld\nFrom: a@example.org\n".encode(),
        [("Subject", "héllo wörld"), ("From", "a@example.org")],
        ["message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "latin1-raw-header",
        b"Subject: caf\xe9\nFrom: a@example.org\n",
        [("Subject", "caf\xe9"), ("From", "a@example.org")],
        ["header.non_utf8", "message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "rfc2047-q-and-b-adjacent",
        b"Subject: =?utf-8?q?h=C3=A9llo?= =?UTF-8?B?IHfDtnJsZA==?=\nFrom: a@example.org\n",
        [("Subject", "héllo wörld"), ("From", "a@example.org")],
        ["message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "rfc2047-iso-2022-jp",
        b"Subject: =?ISO-2022-JP?B?GyRCJEskWyRzJDQbKEI=?=\nFrom: a@example.org\n",
        [("Subject", "にほんご"), ("From", "a@example.org")],
        ["message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "rfc2047-bad-charset",
        b"Subject: =?x-klingon?q?qapla?=\nFrom: a@example.org\n",
        [("Subject", "=?x-klingon?q?qapla?="), ("From", "a@example.org")],
        ["header.encoded_word_charset", "message.missing_date"],
        None,
        True,
        None,
    ),
    (
        # Python knows "base64" and "rot13" as byte-to-byte codecs that bytes.decode refuses
        # (LookupError): a charset label naming one is unknown, not a crash.
        "rfc2047-charset-is-a-python-byte-codec",
        b"Subject: =?base64?q?abc?= =?rot13?b?YWJj?=\nFrom: a@example.org\n",
        [("Subject", "=?base64?q?abc?= =?rot13?b?YWJj?="), ("From", "a@example.org")],
        ["header.encoded_word_charset", "header.encoded_word_charset", "message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "rfc2047-text-codec-that-cannot-decode",
        b"Subject: =?idna?q?=FF?=\nFrom: a@example.org\n",
        [("Subject", "=?idna?q?=FF?="), ("From", "a@example.org")],
        ["header.encoded_word_invalid", "message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "rfc2047-bad-encoding",
        b"Subject: =?utf-8?b?w?=\nFrom: a@example.org\n",
        [("Subject", "=?utf-8?b?w?="), ("From", "a@example.org")],
        ["header.encoded_word_invalid", "message.missing_date"],
        None,
        True,
        None,
    ),
    (
        "missing-from",
        b"Subject: hi\n" + DATE + b"\nbody",
        [("Subject", "hi"), ("Date", "Mon, 1 Jan 2024 00:00:00 +0000")],
        ["message.missing_from"],
        50,
        False,
        None,
    ),
    (
        "multiple-from",
        b"From: a@example.org\nFrom: b@example.org\n" + DATE,
        [
            ("From", "a@example.org"),
            ("From", "b@example.org"),
            ("Date", "Mon, 1 Jan 2024 00:00:00 +0000"),
        ],
        ["message.multiple_from"],
        None,
        True,
        None,
    ),
    (
        "duplicate-subject",
        b"From: a@example.org\nSubject: one\nSubject: two\n" + DATE,
        [
            ("From", "a@example.org"),
            ("Subject", "one"),
            ("Subject", "two"),
            ("Date", "Mon, 1 Jan 2024 00:00:00 +0000"),
        ],
        ["message.duplicate_singleton"],
        None,
        True,
        None,
    ),
    (
        "from-display-name-spoof",
        b'From: "ceo@bank.example" <attacker@evil.test>\n' + DATE,
        [
            ("From", '"ceo@bank.example" <attacker@evil.test>'),
            ("Date", "Mon, 1 Jan 2024 00:00:00 +0000"),
        ],
        ["address.display_name_spoof"],
        None,
        True,
        None,
    ),
]


@pytest.mark.parametrize(
    ("source", "fields", "codes", "body_start", "header_only", "mbox_from"),
    [pytest.param(*c[1:], id=c[0]) for c in SPLIT_CASES],
)
def test_split(
    source: bytes,
    fields: list[tuple[str, str]],
    codes: list[str],
    body_start: int | None,
    header_only: bool,
    mbox_from: str | None,
) -> None:
    msg = parse(source)
    assert [(h.name, h.value) for h in msg.headers] == fields
    assert [d.code for d in msg.defects] == codes
    assert msg.body_start == body_start
    assert msg.header_only is header_only
    assert msg.mbox_from == mbox_from
    # size counts the bytes parsed: the input, or what a paste form was converted to
    assert msg.size == len(msg.source)
    assert msg.size == len(source) - (msg.intake.indent_removed if msg.intake else 0)
    # offsets are into the bytes parsed: the source itself unless a paste form was converted
    assert (msg.source == source) is (msg.intake is None)
    for i, h in enumerate(msg.headers):
        assert h.index == i
        assert msg.source[h.start : h.end] == h.raw_bytes


@pytest.mark.parametrize(
    "code",
    sorted({code for case in SPLIT_CASES for code in case[3]}),
)
def test_strict_mode_raises_each_header_defect(code: str) -> None:
    source = next(c[1] for c in SPLIT_CASES if code in c[3])
    with pytest.raises(DefectError) as info:
        parse(source, policy=Policy(strict=True))
    # The first defect recorded is the one raised.
    assert info.value.defect.code == next(d.code for d in parse(source).defects)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(b"From: a@example.org\nSubject: hi\n\nbody\n", id="whole-message"),
        pytest.param(
            b"Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000\nFrom: a@example.org\n",
            id="received-paste",
        ),
        pytest.param(b"From: a@example.org\nX-Date: " + DATE[6:], id="lookalike-name"),
    ],
)
def test_missing_date_is_the_only_defect_and_strict_raises_it(source: bytes) -> None:
    # RFC 5322 section 3.6.1: the origination date field is required. A date in another
    # field (Received, X-Date) does not stand in for it.
    msg = parse(source)
    assert [(d.code, d.header_index) for d in msg.defects] == [("message.missing_date", None)]
    with pytest.raises(DefectError) as info:
        parse(source, policy=Policy(strict=True))
    assert info.value.defect.code == "message.missing_date"
    assert parse(source.replace(b"\n", b"\n" + DATE, 1)).defects == ()


def test_fields_equal_validated_models() -> None:
    msg = parse(b"Subject: caf\xe9\nFrom: a@example.org\n")
    for h in msg.headers:
        assert HeaderField.model_validate(h.model_dump()) == h
        assert h.model_fields_set == set(HeaderField.model_fields)


def test_shared_fields_set_survives_model_copy() -> None:
    # fast_constructor gives every instance of a model one shared fields-set object; copying
    # one instance with an update must leave the others' fields-set as it was.
    a, b = parse(b"Subject: x\nFrom: a@example.org\n").headers
    copied = a.model_copy(update={"value": "y"})
    assert (copied.value, a.value) == ("y", "x")
    assert b.model_fields_set == a.model_fields_set == set(HeaderField.model_fields)
    assert copied.model_fields_set == set(HeaderField.model_fields)
    # The assumption the sharing rests on: pydantic copies the set before it adds to it.
    assert a.model_fields_set is b.model_fields_set
    assert copied.model_fields_set is not a.model_fields_set


def test_latin1_field_keeps_bytes_and_encoding() -> None:
    msg = parse(b"Subject: caf\xe9\n")
    h = msg.headers[0]
    assert (h.raw_encoding, h.raw, h.raw_bytes) == (
        "latin-1",
        "Subject: caf\xe9\n",
        b"Subject: caf\xe9\n",
    )
    assert [d.code for d in h.defects] == ["header.non_utf8"]


def test_case_insensitive_access() -> None:
    msg = parse(b"FROM: a@example.org\nx-Custom: 1\nX-CUSTOM: 2\n")
    assert msg.get("from") == "a@example.org"
    assert msg.get_all("X-Custom") == ("1", "2")
    assert [h.index for h in msg.fields("x-custom")] == [1, 2]


def test_input_kinds(tmp_path: Path) -> None:
    data = b"From: a@example.org\n\nbody"
    path = tmp_path / "m.eml"
    path.write_bytes(data)
    expected = parse(data)
    assert parse(path).headers == expected.headers
    assert parse(io.BytesIO(data)).headers == expected.headers
    from_bytearray = parse(bytearray(data))  # type: ignore[arg-type]
    assert from_bytearray.headers == expected.headers
    assert parse(data.decode()).headers == expected.headers


def test_input_errors(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        parse(12)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse(io.StringIO("From: a@example.org\n"))  # type: ignore[arg-type]
    with pytest.raises(InputError):
        parse(tmp_path / "missing.eml")
    closed = io.BytesIO(b"x")
    closed.close()
    with pytest.raises(InputError):
        parse(closed)


LIMIT_CASES = [
    (
        "header-count",
        Limits(max_header_count=2),
        b"From: a@example.org\nA: 1\nB: 2\nC: 3\n\nbody",
        ["From", "A"],
        ["limits.header_count"],
    ),
    (
        "header-bytes",
        Limits(max_header_bytes=20),
        b"From: a@example.org\nSubject: " + b"x" * 50 + b"\n",
        ["From", "Subject"],
        ["limits.header_bytes"],
    ),
    (
        "header-block-bytes",
        Limits(max_header_block_bytes=30),
        b"From: a@example.org\nSubject: hello there\nTo: b@example.org\n\nbody",
        ["From"],
        ["limits.header_block_bytes"],
    ),
    (
        "input-bytes",
        Limits(max_input_bytes=21),
        b"From: a@example.org\nSubject: cut off\n",
        ["From"],
        ["limits.input_bytes"],
    ),
]


@pytest.mark.parametrize(
    ("limits", "source", "names", "codes"), [pytest.param(*c[1:], id=c[0]) for c in LIMIT_CASES]
)
def test_limits_are_defects(
    limits: Limits, source: bytes, names: list[str], codes: list[str]
) -> None:
    msg = parse(source, policy=Policy(limits=limits))
    assert [h.name for h in msg.headers][: len(names)] == names
    assert [d.code for d in msg.defects if d.code.startswith("limits.")] == codes
    for h in msg.headers:
        assert source[h.start : h.end] == h.raw_bytes
    with pytest.raises(DefectError):
        parse(source, policy=Policy(limits=limits, strict=True))


def test_header_bytes_cap_cuts_value_but_keeps_raw() -> None:
    source = b"Subject: " + b"x" * 50 + b"\n"
    msg = parse(source, policy=Policy(limits=Limits(max_header_bytes=20)))
    h = msg.headers[0]
    assert h.raw_bytes == source
    assert h.value == "x" * 19  # the first 20 characters of the body, stripped


ENCODED_WORD_CASES = [
    ("plain", "hello", "hello", []),
    ("q-underscore", "=?iso-8859-1?q?caf=E9_au_lait?=", "café au lait", []),
    ("rfc2231-language", "=?utf-8*en?q?hi?=", "hi", []),
    ("text-between-words-kept", "=?utf-8?q?a?= and =?utf-8?q?b?=", "a and b", []),
    ("not-a-word", "price =? 5", "price =? 5", []),
    ("unknown-encoding", "=?utf-8?x?abc?=", "=?utf-8?x?abc?=", ["header.encoded_word_invalid"]),
    (
        "invalid-bytes-for-charset",
        "=?us-ascii?q?=FF?=",
        "=?us-ascii?q?=FF?=",
        ["header.encoded_word_invalid"],
    ),
    ("base64-missing-padding", "=?utf-8?b?aGk?=", "hi", ["header.encoded_word_invalid"]),
    ("gb2312-alias", "=?gb2312?b?xOO6ww==?=", "你好", []),
]


@pytest.mark.parametrize(
    ("text", "expected", "codes"), [pytest.param(*c[1:], id=c[0]) for c in ENCODED_WORD_CASES]
)
def test_encoded_words(text: str, expected: str, codes: list[str]) -> None:
    value, problems = decode_encoded_words(text)
    assert value == expected
    assert [p[0] for p in problems] == codes


HOSTILE_VALUES = [
    ("encoded-word-openers", "=?" * 50_000),
    ("encoded-word-no-close", "=?a?xx" * 20_000 + "?="),
    ("encoded-word-unfinished-q", "=?utf-8?q?" * 20_000),
]


@pytest.mark.parametrize("value", [pytest.param(v, id=i) for i, v in HOSTILE_VALUES])
def test_hostile_encoded_words_finish_and_cap_problems(value: str) -> None:
    decoded, problems = decode_encoded_words(value)
    assert len(decoded) >= len(value) // 2
    assert len(problems) <= 10


def test_cr_only_folded_field_is_one_field() -> None:
    source = b"Subject: x\r" + b" y\r" * 50_000
    msg = parse(source)
    assert len(msg.headers) == 1
    assert msg.headers[0].raw_bytes == source
    assert msg.headers[0].value == "x" + " y" * 50_000


@pytest.mark.parametrize(
    "body",
    [
        "a@example.org",
        "Alice Example <alice@example.org>",
        '"Example, Alice" <alice@example.org>',
        '"ceo@bank.example" <x@evil.test>',
        "=?utf-8?q?ceo=40bank=2Eexample?= <x@evil.test>",
        "Alice <alice@.>",
        "Alice <alice@example.org",
        "a@b, c@d",
        "<@route:a@example.org>",
        "alice@example.org (Alice)",
        'Alice "x <alice@example.org>',
    ],
    ids=[
        "bare",
        "display-name",
        "quoted-comma",
        "spoof-quoted",
        "spoof-encoded",
        "dots-domain",
        "no-closing-angle",
        "two-mailboxes",
        "source-route",
        "comment-name",
        "unterminated-quote",
    ],
)
def test_from_defects_match_the_address_parser(body: str) -> None:
    # parse() skips the address parser for From bodies it knows to be clean; the defects
    # must be the same either way.
    from headerlens.parse.addresses import parse_address_list

    expected = [d.code for a in parse_address_list(body, header_index=0) for d in a.defects]
    source = f"From: {body}\n".encode() + DATE + b"\nbody"
    got = [d.code for d in parse(source).defects]
    assert got == expected


def test_name_index_answers_as_a_scan_does() -> None:
    # parse() gives a Message an index of its fields by lower-case name; a Message built
    # another way has none and scans. Both must answer alike, in header order.
    msg = parse(b"Received: a\nSubject: x\nreceived: b\nRECEIVED: c\nFrom: f@example.org\n")
    plain = Message(headers=msg.headers, size=msg.size)
    assert msg._by_name is not None
    assert plain._by_name is None
    for name in ("received", "Received", "SUBJECT", "from", "x-absent"):
        scanned = tuple(h for h in msg.headers if h.name.lower() == name.lower())
        assert msg.fields(name) == plain.fields(name) == scanned
        assert msg.get(name) == plain.get(name) == (scanned[0].value if scanned else None)
    assert [h.value for h in msg.fields("received")] == ["a", "b", "c"]
    assert msg.fields_by_name() == index_fields(msg.headers)
