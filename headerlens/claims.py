"""A mail client's summary of a message (Gmail's "Show original" table) compared with the
message itself.

The summary is what the client claimed: its SPF/DKIM/DMARC lines come from the receiving
side's own Authentication-Results (RFC 8601), its Message ID and From/To/Subject from the
header fields, "Created at" is the Date field shown in the viewer's local time, and "Delivered
after" the delay to delivery. When a pasted page and its raw headers disagree, one of them was
edited or they belong to different messages: each disagreement is an
``intake.client_claim_differs`` finding; when everything checked agrees, one
``intake.client_claims_agree`` finding lists what was compared.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from headerlens.auth.models import AuthResultsHeader, DkimResult
from headerlens.findings import Finding, make_finding
from headerlens.message import ClientSummary, Message

__all__ = ["compare_client_summary"]

# Gmail's local rendering of the Date field: "Tue, Mar 3, 2026 at 10:00 AM" (English UI).
_GMAIL_TIME = re.compile(
    r"(?:[A-Za-z]{3},\s*)?([A-Za-z]{3})\s+(\d{1,2}),\s*(\d{4})\s+at\s+(\d{1,2}):(\d{2})"
    r"(?::(\d{2}))?\s*([AaPp][Mm])?"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _local_time(text: str) -> dt.datetime | None:
    m = _GMAIL_TIME.search(text)
    if m is None:
        return None
    month = _MONTHS.get(m.group(1).lower())
    if month is None:
        return None
    hour, minute = int(m.group(4)), int(m.group(5))
    ampm = (m.group(7) or "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        return dt.datetime(
            int(m.group(3)), month, int(m.group(2)), hour, minute, int(m.group(6) or 0)
        )
    except ValueError:
        return None


def _mailbox(text: str | None) -> str | None:
    if not text:
        return None
    lt, gt = text.rfind("<"), text.rfind(">")
    inner = text[lt + 1 : gt] if 0 <= lt < gt else text
    inner = inner.strip().lower()
    return inner if "@" in inner else None


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _receiver_results(auth_results: Sequence[AuthResultsHeader]) -> AuthResultsHeader | None:
    """The receiving side's Authentication-Results: Google's own, else the topmost trusted
    one, else the topmost."""
    plain = [a for a in auth_results if a.instance is None]
    for a in plain:
        ident = (a.authserv_id or "").lower()
        if ident == "google.com" or ident.endswith(".google.com"):
            return a
    trusted = [a for a in plain if a.trusted]
    if trusted:
        return trusted[0]
    return plain[0] if plain else None


def _method_results(header: AuthResultsHeader | None, method: str) -> list[tuple[str, str]]:
    """``(result, domain)`` pairs of ``method`` in ``header`` (domain: header.d/header.i,
    smtp.mailfrom or header.from, whatever the method reports)."""
    if header is None:
        return []
    out = []
    for r in header.results:
        if r.method.lower() != method:
            continue
        domain = ""
        for p in r.properties:
            if f"{p.ptype}.{p.name}".lower() in ("header.d", "header.i", "header.from"):
                domain = p.value.rsplit("@", 1)[-1].lower().rstrip(".")
                break
        out.append((r.result.lower(), domain))
    return out


class _Comparison:
    """The claims checked so far and those the message contradicts, with the header indexes
    that show it."""

    def __init__(self, message: Message) -> None:
        self.message = message
        self.checked: list[str] = []
        self.differs: list[tuple[str, tuple[int, ...]]] = []

    def field_index(self, name: str) -> tuple[int, ...]:
        found = self.message.fields(name)
        return (found[0].index,) if found else ()


def compare_client_summary(
    message: Message,
    summary: ClientSummary,
    *,
    auth_results: Sequence[AuthResultsHeader] = (),
    dkim: Sequence[DkimResult] = (),
    transit: dt.timedelta | None = None,
) -> list[Finding]:
    """Findings comparing what the client claimed with the message and headerlens' analyses.

    ``auth_results`` (the parsed Authentication-Results fields), ``dkim`` (headerlens' own
    DKIM results) and ``transit`` (the hop chain's transit time) are what the SPF/DKIM/DMARC
    and delay claims are held against.
    """
    cmp = _Comparison(message)
    _compare_fields(cmp, summary)
    _compare_times(cmp, summary, transit)
    receiver = _receiver_results(auth_results)
    _compare_spf_dmarc(cmp, summary, receiver)
    if summary.dkim is not None:
        _compare_dkim(cmp, summary, receiver, dkim)
    out = [
        make_finding(
            "intake.client_claim_differs",
            "warning",
            f"Gmail's summary says {text}: the pasted summary and the message disagree.",
            indexes,
        )
        for text, indexes in cmp.differs
    ]
    if not cmp.differs and cmp.checked:
        out.append(
            make_finding(
                "intake.client_claims_agree",
                "info",
                f"Gmail's summary agrees with the message ({', '.join(cmp.checked)}).",
            )
        )
    return out


def _compare_fields(cmp: _Comparison, summary: ClientSummary) -> None:
    """Message ID, Subject and From against the fields of that name (RFC 5322 3.6)."""
    message = cmp.message
    if summary.message_id is not None:
        cmp.checked.append("Message ID")
        have = message.get("Message-ID")
        if have is None or have.strip().strip("<>") != summary.message_id.strip().strip("<>"):
            cmp.differs.append(
                (
                    f"Message ID {summary.message_id!r} but the Message-ID field is {have!r}",
                    cmp.field_index("Message-ID"),
                )
            )
    if summary.subject is not None:
        cmp.checked.append("Subject")
        have = message.get("Subject")
        if _norm(have) != _norm(summary.subject):
            cmp.differs.append(
                (
                    f"Subject {summary.subject!r} but the Subject field is {have!r}",
                    cmp.field_index("Subject"),
                )
            )
    claimed_from = _mailbox(summary.sender)
    if claimed_from is not None:
        cmp.checked.append("From")
        have_from = {a.addr_spec.lower() for a in message.addresses("From") if a.addr_spec}
        if claimed_from not in have_from:
            cmp.differs.append(
                (
                    f"From {summary.sender!r} but the From field is {message.get('From')!r}",
                    cmp.field_index("From"),
                )
            )


def _compare_times(cmp: _Comparison, summary: ClientSummary, transit: dt.timedelta | None) -> None:
    """The creation time against the Date field (some time zone must reconcile them), the
    delivery delay against the hop chain's transit time."""
    if summary.created_at is not None:
        local = _local_time(summary.created_at)
        date = cmp.message.date()
        if local is not None and date is not None and date.datetime is not None:
            cmp.checked.append("Created at")
            utc = date.datetime.astimezone(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)
            offset = local.replace(second=0) - utc
            minutes = offset.total_seconds() / 60
            if abs(minutes) > 14 * 60 or minutes % 15:
                cmp.differs.append(
                    (
                        f"Created at {summary.created_at!r}, which no time zone makes the"
                        f" Date field {date.raw!r}",
                        cmp.field_index("Date"),
                    )
                )
    if summary.delivered_after is not None and transit is not None:
        cmp.checked.append("Delivered after")
        claimed = summary.delivered_after.total_seconds()
        ours = transit.total_seconds()
        if abs(claimed - ours) > max(120.0, 0.5 * max(claimed, ours)):
            cmp.differs.append(
                (
                    f"Delivered after {int(claimed)} s, but the Received chain shows a transit"
                    f" of {int(ours)} s",
                    (),
                )
            )


def _receiver_index(receiver: AuthResultsHeader | None) -> tuple[int, ...]:
    if receiver is None or receiver.header_index is None:
        return ()
    return (receiver.header_index,)


def _compare_spf_dmarc(
    cmp: _Comparison, summary: ClientSummary, receiver: AuthResultsHeader | None
) -> None:
    """SPF and DMARC against the receiver's Authentication-Results (RFC 8601)."""
    idx = _receiver_index(receiver)
    for method, claim in (("spf", summary.spf), ("dmarc", summary.dmarc)):
        if claim is None:
            continue
        results = _method_results(receiver, method)
        if not results:
            if receiver is not None:
                cmp.checked.append(method.upper())
                cmp.differs.append(
                    (f"{method.upper()} {claim!r} but Authentication-Results has no {method}", idx)
                )
            continue
        cmp.checked.append(method.upper())
        if claim not in {r for r, _d in results}:
            shown = ", ".join(r for r, _d in results)
            cmp.differs.append(
                (f"{method.upper()} {claim!r} but Authentication-Results says {shown}", idx)
            )


def _compare_dkim(
    cmp: _Comparison,
    summary: ClientSummary,
    receiver: AuthResultsHeader | None,
    dkim: Sequence[DkimResult],
) -> None:
    """DKIM against the receiver's Authentication-Results, and a claimed pass against
    headerlens' own re-verification of the signatures by that domain (RFC 6376)."""
    domain = summary.dkim_domain
    results = _method_results(receiver, "dkim")
    if results:
        cmp.checked.append("DKIM")
        matching = [r for r, d in results if domain is None or d == domain or not d]
        if summary.dkim not in matching:
            shown = ", ".join(f"{r} ({d or '?'})" for r, d in results)
            cmp.differs.append(
                (
                    f"DKIM {summary.dkim!r} for {domain or '?'} but Authentication-Results"
                    f" says {shown}",
                    _receiver_index(receiver),
                )
            )
    if summary.dkim != "pass" or domain is None:
        return
    signed = [r for r in dkim if (r.domain or "").lower().rstrip(".") == domain]
    if not signed:
        cmp.checked.append("DKIM signature")
        cmp.differs.append(
            (
                f"DKIM pass with domain {domain}, but the message has no DKIM-Signature"
                f" by {domain}",
                (),
            )
        )
    elif all(r.result == "fail" for r in signed):
        cmp.checked.append("DKIM signature")
        cmp.differs.append(
            (
                f"DKIM pass with domain {domain}, but headerlens finds every signature by"
                f" {domain} failing ({', '.join(r.reason for r in signed)})",
                tuple(r.header_index for r in signed),
            ),
        )
