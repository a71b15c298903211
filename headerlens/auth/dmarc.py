"""DMARC alignment, explained (RFC 7489 sections 3.1, 4.2, 6.3, 6.6).

Takes the From domain(s), the SPF-authenticated domain and every DKIM ``d=`` (from the
trusted Authentication-Results and from our own re-verification), and builds a "why" table:
for each identifier its organizational domain (Public Suffix List, snapshot recorded),
strict and relaxed alignment and whether it counts. The receiver's own ``dmarc=`` verdict is
preferred; ours is computed next to it, and what would have changed the outcome is listed.
The published record is looked up only when a resolver is given, and labelled as today's.

:func:`evaluate_dmarc` runs the steps in order; the policy readers are in
:mod:`._dmarc_policy`, the explanation in :mod:`._dmarc_explain`.
"""

from __future__ import annotations

from typing import Literal

from headerlens.auth._dmarc_explain import explain, what_ifs
from headerlens.auth._dmarc_policy import lookup_record, parse_dmarc_record, policy_from_result
from headerlens.auth._orgdomains import OrgDomains
from headerlens.auth.models import (
    AuthResult,
    AuthResultsHeader,
    DkimResult,
    DmarcIdentifier,
    DmarcPolicy,
    DmarcRecord,
    DmarcReport,
    ReceivedSpf,
)
from headerlens.domains import normalize_domain, psl_version
from headerlens.findings import Finding, make_finding
from headerlens.message import Address
from headerlens.resolvers import Resolver

__all__ = ["evaluate_dmarc", "parse_dmarc_record", "policy_from_result"]

Mode = Literal["relaxed", "strict"]
SpfIdentity = Literal["mailfrom", "helo"]


def _domain_of(identity: str | None) -> str | None:
    """The domain of ``local@domain``, ``<local@domain>`` or a bare domain; ``None`` if null."""
    if identity is None:
        return None
    s = identity.strip()
    if s.startswith("<") and s.endswith(">"):
        s = s[1:-1].strip()
    if not s:
        return None
    at = s.rfind("@")
    if at >= 0:
        s = s[at + 1 :]
    return normalize_domain(s)


def _display_name_domain(display: str | None) -> str | None:
    """A domain written as ``x@domain`` inside a display name, or ``None``."""
    if not display or "@" not in display:
        return None
    at = display.find("@")
    j = at + 1
    while j < len(display) and (display[j].isalnum() or display[j] in "-._"):
        j += 1
    return normalize_domain(display[at + 1 : j].rstrip("."))


def evaluate_dmarc(
    *,
    from_addresses: tuple[Address, ...],
    from_header_indexes: tuple[int, ...] = (),
    trusted: AuthResultsHeader | None,
    received_spf: tuple[ReceivedSpf, ...] = (),
    dkim: tuple[DkimResult, ...] = (),
    envelope_helo: str | None = None,
    resolver: Resolver | None = None,
) -> tuple[DmarcReport, tuple[Finding, ...]]:
    """Explain DMARC for one message (RFC 7489 sections 3.1, 4.2 and 6.6).

    ``from_addresses``: the RFC5322.From mailboxes; ``trusted``: the merged trusted
    Authentication-Results (``None`` when there is none); ``received_spf``: the trusted
    Received-SPF fields (used when the trusted header has no SPF result); ``dkim``: our
    re-verification; ``resolver``: given only when the caller allows DNS. Returns the
    report and the findings it supports.
    """
    from_idx = tuple(from_header_indexes)
    orgs = OrgDomains()  # each organizational domain worked out once for this message
    # 6.6.1: the From domain(s)
    domains, addr_texts, findings = _from_domains(from_addresses, from_idx, orgs)
    from_domain = domains[0] if domains else None
    # the receiver's dmarc verdict and recorded policy; today's record when allowed (6.6.3)
    reported = _reported(trusted, from_domain)
    policy = policy_from_result(reported) if reported is not None else None
    published: DmarcRecord | None = None
    if resolver is not None and from_domain:
        published = lookup_record(from_domain, resolver, orgs.org)
    adkim, aspf, alignment_source = _alignment_modes(published, policy)
    # 3.1: every authenticated identifier, aligned or not
    table = _Identifiers(domains, orgs)
    spf_domain, spf_identity, spf_result = _spf_rows(
        table, trusted, received_spf, envelope_helo, aspf
    )
    dkim_domains = _dkim_rows(table, trusted, dkim, adkim)
    rows = table.rows
    # 4.2: our verdict next to the receiver's
    evidence = trusted is not None or bool(received_spf or dkim)
    undecided = _undecided(rows) if evidence else None
    computed = _computed(domains, rows, adkim, aspf, evidence and undecided is None, orgs)
    reported_result = reported.result if reported is not None else None
    result, source = _final(reported_result, computed, published, evidence)
    passed = None if result is None else result == "pass"
    explanation = explain(
        from_domain,
        result,
        source,
        rows,
        policy,
        published,
        passed,
        alignment=computed,
        action=_action(reported),
        undecided=undecided,
    )
    findings += _verdict_findings(
        reported, reported_result, computed, result, policy, from_domain, explanation
    )
    report = DmarcReport(
        from_domain=from_domain,
        result=result,
        explanation=explanation,
        from_domains=tuple(domains),
        from_addresses=tuple(addr_texts),
        from_org_domain=orgs.org(from_domain),
        from_header_indexes=from_idx,
        spf_domain=spf_domain,
        spf_identity=spf_identity,
        spf_result=spf_result,
        dkim_domains=tuple(dkim_domains),
        identifiers=tuple(rows),
        adkim=adkim,
        aspf=aspf,
        alignment_source=alignment_source,
        psl_version=psl_version(),
        policy=policy,
        reported_result=reported_result,
        reported_header_index=reported.header_index if reported is not None else None,
        computed_result=computed,
        result_source=source,
        passed=passed,
        what_ifs=what_ifs(rows, dkim, domains, adkim, aspf, passed, orgs),
        published_record=published,
    )
    return report, tuple(findings)


def _from_domains(
    from_addresses: tuple[Address, ...], from_idx: tuple[int, ...], orgs: OrgDomains
) -> tuple[list[str], list[str], list[Finding]]:
    """The From domains (RFC 7489 6.6.1), the addresses, and the findings about From."""
    findings: list[Finding] = []
    domains: list[str] = []
    addr_texts: list[str] = []
    for a in from_addresses:
        d = a.domain_ascii or normalize_domain(a.domain)
        if a.addr_spec:
            addr_texts.append(a.addr_spec)
        if d and d not in domains:
            domains.append(d)
        shown = _display_name_domain(a.display_name)
        if shown and d and not orgs.aligned(shown, d, "relaxed"):
            findings.append(
                make_finding(
                    "auth.from_display_name_address",
                    "warning",
                    f"The From display name shows an address at {shown}, but the mail is from {d}.",
                    from_idx,
                    detail=a.raw,
                )
            )
    mailboxes = sum(1 for a in from_addresses if a.domain)
    if not domains:
        findings.append(
            make_finding(
                "auth.from_missing",
                "notice",
                "No From domain could be read, so DMARC cannot be evaluated.",
                from_idx,
            )
        )
    # an entry that is no mailbox (``Name , <addr>``: an unquoted comma in a display name)
    # is the defect address.unparseable, not a second author
    elif len(domains) > 1 or mailboxes > 1:
        findings.append(
            make_finding(
                "auth.from_multiple",
                "notice",
                f"From names {mailboxes} mailboxes ({', '.join(domains)}); each"
                " domain must pass DMARC.",
                from_idx,
            )
        )
    return domains, addr_texts, findings


def _reported(trusted: AuthResultsHeader | None, from_domain: str | None) -> AuthResult | None:
    """The receiver's dmarc result: the one for the From domain, else the first."""
    if trusted is None:
        return None
    dmarcs = trusted.results_for("dmarc")
    for r in dmarcs:
        if from_domain and _domain_of(r.get("header", "from")) == from_domain:
            return r
    return dmarcs[0] if dmarcs else None


def _alignment_modes(
    published: DmarcRecord | None, policy: DmarcPolicy | None
) -> tuple[Mode, Mode, str]:
    """adkim and aspf (RFC 7489 6.3), from today's record, else the recorded policy."""
    for pol in (published.policy if published else None, policy):
        if pol is not None and (pol.adkim or pol.aspf):
            adkim: Mode = "strict" if pol.adkim == "s" else "relaxed"
            aspf: Mode = "strict" if pol.aspf == "s" else "relaxed"
            return adkim, aspf, pol.source
    return "relaxed", "relaxed", "default"


class _Identifiers:
    """The "why" table: one row per authenticated identifier (RFC 7489 section 3.1)."""

    def __init__(self, domains: list[str], orgs: OrgDomains) -> None:
        self.domains = domains
        self.orgs = orgs
        self.rows: list[DmarcIdentifier] = []

    def add(
        self,
        source: str,
        domain: str | None,
        result: str | None,
        mode: Mode,
        header_index: int | None,
        note: str | None = None,
        eligible: bool = True,
    ) -> None:
        first = self.domains[:1]
        aligned = self.orgs.aligned
        strict = any(aligned(f, domain, "strict") for f in first) if domain else False
        relaxed = any(aligned(f, domain, "relaxed") for f in first) if domain else False
        ok = eligible and result == "pass" and (strict if mode == "strict" else relaxed)
        self.rows.append(
            DmarcIdentifier(
                source=source,
                domain=domain,
                org_domain=self.orgs.org(domain),
                result=result,
                strict_aligned=strict,
                relaxed_aligned=relaxed,
                alignment_mode=mode,
                counts=ok,
                header_index=header_index,
                note=note,
            )
        )


def _spf_rows(
    table: _Identifiers,
    trusted: AuthResultsHeader | None,
    received_spf: tuple[ReceivedSpf, ...],
    envelope_helo: str | None,
    aspf: Mode,
) -> tuple[str | None, SpfIdentity | None, str | None]:
    """SPF rows (RFC 7489 4.2; RFC 7208 2.4 for a null sender); returns the SPF domain,
    identity and result DMARC uses."""
    spf_domain: str | None = None
    spf_identity: SpfIdentity | None = None
    spf_result: str | None = None
    spf_results = trusted.results_for("spf") if trusted is not None else ()
    helo_seen = next((h for r in spf_results if (h := r.get("smtp", "helo"))), None)
    for r in spf_results:
        mf = r.get("smtp", "mailfrom")
        helo = r.get("smtp", "helo")
        if mf is not None:
            d = _domain_of(mf)
            if d is None:
                hd = normalize_domain(helo or helo_seen or envelope_helo)
                table.add(
                    "spf-helo",
                    hd,
                    r.result,
                    aspf,
                    r.header_index,
                    "null envelope sender: SPF checked the HELO name (RFC 7208 2.4)",
                )
                if spf_domain is None:
                    spf_domain, spf_identity, spf_result = hd, "helo", r.result
            else:
                table.add("spf-mailfrom", d, r.result, aspf, r.header_index)
                if spf_identity != "mailfrom":
                    spf_domain, spf_identity, spf_result = d, "mailfrom", r.result
        elif helo is not None:
            table.add(
                "spf-helo",
                normalize_domain(helo),
                r.result,
                aspf,
                r.header_index,
                "HELO identity: DMARC uses it only when the envelope sender is null",
                eligible=False,
            )
    if not spf_results:
        for rs in received_spf:
            d = _domain_of(rs.envelope_from)
            note: str | None = None
            if d is None:
                d = normalize_domain(rs.helo)
                note = "null envelope sender: the HELO name was checked"
            table.add("received-spf", d, rs.result, aspf, rs.header_index, note)
            if spf_domain is None:
                spf_domain = d
                spf_identity = "mailfrom" if note is None else "helo"
                spf_result = rs.result
    return spf_domain, spf_identity, spf_result


def _dkim_rows(
    table: _Identifiers,
    trusted: AuthResultsHeader | None,
    dkim: tuple[DkimResult, ...],
    adkim: Mode,
) -> list[str]:
    """DKIM rows: the receiver's dkim results, then our re-verification; the d= domains."""
    dkim_domains: list[str] = []
    if trusted is not None:
        for r in trusted.results_for("dkim"):
            d = normalize_domain(r.get("header", "d")) or _domain_of(r.get("header", "i"))
            table.add("dkim-header", d, r.result, adkim, r.header_index)
            if d and d not in dkim_domains:
                dkim_domains.append(d)
    for v in dkim:
        d = normalize_domain(v.domain)
        table.add("dkim-verified", d, v.result, adkim, v.header_index, v.reason)
        if d and d not in dkim_domains:
            dkim_domains.append(d)
    return dkim_domains


_SPF_SOURCES = ("spf-mailfrom", "spf-helo", "received-spf")


def _undecided(rows: list[DmarcIdentifier]) -> str | None:
    """Why the evidence cannot decide a DMARC fail, or ``None`` when it can.

    RFC 7489 section 4.2: the result is a fail only when no aligned identifier passed. That
    cannot be told when an aligned check ended without an answer (a temperror, or a DKIM
    signature we could not verify: key not looked up, body not available), nor when no SPF
    result is known at all (an aligned SPF pass at the receiver would have passed DMARC).
    """
    for r in rows:
        aligned = r.strict_aligned if r.alignment_mode == "strict" else r.relaxed_aligned
        if not aligned:
            continue
        if r.result == "temperror":
            return f"the {r.source} check of {r.domain} ended in a temporary error"
        if r.source == "dkim-verified" and r.result == "neutral":
            why = f" ({r.note})" if r.note else ""
            return f"the aligned DKIM signature of {r.domain} could not be verified{why}"
    if not any(r.source in _SPF_SOURCES for r in rows):
        return "no SPF result is recorded, and no aligned DKIM signature passed"
    return None


def _computed(
    domains: list[str],
    rows: list[DmarcIdentifier],
    adkim: Mode,
    aspf: Mode,
    evidence: bool,
    orgs: OrgDomains,
) -> str | None:
    """Our own verdict: pass when an identifier counts for every From domain."""
    if not domains:
        return None
    if any(r.counts for r in rows):
        return "pass" if len(domains) == 1 else _multi(domains, rows, adkim, aspf, orgs)
    return "fail" if evidence else None


def _final(
    reported_result: str | None,
    computed: str | None,
    published: DmarcRecord | None,
    evidence: bool = True,
) -> tuple[str | None, Literal["trusted-header", "computed"] | None]:
    """The result shown: the receiver's; else ours, or none without a record (6.6.3)."""
    no_record = (
        published is not None
        and published.record is None
        and published.outcome in ("nxdomain", "nodata")
    )
    if reported_result:
        return reported_result, "trusted-header"
    if no_record and (computed or evidence):
        # RFC 7489 6.6.3: without a DMARC record the mechanism does not apply.
        return "none", "computed"
    return computed, ("computed" if computed else None)


def _action(reported: AuthResult | None) -> str:
    """Microsoft's ``action=`` property of the reported result, lower-cased, or ``""``."""
    return next(
        (
            p.value.lower()
            for p in (reported.properties if reported is not None else ())
            if not p.ptype and p.name == "action"
        ),
        "",
    )


def _verdict_findings(
    reported: AuthResult | None,
    reported_result: str | None,
    computed: str | None,
    result: str | None,
    policy: DmarcPolicy | None,
    from_domain: str | None,
    explanation: str,
) -> list[Finding]:
    """auth.dmarc_fail, auth.dmarc_bestguesspass and auth.dmarc_result_mismatch."""
    findings: list[Finding] = []
    idx = (
        (reported.header_index,)
        if reported is not None and reported.header_index is not None
        else ()
    )
    if result in ("fail",):
        sev: Literal["notice", "warning"] = "warning"
        if policy is not None and policy.p == "none":
            sev = "notice"
        findings.append(make_finding("auth.dmarc_fail", sev, explanation, idx))
    if reported_result == "bestguesspass":
        findings.append(
            make_finding(
                "auth.dmarc_bestguesspass",
                "notice",
                f"Microsoft reported dmarc=bestguesspass for {from_domain}: the domain has no"
                " DMARC record, so this is not a DMARC pass.",
                idx,
            )
        )
    if (
        reported_result in ("pass", "fail")
        and computed in ("pass", "fail")
        and (reported_result != computed)
    ):
        findings.append(
            make_finding(
                "auth.dmarc_result_mismatch",
                "notice",
                f"The receiver reported dmarc={reported_result}, but the trusted SPF/DKIM"
                f" results give {computed} (local policy, ARC, or a result not written down).",
                idx,
            )
        )
    return findings


def _multi(
    domains: list[str], rows: list[DmarcIdentifier], adkim: Mode, aspf: Mode, orgs: OrgDomains
) -> str:
    """Several From domains: each must have an aligned pass (RFC 7489 section 6.6.1)."""
    for f in domains:
        ok = False
        for r in rows:
            if r.result != "pass" or r.domain is None:
                continue
            mode = adkim if r.source.startswith("dkim") else aspf
            if r.source == "spf-helo" and r.note and r.note.startswith("HELO identity"):
                continue
            if orgs.aligned(f, r.domain, mode):
                ok = True
                break
        if not ok:
            return "fail"
    return "pass"
