"""Splitting a header block into fields with exact byte offsets (RFC 5322 section 2.2).

One pass over the bytes: ``bytes.find`` locates line ends (LF, CRLF or a bare CR, mixed freely),
each line is classified once (field start, continuation, blank, or not a header), and a field is
built when the next one starts. Work per field is a decode, a slice and a strip; RFC 2047
decoding runs only when ``=?`` occurs. See ``docs/parsing.md`` for the rules on pastes.
"""

from __future__ import annotations

from dataclasses import dataclass

from headerlens._model import fast_constructor
from headerlens.defects import Defect, DefectLog
from headerlens.message import HeaderField
from headerlens.parse.encoded_words import decode_encoded_words
from headerlens.policy import Limits

__all__ = ["HeaderBlock", "split_headers"]

# RFC 5322 section 3.6.8: ftext is printable US-ASCII except ":"; deleting the allowed bytes
# from a name leaves something only when the name is invalid.
_FTEXT = bytes(c for c in range(33, 127) if c != 0x3A)
_WS = b" \t"
_LEADING_JUNK_LINES = 20  # lines of non-header text skipped before the first field

_new_field = fast_constructor(HeaderField)


@dataclass
class HeaderBlock:
    """The result of :func:`split_headers`."""

    fields: list[HeaderField]
    body_start: int | None
    mbox_from: str | None
    singleton_counts: dict[bytes, int]


def _decode(raw: bytes) -> tuple[str, bool]:
    """UTF-8 (RFC 6532) where valid, else Latin-1 so every byte survives; ``True`` = Latin-1."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("latin-1"), True


def _has_blank_line(data: bytes, pos: int, end: int) -> bool:
    """Whether an empty line occurs in ``data[pos:end]`` (any line-end convention)."""
    return any(data.find(sep, pos, end) != -1 for sep in (b"\n\n", b"\n\r\n", b"\r\r"))


def _field(data: bytes, span: list[int], index: int, log: DefectLog, max_field: int) -> HeaderField:
    """Build one :class:`HeaderField` from ``span`` (see :func:`split_headers`)."""
    start, colon, end, lines, unindented = span
    raw_b = data[start:end]
    try:
        raw = raw_b.decode("utf-8")
        latin = False
    except UnicodeDecodeError:
        raw = raw_b.decode("latin-1")
        latin = True
    name_len = colon - start
    name = raw[:name_len].rstrip(" \t")
    body = raw[name_len + 1 :]
    fdefects: list[Defect] | None = None
    if latin or len(raw_b) > max_field:
        fdefects = []
        if latin:
            fdefects.append(
                log.add(
                    "header.non_utf8",
                    f"{name} holds 8-bit bytes that are not UTF-8; read as Latin-1",
                    index,
                )
            )
        if len(raw_b) > max_field:
            fdefects.append(
                log.add(
                    "limits.header_bytes",
                    f"{name} is {len(raw_b)} bytes (cap {max_field}); its value was cut",
                    index,
                )
            )
            body = body[:max_field]
    if lines > 1:
        if unindented:
            parts = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            body = parts[0] + "".join(p if p[:1] in (" ", "\t") else " " + p for p in parts[1:])
        else:
            # Unfolding (RFC 5322 section 2.2.3): drop the line breaks, keep the white space.
            body = body.replace("\r", "").replace("\n", "")
    value = body.strip(" \t\r\n")
    if "=?" in value:
        value, problems = decode_encoded_words(value)
        for code, message in problems:
            if fdefects is None:
                fdefects = []
            fdefects.append(log.add(code, f"{name}: {message}", index))
    return _new_field(
        index=index,
        name=name,
        raw=raw,
        value=value,
        start=start,
        end=end,
        raw_encoding="latin-1" if latin else "utf-8",
        defects=tuple(fdefects) if fdefects else (),
    )


def _preamble(data: bytes, pos: int, end: int, log: DefectLog) -> tuple[int, str | None, bool]:
    """Skip what may come before a whole message's first field: blank lines or white space
    (pastes), then an mbox ``From `` line. Returns where the fields start, the ``From `` line
    and whether the first line was indented."""
    mbox_from: str | None = None
    p = pos
    while p < end and data[p] in b" \t\r\n":
        p += 1
    first_indented = False
    if p > pos:
        first_indented = p < end and data[p - 1] in _WS
        if first_indented:
            log.add(
                "header.first_line_indented",
                "the first line starts with white space; it was read as if it did not",
            )
        elif p < end:
            log.add("header.leading_blank_lines", "blank lines before the first header field")
        pos = p
    if data.startswith(b"From ", pos):
        nl = data.find(b"\n", pos, end)
        cr = data.find(b"\r", pos, end if nl == -1 else nl)
        line_end = end if nl == -1 else nl + 1
        content_end = end if nl == -1 else nl
        if cr != -1:
            content_end = cr
            if cr + 1 != nl:
                line_end = cr + 1
        mbox_from = _decode(data[pos:content_end])[0]
        pos = line_end
    return pos, mbox_from, first_indented


class _OddLines:
    """What to do with a line that is neither a field nor a continuation (rare): skipped
    before the first field of a whole message, joined to the field above in a header-only
    paste, or the end of the header block."""

    def __init__(
        self, data: bytes, pos: int, end: int, log: DefectLog, top: bool, first_indented: bool
    ) -> None:
        self.data = data
        self.first_pos = pos
        self.end = end
        self.log = log
        self.top = top
        self.first_indented = first_indented
        self.junk = 0
        self.blank_after: bool | None = None

    def line(
        self,
        pos: int,
        content_end: int,
        line_end: int,
        seen_field: bool,
        field: list[int] | None,
        index: int,
    ) -> int | None:
        """Where the body starts, or ``None`` to read on (``field``, the one being collected
        with header index ``index``, may take the line)."""
        log = self.log
        data = self.data
        if not seen_field and self.top:
            if self.junk >= _LEADING_JUNK_LINES:
                log.add("header.no_header_block", "no header field found at the start")
                return self.first_pos
            if self.junk == 0 and not self.first_indented:
                # (An indented first line that is not a field was reported by _preamble.)
                log.add(
                    "header.leading_junk",
                    "text before the first header field was skipped: "
                    f"{data[pos:content_end][:60]!r}",
                )
            self.junk += 1
            return None
        if self.top and field is not None:
            if self.blank_after is None:
                self.blank_after = _has_blank_line(data, pos, self.end)
            if not self.blank_after:
                # A header-only paste (no body anywhere after): the line lost its indentation
                # when copied; keep it as part of the field above.
                if not field[4]:
                    log.add(
                        "header.unindented_continuation",
                        "a line without a field name inside a header-only paste was joined"
                        " to the field above",
                        index,
                    )
                field[2] = line_end
                field[3] += 1
                field[4] = 1
                return None
        log.add(
            "header.missing_separator",
            f"a line that is not a header field ends the header block: "
            f"{data[pos:content_end][:60]!r}",
        )
        return pos


def split_headers(
    data: bytes,
    start: int,
    end: int,
    log: DefectLog,
    limits: Limits,
    *,
    top: bool,
) -> HeaderBlock:
    """Split the header block of ``data[start:end]`` into :class:`HeaderField` objects.

    ``top`` is true for a whole message (mbox ``From `` line, leading blank lines and leading
    junk are accepted, and a header-only paste may have lines whose indentation was lost);
    false for a MIME part header, where a non-header line ends the block as RFC 2046 readers
    do. Offsets are absolute positions in ``data``. Defects go through ``log``.
    """
    pos, mbox_from, first_indented = (
        _preamble(data, start, end, log) if top else (start, None, False)
    )
    odd = _OddLines(data, pos, end, log, top, first_indented)
    max_count = limits.max_header_count
    max_field = limits.max_header_bytes
    block_limit = pos + limits.max_header_block_bytes
    capped = False
    fields: list[HeaderField] = []
    counts: dict[bytes, int] = {}
    # The field being collected: [first byte, colon, end of its last line, lines, whether a
    # line lost its indentation (0/1)].
    field: list[int] | None = None
    body_start: int | None = None
    find = data.find
    next_nl = find(b"\n", pos, end)
    next_cr = find(b"\r", pos, end)
    while pos < end:
        # Locate the end of this line (LF, CRLF or a bare CR); the cached positions keep the
        # scan linear.
        if next_nl != -1 and next_nl < pos:
            next_nl = find(b"\n", pos, end)
        if next_cr != -1 and next_cr < pos:
            next_cr = find(b"\r", pos, end)
        if next_cr != -1 and (next_nl == -1 or next_cr < next_nl - 1):
            content_end = next_cr  # a bare CR ends the line
            line_end = next_cr + 1
        elif next_nl != -1:
            line_end = next_nl + 1
            content_end = next_nl - 1 if next_cr == next_nl - 1 else next_nl
        else:
            line_end = content_end = end

        if content_end == pos:  # empty line: the header block ends (RFC 5322 section 2.1)
            body_start = line_end
            break
        first = data[pos]
        if first == 0x20 or first == 0x09:  # continuation line (folding, section 2.2.3)
            if field is not None:
                field[2] = line_end
                field[3] += 1
            pos = line_end
            continue
        colon = find(b":", pos, content_end)
        name_b = data[pos:colon].rstrip(_WS) if colon > pos else b""
        if not name_b or name_b.translate(None, _FTEXT):  # not a field line
            seen = capped or field is not None or bool(fields)
            body_start = odd.line(pos, content_end, line_end, seen, field, len(fields))
            if body_start is not None:
                break
            pos = line_end
            continue
        if field is not None:
            fields.append(_field(data, field, len(fields), log, max_field))
            field = None
        if capped:
            pass
        elif len(fields) >= max_count:
            log.add(
                "limits.header_count",
                f"more than {max_count} header fields; the rest were not read",
            )
            capped = True
        elif line_end > block_limit:
            log.add(
                "limits.header_block_bytes",
                f"header block longer than {limits.max_header_block_bytes} bytes;"
                " the rest was not read",
            )
            capped = True
        else:
            field = [pos, colon, line_end, 1, 0]
            lname = name_b.lower()
            if lname in _SINGLETONS:
                counts[lname] = counts.get(lname, 0) + 1
        pos = line_end
    if field is not None:
        fields.append(_field(data, field, len(fields), log, max_field))
    return HeaderBlock(fields, body_start, mbox_from, counts)


_SINGLETONS = frozenset(
    {
        b"date",
        b"from",
        b"sender",
        b"reply-to",
        b"to",
        b"cc",
        b"bcc",
        b"message-id",
        b"in-reply-to",
        b"references",
        b"subject",
    }
)


def unfolded_body(field: HeaderField) -> str:
    """The field body unfolded and stripped but *not* RFC 2047 decoded.

    Structured fields (addresses, MIME parameters) should be tokenized from this text, so that
    an encoded comma, quote or angle bracket cannot change their structure; the scanners then
    decode encoded words inside display names and parameter values themselves.
    """
    raw = field.raw
    colon = raw.find(":")
    body = raw[colon + 1 :]
    if "\n" in body.rstrip("\r\n") or "\r" in body.rstrip("\r\n"):
        parts = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        body = parts[0] + "".join(p if p[:1] in (" ", "\t") else " " + p for p in parts[1:])
    return body.strip(" \t\r\n")
