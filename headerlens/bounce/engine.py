"""Reading one message as a delivery report: DSN, prose bounce, ARF report or auto-reply."""

from __future__ import annotations

from headerlens.bounce import arf, knowledge, providers
from headerlens.bounce._parts import (
    Part,
    decode_words,
    embedded_message,
    header_text,
    report_parts,
)
from headerlens.bounce._text import (
    clean_address,
    find_addresses,
    find_last_status,
    find_reply_code,
    lines_of,
)
from headerlens.bounce.dsn import parse_delivery_status, recipient_address, split_typed
from headerlens.bounce.formats import GENERIC, HEURISTICS
from headerlens.bounce.formats._base import Context, Found, Heuristic, cut_original
from headerlens.bounce.models import DeliveryReport, RecipientStatus
from headerlens.defects import Defect, DefectLog
from headerlens.message import Message
from headerlens.parse import parse_bytes

__all__ = ["read_report"]

STATUS_TYPES = ("message/delivery-status", "message/global-delivery-status")
ORIGINAL_TYPES = (
    "message/rfc822",
    "message/global",
    "text/rfc822-headers",
    "message/rfc822-headers",
    "text/rfc822-header",
    "message/partial",
)
HEADER_START = (
    "return-path:",
    "received:",
    "from:",
    "message-id:",
    "date:",
    "subject:",
    "to:",
    "dkim-signature:",
    "x-",
    "mime-version:",
    "content-type:",
    "delivered-to:",
)


def _report_text(parts: list[Part]) -> str:
    chunks: list[str] = []
    for p in parts:
        if p.ctype in ("text/plain", "text/enriched") or (
            p.ctype == "text/html" and not any(q.ctype == "text/plain" for q in parts)
        ):
            t = p.text()
            if p.ctype == "text/html":
                t = _strip_html(t)
            chunks.append(t)
    return "\n".join(chunks)


def _strip_html(html: str) -> str:
    out: list[str] = []
    in_tag = False
    buf: list[str] = []
    for ch in html:
        if in_tag:
            buf.append(ch)
            if ch == ">":
                in_tag = False
                tag = "".join(buf).lower()
                if tag.startswith(("<br", "<p", "</p", "<div", "</div", "<tr", "</tr", "<li")):
                    out.append("\n")
                elif tag.startswith(("<td", "</td")):
                    out.append(" ")
                buf = []
        elif ch == "<":
            in_tag = True
            buf = [ch]
        else:
            out.append(ch)
    text = "".join(out)
    for ent, rep in (
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", '"'),
        ("&amp;", "&"),
    ):
        text = text.replace(ent, rep)
    return text


def _is_autoreply(ctx: Context) -> bool:
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


def _looks_like_bounce(ctx: Context) -> bool:
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


def _build_context(message: Message) -> Context:
    parts = report_parts(message)
    root = parts[0]
    body_parts: list[Part] = []
    inside_original = False
    for p in parts:
        if p.ctype in ORIGINAL_TYPES:
            inside_original = True
        if not inside_original and not p.ctype.startswith("multipart/"):
            body_parts.append(p)
    text = _report_text(body_parts)
    has_dsn = any(p.ctype in STATUS_TYPES for p in parts)
    return Context(
        root=root,
        headers=root.headers,
        subject=decode_words(root.get("Subject") or ""),
        sender=decode_words(root.get("From") or ""),
        text=text,
        has_dsn=has_dsn,
        parts=parts,
    )


def _original(ctx: Context, heuristic: Heuristic | None) -> tuple[Message | None, str | None]:
    """The returned original (parsed from its exact bytes where possible), and where it
    came from."""
    for p in ctx.parts:
        if p.ctype in ("message/rfc822", "message/global", "message/partial"):
            data = p.content()
            if data.strip():
                return embedded_message(p, data), "message/rfc822"
        if p.ctype in ("text/rfc822-headers", "message/rfc822-headers", "text/rfc822-header"):
            data = p.payload()
            if data.strip():
                return embedded_message(p, data), "text/rfc822-headers"
    ends = heuristic.end if heuristic is not None else ()
    _report, rest = cut_original(ctx.text, ends or GENERIC.end)
    if rest is None:
        return None, None
    lines = lines_of(rest)
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].lstrip().lower().startswith(HEADER_START):
        block = "\n".join(line.lstrip() if j < 1 else line for j, line in enumerate(lines[i:]))
        return parse_bytes(block.encode("utf-8", "surrogateescape")), "quoted"
    return None, None


def _choose_heuristic(ctx: Context) -> Heuristic | None:
    for h in HEURISTICS:
        try:
            if h.detect(ctx):
                return h
        except (ValueError, IndexError, KeyError):
            continue
    return None


def _finish(
    address: str | None,
    *,
    original_recipient: str | None = None,
    action: str | None,
    dsn_status: str | None,
    diagnostic: str | None,
    diagnostic_type: str | None = None,
    remote_mta: str | None = None,
    reply_code: str | None = None,
    reason: str | None = None,
    temporary: bool | None = None,
    last_attempt: str | None = None,
    retry_until: str | None = None,
    command: str | None = None,
    text_status: str | None = None,
    local_host: str | None = None,
) -> RecipientStatus:
    diag = " ".join(diagnostic.split()) if diagnostic else None
    status = dsn_status if knowledge.status_parts(dsn_status) else None
    source: str | None = "dsn" if status else None
    found = text_status or find_last_status(diag)
    if found and knowledge.status_parts(found):
        if status is None:
            status, source = found, "text"
        else:
            ps, pf = knowledge.status_parts(status), knowledge.status_parts(found)
            assert ps is not None
            assert pf is not None
            if pf[0] == ps[0] and pf[1:] != ("0", "0") and pf != ps:
                # The remote server's own words are more specific than the summary code
                # the reporting MTA put in Status (RFC 3464 section 2.3.4 allows either).
                status, source = found, "text"
    reply = reply_code or find_reply_code(diag)
    if reply and not reply.startswith(("4", "5")) and not (status or "").startswith("2"):
        reply = None
    act = action.lower() if action else None
    diag = _sweep_continuations(diag, reply, found or status)
    command = command or _command(diag)
    provider = providers.find_provider(
        destination=address.rsplit("@", 1)[1] if address and "@" in address else None,
        remote_hosts=(remote_mta, *providers.hosts_in(diag)),
        local_host=local_host,
    )
    if provider is not None and knowledge.is_weak(reason):
        # The provider's own codes are more precise than generic wording (they run
        # before the general rules, as Sisimai's remote-host rules do).
        by_provider = providers.provider_reason(provider, diag, status, reply, command)
    else:
        by_provider = None
    reason = by_provider or knowledge.classify(
        diag,
        status,
        reply,
        act,
        command=command,
        diagnostic_type=diagnostic_type,
        preset=reason,
    )
    if temporary is None:
        if status:
            temporary = status.startswith("4")
        elif reply:
            temporary = reply.startswith("4")
        else:
            temporary = act == "delayed"
    if status is None:
        status = knowledge.pseudo_status(reason, temporary)
        source = "inferred" if status else None
    permanent: bool | None
    if status and status[0] in "245":
        permanent = status[0] == "5"
    elif reply:
        permanent = reply.startswith("5")
    else:
        permanent = None
    cls, subj, det = knowledge.explain_status(status)
    info = knowledge.reason_info(reason)
    explanation = info.description if info else ""
    return RecipientStatus(
        final_recipient=address,
        original_recipient=original_recipient,
        action=act,
        status=status,
        status_source=source,
        reply_code=reply,
        diagnostic_code=diag,
        diagnostic_type=diagnostic_type,
        remote_mta=remote_mta,
        reason=reason,
        permanent=permanent,
        hard_bounce=knowledge.is_hard(reason, status),
        explanation=explanation,
        status_class=cls,
        status_subject=subj,
        status_detail=det,
        last_attempt_date=last_attempt,
        will_retry_until=retry_until,
        command=command,
        provider=provider.key if provider is not None else None,
    )


def _extends(longer: str, shorter: str) -> bool:
    a, b = " ".join(longer.split()).lower(), " ".join(shorter.split()).lower()
    return len(a) > len(b) and b in a and "in reply to" in a[a.find(b) + len(b) :]


def _sweep_continuations(diag: str | None, reply: str | None, status: str | None) -> str | None:
    """Drop the ``550-5.2.1`` markers that start each continuation line of a multi-line
    reply (RFC 5321 section 4.2.1) once the lines are joined, so the sentence reads whole.

    Only when the code pair repeats (three or more times), as in a folded multi-line reply;
    the first occurrence stays.
    """
    if not diag or not reply:
        return diag
    words = diag.split(" ")
    marks = {f"{reply}-", f"{reply}-{status}" if status else f"{reply}-"}
    count = sum(1 for w in words if w == reply or w in marks or (status and w == status))
    if count <= 2:
        return diag
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if out and w in marks:
            i += 1
            continue
        if out and w == reply and i + 1 < len(words) and status and words[i + 1] == status:
            i += 2
            continue
        out.append(w)
        i += 1
    return " ".join(out)


_COMMANDS = (
    ("in reply to end of data", "DATA"),
    ("in reply to data", "DATA"),
    ("after end of data", "DATA"),
    ("after data", "DATA"),
    ("smtp command data", "DATA"),
    ("did not like our final data", "DATA"),
    (">>> data", "DATA"),
    ("in reply to mail from", "MAIL"),
    ("after mail from", "MAIL"),
    ("did not like our mail from", "MAIL"),
    ("in reply to rcpt to", "RCPT"),
    ("after rcpt to", "RCPT"),
    ("did not like our rcpt to", "RCPT"),
    (">>> rcpt to", "RCPT"),
    ("in reply to helo", "HELO"),
    ("in reply to ehlo", "EHLO"),
    ("after initial connection", "CONN"),
)


def _command(diag: str | None) -> str | None:
    """The SMTP command the error answered, as the MTA reports it."""
    if not diag:
        return None
    low = diag.lower()
    best: tuple[int, str] | None = None
    for marker, cmd in _COMMANDS:
        i = low.find(marker)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, cmd)
    if best:
        return best[1]
    return _command_word(diag)


_COMMAND_WORDS = ("HELO", "EHLO", "STARTTLS", "MAIL F", "RCPT", "DATA")


def _command_word(diag: str) -> str | None:
    """The last SMTP command named in upper case in ``diag`` (not inside a word)."""
    last: tuple[int, str] | None = None
    for word in _COMMAND_WORDS:
        start = 0
        while True:
            i = diag.find(word, start)
            if i < 0:
                break
            start = i + 1
            before = diag[i - 1] if i > 0 else " "
            after_i = i + len(word)
            after = diag[after_i] if after_i < len(diag) else " "
            if before.isalnum() or before in "@._-" or (" " not in word and after.isalnum()):
                continue
            if last is None or i > last[0]:
                last = (i, word[:4])
    return last[1] if last else None


def read_report(message: Message, log: DefectLog, depth: int = 0) -> DeliveryReport | None:
    """Read ``data`` as a bounce, feedback report or auto-reply; ``None`` when it is neither.

    A notice that names no recipient itself but carries another bounce as its attached
    message (a gateway relaying the bounce it received, e.g. a Trend Micro scanner wrapping
    a sendmail DSN) is read through that attached bounce.
    """
    if not message.headers:
        return None
    ctx = _build_context(message)
    feedback = arf.read_feedback(ctx, log)
    if feedback is not None:
        return feedback
    heuristic = _choose_heuristic(ctx)
    if heuristic is None and not _looks_like_bounce(ctx):
        if _is_autoreply(ctx):
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
        found = read_report(inner, log, depth + 1)
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
    found: list[Found] = []
    use = heuristic or GENERIC
    try:
        found = use.read(ctx)
    except (ValueError, IndexError, KeyError):
        log.add("bounce.format_unreadable", f"the {use.name} heuristic could not read the prose")
    recipients: list[RecipientStatus] = []
    by_addr = {f.address.lower(): f for f in found}
    _k, local_host = split_typed(per_message.get("reporting-mta"))
    if dsn_recipients:
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
            elif f is not None and dtext and _extends(f.diagnostic, dtext):
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
                # The format's prose is more faithful than its generated DSN part.
                status, action = f.status, f.action or ("delayed" if f.temporary else "failed")
            recipients.append(
                _finish(
                    addr,
                    original_recipient=clean_address(orig),
                    action=action,
                    dsn_status=status,
                    diagnostic=dtext,
                    diagnostic_type=dtype,
                    remote_mta=remote or (f.remote_mta if f else None),
                    reply_code=f.reply_code if f else None,
                    reason=(f.reason if f else None) or _vendor_reason(r),
                    last_attempt=r.get("last-attempt-date"),
                    retry_until=r.get("will-retry-until"),
                    command=(f.command or _command(f.diagnostic)) if f else None,
                    text_status=f.status if f and f.status else None,
                    local_host=local_host,
                )
            )
        kind = "dsn"
    else:
        for f in found:
            quoted = prose_dsn.get(f.address.lower(), {})
            quoted_status = (quoted.get("status") or "").split()
            recipients.append(
                _finish(
                    f.address,
                    action=f.action or ("delayed" if f.temporary else "failed"),
                    dsn_status=quoted_status[0] if quoted_status else None,
                    diagnostic=f.diagnostic,
                    remote_mta=f.remote_mta,
                    reply_code=f.reply_code,
                    reason=f.reason,
                    temporary=f.temporary,
                    command=f.command,
                    text_status=f.status,
                    local_host=local_host,
                )
            )
        kind = "heuristic"
    if not recipients:
        if heuristic is None and not ctx.has_dsn:
            return None
        log.add("bounce.no_recipients", "the report names no recipient that could be read")
    original, orig_source = _original(ctx, heuristic)
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


# PowerMTA's X-PowerMTA-BounceCategory values in its DSNs, and the reason each one means.
_POWERMTA = {
    "bad-mailbox": "userunknown",
    "bad-domain": "hostunknown",
    "inactive-mailbox": "suspend",
    "quota-issues": "mailboxfull",
    "message-expired": "expired",
    "no-answer-from-host": "networkerror",
    "bad-connection": "networkerror",
    "routing-errors": "systemerror",
    "policy-related": "policyviolation",
    "spam-related": "spamdetected",
    "virus-related": "virusdetected",
    "content-related": "contenterror",
    "relaying-issues": "norelaying",
    "invalid-sender": "rejected",
    "protocol-errors": "syntaxerror",
}


def _vendor_reason(fields: dict[str, str]) -> str | None:
    """A reason stated by a vendor extension field of the DSN recipient block."""
    category = (fields.get("x-powermta-bouncecategory") or "").strip().lower()
    return _POWERMTA.get(category)


def _dsn_like(text: str) -> str:
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


def report_defects(log: DefectLog) -> tuple[Defect, ...]:
    """The defects recorded so far."""
    return log.defects
