"""Authentication-Results, Received-SPF and DMARC for one message, with trust (RFC 8601 5).

Which Authentication-Results fields can be believed? Only those the receiving organisation
wrote: RFC 8601 section 5 has a receiver delete fields claiming its own authserv-id on
arrival, so any other field may have been written by the sender. The rule, in order:

1. ``Policy.trusted_authserv_ids`` when given;
2. else the authserv-ids the hop analysis attributes to the trusted zone
   (``hops.trust.trusted_authserv_ids``);
3. else inferred: the authserv-id of the topmost Authentication-Results field at or above
   the trust boundary, trusted for the contiguous block of fields that carry it (a field
   without authserv-id, as Microsoft writes them, forms a block of its own the same way).
   Without a boundary from the hops, the block also ends at the first Received field
   below that topmost field (a receiver writes its results above its own Received line).

In every case a field is trusted only if it also sits at or above the trust boundary
(``hops.trust.header_index``) when one is known, with one exception: Gmail, and Sendmail or
Postfix milters (OpenDKIM, OpenDMARC, policyd-spf), write their Authentication-Results and
Received-SPF fields directly *below* the receiver's own Received field. When the boundary is
a Received field and no field claiming a trusted authserv-id sits at or above it, the
contiguous run of Authentication-Results / Received-SPF fields right under that Received
field (the "receiver block") counts as written by the receiver. RFC 8601 section 5 has the
receiver delete incoming fields claiming its own authserv-id, so such a field in that place
is the receiver's; a claim further down (after any other field) is still reported as forged.
The trusted zone's own hosts: when the ids do not come from ``Policy.trusted_authserv_ids``
and the hops give a boundary, a field at or above that boundary whose authserv-id is the
``by`` host of a trusted hop (an organisation's forwarder or inbound relay, e.g.
``mx.fwd.example.net`` in front of ``mx.example.net``) was written by the receiving ADMD
too, and is trusted; its authserv-id joins the trusted ones, so a field claiming it further
down is reported as forged. ``AuthAnalysis.trusted`` stays the topmost trusted authserv-id's
view (the final verdict).
Fields with one authserv-id are merged in document order (``AuthAnalysis.merged``); several
results for one method stay apart.
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from headerlens.auth.dmarc import evaluate_dmarc
from headerlens.auth.models import (
    ArcResult,
    AuthAnalysis,
    AuthResult,
    AuthResultsHeader,
    DkimResult,
    ReceivedSpf,
)
from headerlens.auth.results import parse_authentication_results
from headerlens.auth.spf import parse_received_spf
from headerlens.defects import DefectLog
from headerlens.domains import normalize_domain
from headerlens.findings import Finding, make_finding
from headerlens.hops.models import HopAnalysis
from headerlens.message import Message
from headerlens.policy import Policy
from headerlens.resolvers import Resolver

__all__ = ["analyze_auth", "assign_trust", "merge_headers", "receiver_block"]


def _above(index: int | None, boundary: int | None) -> bool:
    return boundary is None or (index is not None and index <= boundary)


def assign_trust(
    headers: list[AuthResultsHeader],
    *,
    policy_ids: tuple[str, ...],
    hop_ids: tuple[str, ...],
    boundary: int | None,
    boundary_rule: str = "",
    received_indexes: tuple[int, ...] = (),
    receiver_block: tuple[int, ...] = (),
    zone_hosts: tuple[str, ...] = (),
) -> tuple[list[AuthResultsHeader], tuple[str, ...], str, list[Finding]]:
    """Mark each header ``trusted`` or not (module docstring rule); return the findings.

    ``headers`` are in document order (topmost first). ``receiver_block``: the indexes of
    the Authentication-Results / Received-SPF fields directly below the boundary Received
    field (see the module docstring). ``zone_hosts``: the hosts of the trusted hop zone
    (the ``by`` hosts of the trusted hops); unless ``policy_ids`` is given, a field whose
    authserv-id is one of them and that sits at or above the boundary is the receiving
    organisation's own too (RFC 8601 section 5). Returns the updated headers, the trusted
    authserv-ids, the rule applied and the findings about untrusted claims.
    """
    findings: list[Finding] = []
    block = frozenset(receiver_block)
    hop_boundary = boundary
    zone = (
        frozenset(z.lower() for z in zone_hosts)
        if zone_hosts and not policy_ids and hop_boundary is not None
        else frozenset()
    )

    def placed(index: int | None) -> bool:
        return _above(index, boundary) or (index is not None and index in block)

    ids: tuple[str, ...]
    inferred_none = False
    if policy_ids:
        ids = tuple(i.lower() for i in policy_ids)
        rule = "Policy.trusted_authserv_ids"
    elif hop_ids:
        ids = tuple(i.lower() for i in hop_ids)
        rule = "authserv-ids of the trusted hops" + (f" ({boundary_rule})" if boundary_rule else "")
    else:
        top = next((h for h in headers if placed(h.header_index)), None)
        if top is None:
            ids, rule = (), "no Authentication-Results field at or above the trust boundary"
        else:
            ids = (top.authserv_id,) if top.authserv_id else ()
            inferred_none = top.authserv_id is None
            rule = (
                "inferred: the authserv-id of the topmost Authentication-Results field"
                + (" at or above the trust boundary" if boundary is not None else "")
                + (" (none written: Microsoft style)" if inferred_none else "")
            )
            if boundary is None and top.header_index is not None:
                # No boundary from the hops: the receiver's fields sit above its own
                # Received line, so the block ends at the first Received below the top one.
                below_top = [i for i in received_indexes if i > top.header_index]
                if below_top:
                    boundary = below_top[0] - 1
                    rule += ", above the Received field that follows it"
    inferred = not policy_ids and not hop_ids

    def claims_id(h: AuthResultsHeader) -> bool:
        return (h.authserv_id in ids) if h.authserv_id is not None else inferred_none

    if block and any(claims_id(h) and _above(h.header_index, boundary) for h in headers):
        block = frozenset()  # the receiver wrote its results above its Received field
    # Fields of the trusted zone's own hosts, at or above the hops' boundary; their
    # authserv-ids join the trusted ones, so a claim of them further down is forged too.
    zone_fields = frozenset(
        h.header_index
        for h in headers
        if h.authserv_id in zone and _above(h.header_index, hop_boundary)
    )
    zone_ids: list[str] = []
    for h in headers:
        if h.header_index in zone_fields and h.authserv_id and h.authserv_id not in ids:
            zone_ids.append(h.authserv_id)
            ids = (*ids, h.authserv_id)
    out: list[AuthResultsHeader] = []
    in_top_block = True
    forged: list[int] = []
    below: list[int] = []
    for h in headers:
        claims = claims_id(h)
        above = placed(h.header_index)
        trusted = claims and above
        note: str
        zone_own = h.header_index in zone_fields and h.authserv_id in zone_ids
        if inferred:
            if not claims or zone_own:
                in_top_block = False  # a zone host's field ends the inferred block as before
            elif not in_top_block:
                trusted = False
        if zone_own:
            trusted = True
            note = (
                f"trusted: the authserv-id {h.authserv_id} is a host of the trusted zone"
                " (the 'by' host of a trusted hop) and the field sits at or above the trust"
                " boundary"
            )
        elif trusted:
            note = f"trusted: {rule}"
            if not _above(h.header_index, boundary):
                note += " (written just below the receiver's own Received field)"
        elif claims:
            note = "claims a trusted authserv-id from an untrusted position"
            if h.header_index is not None:
                forged.append(h.header_index)
        elif not above:
            note = "below the trust boundary: may have been written by the sender"
            if h.header_index is not None:
                below.append(h.header_index)
        else:
            note = "another organisation's authserv-id: a claim, not the receiver's verdict"
        out.append(h.model_copy(update={"trusted": trusted, "trust_note": note}))
    if forged:
        findings.append(
            make_finding(
                "auth.results_forged_trusted_id",
                "warning",
                "An Authentication-Results field claims the receiver's authserv-id from a"
                " position the receiver did not write; it is likely forged."
                if len(forged) == 1
                else f"{len(forged)} Authentication-Results fields claim the receiver's"
                " authserv-id from positions the receiver did not write; they are likely"
                " forged.",
                forged,
            )
        )
    if below:
        findings.append(
            make_finding(
                "auth.results_below_boundary",
                "notice",
                f"{len(below)} Authentication-Results field(s) sit below the trust boundary;"
                " they are claims anyone could have written (RFC 8601 section 5).",
                below,
            )
        )
    return out, ids, rule, findings


def merge_headers(headers: list[AuthResultsHeader]) -> tuple[AuthResultsHeader, ...]:
    """One merged view per (authserv-id, trusted), results in document order.

    Each result keeps the ``header_index`` of the field it came from; defects stay on the
    individual fields (so they are not counted twice).
    """
    groups: dict[tuple[str | None, bool], list[AuthResultsHeader]] = {}
    for h in headers:
        groups.setdefault((h.authserv_id, h.trusted), []).append(h)
    merged: list[AuthResultsHeader] = []
    for (aid, trusted), members in groups.items():
        results: list[AuthResult] = [r for m in members for r in m.results]
        idxs = tuple(m.header_index for m in members if m.header_index is not None)
        merged.append(
            AuthResultsHeader(
                header_index=idxs[0] if idxs else None,
                header_indexes=idxs,
                authserv_id=aid,
                version=members[0].version,
                results=tuple(results),
                trusted=trusted,
                conformant=all(m.conformant for m in members),
                repairs=tuple(r for m in members for r in m.repairs),
                header_name="Authentication-Results",
                comments=tuple(c for m in members for c in m.comments),
                no_results=not results and any(m.no_results for m in members),
                trust_note=members[0].trust_note,
            )
        )
    return tuple(merged)


_RECEIVER_BLOCK_FIELDS = frozenset({"authentication-results", "received-spf"})


def receiver_block(message: Message, boundary: int | None) -> tuple[int, ...]:
    """Indexes of the Authentication-Results / Received-SPF run right below the boundary.

    Only when the boundary field is a Received field: Gmail and Sendmail/Postfix milters
    write their results there (module docstring). The run stops at the first other field.
    """
    if boundary is None or not 0 <= boundary < len(message.headers):
        return ()
    if message.headers[boundary].lname != "received":
        return ()
    out: list[int] = []
    for h in message.headers[boundary + 1 :]:
        if h.lname not in _RECEIVER_BLOCK_FIELDS:
            break
        out.append(h.index)
    return tuple(out)


def _with_index(h: AuthResultsHeader) -> AuthResultsHeader:
    return h.model_copy(
        update={
            "results": tuple(
                r.model_copy(update={"header_index": h.header_index}) for r in h.results
            )
        }
    )


def analyze_auth(
    message: Message,
    policy: Policy,
    *,
    hops: HopAnalysis,
    dkim: tuple[DkimResult, ...],
    arc: ArcResult,
    resolver: Resolver,
) -> AuthAnalysis:
    """Read, attribute and explain the authentication results of ``message``.

    Parses every Authentication-Results (RFC 8601) and Received-SPF (RFC 7208 9.1) field,
    decides which were written by the receiving organisation (module docstring), merges them
    per authserv-id, evaluates DMARC alignment (RFC 7489) from the trusted results and our
    DKIM re-verification, and checks the trusted claims against re-verification, the
    envelope sender of the trusted hop and the ARC-recorded results. ``resolver`` is asked
    for today's DMARC record only when ``policy.resolver`` is set.
    """
    strict_log = DefectLog(strict=policy.strict)
    boundary = hops.trust.header_index
    fields = message.fields("Authentication-Results")[: policy.limits.max_auth_results]
    parsed: list[AuthResultsHeader] = []
    for f in fields:
        h = _with_index(parse_authentication_results(f.raw, header_index=f.index))
        strict_log.extend(h.defects)
        parsed.append(h)
    block = receiver_block(message, boundary)
    headers, ids, rule, findings = assign_trust(
        parsed,
        policy_ids=policy.trusted_authserv_ids,
        hop_ids=hops.trust.trusted_authserv_ids,
        boundary=boundary,
        boundary_rule=hops.trust.rule,
        received_indexes=tuple(f.index for f in message.fields("Received")),
        receiver_block=block,
        zone_hosts=_zone_hosts(hops),
    )
    merged = merge_headers(headers)
    trusted = next((m for m in merged if m.trusted), None)
    if trusted is None:
        findings.append(
            make_finding(
                "auth.no_trusted_results",
                "info",
                "No Authentication-Results field was written by the receiving organisation"
                if headers
                else "The message has no Authentication-Results field.",
                tuple(h.header_index for h in headers if h.header_index is not None),
                detail=rule,
            )
        )

    # Received-SPF: trusted when at or above the boundary (else: within the topmost hop).
    received = message.fields("Received")
    spf_limit = boundary
    if spf_limit is None and len(received) >= 2:
        spf_limit = received[1].index - 1
    rspf: list[ReceivedSpf] = []
    for f in message.fields("Received-SPF"):
        r = parse_received_spf(f.raw, header_index=f.index)
        strict_log.extend(r.defects)
        trusted_spf = _above(f.index, spf_limit) or f.index in block
        rspf.append(r.model_copy(update={"trusted": trusted_spf}))
    trusted_rspf = tuple(r for r in rspf if r.trusted)

    # The hop where the message entered the trusted zone (oldest trusted hop).
    entry = next((hp for hp in hops.hops if hp.trusted), None)
    envelope_helo = entry.received.from_helo if entry is not None else None
    envelope_from = entry.received.envelope_from if entry is not None else None
    if envelope_from is None:
        rp = message.fields("Return-Path")
        if rp and _above(rp[0].index, boundary):
            envelope_from = rp[0].value

    from_fields = message.fields("From")
    dmarc, dmarc_findings = evaluate_dmarc(
        from_addresses=message.addresses("From"),
        from_header_indexes=tuple(f.index for f in from_fields),
        trusted=trusted,
        received_spf=trusted_rspf,
        dkim=dkim,
        envelope_helo=envelope_helo,
        resolver=resolver if policy.resolver is not None else None,
    )
    findings.extend(dmarc_findings)
    findings.extend(_spf_failures(trusted, trusted_rspf))
    if trusted is not None:
        findings.extend(_dkim_consistency(trusted, dkim))
        findings.extend(_spf_consistency(trusted, envelope_from, entry_index=_idx(entry)))
        findings.extend(_arc_consistency(trusted, arc))
    return AuthAnalysis(
        auth_results=tuple(headers),
        received_spf=tuple(rspf),
        dmarc=dmarc,
        findings=tuple(findings),
        merged=merged,
        trusted_authserv_ids=ids,
        trust_rule=rule,
    )


def _zone_hosts(hops: HopAnalysis) -> tuple[str, ...]:
    """The ``by`` hosts of the trusted hops (normalised, in hop order, no repeats)."""
    out: list[str] = []
    for hp in hops.hops:
        if not hp.trusted:
            continue
        host = normalize_domain(hp.received.by_host or "")
        if host and host not in out:
            out.append(host)
    return tuple(out)


def _idx(entry: object) -> int | None:
    idx = getattr(entry, "header_index", None)
    return idx if isinstance(idx, int) else None


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


def _spf_failures(
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


def _dkim_consistency(trusted: AuthResultsHeader, dkim: tuple[DkimResult, ...]) -> list[Finding]:
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


def _spf_consistency(
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


def _arc_consistency(trusted: AuthResultsHeader, arc: ArcResult) -> list[Finding]:
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
