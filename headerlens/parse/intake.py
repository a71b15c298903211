"""What form a message arrived in, and the RFC 5322 bytes inside it.

:func:`convert` is the one detection hook every entry point goes through (through
:func:`headerlens.parse.parse`): an Outlook ``.msg`` compound file (signature
``D0 CF 11 E0 A1 B1 1A E1``, [MS-CFB] 2.2) is converted by :mod:`headerlens.parse.outlook`;
text is checked for a byte order mark or UTF-16, a common indentation, a copied Gmail "Show
original" page and Outlook's "Internet headers" box (:mod:`headerlens.parse.paste`).
Plain RFC 5322 or mbox bytes pass through untouched (the checks look only at the start of
the input and, for the Outlook box, at the header block).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from headerlens.message import ClientSummary, InputForm, Intake, Message
from headerlens.parse import paste
from headerlens.parse.outlook import convert_msg, is_msg

if TYPE_CHECKING:
    from headerlens.policy import Limits

__all__ = ["Converted", "convert", "plain_start", "regroup"]

# Bytes a plain message or mbox can start with; anything else is looked at more closely.
_PLAIN_START = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


@dataclass
class Converted:
    """The RFC 5322 bytes to parse, the input form (``None``: as given, ``eml`` or ``mbox``),
    how they were obtained (``None``: as given), and ``(defect code, message)`` notes."""

    data: bytes
    form: InputForm | None = None  # None: eml, or mbox when an mbox From line comes first
    intake: Intake | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)


def convert(data: bytes, limits: Limits) -> Converted:
    """Recognise the form of ``data`` and return the message bytes inside (see the module
    text). Never raises; linear in the size of the input."""
    if is_msg(data):
        conv = convert_msg(data[: limits.max_input_bytes], limits)
        return Converted(
            data=conv.data,
            form="msg",
            intake=Intake(body_original=False, outlook=conv.item),
            notes=conv.notes,
        )
    if plain_start(data):
        # An Outlook box split into field groups is told apart after parsing, from the
        # fields found (regroup()): a plain message costs nothing here.
        return Converted(data=data)
    text, encoding = paste.decode_text(data)
    form: InputForm = "eml" if encoding is None else "paste"
    text, indent = paste.dedent(text)
    if indent:
        form = "paste"
    dropped = 0
    summary: ClientSummary | None = None
    gmail = paste.read_gmail_page(text)
    if gmail is not None:
        text, summary, dropped = gmail
        form = "paste-gmail"
        text, more_indent = paste.dedent(text)
        indent = indent or more_indent
    after_version = paste.strip_outlook_version_line(text)
    if after_version is not None:
        before = text.count(b"\n") - after_version.count(b"\n")
        text, joined = paste.join_header_groups(after_version)
        dropped += before + joined
        form = "paste-outlook"
    elif paste.needs_group_join(text[: limits.max_header_block_bytes]):
        text, joined = paste.join_header_groups(text)
        dropped += joined
        form = "paste-outlook"
    if form == "eml":
        return Converted(data=data)
    return Converted(
        data=text,
        form=form,
        intake=Intake(
            text_encoding=encoding,
            indent_removed=indent,
            lines_dropped=dropped,
            client_summary=summary,
        ),
    )


def regroup(message: Message) -> Converted | None:
    """An Outlook "Internet headers" box read as a plain message: its header block ends at
    the first blank line, before the group of fields holding From and Date. Returns the
    joined header fields, or ``None`` when ``message`` is not such a box (it has a From or
    Date field, or no header field follows its blank line)."""
    if message.body_start is None or message.fields("from") or message.fields("date"):
        return None
    data = message.source
    if not paste.needs_group_join(data):
        return None
    block, dropped = paste.join_header_groups(data)
    return Converted(data=block, form="paste-outlook", intake=Intake(lines_dropped=dropped))


def plain_start(data: bytes) -> bool:
    """Whether ``data`` starts like plain RFC 5322 or mbox text, which :func:`convert` passes
    through as it is (decided from its first 48 bytes; an Outlook box split into groups is
    still told apart later, by :func:`regroup`)."""
    return bool(data[:1]) and data[0] in _PLAIN_START and not _special_start(data)


def _special_start(data: bytes) -> bool:
    """Plain-looking starts that are still one of the paste forms."""
    head = data[:48].lower()
    return head.startswith((b"original message", b"message id", b"microsoft mail internet"))
