"""Yahoo! Mail: "Sorry, we were unable to deliver your message to the following address."."""

from __future__ import annotations

from headerlens.bounce.formats._base import Context, Heuristic

START = ("sorry, we were unable to deliver your message to the following address",)
END = ("--- Below this line is a copy of the message",)


def detect(ctx: Context) -> bool:
    return ctx.has(*START) or (
        ctx.header("X-YMailISG") is not None and ctx.subject_has("failure notice")
    )


HEURISTIC = Heuristic(name="yahoo", detect=detect, start=START, end=END)
