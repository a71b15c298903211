"""One recipient's outcome: status, reply code, SMTP command, provider and reason.

The status comes from the DSN's Status field (RFC 3464 section 2.3.4) or the remote
server's own words; the reason from the provider's rules and the classifier
(:mod:`headerlens.bounce.knowledge`).
"""

from __future__ import annotations

from headerlens.bounce import knowledge, providers
from headerlens.bounce._text import find_last_status, find_reply_code
from headerlens.bounce.classify import Decision, Evidence, decide
from headerlens.bounce.models import RecipientStatus

__all__ = ["extends", "recipient_status", "smtp_command", "vendor_reason"]


def recipient_status(
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
    reporter: str | None = None,
    reason_evidence: Evidence | None = None,
) -> RecipientStatus:
    """Decide one recipient's outcome from what the DSN fields and the prose said.

    ``reason`` is a reason the format reader stated itself, ``text_status`` a status code it
    read from the prose; ``temporary`` its own permanent/temporary judgement; ``reporter``
    the domain of the report's sender when it is the reporting system (MAILER-DAEMON@...).
    """
    diag = " ".join(diagnostic.split()) if diagnostic else None
    status, source, found = _status(dsn_status, text_status, diag)
    reply = reply_code or find_reply_code(diag)
    if reply and not reply.startswith(("4", "5")) and not (status or "").startswith("2"):
        reply = None
    act = action.lower() if action else None
    diag = _sweep_continuations(diag, reply, found or status)
    command = command or smtp_command(diag)
    provider = providers.find_provider(
        destination=address.rsplit("@", 1)[1] if address and "@" in address else None,
        remote_hosts=(remote_mta, *providers.hosts_in(diag)),
        local_host=local_host,
        reporter=reporter,
    )
    preset = reason
    decision = _reason(
        provider, diag, status, reply, act, command, diagnostic_type, preset, reason_evidence
    )
    reason = decision.reason
    if temporary is None:
        temporary = _temporary(status, reply, act)
    if status is None:
        # The stand-in code follows the format reader's own judgement when it made one
        # (a weak one may still be refined into the final reason), as Sisimai's readers set
        # it before the reason is decided.
        status = knowledge.pseudo_status(preset or reason, temporary)
        source = "inferred" if status else None
    cls, subj, det = knowledge.explain_status(status)
    info = knowledge.reason_info(reason)
    explanation = f"{info.description} {decision.evidence.sentence()}" if info else ""
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
        permanent=_permanent(status, reply),
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


def _reason(
    provider: providers.Provider | None,
    diag: str | None,
    status: str | None,
    reply: str | None,
    action: str | None,
    command: str | None,
    diagnostic_type: str | None,
    preset: str | None,
    preset_evidence: Evidence | None,
) -> Decision:
    """The reason: the provider's own codes and wording first when the format's reason is
    missing or weak (as Sisimai's remote-host rules run first), then the classifier."""
    if provider is not None and knowledge.is_weak(preset):
        found = providers.provider_reason(provider, diag, status, reply, command)
        if found is not None:
            return Decision(found[0], Evidence("provider", found[1], provider.name))
    return decide(
        diag,
        status,
        reply,
        action,
        command=command,
        diagnostic_type=diagnostic_type,
        preset=preset,
        preset_evidence=preset_evidence,
    )


def _status(
    dsn_status: str | None, text_status: str | None, diag: str | None
) -> tuple[str | None, str | None, str | None]:
    """The status, where it came from (``dsn`` or ``text``), and the code the text names.

    The DSN's Status field stands unless the remote server's own words name a code of the
    same class that is more specific than the summary the reporting MTA wrote (RFC 3464
    section 2.3.4 allows either).
    """
    status = dsn_status if knowledge.status_parts(dsn_status) else None
    source: str | None = "dsn" if status else None
    found = text_status or find_last_status(diag)
    pf = knowledge.status_parts(found)
    if found and pf is not None:
        ps = knowledge.status_parts(status)
        if ps is None:
            return found, "text", found
        if pf[0] == ps[0] and pf[1:] != ("0", "0") and pf != ps:
            return found, "text", found
    return status, source, found


def _temporary(status: str | None, reply: str | None, action: str | None) -> bool:
    """A failure is temporary when its code is class 4 (RFC 3463 section 3.1, RFC 5321
    section 4.2.1) or, with no code, when the DSN's Action is ``delayed``."""
    if status:
        return status.startswith("4")
    if reply:
        return reply.startswith("4")
    return action == "delayed"


def _permanent(status: str | None, reply: str | None) -> bool | None:
    """Class 5 status or 5xx reply: permanent; class 4 / 4xx: not; ``None`` when unknown."""
    if status and status[0] in "245":
        return status[0] == "5"
    if reply:
        return reply.startswith("5")
    return None


def extends(longer: str, shorter: str) -> bool:
    """Whether ``longer`` quotes ``shorter`` with its "(in reply to ...)" context after it."""
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


def smtp_command(diag: str | None) -> str | None:
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


def vendor_reason(fields: dict[str, str]) -> str | None:
    """A reason stated by a vendor extension field of the DSN recipient block."""
    category = (fields.get("x-powermta-bouncecategory") or "").strip().lower()
    return _POWERMTA.get(category)
