"""Whether a message is a bounce, an auto-reply or neither, and which prose format it is."""

from __future__ import annotations

from headerlens.bounce.formats import HEURISTICS
from headerlens.bounce.formats._base import Context, Heuristic

__all__ = ["choose_heuristic", "is_autoreply", "looks_like_bounce"]


def is_autoreply(ctx: Context) -> bool:
    auto = (ctx.header("Auto-Submitted") or "").strip().lower()
    if auto.startswith("auto-replied"):
        return True
    if ctx.header("X-Autoreply") or ctx.header("X-Autorespond") or ctx.header("X-Autoresponder"):
        return True
    if (ctx.header("Precedence") or "").strip().lower() == "auto_reply":
        return True
    if (ctx.header("X-Auto-Response-Suppress") or "") and ctx.subject_has("automatic reply"):
        return True
    subject = ctx.subject.strip().lower()
    prefixes = (
        "auto:",
        "auto reply",
        "auto-reply",
        "autoreply",
        "automatic reply",
        "out of office",
        "out of the office",
        "away until",
        "vacation",
        "i am away",
        "i'm away",
        "abwesenheit",
        "réponse automatique",
        "respuesta automática",
    )
    return subject.startswith(prefixes) or "(auto-reply)" in subject


def looks_like_bounce(ctx: Context) -> bool:
    if ctx.has_dsn:
        return True
    s = ctx.low_sender
    if any(
        m in s
        for m in (
            "mailer-daemon",
            "postmaster",
            "mail delivery",
            "mmsc",
            "mailer daemon",
            "post_master",
        )
    ):
        return True
    return ctx.subject_has(
        "undeliver",
        "delivery fail",
        "delivery status",
        "returned mail",
        "failure notice",
        "mail delivery failed",
        "non remis",
        "not delivered",
        "delivery notification",
        "undelivered",
        "could not be delivered",
        "delivery report",
        "failed delivery",
    )


def choose_heuristic(ctx: Context) -> Heuristic | None:
    for h in HEURISTICS:
        try:
            if h.detect(ctx):
                return h
        except (ValueError, IndexError, KeyError):
            continue
    return None
