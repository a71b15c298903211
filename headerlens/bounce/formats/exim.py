"""Exim: "This message was created automatically by mail delivery software."

Failed addresses are indented by two spaces under "The following address(es) failed:" (or,
in delay warnings, "has not yet been delivered"), each followed by more-indented lines that
carry the SMTP error. The original follows "------ This is a copy of the message".
"""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import (
    Context,
    Found,
    Heuristic,
    apply_sentence,
    cut_original,
)

__all__ = ["END", "HEURISTIC", "REMOTE", "SENTENCES", "STAGE_REASON", "START", "detect", "parse"]

START = (
    "following address(es) failed",
    "following addresses failed",
    "not yet been delivered is:",
    "not yet been delivered are:",
    "could not be delivered to one or more of its recipients",
    "could not be delivered to all of its recipients",
)
END = (
    "------ This is a copy of the message",
    # McAfee SaaS Email Protection (formerly MXLogic) runs Exim and words its copy so.
    "Included is a copy of the message header:",
    "------ The body of the message is",
    "------ This is a copy of the body of the message",
    "This is a copy of the message, including all the headers",
)


# Exim's own messages for a failed address, and the reason each one means (the source file
# that writes it, Exim 4.x).
SENTENCES = (
    # routers/dnslookup.c, transports/smtp.c, route.c
    ("all relevant mx records point to non-existent hosts", "hostunknown"),
    ("all host address lookups failed permanently", "hostunknown"),
    ("unrouteable address", "hostunknown"),
    # routers/dnslookup.c: a null MX (RFC 7505) or SRV record; transports/smtp.c
    ("an mx or srv record indicated no smtp service", "notaccept"),
    ("no host found for existing smtp connection", "notaccept"),
    # transports/appendfile.c
    ("mailbox is full", "mailboxfull"),
    ("error: quota exceed", "mailboxfull"),
    # parser.c: the address itself could not be read
    ("angle-brackets nested too deep", "syntaxerror"),
    ('expected word or "<"', "syntaxerror"),
    ("domain missing in source-routed address", "syntaxerror"),
    ("malformed address:", "syntaxerror"),
    # deliver.c, transports/pipe.c
    ("delivery to file forbidden", "systemerror"),
    ("delivery to pipe forbidden", "systemerror"),
    ("local delivery failed", "systemerror"),
    ("lmtp error after ", "systemerror"),
    # deliver.c: a loop
    ('too many "received" headers', "contenterror"),
    # retry.c, transports/smtp.c, deliver.c: given up after temporary failures, or frozen
    ("retry timeout exceeded", "expired"),
    ("retry time not reached for any host after a long failure period", "expired"),
    ("all hosts have been failing for a long time and were last tried", "expired"),
    ("no action is required on your part", "expired"),
    ("delay reason: ", "expired"),
    ("has been frozen", "expired"),
    ("was frozen on arrival by ", "expired"),
    # a pipe delivery (".forward" or alias to a program) failed
    ("pipe to |", "mailererror"),
)

# The stage of the SMTP dialogue decides what Exim's report can say by itself: a refusal of
# HELO/EHLO is a block of the sending host; after MAIL FROM the reason is not known yet
# ('onhold': the wording decides later), as Sisimai reads Exim's reports.
STAGE_REASON = {"EHLO": "blocked", "HELO": "blocked", "MAIL": "onhold"}


def _mxlogic(ctx: Context) -> bool:
    """McAfee SaaS (formerly MXLogic), an Exim installation that marks its reports."""
    return (
        any(ctx.header(n) is not None for n in ("X-MX-Bounce", "X-MXL-Hash", "X-MXL-NoteHash"))
        or "<mxl~" in (ctx.header("Message-ID") or "").lower()
    )


def detect(ctx: Context) -> bool:
    if ctx.header("X-Failed-Recipients") is not None or _mxlogic(ctx):
        return True
    return ctx.has(
        "this message was created automatically by mail delivery software",
        "this message was created automatically by the smtp relay",
    ) and ctx.has(*(s.lower() for s in START))


def parse(ctx: Context, h: Heuristic) -> list[Found]:
    report, _ = cut_original(ctx.text, END)
    lines = lines_of(report)
    begin = 0
    for i, line in enumerate(lines):
        if any(m in line.lower() for m in START):
            begin = i + 1
    temporary = "not yet been delivered" in report.lower()
    out: list[Found] = []
    cur: Found | None = None
    diag: list[str] = []
    for line in lines[begin:]:
        if not line.strip():
            if cur is not None and diag:
                pass
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        if indent <= 2 and not line.startswith("\t"):
            found = find_addresses(line)
            if found and (
                indent == 2 or line.strip().startswith("<") or line.strip() == found[0][2]
            ):
                if cur is not None:
                    cur.diagnostic = " ".join(diag)
                    out.append(cur)
                cur = Found(address=found[0][2], temporary=temporary)
                if line.strip().startswith("pipe to"):
                    # "pipe to |program" for an address that an alias or .forward made:
                    # the program is what failed, and the address is the one named after it.
                    diag = [line.strip()]
                    continue
                rest = line.strip()[len(found[0][2]) :].strip(" <>:")
                diag = [rest] if rest else []
                continue
            if indent == 0 and cur is not None:
                cur.diagnostic = " ".join(diag)
                out.append(cur)
                cur = None
                continue
        if cur is not None:
            diag.append(line.strip())
    if cur is not None:
        cur.diagnostic = " ".join(diag)
        out.append(cur)
    for f in out:
        low = f.diagnostic.lower()
        if "retry timeout exceeded" in low or "have been failing for a long time" in low:
            # Exim gives up after temporary failures only: the message expired in the queue.
            f.temporary = True
        for cmd in ("mail from", "rcpt to", "data"):
            if f"after {cmd}" in low or (cmd == "data" and "end of data" in low):
                f.command = cmd.split()[0].upper()
                break
        if "after initial connection" in low:
            f.command = "CONN"
        if "after helo" in low or "after ehlo" in low:
            f.command = "EHLO"
        if f.command in STAGE_REASON:
            f.reason, f.basis = STAGE_REASON[f.command], f"refused in reply to {f.command}"
        else:
            apply_sentence(f, low, SENTENCES)
    return out


# "SMTP error from remote mail server after RCPT TO:<a@b>: host mx.example.org [192.0.2.1]: 550"
REMOTE = ("host ",)

HEURISTIC = Heuristic(name="exim", detect=detect, start=START, end=END, parse=parse, remote=REMOTE)
