"""Bulk and transactional e-mail platforms: which one a message went through, on what
evidence, and the ``indicator.bulk_mail`` finding (knowledge in ``data/bulk_platforms.json``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from headerlens._model import Model
from headerlens.findings import Finding, make_finding
from headerlens.indicators._context import Named, border_hop, first_field, org_of, read_data

if TYPE_CHECKING:
    from headerlens.report import Report

__all__ = ["Platform", "bulk_finding", "identify_platforms", "platform_table", "provider_family"]


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


@dataclass(frozen=True, slots=True)
class _PlatformInfo:
    name: str
    headers: frozenset[str]
    domains: frozenset[str]
    feedback_suffixes: tuple[str, ...]


@cache
def platform_table() -> tuple[_PlatformInfo, ...]:
    raw = read_data("bulk_platforms.json")
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
    return tuple(frozenset(p["domains"]) for p in read_data("bulk_platforms.json")["providers"])


def provider_family(orgs: set[str | None]) -> set[str | None]:
    """``orgs`` with every domain of a provider that owns one of them (one service, many
    names: Google writes Message-IDs under gmail.com for Workspace customers)."""
    out = set(orgs)
    for fam in _provider_families():
        if fam & out:
            out |= fam
    return out


@cache
def _bulk_headers() -> tuple[str, ...]:
    return tuple(read_data("bulk_platforms.json")["bulk_headers"])


def identify_platforms(report: Report, named: list[Named]) -> list[Platform]:
    msg = report.message
    named_fields = msg.fields_by_name()
    border = border_hop(report)
    border_org = (
        org_of(border.received.from_rdns) if border is not None and border.trusted else None
    )
    passed_orgs: dict[str, str] = {}
    for r in report.dmarc.identifiers if report.dmarc else ():
        o = org_of(r.domain)
        if r.result == "pass" and o:
            kind = "SPF" if r.source.startswith(("spf", "received")) else "DKIM"
            passed_orgs.setdefault(o, f"{kind} pass for {r.domain}")
    mid = first_field(msg, "Message-ID")
    mid_org = None
    if mid is not None and "@" in mid.value:
        mid_org = org_of(mid.value.strip().strip("<>").rpartition("@")[2].rstrip(">").strip())
    out: list[Platform] = []
    for p in platform_table():
        evidence: list[str] = []
        idx: list[int] = []
        verified = False
        for lname in sorted(p.headers):
            fields = named_fields.get(lname, ())
            if fields:
                evidence.append(fields[0].name)
                idx.extend(f.index for f in fields)
        for n in named:
            if n.role == "Return-Path" and org_of(n.domain) in p.domains:
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


def bulk_finding(report: Report, platforms: list[Platform]) -> list[Finding]:
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
