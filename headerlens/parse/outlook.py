"""Outlook ``.msg`` files ([MS-OXMSG]) turned into RFC 5322 bytes.

A ``.msg`` file is a Compound File Binary container ([MS-CFB]; read with ``olefile``) whose
streams hold the MAPI properties of one Outlook item ([MS-OXMSG] section 2.1, property names
from [MS-OXPROPS]). It is not the message that travelled: Outlook keeps the header block it
arrived with (``PidTagTransportMessageHeaders``, 0x007D) and its own renditions of the body
(plain text 0x1000, HTML 0x1013, compressed RTF 0x1009) and attachments.

:func:`convert_msg` returns RFC 5322 bytes: the transport header block exactly as stored (so
the hop chain, Authentication-Results, ARC seals and DKIM header signatures read as from the
original), followed by a body rebuilt from the properties in the shape the header's
Content-Type declares (the original boundary is reused, so the MIME tree parses). The body is
Outlook's rendition, never the original bytes: :class:`~headerlens.message.Intake` says so
(``body_original=False``) and DKIM/ARC report body hashes as not verifiable. An item without
transport headers (a draft, a sent item, some internal Exchange mail) gets header fields built
from its properties, and the defect ``msg.no_transport_headers`` says none of them is
transport evidence. Embedded messages (attachment method 5) become ``message/rfc822`` parts,
converted in turn.

Hostile input: every stream read counts against a budget tied to the input size, embedded
items are capped by ``Limits.max_attached_depth`` and attachments by ``Limits.max_mime_parts``;
a file olefile cannot read gives an empty message with the defect ``msg.unreadable``.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from headerlens.defects import DefectLog
from headerlens.message import HeaderField, OutlookItem
from headerlens.parse._msg_storage import (
    ATTACH,
    ATTACH_CONTENT_ID,
    ATTACH_DATA,
    ATTACH_FILENAME,
    ATTACH_LONG_FILENAME,
    ATTACH_METHOD,
    ATTACH_MIME_TAG,
    BODY,
    CFB_SIGNATURE,
    CLIENT_SUBMIT_TIME,
    DELIVERY_TIME,
    DISPLAY_NAME,
    EMAIL_ADDRESS,
    HTML,
    IN_REPLY_TO,
    INTERNET_CPID,
    INTERNET_MESSAGE_ID,
    MESSAGE_CLASS,
    PT_OBJECT,
    PT_UNICODE,
    RECIP,
    RECIPIENT_TYPE,
    REFERENCES,
    RTF_COMPRESSED,
    SENDER_EMAIL,
    SENDER_NAME,
    SENDER_SMTP,
    SENT_REPR_EMAIL,
    SENT_REPR_NAME,
    SENT_REPR_SMTP,
    SMTP_ADDRESS,
    SUBJECT,
    TRANSPORT_HEADERS,
    Budget,
    Storage,
    codec,
    is_msg,
)
from headerlens.parse.headers import split_headers
from headerlens.parse.params import parse_content_type
from headerlens.parse.paste import join_header_groups

if TYPE_CHECKING:
    from headerlens.policy import Limits

__all__ = ["CFB_SIGNATURE", "MsgConversion", "convert_msg", "is_msg"]


@dataclass(frozen=True, slots=True)
class _Attachment:
    kind: str  # "file" or "message"
    mime: str
    filename: str
    cid: str
    data: bytes


@dataclass
class MsgConversion:
    """The RFC 5322 bytes of a ``.msg`` item, what the item said about itself, and notes
    ``(defect code, message)`` about the conversion."""

    data: bytes
    item: OutlookItem
    notes: list[tuple[str, str]] = field(default_factory=list)


def convert_msg(data: bytes, limits: Limits, *, depth: int = 0) -> MsgConversion:
    """Turn the bytes of an Outlook ``.msg`` file into RFC 5322 bytes (see the module text).

    Never raises: a file that cannot be read gives empty bytes and the ``msg.unreadable``
    note. ``depth`` is the nesting level of the item (embedded items count from 1).
    """
    import olefile

    budget = Budget(max(4 * len(data), 1 << 20))
    try:
        # Always a file object: olefile takes short bytes for a file *name*.
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            root = Storage.open(ole, ole.root, [], budget, 32)
            return _Converter(limits).convert(root, depth)
    except Exception as exc:
        return MsgConversion(
            data=b"",
            item=OutlookItem(),
            notes=[("msg.unreadable", f"the Outlook .msg file cannot be read: {exc}")],
        )


def _first(fields: list[HeaderField], lname: str) -> str | None:
    """The value of the topmost field called ``lname`` (lower case), or ``None``."""
    return next((f.value for f in fields if f.name.lower() == lname), None)


def _header_block(text: str) -> tuple[bytes, int]:
    """The header block of stored transport headers, and how many lines were dropped.

    Exchange stores the block as received; some versions put a "Microsoft Mail Internet
    Headers Version 2.0" line first, separate groups of fields by blank lines, or keep the
    first MIME part's boundary line after the block. Only header fields are kept.
    """
    block, dropped = join_header_groups(text.encode("utf-8", "surrogatepass"))
    return block, dropped


def _encode_text(text: str, charset: str | None) -> tuple[bytes, str]:
    if charset:
        try:
            return text.encode(charset), charset
        except (LookupError, UnicodeEncodeError):
            pass
    return text.encode("utf-8"), "utf-8"


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")


def _filename_params(name: str) -> str:
    if name.isascii():
        return f'filename="{_quote(name)}"'
    from urllib.parse import quote

    return "filename*=utf-8''" + quote(name, safe="")


class _Converter:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.notes: list[tuple[str, str]] = []
        self.parts = 0
        self.items = 0  # items given synthesized headers: each gets its own boundary

    def convert(self, st: Storage, depth: int) -> MsgConversion:
        data, item = self._item(st, depth)
        return MsgConversion(data=data, item=item, notes=self.notes)

    def _item(self, st: Storage, depth: int) -> tuple[bytes, OutlookItem]:
        transport = st.text(TRANSPORT_HEADERS)
        html_raw = st.binary(HTML)
        if html_raw is not None and st.props.get(HTML, (0,))[0] == PT_UNICODE:
            html: str | None = html_raw.decode("utf-16-le", "replace").rstrip("\x00")
        elif html_raw is not None:
            cp = st.integer(INTERNET_CPID)
            html = html_raw.decode(codec(cp if cp is not None else st.codepage), "replace")
            html = html.rstrip("\x00")
        else:
            html = None
        plain = st.text(BODY)
        forms = tuple(
            name
            for name, present in (
                ("text", plain is not None),
                ("html", html is not None),
                ("rtf", RTF_COMPRESSED in st.props),
            )
            if present
        )
        sender = self._sender(st)
        attachments, embedded = self._attachments(st, depth)
        item = OutlookItem(
            message_class=st.text(MESSAGE_CLASS),
            transport_headers=bool(transport and transport.strip()),
            subject=st.text(SUBJECT),
            sender=sender,
            submitted=st.time(CLIENT_SUBMIT_TIME),
            delivered=st.time(DELIVERY_TIME),
            attachments=sum(1 for a in attachments if a.kind != "message"),
            embedded_messages=embedded,
            body_forms=forms,
            codepage=st.codepage,
        )
        if transport and transport.strip():
            block, _dropped = _header_block(transport)
        else:
            block = b""
        if not block:
            what = item.message_class or "item"
            where = "the Outlook" if depth == 0 else f"an embedded (level {depth}) Outlook"
            self.notes.append(
                (
                    "msg.no_transport_headers",
                    f"{where} {what} holds no transport headers (a draft, a sent item or"
                    " internal mail): its header fields were rebuilt from Outlook properties"
                    " and are not evidence of how it travelled",
                )
            )
            block = self._synthesized_headers(st, item)
        if not block.endswith(b"\n"):
            block += b"\r\n"
        # The Content-Type the header declares decides the shape of the rebuilt body.
        ctype, params, cte = None, {}, None
        whole = block + b"\r\n"  # the header block and the empty line that ends it
        head = split_headers(whole, 0, len(whole), DefectLog(), self.limits, top=True).fields
        ct_value = _first(head, "content-type")
        if ct_value is not None:
            parsed_type, parsed_params, _problems = parse_content_type(ct_value)
            ctype, params = parsed_type, dict(parsed_params)
        cte_value = _first(head, "content-transfer-encoding")
        if cte_value is not None:
            cte = cte_value.strip().lower()
        body = self._body(ctype, params, cte, plain, html, attachments)
        return block + b"\r\n" + body, item

    def _sender(self, st: Storage) -> str | None:
        name = st.text(SENT_REPR_NAME) or st.text(SENDER_NAME)
        addr = (
            st.text(SENT_REPR_SMTP)
            or st.text(SENDER_SMTP)
            or st.text(SENT_REPR_EMAIL)
            or st.text(SENDER_EMAIL)
        )
        if addr and "@" not in addr:
            addr = None  # an Exchange X.500 address ("/O=ORG/OU=...") is no mailbox
        if name and addr:
            return f'"{_quote(name)}" <{addr}>' if name != addr else f"<{addr}>"
        return addr or name

    def _recipients(self, st: Storage) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {1: [], 2: [], 3: []}
        for name in st.children(RECIP):
            try:
                rs = st.child(name, 8)
            except Exception:  # noqa: S112 - a broken recipient is left out
                continue
            addr = rs.text(SMTP_ADDRESS) or rs.text(EMAIL_ADDRESS)
            if addr and "@" not in addr:
                addr = None
            display = rs.text(DISPLAY_NAME)
            kind = rs.integer(RECIPIENT_TYPE) or 1
            if addr:
                text = f'"{_quote(display)}" <{addr}>' if display and display != addr else addr
            elif display:
                text = f'"{_quote(display)}" <>'
            else:
                continue
            out.setdefault(kind & 0x0F, []).append(text)
        return out

    def _synthesized_headers(self, st: Storage, item: OutlookItem) -> bytes:
        from email.utils import format_datetime

        lines: list[str] = []
        if item.sender:
            lines.append(f"From: {item.sender}")
        recips = self._recipients(st)
        for kind, label in ((1, "To"), (2, "Cc"), (3, "Bcc")):
            if recips.get(kind):
                lines.append(f"{label}: " + ",\r\n ".join(recips[kind]))
        if item.subject is not None:
            lines.append(f"Subject: {item.subject}")
        when = item.submitted or item.delivered
        if when is not None:
            lines.append(f"Date: {format_datetime(when)}")
        for pid, label in (
            (INTERNET_MESSAGE_ID, "Message-ID"),
            (IN_REPLY_TO, "In-Reply-To"),
            (REFERENCES, "References"),
        ):
            value = st.text(pid)
            if value:
                lines.append(f"{label}: {value}")
        lines.append("MIME-Version: 1.0")
        # Embedded items are converted first: a boundary of their own keeps the outer
        # item's multipart from splitting on theirs.
        self.items += 1
        lines.append(f'Content-Type: multipart/mixed; boundary="=_headerlens_msg_{self.items}"')
        text = "\r\n".join(line.replace("\r", " ").replace("\n", " ") for line in lines)
        return text.encode("utf-8") + b"\r\n"

    def _attachments(self, st: Storage, depth: int) -> tuple[list[_Attachment], int]:
        """The item's attachments with their data, and the number of embedded items."""
        out: list[_Attachment] = []
        embedded = 0
        for name in st.children(ATTACH):
            if self.parts >= self.limits.max_mime_parts:
                self.notes.append(
                    (
                        "limits.mime_parts",
                        f"more than {self.limits.max_mime_parts} attachments in the Outlook"
                        " item; the rest were not read",
                    )
                )
                break
            self.parts += 1
            try:
                at = st.child(name, 8)
            except Exception:
                self.notes.append(("msg.attachment_unreadable", f"attachment {name} is unreadable"))
                continue
            method = at.integer(ATTACH_METHOD)
            filename = (
                at.text(ATTACH_LONG_FILENAME)
                or at.text(ATTACH_FILENAME)
                or at.text(DISPLAY_NAME)
                or ""
            )
            obj = f"__substg1.0_{ATTACH_DATA:04X}{PT_OBJECT:04X}"
            if method == 5 or (method is None and obj in at.storages):
                embedded += 1
                if obj not in at.storages:
                    continue
                if depth + 1 > self.limits.max_attached_depth:
                    self.notes.append(
                        (
                            "limits.attached_depth",
                            f"an Outlook item embedded {depth + 1} levels deep was not read"
                            f" (cap {self.limits.max_attached_depth})",
                        )
                    )
                    continue
                try:
                    inner = at.child(obj, 24)
                    data, _item = self._item(inner, depth + 1)
                except Exception as exc:
                    self.notes.append(("msg.attachment_unreadable", f"embedded item {name}: {exc}"))
                    continue
                out.append(_Attachment("message", "message/rfc822", filename, "", data))
                continue
            payload = at.binary(ATTACH_DATA)
            if payload is not None and f"__substg1.0_{ATTACH_DATA:04X}0102" in at.short:
                self.notes.append(
                    (
                        "msg.attachment_unreadable",
                        f"attachment {filename or name} is damaged: only {len(payload)} bytes"
                        " could be read",
                    )
                )
            if payload is None:
                if method not in (2, 3, 4, 7):  # by reference: no data in the file
                    self.notes.append(
                        ("msg.attachment_unreadable", f"attachment {filename or name} has no data")
                    )
                continue
            mime = (at.text(ATTACH_MIME_TAG) or "").strip().lower() or "application/octet-stream"
            if "/" not in mime or any(c in mime for c in ' \t\r\n;"'):
                mime = "application/octet-stream"
            cid = (at.text(ATTACH_CONTENT_ID) or "").strip()
            out.append(_Attachment("file", mime, filename, cid, payload))
        return out, embedded

    def _body(
        self,
        ctype: str | None,
        params: dict[str, str],
        cte: str | None,
        plain: str | None,
        html: str | None,
        attachments: list[_Attachment],
    ) -> bytes:
        boundary = params.get("boundary")
        if ctype is not None and ctype.startswith("multipart/") and boundary:
            return self._multipart(boundary.encode("utf-8", "replace"), plain, html, attachments)
        if attachments:
            self.notes.append(
                (
                    "msg.attachments_not_rebuilt",
                    f"the header declares {ctype or 'no multipart type'}, so the item's"
                    f" {len(attachments)} attachment(s) have no place in the rebuilt body",
                )
            )
        text = html if ctype == "text/html" and html is not None else plain
        if text is None:
            text = html or ""
        data, _charset = _encode_text(text, params.get("charset"))
        if cte == "base64":
            return _b64(data)
        if cte == "quoted-printable":
            import binascii

            return binascii.b2a_qp(data).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

    def _multipart(
        self,
        boundary: bytes,
        plain: str | None,
        html: str | None,
        attachments: list[_Attachment],
    ) -> bytes:
        parts: list[bytes] = []
        texts: list[bytes] = []
        for subtype, text in (("plain", plain), ("html", html)):
            if text is not None:
                data = text.encode("utf-8")
                texts.append(
                    f'Content-Type: text/{subtype}; charset="utf-8"\r\n'.encode()
                    + b"Content-Transfer-Encoding: base64\r\n\r\n"
                    + _b64(data)
                )
        if len(texts) == 2:
            inner = b"=_headerlens_alt_" + hashlib.sha256(b"".join(texts)).hexdigest()[:24].encode()
            alt = b'Content-Type: multipart/alternative; boundary="' + inner + b'"\r\n\r\n'
            for t in texts:
                alt += b"--" + inner + b"\r\n" + t
            alt += b"--" + inner + b"--\r\n"
            parts.append(alt)
        else:
            parts.extend(texts)
        for a in attachments:
            kind, mime, filename, cid, content = a.kind, a.mime, a.filename, a.cid, a.data
            head = f"Content-Type: {mime}"
            if filename:
                head += f'; name="{_quote(filename)}"' if filename.isascii() else ""
            head += "\r\n"
            if kind == "message":
                head += "Content-Transfer-Encoding: 8bit\r\n"
                body = content if content.endswith(b"\n") else content + b"\r\n"
            else:
                head += "Content-Transfer-Encoding: base64\r\n"
                body = _b64(content)
            disposition = "inline" if cid else "attachment"
            if filename:
                disposition += "; " + _filename_params(filename)
            head += f"Content-Disposition: {disposition}\r\n"
            if cid:
                head += f"Content-ID: <{cid.strip('<>')}>\r\n"
            parts.append(head.encode("utf-8") + b"\r\n" + body)
        out = b""
        for p in parts:
            out += b"--" + boundary + b"\r\n" + p
            if not out.endswith(b"\n"):
                out += b"\r\n"
        out += b"--" + boundary + b"--\r\n"
        return out
