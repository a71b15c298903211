"""Verizon Wireless MMS gateway (vzwpix.com, vtext.com): "Message could not be delivered to
mobile." The recipient is the To: of the quoted original."""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "SENTENCES", "detect", "parse"]

# The gateway's fixed wording and what it means.
SENTENCES = (
    ("no valid recipients for this mm", "userunknown"),
    ("message could not be delivered to mobile", "onhold"),
)


def detect(ctx: Context) -> bool:
    return ctx.sender_has("vzwpix.com", "vtext.com") and ctx.has(
        "could not be delivered to mobile", "error:"
    )


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    diag: list[str] = []
    in_original = False
    for line in lines_of(ctx.text):
        low = line.strip().lower()
        if low.startswith("original message:"):
            in_original = True
            continue
        if not in_original:
            if low:
                diag.append(line.strip())
            continue
        if low.startswith("to:"):
            found = find_addresses(line)
            if found:
                return [Found(address=found[0][2], diagnostic=" ".join(diag))]
    return []


HEURISTIC = Heuristic(name="verizon", detect=detect, parse=parse, sentences=SENTENCES)
