"""The MIME tree of a message (RFC 2045, 2046, 2183, 2231), built on first use of ``.mime``.

Multipart bodies are split on delimiter lines found with ``bytes.find`` (RFC 2046 section
5.1.1); each part's header block goes through the same splitter as the message header.
Content is transfer-decoded only to measure it (``decoded_size``, ``sha256``); base64 and
quoted-printable problems are recorded as defects. Embedded messages (``message/rfc822``,
``message/global``, ``text/rfc822-headers``) are parsed as :class:`Message` objects with their
own offsets. Depth and part count are capped by ``Policy.limits``.
"""

from __future__ import annotations

import binascii
import hashlib
import re
from typing import TYPE_CHECKING

from headerlens._text import ascii_digits
from headerlens.defects import Defect, DefectLog
from headerlens.message import HeaderField, MimePart
from headerlens.parse._fast import fast_constructor
from headerlens.parse._scan import read_quoted
from headerlens.parse.encoded_words import decode_charset, decode_encoded_words
from headerlens.parse.headers import split_headers, unfolded_body
from headerlens.policy import Limits, Policy

if TYPE_CHECKING:
    from headerlens.message import Intake, Message

__all__ = [
    "build_mime",
    "decode_content",
    "decode_quoted_printable",
    "parse_content_type",
    "parse_params",
]

_new_part = fast_constructor(MimePart)
_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_WS = b" \t\r\n"
_NOT_B64 = bytes(c for c in range(256) if c not in _B64 + b"=")
_HEX = frozenset(b"0123456789ABCDEFabcdef")
_KNOWN_CTE = frozenset({"7bit", "8bit", "binary", "base64", "quoted-printable"})
_IDENTITY_CTE = frozenset({"7bit", "8bit", "binary"})
_EMBEDDED = frozenset({"message/rfc822", "message/global", "text/rfc822-headers"})
_TSPECIALS = frozenset('()<>@,;:\\"/[]?= \t')

Problem = tuple[str, str]


# --- parameters (RFC 2045 section 5.1, RFC 2231) ------------------------------------------


def _scan_params(text: str, pos: int, problems: list[Problem]) -> list[tuple[str, str, bool]]:
    """``; name=value`` pairs from ``text[pos:]``: (lower name, value, was quoted)."""
    out: list[tuple[str, str, bool]] = []
    n = len(text)
    i = pos
    while i < n:
        c = text[i]
        if c in " \t\r\n;":
            i += 1
            continue
        if c == "(":  # comment (RFC 2045 allows CFWS); skip, nesting respected
            depth = 0
            while i < n:
                if text[i] == "\\":
                    i += 2
                    continue
                if text[i] == "(":
                    depth += 1
                elif text[i] == ")":
                    depth -= 1
                    if depth == 0:
                        i += 1
                        break
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


def _pct_decode(text: str) -> bytes:
    raw = text.encode("utf-8", "surrogateescape")
    if b"%" not in raw:
        return raw
    out = bytearray()
    i = 0
    n = len(raw)
    while i < n:
        j = raw.find(b"%", i)
        if j == -1:
            out += raw[i:]
            break
        out += raw[i:j]
        pair = raw[j + 1 : j + 3]
        if len(pair) == 2 and pair[0] in _HEX and pair[1] in _HEX:
            out.append(int(pair, 16))
            i = j + 3
        else:
            out.append(0x25)
            i = j + 1
    return bytes(out)


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
    semi = text.find(";")
    head = (text if semi == -1 else text[:semi]).strip()
    # Drop a trailing comment: "text/plain (plain text)".
    paren = head.find("(")
    if paren != -1:
        head = head[:paren].strip()
    params, problems = parse_params(text, semi + 1) if semi != -1 else ((), [])
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


# --- transfer decoding (RFC 2045 section 6) -----------------------------------------------


def _decode_base64(data: bytes) -> tuple[bytes | None, list[Problem]]:
    problems: list[Problem] = []
    compact = data.translate(None, _B64_WS)
    stray = compact.translate(None, _B64 + b"=")
    if stray:
        problems.append(("mime.base64_characters", f"{len(stray)} bytes outside the alphabet"))
        compact = compact.translate(None, _NOT_B64)
    body = compact.rstrip(b"=")
    if b"=" in body:
        # Concatenated base64 blocks: decode each padded block in turn.
        out = bytearray()
        for block in compact.replace(b"=", b"= ").split():
            stripped = block.rstrip(b"=")
            if len(stripped) % 4 == 1:
                problems.append(("mime.base64_length", "a block has one character left over"))
                return None, problems
            if stripped:
                pad = (-len(stripped)) % 4
                out += binascii.a2b_base64(stripped + b"=" * pad)
        return bytes(out), problems
    rem = len(body) % 4
    if rem == 1:
        problems.append(("mime.base64_length", "one character left over"))
        return None, problems
    pad = (-len(body)) % 4
    if len(compact) - len(body) < pad:
        problems.append(("mime.base64_padding", "missing '=' padding"))
    return binascii.a2b_base64(body + b"=" * pad), problems


def _check_qp(data: bytes) -> list[Problem]:
    n = len(data)
    i = data.find(b"=")
    while i != -1:
        nxt = data[i + 1 : i + 3]
        if len(nxt) == 2 and nxt[0] in _HEX and nxt[1] in _HEX:
            pass
        else:
            # Soft line break: "=" then optional white space then a line end or the end.
            j = i + 1
            while j < n and data[j] in b" \t":
                j += 1
            if j < n and data[j] not in b"\r\n":
                return [("mime.quoted_printable_invalid", f"'=' at offset {i} is not an escape")]
        i = data.find(b"=", i + 1)
    return []


# A soft line break ("=" at the end of an encoded line, RFC 2045 section 6.7 rule 5) ended
# by a bare CR: binascii.a2b_qp looks for the LF of a CRLF and would drop everything after.
_SOFT_BREAK_CR = re.compile(rb"=\r(?!\n)")


def decode_quoted_printable(data: bytes) -> bytes:
    """Quoted-printable decoding (RFC 2045 section 6.7) for any line ending: CRLF, LF or CR."""
    if b"=\r" in data:
        data = _SOFT_BREAK_CR.sub(b"", data)
    return binascii.a2b_qp(data)


def _decode(data: bytes, cte: str | None) -> tuple[bytes | None, list[Problem]]:
    if cte == "base64":
        return _decode_base64(data)
    if cte == "quoted-printable":
        return decode_quoted_printable(data), _check_qp(data)
    return data, []


def decode_content(data: bytes, cte: str | None) -> bytes | None:
    """``data`` with its Content-Transfer-Encoding undone (RFC 2045 section 6), or ``None``
    when it cannot be decoded."""
    return _decode(data, cte)[0]


# --- the tree -----------------------------------------------------------------------------


def _field(headers: tuple[HeaderField, ...] | list[HeaderField], lname: str) -> HeaderField | None:
    for h in headers:
        if h.name.lower() == lname:
            return h
    return None


class _Builder:
    def __init__(self, data: bytes, end: int, policy: Policy, depth: int) -> None:
        self.data = data
        self.end = end
        self.policy = policy
        self.limits: Limits = policy.limits
        self.log = DefectLog(strict=policy.strict)
        self.base_depth = depth
        self.parts = 0
        self.parts_capped = False
        #: The intake of a message whose body is a client's rendition (an Outlook item):
        #: messages embedded in it are renditions too.
        self.rendition: Intake | None = None

    def own(self, mark: int) -> tuple[Defect, ...]:
        return self.log.defects[mark:]

    def part(
        self,
        headers: tuple[HeaderField, ...],
        start: int,
        body_start: int,
        end: int,
        path: str,
        level: int,
        default_type: str,
        mark: int,
    ) -> MimePart:
        data = self.data
        log = self.log
        self.parts += 1
        ct_field = _field(headers, "content-type")
        params: tuple[tuple[str, str], ...] = ()
        ctype: str | None = None
        if ct_field is not None:
            ctype, params, problems = parse_content_type(unfolded_body(ct_field))
            for code, text in problems:
                log.add(code, text, ct_field.index)
            if ctype is None:
                log.add(
                    "mime.invalid_content_type",
                    f"Content-Type {ct_field.value!r} is not type/subtype",
                    ct_field.index,
                )
        if ctype is None:
            ctype = default_type
        pmap = dict(params)
        cte_field = _field(headers, "content-transfer-encoding")
        cte: str | None = None
        if cte_field is not None:
            cte = cte_field.value.strip().lower() or None
            if cte is not None and cte not in _KNOWN_CTE and not cte.startswith("x-"):
                log.add(
                    "mime.unknown_transfer_encoding",
                    f"unknown Content-Transfer-Encoding {cte_field.value!r}",
                    cte_field.index,
                )
        disp_field = _field(headers, "content-disposition")
        disposition: str | None = None
        dparams: dict[str, str] = {}
        if disp_field is not None:
            dtext = unfolded_body(disp_field)
            semi = dtext.find(";")
            disposition = (dtext if semi == -1 else dtext[:semi]).strip().lower() or None
            if semi != -1:
                dp, problems = parse_params(dtext, semi + 1)
                for code, text in problems:
                    log.add(code, text, disp_field.index)
                dparams = dict(dp)
        filename = dparams.get("filename") or pmap.get("name")
        children: tuple[MimePart, ...] = ()
        message: Message | None = None
        decoded_size: int | None = None
        sha256: str | None = None
        deferred: list[tuple[str, str]] = []

        is_multipart = ctype.startswith("multipart/")
        if is_multipart and level + self.base_depth >= self.limits.max_mime_depth:
            log.add(
                "limits.mime_depth",
                f"part {path or 'root'} is nested deeper than {self.limits.max_mime_depth}",
            )
            is_multipart = False
        if is_multipart:
            if cte is not None and cte not in _IDENTITY_CTE:
                log.add(
                    "mime.invalid_multipart_encoding",
                    f"multipart entity with Content-Transfer-Encoding {cte!r}",
                    cte_field.index if cte_field is not None else None,
                )
            boundary = pmap.get("boundary")
            if not boundary:
                log.add("mime.missing_boundary", f"{ctype} without a boundary parameter")
                is_multipart = False
            else:
                spans, closed = self._split(boundary.encode("utf-8", "replace"), body_start, end)
                if spans is None:
                    log.add(
                        "mime.start_boundary_not_found",
                        f"boundary {boundary!r} never occurs in the body",
                    )
                    is_multipart = False
                else:
                    if not closed:
                        # Recorded after the children so the part's own defects come first.
                        deferred.append(
                            (
                                "mime.close_boundary_not_found",
                                f"no closing boundary --{boundary}--; the body may be truncated",
                            )
                        )
                    own = self.own(mark)
                    kids: list[MimePart] = []
                    child_default = (
                        "message/rfc822" if ctype == "multipart/digest" else "text/plain"
                    )
                    for k, (ps, pe) in enumerate(spans):
                        if self.parts >= self.limits.max_mime_parts:
                            if not self.parts_capped:
                                self.parts_capped = True
                                deferred.insert(
                                    0,
                                    (
                                        "limits.mime_parts",
                                        f"more than {self.limits.max_mime_parts} MIME parts;"
                                        " the rest were not read",
                                    ),
                                )
                            break
                        cmark = len(log)
                        block = split_headers(data, ps, pe, log, self.limits, top=False)
                        cbody = block.body_start if block.body_start is not None else pe
                        kids.append(
                            self.part(
                                tuple(block.fields),
                                ps,
                                cbody,
                                pe,
                                f"{path}.{k + 1}" if path else str(k + 1),
                                level + 1,
                                child_default,
                                cmark,
                            )
                        )
                    children = tuple(kids)
                    mark2 = len(log)
                    for code, message_text in deferred:
                        log.add(code, message_text)
                    own = own + self.own(mark2)
                    return _new_part(
                        path=path,
                        content_type=ctype,
                        params=params,
                        charset=pmap.get("charset"),
                        transfer_encoding=cte,
                        disposition=disposition,
                        filename=filename,
                        start=start,
                        end=end,
                        decoded_size=None,
                        sha256=None,
                        headers=headers,
                        children=children,
                        message=None,
                        defects=own,
                    )
        # A leaf (or an embedded message): measure the decoded content.
        content, problems = _decode(data[body_start:end], cte)
        for code, message_text in problems:
            log.add(code, message_text)
        if content is not None:
            decoded_size = len(content)
            sha256 = hashlib.sha256(content).hexdigest()
        outlook = content is not None and _is_outlook_part(ctype, filename, content)
        eml = content is not None and _is_eml_part(ctype, filename, content)
        if (ctype in _EMBEDDED or outlook or eml) and content is not None:
            if level + self.base_depth + 1 > self.limits.max_mime_depth:
                log.add(
                    "limits.mime_depth",
                    f"embedded message in part {path or 'root'} is nested deeper than"
                    f" {self.limits.max_mime_depth}",
                )
            elif outlook:
                message = self._outlook(content, level)
            else:
                from headerlens.parse import parse_bytes

                # A message inside a rebuilt Outlook item is Outlook's rendition as well.
                message = parse_bytes(
                    content,
                    policy=self.policy,
                    depth=self.base_depth + level + 1,
                    form="msg" if self.rendition is not None else None,
                    intake=self.rendition,
                )
        return _new_part(
            path=path,
            content_type=ctype,
            params=params,
            charset=pmap.get("charset"),
            transfer_encoding=cte,
            disposition=disposition,
            filename=filename,
            start=start,
            end=end,
            decoded_size=decoded_size,
            sha256=sha256,
            headers=headers,
            children=(),
            message=message,
            defects=self.own(mark),
        )

    def _outlook(self, content: bytes, level: int) -> Message:
        """An attached Outlook ``.msg`` file, converted and parsed ([MS-OXMSG])."""
        from headerlens.message import Intake
        from headerlens.parse import parse_bytes
        from headerlens.parse.outlook import convert_msg

        conv = convert_msg(content, self.limits, depth=1)
        inner = parse_bytes(
            conv.data,
            policy=self.policy,
            depth=self.base_depth + level + 1,
            form="msg",
            intake=Intake(body_original=False, outlook=conv.item),
        )
        if conv.notes:
            notes = DefectLog(strict=self.policy.strict)
            for code, text in conv.notes:
                notes.add(code, text)
            inner = inner.model_copy(update={"defects": notes.defects + inner.defects})
        return inner

    def _split(
        self, boundary: bytes, start: int, end: int
    ) -> tuple[list[tuple[int, int]] | None, bool]:
        """Spans of the body parts between delimiter lines (RFC 2046 section 5.1.1).

        Returns ``(None, False)`` when no delimiter line occurs; the bool says whether the
        closing delimiter was found. A part ends before the line break that precedes the next
        delimiter (that break belongs to the delimiter).
        """
        data = self.data
        delim = b"--" + boundary
        dlen = len(delim)
        spans: list[tuple[int, int]] = []
        part_start = -1
        pos = start
        while True:
            i = data.find(delim, pos, end)
            if i == -1:
                break
            pos = i + dlen
            if i != start and data[i - 1] not in b"\r\n":
                continue
            after = i + dlen
            closing = data.startswith(b"--", after)
            j = after + 2 if closing else after
            # Transport padding: only white space may follow on the delimiter line.
            k = j
            while k < end and data[k] in b" \t":
                k += 1
            if k < end and data[k] not in b"\r\n" and not closing:
                continue
            if k < end and data[k] == 0x0D:
                k += 1
            if k < end and data[k] == 0x0A:
                k += 1
            if part_start >= 0:
                pe = i
                if pe > part_start and data[pe - 1] == 0x0A:
                    pe -= 1
                    if pe > part_start and data[pe - 1] == 0x0D:
                        pe -= 1
                elif pe > part_start and data[pe - 1] == 0x0D:
                    pe -= 1
                if pe > part_start:  # consecutive delimiter lines hold no part
                    spans.append((part_start, pe))
            if closing:
                if part_start < 0:  # a closing delimiter with no opening one
                    return None, False
                return spans, True
            part_start = k
            pos = k
        if part_start < 0:
            return None, False
        spans.append((part_start, end))
        return spans, False


# Outlook's own attachment type for a .msg file, and the generic types a .msg file is often
# sent with; the compound-file signature decides for the generic ones.
_OUTLOOK_TYPES = frozenset(("application/vnd.ms-outlook", "application/x-msg"))


def _is_outlook_part(ctype: str, filename: str | None, content: bytes) -> bool:
    from headerlens.parse.outlook import is_msg

    if not is_msg(content):
        return False
    if ctype in _OUTLOOK_TYPES:
        return True
    return ctype == "application/octet-stream" and (filename or "").lower().endswith(".msg")


_FIELD_START = re.compile(rb"[ \t\r\n]*+[A-Za-z0-9][A-Za-z0-9_.-]{0,75}[ \t]*:")


def _is_eml_part(ctype: str, filename: str | None, content: bytes) -> bool:
    """A saved message attached under a generic type (``application/octet-stream; name=
    "x.eml"``, as some clients and report buttons send it): parsed like message/rfc822."""
    if ctype not in ("application/octet-stream", "application/x-eml", "application/eml"):
        return False
    if not (filename or "").lower().endswith(".eml"):
        return False
    return content.startswith(b"From ") or _FIELD_START.match(content[:200]) is not None


def build_mime(message: Message) -> MimePart | None:
    """The MIME tree of ``message`` (RFC 2045/2046), or ``None`` for a header-only paste.

    Each :class:`MimePart` carries its headers, content type and parameters (RFC 2231
    decoded), charset, transfer encoding, disposition and filename (RFC 2183), byte offsets in
    the message source, decoded size and SHA-256; embedded messages are parsed recursively up to
    ``Policy.limits.max_mime_depth``. Defects are recorded per part (raised under ``strict``).
    """
    if message.header_only or message.body_start is None:
        return None
    data = message.source
    policy = message._policy if isinstance(message._policy, Policy) else Policy()
    end = min(len(data), policy.limits.max_input_bytes)
    builder = _Builder(data, end, policy, message._mime_depth)
    if message.intake is not None and not message.intake.body_original:
        from headerlens.message import Intake

        builder.rendition = Intake(body_original=False)
    return builder.part(
        message.headers, 0, message.body_start, end, "", 0, "text/plain", len(builder.log)
    )
