"""The returned original: the attached message, its header part, or the quoted copy."""

from __future__ import annotations

from headerlens.bounce._parts import embedded_message
from headerlens.bounce._text import lines_of
from headerlens.bounce.formats import GENERIC
from headerlens.bounce.formats._base import Context, Heuristic, cut_original
from headerlens.bounce.formats.prose import header_block_at
from headerlens.message import Message
from headerlens.parse import parse_bytes

__all__ = ["returned_original"]

HEADER_START = (
    "return-path:",
    "received:",
    "from:",
    "message-id:",
    "date:",
    "subject:",
    "to:",
    "dkim-signature:",
    "x-",
    "mime-version:",
    "content-type:",
    "delivered-to:",
)


def returned_original(
    ctx: Context, heuristic: Heuristic | None
) -> tuple[Message | None, str | None]:
    """The returned original (parsed from its exact bytes where possible), and where it
    came from."""
    for p in ctx.parts:
        if p.ctype in ("message/rfc822", "message/global", "message/partial"):
            data = p.content()
            if data.strip():
                return embedded_message(p, data), "message/rfc822"
        if p.ctype in ("text/rfc822-headers", "message/rfc822-headers", "text/rfc822-header"):
            data = p.payload()
            if data.strip():
                return embedded_message(p, data), "text/rfc822-headers"
    ends = heuristic.end if heuristic is not None else ()
    _report, rest = cut_original(ctx.text, ends or GENERIC.end)
    if rest is None:
        # No marker line: the original's header may still be pasted below the report.
        lines = lines_of(ctx.text)
        at = next((i for i in range(len(lines)) if header_block_at(lines, i)), None)
        if at is None:
            return None, None
        rest = "\n".join(lines[at:])
    lines = lines_of(rest)
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].lstrip().lower().startswith(HEADER_START):
        block = "\n".join(line.lstrip() if j < 1 else line for j, line in enumerate(lines[i:]))
        return parse_bytes(block.encode("utf-8", "surrogateescape")), "quoted"
    return None, None
