"""Messages that reach the analyst as text: saved by Notepad, pasted into a ticket, copied from
a mail client's "show original" view.

Each reader takes bytes and gives back the RFC 5322 bytes inside, or says the form does not
apply; :mod:`headerlens.parse.intake` runs them in order. None of them rewrites a header field:
they only remove what is not part of the message (a byte order mark, a common indentation,
a client's summary lines, blank lines an Outlook box puts between groups of fields) and
convert UTF-16 text to UTF-8.

- Text encodings: UTF-8 with a byte order mark (Notepad's default), UTF-16 LE/BE with a byte
  order mark (Windows "Unicode", PowerShell's ``>``), and UTF-16 without one when every other
  byte of a text start is NUL.
- A common leading indentation (headers quoted in a ticket or a chat) is removed from every
  line, so folded continuation lines keep their own extra indentation.
- Gmail's "Show original" page copied whole: an "Original Message" title, a summary table
  (Message ID, Created at ... (Delivered after N seconds), From, To, Subject, SPF, DKIM, DMARC,
  each followed by a "Learn more" link), the "Download original" / "Copy to clipboard"
  buttons, then the raw message. The summary is kept as :class:`ClientSummary`: what Gmail
  claimed, compared with the message by the ``intake.client_claim_*`` findings.
- Outlook's "Internet headers" box (message Properties): the transport headers as Exchange
  stored them, sometimes with a "Microsoft Mail Internet Headers Version 2.0" first line and
  blank lines between groups of fields, sometimes followed by the first MIME boundary line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from headerlens.message import ClientClaim, ClientSummary

__all__ = [
    "decode_text",
    "dedent",
    "join_header_groups",
    "needs_group_join",
    "read_gmail_page",
    "strip_outlook_version_line",
]

TextEncoding = Literal["utf-8-bom", "utf-16-le", "utf-16-be"]

_BOM_UTF8 = b"\xef\xbb\xbf"
# A header field name as real mail writes them, then optional white space and a colon.
_FIELD = re.compile(rb"[A-Za-z0-9][A-Za-z0-9_.-]{0,75}[ \t]*:")
_OUTLOOK_VERSION = b"microsoft mail internet headers version 2.0"


def decode_text(data: bytes) -> tuple[bytes, TextEncoding | None]:
    """``data`` as UTF-8 bytes, and the encoding it was converted from (``None``: as is).

    A UTF-8 byte order mark is removed; UTF-16 text (with a byte order mark, or without one
    when its first 64 bytes are ASCII in every other byte) is decoded and re-encoded as UTF-8
    (an unpaired surrogate becomes U+FFFD).
    """
    if data.startswith(_BOM_UTF8):
        return data[3:], "utf-8-bom"
    if data.startswith(b"\xff\xfe"):
        return _utf16(data[2:], "utf-16-le"), "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return _utf16(data[2:], "utf-16-be"), "utf-16-be"
    head = data[:64]
    if len(head) >= 16 and len(head) % 2 == 0:
        even, odd = head[0::2], head[1::2]
        if not odd.strip(b"\x00") and even.isascii() and b"\x00" not in even:
            return _utf16(data, "utf-16-le"), "utf-16-le"
        if not even.strip(b"\x00") and odd.isascii() and b"\x00" not in odd:
            return _utf16(data, "utf-16-be"), "utf-16-be"
    return data, None


def _utf16(data: bytes, codec: str) -> bytes:
    if len(data) % 2:
        data = data[:-1]
    return data.decode(codec, "replace").encode("utf-8")


def _indent_of(line: bytes) -> bytes:
    n = len(line) - len(line.lstrip(b" \t"))
    return line[:n]


def dedent(data: bytes) -> tuple[bytes, int]:
    """``data`` without the leading white space every non-blank line shares, and its width.

    Applies only when the first non-blank line is indented and, once the common indentation
    is gone, starts like a header field; otherwise ``(data, 0)``.
    """
    stripped = data.lstrip(b"\r\n")
    if stripped[:1] not in (b" ", b"\t"):
        return data, 0
    lines = data.splitlines(keepends=True)
    common: bytes | None = None
    for line in lines:
        body = line.rstrip(b"\r\n")
        if not body.strip():
            continue
        ind = _indent_of(body)
        if common is None:
            common = ind
        else:
            k = 0
            limit = min(len(common), len(ind))
            while k < limit and common[k] == ind[k]:
                k += 1
            common = common[:k]
        if not common:
            return data, 0
    if not common:
        return data, 0
    width = len(common)
    first = stripped.lstrip(b" \t\r\n")  # the first line with text (blank ones may be indented)
    if _FIELD.match(first) is None:
        return data, 0
    out = b"".join(
        line[width:] if line[:width] == common else line.lstrip(b" \t") for line in lines
    )
    return out, width


def strip_outlook_version_line(data: bytes) -> bytes | None:
    """``data`` after Outlook's "Microsoft Mail Internet Headers Version 2.0" line, or
    ``None`` when the text does not start with it."""
    stripped = data.lstrip(b" \t\r\n")
    end = stripped.find(b"\n")
    first = stripped if end == -1 else stripped[:end]
    if first.strip().lower() != _OUTLOOK_VERSION:
        return None
    return b"" if end == -1 else stripped[end + 1 :]


def join_header_groups(data: bytes) -> tuple[bytes, int]:
    """The header fields of ``data`` with the blank lines between groups of fields removed,
    and the number of lines left out (blank lines, and everything from the first line that
    is neither a field nor a continuation: a MIME boundary, a body).

    Folded continuation lines stay with their field; a field's line ends are kept.
    """
    lines = data.splitlines(keepends=True)
    kept: list[bytes] = []
    in_field = False
    seen_field = False
    for n, line in enumerate(lines):
        body = line.rstrip(b"\r\n")
        if not body.strip():
            in_field = False
            continue
        if body[:1] in (b" ", b"\t") and in_field:
            kept.append(line)
            continue
        if _FIELD.match(body) is not None:
            kept.append(line)
            in_field = seen_field = True
            continue
        if not seen_field and n == 0:
            return data, 0
        break
    block = b"".join(kept)
    if block and not block.endswith(b"\n"):
        block += b"\r\n" if b"\r\n" in block else b"\n"
    return block, len(lines) - len(kept)


_FROM_OR_DATE = re.compile(rb"(?im)^(?:from|date)[ \t]*:")


def needs_group_join(data: bytes) -> bool:
    """Whether ``data`` is a header block split into groups by blank lines, as Outlook's
    "Internet headers" box shows Exchange-stored headers: the part above the first blank line
    has no From and no Date field, and the next non-blank line starts another header field
    group that has one of them. A real message always has From and Date above the blank line.
    """
    for sep in (b"\r\n\r\n", b"\n\n", b"\r\r"):
        cut = data.find(sep)
        if cut != -1:
            break
    else:
        return False
    head, rest = data[:cut], data[cut + len(sep) :]
    if not head.strip() or _FROM_OR_DATE.search(head) is not None:
        return False
    rest = rest.lstrip(b"\r\n")
    if _FIELD.match(rest) is None:
        return False
    block, _dropped = join_header_groups(rest)
    return _FROM_OR_DATE.search(block) is not None


# --- Gmail's "Show original" -------------------------------------------------------------

# Summary labels as Gmail shows them (English interface), to the ClientSummary field.
_GMAIL_LABELS = {
    "message id": "message_id",
    "created at": "created_at",
    "created on": "created_at",
    "from": "sender",
    "to": "to",
    "cc": "",
    "subject": "subject",
    "spf": "spf",
    "dkim": "dkim",
    "dmarc": "dmarc",
}
_GMAIL_BUTTONS = ("download original", "copy to clipboard")
_LEARN_MORE = re.compile(r"[ \t]*learn more[ \t]*\Z", re.IGNORECASE)
_DELIVERED = re.compile(
    r"\(\s*delivered after\s+(\d{1,9})\s+(second|sec|minute|min|hour|day)s?\s*\)",
    re.IGNORECASE,
)
_UNITS = {"second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3600, "day": 86400}


def _summary_line(line: str) -> tuple[str, str, str] | None:
    """``(label as shown, field, value)`` when ``line`` is one row of Gmail's summary."""
    text = line.strip()
    low = text.lower()
    for label in sorted(_GMAIL_LABELS, key=len, reverse=True):
        if not low.startswith(label):
            continue
        rest = text[len(label) :]
        if rest[:1] not in (":", "\t", " "):
            continue
        value = rest.lstrip(" \t")
        if value.startswith(":"):
            value = value[1:]
        # A header line "From: x" has a colon and one space; a table row copied from the
        # page has a tab (or the colon-less "Message ID" label).
        return text[: len(label)], _GMAIL_LABELS[label], _LEARN_MORE.sub("", value.strip())
    return None


def _result(value: str) -> tuple[str | None, str]:
    """The result word of "'PASS' with domain example.com" (lower-cased) and the rest."""
    parts = value.split(None, 1)
    if not parts:
        return None, ""
    word = parts[0].strip("'\"‘’“”").lower()
    return (word or None), (parts[1] if len(parts) > 1 else "")


def read_gmail_page(data: bytes) -> tuple[bytes, ClientSummary, int] | None:
    """Split a copied Gmail "Show original" page into the raw message and the summary.

    Returns ``(message bytes, summary, lines before the message)``, or ``None`` when ``data``
    does not start like that page (an "Original Message" title or a "Message ID" row, and at
    least two summary rows).
    """
    pos = 0
    n = len(data)
    consumed = 0
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    started = False
    while pos < n:
        end = data.find(b"\n", pos)
        nxt = n if end == -1 else end + 1
        line = data[pos:nxt].decode("utf-8", "replace")
        stripped = line.strip()
        low = stripped.lower()
        if not stripped:
            pos, consumed = nxt, consumed + 1
            continue
        if not started:
            if low == "original message":
                started = True
                pos, consumed = nxt, consumed + 1
                continue
            if not low.startswith("message id"):
                return None
            started = True
        if any(low.startswith(b) for b in _GMAIL_BUTTONS):
            pos, consumed = nxt, consumed + 1
            continue
        row = _summary_line(line)
        if row is None or (row[1] in seen and row[1]):
            break
        if row[1] in ("sender", "to", "subject") and "\t" not in line and "message_id" not in seen:
            break  # a real header line before any summary row: not the page
        seen.add(row[1])
        rows.append(row)
        pos, consumed = nxt, consumed + 1
    if len(rows) < 2 or not started:
        return None
    return data[pos:], _summary(rows), consumed


def _summary(rows: list[tuple[str, str, str]]) -> ClientSummary:
    values: dict[str, object] = {}
    for _label, key, value in rows:
        if key == "created_at":
            m = _DELIVERED.search(value)
            if m is not None:
                values["delivered_after"] = dt.timedelta(
                    seconds=int(m.group(1)) * _UNITS[m.group(2).lower()]
                )
                value = (value[: m.start()] + value[m.end() :]).strip()
            values["created_at"] = value or None
        elif key == "spf":
            word, rest = _result(value)
            values["spf"] = word
            m = re.match(r"with IP\s+(\S+)", rest, re.IGNORECASE)
            if m is not None:
                values["spf_ip"] = m.group(1)
        elif key == "dkim":
            word, rest = _result(value)
            values["dkim"] = word
            m = re.match(r"with domain\s+(\S+)", rest, re.IGNORECASE)
            if m is not None:
                values["dkim_domain"] = m.group(1).rstrip(".").lower()
        elif key == "dmarc":
            values["dmarc"] = _result(value)[0]
        elif key:
            values[key] = value or None
    return ClientSummary(
        client="gmail",
        lines=tuple(ClientClaim(label=label, value=value) for label, _k, value in rows),
        **values,  # keys are ClientSummary fields
    )
