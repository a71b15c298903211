"""fml, the Japanese mailing-list manager: it answers a post it refuses with a notice to
the poster ("You are not a member of this mailing list", "Command rejected"). Recognised by
its ``X-MLServer: fml`` header and a Message-ID holding ``.FML``, and by one of its refusal
sentences (the same header is on every post the list relays); the poster (To:) is the
recipient that bounced."""

from __future__ import annotations

from headerlens.bounce._text import find_addresses
from headerlens.bounce.formats._base import Context, Found, Heuristic

__all__ = ["HEURISTIC", "SENTENCES", "detect", "parse"]

# fml's fixed notices and what each means.
SENTENCES = (
    ("are not member", "rejected"),
    ("you are not a member of this mailing list", "rejected"),
    ("not allowed to post", "rejected"),
    ("posting is restricted", "rejected"),
    ("ml system restricts", "rejected"),
    ("no such command", "systemerror"),
    ("command rejected", "securityerror"),
    ("ml system denies", "securityerror"),
    ("loop warning", "systemerror"),
)


def detect(ctx: Context) -> bool:
    server = (ctx.header("X-MLServer") or "").lower()
    msgid = ctx.header("Message-ID") or ""
    return server.startswith("fml") and (".FML" in msgid or "fml" in server)


def parse(ctx: Context, _h: Heuristic) -> list[Found]:
    to = find_addresses(ctx.header("To") or "")
    if not to:
        return []
    body = " ".join(ctx.text.split())[:500]
    diag = f"{ctx.subject} {body}".strip()
    # fml stamps X-MLServer on every post it relays too: only its refusal notices bounce.
    lowered = diag.lower()
    if not any(sentence in lowered for sentence, _reason in SENTENCES):
        return []
    return [Found(address=to[0][2], diagnostic=diag)]


HEURISTIC = Heuristic(name="fml", detect=detect, parse=parse, sentences=SENTENCES)
