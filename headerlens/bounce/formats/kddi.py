"""KDDI au one net (dion.ne.jp, auone-net.jp): "Could not be delivered to: <address>".

The notice gives the date the mail was sent, ``Could not be delivered to: <address>`` and one
line of reason (e.g. "As their mailbox is full."); the original follows as message/rfc822.
"""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "MARKER", "detect", "parse"]

MARKER = "could not be delivered to:"


def detect(ctx: Context) -> bool:
    own = ctx.sender_has("dion.ne.jp", "auone-net.jp", "ezweb.ne.jp", "au.com") or (
        "auone-net.jp" in (ctx.header("Reply-To") or "").lower()
    )
    return own and ctx.has(MARKER)


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    out: list[Found] = []
    lines = lines_of(ctx.text)
    for i, line in enumerate(lines):
        low = line.lower()
        j = low.find(MARKER)
        if j < 0:
            continue
        addrs = find_addresses(line[j + len(MARKER) :])
        if not addrs:
            continue
        diag: list[str] = []
        for nxt in lines[i + 1 : i + 4]:
            if not nxt.strip() or MARKER in nxt.lower():
                break
            diag.append(nxt.strip())
        out.append(Found(address=addrs[0][2], diagnostic=" ".join(diag)))
    return out


HEURISTIC = Heuristic(name="kddi", detect=detect, parse=parse)
