"""The trusted authentication results checked against what the message itself shows.

- ``auth.spf_fail``: a trusted SPF fail or softfail, with its client IP (RFC 7208 8.4, 8.5);
- ``auth.dkim_pass_not_reproduced``: a trusted ``dkim=pass`` our re-verification cannot
  reproduce, and the likely reason (RFC 6376 section 6.1);
- ``auth.spf_domain_not_envelope``: a trusted SPF pass for a domain other than the trusted
  hop's envelope sender;
- ``auth.arc_results_disagree``: what an ARC sealer recorded (RFC 8617 4.1.1) against the
  final results.
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from headerlens.auth.models import ArcResult, AuthResultsHeader, DkimResult, ReceivedSpf
from headerlens.domains import normalize_domain
from headerlens.findings import Finding, make_finding

__all__ = ["arc_consistency", "dkim_consistency", "spf_consistency", "spf_failures"]


_SPF_FAIL_MEANING = {
    "fail": (
        "the domain owner states that this host is not allowed to send its mail",
        "RFC 7208 section 8.4: fail is an explicit statement that the client is not"
        " authorized to use the domain in this identity; receivers may reject the message.",
    ),
    "softfail": (
        "the domain owner says this host is probably not allowed to send its mail",
        "RFC 7208 section 8.5: softfail is a weak statement that the host is probably not"
        " authorized, from a domain that has not published a stricter policy; receivers"
        " usually accept the message but treat it with more suspicion.",
    ),
}


def _ip_in(text: str | None) -> str | None:
    """The first word of ``text`` that is an IPv4 or IPv6 address (``[x]``, ``x,`` too)."""
    if not text:
        return None
    for word in text.split():
        w = word.strip("[]()<>,;:.'\"")
        if w.lower().startswith("ipv6:"):
            w = w[5:]
        if not w or not (w[0].isdigit() or ":" in w):
            continue
        try:
            return str(ipaddress.ip_address(w))
        except ValueError:
            continue
    return None


def _domain_of(identity: str | None) -> str | None:
    if not identity:
        return None
    ident = identity.strip().strip("<>").strip()
    return normalize_domain(ident.rpartition("@")[2]) if ident else None


def spf_failures(
    trusted: AuthResultsHeader | None, trusted_rspf: tuple[ReceivedSpf, ...]
) -> list[Finding]:
    """``auth.spf_fail`` for a trusted SPF fail/softfail (RFC 7208 sections 8.4, 8.5).

    Read from the trusted Authentication-Results; when it holds no SPF result, from the
    trusted Received-SPF fields. The client IP comes from ``smtp.client-ip`` or the
    result's comment, else from a trusted Received-SPF ``client-ip``. One finding per
    (result, domain).
    """
    rows: list[tuple[str, str | None, str, str | None, tuple[int, ...]]] = []
    rspf_ip = next((r.client_ip for r in trusted_rspf if r.client_ip), None)
    rspf_idx = tuple(r.header_index for r in trusted_rspf if r.result in _SPF_FAIL_MEANING)
    spf_results = trusted.results_for("spf") if trusted is not None else ()
    if spf_results:
        for r in spf_results:
            if r.result not in _SPF_FAIL_MEANING:
                continue
            mailfrom = r.get("smtp", "mailfrom")
            helo = r.get("smtp", "helo")
            identity = "mailfrom" if mailfrom else ("helo" if helo else "")
            domain = _domain_of(mailfrom) if mailfrom else normalize_domain(helo or "")
            ip = (
                _ip_in(r.get("smtp", "client-ip"))
                or next((ip for c in r.comments if (ip := _ip_in(c))), None)
                or rspf_ip
            )
            idx = ((r.header_index,) if r.header_index is not None else ()) + rspf_idx
            rows.append((r.result, domain, identity, ip, idx))
    else:
        for rs in trusted_rspf:
            if rs.result not in _SPF_FAIL_MEANING:
                continue
            identity = (rs.identity or "").lower()
            if identity == "helo" or (not rs.envelope_from and rs.helo):
                domain, identity = normalize_domain(rs.helo or ""), "helo"
            else:
                domain, identity = _domain_of(rs.envelope_from), "mailfrom"
            ip = _ip_in(rs.client_ip) or _ip_in(rs.comment)
            rows.append((rs.result, domain, identity, ip, (rs.header_index,)))
    out: list[Finding] = []
    seen: set[tuple[str, str | None]] = set()
    for result, domain, identity, ip, idx in rows:
        if (result, domain) in seen:
            continue
        seen.add((result, domain))
        severity: Literal["notice", "warning"] = "warning" if result == "fail" else "notice"
        what = domain or "the sender's domain"
        via = {"mailfrom": " (envelope sender)", "helo": " (HELO name)"}.get(identity, "")
        sent = f", sent from {ip}" if ip else ""
        meaning, rfc = _SPF_FAIL_MEANING[result]
        out.append(
            make_finding(
                "auth.spf_fail",
                severity,
                f"SPF {result} for {what}{via}{sent}: {meaning}.",
                tuple(dict.fromkeys(idx)),
                detail=rfc,
            )
        )
    return out


def dkim_consistency(trusted: AuthResultsHeader, dkim: tuple[DkimResult, ...]) -> list[Finding]:
    """Trusted ``dkim=pass`` that our re-verification cannot reproduce (RFC 6376 6.1)."""
    out: list[Finding] = []
    # One finding per re-verified signature, however many trusted results claimed it.
    claims: dict[int, tuple[DkimResult, list[int], str]] = {}
    for r in trusted.results_for("dkim"):
        if r.result != "pass":
            continue
        d = normalize_domain(r.get("header", "d"))
        if d is None:
            i = r.get("header", "i") or ""
            d = normalize_domain(i.rpartition("@")[2]) if i else None
        sel = (r.get("header", "s") or "").lower() or None
        mine = [
            v
            for v in dkim
            if normalize_domain(v.domain) == d
            and (sel is None or v.selector is None or v.selector.lower() == sel)
        ]
        if not mine or any(v.result == "pass" for v in mine):
            continue
        failed = [v for v in mine if v.result in ("fail", "permerror")]
        if not failed:
            continue  # temperror / not looked up: not checked, not a contradiction
        v = failed[0]
        diagnosis = v.diagnosis
        if v.reason == "body_hash_mismatch" or v.body_hash_ok is False:
            why = "the body changed after the receiver checked it"
        elif v.reason.startswith("key_") or (
            diagnosis is not None and diagnosis.key_matches is False
        ):
            why = "the key in DNS may have been rotated or revoked since delivery"
        elif diagnosis is not None and diagnosis.key_matches is True:
            why = "the signed headers changed after the receiver checked them"
        else:
            why = "see the re-verification reason"
        entry = claims.setdefault(id(v), (v, [], why))
        if r.header_index is not None and r.header_index not in entry[1]:
            entry[1].append(r.header_index)
    for v, ar_indexes, why in claims.values():
        diagnosis = v.diagnosis
        idx = tuple(ar_indexes) + ((v.header_index,) if v.header_index is not None else ())
        out.append(
            make_finding(
                "auth.dkim_pass_not_reproduced",
                "warning",
                f"The receiver recorded dkim=pass for {normalize_domain(v.domain) or v.domain},"
                f" but re-verification fails ({v.reason}): {why}.",
                idx,
                detail=(diagnosis.summary if diagnosis else None) or v.explanation or None,
            )
        )
    return out


def spf_consistency(
    trusted: AuthResultsHeader, envelope_from: str | None, *, entry_index: int | None
) -> list[Finding]:
    """Trusted ``spf=pass`` for a domain other than the trusted hop's envelope sender."""
    if not envelope_from:
        return []
    env = envelope_from.strip().strip("<>").strip()
    env_domain = normalize_domain(env.rpartition("@")[2]) if "@" in env else None
    if env_domain is None:
        return []
    out: list[Finding] = []
    for r in trusted.results_for("spf"):
        mf = r.get("smtp", "mailfrom")
        if r.result != "pass" or not mf:
            continue
        mf = mf.strip().strip("<>")
        d = normalize_domain(mf.rpartition("@")[2]) if mf else None
        if d is None or d == env_domain:
            continue
        idx = tuple(i for i in (r.header_index, entry_index) if i is not None)
        out.append(
            make_finding(
                "auth.spf_domain_not_envelope",
                "warning",
                f"The trusted SPF pass is for {d}, but the trusted hop recorded the envelope"
                f" sender {env}.",
                idx,
            )
        )
    return out


def arc_consistency(trusted: AuthResultsHeader, arc: ArcResult) -> list[Finding]:
    """ARC-recorded results (AAR, RFC 8617 4.1.1) that differ from the final ones."""
    out: list[Finding] = []
    for inst in arc.instances:
        aar = inst.aar
        if aar is None:
            continue
        then: list[str] = []
        now: list[str] = []
        lost_pass = False
        for method in ("spf", "dkim", "dmarc"):
            recorded = {r.result for r in aar.results_for(method)}
            final = {r.result for r in trusted.results_for(method)}
            if not recorded or not final:
                continue
            if ("pass" in recorded) == ("pass" in final):
                continue
            then.append(f"{method}={'/'.join(sorted(recorded))}")
            now.append(f"{method}={'/'.join(sorted(final))}")
            lost_pass = lost_pass or "pass" in recorded
        if not then:
            continue
        who = aar.authserv_id or inst.seal_domain or "an intermediary"
        out.append(
            make_finding(
                "auth.arc_results_disagree",
                "notice",
                f"ARC instance {inst.instance} ({who}) recorded {', '.join(then)};"
                f" the final result{'s are' if len(now) > 1 else ' is'} {', '.join(now)}"
                + (": the message probably changed after that hop." if lost_pass else "."),
                tuple(i for i in (aar.header_index, trusted.header_index) if i is not None),
            )
        )
    return out
