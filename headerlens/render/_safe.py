"""Making message-derived text safe to show on a terminal or in Markdown.

Anything that came from a message is hostile: ANSI escape sequences can rewrite the terminal,
bidirectional overrides can reorder what the analyst reads, and Markdown metacharacters can
forge table cells or links. These helpers make every such character visible instead.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["csv_safe", "format_delay", "format_time", "md_line", "md_safe", "term_safe"]

# Unicode bidi controls and invisible formatting characters that change how text reads.
_BIDI = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)


def term_safe(text: str | None, *, keep_newlines: bool = False) -> str:
    """``text`` with control, bidi and invisible characters shown as ``\\xNN``/``\\uNNNN``."""
    if text is None:
        return ""
    out: list[str] = []
    for ch in text:
        o = ord(ch)
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif o < 0x20 or o == 0x7F or 0x80 <= o < 0xA0:
            out.append(f"\\x{o:02x}")
        elif ch in _BIDI or 0xD800 <= o < 0xE000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    return "".join(out)


# Characters CommonMark/GFM give a meaning to inside a line: emphasis, code, links and images,
# raw HTML, entity references (``&#8238;`` would smuggle a bidi override), tables, math
# (``$``), mentions (``@``). Each is ASCII punctuation, so a backslash escape shows it as is.
_MD_SPECIAL = frozenset("\\`*_{}[]()<>#+!|~&$@")


def md_safe(text: str | None) -> str:
    """``text`` safe inside a Markdown line or table cell (CommonMark 0.31 and GFM).

    Terminal-safe first (control and bidi characters visible), then every character that
    could start markup is backslash-escaped, and GFM's extended autolinks are broken up
    (``https\\://``, ``www\\.``), so message text can never become a link, an image, a
    mention or HTML. The rendered text reads exactly as the original.
    """
    s = term_safe(text)
    out: list[str] = []
    for i, ch in enumerate(s):
        if ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch == ":" and s.startswith("//", i + 1):
            out.append("\\:")
        elif ch == "." and s[max(0, i - 3) : i].lower() == "www" and not _word_before(s, i - 3):
            out.append("\\.")
        else:
            out.append(ch)
    return "".join(out)


def _word_before(s: str, i: int) -> bool:
    return i > 0 and (s[i - 1].isalnum() or s[i - 1] in "-_.")


def md_line(text: str | None) -> str:
    """:func:`md_safe` for text that starts a Markdown line: a leading list, heading,
    quote or thematic-break marker is escaped too."""
    s = md_safe(text).lstrip(" ")  # four leading spaces would start a code block
    if s[:1] in ("-", "=", ">"):
        return "\\" + s
    digits = len(s) - len(s.lstrip("0123456789"))
    if 0 < digits <= 9 and s[digits : digits + 1] in (".", ")"):
        return s[:digits] + "\\" + s[digits:]
    return s


# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str | int | float | bool | None) -> str | int | float | bool:
    """A CSV cell value: ``None`` empty, text terminal-safe and never read as a formula.

    Numbers and booleans pass as they are. Text has control and bidi characters made visible
    (as in the terminal report), and text starting with ``=``, ``+``, ``-``, ``@``, tab or CR
    gets a leading ``'`` so Excel, LibreOffice and Google Sheets show it as text.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    s = term_safe(value)
    if s.startswith(_FORMULA_START) or value.startswith(_FORMULA_START):
        return "'" + s
    return s


def format_time(value: dt.datetime | None) -> str:
    """An aware datetime in UTC as ``YYYY-MM-DD HH:MM:SS``; ``"?"`` when unknown."""
    if value is None:
        return "?"
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def format_delay(value: dt.timedelta | None) -> str:
    """A signed human duration (``+3s``, ``-7m02s``, ``+2h05m``, ``+1d03h``); ``""`` unknown."""
    if value is None:
        return ""
    seconds = value.total_seconds()
    sign = "-" if seconds < 0 else "+"
    s = abs(seconds)
    if 0 < s < 1:
        return f"{sign}{s:.3f}".rstrip("0").rstrip(".") + "s"
    s = round(s)
    if s < 60:
        return f"{sign}{s}s"
    if s < 3600:
        return f"{sign}{s // 60}m{s % 60:02d}s"
    if s < 86400:
        return f"{sign}{s // 3600}h{(s % 3600) // 60:02d}m"
    return f"{sign}{s // 86400}d{(s % 86400) // 3600:02d}h"
