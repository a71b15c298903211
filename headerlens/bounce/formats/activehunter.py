"""TransWARE Active!hunter: a sendmail-like notice in a part whose boundary names
"Active!Hunter"; recipients are ``>>> address <address>`` lines, the reply follows
"----- Transcript of session follows -----"."""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "START", "TRANSCRIPT", "detect", "parse"]

START = "----- the following addresses had permanent fatal errors -----"
TRANSCRIPT = "----- transcript of session follows -----"


def detect(ctx: Context) -> bool:
    boundary = ctx.root.params.get("boundary", "").lower()
    return "active!hunter" in boundary and ctx.has(START)


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    addrs: list[str] = []
    diag: list[str] = []
    mode = ""
    for line in lines_of(ctx.text):
        low = line.strip().lower()
        if low.startswith(START):
            mode = "to"
            continue
        if low.startswith(TRANSCRIPT):
            mode = "why"
            continue
        if mode == "to" and low.startswith(">>>"):
            found = find_addresses(line)
            if found:
                addrs.append(found[0][2])
        elif mode == "why" and low:
            diag.append(line.strip())
    return [Found(address=a, diagnostic=" ".join(diag)) for a in addrs]


HEURISTIC = Heuristic(name="activehunter", detect=detect, parse=parse)
