"""Findings that connect a bounce to the analysis of its returned original.

The bounce says why the receiver refused the message (e.g. 5.7.26, "DMARC policy"); the
original's own header analysis (DKIM signatures, Authentication-Results, DMARC alignment, the
hop chain) often shows the cause. These findings put the two side by side.
"""

from __future__ import annotations

from typing import Protocol

from headerlens.auth.models import AuthResultsHeader, DkimResult, DmarcReport
from headerlens.bounce.models import DeliveryReport, RecipientStatus
from headerlens.domains import organizational_domain
from headerlens.findings import Finding, make_finding
from headerlens.message import Message

__all__ = ["OriginalAnalysis", "link_original", "report_findings"]


class OriginalAnalysis(Protocol):
    """What :func:`link_original` reads of the returned original's analysis (a
    :class:`~headerlens.report.Report` is one; the bounce step sits below the report)."""

    @property
    def message(self) -> Message: ...

    @property
    def dmarc(self) -> DmarcReport | None: ...

    @property
    def dkim(self) -> tuple[DkimResult, ...]: ...

    @property
    def auth_results(self) -> tuple[AuthResultsHeader, ...]: ...

    @property
    def origin_ip(self) -> str | None: ...


_AUTH_REASONS = frozenset({"authfailure"})
_BLOCK_REASONS = frozenset({"blocked", "badreputation", "spamdetected"})
_BLOCK_WHY = {
    "blocked": "the receiver refused the sending host (a block list, a dynamic-looking IP"
    " or its HELO name)",
    "badreputation": "the receiver refused the sending host for its poor reputation",
    "spamdetected": "the receiver's filter judged the content to be spam",
}


def _label(r: RecipientStatus) -> str:
    code = " ".join(x for x in (r.reply_code, r.status) if x)
    return f"{r.final_recipient or 'a recipient'} ({code or r.reason})"


def report_findings(report: DeliveryReport) -> tuple[Finding, ...]:
    """Findings from the bounce alone: hard bounces (addresses to stop mailing)."""
    out: list[Finding] = []
    hard = [r for r in report.recipients if r.hard_bounce]
    if hard:
        out.append(
            make_finding(
                "bounce.hard_bounce",
                "notice",
                "The address is bad and retrying will not help: "
                + ", ".join(_label(r) for r in hard),
                detail="; ".join(f"{r.reason}: {r.explanation}" for r in hard),
            )
        )
    return tuple(out)


def _dmarc_text(r: RecipientStatus) -> bool:
    low = (r.diagnostic_code or "").lower()
    return "dmarc" in low or ((r.status or "") in ("5.7.26", "5.7.509", "5.7.1") and "dmarc" in low)


def _org(domain: str | None) -> str | None:
    if not domain:
        return None
    try:
        return organizational_domain(domain)
    except ValueError:
        return domain.lower()


def link_original(
    delivery: DeliveryReport, original_report: OriginalAnalysis
) -> tuple[Finding, ...]:
    """Findings that explain the bounce from the original's analysis (RFC 3464 + RFC 7489).

    For an authentication rejection (5.7.26, 5.7.509, "DMARC policy", SPF/DKIM wording) it
    states whether the original was DKIM-signed, whether the signing domain aligns with the
    From domain, and whether the SPF domain does; for a block or PTR rejection it names the
    original's origin IP; it flags bounced recipients that the original was not addressed to.
    """
    return (
        *_auth_rejection(delivery, original_report),
        *_origin_rejections(delivery, original_report),
        *_not_addressed(delivery, original_report),
    )


def _auth_rejection(delivery: DeliveryReport, original_report: OriginalAnalysis) -> list[Finding]:
    """An authentication rejection (RFC 7489, RFC 7208, RFC 6376) against what the original
    shows: its DKIM signing domains and SPF domain, aligned with its From or not."""
    out: list[Finding] = []
    auth = [r for r in delivery.recipients if r.reason in _AUTH_REASONS or _dmarc_text(r)]
    if not auth:
        return out
    dmarc = original_report.dmarc
    from_domain, spf_domain = _original_domains(original_report)
    from_org = _org(from_domain)
    dkim_domains = tuple(d.domain for d in original_report.dkim if d.domain)
    aligned_dkim = [d for d in dkim_domains if from_org and _org(d) == from_org]
    # One finding per fact: the rejection finding names the rejection and what is in
    # order; each problem of the original (unsigned, DKIM not aligned, SPF domain
    # foreign) is its own finding below, not repeated here (docs/bounces.md).
    spf_foreign = bool(spf_domain and from_org and _org(spf_domain) != from_org)
    is_dmarc = any(_dmarc_text(r) or r.status in ("5.7.26", "5.7.509") for r in auth)
    parts = [
        f"{_label(auth[0])} was rejected for failing "
        + ("DMARC" if is_dmarc else "sender authentication (SPF/DKIM)")
    ]
    if aligned_dkim:
        parts.append(f"the original's DKIM d={aligned_dkim[0]} aligns with its From")
    if spf_domain and not spf_foreign:
        parts.append(f"its SPF domain {spf_domain} aligns with the From")
    if dmarc is not None and dmarc.result:
        parts.append(f"DMARC as analysed here: {dmarc.result}")
    if not aligned_dkim or spf_foreign:
        parts.append("the original's own problems follow as separate findings")
    code = "bounce.dmarc_rejection" if is_dmarc else "bounce.auth_rejection"
    out.append(
        make_finding(
            code,
            "warning",
            "; ".join(parts) + ".",
            detail=auth[0].diagnostic_code,
        )
    )
    if not dkim_domains:
        out.append(
            make_finding(
                "bounce.original_unsigned",
                "warning",
                "The returned original has no DKIM-Signature; DMARC can then only pass "
                "through an aligned SPF domain.",
            )
        )
    elif not aligned_dkim:
        out.append(
            make_finding(
                "bounce.original_dkim_misaligned",
                "warning",
                f"The original's DKIM d={', '.join(dkim_domains)} does not align with its"
                f" From domain {from_domain or '(unknown)'}.",
            )
        )
    if spf_foreign:
        out.append(
            make_finding(
                "bounce.original_spf_foreign",
                "notice",
                f"The original's envelope (SPF) domain {spf_domain} does not align with"
                f" its From domain {from_domain}.",
            )
        )
    return out


def _original_domains(original_report: OriginalAnalysis) -> tuple[str | None, str | None]:
    """The original's From domain and SPF (MAIL FROM) domain: DMARC's, else the From field's
    and the last ``smtp.mailfrom`` of its Authentication-Results (RFC 8601)."""
    dmarc = original_report.dmarc
    from_domain = dmarc.from_domain if dmarc is not None else None
    if from_domain is None:
        addrs = original_report.message.addresses("From")
        from_domain = addrs[0].domain_ascii if addrs else None
    spf_domain = dmarc.spf_domain if dmarc is not None else None
    if spf_domain is None:
        for h in original_report.auth_results:
            for res in h.results:
                if res.method == "spf":
                    for p in res.properties:
                        if p.ptype == "smtp" and p.name == "mailfrom" and p.value:
                            spf_domain = p.value.rsplit("@", 1)[-1].strip("<> ").lower()
    return from_domain, spf_domain


def _origin_rejections(
    delivery: DeliveryReport, original_report: OriginalAnalysis
) -> list[Finding]:
    """A rejection of the sending host (no PTR name, a block list, a reputation block),
    with the original's origin IP."""
    out: list[Finding] = []
    ptr = [r for r in delivery.recipients if r.reason == "requireptr"]
    if ptr:
        out.append(
            make_finding(
                "bounce.ptr_rejection",
                "warning",
                f"{_label(ptr[0])} was rejected because the sending IP has no reverse DNS"
                f" (PTR) name; the original left from"
                f" {original_report.origin_ip or 'an unknown IP'}.",
                detail=ptr[0].diagnostic_code,
            )
        )
    blocked = [r for r in delivery.recipients if r.reason in _BLOCK_REASONS]
    if blocked:
        out.append(
            make_finding(
                "bounce.blocked_origin",
                "warning",
                f"{_label(blocked[0])} was rejected: "
                f"{_BLOCK_WHY.get(blocked[0].reason or '', 'the receiver refused it')};"
                f" the original left from {original_report.origin_ip or 'an unknown IP'}.",
                detail=blocked[0].diagnostic_code,
            )
        )
    return out


def _not_addressed(delivery: DeliveryReport, original_report: OriginalAnalysis) -> list[Finding]:
    """Bounced recipients the original's To, Cc or delivery fields do not name."""
    out: list[Finding] = []
    named: set[str] = set()
    msg = original_report.message
    for field in ("To", "Cc", "Delivered-To", "X-Original-To"):
        for a in msg.addresses(field):
            if a.addr_spec:
                named.add(a.addr_spec.lower())
    if named:
        missing = [
            r.final_recipient
            for r in delivery.recipients
            if r.final_recipient
            and r.final_recipient.lower() not in named
            and r.original_recipient is None
            and delivery.kind in ("dsn", "heuristic")
        ]
        if missing:
            out.append(
                make_finding(
                    "bounce.recipient_not_in_original",
                    "info",
                    "Bounced recipient not named in the original's To/Cc (Bcc, alias or "
                    "forwarding): " + ", ".join(missing),
                )
            )
    return out
