"""An unnamed MTA (Sisimai's "X6"): "We had trouble delivering your message. Full details
follow:", then one line per failure, "The following recipients returned permanent errors:
<addresses>. Reason: SMTP Server <ip> refused to accept your message (COMMAND), with the
following error message: [reply]"; the original's headers are attached as a text file."""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["COMMANDS", "HEURISTIC", "INTRO", "LEAD", "detect", "parse"]

INTRO = "we had trouble delivering your message. full details follow:"
LEAD = "the following recipients returned"
COMMANDS = ("(helo)", "(ehlo)", "(mail from)", "(rcpt to)", "(data)")


def detect(ctx: Context) -> bool:
    return ctx.has(INTRO) and ctx.has(LEAD)


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    out: list[Found] = []
    for line in lines_of(ctx.text):
        s = line.strip()
        low = s.lower()
        if not low.startswith(LEAD):
            continue
        head, _sep, reason = s.partition(" Reason: ")
        temporary = "temporary" in head.lower()
        why = reason
        lb, rb = reason.rfind("["), reason.rfind("]")
        if 0 <= lb < rb:
            why = reason[lb + 1 : rb]
        command = None
        for c in COMMANDS:
            if c in reason.lower():
                command = c.strip("()").split()[0].upper()
                break
        for _s, _e, addr in find_addresses(head):
            out.append(Found(address=addr, diagnostic=why, temporary=temporary, command=command))
    return out


HEURISTIC = Heuristic(name="x6", detect=detect, parse=parse)
