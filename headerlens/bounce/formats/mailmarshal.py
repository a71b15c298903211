"""Trustwave MailMarshal SMTP: "Your message: ... Could not be delivered because of" the
reply, then "The following recipients were affected:" with indented addresses, then an
"Additional Information" block of ``Name: <value>`` lines (Remote-MTA, Reporting-MTA)."""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["AFFECTED", "BECAUSE", "HEURISTIC", "MORE", "detect", "parse"]

BECAUSE = "could not be delivered because of"
AFFECTED = "the following recipients were affected:"
MORE = "additional information"


def detect(ctx: Context) -> bool:
    return ctx.has(BECAUSE) and ctx.has(AFFECTED)


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    diag: list[str] = []
    addrs: list[str] = []
    remote: str | None = None
    mode = ""
    for line in lines_of(ctx.text):
        low = line.strip().lower()
        if low.startswith(BECAUSE):
            mode = "why"
            continue
        if low.startswith(AFFECTED):
            mode = "to"
            continue
        if low.startswith(MORE):
            mode = "more"
            continue
        if mode == "why" and low:
            diag.append(line.strip())
        elif mode == "to" and low:
            addrs.extend(a for _s, _e, a in find_addresses(line))
        elif mode == "more" and low.startswith("remote-mta:"):
            remote = line.split(":", 1)[1].strip(" \t<>") or None
    text = " ".join(diag)
    return [Found(address=a, diagnostic=text, remote_mta=remote) for a in addrs]


HEURISTIC = Heuristic(name="mailmarshal", detect=detect, parse=parse)
