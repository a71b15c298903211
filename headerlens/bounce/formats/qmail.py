"""qmail (and qmail-derived Yahoo/Japanese systems): "Hi. This is the qmail-send program".

Each failed address is ``<address>:`` on its own line, followed by the remote reply and a
``(#5.x.x)`` code; the original follows "--- Below this line is a copy of the message."
The stage of the SMTP dialogue and the reason are read from qmail's own sentences
(qmail-remote.c, qmail-local.c, qmail-send.c, error_str.c, the qmail-ldap patch).
"""

from __future__ import annotations

from headerlens.bounce.formats._base import (
    Context,
    Found,
    Heuristic,
    apply_sentence,
    generic_blocks,
)

__all__ = [
    "END",
    "HEURISTIC",
    "REMOTE",
    "REMOTE_BEFORE",
    "SENTENCES",
    "STAGES",
    "START",
    "detect",
    "parse",
]

START = (
    "wasn't able to deliver your message to the following addresses",
    "unable to deliver your message to the following address",
    "could not deliver your message to the following",
    "this is the qmail-send program",
    # qmail-based systems that reword the greeting
    "su mensaje no pudo ser entregado",
    "this is the machine generated message from mail service",
    "this is the mail delivery agent at",
    "unfortunately, your mail was not delivered to the following address",
    "your mail message to the following address",
    "your message to the following addresses",
)
END = (
    "--- Below this line is a copy of the message",
    "--- Below this line is a copy of the mail header",
    "--- Enclosed is a copy of the message",
    "--- Below the next line is a copy of the message",
    "--- Below this line is the original message",
    "--- Mensaje original adjunto.",
)


def detect(ctx: Context) -> bool:
    return ctx.has("this is the qmail-send program", "qmail-send program at") or (
        ctx.subject_has("failure notice") and ctx.has(*(e.lower() for e in END))
    )


# qmail-remote.c: which command the remote host refused, from the sentence qmail writes.
STAGES = (
    (" but greeting failed.", "CONN"),
    (" but my name was rejected.", "EHLO"),
    (" but sender was rejected.", "MAIL"),
    (" does not like recipient.", "RCPT"),
    (" failed on data command", "DATA"),
    (" failed after i sent the message", "DATA"),
)

# qmail's own messages and what each means (qmail-remote.c, qmail-local.c, qmail-smtpd.c,
# error_str.c; the qmail-ldap patch's messages after them).
SENTENCES = (
    ("sorry, i couldn't find a mail exchanger or ip address", "notaccept"),
    ("sorry, i couldn't find any host ", "hostunknown"),
    ("sorry, i wasn't able to establish an smtp connection", "networkerror"),
    ("sorry. although i'm listed as a best-preference mx or a for that host", "networkerror"),
    ("this message is looping", "networkerror"),
    ("no mailbox here by that name", "userunknown"),
    ("disk quota exceeded", "mailboxfull"),
    ("message size exceeds fixed maximum message size:", "mesgtoobig"),
    ("that message size exceeds my databytes limit", "mesgtoobig"),
    ("requested action not taken: mailbox unavailable (not enough free space)", "systemfull"),
    ("bad interpreter: no such file or directory", "systemerror"),
    ("the message exeeded the maximum size the user accepts", "exceedlimit"),
    ("mailaddress is administrativly disabled", "suspend"),
    ("mailaddress is administrativley disabled", "suspend"),
    ("mailaddress is administratively disabled", "suspend"),
    ("mailaddress is administrativeley disabled", "suspend"),
    ("automatic homedir creator crashed", "systemerror"),
    ("illegal value in ldap attribute", "systemerror"),
    ("ldap attribute is not given but mandatory", "systemerror"),
    ("timeout while performing search on ldap server", "systemerror"),
    ("too many results returned but needs to be unique", "systemerror"),
    ("permanent error while executing qmail-forward", "systemerror"),
    ("temporary error in automatic homedir creation", "systemerror"),
    ("temporary error while executing qmail-forward", "systemerror"),
    ("temporary failure in ldap lookup", "systemerror"),
    ("unable to contact ldap server", "systemerror"),
    ("unable to login into ldap server, bad credentials", "systemerror"),
    ("system error", "systemerror"),
    # qmail-send.c: given up after the queue lifetime
    ("this message has been in the queue too long.", "expired"),
)


def parse(ctx: Context, h: Heuristic) -> list[Found]:
    found = generic_blocks(ctx.text, h.start, h.end, stop=h.stop)
    for f in found:
        low = " ".join(f.diagnostic.lower().split())
        f.command = next((cmd for phrase, cmd in STAGES if phrase in low), None)
        if f.command == "EHLO":
            f.reason, f.basis = "blocked", "but my name was rejected"
        elif " does not like recipient." in low and "in the queue too long" in low:
            # Refused at RCPT, then given up: the remote reply decides later.
            f.reason = "onhold"
        else:
            said = low.find("remote host said:")
            if said < 0 or not apply_sentence(f, low[said:], SENTENCES):
                apply_sentence(f, low, SENTENCES)
    return found


# "192.0.2.1 does not like recipient. Remote host said: 550 ..." and
# "Connected to 192.0.2.1 but sender was rejected. Remote host said: ...".
REMOTE = ("connected to ", "giving up on ")
REMOTE_BEFORE = (" does not like recipient", " does not like sender")

HEURISTIC = Heuristic(
    name="qmail",
    detect=detect,
    start=START,
    end=END,
    parse=parse,
    remote=REMOTE,
    remote_before=REMOTE_BEFORE,
)
