"""Making message-derived text safe to show on a terminal or in Markdown.

Anything that came from a message is hostile: ANSI escape sequences can rewrite the terminal,
bidirectional overrides can reorder what the analyst reads, and Markdown metacharacters can
forge table cells or links. These helpers make every such character visible instead.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["format_delay", "format_time", "md_safe", "term_safe"]

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


def md_safe(text: str | None) -> str:
    """``text`` safe inside a Markdown table cell: terminal-safe, metacharacters escaped."""
    s = term_safe(text)
    for ch in "\\`*_{}[]()<>#+!|~":
        s = s.replace(ch, "\\" + ch)
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
