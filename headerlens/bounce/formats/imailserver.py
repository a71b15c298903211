"""Ipswitch IMail Server (X-Mailer ``<SMTP32 ...>``): "Undeliverable Mail".

Each failure is one line ``<fixed wording>: <address>``; the original follows the line
"Original message follows.".
"""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic, cut_original

__all__ = ["END", "HEURISTIC", "SENTENCES", "detect", "parse"]

END = ("original message follows.",)
# IMail's fixed wording and what it means.
SENTENCES = (
    ("unknown user", "userunknown"),
    ("invalid final delivery userid", "userunknown"),
    ("user mailbox exceeds allowed size", "mailboxfull"),
    ("requested action not taken: mailbox unavailable", "userunknown"),
    ("undeliverable to", "onhold"),
    ("delivery failed", "onhold"),
)


def detect(ctx: Context) -> bool:
    mailer = (ctx.header("X-Mailer") or "").strip().lower()
    return mailer.startswith("<smtp32") or (ctx.subject_has("undeliverable mail") and ctx.has(*END))


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    report, _orig = cut_original(ctx.text, END)
    out: list[Found] = []
    for line in lines_of(report):
        low = line.strip().lower()
        colon = low.find(":")
        if colon <= 0 or low.startswith(("from:", "to:", "subject:", "date:")):
            continue
        found = find_addresses(line[colon + 1 :])
        if found and any(low.startswith(s) for s, _r in SENTENCES):
            out.append(Found(address=found[0][2], diagnostic=line.strip()))
    return out


HEURISTIC = Heuristic(name="imailserver", detect=detect, parse=parse, end=END, sentences=SENTENCES)
