"""qmail (and qmail-derived Yahoo/Japanese systems): "Hi. This is the qmail-send program".

Each failed address is ``<address>:`` on its own line, followed by the remote reply and a
``(#5.x.x)`` code; the original follows "--- Below this line is a copy of the message."
"""

from __future__ import annotations

from headerlens.bounce.formats._base import Context, Heuristic

START = (
    "wasn't able to deliver your message to the following addresses",
    "unable to deliver your message to the following address",
    "could not deliver your message to the following",
    "this is the qmail-send program",
)
END = (
    "--- Below this line is a copy of the message",
    "--- Enclosed is a copy of the message",
    "--- Below the next line is a copy of the message",
    "--- Below this line is the original message",
)


def detect(ctx: Context) -> bool:
    return ctx.has("this is the qmail-send program", "qmail-send program at") or (
        ctx.subject_has("failure notice") and ctx.has(*(e.lower() for e in END))
    )


# qmail-remote's fixed wording and what it means.
SENTENCES = (
    ("sorry, i couldn't find a mail exchanger or ip address", "notaccept"),
    ("sorry, i couldn't find any host named", "hostunknown"),
    ("sorry, i couldn't find any host by that name", "hostunknown"),
    ("sorry, i wasn't able to establish an smtp connection", "networkerror"),
    ("this message is looping", "networkerror"),
)

# "192.0.2.1 does not like recipient. Remote host said: 550 ..." and
# "Connected to 192.0.2.1 but sender was rejected. Remote host said: ...".
REMOTE = ("connected to ",)
REMOTE_BEFORE = (" does not like recipient", " does not like sender")

HEURISTIC = Heuristic(
    name="qmail",
    detect=detect,
    start=START,
    end=END,
    sentences=SENTENCES,
    remote=REMOTE,
    remote_before=REMOTE_BEFORE,
)
