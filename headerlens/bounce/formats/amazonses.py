"""Amazon SES notifications delivered by SNS e-mail: a JSON document instead of prose.

The body is an SES event (``notificationType`` Bounce, Complaint or Delivery), sometimes
wrapped in an SNS envelope whose ``Message`` holds the event as an escaped string, and often
with long lines folded or cut by the mail path. So the fields are read by scanning for the
keys (``emailAddress``, ``status``, ``action``, ``diagnosticCode``; for deliveries
``recipients`` and ``smtpResponse``) rather than by parsing the JSON as a whole.
"""

from __future__ import annotations

from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "detect", "parse"]


def detect(ctx: Context) -> bool:
    if ctx.header("x-amz-sns-message-id") is not None and '"notificationtype"' in _flat(ctx):
        return True
    return _flat(ctx).lstrip().startswith(('{"notificationtype"', '{"type":"notification"'))


def _flat(ctx: Context) -> str:
    return _json_text(ctx).lower()


def _json_text(ctx: Context) -> str:
    text = ctx.text
    start = text.find("{")
    if start < 0:
        return ""
    body = "".join(line.strip() if i else line for i, line in enumerate(text[start:].splitlines()))
    return body.replace('\\"', '"')


def _value(doc: str, key: str, start: int, end: int) -> str | None:
    """The string (or number) value of ``"key":`` between ``start`` and ``end``."""
    i = doc.find(f'"{key}":', start, end)
    if i < 0:
        return None
    j = i + len(key) + 3
    while j < end and doc[j] == " ":
        j += 1
    if j < end and doc[j] == '"':
        k = doc.find('"', j + 1, end)
        return doc[j + 1 : k] if k > 0 else doc[j + 1 : end]
    k = j
    while k < end and doc[k] not in ",}]":
        k += 1
    return doc[j:k].strip() or None


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    doc = _json_text(ctx)
    kind = (_value(doc, "notificationType", 0, len(doc)) or "").lower()
    out: list[Found] = []
    if kind == "delivery":
        i = doc.find('"recipients":[')
        if i < 0:
            return out
        j = doc.find("]", i)
        response = _value(doc, "smtpResponse", 0, len(doc)) or ""
        for item in doc[i + 14 : j].split(","):
            addr = item.strip().strip('"')
            if "@" in addr:
                out.append(
                    Found(address=addr, diagnostic=response, action="delivered", reason="delivered")
                )
        return out
    key = "complainedRecipients" if kind == "complaint" else "bouncedRecipients"
    i = doc.find(f'"{key}":[')
    if i < 0:
        return out
    positions = []
    pos = i
    while True:
        k = doc.find('"emailAddress":', pos)
        if k < 0:
            break
        positions.append(k)
        pos = k + 1
    bounce_type = (_value(doc, "bounceType", 0, len(doc)) or "").lower()
    for n, k in enumerate(positions):
        end = positions[n + 1] if n + 1 < len(positions) else len(doc)
        close = doc.find("}", k, end)
        end = close if close > 0 else end
        found_addr = _value(doc, "emailAddress", k, end)
        if not found_addr:
            continue
        out.append(
            Found(
                address=found_addr,
                diagnostic=(_value(doc, "diagnosticCode", k, end) or "").removeprefix("smtp; "),
                status=_value(doc, "status", k, end),
                action=_value(doc, "action", k, end),
                reason="feedback" if kind == "complaint" else None,
                temporary=bounce_type == "transient" or None,
            )
        )
    return out


HEURISTIC = Heuristic(name="amazonses", detect=detect, parse=parse)
