"""The grammar scanners of ``parse/_scan.py``: one per RFC 5322 lexical rule.

Each is checked on named cases (whole return values) and, on generated text, against a
character-by-character reference written here from the ABNF.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headerlens.parse._scan import (
    read_angle,
    read_comment,
    read_literal,
    read_quoted,
    skip_cfws,
    skip_comment,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("(a)", ("a", 3, True), id="flat"),
        pytest.param("(a (b) c) d", ("a (b) c", 9, True), id="nested-kept-with-parentheses"),
        pytest.param(r"(a \) b)", ("a ) b", 8, True), id="quoted-pair-resolved"),
        pytest.param(r"(a \( b)", ("a ( b", 8, True), id="escaped-opener-does-not-nest"),
        pytest.param("(a (b)", ("a (b)", 6, False), id="inner-closed-outer-open"),
        pytest.param("(a", ("a", 2, False), id="open"),
        pytest.param("(a\\", ("a\\", 3, False), id="trailing-backslash-stands-for-itself"),
        pytest.param('(a "b) c', ('a "b', 6, True), id="no-quoted-strings-inside-comments"),
    ],
)
def test_read_comment(text: str, expected: tuple[str, int, bool]) -> None:
    assert read_comment(text, 0) == expected
    assert skip_comment(text, 0) == expected[1:]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('"a b" c', ("a b", 5, True), id="flat"),
        pytest.param(r'"a \" b"', ('a " b', 8, True), id="quoted-pair"),
        pytest.param('"a (b"', ("a (b", 6, True), id="parenthesis-is-text"),
        pytest.param('"open', ("open", 5, False), id="open"),
    ],
)
def test_read_quoted(text: str, expected: tuple[str, int, bool]) -> None:
    assert read_quoted(text, 0) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[192.0.2.1] x", ("[192.0.2.1]", 11, True), id="closed"),
        pytest.param("[192.0.2.1", ("[192.0.2.1", 10, False), id="open"),
    ],
)
def test_read_literal(text: str, expected: tuple[str, int, bool]) -> None:
    assert read_literal(text, 0) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("<a@b.example> x", (12, 13, True), id="plain"),
        pytest.param('<"a>b"@example.org>', (18, 19, True), id="quoted-local-part-with-gt"),
        pytest.param("<a@b (x>y)>", (10, 11, True), id="comment-with-gt"),
        pytest.param("<a@[x>y]>", (8, 9, True), id="literal-with-gt"),
        pytest.param("<a@b", (4, 4, False), id="open"),
        pytest.param('<"a@b>', (6, 6, False), id="open-quote-inside"),
        pytest.param("<>", (1, 2, True), id="null-path"),
    ],
)
def test_read_angle(text: str, expected: tuple[int, int, bool]) -> None:
    assert read_angle(text, 0) == expected


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        pytest.param("  \t x", 0, (4, True), id="white-space"),
        pytest.param(" (a) (b (c))\r\n x", 0, (15, True), id="comments-and-folding"),
        pytest.param(" (a) (b", 0, (5, False), id="open-comment-points-at-its-parenthesis"),
        pytest.param("x", 0, (0, True), id="nothing-to-skip"),
        pytest.param("", 0, (0, True), id="empty"),
    ],
)
def test_skip_cfws(text: str, start: int, expected: tuple[int, bool]) -> None:
    assert skip_cfws(text, start) == expected


# --- references, one character at a time, from the ABNF --------------------------------


def _comment_reference(text: str) -> tuple[str, int, bool]:
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch == "(":
            depth += 1
            if depth > 1:
                out.append(ch)
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return "".join(out), i + 1, True
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out), len(text), False


def _quoted_reference(text: str) -> tuple[str, int, bool]:
    out: list[str] = []
    i = 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch == '"':
            return "".join(out), i + 1, True
        out.append(ch)
        i += 1
    return "".join(out), len(text), False


_TEXT = st.text(alphabet='()\\"<>[] ab\t\r\n', max_size=40)


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_comment_scanners_equal_the_reference(tail: str) -> None:
    text = "(" + tail
    assert read_comment(text, 0) == _comment_reference(text)
    assert skip_comment(text, 0) == _comment_reference(text)[1:]


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_quoted_scanner_equals_the_reference(tail: str) -> None:
    text = '"' + tail
    assert read_quoted(text, 0) == _quoted_reference(text)


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_angle_ends_at_the_first_gt_outside_quotes_comments_and_literals(tail: str) -> None:
    text = "<" + tail
    stop, end, closed = read_angle(text, 0)
    i = 1
    while i < len(text) and text[i] != ">":
        if text[i] in '"([':
            reader = {'"': read_quoted, "(": read_comment, "[": read_literal}[text[i]]
            _, i, ok = reader(text, i)
            if not ok:
                assert (stop, end, closed) == (len(text), len(text), False)
                return
        else:
            i += 1
    if i < len(text):
        assert (stop, end, closed) == (i, i + 1, True)
    else:
        assert (stop, end, closed) == (len(text), len(text), False)


# --- the Received tokenizer follows the same comment rule ------------------------------
#
# hops/_tokens.py cuts a Received value into a token tree in one regex pass (the hop chain's
# hot path), so it does not call skip_comment; it must end every comment where skip_comment
# does. At the top level a backslash quotes the next character and "(" always opens a
# comment (none of its quoted-string, literal or angle-address tokens can hold a parenthesis).


def _top_comments(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
        elif ch == "(":
            end, _closed = skip_comment(text, i)
            spans.append((i, end))
            i = end
        else:
            i += 1
    return spans


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet='()\\"[]<>;, ab\t', max_size=40))
def test_received_comments_end_where_skip_comment_ends_them(text: str) -> None:
    from headerlens.defects import DefectLog
    from headerlens.hops._tokens import _C, _tokenize

    toks = _tokenize(text, DefectLog())
    assert [(t[1], t[2]) for t in toks if t[0] == _C] == _top_comments(text)
