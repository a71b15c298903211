"""Yahoo! Mail: "Sorry, we were unable to deliver your message to the following address."."""

from __future__ import annotations

from headerlens.bounce.formats._base import Context, Heuristic

__all__ = ["END", "HEURISTIC", "START", "detect"]

START = (
    "sorry, we were unable to deliver your message to the following address",
    # Yahoo's later qmail-based reports: "Message from yahoo.com. Unable to deliver ..."
    "unable to deliver message to the following address",
)
END = ("--- Below this line is a copy of the message", "--- Original message follows.")


def detect(ctx: Context) -> bool:
    return (
        ctx.has(START[0])
        or (ctx.has(START[1]) and ctx.sender_has("yahoo"))
        or (ctx.header("X-YMailISG") is not None and ctx.subject_has("failure notice"))
    )


HEURISTIC = Heuristic(name="yahoo", detect=detect, start=START, end=END)
