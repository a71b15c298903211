"""OpenSMTPD: "This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail."

Each line of the list is ``address: reply``; the original follows "Below is a copy of the
original message:".
"""

from __future__ import annotations

from headerlens.bounce.formats._base import Context, Heuristic

START = ("following list of recipients", "following recipients")
END = ("Below is a copy of the original message",)


def detect(ctx: Context) -> bool:
    return (
        ctx.has("this is the mailer-daemon, please do not reply")
        or (ctx.has("opensmtpd")
        and ctx.has(*(e.lower() for e in END)))
    )


HEURISTIC = Heuristic(
    name="opensmtpd", detect=detect, start=START, end=END, temporary=("temporary failure",)
)
