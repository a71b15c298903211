"""Google Groups: a posting refused because the group does not exist or posting is not allowed.

The body is a localised letter; the markers are Google Groups' own header fields.
"""

from __future__ import annotations

from headerlens.bounce._text import find_addresses
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "detect", "parse"]


def detect(ctx: Context) -> bool:
    return (
        ctx.header("X-Failed-Recipients") is not None
        and (
            ctx.header("X-Google-Smtp-Source") is not None
            or ctx.sender_has("googlemail.com", "google.com")
        )
        and "googlegroups"
        in ctx.low_text
        + (ctx.header("X-Failed-Recipients") or "").lower()
        + str(ctx.headers).lower()
    )


def parse(ctx: Context, h: Heuristic) -> list[Found]:
    value = ctx.header("X-Failed-Recipients") or ""
    diag = " ".join(ctx.text.split())[:400]
    return [
        Found(address=a, diagnostic=diag, reason="rejected") for _s, _e, a in find_addresses(value)
    ]


HEURISTIC = Heuristic(name="googlegroups", detect=detect, parse=parse)
