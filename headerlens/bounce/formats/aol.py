"""AOL's own non-delivery notice: "Your mail to the following recipients could not be
delivered because they are not accepting mail from <sender>:".

The failed recipients follow, one per indented line, as AOL screen names (an address
without the domain: the mailbox is ``screenname@aol.com``). The notice is sent by
MAILER-DAEMON at aol.com.
"""

from __future__ import annotations

from headerlens.bounce._text import clean_address, find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "LEADS", "SENTENCES", "detect", "parse"]

LEADS = (
    "could not be delivered because they are not accepting mail from",
    "your mail to the following recipients could not be delivered",
)
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-+")


def detect(ctx: Context) -> bool:
    return ctx.sender_has("@aol.com") and ctx.has(*LEADS)


def _address(token: str) -> str | None:
    found = find_addresses(token)
    if found:
        return found[0][2]
    name = token.strip().strip("<>\"'")
    if name and all(c in _NAME_CHARS for c in name.lower()):
        return clean_address(f"{name}@aol.com")
    return None


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    out: list[Found] = []
    lead = ""
    on = False
    for line in lines_of(ctx.text):
        low = " ".join(line.lower().split())
        if any(m in low for m in LEADS):
            lead, on = line.strip(), True
            continue
        if not on:
            continue
        if not low:
            if out:
                break
            continue
        addr = _address(line) if " " not in line.strip() else None
        if addr is None:
            break
        out.append(Found(address=addr, diagnostic=lead))
    return out


# The notice's own sentence: the recipient refuses mail from this sender (a filter of the
# recipient's own choosing).
SENTENCES = (("not accepting mail from", "filtered"),)

HEURISTIC = Heuristic(name="aol", detect=detect, parse=parse, sentences=SENTENCES)
