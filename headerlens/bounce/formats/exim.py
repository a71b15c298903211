"""Exim: "This message was created automatically by mail delivery software."

Failed addresses are indented by two spaces under "The following address(es) failed:" (or,
in delay warnings, "has not yet been delivered"), each followed by more-indented lines that
carry the SMTP error. The original follows "------ This is a copy of the message".
"""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic, cut_original

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
    "------ The body of the message is",
    "------ This is a copy of the body of the message",
    "This is a copy of the message, including all the headers",
)


def detect(ctx: Context) -> bool:
    if ctx.header("X-Failed-Recipients") is not None:
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
                rest = line.strip()[len(found[0][2]) :].strip(" <>:")
                diag = [rest] if rest and not line.strip().startswith("pipe to") else []
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
    return out


# "SMTP error from remote mail server after RCPT TO:<a@b>: host mx.example.org [192.0.2.1]: 550"
REMOTE = ("host ",)

HEURISTIC = Heuristic(name="exim", detect=detect, start=START, end=END, parse=parse, remote=REMOTE)
