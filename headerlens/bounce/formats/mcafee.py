"""McAfee Email and Web Security appliance (X-NAI-Header): "--- The following addresses had
delivery problems ---", each ``<address>   (reason)``, then a delivery-status part."""

from __future__ import annotations

from headerlens.bounce.formats._base import Context, Heuristic

__all__ = ["HEURISTIC", "SENTENCES", "START", "detect"]

START = ("--- the following addresses had delivery problems ---",)
# McAfee's fixed wording and what it means.
SENTENCES = (
    ("unknown user", "userunknown"),
    ("user unknown", "userunknown"),
    ("no such user", "userunknown"),
)


def detect(ctx: Context) -> bool:
    nai = (ctx.header("X-NAI-Header") or "").lower()
    return "mcafee" in nai or (ctx.subject_has("delivery status") and ctx.has(*START))


HEURISTIC = Heuristic(name="mcafee", detect=detect, start=START, sentences=SENTENCES)
