"""Postfix: "This is the mail system at host ..." then ``<address>: host ... said: ...``.

Postfix normally adds an RFC 3464 part; this reads the prose too (older versions and
forwarded bounces lose the report part). The original follows the "Undelivered Message" part.
"""

from __future__ import annotations

from headerlens.bounce.formats._base import Context, Heuristic

__all__ = ["END", "HEURISTIC", "REMOTE", "START", "detect"]

START = ("the mail system", "this is the mail system at host")
END = (
    "Content-Description: Undelivered Message",
    "--- Delivery report unavailable ---",
    "Undelivered Message Headers",
)


def detect(ctx: Context) -> bool:
    return ctx.has("this is the mail system at host", "the postfix program") or (
        ctx.subject_has("undelivered mail returned to sender") and ctx.has("the mail system")
    )


# "host mx.example.org[192.0.2.1] said: ..." / "connect to mx.example.org[192.0.2.1]:25: ..."
REMOTE = ("host ", "connect to ")

HEURISTIC = Heuristic(name="postfix", detect=detect, start=START, end=END, remote=REMOTE)
