"""Small scanners shared by the structured-field readers (addresses, MIME parameters,
Authentication-Results)."""

from __future__ import annotations

import re

__all__ = ["read_quoted"]

_QUOTE_STOP = re.compile(r'[\\"]')


def read_quoted(text: str, i: int, *, drop_line_ends: bool = False) -> tuple[str, int, bool]:
    """Read the RFC 5322 quoted-string (section 3.2.4) whose opening quote is ``text[i]``.

    Returns the content with quoted-pairs resolved, the index just after the closing quote
    (or ``len(text)``), and whether the closing quote was found. ``drop_line_ends`` removes CR
    and LF left over from folding. One pass that jumps between backslashes and quotes: linear
    in the length read.
    """
    n = len(text)
    i += 1
    buf: list[str] = []
    closed = False
    while i < n:
        m = _QUOTE_STOP.search(text, i)
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
