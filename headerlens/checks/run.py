"""``run_checks()``: read the names to check from a report, ask DNS now, return LiveChecks.

The checks run in order of what matters most to "what does the sender have to fix?", so a
query budget that runs out cuts the least useful ones: SPF of the envelope sender, DMARC,
DKIM keys, reverse DNS of the origin, block lists, SPF of the HELO name, the sender's MX,
reverse DNS of earlier untrusted hops, the recipient domain's MX, MTA-STS, TLS-RPT and DANE,
and BIMI.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from headerlens._clock import Clock
from headerlens.auth.models import AuthResultsHeader
from headerlens.checks._dns import FAILED, CheckResolver, IPAddress, ip_address, valid_hostname
from headerlens.checks.bimi import check_bimi, selector_from_header
from headerlens.checks.blocklists import check_blocklists
from headerlens.checks.dkim import check_dkim_keys
from headerlens.checks.dmarc import check_dmarc
from headerlens.checks.findings import CheckFindings
from headerlens.checks.models import (
    BimiCheck,
    BlocklistCheck,
    Comparison,
    DaneCheck,
    DkimKeyCheck,
    DmarcCheck,
    LiveChecks,
    MtaStsCheck,
    MxCheck,
    ReverseDnsCheck,
    SpfNow,
    TlsRptCheck,
)
from headerlens.checks.mx import check_mx
from headerlens.checks.rdns import check_reverse_dns
from headerlens.checks.spf import evaluate_spf
from headerlens.checks.transport import check_dane, check_mta_sts, check_tls_rpt
from headerlens.domains import normalize_domain
from headerlens.errors import wrong_type
from headerlens.hops.models import Hop
from headerlens.message import Address
from headerlens.policy import Policy
from headerlens.report import Report
from headerlens.resolvers import OfflineResolver

__all__ = ["attach_checks", "live_checks", "run_checks"]

MAX_HOP_IPS = 4  # untrusted hops before the origin whose reverse DNS is checked
MAX_RECIPIENT_DOMAINS = 3
_SEVERITY_ORDER = {"critical": 0, "warning": 1, "notice": 2, "info": 3}

# Not routable on the public Internet: their PTR and list entries mean nothing outside the
# site, and asking about them leaks internal addressing. Documentation ranges are allowed.
_LOCAL_NETS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
        "127.0.0.0/8",
        "0.0.0.0/8",
        "fc00::/7",
        "fe80::/10",
        "::1/128",
        "::/128",
    )
)


def _public(ip: IPAddress) -> bool:
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return False
    return not any(ip.version == n.version and ip in n for n in _LOCAL_NETS)


def _bare_address(text: str | None) -> str | None:
    """``<user@domain>`` or ``user@domain`` -> ``user@domain``; ``<>`` -> ``""``."""
    if text is None:
        return None
    t = text.strip()
    if "<" in t and ">" in t[t.index("<") :]:
        t = t[t.index("<") + 1 : t.index(">", t.index("<"))]
    return t.strip()


def _domain_of(address: str | None) -> str | None:
    if not address:
        return None
    _, at, dom = address.rpartition("@")
    return normalize_domain(dom if at else address)


def _trusted_ar(report: Report) -> list[AuthResultsHeader]:
    return [a for a in report.auth_results if a.trusted and a.instance is None]


def _envelope_sender(report: Report, border: Hop | None) -> tuple[str | None, tuple[int, ...]]:
    """The RFC 5321 MAIL FROM, from the trusted receiver's words first."""
    for ar in _trusted_ar(report):
        for res in ar.results_for("spf"):
            value = res.get("smtp", "mailfrom")
            if value is not None:
                idx = (ar.header_index,) if ar.header_index is not None else ()
                return _bare_address(value), idx
    for h in report.message.fields("Return-Path")[:1]:
        return _bare_address(h.value), (h.index,)
    if border is not None and border.received.envelope_from is not None:
        return _bare_address(border.received.envelope_from), (border.header_index,)
    return None, ()


def _recorded_spf(report: Report, identity: str) -> tuple[str | None, str | None, int | None]:
    """What the trusted receiver recorded for SPF of ``identity`` (result, by, header)."""
    for ar in _trusted_ar(report):
        for res in ar.results_for("spf"):
            has_from = res.get("smtp", "mailfrom") is not None
            has_helo = res.get("smtp", "helo") is not None
            if (identity == "helo" and has_helo and not has_from) or (
                identity == "mailfrom" and (has_from or not has_helo)
            ):
                return res.result.lower(), "authentication-results", ar.header_index
    for spf in report.received_spf:
        if not spf.trusted or spf.result is None:
            continue
        # without identity= (RFC 7208 9.1) the field is about MAIL FROM, unless the
        # reverse-path was null; Microsoft writes neither identity= nor envelope-from=
        ident = (spf.identity or "").lower()
        if not ident:
            ident = "helo" if spf.envelope_from in ("", "<>") else "mailfrom"
        if ident == identity:
            return spf.result.lower(), "received-spf", spf.header_index
    return None, None, None


def _compare(now: str, then: str | None, checked: bool) -> Comparison:
    if not checked:
        return "not_checked"
    if then is None:
        return "not_recorded"
    return "same" if now == then else "changed"


def _addresses(report: Report, name: str) -> tuple[Address, ...]:
    try:
        return report.message.addresses(name)
    except Exception:  # the address parser must not take the checks down
        return ()


def _from_domain(report: Report) -> tuple[str | None, tuple[int, ...]]:
    if report.dmarc is not None and report.dmarc.from_domain:
        return report.dmarc.from_domain, report.dmarc.from_header_indexes
    addrs = _addresses(report, "From")
    domains = {a.domain_ascii for a in addrs if a.domain_ascii}
    if len(domains) != 1:
        return None, ()
    return domains.pop(), tuple(h.index for h in report.message.fields("From"))


def _recipient_domains(report: Report) -> tuple[str, ...]:
    """Where the message was going: a bounce's failed recipients, else the envelope recipient
    the trusted hops or delivery fields name, else To/Cc."""
    out: list[str] = []

    def add(address: str | None) -> None:
        if address and "@" in address:
            d = _domain_of(_bare_address(address.split(";")[-1]))
            if d and valid_hostname(d) and d not in out:
                out.append(d)

    if report.bounce is not None and report.bounce.recipients:
        for r in report.bounce.recipients:
            add(r.final_recipient or r.original_recipient)
    else:
        for hop in reversed(report.hops):
            if hop.trusted:
                add(hop.received.for_addr)
        for name in ("Delivered-To", "X-Original-To"):
            for value in report.message.get_all(name):
                add(value)
        if not out:
            for name in ("To", "Cc"):
                for a in _addresses(report, name):
                    add(f"x@{a.domain_ascii}" if a.domain_ascii else None)
    return tuple(out[:MAX_RECIPIENT_DOMAINS])


def run_checks(report: Report, *, policy: Policy) -> LiveChecks:
    """Check how the sender's and recipient's DNS looks now, for ``report``.

    Asks ``policy.resolver`` (offline when ``None``: every lookup is then "not looked up"),
    at most ``policy.limits.max_dns_queries`` questions; queries ``policy.blocklists`` for the
    origin IP (RFC 5782) and fetches MTA-STS policies only through
    ``policy.mta_sts_fetcher``. ``checked_at`` is ``policy.as_of`` when set, else now. Never
    raises on any report; ``TypeError`` when ``report`` is not a :class:`Report`.
    """
    if not isinstance(report, Report):
        raise wrong_type("run_checks(report)", "a Report", report)
    if not isinstance(policy, Policy):
        raise wrong_type("run_checks(policy=)", "a Policy", policy)
    return live_checks(report, policy, Clock())


def live_checks(report: Report, policy: Policy, clock: Clock) -> LiveChecks:
    """:func:`run_checks` with the analysis' clock (read only when ``as_of`` is unset)."""
    run = _Run(report, policy, policy.as_of or clock.now())
    run.sender_spf()  # 1
    run.dmarc_and_dkim_keys()  # 2, 3
    run.origin_reputation()  # 4, 5
    run.helo_spf()  # 6
    run.sender_mx()  # 7
    run.hop_reverse_dns()  # 8
    run.recipient_domains()  # 9
    run.bimi_check()  # 10
    return run.result()


class _Run:
    """One run of the live checks: the names read from the report, the DNS budget, and what
    each step found, in the order of the module docstring (a budget that runs out cuts the
    later steps)."""

    def __init__(self, report: Report, policy: Policy, checked_at: dt.datetime) -> None:
        self.report = report
        self.policy = policy
        self.checked_at = checked_at
        self.dns = CheckResolver(
            policy.resolver or OfflineResolver(), policy.limits.max_dns_queries
        )
        self.found = CheckFindings()
        self.skipped: list[str] = []
        border = next((h for h in report.hops if h.border), None)
        self.border = border
        self.origin = ip_address(report.origin_ip)
        self.border_idx: tuple[int, ...] = (border.header_index,) if border is not None else ()
        self.envelope, self.envelope_idx = _envelope_sender(report, border)
        self.helo = border.received.from_helo if border is not None else None
        self.from_domain, self.from_idx = _from_domain(report)
        self.recipients = _recipient_domains(report)
        self.receiver = border.received.by_host if border is not None else None
        self.spf: list[SpfNow] = []
        self.dmarc: DmarcCheck | None = None
        self.dkim_keys: tuple[DkimKeyCheck, ...] = ()
        self.reverse: list[ReverseDnsCheck] = []
        self.blocklists: tuple[BlocklistCheck, ...] = ()
        self.mx: list[MxCheck] = []
        self.mx_roles: dict[str, list[str]] = {}
        self.sender_mx_domains: list[str] = []
        self.mta_sts: list[MtaStsCheck] = []
        self.tls_rpt: list[TlsRptCheck] = []
        self.dane: list[DaneCheck] = []
        self.bimi: BimiCheck | None = None

    def _spf(self, mail_from: str, identity: str) -> SpfNow:
        assert self.origin is not None
        return _spf_now(
            self.report,
            self.dns,
            str(self.origin),
            mail_from,
            self.helo,
            identity,
            self.checked_at,
            self.receiver,
        )

    def sender_spf(self) -> None:
        """1. SPF of the envelope sender (RFC 7208 2.4: MAIL FROM)."""
        if self.origin is None:
            self.skipped.append("SPF, reverse DNS and block lists: the report names no origin IP.")
        elif self.envelope is None:
            self.skipped.append("SPF of the envelope sender: the headers do not name it.")
        elif not self.envelope:
            self.skipped.append(
                "SPF of the envelope sender: the reverse-path is null (<>), so only the HELO"
                " identity applies (RFC 7208 2.4)."
            )
        else:
            self.spf.append(self._spf(self.envelope, "mailfrom"))
            self.found.spf(self.spf[-1], (*self.border_idx, *self.envelope_idx))

    def dmarc_and_dkim_keys(self) -> None:
        """2. DMARC of the From domain (RFC 7489), 3. the DKIM keys of the signatures."""
        if self.from_domain:
            recorded = self.report.dmarc.policy if self.report.dmarc is not None else None
            self.dmarc = check_dmarc(self.dns, self.from_domain, recorded)
            self.found.dmarc(self.dmarc, self.from_idx)
        else:
            self.skipped.append("DMARC and BIMI: the message has no single From domain.")
        limit = self.policy.limits.max_dkim_signatures
        self.dkim_keys = check_dkim_keys(self.dns, self.report.dkim, limit)
        for k in self.dkim_keys:
            self.found.dkim(k)

    def origin_reputation(self) -> None:
        """4. reverse DNS of the origin, 5. the DNS block lists (RFC 5782)."""
        origin, border = self.origin, self.border
        if origin is None:
            return
        if not _public(origin):
            self.skipped.append(
                f"Reverse DNS and block lists: the origin IP {origin} is not a public address."
            )
            return
        self.reverse.append(
            check_reverse_dns(
                self.dns,
                origin,
                role="origin",
                hop_index=border.index if border is not None else None,
                header_index=border.header_index if border is not None else None,
                helo=self.helo,
                recorded_rdns=border.received.from_rdns if border is not None else None,
            )
        )
        self.found.reverse_dns(self.reverse[-1])
        self.blocklists = check_blocklists(self.dns, origin, self.policy.blocklists)
        for b in self.blocklists:
            self.found.blocklist(b, self.border_idx)

    def helo_spf(self) -> None:
        """6. SPF of the HELO name (RFC 7208 2.3)."""
        if self.origin is not None and self.helo:
            self.spf.append(self._spf("", "helo"))
            self.found.spf(self.spf[-1], self.border_idx)
        elif self.origin is not None:
            self.skipped.append("SPF of the HELO name: the border hop records no HELO.")

    def sender_mx(self) -> None:
        """7. MX of the sender domains (the recipient domains' MX waits for step 9)."""
        for domain, role in (
            (_domain_of(self.envelope), "envelope-sender"),
            (self.from_domain, "from"),
            *((d, "recipient") for d in self.recipients),
        ):
            if domain and valid_hostname(domain):
                self.mx_roles.setdefault(domain, []).append(role)
        self.sender_mx_domains = [
            d for d, roles in self.mx_roles.items() if "recipient" not in roles or len(roles) > 1
        ]
        for domain in self.sender_mx_domains:
            self.mx.append(check_mx(self.dns, domain, tuple(self.mx_roles[domain])))
            self.found.mx(self.mx[-1], (*self.envelope_idx, *self.from_idx))

    def hop_reverse_dns(self) -> None:
        """8. reverse DNS of the untrusted relays before the origin (at most MAX_HOP_IPS)."""
        seen = {self.origin} if self.origin is not None else set()
        for hop in reversed(self.report.hops):
            if len(self.reverse) > MAX_HOP_IPS or hop.trusted or hop.border:
                continue
            if not hop.received.relay:
                continue
            ip = ip_address(hop.received.from_ip)
            if ip is None or ip in seen or not _public(ip):
                continue
            seen.add(ip)
            self.reverse.append(
                check_reverse_dns(
                    self.dns,
                    ip,
                    role="hop",
                    hop_index=hop.index,
                    header_index=hop.header_index,
                    helo=hop.received.from_helo,
                    recorded_rdns=hop.received.from_rdns,
                )
            )

    def recipient_domains(self) -> None:
        """9. the recipient domains: MX, MTA-STS (RFC 8461), TLS-RPT (RFC 8460), DANE
        (RFC 7672)."""
        dns, found = self.dns, self.found
        if not self.recipients:
            self.skipped.append(
                "MTA-STS, TLS-RPT and DANE: no recipient domain found in the headers."
            )
        for domain in self.recipients:
            if domain not in self.sender_mx_domains:
                self.mx.append(check_mx(dns, domain, tuple(self.mx_roles[domain])))
                found.mx(self.mx[-1], ())
            mx_lookup = dns.resolve(domain, "MX")
            records = mx_lookup.records if mx_lookup.outcome == "answer" else None
            self.mta_sts.append(check_mta_sts(dns, domain, records, self.policy.mta_sts_fetcher))
            found.mta_sts(self.mta_sts[-1])
            self.tls_rpt.append(check_tls_rpt(dns, domain))
            found.tls_rpt(self.tls_rpt[-1])
            self.dane.append(check_dane(dns, domain))
            found.dane(self.dane[-1])

    def bimi_check(self) -> None:
        """10. BIMI of the From domain (draft-brand-indicators-for-message-identification)."""
        if self.from_domain:
            selector = selector_from_header(self.report.message.get("BIMI-Selector"))
            self.bimi = check_bimi(self.dns, self.from_domain, selector, self.dmarc)
            self.found.bimi(self.bimi, self.from_idx)

    def _budget_findings(self) -> None:
        """Say when the query budget ran out or lookups failed: those checks are partial."""
        dns, found = self.dns, self.found
        if dns.exhausted:
            found.add(
                "checks.budget_exhausted",
                "notice",
                f"The live checks stopped at {dns.budget} DNS questions"
                " (Limits.max_dns_queries); checks after that point are incomplete.",
            )
        failed = [q for q in dns.transcript if q.outcome in FAILED and q.outcome != "not_looked_up"]
        if failed:
            names = ", ".join(sorted({f"{q.rdtype} {q.name}" for q in failed})[:5])
            found.add(
                "checks.lookups_failed",
                "notice",
                f"{len(failed)} live-check lookup{'s' if len(failed) > 1 else ''} gave no"
                f" answer ({names}"
                f"{', ...' if len(failed) > 5 else ''}): those checks are incomplete.",
            )

    def result(self) -> LiveChecks:
        """The :class:`LiveChecks` of the run, findings most severe first."""
        self._budget_findings()
        dns = self.dns
        findings = sorted(
            self.found.items,
            key=lambda f: (_SEVERITY_ORDER[f.severity], min(f.header_indexes, default=-1)),
        )
        return LiveChecks(
            checked_at=self.checked_at,
            checked_at_source="policy" if self.policy.as_of is not None else "now",
            resolver=dns.name,
            origin_ip=str(self.origin) if self.origin is not None else None,
            envelope_sender=self.envelope,
            helo=self.helo,
            from_domain=self.from_domain,
            recipient_domains=self.recipients,
            spf=tuple(self.spf),
            reverse_dns=tuple(self.reverse),
            dmarc=self.dmarc,
            dkim_keys=self.dkim_keys,
            mx=tuple(self.mx),
            blocklists=self.blocklists,
            mta_sts=tuple(self.mta_sts),
            tls_rpt=tuple(self.tls_rpt),
            bimi=self.bimi,
            dane=tuple(self.dane),
            findings=tuple(findings),
            skipped=tuple(self.skipped),
            queries=dns.queries,
            budget=dns.budget,
            budget_exhausted=dns.exhausted,
            dns=dns.transcript,
        )


def _spf_now(
    report: Report,
    dns: CheckResolver,
    ip: str,
    mail_from: str,
    helo: str | None,
    identity: str,
    now: dt.datetime,
    receiver: str | None,
) -> SpfNow:
    check = evaluate_spf(ip, mail_from, helo, dns=dns, now=lambda: now, receiver=receiver)
    recorded, by, index = _recorded_spf(report, identity)
    checked = check.reason not in ("dns_error", "not_looked_up", "query_budget")
    comparison = _compare(check.result, recorded, checked)
    what = f"SPF of {check.domain} for {ip}" if check.domain else f"SPF for {ip}"
    if not checked:
        note = f"{what} could not be evaluated now: {check.detail}"
    elif comparison == "changed":
        note = f"{what} is {check.result} now; the receiver recorded {recorded} at delivery."
    elif comparison == "same":
        note = f"{what} is {check.result} now, as the receiver recorded at delivery."
    else:
        note = f"{what} is {check.result} now ({check.detail})"
    return SpfNow(
        identity=identity,
        check=check,
        recorded=recorded,
        recorded_by=by,
        recorded_header_index=index,
        comparison=comparison,
        note=note,
    )


def attach_checks(report: Report, checks: LiveChecks) -> Report:
    """``report`` with ``checks`` set, and ``network_used`` set when a check asked a
    nameserver. Findings and lookups stay in ``checks``: they describe DNS now, not the
    message."""
    used = report.network_used or any(q.server is not None for q in checks.dns)
    return report.model_copy(update={"checks": checks, "network_used": used})
