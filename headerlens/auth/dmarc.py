"""DMARC alignment, explained (RFC 7489 sections 3.1, 4.2, 6.3, 6.6).

Takes the From domain(s), the SPF-authenticated domain and every DKIM ``d=`` (from the
trusted Authentication-Results and from our own re-verification), and builds a "why" table:
for each identifier its organizational domain (Public Suffix List, snapshot recorded),
strict and relaxed alignment and whether it counts. The receiver's own ``dmarc=`` verdict is
preferred; ours is computed next to it, and what would have changed the outcome is listed.
The published record is looked up only when a resolver is given, and labelled as today's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from headerlens._text import ascii_digits
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
from headerlens.domains import aligned, normalize_domain, organizational_domain, psl_version
from headerlens.findings import Finding, make_finding
from headerlens.message import Address
from headerlens.resolvers import Resolver

__all__ = ["evaluate_dmarc", "parse_dmarc_record", "policy_from_result"]

Mode = Literal["relaxed", "strict"]
_POLICY_KEYS = ("p", "sp", "np", "dis", "pct", "adkim", "aspf")


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


def _pairs(text: str) -> list[tuple[str, str]]:
    """``k=v`` pairs separated by white space, ',' or ';' (linear, no regex)."""
    out: list[tuple[str, str]] = []
    for chunk in text.replace(",", " ").replace(";", " ").split():
        k, eq, v = chunk.partition("=")
        if eq:
            out.append((k.strip().lower(), v.strip()))
    return out


def _policy_from_pairs(pairs: Iterable[tuple[str, str]], source: str, raw: str) -> DmarcPolicy:
    values: dict[str, str] = {}
    for k, v in pairs:
        if k in _POLICY_KEYS and k not in values:
            values[k] = v
    pct: int | None = None
    if ascii_digits(values.get("pct", "")):
        pct = int(values["pct"])
    return DmarcPolicy(
        source=source,
        p=values["p"].lower() if "p" in values else None,
        sp=values["sp"].lower() if "sp" in values else None,
        np=values["np"].lower() if "np" in values else None,
        dis=values["dis"].lower() if "dis" in values else None,
        pct=pct,
        adkim=values["adkim"].lower() if "adkim" in values else None,
        aspf=values["aspf"].lower() if "aspf" in values else None,
        raw=raw,
    )


# Microsoft 365 writes what it did as ``action=`` (its anti-spam message header
# documentation): ``oreject``/``o.reject`` = the domain asks for reject, Microsoft overrode
# it and delivered the message as spam; ``pct.quarantine``/``pct.reject`` = the policy's
# pct= left this message out, so nothing was applied.
_MICROSOFT_ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "none": (("dis", "none"),),
    "quarantine": (("p", "quarantine"), ("dis", "quarantine")),
    "reject": (("p", "reject"), ("dis", "reject")),
    "oreject": (("p", "reject"), ("dis", "quarantine")),
    "o.reject": (("p", "reject"), ("dis", "quarantine")),
    "pct.quarantine": (("p", "quarantine"), ("dis", "none")),
    "pct.reject": (("p", "reject"), ("dis", "none")),
}
_MICROSOFT_ACTION_TEXT = {
    "oreject": "Microsoft's action=oreject: the domain asks for reject, but Microsoft"
    " overrode it and delivered the message as spam (Junk Email).",
    "pct.quarantine": "Microsoft's action=pct.quarantine: the policy's pct= left this"
    " message out, so it was delivered without the quarantine.",
    "pct.reject": "Microsoft's action=pct.reject: the policy's pct= left this message out,"
    " so it was not rejected.",
}
_MICROSOFT_ACTION_TEXT["o.reject"] = _MICROSOFT_ACTION_TEXT["oreject"]


def policy_from_result(result: AuthResult) -> DmarcPolicy | None:
    """The DMARC policy a receiver recorded in a ``dmarc`` result, or ``None``.

    Reads the comment (Google/Yahoo ``(p=REJECT sp=REJECT dis=NONE)``, Fastmail
    ``(p=none,d=none)``), then ``policy.*`` properties (``policy.published-domain-policy``,
    ``policy.applied-disposition``), then Microsoft's ``action=`` as the disposition.
    """
    for c in result.comments:
        pairs = _pairs(c)
        if any(k in ("p", "sp", "dis") for k, _ in pairs):
            return _policy_from_pairs(pairs, "header-comment", c)
    mapped: list[tuple[str, str]] = []
    for prop in result.properties:
        key = f"{prop.ptype}.{prop.name}" if prop.ptype else prop.name
        if key == "action":
            mapped.extend(_MICROSOFT_ACTIONS.get(prop.value.lower(), (("dis", prop.value),)))
            continue
        name = {
            "policy.published-domain-policy": "p",
            "policy.published-subdomain-policy": "sp",
            "policy.applied-disposition": "dis",
            "policy.dmarc": "p",
        }.get(key)
        if name:
            mapped.append((name, prop.value))
    if mapped:
        raw = " ".join(f"{k}={v}" for k, v in mapped)
        return _policy_from_pairs(mapped, "header-property", raw)
    return None


def parse_dmarc_record(record: str) -> tuple[tuple[str, str], ...] | None:
    """The tags of a DMARC TXT record (RFC 7489 section 6.3), or ``None`` if not ``v=DMARC1``."""
    tags: list[tuple[str, str]] = []
    for part in record.split(";"):
        k, eq, v = part.partition("=")
        if eq:
            tags.append((k.strip().lower(), v.strip()))
    if not tags or tags[0] != ("v", "DMARC1"):
        return None
    return tuple(tags)


def _lookup_record(domain: str, resolver: Resolver) -> DmarcRecord:
    """Look ``_dmarc.<domain>`` up, falling back to the organizational domain (RFC 7489 6.6.3)."""
    names = [domain]
    org = organizational_domain(domain)
    if org and org != domain:
        names.append(org)
    rec: DmarcRecord | None = None
    for n, name in enumerate(names):
        qname = f"_dmarc.{name}"
        lookup = resolver.resolve(qname, "TXT")
        at = lookup.at  # None when the resolver does not say when it answered (saved data)
        found = [t for r in lookup.records if (t := parse_dmarc_record(r)) is not None]
        if lookup.outcome == "answer" and len(found) == 1:
            tags = found[0]
            record = next(r for r in lookup.records if parse_dmarc_record(r) is not None)
            pol = _policy_from_pairs(tags, "published-record", record)
            return DmarcRecord(
                name=qname,
                outcome="answer",
                record=record,
                tags=tags,
                policy=pol,
                looked_up_at=at,
                org_domain_fallback=n > 0,
            )
        outcome: str = lookup.outcome
        if lookup.outcome == "answer":
            outcome = "nodata" if not found else "several-records"
        rec = DmarcRecord(name=qname, outcome=outcome, looked_up_at=at, org_domain_fallback=n > 0)
        if lookup.outcome in ("servfail", "timeout", "error", "not_looked_up"):
            break
    assert rec is not None
    return rec


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
    findings: list[Finding] = []
    from_idx = tuple(from_header_indexes)
    domains: list[str] = []
    addr_texts: list[str] = []
    for a in from_addresses:
        d = a.domain_ascii or normalize_domain(a.domain)
        if a.addr_spec:
            addr_texts.append(a.addr_spec)
        if d and d not in domains:
            domains.append(d)
        shown = _display_name_domain(a.display_name)
        if shown and d and not aligned(shown, d, "relaxed"):
            findings.append(
                make_finding(
                    "auth.from_display_name_address",
                    "warning",
                    f"The From display name shows an address at {shown}, but the mail is from {d}.",
                    from_idx,
                    detail=a.raw,
                )
            )
    if not domains:
        findings.append(
            make_finding(
                "auth.from_missing",
                "notice",
                "No From domain could be read, so DMARC cannot be evaluated.",
                from_idx,
            )
        )
    elif len(domains) > 1 or len(from_addresses) > 1:
        findings.append(
            make_finding(
                "auth.from_multiple",
                "notice",
                f"From names {len(from_addresses)} mailboxes ({', '.join(domains)}); each"
                " domain must pass DMARC.",
                from_idx,
            )
        )
    from_domain = domains[0] if domains else None

    # The receiver's dmarc verdict and recorded policy.
    reported: AuthResult | None = None
    if trusted is not None:
        dmarcs = trusted.results_for("dmarc")
        for r in dmarcs:
            if from_domain and _domain_of(r.get("header", "from")) == from_domain:
                reported = r
                break
        if reported is None and dmarcs:
            reported = dmarcs[0]
    policy = policy_from_result(reported) if reported is not None else None

    published: DmarcRecord | None = None
    if resolver is not None and from_domain:
        published = _lookup_record(from_domain, resolver)

    adkim: Mode = "relaxed"
    aspf: Mode = "relaxed"
    alignment_source = "default"
    for pol in (published.policy if published else None, policy):
        if pol is not None and (pol.adkim or pol.aspf):
            adkim = "strict" if pol.adkim == "s" else "relaxed"
            aspf = "strict" if pol.aspf == "s" else "relaxed"
            alignment_source = pol.source
            break

    rows: list[DmarcIdentifier] = []
    spf_domain: str | None = None
    spf_identity: Literal["mailfrom", "helo"] | None = None
    spf_result: str | None = None

    def row(
        source: str,
        domain: str | None,
        result: str | None,
        mode: Mode,
        header_index: int | None,
        note: str | None = None,
        eligible: bool = True,
    ) -> None:
        strict = any(aligned(f, domain, "strict") for f in domains[:1]) if domain else False
        relaxed = any(aligned(f, domain, "relaxed") for f in domains[:1]) if domain else False
        ok = eligible and result == "pass" and (strict if mode == "strict" else relaxed)
        rows.append(
            DmarcIdentifier(
                source=source,
                domain=domain,
                org_domain=organizational_domain(domain),
                result=result,
                strict_aligned=strict,
                relaxed_aligned=relaxed,
                alignment_mode=mode,
                counts=ok,
                header_index=header_index,
                note=note,
            )
        )

    spf_results = trusted.results_for("spf") if trusted is not None else ()
    helo_seen = next((h for r in spf_results if (h := r.get("smtp", "helo"))), None)
    for r in spf_results:
        mf = r.get("smtp", "mailfrom")
        helo = r.get("smtp", "helo")
        if mf is not None:
            d = _domain_of(mf)
            if d is None:
                hd = normalize_domain(helo or helo_seen or envelope_helo)
                row(
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
                row("spf-mailfrom", d, r.result, aspf, r.header_index)
                if spf_identity != "mailfrom":
                    spf_domain, spf_identity, spf_result = d, "mailfrom", r.result
        elif helo is not None:
            row(
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
            row("received-spf", d, rs.result, aspf, rs.header_index, note)
            if spf_domain is None:
                spf_domain = d
                spf_identity = "mailfrom" if note is None else "helo"
                spf_result = rs.result

    dkim_domains: list[str] = []
    if trusted is not None:
        for r in trusted.results_for("dkim"):
            d = normalize_domain(r.get("header", "d")) or _domain_of(r.get("header", "i"))
            row("dkim-header", d, r.result, adkim, r.header_index)
            if d and d not in dkim_domains:
                dkim_domains.append(d)
    for v in dkim:
        d = normalize_domain(v.domain)
        row("dkim-verified", d, v.result, adkim, v.header_index, v.reason)
        if d and d not in dkim_domains:
            dkim_domains.append(d)

    # Our own verdict: pass when any identifier counts for every From domain.
    computed: str | None = None
    if domains:
        if any(r.counts for r in rows):
            computed = "pass" if len(domains) == 1 else _multi(domains, rows, adkim, aspf)
        elif trusted is not None or received_spf or dkim:
            computed = "fail"
    reported_result = reported.result if reported is not None else None
    no_record = (
        published is not None
        and published.record is None
        and published.outcome in ("nxdomain", "nodata")
    )
    if reported_result:
        result: str | None = reported_result
        source: Literal["trusted-header", "computed"] | None = "trusted-header"
    elif computed and no_record:
        # RFC 7489 6.6.3: without a DMARC record the mechanism does not apply.
        result, source = "none", "computed"
    else:
        result, source = computed, ("computed" if computed else None)
    passed = None if result is None else result == "pass"

    what_ifs = _what_ifs(rows, dkim, domains, adkim, aspf, passed)
    action = next(
        (
            p.value.lower()
            for p in (reported.properties if reported is not None else ())
            if not p.ptype and p.name == "action"
        ),
        "",
    )
    explanation = _explain(
        from_domain,
        result,
        source,
        rows,
        policy,
        published,
        passed,
        alignment=computed,
        action=action,
    )

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

    report = DmarcReport(
        from_domain=from_domain,
        result=result,
        explanation=explanation,
        from_domains=tuple(domains),
        from_addresses=tuple(addr_texts),
        from_org_domain=organizational_domain(from_domain),
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
        what_ifs=what_ifs,
        published_record=published,
    )
    return report, tuple(findings)


def _multi(domains: list[str], rows: list[DmarcIdentifier], adkim: Mode, aspf: Mode) -> str:
    """Several From domains: each must have an aligned pass (RFC 7489 section 6.6.1)."""
    for f in domains:
        ok = False
        for r in rows:
            if r.result != "pass" or r.domain is None:
                continue
            mode = adkim if r.source.startswith("dkim") else aspf
            if r.source == "spf-helo" and r.note and r.note.startswith("HELO identity"):
                continue
            if aligned(f, r.domain, mode):
                ok = True
                break
        if not ok:
            return "fail"
    return "pass"


def _what_ifs(
    rows: list[DmarcIdentifier],
    dkim: tuple[DkimResult, ...],
    domains: list[str],
    adkim: Mode,
    aspf: Mode,
    passed: bool | None,
) -> tuple[str, ...]:
    out: list[str] = []
    if not domains:
        return ()
    f = domains[0]
    if not any(r.counts for r in rows):
        for r in rows:
            if r.result == "pass" and r.relaxed_aligned and not r.strict_aligned:
                out.append(
                    f"Would pass under relaxed alignment: {r.source} {r.domain} shares the"
                    f" organizational domain {r.org_domain} with {f}"
                    f" ({'adkim' if r.source.startswith('dkim') else 'aspf'}=s is in force)."
                )
        for v in dkim:
            d = normalize_domain(v.domain)
            if v.result == "pass" or d is None:
                continue
            mode = adkim
            if not aligned(f, d, mode):
                continue
            diagnosis = v.diagnosis
            change = diagnosis.body_change if diagnosis is not None else None
            diag = " ".join(
                x for x in (diagnosis.summary if diagnosis else None, v.explanation) if x
            ).lower()
            footer = change == "appended" or "footer" in diag
            if v.reason == "body_hash_mismatch" and footer:
                out.append(
                    f"Passes if the list footer is removed: the signature by {d} fails only"
                    " because text was added to the end of the body."
                )
            elif v.reason == "body_hash_mismatch" and v.header_signature_ok:
                out.append(
                    f"Would pass if the body were as signed: the signature by {d} covers"
                    " unchanged headers, only the body changed."
                )
        for r in rows:
            if (
                r.result == "pass"
                and r.domain
                and not r.relaxed_aligned
                and (r.note is None or not r.note.startswith("HELO identity"))
            ):
                what = "envelope sender" if r.source.startswith(("spf", "received")) else "d="
                out.append(
                    f"{r.source} passed for {r.domain}, outside {f}'s organizational domain:"
                    f" would pass if the {what} were in {organizational_domain(f) or f}."
                )
    elif passed:
        counting = [r for r in rows if r.counts]
        if all(not r.strict_aligned for r in counting):
            out.append(
                "Would fail under strict alignment: every aligned pass is from another name"
                " in the same organizational domain."
            )
    return tuple(dict.fromkeys(out))


def _explain(
    from_domain: str | None,
    result: str | None,
    source: str | None,
    rows: list[DmarcIdentifier],
    policy: DmarcPolicy | None,
    published: DmarcRecord | None,
    passed: bool | None,
    *,
    alignment: str | None = None,
    action: str = "",
) -> str:
    if from_domain is None:
        return "No From domain, so DMARC does not apply (RFC 7489 section 6.6.1)."
    parts: list[str] = []
    who = "the receiver reported" if source == "trusted-header" else "computed here"
    no_record = (
        source == "computed" and result == "none" and published is not None and not published.record
    )
    if no_record and published is not None:
        parts.append(
            f"DMARC for {from_domain}: none (computed here). Today's lookup of"
            f" {published.name} found no DMARC record ({published.outcome}), so DMARC does"
            f" not apply (RFC 7489 section 6.6.3); alignment alone would give {alignment}."
        )
    elif result is None:
        parts.append(f"DMARC for {from_domain} could not be judged: no trusted SPF or DKIM result.")
    elif result == "bestguesspass":
        parts.append(
            f"DMARC for {from_domain}: bestguesspass ({who}); there is no DMARC record, so"
            " this is not a pass."
        )
    else:
        parts.append(f"DMARC for {from_domain}: {result} ({who}).")
    counting = [r for r in rows if r.counts]
    if counting:
        parts.append(
            "Aligned passes: "
            + ", ".join(dict.fromkeys(f"{r.source} {r.domain}" for r in counting))
            + "."
        )
    elif rows and passed is not True:
        parts.append("No SPF or DKIM pass is aligned with the From domain.")
    if policy is not None:
        bits = [
            f"{k}={getattr(policy, k)}"
            for k in ("p", "sp", "dis", "pct")
            if getattr(policy, k) is not None
        ]
        if bits:
            parts.append(f"Policy as recorded by the receiver: {' '.join(bits)}.")
        if action in _MICROSOFT_ACTION_TEXT:
            parts.append(_MICROSOFT_ACTION_TEXT[action])
        if policy.p == "none" and result == "fail":
            parts.append("p=none only asks for reports: the failure was not enforced.")
        if policy.pct is not None and policy.pct < 100:
            parts.append(f"pct={policy.pct}: the policy applied to that share of failing mail.")
    if published is not None and not no_record:
        if published.record:
            parts.append(f"Today's record at {published.name}: {published.record}")
        else:
            parts.append(f"Today's lookup of {published.name}: {published.outcome}.")
    return " ".join(parts)
