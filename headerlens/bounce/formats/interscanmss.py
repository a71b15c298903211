"""Trend Micro InterScan Messaging Security Suite: "The following mail could not be delivered."

The reason line names the recipient: ``Reason: Unable to deliver message to <address>``.
"""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "SENTENCES", "detect", "parse"]

# InterScan's fixed wording and what it means.
SENTENCES = (
    ("unable to deliver message to", "userunknown"),
    ("could not deliver mail to", "onhold"),
)


def detect(ctx: Context) -> bool:
    return ctx.has("message from interscan messaging security suite") or (
        ctx.subject_has("mail could not be delivered") and ctx.has("interscan")
    )


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    out: list[Found] = []
    for line in lines_of(ctx.text):
        low = line.lower()
        found = find_addresses(line)
        if found and ("deliver message to" in low or "deliver mail to" in low):
            out.append(Found(address=found[0][2], diagnostic=line.strip()))
    return out


HEURISTIC = Heuristic(name="interscanmss", detect=detect, parse=parse, sentences=SENTENCES)
