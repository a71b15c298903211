"""OpenSMTPD: "This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail."

Each line of the list is ``address: reply``; the original follows "Below is a copy of the
original message:".
"""

from __future__ import annotations

from headerlens.bounce.formats._base import Context, Heuristic

__all__ = ["END", "HEURISTIC", "SENTENCES", "START", "detect"]

START = ("following list of recipients", "following recipients")
END = ("Below is a copy of the original message",)


def detect(ctx: Context) -> bool:
    return ctx.has("this is the mailer-daemon, please do not reply") or (
        ctx.has("opensmtpd") and ctx.has(*(e.lower() for e in END))
    )


# OpenSMTPD's fixed wording and what it means. "Envelope expired" is the final notice for a
# message whose queue lifetime ran out, although its boilerplate and DSN part call it delayed.
SENTENCES = (
    ("envelope expired", "expired"),
    ("invalid domain name", "hostunknown"),
    ("domain does not exist", "hostunknown"),
    ("destination seem to reject all mails", "rejected"),
    ("address does not exist", "userunknown"),
    ("loop detected", "networkerror"),
)

HEURISTIC = Heuristic(
    name="opensmtpd",
    detect=detect,
    start=START,
    end=END,
    sentences=SENTENCES,
    prose_over_dsn=True,
)
