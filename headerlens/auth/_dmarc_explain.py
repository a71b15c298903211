"""The words of a DMARC report: what would have changed the outcome, and the explanation.

RFC 7489 sections 3.1 (alignment), 6.3 (policy) and 6.6.3 (no record): built from the
identifier table :func:`headerlens.auth.dmarc.evaluate_dmarc` made.
"""

from __future__ import annotations

from typing import Literal

from headerlens.auth._dmarc_policy import MICROSOFT_ACTION_TEXT
from headerlens.auth._orgdomains import OrgDomains
from headerlens.auth.models import DkimResult, DmarcIdentifier, DmarcPolicy, DmarcRecord
from headerlens.domains import normalize_domain

__all__ = ["explain", "what_ifs"]

Mode = Literal["relaxed", "strict"]


def what_ifs(
    rows: list[DmarcIdentifier],
    dkim: tuple[DkimResult, ...],
    domains: list[str],
    adkim: Mode,
    aspf: Mode,
    passed: bool | None,
    orgs: OrgDomains,
) -> tuple[str, ...]:
    """What would have changed the outcome (RFC 7489 section 3.1), without repeats."""
    if not domains:
        return ()
    f = domains[0]
    out: list[str] = []
    if not any(r.counts for r in rows):
        out += _relaxed_would_pass(rows, f)
        out += _broken_signatures(dkim, f, adkim, orgs)
        out += _outside_org_domain(rows, f, orgs)
    elif passed:
        counting = [r for r in rows if r.counts]
        if all(not r.strict_aligned for r in counting):
            out.append(
                "Would fail under strict alignment: every aligned pass is from another name"
                " in the same organizational domain."
            )
    return tuple(dict.fromkeys(out))


def _relaxed_would_pass(rows: list[DmarcIdentifier], f: str) -> list[str]:
    return [
        f"Would pass under relaxed alignment: {r.source} {r.domain} shares the"
        f" organizational domain {r.org_domain} with {f}"
        f" ({'adkim' if r.source.startswith('dkim') else 'aspf'}=s is in force)."
        for r in rows
        if r.result == "pass" and r.relaxed_aligned and not r.strict_aligned
    ]


def _broken_signatures(
    dkim: tuple[DkimResult, ...], f: str, adkim: Mode, orgs: OrgDomains
) -> list[str]:
    """Aligned signatures that fail only because the body changed (a list footer...)."""
    out: list[str] = []
    for v in dkim:
        d = normalize_domain(v.domain)
        if v.result == "pass" or d is None or not orgs.aligned(f, d, adkim):
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
    return out


def _outside_org_domain(rows: list[DmarcIdentifier], f: str, orgs: OrgDomains) -> list[str]:
    out: list[str] = []
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
                f" would pass if the {what} were in {orgs.org(f) or f}."
            )
    return out


def explain(
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
    undecided: str | None = None,
) -> str:
    """The explanation: the verdict and who gave it, the aligned passes, the recorded
    policy (RFC 7489 6.3) and today's record."""
    if from_domain is None:
        return "No From domain, so DMARC does not apply (RFC 7489 section 6.6.1)."
    no_record = (
        source == "computed" and result == "none" and published is not None and not published.record
    )
    parts = [_verdict_text(from_domain, result, source, published, no_record, alignment)]
    if result is None and undecided:
        parts = [f"DMARC for {from_domain} could not be judged: {undecided}."]
    counting = [r for r in rows if r.counts]
    if counting:
        parts.append(
            "Aligned passes: "
            + ", ".join(dict.fromkeys(f"{r.source} {r.domain}" for r in counting))
            + "."
        )
    elif rows and passed is not True and not (result is None and undecided):
        parts.append("No SPF or DKIM pass is aligned with the From domain.")
    if policy is not None:
        parts += _policy_text(policy, result, action)
    if published is not None and not no_record:
        if published.record:
            parts.append(f"Today's record at {published.name}: {published.record}")
        else:
            parts.append(f"Today's lookup of {published.name}: {published.outcome}.")
    return " ".join(parts)


def _verdict_text(
    from_domain: str,
    result: str | None,
    source: str | None,
    published: DmarcRecord | None,
    no_record: bool,
    alignment: str | None,
) -> str:
    who = "the receiver reported" if source == "trusted-header" else "computed here"
    if no_record and published is not None:
        return (
            f"DMARC for {from_domain}: none (computed here). Today's lookup of"
            f" {published.name} found no DMARC record ({published.outcome}), so DMARC does"
            " not apply (RFC 7489 section 6.6.3); "
            + (
                f"alignment alone would give {alignment}."
                if alignment
                else "alignment alone could not decide."
            )
        )
    if result is None:
        return f"DMARC for {from_domain} could not be judged: no trusted SPF or DKIM result."
    if result == "bestguesspass":
        return (
            f"DMARC for {from_domain}: bestguesspass ({who}); there is no DMARC record, so"
            " this is not a pass."
        )
    return f"DMARC for {from_domain}: {result} ({who})."


def _policy_text(policy: DmarcPolicy, result: str | None, action: str) -> list[str]:
    parts: list[str] = []
    bits = [
        f"{k}={getattr(policy, k)}"
        for k in ("p", "sp", "dis", "pct")
        if getattr(policy, k) is not None
    ]
    if bits:
        parts.append(f"Policy as recorded by the receiver: {' '.join(bits)}.")
    if action in MICROSOFT_ACTION_TEXT:
        parts.append(MICROSOFT_ACTION_TEXT[action])
    if policy.p == "none" and result == "fail":
        parts.append("p=none only asks for reports: the failure was not enforced.")
    if policy.pct is not None and policy.pct < 100:
        parts.append(f"pct={policy.pct}: the policy applied to that share of failing mail.")
    return parts
