"""Gmail and Google Workspace prose bounces (before Google moved to RFC 3464 reports).

"Delivery to the following recipient failed permanently:" (or "has been delayed"), the
address indented, then "Technical details of ... failure:" with the remote reply.
"""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic, cut_original

__all__ = ["END", "HEURISTIC", "REMOTE", "SENTENCES", "START", "detect", "parse"]

START = ("delivery to the following recipient", "delivery to these recipients or groups")
END = (
    "----- Original message -----",
    "----- Message header follows -----",
    "----- Original Message -----",
    "----- Original message follows -----",
)


def detect(ctx: Context) -> bool:
    return (
        ctx.sender_has("googlemail.com", "google.com", "gmail.com")
        or ctx.header("X-Gm-Message-State") is not None
    ) and ctx.has("delivery to the following recipient", "technical details of")


def parse(ctx: Context, h: Heuristic) -> list[Found]:
    report, _ = cut_original(ctx.text, END)
    low = report.lower()
    temporary = "temporary failure" in low or "has been delayed" in low or "will be retried" in low
    lines = lines_of(report)
    addrs: list[str] = []
    begin = 0
    for n, line in enumerate(lines):
        if any(m in line.lower() for m in START):
            begin = n
            break
    else:
        begin = len(lines) - 1
    for line in lines[begin + 1 :]:
        s = line.strip()
        if not s:
            if addrs:
                break
            continue
        found = find_addresses(s)
        if found and found[0][0] == 0:
            addrs.append(found[0][2])
        elif addrs:
            break
    rest = "\n".join(lines[begin + 1 :])
    k = rest.lower().find("technical details of")
    diag = " ".join((rest[k:] if k >= 0 else rest).split())
    return [Found(address=a, diagnostic=diag, temporary=temporary) for a in addrs]


# Gmail's fixed wording and what it means when the remote server said nothing clearer.
SENTENCES = (
    ("the recipient server did not accept our requests to connect", "expired"),
    ("it was rejected by the recipient domain", "systemerror"),
    ("dns error: domain name not found", "hostunknown"),
    ("dns error: dns server returned answer with no data", "hostunknown"),
    ("the email account that you tried to reach does not exist", "userunknown"),
    ("the email account that you tried to reach is over quota", "mailboxfull"),
    ("the email account that you tried to reach is disabled", "suspend"),
)

# "... rejected by the server for the recipient domain example.org by mx.example.org.
# [192.0.2.80]." (the first " by " names "the server", which is no host name), and a failed
# connection: "[(0) mx.example.org. [192.0.2.80]:25: socket error]".
REMOTE = (" by ", "[(0) ")

HEURISTIC = Heuristic(
    name="gmail",
    detect=detect,
    start=START,
    end=END,
    parse=parse,
    sentences=SENTENCES,
    remote=REMOTE,
)
