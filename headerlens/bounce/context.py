"""What the readers look at: the top header fields, the report's prose and its parts.

The prose is the text of the report's own parts (RFC 3464 section 2: the human-readable
first part, and any other text part before the returned original), read from the MIME tree
``parse()`` built; HTML is reduced to its text. Everything about the body is worked out on
first use, so a message that the header fields already show is no report costs no body work.
"""

from __future__ import annotations

import re
from functools import cached_property

from headerlens.bounce._parts import Part, decode_words, field_value, report_parts
from headerlens.message import Message

__all__ = ["ORIGINAL_TYPES", "STATUS_TYPES", "Context", "report_text", "strip_html"]

STATUS_TYPES = ("message/delivery-status", "message/global-delivery-status")
ORIGINAL_TYPES = (
    "message/rfc822",
    "message/global",
    "text/rfc822-headers",
    "message/rfc822-headers",
    "text/rfc822-header",
    "message/partial",
)


def report_text(parts: list[Part]) -> str:
    """The prose of the report's text parts; HTML only where no plain text part exists."""
    chunks: list[str] = []
    for p in parts:
        if p.ctype in ("text/plain", "text/enriched") or (
            p.ctype == "text/html" and not any(q.ctype == "text/plain" for q in parts)
        ):
            t = p.text()
            if p.ctype == "text/html":
                t = strip_html(t)
            # One line ending for every reader: a CR-only or CRLF report reads as its LF
            # twin (per part: a part's last CR must not pair with the joining LF).
            if "\r" in t:
                t = t.replace("\r\n", "\n").replace("\r", "\n")
            chunks.append(t)
    return "\n".join(chunks)


# One tag: "<" up to the first ">" (or the end of the text: an unclosed tag is dropped).
# Block elements give a line break, table cells a space. Linear: one regex pass whose
# pattern cannot backtrack ("[^>]*" is followed only by ">" or the end).
_TAG = re.compile(
    r"<(?:((?i:br|p|/p|div|/div|tr|/tr|li))|((?i:td|/td)))?[^>]*(>|\Z)",
)
_ENTITIES = (("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&amp;", "&"))


def _tag(m: re.Match[str]) -> str:
    if not m.group(3):
        return ""
    if m.group(1):
        return "\n"
    return " " if m.group(2) else ""


def strip_html(html: str) -> str:
    """The text of an HTML body: tags dropped (a line break for block elements, a space
    for table cells) and the common character references replaced."""
    text = _TAG.sub(_tag, html) if "<" in html else html
    if "&" in text:
        for ent, rep in _ENTITIES:
            text = text.replace(ent, rep)
    return text


class Context:
    """What the readers look at: the top header fields, the report prose, the parts.

    ``header()``, ``subject`` and ``sender`` read the parsed header fields; ``parts``,
    ``text`` (the report prose) and ``has_dsn`` read the MIME tree, on first use. ``low_*``
    are the lower-case text, subject and sender, worked out once: some thirty format
    detectors ask about every candidate message.
    """

    def __init__(self, message: Message, *, max_recipients: int = 1_000) -> None:
        self.message = message
        self.max_recipients = max_recipients  # Limits.max_bounce_recipients
        self._by_name = message.fields_by_name()
        self._values: dict[str, str | None] = {}
        self.subject = decode_words(self.header("subject") or "")
        self.sender = decode_words(self.header("from") or "")
        self.low_subject = self.subject.lower()
        self.low_sender = self.sender.lower()

    def header(self, name: str) -> str | None:
        """The first top-level header value called ``name`` (case-insensitive), as the
        readers compare values (:func:`~headerlens.bounce._parts.field_value`)."""
        lname = name.lower()
        if lname in self._values:
            return self._values[lname]
        found = self._by_name.get(lname)
        value = field_value(found[0]) if found else None
        self._values[lname] = value
        return value

    @cached_property
    def headers(self) -> list[tuple[str, str]]:
        """Every top-level field as ``(name, value)``, top to bottom."""
        return [(h.name, field_value(h)) for h in self.message.headers]

    @cached_property
    def parts(self) -> list[Part]:
        """Every part, depth-first, the root first (:func:`report_parts`)."""
        return report_parts(self.message)

    @property
    def root(self) -> Part:
        """The top-level part."""
        return self.parts[0]

    @cached_property
    def text(self) -> str:
        """The report prose: the text parts before the returned original."""
        body_parts: list[Part] = []
        inside_original = False
        for p in self.parts:
            if p.ctype in ORIGINAL_TYPES:
                inside_original = True
            if not inside_original and not p.ctype.startswith("multipart/"):
                body_parts.append(p)
        return report_text(body_parts)

    @cached_property
    def low_text(self) -> str:
        """The report prose in lower case."""
        return self.text.lower()

    @cached_property
    def has_dsn(self) -> bool:
        """Whether a delivery-status part (RFC 3464, RFC 6533) is present."""
        return any(p.ctype in STATUS_TYPES for p in self.parts)

    def has(self, *markers: str) -> bool:
        """Whether any marker (lower-case) occurs in the report prose."""
        low = self.low_text
        return any(m in low for m in markers)

    def subject_has(self, *markers: str) -> bool:
        """Whether any marker (lower-case) occurs in the subject."""
        low = self.low_subject
        return any(m in low for m in markers)

    def sender_has(self, *markers: str) -> bool:
        """Whether any marker (lower-case) occurs in the From field."""
        low = self.low_sender
        return any(m in low for m in markers)
