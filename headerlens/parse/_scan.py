"""Small scanners shared by the structured-field readers (addresses, MIME parameters)."""

from __future__ import annotations

__all__ = ["read_quoted"]


def read_quoted(text: str, i: int, *, drop_line_ends: bool = False) -> tuple[str, int, bool]:
    """Read the RFC 5322 quoted-string (section 3.2.4) whose opening quote is ``text[i]``.

    Returns the content with quoted-pairs resolved, the index just after the closing quote
    (or ``len(text)``), and whether the closing quote was found. ``drop_line_ends`` removes CR
    and LF left over from folding. One pass: linear in the length read.
    """
    n = len(text)
    i += 1
    buf: list[str] = []
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == '"':
            return "".join(buf), i + 1, True
        if not (drop_line_ends and ch in "\r\n"):
            buf.append(ch)
        i += 1
    return "".join(buf), i, False
