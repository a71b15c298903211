"""What the readers look at: the top header fields, the report's prose and its parts.

The prose is the text of the report's own parts (RFC 3464 section 2: the human-readable
first part, and any other text part before the returned original), read from the MIME tree
``parse()`` built; HTML is reduced to its text.
"""

from __future__ import annotations

from headerlens.bounce._parts import Part, decode_words, report_parts
from headerlens.bounce.formats._base import Context
from headerlens.message import Message

__all__ = ["ORIGINAL_TYPES", "STATUS_TYPES", "build_context", "report_text", "strip_html"]

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
            chunks.append(t)
    return "\n".join(chunks)


def strip_html(html: str) -> str:
    """The text of an HTML body: tags dropped (line breaks kept for block elements, a space
    for table cells) and the common character references replaced."""
    out: list[str] = []
    in_tag = False
    buf: list[str] = []
    for ch in html:
        if in_tag:
            buf.append(ch)
            if ch == ">":
                in_tag = False
                tag = "".join(buf).lower()
                if tag.startswith(("<br", "<p", "</p", "<div", "</div", "<tr", "</tr", "<li")):
                    out.append("\n")
                elif tag.startswith(("<td", "</td")):
                    out.append(" ")
                buf = []
        elif ch == "<":
            in_tag = True
            buf = [ch]
        else:
            out.append(ch)
    text = "".join(out)
    for ent, rep in (
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", '"'),
        ("&amp;", "&"),
    ):
        text = text.replace(ent, rep)
    return text


def build_context(message: Message) -> Context:
    """What the readers look at in ``message``: its parts, top fields and report prose."""
    parts = report_parts(message)
    root = parts[0]
    body_parts: list[Part] = []
    inside_original = False
    for p in parts:
        if p.ctype in ORIGINAL_TYPES:
            inside_original = True
        if not inside_original and not p.ctype.startswith("multipart/"):
            body_parts.append(p)
    text = report_text(body_parts)
    has_dsn = any(p.ctype in STATUS_TYPES for p in parts)
    return Context(
        root=root,
        headers=root.headers,
        subject=decode_words(root.get("Subject") or ""),
        sender=decode_words(root.get("From") or ""),
        text=text,
        has_dsn=has_dsn,
        parts=parts,
    )
