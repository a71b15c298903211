"""Courier mail server: "running the Courier mail server" with a >>>/<<< transcript."""

from __future__ import annotations

from headerlens.bounce.formats._base import Context, Heuristic

__all__ = ["END", "HEURISTIC", "START", "detect"]

START = ("cannot be delivered:", "following recipients cannot be delivered", "has been delayed")
END = ("If your message was also sent to additional recipients",)


def detect(ctx: Context) -> bool:
    return ctx.has("courier mail server")


HEURISTIC = Heuristic(name="courier", detect=detect, start=START, end=END)
