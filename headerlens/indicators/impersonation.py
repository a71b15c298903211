"""A sender posing as someone else: look-alike and confusable domains (Unicode UTS #39,
IDNA), one's own organization's domain arriving from outside, and a display name that shows
another address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from headerlens.findings import Finding, make_finding
from headerlens.indicators._context import Named, border_hop, indexes, org_of, shown_name
from headerlens.indicators.lookalike import inspect_domain, skeleton
from headerlens.verdict import judge_authentication

if TYPE_CHECKING:
    from headerlens.report import Report

__all__ = ["display_name_note", "lookalikes", "own_domain_from_outside"]


# At most this many names of one look-alike group are compared (bounded work on hostile input).
_MAX_GROUP = 16


def lookalikes(
    report: Report, named: list[Named], recipients: list[str], notes: list[str]
) -> list[Finding]:
    """Each named domain as it shows on screen (IDNA, UTS #39 mixed scripts and whole-script
    confusables), then the pairs of names that look alike; remarks about the From domain go
    to ``notes``."""
    return _shown_domains(named, notes) + _lookalike_pairs(report, named, recipients, notes)


def _shown_domains(named: list[Named], notes: list[str]) -> list[Finding]:
    """One finding per internationalized or confusable domain the message names."""
    out: list[Finding] = []
    seen: dict[str, list[Named]] = {}
    for n in named:
        seen.setdefault(n.domain, []).append(n)
    for domain, uses in seen.items():
        look = inspect_domain(domain)
        roles = "/".join(dict.fromkeys(u.role for u in uses))
        idx = indexes(u.index for u in uses)
        from_role = any(u.role == "From" for u in uses)
        written = next((u.written for u in uses if u.written), None)
        if written is not None and inspect_domain(written).unicode != look.unicode:
            # Compatibility characters (mathematical bold letters, full-width forms) that
            # IDNA's mapping (UTS #46) turns into another name: styled text posing as it.
            if from_role:
                notes.append(f"its domain is look-alike characters standing for {look.unicode}")
            out.append(
                make_finding(
                    "indicator.confusable_domain",
                    "warning",
                    f"The {roles} domain is written {written}, characters that IDNA's mapping "
                    f"(Unicode UTS #46) turns into {look.unicode}: on screen it imitates that "
                    "name with look-alike characters, which no genuine sender writes. Mail "
                    "systems treat it as that domain, so its authentication results are that "
                    "domain's.",
                    idx,
                    detail=written,
                )
            )
            continue
        if not look.idn:
            continue
        validity = (
            ""
            if look.idna_valid
            else " It is not a valid IDNA 2008 name (RFC 5891), which registries do not issue."
        )
        if look.mixed:
            label, scripts = look.mixed[0]
            mix = " and ".join(s.title() for s in scripts)
            if from_role:
                notes.append(f"shown as {look.unicode}, mixing {mix} letters")
            out.append(
                make_finding(
                    "indicator.mixed_script_domain",
                    "warning",
                    f"The {roles} domain {domain} displays as {look.unicode}: its label "
                    f"'{label}' mixes {mix} letters, the homograph trick (Unicode UTS #39 "
                    "section 5.1). Genuine internationalized names keep to one script; this "
                    f"shows the name was made to be misread, not whom it imitates.{validity}",
                    idx,
                    detail=look.ascii,
                )
            )
        elif look.ascii_lookalike:
            if from_role:
                notes.append(f"shown as {look.unicode}, all look-alike letters")
            out.append(
                make_finding(
                    "indicator.confusable_domain",
                    "warning",
                    f"The {roles} domain {domain} displays as {look.unicode}, whose every "
                    "letter looks like a Latin one (a whole-script confusable, Unicode UTS #39 "
                    "section 4): on screen it passes for an all-ASCII name. It is a different "
                    f"domain from the one it resembles.{validity}",
                    idx,
                    detail=look.ascii,
                )
            )
        else:
            out.append(
                make_finding(
                    "indicator.idn_domain",
                    "info" if look.idna_valid else "notice",
                    f"The {roles} domain is internationalized: sent as {domain}, shown as "
                    f"{look.unicode} (RFC 5890). Nothing is wrong with that alone; compare the "
                    f"shown name with the one you expect.{validity}",
                    idx,
                )
            )
    return out


def _lookalike_pairs(
    report: Report, named: list[Named], recipients: list[str], notes: list[str]
) -> list[Finding]:
    """Pairs that differ but look the same (UTS #39 skeletons), by organizational domain:
    grouped by skeleton, so the work stays linear in the number of names."""
    out: list[Finding] = []
    candidates: dict[str, tuple[str, list[int]]] = {}
    for n in named:
        org = org_of(n.domain)
        if org and org not in candidates:
            candidates[org] = (f"the {n.role} domain", [n.index])
    for d in recipients:
        org = org_of(d)
        if org and org not in candidates:
            candidates[org] = ("the recipient's domain", [])
    for sig in report.dkim:
        org = org_of(sig.domain)
        if org and sig.result == "pass" and org not in candidates:
            candidates[org] = ("the DKIM signer", [sig.header_index])
    groups: dict[str, list[str]] = {}
    for org in candidates:
        groups.setdefault(skeleton(shown_name(org)), []).append(org)
    senders = ("the From domain", "the Reply-To domain", "the Sender domain")
    done: set[frozenset[str]] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        orgs = group[:_MAX_GROUP]
        # The From domain speaks first, then Reply-To, then Sender; each pair is told once,
        # and each sender-side name against the most telling other name (the recipient's).
        ordered = sorted(
            (o for o in orgs if candidates[o][0] in senders),
            key=lambda o: (senders.index(candidates[o][0]), o),
        )
        for a in ordered:
            a_role, a_idx = candidates[a]
            others = sorted(
                (o for o in orgs if o != a and frozenset((a, o)) not in done),
                key=lambda o: (candidates[o][0] != "the recipient's domain", o),
            )
            if not others:
                continue
            b = others[0]
            b_role, b_idx = candidates[b]
            done.add(frozenset((a, b)))
            if a_role == "the From domain":
                notes.append(f"a look-alike of {b_role} {shown_name(b)}")
            out.append(
                make_finding(
                    "indicator.lookalike_domain",
                    "warning",
                    f"{a_role[0].upper() + a_role[1:]} {shown_name(a)} looks like {b_role} "
                    f"{shown_name(b)} but is a different name (their Unicode UTS #39 skeletons "
                    "match). A look-alike is chosen on purpose to be mistaken for the other; "
                    "it does not say who registered it.",
                    indexes(a_idx, b_idx),
                    detail=f"{a} ~ {b}",
                )
            )
    return out


def own_domain_from_outside(
    report: Report,
    named: list[Named],
    recipients: list[str],
    basis: str,
    r_idx: list[int],
    is_list: bool,
    notes: list[str],
) -> list[Finding]:
    froms = [n for n in named if n.role == "From"]
    if not froms or is_list or not recipients:
        return []
    from_org = org_of(froms[0].domain)
    if from_org is None or from_org not in {org_of(d) for d in recipients}:
        return []
    border = border_hop(report)
    if border is None or border.internal or border.received.authenticated:
        return []
    r = border.received
    if r.kind != "network" or report.origin_ip is None:
        return []
    if org_of(r.from_rdns) == from_org:
        return []
    auth = judge_authentication(report)
    if auth.authenticated is True:
        return []
    origin = f"{r.from_rdns} [{report.origin_ip}]" if r.from_rdns else report.origin_ip
    envelope = basis == "the envelope recipient"
    same = next((d for d in recipients if d == froms[0].domain), None)
    mate = same or next(d for d in recipients if org_of(d) == from_org)
    whom = "the recipient's" if envelope else "the addressee's"
    where = "per the envelope recipient" if envelope else "per To/Cc"
    if same is not None:
        whose = f"{whom} own domain ({where})"
    else:
        whose = (
            f"under {from_org}, the organizational domain of {whom} domain"
            f" {shown_name(mate)} ({where})"
        )
    notes.append(f"{whom} own organization's domain, yet it came from outside")
    state = "fails authentication" if auth.authenticated is False else "nothing authenticates it"
    return [
        make_finding(
            "indicator.own_domain_from_outside",
            "critical" if auth.authenticated is False else "warning",
            f"The From domain {shown_name(froms[0].domain)} is {whose}, "
            f"yet the message came in from outside, from {origin}, and {state}. Mail from "
            "one's own organisation normally stays inside it or passes DMARC (RFC 7489): this "
            "is how a colleague is impersonated, unless the organisation sends through an "
            "outside service it has not authenticated.",
            indexes([froms[0].index, border.header_index], r_idx[:3]),
        )
    ]


def display_name_note(named: list[Named]) -> list[str]:
    """A From display name that shows an address other than the real one (the finding is
    ``auth.from_display_name_address``; the verdict says it next to the address)."""
    for a in named:
        if a.role != "From":
            continue
        real = (a.address or "").lower()
        for word in (a.display_name or "").replace("<", " ").replace(">", " ").split():
            word = word.strip("\"'(),;[]")
            if "@" in word and "." in word.rpartition("@")[2] and word.lower() != real:
                return [f"its display name shows {word}"]
    return []
