"""HCL/IBM Domino: "Your message ... was not delivered to: ... because: ..."."""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "SENTENCES", "detect", "parse"]


def detect(ctx: Context) -> bool:
    return ctx.subject_has("delivery failure:", "delivery report:") or (
        ctx.has("was not delivered to:") and ctx.has("because:")
    )


def parse(ctx: Context, h: Heuristic) -> list[Found]:
    lines = lines_of(ctx.text)
    addrs: list[str] = []
    diag: list[str] = []
    mode = ""
    for line in lines:
        low = line.strip().lower()
        if low.startswith("was not delivered to"):
            mode = "to"
            continue
        if low.startswith("because"):
            mode = "why"
            continue
        if mode == "to":
            found = find_addresses(line)
            if found:
                addrs.append(found[0][2])
        elif mode == "why":
            if not low and diag:
                mode = ""
            elif low:
                diag.append(line.strip())
    text = " ".join(diag)
    return [Found(address=a, diagnostic=text) for a in addrs]


# Domino's fixed wording and what it means.
SENTENCES = (
    ("not listed in domino directory", "userunknown"),
    ("not listed in public name & address book", "userunknown"),
    ("domino directory entry does not specify a valid notes mail file", "userunknown"),
    ("cannot route mail to user", "systemerror"),
    ("unable to deliver message to", "userunknown"),
)

HEURISTIC = Heuristic(name="domino", detect=detect, parse=parse, sentences=SENTENCES)
