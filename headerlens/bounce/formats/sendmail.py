"""Sendmail: "----- Transcript of session follows -----" with ``<address>... reason`` lines."""

from __future__ import annotations

from headerlens.bounce.formats._base import Context, Heuristic

__all__ = ["END", "HEURISTIC", "REMOTE", "START", "detect"]

START = (
    "----- The following addresses had permanent fatal errors -----",
    "----- Transcript of session follows -----",
)
END = (
    "----- Original message follows -----",
    "----- Unsent message follows -----",
    "----- Message header follows -----",
    "Content-Type: message/rfc822",
)


def detect(ctx: Context) -> bool:
    return ctx.has(
        "----- transcript of session follows -----",
        "the following addresses had permanent fatal errors",
    )


# "... while talking to mx.example.org.:" heads the SMTP transcript (">>> RCPT", "<<< 550"),
# which sits apart from the recipient list: one host in the report names every recipient's.
REMOTE = ("while talking to ",)

HEURISTIC = Heuristic(
    name="sendmail", detect=detect, start=START, end=END, remote=REMOTE, remote_in_report=True
)
