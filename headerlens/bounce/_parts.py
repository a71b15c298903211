"""The bounce readers' view of the parsed MIME tree (``Message.mime``).

:func:`headerlens.parse.parse` splits the header block and builds the MIME tree (RFC 2045,
RFC 2046 section 5.1.1) once, with exact byte offsets; this module only reads that tree. A
:class:`Part` gives the readers what they look at: the content type, its parameters, the
header fields as the readers compare them, the exact body bytes, the payload with its
Content-Transfer-Encoding undone (RFC 2045 section 6, tolerant of damaged base64) and the
text in its declared charset. An embedded message (``message/rfc822``, ``message/global``,
``text/rfc822-headers``) is the :class:`~headerlens.message.Message` the parser built.
"""

from __future__ import annotations

import base64
import binascii
import codecs
from dataclasses import dataclass

from headerlens.bounce._text import lines_of
from headerlens.message import HeaderField, Message, MimePart
from headerlens.parse import parse_bytes
from headerlens.parse.encoded_words import decode_encoded_words
from headerlens.parse.mime import decode_quoted_printable
from headerlens.parse.params import parse_content_type

__all__ = [
    "Part",
    "decode_bytes",
    "decode_words",
    "embedded_message",
    "field_value",
    "header_text",
    "report_parts",
    "root_part",
]


def field_value(field: HeaderField) -> str:
    """The field body as the readers compare it: each physical line stripped, the lines
    joined with one space (RFC 5322 section 2.2.3 unfolding, with the white space of the
    fold reduced to one space); encoded words are left as written (see :func:`decode_words`).
    """
    raw = field.raw
    body = raw[raw.find(":") + 1 :]
    if "\n" not in body.rstrip("\r\n") and "\r" not in body.rstrip("\r\n"):
        return body.strip()
    return " ".join(s for s in (line.strip() for line in lines_of(body)) if s)


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words in a header value, never raising."""
    if "=?" not in value:
        return value
    # The parser's own decoder: linear, never raises, leaves bad words as written.
    return decode_encoded_words(value)[0]


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode with ``charset`` when known, else UTF-8, never raising."""
    cs = (charset or "utf-8").strip().strip('"').lower()
    try:
        codecs.lookup(cs)
        b"a".decode(cs)  # byte-to-byte codecs (base64, rot13...) are no charset
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        cs = "utf-8"
    if cs in ("us-ascii", "ascii"):
        cs = "utf-8"
    try:
        return data.decode(cs)
    except ValueError:  # UnicodeDecodeError, or UnicodeError from codecs such as idna
        try:
            return data.decode(cs if cs != "utf-8" else "latin-1", errors="replace")
        except ValueError:
            return data.decode("latin-1")


@dataclass(slots=True)
class Part:
    """One MIME part as the bounce readers see it.

    ``ctype`` is the content type, except that a multipart entity without readable parts
    (no boundary, or no delimiter line: a gateway stripped them) reads as ``text/plain``.
    ``body`` is the exact content bytes; ``message`` the embedded message, when the parser
    built one.
    """

    ctype: str
    params: dict[str, str]
    headers: list[tuple[str, str]]
    body: bytes
    message: Message | None = None

    def get(self, name: str) -> str | None:
        """The value (:func:`field_value`) of the first field called ``name``."""
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None

    def payload(self) -> bytes:
        """The body with its Content-Transfer-Encoding undone (RFC 2045 section 6).

        Damaged base64 is read as far as it goes (stray characters skipped, a cut final
        group dropped); a body that cannot be decoded is returned as it is.
        """
        cte = (self.get("Content-Transfer-Encoding") or "").strip().lower()
        if cte == "base64":
            data = b"".join(self.body.split())
            data = data[: len(data) - len(data) % 4]
            try:
                return base64.b64decode(data, validate=False)
            except (binascii.Error, ValueError):
                return self.body
        if cte == "quoted-printable":
            return decode_quoted_printable(self.body)
        return self.body

    def text(self) -> str:
        """The decoded payload as text, using the declared charset (UTF-8 by default)."""
        return decode_bytes(self.payload(), self.params.get("charset"))

    def content(self) -> bytes:
        """The bytes of an embedded message: the payload when a transfer encoding is
        declared, else the body exactly (so DKIM can be re-checked)."""
        return self.payload() if self.get("Content-Transfer-Encoding") else self.body


def _headers(fields: tuple[HeaderField, ...]) -> list[tuple[str, str]]:
    return [(h.name, field_value(h)) for h in fields]


def _body_start(data: bytes, mp: MimePart) -> int:
    """Where the body of a child part begins: after its last header field and the empty line
    that ends the block (any line ending), or at the part's start without header fields."""
    pos = mp.headers[-1].end if mp.headers else (mp.start or 0)
    if data.startswith(b"\r\n", pos):
        return pos + 2
    if data[pos : pos + 1] in (b"\n", b"\r"):
        return pos + 1
    return pos


def _part(data: bytes, mp: MimePart, body_start: int) -> Part:
    ctype = mp.content_type
    if ctype.startswith("multipart/") and not mp.children:
        ctype = "text/plain"
    end = mp.end if mp.end is not None else len(data)
    return Part(
        ctype=ctype,
        params=dict(mp.params),
        headers=_headers(mp.headers),
        body=data[body_start:end],
        message=mp.message,
    )


def root_part(message: Message) -> tuple[Part, MimePart | None]:
    """The top-level part of ``message`` and its node of the MIME tree (``None`` when the
    message has no body: a header-only paste)."""
    mime = message.mime
    data = message.source
    if mime is not None:
        return _part(data, mime, message.body_start or 0), mime
    ctype: str | None = "text/plain"
    params: tuple[tuple[str, str], ...] = ()
    found = message.fields("content-type")
    if found:
        ctype, params, _problems = parse_content_type(field_value(found[0]))
    ctype = ctype or "text/plain"
    if ctype.startswith("multipart/"):
        ctype = "text/plain"
    return Part(ctype, dict(params), _headers(message.headers), message.body), None


def report_parts(message: Message) -> list[Part]:
    """Every part of ``message`` depth-first, the root first; an embedded message is one
    part (its own parts are the original's, not the report's)."""
    root, mime = root_part(message)
    out = [root]
    if mime is None or not mime.children:
        return out
    data = message.source
    stack = list(reversed(mime.children))
    while stack:
        mp = stack.pop()
        out.append(_part(data, mp, _body_start(data, mp)))
        stack.extend(reversed(mp.children))
    return out


def embedded_message(part: Part, data: bytes | None = None) -> Message:
    """The message ``part`` holds: the one the parser built, else ``data`` (by default the
    part's :meth:`~Part.content`) parsed."""
    if part.message is not None:
        return part.message
    return parse_bytes(part.content() if data is None else data)


def header_text(message: Message, lname: str) -> str:
    """The first ``lname`` field of ``message`` as the readers compare it, words decoded."""
    found = message.fields(lname)
    return decode_words(field_value(found[0])) if found else ""
