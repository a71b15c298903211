"""The MIME tree of a message (RFC 2045, 2046, 2183, 2231), built on first use of ``.mime``.

Multipart bodies are split on delimiter lines found with ``bytes.find`` (RFC 2046 section
5.1.1); each part's header block goes through the same splitter as the message header.
Content is transfer-decoded only to measure it (``decoded_size``, ``sha256``; in bounded memory
by :mod:`headerlens.parse._transfer` unless the part may hold a message); base64 and
quoted-printable problems are recorded as defects. Embedded messages (``message/rfc822``,
``message/global``, ``text/rfc822-headers``) are parsed as :class:`Message` objects with their
own offsets. Depth and part count are capped by ``Policy.limits``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from headerlens._model import fast_constructor
from headerlens.defects import Defect, DefectLog
from headerlens.message import HeaderField, Intake, MimePart
from headerlens.parse._transfer import decode, decode_content, decode_quoted_printable, measure
from headerlens.parse.headers import split_headers, unfolded_body
from headerlens.parse.outlook import convert_msg, is_msg
from headerlens.parse.params import parse_content_type, parse_disposition
from headerlens.policy import Limits, Policy

if TYPE_CHECKING:
    from headerlens.message import InputForm, Message

__all__ = ["ParseEmbedded", "build_mime", "decode_content", "decode_quoted_printable"]

_new_part = fast_constructor(MimePart)
_KNOWN_CTE = frozenset({"7bit", "8bit", "binary", "base64", "quoted-printable"})
_IDENTITY_CTE = frozenset({"7bit", "8bit", "binary"})
_EMBEDDED = frozenset({"message/rfc822", "message/global", "text/rfc822-headers"})


# --- the tree -----------------------------------------------------------------------------


def _field(headers: tuple[HeaderField, ...] | list[HeaderField], lname: str) -> HeaderField | None:
    for h in headers:
        if h.name.lower() == lname:
            return h
    return None


class ParseEmbedded(Protocol):
    """How the tree builder parses an embedded message (``headerlens.parse.parse_bytes``)."""

    def __call__(
        self,
        data: bytes,
        *,
        policy: Policy | None = None,
        depth: int = 0,
        form: InputForm | None = None,
        intake: Intake | None = None,
    ) -> Message: ...


@dataclass
class _Head:
    """What a part's header fields say: its type and parameters, its transfer encoding (and
    the index of that field), its disposition and file name."""

    ctype: str
    params: tuple[tuple[str, str], ...]
    pmap: dict[str, str]
    cte: str | None
    cte_index: int | None
    disposition: str | None
    filename: str | None


class _Builder:
    def __init__(
        self, data: bytes, end: int, policy: Policy, depth: int, parse_embedded: ParseEmbedded
    ) -> None:
        self.data = data
        self.parse_embedded = parse_embedded
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
        """The part ``data[start:end]`` (body from ``body_start``) and everything below it;
        ``mark`` is where its own defects start in the log."""
        self.parts += 1
        head = self._head(headers, default_type)
        tree = None
        if head.ctype.startswith("multipart/"):
            tree = self._multipart(head, body_start, end, path, level, mark)
        if tree is not None:
            children, defects = tree
            decoded_size = sha256 = None
            message = None
        else:
            children = ()
            decoded_size, sha256, message = self._leaf(head, body_start, end, path, level)
            defects = self.own(mark)
        return _new_part(
            path=path,
            content_type=head.ctype,
            params=head.params,
            charset=head.pmap.get("charset"),
            transfer_encoding=head.cte,
            disposition=head.disposition,
            filename=head.filename,
            start=start,
            end=end,
            decoded_size=decoded_size,
            sha256=sha256,
            headers=headers,
            children=children,
            message=message,
            defects=defects,
        )

    def _head(self, headers: tuple[HeaderField, ...], default_type: str) -> _Head:
        """What the part's header fields say (RFC 2045 sections 5 and 6, RFC 2183)."""
        log = self.log
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
            disposition, dp, problems = parse_disposition(unfolded_body(disp_field))
            dparams = dict(dp)
            for code, text in problems:
                log.add(code, text, disp_field.index)
        return _Head(
            ctype=ctype or default_type,
            params=params,
            pmap=pmap,
            cte=cte,
            cte_index=cte_field.index if cte_field is not None else None,
            disposition=disposition,
            filename=dparams.get("filename") or pmap.get("name"),
        )

    def _multipart(
        self, head: _Head, body_start: int, end: int, path: str, level: int, mark: int
    ) -> tuple[tuple[MimePart, ...], tuple[Defect, ...]] | None:
        """The children of a multipart entity (RFC 2046 section 5.1) and the part's own
        defects, or ``None`` when it cannot be read as one (then it is a leaf)."""
        log = self.log
        limits = self.limits
        if level + self.base_depth >= limits.max_mime_depth:
            log.add(
                "limits.mime_depth",
                f"part {path or 'root'} is nested deeper than {limits.max_mime_depth}",
            )
            return None
        if head.cte is not None and head.cte not in _IDENTITY_CTE:
            log.add(
                "mime.invalid_multipart_encoding",
                f"multipart entity with Content-Transfer-Encoding {head.cte!r}",
                head.cte_index,
            )
        boundary = head.pmap.get("boundary")
        if not boundary:
            log.add("mime.missing_boundary", f"{head.ctype} without a boundary parameter")
            return None
        spans, closed = self._split(boundary.encode("utf-8", "replace"), body_start, end)
        if spans is None:
            log.add(
                "mime.start_boundary_not_found", f"boundary {boundary!r} never occurs in the body"
            )
            return None
        # Recorded after the children, so that the part's own defects come first.
        deferred: list[tuple[str, str]] = []
        if not closed:
            deferred.append(
                (
                    "mime.close_boundary_not_found",
                    f"no closing boundary --{boundary}--; the body may be truncated",
                )
            )
        own = self.own(mark)
        kids: list[MimePart] = []
        child_default = "message/rfc822" if head.ctype == "multipart/digest" else "text/plain"
        for k, (ps, pe) in enumerate(spans):
            if self.parts >= limits.max_mime_parts:
                if not self.parts_capped:
                    self.parts_capped = True
                    deferred.insert(
                        0,
                        (
                            "limits.mime_parts",
                            f"more than {limits.max_mime_parts} MIME parts; the rest were not read",
                        ),
                    )
                break
            cmark = len(log)
            block = split_headers(self.data, ps, pe, log, limits, top=False)
            cbody = block.body_start if block.body_start is not None else pe
            kid_path = f"{path}.{k + 1}" if path else str(k + 1)
            kids.append(
                self.part(
                    tuple(block.fields), ps, cbody, pe, kid_path, level + 1, child_default, cmark
                )
            )
        mark2 = len(log)
        for code, message_text in deferred:
            log.add(code, message_text)
        return tuple(kids), own + self.own(mark2)

    def _leaf(
        self, head: _Head, body_start: int, end: int, path: str, level: int
    ) -> tuple[int | None, str | None, Message | None]:
        """A leaf's decoded size and SHA-256, and the message it holds, if any (an embedded
        message, an attached Outlook item or saved .eml), parsed."""
        log = self.log
        ctype = head.ctype
        decoded_size: int | None = None
        sha256: str | None = None
        message: Message | None = None
        # A part that may be a message to parse (an embedded message, an attached Outlook item
        # or saved .eml) is decoded whole; any other is measured slice by slice, in bounded
        # memory (a 50 MB attachment costs a few MB, not copies of itself).
        content: bytes | None = None
        filename = head.filename
        if ctype in _EMBEDDED or _may_be_outlook(ctype, filename) or _may_be_eml(ctype, filename):
            content, problems = decode(self.data[body_start:end], head.cte)
            if content is not None:
                decoded_size = len(content)
                sha256 = hashlib.sha256(content).hexdigest()
        else:
            decoded_size, sha256, problems = measure(self.data, body_start, end, head.cte)
        for code, message_text in problems:
            log.add(code, message_text)
        outlook = content is not None and _is_outlook_part(ctype, head.filename, content)
        eml = content is not None and _is_eml_part(ctype, head.filename, content)
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
                # A message inside a rebuilt Outlook item is Outlook's rendition as well.
                message = self.parse_embedded(
                    content,
                    policy=self.policy,
                    depth=self.base_depth + level + 1,
                    form="msg" if self.rendition is not None else None,
                    intake=self.rendition,
                )
        return decoded_size, sha256, message

    def _outlook(self, content: bytes, level: int) -> Message:
        """An attached Outlook ``.msg`` file, converted and parsed ([MS-OXMSG])."""
        conv = convert_msg(content, self.limits, depth=1)
        inner = self.parse_embedded(
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


def _may_be_outlook(ctype: str, filename: str | None) -> bool:
    """Whether the type and name allow an attached Outlook item (its content then decides)."""
    if ctype in _OUTLOOK_TYPES:
        return True
    return ctype == "application/octet-stream" and (filename or "").lower().endswith(".msg")


def _is_outlook_part(ctype: str, filename: str | None, content: bytes) -> bool:
    return _may_be_outlook(ctype, filename) and is_msg(content)


_FIELD_START = re.compile(rb"[ \t\r\n]*+[A-Za-z0-9][A-Za-z0-9_.-]{0,75}[ \t]*:")


def _may_be_eml(ctype: str, filename: str | None) -> bool:
    """Whether the type and name allow a saved message (its content then decides)."""
    if ctype not in ("application/octet-stream", "application/x-eml", "application/eml"):
        return False
    return (filename or "").lower().endswith(".eml")


def _is_eml_part(ctype: str, filename: str | None, content: bytes) -> bool:
    """A saved message attached under a generic type (``application/octet-stream; name=
    "x.eml"``, as some clients and report buttons send it): parsed like message/rfc822."""
    if not _may_be_eml(ctype, filename):
        return False
    return content.startswith(b"From ") or _FIELD_START.match(content[:200]) is not None


def build_mime(
    message: Message, policy: Policy, depth: int, parse_embedded: ParseEmbedded
) -> MimePart | None:
    """The MIME tree of ``message`` (RFC 2045/2046), or ``None`` for a header-only paste.

    Each :class:`MimePart` carries its headers, content type and parameters (RFC 2231
    decoded), charset, transfer encoding, disposition and filename (RFC 2183), byte offsets in
    the message source, decoded size and SHA-256; embedded messages are parsed by
    ``parse_embedded`` up to ``Policy.limits.max_mime_depth`` (``depth`` is the message's own
    nesting level). Defects are recorded per part (raised under ``strict``).
    """
    if message.header_only or message.body_start is None:
        return None
    data = message.source
    end = min(len(data), policy.limits.max_input_bytes)
    builder = _Builder(data, end, policy, depth, parse_embedded)
    if message.intake is not None and not message.intake.body_original:
        builder.rendition = Intake(body_original=False)
    return builder.part(
        message.headers, 0, message.body_start, end, "", 0, "text/plain", len(builder.log)
    )
