"""DragonFly Mail Agent (dma): "There was an error delivering your mail to <address>."."""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic, cut_original

__all__ = ["END", "HEURISTIC", "detect", "parse"]

END = ("Message headers follow.", "Original message follows.")


def detect(ctx: Context) -> bool:
    return (
        ctx.has("this is the dragonfly mail agent")
        or "dragonfly mail agent" in (ctx.header("Received") or "").lower()
    )


def parse(ctx: Context, h: Heuristic) -> list[Found]:
    report, _ = cut_original(ctx.text, END)
    out: list[Found] = []
    cur: Found | None = None
    for line in lines_of(report):
        low = line.lower()
        if "error delivering your mail to" in low:
            found = find_addresses(line)
            if found:
                cur = Found(address=found[0][2])
                out.append(cur)
            continue
        if cur is not None and line.strip():
            cur.add_diagnostic(line)
            if "did not like our" in low:
                tail = low.split("did not like our", 1)[1]
                for cmd in ("rcpt", "mail", "data", "final data"):
                    if cmd in tail:
                        cur.command = "DATA" if "data" in cmd else cmd.upper()
                        break
    return out


HEURISTIC = Heuristic(name="dragonfly", detect=detect, end=END, parse=parse)
