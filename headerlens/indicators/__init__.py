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

Indicators the other analyses already give are not repeated: a Date far from the first hop is
``hops.future_date`` / ``hops.old_date`` / ``hops.submission_delay``; a From display name that
shows another domain's address is ``auth.from_display_name_address`` (built on the defect
``address.display_name_spoof``).
"""

from __future__ import annotations

import functools
import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from headerlens._model import Model
from headerlens.domains import normalize_domain, organizational_domain
from headerlens.findings import Finding, Severity, make_finding
from headerlens.indicators.lookalike import inspect_domain, skeleton
from headerlens.message import Address, HeaderField, Message
from headerlens.parse.addresses import parse_address_list
from headerlens.parse.headers import unfolded_body
from headerlens.verdict import judge_authentication

if TYPE_CHECKING:
    from headerlens.hops.models import Hop
    from headerlens.policy import Policy
    from headerlens.report import Report

__all__ = ["IndicatorAnalysis", "Platform", "analyze_indicators"]


class Platform(Model):
    """A bulk or transactional e-mail platform the message was sent through.

    ``evidence``: what identified it (header field names, ``Return-Path domain ...``, ``DKIM
    d=...``); ``verified``: at least one piece of evidence is more than a claim of the sender
    (a DKIM signature or SPF check that passed for the platform's domain, or the reverse-DNS
    name the receiving side recorded for the origin).
    """

    name: str
    evidence: tuple[str, ...] = ()
    header_indexes: tuple[int, ...] = ()
    verified: bool = False


class IndicatorAnalysis(Model):
    """What the indicator step returns to ``analyze()``.

    ``sender_notes``: short remarks about the From address for the verdict's first sentence
    (e.g. "its display name shows ceo@example.com", "a look-alike of example.com").
    """

    findings: tuple[Finding, ...] = ()
    platforms: tuple[Platform, ...] = ()
    sender_notes: tuple[str, ...] = ()


# --- knowledge ------------------------------------------------------------------------------


def _data(name: str) -> dict[str, Any]:
    text = resources.files("headerlens.indicators").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@dataclass(frozen=True, slots=True)
class _PlatformInfo:
    name: str
    headers: frozenset[str]
    domains: frozenset[str]
    feedback_suffixes: tuple[str, ...]


@cache
def _platforms() -> tuple[_PlatformInfo, ...]:
    raw = _data("bulk_platforms.json")
    return tuple(
        _PlatformInfo(
            name=p["name"],
            headers=frozenset(h.lower() for h in p["headers"]),
            domains=frozenset(p["domains"]),
            feedback_suffixes=tuple(p.get("feedback_id_suffix", {})),
        )
        for p in raw["platforms"]
    )


@cache
def _provider_families() -> tuple[frozenset[str], ...]:
    return tuple(frozenset(p["domains"]) for p in _data("bulk_platforms.json")["providers"])


def _family(orgs: set[str | None]) -> set[str | None]:
    """``orgs`` with every domain of a provider that owns one of them (one service, many
    names: Google writes Message-IDs under gmail.com for Workspace customers)."""
    out = set(orgs)
    for fam in _provider_families():
        if fam & out:
            out |= fam
    return out


@cache
def _bulk_headers() -> tuple[str, ...]:
    return tuple(_data("bulk_platforms.json")["bulk_headers"])


@cache
def _rdns_words() -> tuple[frozenset[str], frozenset[str]]:
    raw = _data("dynamic_rdns.json")
    return frozenset(raw["dynamic"]), frozenset(raw["access"])


# Header fields that mark a message distributed by a mailing list (RFC 2369, RFC 2919; the
# X- fields are Mailman's and ezmlm's), where a different envelope sender, Sender or Reply-To
# is the list doing its job.
_LIST_FIELDS = ("list-id", "list-post", "mailing-list", "x-mailman-version", "x-beenthere")
# Delivery fields written by the recipient's own delivery agent (Postfix, Exim, qmail, Dovecot).
_ENVELOPE_RCPT_FIELDS = ("delivered-to", "x-original-to", "envelope-to", "x-envelope-to")
# At most this many names of one look-alike group are compared (bounded work on hostile input).
_MAX_GROUP = 16
# Right-hand sides of Message-IDs that are a machine's own name, not a domain on the Internet.
_LOCAL_SUFFIXES = (".local", ".localdomain", ".lan", ".home", ".internal", ".localhost")


# --- helpers ---------------------------------------------------------------------------------


def _org(domain: str | None) -> str | None:
    return _org_cached(domain) if domain else None


@functools.lru_cache(maxsize=8192)
def _org_cached(domain: str) -> str | None:
    return organizational_domain(domain)


def _domain(addr: Address) -> str | None:
    return addr.domain_ascii or normalize_domain(addr.domain)


def _first(message: Message, name: str) -> HeaderField | None:
    fields = message.fields(name)
    return fields[0] if fields else None


def _is_list(message: Message) -> bool:
    named = message.fields_by_name()
    if any(named.get(n) for n in _LIST_FIELDS):
        return True
    prec = named.get("precedence", ())
    return any(f.value.strip().lower() == "list" for f in prec)


def _shown(domain: str) -> str:
    look = inspect_domain(domain)
    return look.unicode if look.idn else domain


@dataclass(frozen=True, slots=True)
class _Named:
    """A domain the message names, with the role and the field it came from."""

    role: str
    domain: str
    index: int
    address: str | None
    written: str | None = None  # the domain as written, when that is not its ASCII form
    display_name: str | None = None


def _named_domains(message: Message) -> list[_Named]:
    out: list[_Named] = []
    for role, name in (
        ("From", "From"),
        ("Reply-To", "Reply-To"),
        ("Sender", "Sender"),
        ("Return-Path", "Return-Path"),
    ):
        fields = message.fields(name)
        if name == "Return-Path":
            fields = fields[:1]  # the topmost: written at final delivery
        for f in fields:
            for a in parse_address_list(unfolded_body(f), header_index=f.index):
                d = _domain(a)
                if d:
                    raw = (a.domain or "").strip().rstrip(".")
                    written = raw if raw and raw.lower() != d and not raw.isascii() else None
                    out.append(_Named(role, d, f.index, a.addr_spec, written, a.display_name))
    return out


def _recipients(report: Report) -> tuple[list[str], str, list[int]]:
    """The recipient's domains: from trusted envelope evidence, else from To/Cc."""
    msg = report.message
    boundary = report.trust.header_index
    domains: list[str] = []
    idx: list[int] = []
    for hop in report.hops:
        if hop.trusted and hop.received.for_addr:
            d = hop.received.for_addr.strip("<> ").rpartition("@")[2]
            nd = normalize_domain(d)
            if nd and "@" in hop.received.for_addr:
                domains.append(nd)
                idx.append(hop.header_index)
    named = msg.fields_by_name()
    for lname in _ENVELOPE_RCPT_FIELDS:
        for f in named.get(lname, ()):
            if boundary is not None and f.index <= boundary:
                nd = normalize_domain(f.value.strip().strip("<>").rpartition("@")[2])
                if nd and "@" in f.value:
                    domains.append(nd)
                    idx.append(f.index)
    if domains:
        return list(dict.fromkeys(domains)), "the envelope recipient", idx
    for name in ("To", "Cc"):
        for f in msg.fields(name):
            for a in parse_address_list(unfolded_body(f), header_index=f.index):
                ad = _domain(a)
                if ad:
                    domains.append(ad)
                    idx.append(f.index)
    return list(dict.fromkeys(domains)), "the To/Cc addresses", idx


def _idx(*groups: Iterable[int | None]) -> list[int]:
    return sorted({i for g in groups for i in g if i is not None})


# --- the indicators --------------------------------------------------------------------------


def _relations(
    report: Report, named: list[_Named], is_list: bool, platform_orgs: set[str]
) -> list[Finding]:
    """From against Reply-To, Sender and Return-Path, by organizational domain."""
    out: list[Finding] = []
    froms = [n for n in named if n.role == "From"]
    if not froms:
        return out
    frm = froms[0]
    from_org = _org(frm.domain)
    if from_org is None:
        return out
    dkim_orgs = {
        _org(r.domain)
        for r in (report.dmarc.identifiers if report.dmarc else ())
        if r.result == "pass" and r.domain
    }
    for role, code in (
        ("Reply-To", "indicator.reply_to_domain"),
        ("Sender", "indicator.sender_domain"),
        ("Return-Path", "indicator.return_path_domain"),
    ):
        others = [n for n in named if n.role == role and _org(n.domain) not in (from_org, None)]
        if not others:
            continue
        o = others[0]
        o_org = _org(o.domain)
        idx = _idx([o.index, frm.index])
        shown, fshown = _shown(o.domain), _shown(frm.domain)
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


def _message_id(report: Report, named: list[_Named], platform_orgs: set[str]) -> list[Finding]:
    msg = report.message
    field = _first(msg, "Message-ID")
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
    mid_org = _org(right)
    if mid_org is None:
        return []
    related: set[str | None] = {_org(n.domain) for n in named}
    related |= platform_orgs
    for hop in report.hops:
        r = hop.received
        for host in (r.by_host, r.from_rdns, r.from_helo):
            related.add(_org(host))
        if r.envelope_from:
            related.add(_org(r.envelope_from.strip("<>").rpartition("@")[2]))
    for sig in report.dkim:
        related.add(_org(sig.domain))
    if report.dmarc is not None:
        related.update(_org(r.domain) for r in report.dmarc.identifiers)
    related.update(_org(h) for h in report.trust.trusted_hosts)
    if mid_org in _family(related):
        return []
    froms = [n for n in named if n.role == "From"]
    from_text = f"the From domain {_shown(froms[0].domain)}" if froms else "the From domain"
    return [
        make_finding(
            "indicator.message_id_domain",
            "notice",
            f"The Message-ID was made under {right}, which is neither {from_text} nor any "
            "signer, envelope sender or host on the path: the program that wrote it is not "
            "obviously the sender's. RFC 5322 section 3.6.4 lets any host make the ID, so "
            "this proves nothing alone; spam tools often invent them.",
            _idx([field.index], [n.index for n in froms[:1]]),
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


def _lookalikes(
    report: Report, named: list[_Named], recipients: list[str], notes: list[str]
) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[str, list[_Named]] = {}
    for n in named:
        seen.setdefault(n.domain, []).append(n)
    for domain, uses in seen.items():
        look = inspect_domain(domain)
        roles = "/".join(dict.fromkeys(u.role for u in uses))
        idx = _idx(u.index for u in uses)
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
    # Pairs that differ but look the same (UTS #39 skeletons), by organizational domain:
    # grouped by skeleton, so the work stays linear in the number of names.
    candidates: dict[str, tuple[str, list[int]]] = {}
    for n in named:
        org = _org(n.domain)
        if org and org not in candidates:
            candidates[org] = (f"the {n.role} domain", [n.index])
    for d in recipients:
        org = _org(d)
        if org and org not in candidates:
            candidates[org] = ("the recipient's domain", [])
    for sig in report.dkim:
        org = _org(sig.domain)
        if org and sig.result == "pass" and org not in candidates:
            candidates[org] = ("the DKIM signer", [sig.header_index])
    groups: dict[str, list[str]] = {}
    for org in candidates:
        groups.setdefault(skeleton(_shown(org)), []).append(org)
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
                notes.append(f"a look-alike of {b_role} {_shown(b)}")
            out.append(
                make_finding(
                    "indicator.lookalike_domain",
                    "warning",
                    f"{a_role[0].upper() + a_role[1:]} {_shown(a)} looks like {b_role} "
                    f"{_shown(b)} but is a different name (their Unicode UTS #39 skeletons "
                    "match). A look-alike is chosen on purpose to be mistaken for the other; "
                    "it does not say who registered it.",
                    _idx(a_idx, b_idx),
                    detail=f"{a} ~ {b}",
                )
            )
    return out


def _border(report: Report) -> Hop | None:
    return next((h for h in report.hops if h.border), None)


def _own_domain(
    report: Report,
    named: list[_Named],
    recipients: list[str],
    basis: str,
    r_idx: list[int],
    is_list: bool,
    notes: list[str],
) -> list[Finding]:
    froms = [n for n in named if n.role == "From"]
    if not froms or is_list or not recipients:
        return []
    from_org = _org(froms[0].domain)
    if from_org is None or from_org not in {_org(d) for d in recipients}:
        return []
    border = _border(report)
    if border is None or border.internal or border.received.authenticated:
        return []
    r = border.received
    if r.kind != "network" or report.origin_ip is None:
        return []
    if _org(r.from_rdns) == from_org:
        return []
    auth = judge_authentication(report)
    if auth.authenticated is True:
        return []
    origin = f"{r.from_rdns} [{report.origin_ip}]" if r.from_rdns else report.origin_ip
    envelope = basis == "the envelope recipient"
    same = next((d for d in recipients if d == froms[0].domain), None)
    mate = same or next(d for d in recipients if _org(d) == from_org)
    whom = "the recipient's" if envelope else "the addressee's"
    where = "per the envelope recipient" if envelope else "per To/Cc"
    if same is not None:
        whose = f"{whom} own domain ({where})"
    else:
        whose = (
            f"under {from_org}, the organizational domain of {whom} domain {_shown(mate)} ({where})"
        )
    notes.append(f"{whom} own organization's domain, yet it came from outside")
    state = "fails authentication" if auth.authenticated is False else "nothing authenticates it"
    return [
        make_finding(
            "indicator.own_domain_from_outside",
            "critical" if auth.authenticated is False else "warning",
            f"The From domain {_shown(froms[0].domain)} is {whose}, "
            f"yet the message came in from outside, from {origin}, and {state}. Mail from "
            "one's own organisation normally stays inside it or passes DMARC (RFC 7489): this "
            "is how a colleague is impersonated, unless the organisation sends through an "
            "outside service it has not authenticated.",
            _idx([froms[0].index, border.header_index], r_idx[:3]),
        )
    ]


def _generic_rdns(report: Report, is_list: bool) -> list[Finding]:
    border = _border(report)
    if border is None or border.internal or border.received.authenticated:
        return []
    r = border.received
    if r.kind != "network" or not r.from_rdns or report.origin_ip is None:
        return []
    rdns = r.from_rdns.lower().rstrip(".")
    org = _org(rdns)
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


def _identify_platforms(report: Report, named: list[_Named]) -> list[Platform]:
    msg = report.message
    named_fields = msg.fields_by_name()
    border = _border(report)
    border_org = _org(border.received.from_rdns) if border is not None and border.trusted else None
    passed_orgs: dict[str, str] = {}
    for r in report.dmarc.identifiers if report.dmarc else ():
        o = _org(r.domain)
        if r.result == "pass" and o:
            kind = "SPF" if r.source.startswith(("spf", "received")) else "DKIM"
            passed_orgs.setdefault(o, f"{kind} pass for {r.domain}")
    mid = _first(msg, "Message-ID")
    mid_org = None
    if mid is not None and "@" in mid.value:
        mid_org = _org(mid.value.strip().strip("<>").rpartition("@")[2].rstrip(">").strip())
    out: list[Platform] = []
    for p in _platforms():
        evidence: list[str] = []
        idx: list[int] = []
        verified = False
        for lname in sorted(p.headers):
            fields = named_fields.get(lname, ())
            if fields:
                evidence.append(fields[0].name)
                idx.extend(f.index for f in fields)
        for n in named:
            if n.role == "Return-Path" and _org(n.domain) in p.domains:
                evidence.append(f"Return-Path at {n.domain}")
                idx.append(n.index)
        for org in sorted(p.domains & set(passed_orgs)):
            evidence.append(passed_orgs[org])
            verified = True
        if border_org in p.domains and border is not None:
            evidence.append(f"origin {border.received.from_rdns}")
            idx.append(border.header_index)
            verified = True
        if mid_org in p.domains and mid is not None:
            evidence.append("Message-ID")
            idx.append(mid.index)
        for f in named_fields.get("feedback-id", ()):
            if any(f.value.strip().endswith(s) for s in p.feedback_suffixes):
                evidence.append("Feedback-ID")
                idx.append(f.index)
        if evidence:
            out.append(
                Platform(
                    name=p.name,
                    evidence=tuple(dict.fromkeys(evidence)),
                    header_indexes=tuple(sorted(set(idx))),
                    verified=verified,
                )
            )
    return out


def _bulk(report: Report, platforms: list[Platform]) -> list[Finding]:
    named_fields = report.message.fields_by_name()
    present = [
        (name, named_fields[name.lower()])
        for name in _bulk_headers()
        if named_fields.get(name.lower())
    ]
    if not platforms and not present:
        return []
    idx = [i for p in platforms for i in p.header_indexes]
    idx += [f.index for _, fs in present for f in fs]
    parts: list[str] = []
    for p in platforms:
        how = "verified" if p.verified else "claimed by header fields anyone can add"
        parts.append(f"{p.name} ({', '.join(p.evidence)}; {how})")
    if parts:
        text = "Sent through a bulk or transactional e-mail platform: " + "; ".join(parts) + "."
    else:
        text = (
            "The message carries bulk-mail header fields: " + ", ".join(n for n, _ in present) + "."
        )
    if present and parts:
        text += " Bulk-mail fields: " + ", ".join(n for n, _ in present) + "."
    text += (
        " Newsletters, receipts and list mail look like this (RFC 2369, RFC 8058); the "
        "platforms are also abused, and who used the account is the From or DKIM domain, not "
        "the platform."
    )
    return [make_finding("indicator.bulk_mail", "info", text, idx)]


def _display_name_note(named: list[_Named]) -> list[str]:
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


def analyze_indicators(report: Report, policy: Policy) -> IndicatorAnalysis:
    """Draw the hand-checked indicators from a report whose other analyses are finished.

    ``policy`` is accepted for symmetry with the other steps (the indicators read no network
    and no configuration today). Never raises on malformed content.
    """
    del policy
    msg = report.message
    named = _named_domains(msg)
    is_list = _is_list(msg)
    platforms = _identify_platforms(report, named)
    platform_orgs = {
        d for p in _platforms() if any(q.name == p.name for q in platforms) for d in p.domains
    }
    recipients, basis, r_idx = _recipients(report)
    notes = _display_name_note(named)
    findings: list[Finding] = []
    findings += _relations(report, named, is_list, platform_orgs)
    findings += _message_id(report, named, platform_orgs)
    findings += _no_date(report)
    findings += _lookalikes(report, named, recipients, notes)
    findings += _own_domain(report, named, recipients, basis, r_idx, is_list, notes)
    findings += _generic_rdns(report, is_list)
    findings += _bulk(report, platforms)
    return IndicatorAnalysis(
        findings=tuple(findings),
        platforms=tuple(platforms),
        sender_notes=tuple(dict.fromkeys(notes)),
    )
