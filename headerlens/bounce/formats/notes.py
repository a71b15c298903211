"""Lotus Notes (older): "Undeliverable message" with "------- Failure Reasons --------"."""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "SENTENCES", "detect", "parse"]


def detect(ctx: Context) -> bool:
    return ctx.has("------- failure reasons")


def parse(ctx: Context, h: Heuristic) -> list[Found]:
    out: list[Found] = []
    lines = lines_of(ctx.text)
    in_reasons = False
    diag: list[str] = []
    for line in lines:
        low = line.lower()
        if "------- failure reasons" in low:
            in_reasons = True
            continue
        if in_reasons and low.startswith("------- returned message"):
            break
        if in_reasons and line.strip():
            found = find_addresses(line)
            if found:
                out.append(Found(address=found[0][2], diagnostic=" ".join(diag)))
                diag = []
            else:
                diag.append(line.strip())
    return out


# Lotus Notes' fixed wording and what it means.
SENTENCES = (
    ("user not listed in public name & address book", "userunknown"),
    ("ディレクトリのリストにありません", "userunknown"),
    ("no route found to domain", "hostunknown"),
)

HEURISTIC = Heuristic(name="notes", detect=detect, parse=parse, sentences=SENTENCES)
