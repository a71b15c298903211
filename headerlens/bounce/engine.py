"""Reading one message as a delivery report: DSN, prose bounce, ARF report or auto-reply.

The steps, in order: what the readers look at (:mod:`~headerlens.bounce.context`), whether
it is a feedback report (:mod:`~headerlens.bounce.arf`), a bounce or an auto-reply
(:mod:`~headerlens.bounce.detect`), the recipients from the DSN fields and the format's
prose (here), each recipient's outcome (:mod:`~headerlens.bounce.recipient`) and the
returned original (:mod:`~headerlens.bounce.original`).
"""

from __future__ import annotations

from dataclasses import dataclass

from headerlens.bounce import arf, knowledge
from headerlens.bounce._parts import embedded_message, header_text, report_parts
from headerlens.bounce._text import clean_address, find_addresses, lines_of
from headerlens.bounce.classify import Evidence
from headerlens.bounce.context import STATUS_TYPES, Context
from headerlens.bounce.detect import (
    choose_heuristic,
    is_autoreply,
    looks_like_bounce,
    worth_reading,
)
from headerlens.bounce.dsn import parse_delivery_status, recipient_address, split_typed
from headerlens.bounce.formats import GENERIC
from headerlens.bounce.formats._base import Found, Heuristic
from headerlens.bounce.models import DeliveryReport, RecipientStatus
from headerlens.bounce.original import returned_original
from headerlens.bounce.recipient import extends, recipient_status, smtp_command, vendor_reason
from headerlens.defects import DefectLog
from headerlens.message import Message

__all__ = ["read_report"]


def read_report(
    message: Message, log: DefectLog, depth: int = 0, *, max_recipients: int = 1_000
) -> DeliveryReport | None:
    """Read ``message`` as a bounce, feedback report or auto-reply; ``None`` when it is neither.

    A notice that names no recipient itself but carries another bounce as its attached
    message (a gateway relaying the bounce it received, e.g. a Trend Micro scanner wrapping
    a sendmail DSN) is read through that attached bounce.
    """
    if not message.headers:
        return None
    ctx = Context(message, max_recipients=max_recipients)
    if not worth_reading(ctx):
        return None
    return read_context(ctx, log, depth)


def read_context(ctx: Context, log: DefectLog, depth: int = 0) -> DeliveryReport | None:
    """Read a message past the gate (:func:`~headerlens.bounce.detect.worth_reading`)."""
    feedback = arf.read_feedback(ctx, log)
    if feedback is not None:
        return feedback
    heuristic = choose_heuristic(ctx)
    if heuristic is None and not looks_like_bounce(ctx):
        if is_autoreply(ctx):
            return _autoreply(ctx)
        return None
    inner_log = DefectLog(strict=False)
    report = _bounce(ctx, heuristic, inner_log)
    if (report is None or not report.recipients) and depth < 2:
        wrapped = _wrapped_bounce(ctx, log, depth)
        if wrapped is not None:
            return wrapped
    for d in inner_log.defects:
        log.add(d.code, d.message, header_index=d.header_index)
    if report is not None:
        report = report.model_copy(update={"defects": log.defects})
    return report


def _wrapped_bounce(ctx: Context, log: DefectLog, depth: int) -> DeliveryReport | None:
    for p in ctx.parts:
        if p.ctype not in ("message/rfc822", "message/global"):
            continue
        inner = embedded_message(p, p.content())
        sender = header_text(inner, "from").lower()
        subject = header_text(inner, "subject").lower()
        is_report = report_parts(inner)[0].ctype == "multipart/report"
        if not (is_report or "mailer-daemon" in sender or "mail delivery" in sender) and not (
            "returned mail" in subject or "undeliver" in subject
        ):
            continue
        found = read_report(inner, log, depth + 1, max_recipients=ctx.max_recipients)
        if found is not None and found.recipients:
            return found
    return None


def _autoreply(ctx: Context) -> DeliveryReport:
    sender = find_addresses(ctx.sender)
    addr = sender[0][2] if sender else None
    body = " ".join(ctx.text.split())[:500] or None
    rec = RecipientStatus(
        final_recipient=addr,
        action=None,
        reason="vacation",
        diagnostic_code=body,
        permanent=None,  # not a delivery failure: neither permanent nor temporary
        hard_bounce=None,
        explanation="An automatic reply (RFC 3834), such as an out-of-office notice.",
    )
    return DeliveryReport(
        kind="autoreply", recipients=(rec,), source_format="rfc3834", subject=ctx.subject or None
    )


def _bounce(ctx: Context, heuristic: Heuristic | None, log: DefectLog) -> DeliveryReport | None:
    """A bounce: its recipients from the DSN fields and the format's prose, the original."""
    per_message, dsn_recipients, prose_dsn = _dsn_fields(ctx, heuristic, log)
    found: list[Found] = []
    use = heuristic or GENERIC
    try:
        found = use.read(ctx)
    except (ValueError, IndexError, KeyError):
        log.add("bounce.format_unreadable", f"the {use.name} heuristic could not read the prose")
    cap = ctx.max_recipients
    if len(dsn_recipients) > cap or (not dsn_recipients and len(found) > cap):
        log.add(
            "limits.bounce_recipients",
            f"the report names more than {cap} recipients; the rest were not read",
        )
        dsn_recipients, found = dsn_recipients[:cap], found[:cap]
    _k, local_host = split_typed(per_message.get("reporting-mta"))
    hosts = _Hosts(local_host, _reporter(ctx))
    if dsn_recipients:
        recipients = _from_dsn(dsn_recipients, found, use, hosts, log)
        kind = "dsn"
    else:
        recipients = _from_prose(found, prose_dsn, hosts)
        kind = "heuristic"
    if not recipients:
        # No recipient and nothing but a platform's fingerprint (X-Mailer: Amazon WorkMail, a
        # KDDI or Verizon sender, a list server's field), which ordinary mail from that
        # platform carries too: not a report. A DSN part or a reporting system's sender or
        # bounce subject keeps an empty report, so its defects say what could not be read.
        if not ctx.has_dsn and (heuristic is None or not looks_like_bounce(ctx)):
            return None
        log.add("bounce.no_recipients", "the report names no recipient that could be read")
    original, orig_source = returned_original(ctx, heuristic)
    if original is None:
        log.add("bounce.original_missing", "the returned original message is not included")
    _k, reporting = split_typed(per_message.get("reporting-mta"))
    _k, rfm = split_typed(per_message.get("received-from-mta"))
    return DeliveryReport(
        kind=kind,
        reporting_mta=reporting,
        recipients=tuple(recipients),
        original=original,
        defects=log.defects,
        source_format=(
            heuristic.name if heuristic else ("rfc3464" if ctx.has_dsn else GENERIC.name)
        ),
        arrival_date=per_message.get("arrival-date"),
        original_envelope_id=per_message.get("original-envelope-id"),
        received_from_mta=rfm,
        postfix_sender=per_message.get("x-postfix-sender"),
        original_source=orig_source if original is not None else None,
        subject=ctx.subject or None,
    )


def _dsn_fields(
    ctx: Context, heuristic: Heuristic | None, log: DefectLog
) -> tuple[dict[str, str], list[dict[str, str]], dict[str, dict[str, str]]]:
    """The DSN fields (RFC 3464 section 2): per-message fields, one block per recipient, and
    the blocks quoted in the prose of a forwarded or flattened bounce, by address."""
    per_message: dict[str, str] = {}
    dsn_recipients: list[dict[str, str]] = []
    for p in ctx.parts:
        if p.ctype in STATUS_TYPES:
            fields = parse_delivery_status(p.text())
            for k, v in fields.message.items():
                per_message.setdefault(k, v)
            dsn_recipients.extend(fields.recipients)
            if not fields.recipients:
                log.add("bounce.dsn_no_recipients", "the delivery-status part names no recipient")
    low_text = ctx.low_text
    if (
        not dsn_recipients
        and heuristic is None
        and "final-recipient:" in low_text
        and "status:" in low_text
    ):
        # DSN fields pasted into the prose (some MTAs do this without a report part).
        fields = parse_delivery_status(_dsn_like(ctx.text))
        dsn_recipients = [r for r in fields.recipients if recipient_address(r)]
        per_message.update(fields.message)
    prose_dsn: dict[str, dict[str, str]] = {}
    if not dsn_recipients and heuristic is not None and "final-recipient:" in low_text:
        # A forwarded or flattened bounce keeps its DSN fields as text: their Status
        # stands for the recipients the format's prose names.
        for r in parse_delivery_status(_dsn_like(ctx.text)).recipients:
            addr = recipient_address(r)
            if addr:
                prose_dsn.setdefault(addr.lower(), r)
    return per_message, dsn_recipients, prose_dsn


@dataclass(frozen=True, slots=True)
class _Hosts:
    """Who reported: the Reporting-MTA host and the domain of a system sender."""

    local_host: str | None
    reporter: str | None


_SYSTEM_SENDERS = ("mailer-daemon", "postmaster", "mailer_daemon", "mail-daemon")


def _reporter(ctx: Context) -> str | None:
    """The domain of the report's sender when it is the reporting system itself."""
    for _s, _e, addr in find_addresses(ctx.sender):
        local, _at, domain = addr.rpartition("@")
        if local.lower() in _SYSTEM_SENDERS:
            return domain.lower()
    return None


def _from_dsn(
    dsn_recipients: list[dict[str, str]],
    found: list[Found],
    use: Heuristic,
    hosts: _Hosts,
    log: DefectLog,
) -> list[RecipientStatus]:
    """One recipient per DSN block, completed with what the prose says about it."""
    recipients: list[RecipientStatus] = []
    by_addr = {f.address.lower(): f for f in found}
    for i, r in enumerate(dsn_recipients):
        addr = recipient_address(r)
        f = by_addr.get(addr.lower()) if addr else None
        if f is None and len(found) == 1 and len(dsn_recipients) == 1:
            f = found[0]
        if f is None and len(found) == len(dsn_recipients):
            f = found[i]
        dtype, dtext = split_typed(r.get("diagnostic-code"))
        if f is not None and f.diagnostic and (not dtext or len(dtext) < 8):
            dtext = f.diagnostic
        elif f is not None and dtext and extends(f.diagnostic, dtext):
            # The prose quotes the same reply with its context ("... (in reply to
            # MAIL FROM command)"), which the DSN's Diagnostic-Code left out.
            dtext = f.diagnostic
        _k, remote = split_typed(r.get("remote-mta"))
        _k2, orig = split_typed(r.get("original-recipient"))
        if addr is None:
            log.add("bounce.recipient_missing", "a recipient block has no Final-Recipient")
        status = r.get("status")
        if (
            status is not None
            and knowledge.status_parts(status.split()[0] if status.split() else "") is None
        ):
            log.add("bounce.invalid_status", f"Status {status!r} is not an RFC 3463 code")
            status = None
        elif status is not None:
            status = status.split()[0]
        action = (r.get("action") or "").split()[0] if r.get("action") else None
        if f is not None and use.prose_over_dsn:
            # The format's prose is more faithful than its generated DSN part: its Status
            # is set aside, and a code comes from the prose (``text``) or is inferred.
            status, action = None, f.action or ("delayed" if f.temporary else "failed")
        preset, preset_evidence = _dsn_preset(f, r, action)
        recipients.append(
            recipient_status(
                addr,
                original_recipient=clean_address(orig),
                action=action,
                dsn_status=status,
                diagnostic=dtext,
                diagnostic_type=dtype,
                remote_mta=remote or (f.remote_mta if f else None),
                reply_code=f.reply_code if f else None,
                reason=preset,
                reason_evidence=preset_evidence,
                last_attempt=r.get("last-attempt-date"),
                retry_until=r.get("will-retry-until"),
                command=(f.command or smtp_command(f.diagnostic)) if f else None,
                text_status=f.status if f and f.status else None,
                local_host=hosts.local_host,
                reporter=hosts.reporter,
            )
        )
    return recipients


def _basis(f: Found) -> Evidence:
    """The evidence of a reason the format reader stated: its own words, if it quoted any."""
    return Evidence("format", f.basis)


def _dsn_preset(
    f: Found | None, fields: dict[str, str], action: str | None
) -> tuple[str | None, Evidence | None]:
    """The reason a DSN recipient comes with before its wording is read, and why: the
    format's prose, a vendor field (PowerMTA's bounce category), or Action: delayed (RFC
    3464 section 2.3.3: still being retried, so not delivered in time, 'expired', a weak
    guess that the wording may refine)."""
    if f is not None and f.reason:
        return f.reason, _basis(f)
    vendor = vendor_reason(fields)
    if vendor:
        category = fields.get("x-powermta-bouncecategory", "").strip()
        return vendor, Evidence("format", f"X-PowerMTA-BounceCategory: {category}")
    if action and action.lower() == "delayed":
        return "expired", Evidence("action", "delayed")
    return None, None


def _from_prose(
    found: list[Found], prose_dsn: dict[str, dict[str, str]], hosts: _Hosts
) -> list[RecipientStatus]:
    """One recipient per address the format's prose names."""
    recipients: list[RecipientStatus] = []
    for f in found:
        quoted = prose_dsn.get(f.address.lower(), {})
        quoted_status = (quoted.get("status") or "").split()
        recipients.append(
            recipient_status(
                f.address,
                action=f.action or ("delayed" if f.temporary else "failed"),
                dsn_status=quoted_status[0] if quoted_status else None,
                diagnostic=f.diagnostic,
                remote_mta=f.remote_mta,
                reply_code=f.reply_code,
                reason=f.reason,
                reason_evidence=_basis(f) if f.reason else None,
                temporary=f.temporary,
                command=f.command,
                text_status=f.status,
                local_host=hosts.local_host,
                reporter=hosts.reporter,
            )
        )
    return recipients


def _dsn_like(text: str) -> str:
    """The ``Name: value`` lines of prose (and their folds), for DSN fields pasted as text."""
    keep: list[str] = []
    for line in lines_of(text):
        s = line.strip()
        if not s:
            keep.append("")
            continue
        colon = s.find(":")
        if colon > 0 and " " not in s[:colon]:
            keep.append(s)
        elif line[:1] in (" ", "\t") and keep and keep[-1]:
            keep.append(" " + s)
    return "\n".join(keep)
