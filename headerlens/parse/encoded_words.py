"""RFC 2047 encoded words (``=?charset?B|Q?text?=``) in header values.

A hand-written scanner (``str.find`` only, no backtracking regex). Whitespace between two
adjacent encoded words is dropped (RFC 2047 section 6.2). A word whose charset Python does not
know, or whose encoded text cannot be decoded, is left exactly as written and reported.
"""

from __future__ import annotations

import binascii
import codecs
import functools

__all__ = ["decode_charset", "decode_encoded_words", "unhex"]

# (code, message) pairs returned to the caller, who records them through its DefectLog.
Problem = tuple[str, str]

_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_NOT_B64 = bytes(c for c in range(256) if c not in _B64_ALPHABET)
_MAX_PROBLEMS = 10
_CHARSET_ALIASES = {
    # Labels seen in real mail that Python's codec registry does not know under that name.
    "unknown-8bit": "latin-1",
    "x-unknown": "latin-1",
    "ks_c_5601-1987": "cp949",
    "x-user-defined": "latin-1",
    "windows-874": "cp874",
    "iso-8859-8-i": "iso-8859-8",
    "gb2312": "gb18030",  # gb18030 is a superset and decodes what mislabelled senders write
}


@functools.lru_cache(maxsize=256)
def _codec_name(charset: str) -> str | None:
    """The Python text codec for a MIME charset label, or ``None`` when unknown.

    Python also knows byte-to-byte codecs (``base64``, ``rot13``, ``zlib``...) that
    ``bytes.decode`` refuses: a label naming one is an unknown charset too.
    """
    label = charset.strip().strip('"').lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    try:
        b"a".decode(name)  # (an empty input would not tell)
    except LookupError:  # "not a text encoding"
        return None
    except ValueError:  # a text codec that refuses "a" ("undefined"): errors come later
        pass
    return name


def _reason(exc: ValueError) -> str:
    return exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)


def decode_charset(data: bytes, charset: str | None) -> tuple[str, Problem | None]:
    """Decode ``data`` in ``charset`` (RFC 2045/2046 labels); problems come back, never raise.

    Unknown charsets and undecodable bytes fall back to UTF-8, then Latin-1, so every byte
    still reaches the text.
    """
    problem: Problem | None = None
    if charset:
        codec = _codec_name(charset)
        if codec is None:
            problem = ("header.encoded_word_charset", f"unknown charset {charset!r}")
        else:
            try:
                return data.decode(codec), None
            except ValueError as exc:  # UnicodeDecodeError, or UnicodeError from e.g. idna
                problem = (
                    "header.encoded_word_invalid",
                    f"bytes not valid in charset {charset!r}: {_reason(exc)}",
                )
    try:
        return data.decode("utf-8"), problem
    except UnicodeDecodeError:
        return data.decode("latin-1"), problem


def _decode_b(text: str) -> tuple[bytes | None, str | None]:
    raw = text.encode("ascii", "replace")
    cleaned = raw.translate(None, _NOT_B64)
    note: str | None = None
    if len(cleaned) != len(raw):
        note = "characters outside the base64 alphabet"
    body = cleaned.rstrip(b"=")
    if b"=" in body:
        return None, "padding inside base64 text"
    rem = len(body) % 4
    if rem == 1:
        return None, "base64 text has an impossible length"
    if rem:
        padded = body + b"=" * (4 - rem)
        if len(cleaned) != len(padded):
            note = note or "missing or wrong base64 padding"
    else:
        padded = body
    try:
        return binascii.a2b_base64(padded), note
    except binascii.Error as exc:  # pragma: no cover - cleaned above
        return None, str(exc)


_HEX = frozenset(b"0123456789ABCDEFabcdef")


def unhex(raw: bytes, marker: bytes) -> tuple[bytes, bool]:
    """``raw`` with every ``marker`` + two hex digits replaced by that octet (RFC 2047's
    ``=XX``, RFC 2231's ``%XX``), and whether a marker without two hex digits after it was
    met (it is kept as it stands). One pass from marker to marker: linear."""
    if marker not in raw:
        return raw, False
    out = bytearray()
    bad = False
    i = 0
    n = len(raw)
    while i < n:
        j = raw.find(marker, i)
        if j == -1:
            out += raw[i:]
            break
        out += raw[i:j]
        pair = raw[j + 1 : j + 3]
        if len(pair) == 2 and pair[0] in _HEX and pair[1] in _HEX:
            out.append(int(pair, 16))
            i = j + 3
        else:
            out += marker
            bad = True
            i = j + 1
    return bytes(out), bad


def _decode_q(text: str) -> tuple[bytes | None, str | None]:
    raw, bad = unhex(text.encode("latin-1", "replace").replace(b"_", b" "), b"=")
    return raw, "'=' not followed by two hex digits" if bad else None


def _decode_word(
    word: str, charset: str, enc: str, payload: str, problems: list[Problem]
) -> str | None:
    """One encoded word's text (RFC 2047 section 4: B or Q, then the charset), or ``None``
    when it stays as written; what was wrong goes to ``problems``."""
    if "*" in charset:  # an RFC 2231 section 5 language suffix
        charset = charset.split("*", 1)[0]
    if enc not in ("B", "Q"):
        problems.append(("header.encoded_word_invalid", f"{word!r}: unknown encoding {enc!r}"))
        return None
    data, note = _decode_b(payload) if enc == "B" else _decode_q(payload)
    if note is not None:
        problems.append(("header.encoded_word_invalid", f"{word!r}: {note}"))
    if data is None:
        return None
    codec = _codec_name(charset)
    if codec is None:
        problems.append(("header.encoded_word_charset", f"{word!r}: unknown charset {charset!r}"))
        return None
    try:
        return data.decode(codec)
    except ValueError as exc:  # as in decode_charset
        problems.append(
            ("header.encoded_word_invalid", f"{word!r}: not valid {charset}: {_reason(exc)}")
        )
        return None


def decode_encoded_words(value: str) -> tuple[str, list[Problem]]:
    """Decode every RFC 2047 encoded word in an unfolded header value.

    Returns the decoded text and a list of ``(code, message)`` problems
    (``header.encoded_word_charset``, ``header.encoded_word_invalid``). Undecodable words stay
    exactly as written. RFC 2231 section 5 language suffixes (``=?utf-8*en?Q?...?=``) are
    accepted.
    """
    problems: list[Problem] = []
    out: list[str] = []
    pos = 0
    n = len(value)
    last_was_word = False
    next_close = -1  # cached: the first "?=" after some earlier position (keeps this linear)
    while pos < n:
        start = value.find("=?", pos)
        if start == -1:
            break
        q1 = value.find("?", start + 2)
        if q1 == -1:
            break
        q2 = value.find("?", q1 + 1)
        if q2 == -1:
            break
        close = -1
        if q2 == q1 + 2:
            if next_close < q2 + 1:
                next_close = value.find("?=", q2 + 1)
                if next_close == -1:
                    break  # no "?=" anywhere after: no encoded word can follow
            close = next_close
        charset = value[start + 2 : q1]
        if close == -1 or not charset or " " in charset or "\t" in charset:
            # Not an encoded word: copy through "=?" and go on.
            out.append(value[pos : start + 2])
            last_was_word = False
            pos = start + 2
            continue
        word = value[start : close + 2]
        enc = value[q1 + 1 : q2].upper()
        decoded = _decode_word(word, charset, enc, value[q2 + 1 : close], problems)
        between = value[pos:start]
        if decoded is None:
            out.append(between + word)
            last_was_word = False
        else:
            if not (last_was_word and between.strip(" \t") == ""):
                out.append(between)  # white space between adjacent encoded words is dropped
            out.append(decoded)
            last_was_word = True
        pos = close + 2
    out.append(value[pos:])
    # Hostile values can hold thousands of broken words; the first few make the point.
    return "".join(out), problems[:_MAX_PROBLEMS]
