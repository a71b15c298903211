"""Small text predicates shared by every area."""

from __future__ import annotations

__all__ = ["ascii_digits"]


def ascii_digits(text: str) -> bool:
    """Whether ``text`` is one or more ASCII digits (RFC 5234 ``DIGIT``).

    ``str.isdigit`` also accepts superscripts, circled and other Unicode digits, which
    ``int()`` then refuses with ``ValueError``: message text must be checked with this.
    """
    return text.isascii() and text.isdigit()
