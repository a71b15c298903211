"""SendGrid: "This is an automatically generated message from SendGrid." One line per
recipient, ``local:queueid:<address> : [client ip : remote host:[ip] :] reply``, then a
delivery-status part with ``X-SendGrid-QueueID`` (its Status may be empty and its Action
``expired`` when the remote host never answered)."""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "MARK", "detect", "parse"]

MARK = "this is an automatically generated message from sendgrid"


def detect(ctx: Context) -> bool:
    rp = (ctx.header("Return-Path") or "").lower()
    return ctx.has(MARK) or ("sendgrid.net" in rp and ctx.has("x-sendgrid-queueid"))


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    out: list[Found] = []
    for line in lines_of(ctx.text):
        s = line.strip()
        lt = s.find(":<")
        if lt < 0 or " : " not in s:
            continue
        found = find_addresses(s[lt + 1 :])
        if not found:
            continue
        fields = [f.strip() for f in s.split(" : ")]
        diag = fields[-1]
        remote = None
        for f in fields[1:-1]:
            if ":[" in f:
                remote = f.split(":[", 1)[0] or None
        command = None
        low = diag.lower()
        for cmd in ("rcpt to", "mail from", "data"):
            if low.endswith(f"in {cmd}"):
                command = cmd.split()[0].upper()
        out.append(Found(address=found[0][2], diagnostic=diag, remote_mta=remote, command=command))
    return out


HEURISTIC = Heuristic(name="sendgrid", detect=detect, parse=parse)
