"""Linear-time scanners for bounce prose: addresses, status codes, reply codes."""

from __future__ import annotations

import re

__all__ = [
    "clean_address",
    "find_addresses",
    "find_reply_code",
    "find_status",
    "lines_of",
]

# Bounded repetitions and no nested quantifiers: these cannot backtrack badly.
_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)")
_REPLY = re.compile(r"(?<![\w.\-/#:])([245][0-5]\d)(?=[ \-]|[:,](?:\s|$)|$)(?![\-]?\d)")
# A reply code after a label such as "ERROR_CODE :550," (Zoho) or "550:" (Yahoo).
_LABELLED_REPLY = re.compile(r"(?:code\s?:\s?|^)([245][0-5]\d)[:,](?:\s|$)", re.IGNORECASE)
_LOCAL_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~."
)
_DOMAIN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.[]:")


def lines_of(text: str) -> list[str]:
    """Split on any line ending (LF, CRLF, CR)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def find_status(text: str | None) -> str | None:
    """The first RFC 3463 code (``5.1.1``) in ``text`` that is not part of an IP address."""
    if not text:
        return None
    for m in _STATUS.finditer(text):
        cls, subj, det = m.groups()
        if int(subj) > 7:
            continue
        return f"{cls}.{int(subj)}.{int(det)}"
    return None


def find_last_status(text: str | None) -> str | None:
    """The last RFC 3463 code in ``text``: in a nested error the innermost (remote) one."""
    if not text:
        return None
    last = None
    for m in _STATUS.finditer(text):
        cls, subj, det = m.groups()
        if int(subj) <= 7:
            last = (f"{cls}.{int(subj)}.{int(det)}", m.start())
    return last[0] if last else None


def find_reply_code(text: str | None) -> str | None:
    """The SMTP reply code (RFC 5321 section 4.2) the text quotes, e.g. ``550``.

    A code written just before an enhanced status code (``550 5.1.1``, ``550-5.1.1``) is
    preferred; otherwise the first three-digit 2xx/4xx/5xx token followed by a space or hyphen.
    """
    if not text:
        return None
    matches = [m for m in _STATUS.finditer(text) if int(m.group(2)) <= 7]
    s = matches[-1] if matches else None
    if s is not None:
        before = text[max(0, s.start() - 5) : s.start()]
        m = re.search(r"([245][0-5]\d)[ \-]$", before)
        if m:
            return m.group(1)
    labelled = _LABELLED_REPLY.search(text)
    if labelled:
        return labelled.group(1)
    for m in _REPLY.finditer(text):
        code = m.group(1)
        start = m.start()
        # Skip numbers that are part of dates, ports, sizes: a word before that is a unit.
        prev = text[max(0, start - 6) : start].lower()
        if prev.endswith(("port ", "size ", "size=", "than ", "after ")):
            continue
        return code
    return None


def _expand(text: str, at: int) -> tuple[int, int]:
    i = at
    while i > 0 and text[i - 1] in _LOCAL_CHARS:
        i -= 1
    j = at + 1
    n = len(text)
    while j < n and text[j] in _DOMAIN_CHARS:
        j += 1
    return i, j


def clean_address(value: str | None) -> str | None:
    """Trim brackets, quotes, trailing dots and colons from an address; ``None`` if empty."""
    if value is None:
        return None
    v = value.strip().strip("<>\"'()[],;:").strip()
    while v.endswith((".", ">", ":", "]", ",")):
        v = v[:-1]
    if v.lower().startswith("mailto:"):
        v = v[7:]
    if "@" not in v or v.startswith("@") or v.endswith("@"):
        return None
    return v


def find_addresses(text: str) -> list[tuple[int, int, str]]:
    """Every ``local@domain`` in ``text`` as ``(start, end, address)``; linear scan on ``@``."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    last_end = 0
    while True:
        at = text.find("@", pos)
        if at < 0:
            return out
        pos = at + 1
        if at < last_end:
            continue
        i, j = _expand(text, at)
        if i == at or j == at + 1:
            continue
        addr = clean_address(text[i:j])
        if addr is None or (
            "." not in addr.split("@", 1)[1] and "[" not in addr and not addr.split("@", 1)[1]
        ):
            continue
        if addr is None:
            continue
        out.append((i, j, addr))
        last_end = j
