"""Amazon WorkMail (sent through Amazon SES, ``X-Mailer: Amazon WorkMail``): "An error
occurred while trying to deliver the mail to the following recipients:", the addresses,
then "Technical report:" with RFC 3464 fields pasted into the prose."""

from __future__ import annotations

from headerlens.bounce._text import clean_address, find_last_status, lines_of
from headerlens.bounce.dsn import parse_delivery_status, recipient_address, split_typed
from headerlens.bounce.formats._base import Context, Found, Heuristic, text_after

__all__ = ["HEURISTIC", "REPORT", "detect", "parse"]

REPORT = ("technical report:",)


def detect(ctx: Context) -> bool:
    mailer = (ctx.header("X-Mailer") or "") + (ctx.header("X-Original-Mailer") or "")
    return "amazon workmail" in mailer.lower()


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    report = text_after(ctx.text, REPORT)
    if report is None:
        return []
    keep = [line.strip() for line in lines_of(report)]
    fields = parse_delivery_status("\n".join(keep))
    out: list[Found] = []
    for r in fields.recipients:
        addr = clean_address(recipient_address(r))
        if not addr:
            continue
        _t, diag = split_typed(r.get("diagnostic-code"))
        status = (r.get("status") or "").split()
        if find_last_status(diag):
            # The remote server's own code in the diagnostic is more specific.
            status = []
        action = (r.get("action") or "").split()
        out.append(
            Found(
                address=addr,
                diagnostic=diag or "",
                status=status[0] if status else None,
                action=action[0].lower() if action else None,
            )
        )
    return out


HEURISTIC = Heuristic(name="amazonworkmail", detect=detect, parse=parse)
