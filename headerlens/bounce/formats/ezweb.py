"""au by KDDI EZweb (ezweb.ne.jp): "Mail System Error - Returned Mail".

The address(es) stand alone as ``<address>`` lines next to one sentence that says what went
wrong; the copy of the original (or its headers) follows a dashed line. The sentences are the
carrier's fixed wording, so each maps to a reason here (facts from observed notices).
"""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["END", "HEURISTIC", "SENTENCES", "detect", "parse"]

# The carrier's fixed sentences and what they mean.
SENTENCES = (
    ("each of the following recipients was rejected by a remote mail server", "filtered"),
    ("the user(s) account is disabled", "suspend"),
    ("the following recipients did not receive this message", "userunknown"),
    ("the user(s) account is temporarily over quota", "mailboxfull"),
    ("the mail exceeds the size limit", "mesgtoobig"),
)
END = ("-----------------------------------", "received: ", "--- original message")


def detect(ctx: Context) -> bool:
    ezweb = ctx.sender_has("ezweb.ne.jp") or any(
        "ezweb.ne.jp" in v.lower() for k, v in ctx.headers if k.lower() == "message-id"
    )
    return (ezweb or ctx.has(*(s for s, _r in SENTENCES))) and ctx.subject_has("mail system error")


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    prose: list[str] = []
    found: dict[str, Found] = {}
    current: Found | None = None
    for line in lines_of(ctx.text):
        low = line.strip().lower()
        if low.startswith(END):
            break
        if not low:
            continue
        if current is not None and low.startswith((">>>", "<<<")):
            current.add_diagnostic(line)
            if low.startswith(">>>"):
                current.command = low[3:].split(":")[0].strip().upper()[:4] or None
            continue
        addrs = find_addresses(line)
        if addrs and low.startswith(("<", "recipient:")):
            current = found.setdefault(addrs[0][2].lower(), Found(address=addrs[0][2]))
            continue
        prose.append(line.strip())
    text = " ".join(prose)
    folded = " ".join(text.lower().split())
    reason = next((why for sentence, why in SENTENCES if sentence in folded), None)
    for f in found.values():
        if f.diagnostic:
            continue  # the remote server's own words decide
        f.diagnostic = text
        f.reason = reason
    return list(found.values())


HEURISTIC = Heuristic(name="ezweb", detect=detect, parse=parse)
