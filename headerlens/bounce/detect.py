"""Whether a message is a bounce, an auto-reply or neither, and which prose format it is."""

from __future__ import annotations

import re

from headerlens.bounce.formats import HEURISTICS
from headerlens.bounce.formats._base import Context, Heuristic

__all__ = ["choose_heuristic", "is_autoreply", "looks_like_bounce", "worth_reading"]

# From fields of delivery reports: the MTA's own mailbox (RFC 5321 section 4.5.5 sends
# reports with a null reverse-path; the From names the reporting system).
BOUNCE_SENDERS = (
    "mailer-daemon",
    "postmaster",
    "mail delivery",
    "mmsc",
    "mailer daemon",
    "post_master",
)
BOUNCE_SUBJECTS = (
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
# Subjects of the formats recognised by their subject (feedback forwards, EZweb, Domino).
_FORMAT_SUBJECTS = (
    "complaint about message from",
    "abuse report",
    "mail system error",
    "delivery failure:",
    "delivery report:",
    "automatic reply",
)
# Senders' domains of the formats recognised by their sender (KDDI/au, Verizon MMS, Amazon
# SES notifications sent through SNS).
_FORMAT_SENDERS = (
    "ezweb.ne.jp",
    "dion.ne.jp",
    "auone-net.jp",
    "au.com",
    "vzwpix.com",
    "vtext.com",
    "amazonaws.com",
    "amazonses.com",
)
# Fields whose presence marks a report or an automatic message: Exim's list of failed
# recipients, Hotmail's complaint forwards, fml's list server, McAfee's appliance, SNS.
_FORMAT_FIELDS = (
    "x-failed-recipients",
    "x-hmxmroriginalrecipient",
    "x-mlserver",
    "x-nai-header",
    "x-amz-sns-message-id",
)


def worth_reading(ctx: Context) -> bool:
    """Whether the message may be a report, judged from the parsed header fields alone
    (and a byte search of the body for a nested report part): the gate before any MIME or
    prose work.

    A report shows itself in its header: a ``multipart/report`` Content-Type (RFC 6522), a
    reporting system as sender or a bounce subject, a null Return-Path (RFC 5321 section
    4.5.5), ``Auto-Submitted`` (RFC 3834 section 5), the auto-reply marks, or a vendor's own
    field or sender. A delivery-status or feedback-report part nested deeper (a forwarded
    report) is found by its type name in the body bytes. A prose bounce carrying none of
    these is not read.
    """
    if "report" in (ctx.header("content-type") or "").lower():
        return True
    if "active!hunter" in (ctx.header("content-type") or "").lower():
        return True
    if ctx.sender_has(*BOUNCE_SENDERS) or ctx.sender_has(*_FORMAT_SENDERS):
        return True
    if ctx.subject_has(*BOUNCE_SUBJECTS) or ctx.subject_has(*_FORMAT_SUBJECTS):
        return True
    return_path = ctx.header("return-path")
    if return_path is not None and return_path.strip() in ("<>", ""):
        return True
    if (ctx.header("auto-submitted") or "no").strip().lower() != "no":
        return True
    if any(ctx.header(name) is not None for name in _FORMAT_FIELDS) or is_autoreply(ctx):
        return True
    mailer = ((ctx.header("x-mailer") or "") + (ctx.header("x-original-mailer") or "")).lower()
    if "amazon workmail" in mailer or "<smtp32" in mailer:
        return True
    if "dragonfly mail agent" in (ctx.header("received") or "").lower():
        return True
    # Searched in place: a copy of the body (and a lower-cased second one) would cost twice
    # the size of a 50 MB message that is no bounce at all.
    message = ctx.message
    if message.body_start is None:
        return False
    return _BODY_CUES.search(message.source, message.body_start) is not None


# ASCII case-insensitive, as bytes.lower() is.
_BODY_CUES = re.compile(rb"delivery-status|feedback-report", re.IGNORECASE)


def is_autoreply(ctx: Context) -> bool:
    """An RFC 3834 automatic reply: ``Auto-Submitted: auto-replied``, the common
    auto-responder fields, or an out-of-office subject."""
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
        # "vacation" alone would take "Vacation Time, ..." offers for auto-replies.
        "vacation:",
        "vacation reply",
        "vacation message",
        "vacation notice",
        "vacation response",
        "vacation auto",
        "[vacation]",
        "i am away",
        "i'm away",
        "abwesenheit",
        "réponse automatique",
        "respuesta automática",
    )
    return subject.startswith(prefixes) or "(auto-reply)" in subject


def looks_like_bounce(ctx: Context) -> bool:
    """A delivery-status part, a reporting system as sender, or a bounce subject."""
    if ctx.has_dsn:
        return True
    return ctx.sender_has(*BOUNCE_SENDERS) or ctx.subject_has(*BOUNCE_SUBJECTS)


def choose_heuristic(ctx: Context) -> Heuristic | None:
    """The first prose format (most specific first) whose markers the message carries."""
    for h in HEURISTICS:
        try:
            if h.detect(ctx):
                return h
        except (ValueError, IndexError, KeyError):
            continue
    return None
