"""What the indicators read from a finished report: the domains a message names, by role,
the recipient's domains, organizational domains and how a name is shown, and the package's
knowledge files (``data/*.json``)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from headerlens.domains import normalize_domain, organizational_domain
from headerlens.indicators.lookalike import inspect_domain
from headerlens.message import Address, HeaderField, Message
from headerlens.parse.addresses import parse_address_list
from headerlens.parse.headers import unfolded_body

if TYPE_CHECKING:
    from headerlens.hops.models import Hop
    from headerlens.report import Report

__all__ = [
    "Named",
    "border_hop",
    "domain_of",
    "first_field",
    "indexes",
    "is_list_mail",
    "named_domains",
    "org_of",
    "read_data",
    "recipients_of",
    "shown_name",
]


def read_data(name: str) -> dict[str, Any]:
    text = resources.files("headerlens.indicators").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# Header fields that mark a message distributed by a mailing list (RFC 2369, RFC 2919; the
# X- fields are Mailman's and ezmlm's), where a different envelope sender, Sender or Reply-To
# is the list doing its job.
_LIST_FIELDS = ("list-id", "list-post", "mailing-list", "x-mailman-version", "x-beenthere")


# Delivery fields written by the recipient's own delivery agent (Postfix, Exim, qmail, Dovecot).
_ENVELOPE_RCPT_FIELDS = ("delivered-to", "x-original-to", "envelope-to", "x-envelope-to")


def org_of(domain: str | None) -> str | None:
    return _org_cached(domain) if domain else None


@functools.lru_cache(maxsize=8192)
def _org_cached(domain: str) -> str | None:
    return organizational_domain(domain)


def domain_of(addr: Address) -> str | None:
    return addr.domain_ascii or normalize_domain(addr.domain)


def first_field(message: Message, name: str) -> HeaderField | None:
    fields = message.fields(name)
    return fields[0] if fields else None


def is_list_mail(message: Message) -> bool:
    named = message.fields_by_name()
    if any(named.get(n) for n in _LIST_FIELDS):
        return True
    prec = named.get("precedence", ())
    return any(f.value.strip().lower() == "list" for f in prec)


def shown_name(domain: str) -> str:
    look = inspect_domain(domain)
    return look.unicode if look.idn else domain


@dataclass(frozen=True, slots=True)
class Named:
    """A domain the message names, with the role and the field it came from."""

    role: str
    domain: str
    index: int
    address: str | None
    written: str | None = None  # the domain as written, when that is not its ASCII form
    display_name: str | None = None


def named_domains(message: Message) -> list[Named]:
    out: list[Named] = []
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
                d = domain_of(a)
                if d:
                    raw = (a.domain or "").strip().rstrip(".")
                    written = raw if raw and raw.lower() != d and not raw.isascii() else None
                    out.append(Named(role, d, f.index, a.addr_spec, written, a.display_name))
    return out


def recipients_of(report: Report) -> tuple[list[str], str, list[int]]:
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
                ad = domain_of(a)
                if ad:
                    domains.append(ad)
                    idx.append(f.index)
    return list(dict.fromkeys(domains)), "the To/Cc addresses", idx


def indexes(*groups: Iterable[int | None]) -> list[int]:
    return sorted({i for g in groups for i in g if i is not None})


def border_hop(report: Report) -> Hop | None:
    return next((h for h in report.hops if h.border), None)
