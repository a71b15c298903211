"""Indicators an analyst checks by hand, as findings (issue #14).

Each indicator compares what a message *claims* (From, Reply-To, Sender, Return-Path,
Message-ID, Date, domain names) with what the finished analyses *established* (the hop chain
and its trust boundary, authentication, the envelope recipient). None of them proves forgery or
spam alone; each finding's summary says what it shows, what it does not, and the RFC or
documentation it rests on (``docs/indicators.md`` lists them all).

The step runs after every other analysis and reads their results from the preliminary
:class:`~headerlens.Report`; the verdict (``headerlens.verdict``) is built after it. Knowledge
(bulk-mail platforms, generic reverse-DNS words) lives in ``data/`` with its sources; domain
look-alikes use the ``idna`` and ``confusable-homoglyphs`` packages (``lookalike.py``).

This module draws the indicators about the sender's relations, the Message-ID, the Date and
the origin's reverse-DNS name; ``impersonation.py`` those about a sender posing as someone
else; ``platforms.py`` the bulk-mail platforms; ``_context.py`` what they all read.

Indicators the other analyses already give are not repeated: a Date far from the first hop is
``hops.future_date`` / ``hops.old_date`` / ``hops.submission_delay``; a From display name that
shows another domain's address is ``auth.from_display_name_address`` (built on the defect
``address.display_name_spoof``).
"""

from __future__ import annotations

import ipaddress
from functools import cache
from typing import TYPE_CHECKING

from headerlens._model import Model
from headerlens.findings import Finding, Severity, make_finding
from headerlens.indicators._context import (
    Named,
    border_hop,
    first_field,
    indexes,
    is_list_mail,
    named_domains,
    org_of,
    read_data,
    recipients_of,
    shown_name,
)
from headerlens.indicators.impersonation import (
    display_name_note,
    lookalikes,
    own_domain_from_outside,
)
from headerlens.indicators.platforms import (
    Platform,
    bulk_finding,
    identify_platforms,
    platform_table,
    provider_family,
)

if TYPE_CHECKING:
    from headerlens.policy import Policy
    from headerlens.report import Report

__all__ = ["IndicatorAnalysis", "Platform", "analyze_indicators"]


class IndicatorAnalysis(Model):
    """What the indicator step returns to ``analyze()``.

    ``sender_notes``: short remarks about the From address for the verdict's first sentence
    (e.g. "its display name shows ceo@example.com", "a look-alike of example.com").
    """

    findings: tuple[Finding, ...] = ()
    platforms: tuple[Platform, ...] = ()
    sender_notes: tuple[str, ...] = ()


# --- knowledge ------------------------------------------------------------------------------


@cache
def _rdns_words() -> tuple[frozenset[str], frozenset[str]]:
    raw = read_data("dynamic_rdns.json")
    return frozenset(raw["dynamic"]), frozenset(raw["access"])


# Right-hand sides of Message-IDs that are a machine's own name, not a domain on the Internet.
_LOCAL_SUFFIXES = (".local", ".localdomain", ".lan", ".home", ".internal", ".localhost")


# --- the indicators --------------------------------------------------------------------------


def _relations(
    report: Report, named: list[Named], is_list: bool, platform_orgs: set[str]
) -> list[Finding]:
    """From against Reply-To, Sender and Return-Path, by organizational domain."""
    out: list[Finding] = []
    froms = [n for n in named if n.role == "From"]
    if not froms:
        return out
    frm = froms[0]
    from_org = org_of(frm.domain)
    if from_org is None:
        return out
    dkim_orgs = {
        org_of(r.domain)
        for r in (report.dmarc.identifiers if report.dmarc else ())
        if r.result == "pass" and r.domain
    }
    for role, code in (
        ("Reply-To", "indicator.reply_to_domain"),
        ("Sender", "indicator.sender_domain"),
        ("Return-Path", "indicator.return_path_domain"),
    ):
        others = [n for n in named if n.role == role and org_of(n.domain) not in (from_org, None)]
        if not others:
            continue
        o = others[0]
        o_org = org_of(o.domain)
        idx = indexes([o.index, frm.index])
        shown, fshown = shown_name(o.domain), shown_name(frm.domain)
        if role == "Reply-To":
            severity: Severity = "info" if is_list else "notice"
            text = (
                f"Replies go to {o.address or shown}, not to the From domain {fshown}. "
                "RFC 5322 section 3.6.2 lets Reply-To name anyone: lists and help desks use it, "
                "and so does a forged sender who wants the answers; it proves nothing alone."
            )
        elif role == "Sender":
            severity = "info"
            text = (
                f"The Sender field names {o.address or shown}, who sent it on behalf of the "
                f"From address at {fshown} (RFC 5322 section 3.6.2; mail clients show "
                '"on behalf of"). Normal for assistants and lists; it does not make the '
                "From address authentic."
            )
        else:
            routine = is_list or o_org in platform_orgs or o_org in dkim_orgs
            severity = "info" if routine else "notice"
            text = (
                f"The envelope sender (Return-Path) is at {shown}, not at the From domain "
                f"{fshown}. Lists, forwarders and bulk-mail platforms use their own bounce "
                "domains, so this alone proves nothing; DMARC counts an SPF pass only when the "
                "two align (RFC 7489 section 3.1.2)."
            )
        out.append(make_finding(code, severity, text, idx, detail=o.address))
    return out


def _message_id(report: Report, named: list[Named], platform_orgs: set[str]) -> list[Finding]:
    msg = report.message
    field = first_field(msg, "Message-ID")
    if field is None:
        return [
            make_finding(
                "indicator.no_message_id",
                "notice",
                "The message has no Message-ID, which RFC 5322 section 3.6.4 says every "
                "message should have and submission servers add (RFC 6409 section 8.3); large "
                "mailbox providers junk or refuse mail without one. Points to a script or bulk "
                "tool rather than a mail client; it does not prove spam.",
            )
        ]
    value = field.value.strip()
    inner = value[value.find("<") + 1 : value.find(">")] if "<" in value and ">" in value else ""
    right = inner.rpartition("@")[2].strip().lower().rstrip(".") if "@" in inner else ""
    if not right or right.startswith("[") or "." not in right or right.endswith(_LOCAL_SUFFIXES):
        return []
    try:
        ipaddress.ip_address(right)
        return []
    except ValueError:
        pass
    mid_org = org_of(right)
    if mid_org is None:
        return []
    related: set[str | None] = {org_of(n.domain) for n in named}
    related |= platform_orgs
    for hop in report.hops:
        r = hop.received
        for host in (r.by_host, r.from_rdns, r.from_helo):
            related.add(org_of(host))
        if r.envelope_from:
            related.add(org_of(r.envelope_from.strip("<>").rpartition("@")[2]))
    for sig in report.dkim:
        related.add(org_of(sig.domain))
    if report.dmarc is not None:
        related.update(org_of(r.domain) for r in report.dmarc.identifiers)
    related.update(org_of(h) for h in report.trust.trusted_hosts)
    if mid_org in provider_family(related):
        return []
    froms = [n for n in named if n.role == "From"]
    from_text = f"the From domain {shown_name(froms[0].domain)}" if froms else "the From domain"
    return [
        make_finding(
            "indicator.message_id_domain",
            "notice",
            f"The Message-ID was made under {right}, which is neither {from_text} nor any "
            "signer, envelope sender or host on the path: the program that wrote it is not "
            "obviously the sender's. RFC 5322 section 3.6.4 lets any host make the ID, so "
            "this proves nothing alone; spam tools often invent them.",
            indexes([field.index], [n.index for n in froms[:1]]),
            detail=value,
        )
    ]


def _no_date(report: Report) -> list[Finding]:
    if not any(d.code == "message.missing_date" for d in report.message.defects):
        return []
    return [
        make_finding(
            "indicator.no_date",
            "notice",
            "The message has no Date (defect message.missing_date): RFC 5322 section 3.6.1 "
            "requires one and submission servers add it (RFC 6409 section 8.2), so it did not "
            "come the usual way from a mail client. Points to a script or a damaged copy; it "
            "does not prove forgery.",
        )
    ]


def _generic_rdns(report: Report, is_list: bool) -> list[Finding]:
    border = border_hop(report)
    if border is None or border.internal or border.received.authenticated:
        return []
    r = border.received
    if r.kind != "network" or not r.from_rdns or report.origin_ip is None:
        return []
    rdns = r.from_rdns.lower().rstrip(".")
    org = org_of(rdns)
    host = rdns[: -len(org)].rstrip(".") if org and rdns.endswith(org) else rdns
    if not host:
        return []
    tokens: list[str] = []
    word = ""
    for ch in host:
        kind = ch.isalpha()
        if ch.isalnum() and (not word or word[-1].isalpha() == kind):
            word += ch
        else:
            if word:
                tokens.append(word)
            word = ch if ch.isalnum() else ""
    if word:
        tokens.append(word)
    dynamic, access = _rdns_words()
    hits = [t for t in tokens if t in dynamic or t in access]
    why: list[str] = []
    if hits:
        why.append("the word" + ("s " if len(hits) > 1 else " ") + ", ".join(dict.fromkeys(hits)))
    try:
        ip = ipaddress.ip_address(report.origin_ip)
    except ValueError:
        ip = None
    if isinstance(ip, ipaddress.IPv4Address):
        octets = [str(b) for b in ip.packed]
        nums = [t.lstrip("0") or "0" for t in tokens if t.isdigit()]
        spelled = any(
            nums[i : i + 4] in (octets, octets[::-1]) for i in range(max(0, len(nums) - 3))
        )
        hexed = ip.packed.hex()
        if spelled or hexed in tokens or hexed in host.replace("-", "").replace(".", ""):
            why.append("its own IP address spelled out")
    if not why:
        return []
    return [
        make_finding(
            "indicator.dynamic_rdns",
            "notice",
            f"The origin {r.from_rdns} [{report.origin_ip}] has a generic reverse-DNS name "
            f"({' and '.join(why)}), as access providers give home and dynamic lines; a mail "
            "server usually has a name of its own (IETF draft-msullivan-dnsop-generic-naming-"
            "schemes; Spamhaus PBL). Points to a compromised computer or a badly set up "
            "server; it does not prove either.",
            [border.header_index],
        )
    ]


def analyze_indicators(report: Report, policy: Policy) -> IndicatorAnalysis:
    """Draw the hand-checked indicators from a report whose other analyses are finished.

    ``policy`` is accepted for symmetry with the other steps (the indicators read no network
    and no configuration today). Never raises on malformed content.
    """
    del policy
    msg = report.message
    named = named_domains(msg)
    is_list = is_list_mail(msg)
    platforms = identify_platforms(report, named)
    platform_orgs = {
        d for p in platform_table() if any(q.name == p.name for q in platforms) for d in p.domains
    }
    recipients, basis, r_idx = recipients_of(report)
    notes = display_name_note(named)
    findings: list[Finding] = []
    findings += _relations(report, named, is_list, platform_orgs)
    findings += _message_id(report, named, platform_orgs)
    findings += _no_date(report)
    findings += lookalikes(report, named, recipients, notes)
    findings += own_domain_from_outside(report, named, recipients, basis, r_idx, is_list, notes)
    findings += _generic_rdns(report, is_list)
    findings += bulk_finding(report, platforms)
    return IndicatorAnalysis(
        findings=tuple(findings),
        platforms=tuple(platforms),
        sender_notes=tuple(dict.fromkeys(notes)),
    )
