"""Apache James: "Error message below:" with the remote reply on the next line, then
"Message details:" listing ``MAIL FROM:`` and ``RCPT TO:`` of the failed delivery. James is
a JavaMail application, so its Message-ID ends in ``.JavaMail...``."""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["DETAILS", "ERROR", "HEURISTIC", "detect", "parse"]

ERROR = "error message below:"
DETAILS = "message details:"


def detect(ctx: Context) -> bool:
    javamail = ".javamail." in (ctx.header("Message-ID") or "").lower()
    return ctx.has(ERROR) and ctx.has(DETAILS) and (javamail or ctx.has("rcpt to:"))


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    diag: list[str] = []
    addrs: list[str] = []
    mode = ""
    for line in lines_of(ctx.text):
        low = line.strip().lower()
        if low.startswith(ERROR):
            mode = "why"
            continue
        if low.startswith(DETAILS):
            mode = "details"
            continue
        if mode == "why" and low:
            diag.append(line.strip())
        elif mode == "details" and low.startswith("rcpt to:"):
            addrs.extend(a for _s, _e, a in find_addresses(line))
    text = " ".join(diag)
    return [Found(address=a, diagnostic=text) for a in addrs]


HEURISTIC = Heuristic(name="apachejames", detect=detect, parse=parse)
