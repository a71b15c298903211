"""One scanner per lexical rule of RFC 5322 section 3.2, shared by every structured-field reader.

Addresses, MIME parameters, dates, Authentication-Results, Received fields and the vendor spam
headers all meet the same few constructs: comments (which nest), quoted strings, domain
literals, angle addresses and the folding white space and comments (CFWS) between tokens. Each
has exactly one scanner here, so every reader agrees on where a construct ends and on when it
is left open; the reader then records the open construct as a defect in its own area
(``address.unparseable``, ``mime.invalid_parameter``, ``date.unterminated_comment``, ...).

Every scanner takes the text and the index of the opening character and returns what it read,
the index just after it (``len(text)`` when the construct is not closed) and whether it was
closed. None raises. Each jumps between the few characters that matter with one-character-class
searches, so the time is linear in the text read, however deep comments nest.
"""

from __future__ import annotations

import re

__all__ = [
    "read_angle",
    "read_comment",
    "read_literal",
    "read_quoted",
    "skip_cfws",
    "skip_comment",
]

_QUOTE_STOP = re.compile(r'[\\"]').search
_COMMENT_STOP = re.compile(r"[()\\]").search
_ANGLE_STOP = re.compile(r'[>"(\[]').search
_WSP_RUN = re.compile(r"[ \t\r\n]*").match


def read_quoted(text: str, i: int, *, drop_line_ends: bool = False) -> tuple[str, int, bool]:
    """Read the quoted-string (RFC 5322 section 3.2.4) whose opening quote is ``text[i]``.

    ``quoted-string = [CFWS] DQUOTE *([FWS] qcontent) [FWS] DQUOTE [CFWS]``

    Returns the content with quoted-pairs resolved, the index just after the closing quote
    (or ``len(text)``), and whether the closing quote was found. ``drop_line_ends`` removes CR
    and LF left over from folding. A backslash ending the text stands for itself.
    """
    n = len(text)
    i += 1
    buf: list[str] = []
    closed = False
    while i < n:
        m = _QUOTE_STOP(text, i)
        if m is None:
            buf.append(text[i:])
            i = n
            break
        stop = m.start()
        if stop > i:
            buf.append(text[i:stop])
        i = stop
        if text[i] == "\\" and i + 1 < n:
            buf.append(text[i + 1])
            i += 2
            continue
        i += 1
        if text[stop] == '"':
            closed = True
            break
        buf.append("\\")  # a backslash ending the text stands for itself
    out = "".join(buf)
    if drop_line_ends and ("\r" in out or "\n" in out):
        out = out.replace("\r", "").replace("\n", "")
    return out, i, closed


def read_comment(text: str, i: int) -> tuple[str, int, bool]:
    """Read the comment (RFC 5322 section 3.2.2) whose opening parenthesis is ``text[i]``.

    ``comment = "(" *([FWS] ccontent) [FWS] ")"``, ``ccontent = ctext / quoted-pair / comment``

    Returns the text between the outer parentheses with quoted-pairs resolved (nested
    comments are kept with their parentheses), the index just after the closing parenthesis
    (or ``len(text)``), and whether it was closed. A backslash ending the text stands for
    itself.
    """
    n = len(text)
    depth = 1
    i += 1
    buf: list[str] = []
    while True:
        m = _COMMENT_STOP(text, i)
        if m is None:
            buf.append(text[i:])
            return "".join(buf), n, False
        j = m.start()
        if j > i:
            buf.append(text[i:j])
        ch = text[j]
        if ch == "\\":
            if j + 1 < n:
                buf.append(text[j + 1])
                i = j + 2
                continue
            buf.append("\\")
            return "".join(buf), n, False
        if ch == "(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return "".join(buf), j + 1, True
        buf.append(ch)
        i = j + 1


def skip_comment(text: str, i: int) -> tuple[int, bool]:
    """:func:`read_comment` without building the content: (index after it, closed)."""
    n = len(text)
    depth = 1
    i += 1
    while True:
        m = _COMMENT_STOP(text, i)
        if m is None:
            return n, False
        j = m.start()
        ch = text[j]
        if ch == "\\":
            if j + 1 >= n:
                return n, False
            i = j + 2
            continue
        if ch == "(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return j + 1, True
        i = j + 1


def read_literal(text: str, i: int) -> tuple[str, int, bool]:
    """Read the domain literal (RFC 5322 section 3.4.1) whose ``[`` is ``text[i]``.

    ``domain-literal = [CFWS] "[" *([FWS] dtext) [FWS] "]" [CFWS]``

    Returns the literal as written, brackets included (``[192.0.2.1]``; an unclosed one runs
    to the end of the text), the index just after ``]`` (or ``len(text)``), and whether it was
    closed.
    """
    j = text.find("]", i + 1)
    if j == -1:
        return text[i:], len(text), False
    return text[i : j + 1], j + 1, True


def read_angle(text: str, i: int) -> tuple[int, int, bool]:
    """Find the end of the angle address (RFC 5322 section 3.4) whose ``<`` is ``text[i]``.

    ``angle-addr = [CFWS] "<" addr-spec ">" [CFWS] / obs-angle-addr``

    Quoted strings, comments and domain literals inside are skipped whole, so a ``>`` within
    them does not end the address. Returns where the content ends (it is ``text[i + 1 :
    end]``), the index just after ``>`` (or ``len(text)``), and whether it was closed; an
    address left open runs to the end of the text.
    """
    n = len(text)
    j = i + 1
    while True:
        m = _ANGLE_STOP(text, j)
        if m is None:
            return n, n, False
        j = m.start()
        ch = text[j]
        if ch == ">":
            return j, j + 1, True
        if ch == '"':
            _, j, closed = read_quoted(text, j)
        elif ch == "(":
            j, closed = skip_comment(text, j)
        else:
            _, j, closed = read_literal(text, j)
        if not closed:
            return n, n, False


def skip_cfws(text: str, i: int) -> tuple[int, bool]:
    """Skip folding white space and comments (RFC 5322 section 3.2.2, ``CFWS``) from ``i``.

    Returns the index of the first character after them and True; or, when a comment is
    left open, the index of its ``(`` and False (the comment runs to the end of the text).
    """
    n = len(text)
    while True:
        i = _WSP_RUN(text, i).end()  # type: ignore[union-attr]  # "*" always matches
        if i >= n or text[i] != "(":
            return i, True
        end, closed = skip_comment(text, i)
        if not closed:
            return i, False
        i = end
