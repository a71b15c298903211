"""Messages attached to a message: "forward as attachment", report-phishing buttons, ``.msg``.

Users report a suspicious message by forwarding it as an attachment (a ``message/rfc822``
part, RFC 2046 section 5.2.1; or ``message/global``, RFC 6532 section 3.5), or by attaching
the ``.msg`` file Outlook saves (``application/vnd.ms-outlook``). :func:`attached_messages`
finds them in the MIME tree, in document order; :func:`analyze` turns each into a full
:class:`~headerlens.report.Report` (``Report.attached``).

A message is a *plain report* when it carries exactly one attached message and nothing but a
short note besides (text parts and small inline images): :func:`reporter_of` then says who
reported it, when, and what they wrote, and the readable report leads with the attached
message.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from headerlens._model import Model
from headerlens.parse.dates import parse_date
from headerlens.parse.encoded_words import decode_charset
from headerlens.parse.mime import decode_content

if TYPE_CHECKING:
    from headerlens.message import Message, MimePart

__all__ = ["Reporter", "attached_messages", "reporter_of"]

#: The note of a plain report: at most this much text (decoded octets) beside the message.
NOTE_LIMIT = 64 * 1024
#: Inline images (logos in a signature) a plain report may carry, each at most this big.
INLINE_IMAGE_LIMIT = 256 * 1024
#: Characters of the note kept in ``Reporter.note``.
NOTE_CHARS = 2000


class Reporter(Model):
    """Who reported the attached message of a plain report (the outer message's author).

    ``sender``: the outer From field as written; ``address``: its mailbox; ``reported_at``:
    the outer Date (aware), ``subject``: the outer Subject; ``note``: the start of what the
    reporter wrote (the plain-text part, else the HTML part's text), at most 2,000 characters.
    """

    sender: str | None = None
    address: str | None = None
    reported_at: dt.datetime | None = None
    subject: str | None = None
    note: str | None = None


def _walk(part: MimePart) -> list[MimePart]:
    out = [part]
    for child in part.children:
        out.extend(_walk(child))
    return out


def attached_messages(message: Message) -> list[MimePart]:
    """The MIME parts of ``message`` that hold an attached message, in document order.

    ``message/rfc822`` and ``message/global`` parts, Outlook ``.msg`` attachments and ``.eml``
    files sent as ``application/octet-stream`` (all parsed by the MIME reader; a
    ``text/rfc822-headers`` part holds a header block only and is left out). Messages inside
    an attached message are not listed here: they belong to the attached message's own report.
    """
    root = message.mime
    if root is None:
        return []
    return [
        p
        for p in _walk(root)
        if p.message is not None and p.content_type != "text/rfc822-headers" and p is not root
    ]


def same_message(a: Message, b: Message) -> bool:
    """Whether two parsed messages are the same message (the bounce reader parses the
    returned original separately from the MIME reader)."""
    if a.source == b.source:
        return True
    ida, idb = a.get("Message-ID"), b.get("Message-ID")
    if ida is not None and idb is not None:
        return ida.strip() == idb.strip()
    head_a = tuple((h.name.lower(), h.value) for h in a.headers[:8])
    head_b = tuple((h.name.lower(), h.value) for h in b.headers[:8])
    return bool(head_a) and head_a == head_b


def _is_note_part(part: MimePart) -> bool:
    if part.children or part.content_type.startswith("multipart/"):
        return True
    if part.content_type in ("text/plain", "text/html"):
        return part.disposition != "attachment" or part.filename is None
    if part.content_type.startswith("image/"):
        inline = part.disposition == "inline" or any(
            h.name.lower() == "content-id" for h in part.headers
        )
        return inline and (part.decoded_size or 0) <= INLINE_IMAGE_LIMIT
    return False


def reporter_of(message: Message, attached: list[MimePart]) -> Reporter | None:
    """The reporter when ``message`` is a plain report of ``attached[0]``, else ``None``.

    A plain report carries one attached message and, beside it, only text parts of at most
    64 KiB together and small inline images.
    """
    root = message.mime
    if root is None or len(attached) != 1 or root is attached[0]:
        return None
    target = attached[0]
    text_size = 0
    note_part: MimePart | None = None
    for part in _walk(root):
        if part is target or (part is root and part.children):
            continue
        if not _is_note_part(part):
            return None
        if part.content_type in ("text/plain", "text/html") and not part.children:
            text_size += part.decoded_size or 0
            if note_part is None or (
                note_part.content_type == "text/html" and part.content_type == "text/plain"
            ):
                note_part = part
    if text_size > NOTE_LIMIT:
        return None
    sender = message.get("From")
    addresses = message.addresses("From")
    date_text = message.get("Date")
    when = parse_date(date_text).datetime if date_text is not None else None
    return Reporter(
        sender=sender,
        address=addresses[0].addr_spec if addresses else None,
        reported_at=when,
        subject=message.get("Subject"),
        note=_note(message, note_part) if note_part is not None else None,
    )


def _note(message: Message, part: MimePart) -> str | None:
    """The decoded text of a note part (HTML reduced to its text), shortened."""
    if part.start is None or part.end is None:
        return None
    data = message.source
    body = _body_start(data, part.start, part.end)
    content = decode_content(data[body : part.end], part.transfer_encoding)
    if content is None:
        return None
    text, _problem = decode_charset(content[: NOTE_CHARS * 4], part.charset or "utf-8")
    if part.content_type == "text/html":
        text = _html_text(text)
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    if len(text) > NOTE_CHARS:
        text = text[:NOTE_CHARS].rstrip() + " ..."
    return text or None


def _body_start(data: bytes, start: int, end: int) -> int:
    """Where the body of the part at ``data[start:end]`` begins (after its blank line)."""
    if data.startswith(b"\r\n", start):  # no part header at all
        return start + 2
    if data.startswith(b"\n", start):
        return start + 1
    found = [
        (i + len(sep)) for sep in (b"\r\n\r\n", b"\n\n") if (i := data.find(sep, start, end)) != -1
    ]
    return min(found) if found else end


def _html_text(html: str) -> str:
    """The visible text of a small HTML note (tags dropped, entities decoded)."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("script", "style", "head"):
                self.skip += 1
            elif tag in ("br", "p", "div", "tr", "li"):
                self.parts.append("\n")

        def handle_endtag(self, tag: str) -> None:
            if tag in ("script", "style", "head") and self.skip:
                self.skip -= 1

        def handle_data(self, data: str) -> None:
            if not self.skip:
                self.parts.append(data)

    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; never let a note break the report
        return html
    return "".join(parser.parts)
