"""MIME parameters (RFC 2045 section 5.1, RFC 2231) and the values they follow.

``Content-Type`` and ``Content-Disposition`` are a value (``text/plain``, ``attachment``)
then ``; name=value`` parameters, with comments and folding white space allowed between
tokens. The comments are read by the one comment scanner of :mod:`headerlens.parse._scan`;
an unclosed one is recorded (``mime.unterminated_comment``), never silently swallowed.
RFC 2231 continuations, charsets and percent-encoding are decoded, and RFC 2047 encoded words
inside quoted values (common, though not standard) too.
"""

from __future__ import annotations

from headerlens._text import ascii_digits
from headerlens.parse._scan import read_quoted, skip_cfws, skip_comment
from headerlens.parse.encoded_words import decode_charset, decode_encoded_words, unhex

__all__ = ["Problem", "parse_content_type", "parse_disposition", "parse_params"]

Problem = tuple[str, str]
"""(defect code, message)."""

_TSPECIALS = frozenset('()<>@,;:\\"/[]?= \t')


def _unclosed(text: str, at: int) -> Problem:
    """The problem of a comment opened at ``text[at]`` and never closed."""
    rest = text[at:]
    shown = rest if len(rest) <= 60 else rest[:57] + "..."
    return ("mime.unterminated_comment", f"comment {shown!r} is not closed; it hides the rest")


def _scan_params(text: str, pos: int, problems: list[Problem]) -> list[tuple[str, str, bool]]:
    """``; name=value`` pairs from ``text[pos:]``: (lower name, value, was quoted)."""
    out: list[tuple[str, str, bool]] = []
    n = len(text)
    i = pos
    while i < n:
        i, closed = skip_cfws(text, i)  # RFC 2045 allows CFWS between parameters
        if not closed:
            problems.append(_unclosed(text, i))
            break
        if i >= n:
            break
        if text[i] == ";":
            i += 1
            continue
        start = i
        while i < n and text[i] not in "=;":
            i += 1
        name = text[start:i].strip().lower()
        if i >= n or text[i] == ";":
            if name:
                problems.append(("mime.invalid_parameter", f"parameter {name!r} has no '='"))
            continue
        i += 1  # "="
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i < n and text[i] == '"':
            value, i, closed = read_quoted(text, i)
            if not closed:
                problems.append(("mime.invalid_parameter", f"unterminated quotes in {name!r}"))
            quoted = True
            # Skip anything between the closing quote and the next ";".
            while i < n and text[i] != ";":
                i += 1
        else:
            start = i
            while i < n and text[i] != ";":
                i += 1
            value = text[start:i].strip()
            quoted = False
        if name:
            out.append((name, value, quoted))
    return out


def _head(text: str) -> tuple[str, int, list[Problem]]:
    """The value before the parameters of a Content-Type or Content-Disposition field (up to
    its first comment), the index of the ``;`` that ends it (-1: none) and problems.

    A ``;`` inside a comment does not end the value. A comment left open is recorded and, as
    mail readers do, the value still ends at the first ``;`` after it.
    """
    n = len(text)
    semi = text.find(";")
    paren = text.find("(", 0, n if semi == -1 else semi)
    if paren == -1:
        return (text if semi == -1 else text[:semi]).strip(), semi, []
    head = text[:paren].strip()
    while True:
        end, closed = skip_comment(text, paren)
        if not closed:
            return head, text.find(";", paren), [_unclosed(text, paren)]
        if semi != -1 and semi < end:
            semi = text.find(";", end)
        paren = text.find("(", end, n if semi == -1 else semi)
        if paren == -1:
            return head, semi, []


def _pct_decode(text: str) -> bytes:
    return unhex(text.encode("utf-8", "surrogateescape"), b"%")[0]


def parse_params(text: str, pos: int = 0) -> tuple[tuple[tuple[str, str], ...], list[Problem]]:
    """MIME parameters from ``text[pos:]`` with RFC 2231 continuations and charsets decoded.

    Returns ``((name, value), ...)`` (names lower-cased, first-appearance order) and problems.
    RFC 2047 encoded words inside quoted values (common, though not standard) are decoded.
    """
    problems: list[Problem] = []
    pairs = _scan_params(text, pos, problems)
    order: list[str] = []
    simple: dict[str, str] = {}
    sections: dict[str, dict[int, tuple[str, bool]]] = {}
    for name, value, _quoted in pairs:
        if "*" in name:
            base, _, rest = name.partition("*")
            extended = rest.endswith("*") or rest == ""
            number_text = rest.rstrip("*")
            if number_text == "":
                number = 0
                # "name*=" is a single extended value
            elif ascii_digits(number_text):
                number = int(number_text)
            else:
                problems.append(("mime.invalid_parameter", f"bad RFC 2231 section in {name!r}"))
                continue
            if base not in order and base not in simple:
                order.append(base)
            sections.setdefault(base, {})[number] = (value, extended)
        else:
            if name not in simple and name not in sections:
                order.append(name)
            simple.setdefault(name, value)
    result: list[tuple[str, str]] = []
    for name in order:
        if name in sections:
            parts = sections[name]
            numbers = sorted(parts)
            if numbers != list(range(len(numbers))):
                problems.append(
                    ("mime.invalid_parameter", f"RFC 2231 sections of {name!r} have gaps")
                )
            charset: str | None = None
            chunks: list[bytes] = []
            for k, number in enumerate(numbers):
                value, extended = parts[number]
                if extended:
                    if k == 0:
                        pieces = value.split("'", 2)
                        if len(pieces) == 3:
                            charset = pieces[0] or None
                            value = pieces[2]
                        else:
                            problems.append(
                                ("mime.invalid_parameter", f"{name!r} lacks charset'language'")
                            )
                    chunks.append(_pct_decode(value))
                else:
                    chunks.append(value.encode("utf-8", "surrogateescape"))
            text_value, problem = decode_charset(b"".join(chunks), charset or "utf-8")
            if problem is not None:
                problems.append(("mime.invalid_parameter", f"{name!r}: {problem[1]}"))
            result.append((name, text_value))
        else:
            value = simple[name]
            if "=?" in value:
                value, word_problems = decode_encoded_words(value)
                problems.extend(word_problems)
            result.append((name, value))
    return tuple(result), problems


def parse_content_type(text: str) -> tuple[str | None, tuple[tuple[str, str], ...], list[Problem]]:
    """``type/subtype`` (lower-cased; ``None`` when invalid) and parameters (RFC 2045 5.1)."""
    head, semi, problems = _head(text)
    if semi != -1:
        params, param_problems = parse_params(text, semi + 1)
        problems += param_problems
    else:
        params = ()
    ctype: str | None = head.lower()
    main, slash, sub = head.partition("/")
    if (
        not slash
        or not main.strip()
        or not sub.strip()
        or any(c in _TSPECIALS for c in main.strip() + sub.strip())
    ):
        ctype = None
    else:
        ctype = f"{main.strip()}/{sub.strip()}".lower()
    return ctype, params, problems


def parse_disposition(text: str) -> tuple[str | None, tuple[tuple[str, str], ...], list[Problem]]:
    """The disposition type (lower-cased; ``None`` when empty) and parameters (RFC 2183)."""
    head, semi, problems = _head(text)
    params: tuple[tuple[str, str], ...] = ()
    if semi != -1:
        params, param_problems = parse_params(text, semi + 1)
        problems += param_problems
    return head.lower() or None, params, problems
