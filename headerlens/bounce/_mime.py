"""A small MIME walker over exact bytes, for reading bounces.

Bounces need the exact bytes of the returned original (to re-check its DKIM signatures), the
text of the report parts, and tolerance for broken structure. This walker splits on the
boundary lines of RFC 2046 section 5.1.1 in one linear pass per level, keeps byte offsets, and
decodes base64 / quoted-printable (RFC 2045 section 6) with the declared charset. It is used
when :attr:`headerlens.message.Message.mime` is not available.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
from dataclasses import dataclass, field

from headerlens.parse.encoded_words import decode_encoded_words

__all__ = ["Part", "decode_words", "split_headers", "walk"]

MAX_DEPTH = 12
MAX_PARTS = 500


@dataclass(slots=True)
class Part:
    """One MIME part: its header fields, content type, parameters and exact byte range."""

    headers: list[tuple[str, str]]
    ctype: str
    params: dict[str, str]
    raw: bytes
    body: bytes
    depth: int
    children: list[Part] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        """The unfolded value of the first field called ``name``."""
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None

    def payload(self) -> bytes:
        """The body with its Content-Transfer-Encoding undone (RFC 2045 section 6)."""
        cte = (self.get("Content-Transfer-Encoding") or "").strip().lower()
        if cte == "base64":
            data = b"".join(self.body.split())
            data = data[: len(data) - len(data) % 4]
            try:
                return base64.b64decode(data, validate=False)
            except (binascii.Error, ValueError):
                return self.body
        if cte == "quoted-printable":
            return quopri.decodestring(self.body)
        return self.body

    def text(self) -> str:
        """The decoded payload as text, using the declared charset (UTF-8 by default)."""
        return decode_bytes(self.payload(), self.params.get("charset"))


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


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words in a header value, never raising."""
    if "=?" not in value:
        return value
    # The parser's own decoder: linear, never raises, leaves bad words as written.
    return decode_encoded_words(value)[0]


def split_headers(data: bytes) -> tuple[list[tuple[str, str]], int]:
    """Header fields of ``data`` (unfolded, decoded as UTF-8/Latin-1) and the body offset."""
    headers: list[tuple[str, str]] = []
    pos = 0
    n = len(data)
    cur_name: str | None = None
    cur_val: list[str] = []
    if data.startswith(b"From "):
        # An mbox separator line (RFC 4155) before the header.
        nl = data.find(b"\n")
        pos = n if nl < 0 else nl + 1
    while pos < n:
        end = data.find(b"\n", pos)
        line_end = n if end < 0 else end + 1
        line = data[pos:line_end].rstrip(b"\r\n")
        if not line.strip(b" \t"):
            pos = line_end
            break
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text = line.decode("latin-1")
        if text[:1] in (" ", "\t") and cur_name is not None:
            cur_val.append(text.strip())
        else:
            colon = text.find(":")
            if colon <= 0 or " " in text[:colon].strip():
                if cur_name is None and not headers:
                    return [], 0
                pos = line_end
                continue
            if cur_name is not None:
                headers.append((cur_name, " ".join(cur_val)))
            cur_name = text[:colon].strip()
            cur_val = [text[colon + 1 :].strip()]
        pos = line_end
    if cur_name is not None:
        headers.append((cur_name, " ".join(v for v in cur_val if v)))
    return headers, pos


def _content_type(value: str | None) -> tuple[str, dict[str, str]]:
    if not value:
        return "text/plain", {}
    pieces = _split_params(value)
    ctype = pieces[0].strip().lower() or "text/plain"
    params: dict[str, str] = {}
    for piece in pieces[1:]:
        eq = piece.find("=")
        if eq <= 0:
            continue
        key = piece[:eq].strip().lower()
        val = piece[eq + 1 :].strip()
        if len(val) >= 2 and val[0] == '"' and val[-1] == '"':
            val = val[1:-1]
        params.setdefault(key.rstrip("*"), val)
    return ctype, params


def _split_params(value: str) -> list[str]:
    out: list[str] = []
    cur: list[str] = []
    quoted = False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _split_multipart(body: bytes, boundary: bytes) -> list[bytes]:
    """The parts between ``--boundary`` lines (RFC 2046 section 5.1.1), preamble dropped."""
    delim = b"--" + boundary
    parts: list[bytes] = []
    pos = 0
    start: int | None = None
    n = len(body)
    while pos < n:
        end = body.find(b"\n", pos)
        line_end = n if end < 0 else end + 1
        line = body[pos:line_end].rstrip(b"\r\n").rstrip(b" \t")
        if line.startswith(delim):
            rest = line[len(delim) :]
            if rest in (b"", b"--"):
                if start is not None:
                    seg_end = pos
                    # The line break before the delimiter belongs to the delimiter.
                    if seg_end > start and body[seg_end - 1 : seg_end] == b"\n":
                        seg_end -= 1
                        if seg_end > start and body[seg_end - 1 : seg_end] == b"\r":
                            seg_end -= 1
                    parts.append(body[start:seg_end])
                if rest == b"--":
                    return parts
                start = line_end
        pos = line_end
    if start is not None and start < n:
        parts.append(body[start:])
    return parts


def walk(data: bytes, depth: int = 0, counter: list[int] | None = None) -> Part:
    """Parse ``data`` (a whole message or part) into a :class:`Part` tree."""
    counter = counter if counter is not None else [0]
    counter[0] += 1
    headers, body_at = split_headers(data)
    ctype_value = None
    for k, v in headers:
        if k.lower() == "content-type":
            ctype_value = v
            break
    ctype, params = _content_type(ctype_value)
    part = Part(headers, ctype, params, data, data[body_at:], depth)
    if depth >= MAX_DEPTH or counter[0] > MAX_PARTS:
        return part
    if ctype.startswith("multipart/") and params.get("boundary"):
        boundary = params["boundary"].encode("utf-8", "replace")
        for seg in _split_multipart(part.body, boundary):
            part.children.append(walk(seg, depth + 1, counter))
        if not part.children:
            # No boundary line at all (a gateway stripped them): read the body as text.
            part.ctype = "text/plain"
    elif ctype.startswith("multipart/"):
        part.ctype = "text/plain"
    elif ctype in ("message/rfc822", "message/global") and part.get(
        "Content-Transfer-Encoding"
    ) not in ("base64", "quoted-printable"):
        part.children.append(walk(part.body, depth + 1, counter))
    return part


def iter_parts(root: Part) -> list[Part]:
    """Every part depth-first, the root first, without descending into embedded messages."""
    out: list[Part] = []
    stack = [root]
    while stack:
        p = stack.pop()
        out.append(p)
        if not p.ctype.startswith("message/"):
            stack.extend(reversed(p.children))
    return out
