"""Exchange 2007 and later, Office 365, Outlook.com (prose part of the NDR).

"Delivery has failed to these recipients or groups:" and, in "Diagnostic information for
administrators:", "Remote Server returned '550 5.1.1 ...'". Also the localised variants.
"""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["END", "HEURISTIC", "SENTENCES", "detect", "parse"]

END = (
    "Original message headers:",
    "Original Message Headers",
    "------ Original message",
    "Message Headers",
)


def detect(ctx: Context) -> bool:
    return ctx.has(
        "diagnostic information for administrators",
        "remote server returned '",
        "delivery has failed to these recipients",
        "généré par le serveur",
        "remote server returned",
    )


def parse(ctx: Context, h: Heuristic) -> list[Found]:
    lines = lines_of(ctx.text)
    out: dict[str, Found] = {}
    start = 0
    for i, line in enumerate(lines):
        if (
            "diagnostic information for administrators" in line.lower()
            or "informations de diagnostic" in line.lower()
        ):
            start = i + 1
            break
    cur: Found | None = None
    for line in lines[start:]:
        s = line.strip()
        if any(s.lower().startswith(e.lower()) for e in END):
            break
        found = find_addresses(s)
        if found and found[0][0] == 0 and start:
            key = found[0][2].lower()
            cur = out.setdefault(key, Found(address=found[0][2]))
            continue
        if cur is not None and s:
            low = s.lower()
            if (
                (
                    "returned '" in low
                    or "#" in s
                    or low.startswith(("remote server", "generating server", "serveur"))
                )
                and "generating server" not in low
                and "serveur de g" not in low
            ):
                cur.add_diagnostic(s)
    if not out:
        for line in lines:
            found = find_addresses(line)
            if found:
                out[found[0][2].lower()] = Found(address=found[0][2])
                break
    return list(out.values())


# Exchange's internal status names (Microsoft's NDR documentation) and the reason each
# one means; they say more than the enhanced code beside them (5.2.3 is any size limit).
SENTENCES = (
    ("resolver.rst.recipsizelimit", "mesgtoobig"),
    ("resolver.rst.sendsizelimit", "mesgtoobig"),
    ("resolver.adr.recipnotfound", "userunknown"),
    ("resolver.adr.exrecipnotfound", "userunknown"),
    ("resolver.adr.recipientnotfound", "userunknown"),
    ("queue.expired", "expired"),
)

HEURISTIC = Heuristic(name="exchange2007", detect=detect, end=END, parse=parse, sentences=SENTENCES)
