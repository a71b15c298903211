"""Findings from the live checks: what the domain owner has to fix, in plain words.

Each finding names today's state ("now") and, where it helps, what to change. They are kept
in ``LiveChecks.findings``, apart from the findings drawn from the headers.
"""

from __future__ import annotations

from headerlens.checks._dns import FAILED
from headerlens.checks.models import (
    BimiCheck,
    BlocklistCheck,
    DaneCheck,
    DkimKeyCheck,
    DmarcCheck,
    MtaStsCheck,
    MxCheck,
    ReverseDnsCheck,
    SpfNow,
    TlsRptCheck,
)
from headerlens.findings import Finding, Severity, make_finding

__all__ = ["CheckFindings"]


class CheckFindings:
    """Collects findings in the order the checks ran; ``header_indexes`` cite the fields the
    checked names came from."""

    def __init__(self) -> None:
        self.items: list[Finding] = []

    def add(
        self,
        code: str,
        severity: Severity,
        summary: str,
        indexes: tuple[int, ...] | list[int] = (),
        detail: str | None = None,
    ) -> None:
        self.items.append(make_finding(code, severity, summary, list(indexes), detail))

    def spf(self, spf: SpfNow, indexes: tuple[int, ...]) -> None:
        c = spf.check
        where = f"{c.ip} sending as {c.sender}"
        if spf.identity == "helo":
            if c.result in ("fail", "softfail"):
                self.add(
                    "checks.helo_spf_fail_now",
                    "notice",
                    f"SPF of the HELO name {c.domain} {c.result}s for {c.ip} now: add the IP to"
                    f" the SPF record of {c.domain} or use a HELO name whose SPF allows it.",
                    indexes,
                    c.detail,
                )
            return
        if c.result in ("fail", "softfail"):
            self.add(
                "checks.spf_fail_now",
                "warning",
                f"SPF of {c.domain} {c.result}s now for {where}: the sender must authorize"
                f" this host in the SPF record of {c.domain} (an ip4:/ip6: or the provider's"
                " include:).",
                indexes,
                c.detail,
            )
        elif c.result == "permerror":
            self.add(
                "checks.spf_error_now",
                "warning",
                f"The SPF record of {c.domain} is broken now ({c.reason}): {c.detail}"
                " Receivers treat it as a permanent error; the sender must fix the record.",
                indexes,
            )
        elif c.result == "none" and c.reason in ("no_record", "nxdomain"):
            self.add(
                "checks.spf_none_now",
                "notice",
                f"{c.domain} publishes no SPF record now: receivers cannot tell which hosts"
                " may send for it. The sender should publish one.",
                indexes,
            )
        if spf.comparison == "changed":
            self.add(
                "checks.spf_changed",
                "notice",
                f"SPF for {where} gives {c.result} now, but the receiver recorded"
                f" {spf.recorded} at delivery: the SPF setup changed since.",
                (
                    *indexes,
                    *([spf.recorded_header_index] if spf.recorded_header_index is not None else []),
                ),
            )

    def reverse_dns(self, r: ReverseDnsCheck) -> None:
        if r.role != "origin":
            return
        idx = [r.header_index] if r.header_index is not None else []
        if r.outcome not in FAILED and not r.ptr:
            self.add(
                "checks.ptr_missing",
                "warning",
                f"{r.ip} has no reverse DNS (PTR) now: whoever runs that IP must publish a PTR"
                " record naming the mail server, with a matching A/AAAA record.",
                idx,
            )
        elif r.fcrdns is False:
            self.add(
                "checks.ptr_not_confirmed",
                "warning",
                f"{r.ip} has PTR {', '.join(r.ptr)}, but that name does not resolve back to"
                f" {r.ip}: add the address to the name's A/AAAA records, or change the PTR.",
                idx,
            )
        if r.helo_matches is False and r.helo and not r.helo.startswith("["):
            self.add(
                "checks.helo_not_ptr",
                "notice",
                f"{r.ip} introduces itself as {r.helo}, but its reverse DNS is"
                f" {', '.join(r.ptr)}: receivers trust a HELO that matches the PTR name more.",
                idx,
            )
        if r.comparison == "changed":
            self.add(
                "checks.rdns_changed",
                "info",
                f"Reverse DNS of {r.ip} is {', '.join(r.ptr) or 'missing'} now; the receiving"
                f" MTA recorded {r.recorded_rdns} at delivery.",
                idx,
            )

    def blocklist(self, b: BlocklistCheck, indexes: tuple[int, ...]) -> None:
        if b.refused:
            self.add("checks.blocklist_refused", "notice", b.note, indexes)
        elif b.listed and b.kind == "allow":
            self.add("checks.allowlisted", "info", b.note, indexes)
        elif b.listed:
            self.add(
                "checks.blocklisted",
                "warning",
                f"{b.note} The operator of {b.ip} must remove the cause and request delisting.",
                indexes,
                b.reason_text,
            )

    def dkim(self, k: DkimKeyCheck) -> None:
        idx = (k.header_index,)
        if k.status == "removed":
            self.add(
                "checks.dkim_key_removed",
                "warning",
                f"The DKIM key {k.name} is gone now: if {k.domain} still signs with selector"
                f" {k.selector}, its mail fails DKIM; publish the key or sign with a published"
                " selector.",
                idx,
            )
        elif k.status == "revoked":
            self.add(
                "checks.dkim_key_revoked",
                "warning",
                f"The DKIM key {k.name} is revoked now (empty p=): mail still signed with"
                f" selector {k.selector} fails DKIM.",
                idx,
            )
        elif k.status == "rotated":
            self.add(
                "checks.dkim_key_rotated",
                "notice",
                f"The DKIM key at {k.name} changed since the signature was checked (rotated):"
                " this message no longer verifies; new mail is fine if it is signed with the"
                " new key.",
                idx,
            )

    def dmarc(self, d: DmarcCheck, indexes: tuple[int, ...]) -> None:
        if d.outcome in FAILED:
            return
        if d.outcome == "several_records":
            self.add(
                "checks.dmarc_invalid",
                "warning",
                f"{d.name} holds several DMARC records: receivers apply none. Keep exactly one.",
                indexes,
            )
            return
        if d.record is None:
            self.add(
                "checks.dmarc_missing",
                "warning",
                f"{d.from_domain} publishes no DMARC record now: anyone can send as"
                f" {d.from_domain} without a policy stopping it. Publish _dmarc.{d.from_domain}"
                " (start with p=none and rua= reports).",
                indexes,
            )
            return
        if d.applied == "none":
            self.add(
                "checks.dmarc_monitoring",
                "notice",
                f"The DMARC policy for {d.from_domain} is none now (monitoring only): mail"
                " failing DMARC is still delivered. Move to quarantine or reject once the"
                " reports show all legitimate mail passes.",
                indexes,
            )
        if d.pct is not None and d.pct < 100 and d.applied in ("quarantine", "reject"):
            self.add(
                "checks.dmarc_partial",
                "notice",
                f"The DMARC policy for {d.from_domain} applies to {d.pct}% of failing mail"
                " (pct): the rest is treated one step more leniently.",
                indexes,
            )
        if not d.rua:
            self.add(
                "checks.dmarc_no_reports",
                "info",
                f"The DMARC record of {d.from_domain} asks for no aggregate reports (rua=),"
                " so the domain owner does not see who sends as the domain.",
                indexes,
            )
        if d.comparison == "changed":
            self.add(
                "checks.dmarc_changed",
                "info",
                f"The DMARC policy of {d.from_domain} changed since delivery: "
                + "; ".join(d.changes)
                + ".",
                indexes,
            )

    def mx(self, m: MxCheck, indexes: tuple[int, ...]) -> None:
        sender = any(r in ("envelope-sender", "from") for r in m.roles)
        if m.outcome == "nxdomain":
            self.add(
                "checks.domain_missing",
                "critical" if sender else "warning",
                f"{m.domain} does not exist in DNS now (NXDOMAIN): mail from it is refused by"
                " most receivers, and nothing can be sent to it.",
                indexes,
            )
            return
        if m.null_mx and sender:
            self.add(
                "checks.mx_null",
                "notice",
                f"{m.domain} publishes a null MX (RFC 7505): replies and bounces to the"
                " sender are refused.",
                indexes,
            )
        aliases = [h.exchange for h in m.hosts if h.alias_of]
        if aliases:
            self.add(
                "checks.mx_cname",
                "warning",
                f"The MX host {', '.join(aliases)} of {m.domain} is an alias (CNAME): point the"
                " MX record at the canonical host name instead (RFC 2181 10.3).",
                indexes,
            )
        if m.accepts_mail is False and not m.null_mx:
            self.add(
                "checks.mx_unreachable",
                "warning",
                f"No host can receive mail for {m.domain} now: {m.note}",
                indexes,
            )

    def mta_sts(self, s: MtaStsCheck) -> None:
        if s.record is None:
            return
        if s.record_problems:
            self.add(
                "checks.mta_sts_invalid",
                "warning",
                f"The MTA-STS record of {s.domain} has errors: {'; '.join(s.record_problems)}.",
            )
        if s.fetch is not None and s.policy is None:
            self.add("checks.mta_sts_policy_unavailable", "warning", s.note)
            return
        if s.policy is None:
            return
        if s.policy.problems:
            self.add(
                "checks.mta_sts_invalid",
                "warning",
                f"The MTA-STS policy of {s.domain} has errors: {'; '.join(s.policy.problems)}.",
            )
        if s.mx_not_covered and s.policy.mode == "enforce":
            self.add(
                "checks.mta_sts_mx_not_covered",
                "warning",
                f"The MTA-STS policy of {s.domain} enforces mx {', '.join(s.policy.mx)}, but MX"
                f" {', '.join(s.mx_not_covered)} matches none: senders that honour MTA-STS will"
                " not deliver there. Add it to the policy's mx lines (and change id=).",
            )

    def tls_rpt(self, t: TlsRptCheck) -> None:
        if t.problems:
            self.add(
                "checks.tls_rpt_invalid",
                "notice",
                f"The TLS reporting record of {t.domain} has errors: {'; '.join(t.problems)}.",
            )

    def dane(self, d: DaneCheck) -> None:
        if d.status in ("insecure", "partial"):
            hosts = [h.host for h in d.hosts if h.records and h.secure is not True]
            self.add(
                "checks.dane_insecure",
                "notice",
                f"{d.note} TLSA records of {', '.join(hosts)} are not DNSSEC-validated: the"
                " zone holding them must be signed for DANE to apply.",
            )
        problems = sorted(
            {f"{h.host}: {p}" for h in d.hosts for p in h.problems if "DNSSEC" not in p}
        )
        if problems:
            self.add(
                "checks.dane_unusable",
                "notice",
                f"TLSA records of {d.domain}'s MX hosts cannot be used: {'; '.join(problems)}.",
            )

    def bimi(self, b: BimiCheck, indexes: tuple[int, ...]) -> None:
        if b.record is not None and b.dmarc_enforced is False:
            self.add(
                "checks.bimi_not_enforced",
                "notice",
                f"{b.domain} publishes a BIMI record, but its DMARC policy is not quarantine or"
                " reject for all mail: receivers will not show the logo.",
                indexes,
            )
