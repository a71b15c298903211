"""Sendmail version 5 (and clones): only a transcript, then "----- Unsent message follows -----".

The transcript holds ``While talking to host:``, the command sent (``>>> RCPT To:<...>``),
the reply (``<<< 550 ...``) and sendmail's own verdict per recipient
(``550 <address>... User unknown``). A deferral line without an address
(``421 host (smtp)... Deferred: ...``) concerns the recipients of the unsent message.
"""

from __future__ import annotations

from headerlens._text import ascii_digits
from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "TRANSCRIPT", "UNSENT", "detect", "parse"]

TRANSCRIPT = "----- transcript of session follows -----"
UNSENT = "----- unsent message follows -----"


def detect(ctx: Context) -> bool:
    return (
        not ctx.has_dsn
        and ctx.has(TRANSCRIPT)
        and ctx.has(UNSENT)
        and not ctx.has("----- the following addresses had", "----- original message follows")
    )


def _code(line: str) -> str | None:
    head = line.strip()[:3]
    return head if ascii_digits(head) and head[0] in "45" else None


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    out: list[Found] = []
    command: str | None = None
    reply_line = ""
    deferral = ""
    mode = ""
    to_addrs: list[str] = []
    for line in lines_of(ctx.text):
        low = line.strip().lower()
        if low.startswith(TRANSCRIPT):
            mode = "t"
            continue
        if low.startswith(UNSENT):
            mode = "u"
            continue
        if mode == "t":
            if low.startswith(">>>"):
                command = low[3:].strip()[:4].upper() or None
                reply_line = ""
            elif low.startswith("<<<"):
                reply_line = line.strip()[3:].strip()
            elif _code(line):
                found = find_addresses(line)
                if found and "..." in line:
                    diag = f"{reply_line} {line.strip()}".strip()
                    out.append(
                        Found(
                            address=found[0][2],
                            diagnostic=diag,
                            reply_code=_code(reply_line) or _code(line),
                            command=command,
                        )
                    )
                elif not deferral:
                    deferral = line.strip()
        elif mode == "u" and low.startswith("to:"):
            to_addrs = [a for _s, _e, a in find_addresses(line)]
        elif mode == "u" and not low:
            break
    if not out and deferral:
        code = _code(deferral)
        out = [
            Found(
                address=a,
                diagnostic=deferral,
                reply_code=code,
                temporary=bool(code and code.startswith("4")),
            )
            for a in to_addrs
        ]
    return out


HEURISTIC = Heuristic(name="v5sendmail", detect=detect, parse=parse)
