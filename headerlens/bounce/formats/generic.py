"""Any prose bounce in the common layout, when no format recognised it."""

from __future__ import annotations

from headerlens.bounce.formats._base import Context, Heuristic

ENDS = (
    "------ This is a copy of the message",
    "--- Below this line is a copy of the message",
    "----- Original message -----",
    "----- Original Message -----",
    "Original message follows",
    "Below is a copy of the original message",
    "----- Unsent message follows -----",
    "------ The body of the message is",
    "Content-Description: Undelivered Message",
    "----- Message header follows -----",
    "----- The header of the original message is following. -----",
    "--- Original message follows.",
)


def _never(ctx: Context) -> bool:
    return False


HEURISTIC = Heuristic(name="generic", detect=_never, end=ENDS)
