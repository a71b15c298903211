"""Microsoft Exchange 2000/2003: "did not reach the following recipient(s):".

Each recipient is ``address on <date>`` followed by the reason and an ``MSEXCH:`` code.
"""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["CODES", "HEURISTIC", "SENTENCES", "detect", "parse"]

# Exchange's own internal codes (the hexadecimal part of MSEXCH: lines), by meaning.
CODES = {
    "000C05A6": "userunknown",
    "000C0595": "expired",
    "000B099C": "mesgtoobig",
    "000B09AA": "mesgtoobig",
    "000C0E2F": "norelaying",
    "00000000": "onhold",
    "000C0525": "onhold",
    "000C0524": "onhold",
    "000B0981": "networkerror",
    "000B0980": "networkerror",
    "000A0C1F": "userunknown",
    "000C0592": "filtered",
}


def detect(ctx: Context) -> bool:
    return ctx.has("did not reach the following recipient") or (
        ctx.header("X-MimeOLE") is not None and ctx.has("msexch:")
    )


def parse(ctx: Context, h: Heuristic) -> list[Found]:
    out: list[Found] = []
    lines = lines_of(ctx.text)
    on = False
    cur: Found | None = None
    for line in lines:
        low = line.lower()
        if "did not reach the following recipient" in low:
            on = True
            continue
        if not on:
            continue
        found = find_addresses(line)
        if (
            found
            and (" on " in low or line.strip().startswith(found[0][2]))
            and not line.startswith((" ", "\t"))
        ):
            cur = Found(address=found[0][2])
            out.append(cur)
            continue
        if cur is not None and line.strip():
            cur.add_diagnostic(line)
            if "msexch:" in low:
                code = line.strip().rsplit("(", 1)[-1].strip(")")
                if code in CODES:
                    cur.reason = CODES[code]
    return out


# Exchange 2003's fixed wording and what it means (besides the MSEXCH codes).
SENTENCES = (
    ("the recipient name is not recognized", "userunknown"),
    ("the e-mail account does not exist at the organization", "userunknown"),
    ("the recipient's mailbox is full", "mailboxfull"),
    ("the message exceeds the maximum message size", "mesgtoobig"),
)

HEURISTIC = Heuristic(name="exchange2003", detect=detect, parse=parse, sentences=SENTENCES)
