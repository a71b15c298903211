"""Models of the live checks: how the sender's and recipient's DNS looks now.

Everything here describes DNS at ``LiveChecks.checked_at``, never what a receiver saw when it
took the message; where a receiver's record exists (``recorded*`` fields) it is shown next to
today's value with a ``comparison``, never merged into it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from headerlens._model import Model
from headerlens.auth.models import DmarcPolicy
from headerlens.findings import Finding
from headerlens.resolvers import DnsLookup

__all__ = [
    "BimiCheck",
    "BlocklistCheck",
    "Comparison",
    "DaneCheck",
    "DaneHost",
    "DkimKeyCheck",
    "DmarcCheck",
    "HttpsFetch",
    "LiveChecks",
    "MtaStsCheck",
    "MtaStsPolicy",
    "MxCheck",
    "MxHost",
    "ReverseDnsCheck",
    "SpfCheck",
    "SpfNow",
    "SpfResult",
    "SpfStep",
    "TlsRptCheck",
    "TlsaRecord",
]

SpfResult = Literal["pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"]

#: Today's value against the one recorded at delivery: ``same``; ``changed``; ``not_recorded``
#: (the headers hold no trusted record to compare with); ``not_checked`` (today's lookup did
#: not give an answer to compare).
Comparison = Literal["same", "changed", "not_recorded", "not_checked"]


class SpfStep(Model):
    """One term of an SPF evaluation, in the order evaluated: the ``domain`` whose record holds
    it, the ``term`` as written, and ``outcome`` (``match``, ``no_match``, ``include`` with
    the included domain's result in ``detail``, ``redirect`` with the target in ``detail``)."""

    domain: str
    term: str
    outcome: str
    detail: str | None = None


class SpfCheck(Model):
    """One RFC 7208 ``check_host()`` evaluation (see :func:`headerlens.check_spf`).

    ``result`` is the RFC 7208 section 2.6 result. ``reason`` is a stable code (docs/checks.md):
    ``matched``, ``default`` (nothing matched: neutral), ``no_record``, ``nxdomain``,
    ``invalid_domain``, ``invalid_ip``, ``no_identity``, ``multiple_records``,
    ``syntax_error``, ``lookup_limit``, ``void_lookup_limit``, ``mx_limit``, ``include_none``,
    ``include_invalid``, ``redirect_none``, ``redirect_invalid``, ``dns_error``,
    ``not_looked_up`` (offline), ``query_budget``. ``detail`` says it in a sentence.
    ``identity`` is ``mailfrom`` or ``helo`` (an empty MAIL FROM checks ``postmaster@<helo>``);
    ``sender`` the ``<sender>`` used for macros; ``domain`` the domain checked; ``record`` its
    SPF record. ``mechanism`` is the directive that decided the result and
    ``mechanism_domain`` the record it sits in; ``explanation`` the domain's ``exp=`` text
    (only for ``fail``; ``None`` means the checker's default). ``lookups`` counts the
    DNS-querying terms (limit 10) and ``void_lookups`` the lookups that found nothing
    (limit 2). ``steps`` is the evaluation trace and ``dns`` every lookup it used.
    """

    result: SpfResult
    reason: str
    detail: str
    ip: str
    mail_from: str | None = None
    helo: str | None = None
    identity: Literal["mailfrom", "helo"]
    sender: str
    domain: str | None = None
    record: str | None = None
    mechanism: str | None = None
    mechanism_domain: str | None = None
    explanation: str | None = None
    lookups: int = 0
    void_lookups: int = 0
    steps: tuple[SpfStep, ...] = ()
    dns: tuple[DnsLookup, ...] = ()
    resolver: str | None = None


class SpfNow(Model):
    """SPF for one identity of the origin IP, evaluated now, next to the result the trusted
    receiver recorded at delivery (``recorded``, from ``recorded_by``: ``authentication-results``
    or ``received-spf``, at ``recorded_header_index``)."""

    identity: Literal["mailfrom", "helo"]
    check: SpfCheck
    recorded: str | None = None
    recorded_by: str | None = None
    recorded_header_index: int | None = None
    comparison: Comparison
    note: str


class ReverseDnsCheck(Model):
    """Reverse DNS of one IP now, forward-confirmed (FCrDNS), against the hop's HELO and the
    reverse-DNS name the receiving MTA wrote into its Received field.

    ``role`` is ``origin`` (the border hop's peer, the IP the receiver judged) or ``hop`` (an
    untrusted hop before it). ``ptr`` holds today's PTR names; ``confirmed`` those whose A/AAAA
    records include the IP. ``fcrdns`` is True when one is confirmed, False when there is no
    PTR or none confirms, ``None`` when a lookup failed. ``helo_matches``: the HELO name is a
    PTR name (case-insensitive); ``recorded_matches``: the recorded name is one of today's PTR
    names.
    """

    ip: str
    role: Literal["origin", "hop"]
    hop_index: int | None = None
    header_index: int | None = None
    name: str
    outcome: str
    ptr: tuple[str, ...] = ()
    confirmed: tuple[str, ...] = ()
    fcrdns: bool | None = None
    helo: str | None = None
    helo_matches: bool | None = None
    recorded_rdns: str | None = None
    recorded_matches: bool | None = None
    comparison: Comparison
    note: str


class DmarcCheck(Model):
    """The DMARC record of the From domain now (RFC 7489 6.6.3), against the policy the
    receiver recorded (``recorded``, from its Authentication-Results).

    ``name`` is where the record was found (or the last name asked); ``org_domain_fallback``
    that it came from the organizational domain. ``outcome`` is the lookup outcome, or
    ``several_records`` / ``no_record`` (TXT records, none or several of them DMARC).
    ``domain_exists`` tells whether the From domain itself exists now (RFC 9091 ``np=``
    applies to non-existent subdomains). ``applied`` is the policy that applies to this From
    domain now and ``applied_tag`` which tag gave it (``p``, ``sp`` or ``np``). ``changes``
    lists the tags that differ from the recorded policy.
    """

    from_domain: str
    org_domain: str | None = None
    name: str
    outcome: str
    record: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    org_domain_fallback: bool = False
    domain_exists: bool | None = None
    p: str | None = None
    sp: str | None = None
    np: str | None = None
    pct: int | None = None
    adkim: str | None = None
    aspf: str | None = None
    rua: tuple[str, ...] = ()
    ruf: tuple[str, ...] = ()
    applied: str | None = None
    applied_tag: Literal["p", "sp", "np"] | None = None
    recorded: DmarcPolicy | None = None
    comparison: Comparison
    changes: tuple[str, ...] = ()
    note: str


class DkimKeyCheck(Model):
    """One DKIM signature's key now (``<selector>._domainkey.<domain>``, RFC 6376 3.6.2)
    against the key it was checked with at analysis.

    ``status``: ``same`` (the same public key is published), ``rotated`` (another key is
    published at that selector), ``revoked`` (the record has an empty ``p=``, RFC 6376
    3.6.1), ``removed`` (NXDOMAIN or no DKIM record at the name), ``unavailable`` (the lookup
    failed or was not made), ``published`` (a key is published but the signature was not
    checked with one, so there is nothing to compare), ``not_checked`` (the signature names
    no usable domain or selector). ``key_then`` / ``key_now`` are short SHA-256 fingerprints
    of the ``p=`` values.
    """

    header_index: int
    domain: str | None = None
    selector: str | None = None
    name: str | None = None
    outcome: str | None = None
    status: Literal[
        "same", "rotated", "revoked", "removed", "unavailable", "published", "not_checked"
    ]
    verified_then: bool = False
    result_then: str | None = None
    key_then: str | None = None
    key_now: str | None = None
    record_now: str | None = None
    key_type_now: str | None = None
    testing_now: bool = False
    note: str


class MxHost(Model):
    """One MX target: ``exchange`` with its ``preference``, the addresses it has now, and
    ``alias_of`` when the exchange name is a CNAME (RFC 2181 10.3 forbids that)."""

    preference: int | None = None
    exchange: str
    alias_of: str | None = None
    addresses: tuple[str, ...] = ()
    outcome: str


class MxCheck(Model):
    """Where mail for ``domain`` goes now (RFC 5321 5.1): its MX hosts and their addresses.

    ``roles`` says why it was checked (``envelope-sender``, ``from``, ``recipient``).
    ``null_mx`` is RFC 7505's "0 ." (the domain accepts no mail). ``implicit`` means there is
    no MX and mail goes to the domain's own A/AAAA (``addresses``). ``accepts_mail`` is
    whether a sender could deliver to it now (``None`` when a lookup failed).
    """

    domain: str
    roles: tuple[str, ...] = ()
    outcome: str
    null_mx: bool = False
    hosts: tuple[MxHost, ...] = ()
    implicit: bool = False
    addresses: tuple[str, ...] = ()
    accepts_mail: bool | None = None
    note: str


class BlocklistCheck(Model):
    """The origin IP against one DNS list (RFC 5782): ``name`` is the query made.

    ``kind`` is ``block`` (DNSBL) or ``allow`` (DNSWL). ``listed`` is None when the lookup
    failed or the list refused to answer (``refused``: the list's answer says the query was
    not served, e.g. through a public resolver). ``codes`` are the A records returned and
    ``meanings`` what the list documents for them (knowledge file ``checks/data/dnsbl.json``,
    ``source``); ``reason_text`` is the list's TXT record for the entry.
    """

    zone: str
    list_name: str | None = None
    kind: Literal["block", "allow"] = "block"
    ip: str
    name: str
    outcome: str
    listed: bool | None = None
    refused: bool = False
    codes: tuple[str, ...] = ()
    meanings: tuple[str, ...] = ()
    reason_text: str | None = None
    source: str | None = None
    note: str


class HttpsFetch(Model):
    """What an HTTPS fetch of an MTA-STS policy gave (RFC 8461 3.3).

    ``outcome``: ``ok`` (HTTP 200, the body is in ``body``), ``http_error`` (another status),
    ``redirect`` (a 3xx, which must not be followed), ``tls_error`` (handshake or certificate
    failure), ``timeout``, ``connect_error``, ``too_large``, ``no_address`` (the host has no
    A/AAAA), ``error``. ``address`` is the IP connected to.
    """

    url: str
    outcome: Literal[
        "ok",
        "http_error",
        "redirect",
        "tls_error",
        "timeout",
        "connect_error",
        "too_large",
        "no_address",
        "error",
    ]
    status: int | None = None
    content_type: str | None = None
    body: str | None = None
    address: str | None = None
    error: str | None = None
    at: dt.datetime | None = None
    elapsed: float | None = None


class MtaStsPolicy(Model):
    """An MTA-STS policy file (RFC 8461 3.2): ``mode`` (enforce, testing, none), ``mx``
    patterns, ``max_age`` seconds; ``problems`` lists what is wrong with it."""

    version: str | None = None
    mode: str | None = None
    mx: tuple[str, ...] = ()
    max_age: int | None = None
    problems: tuple[str, ...] = ()


class MtaStsCheck(Model):
    """MTA-STS of a recipient domain (RFC 8461): the ``_mta-sts`` TXT record and, when the
    caller passed a fetcher, the policy file. ``mx_not_covered`` lists MX hosts that match no
    ``mx`` pattern of the policy (a sender that honours an ``enforce`` policy will not
    deliver to them)."""

    domain: str
    name: str
    outcome: str
    record: str | None = None
    policy_id: str | None = None
    record_problems: tuple[str, ...] = ()
    fetch: HttpsFetch | None = None
    policy: MtaStsPolicy | None = None
    mx_not_covered: tuple[str, ...] = ()
    note: str


class TlsRptCheck(Model):
    """SMTP TLS reporting of a recipient domain (RFC 8460): ``_smtp._tls`` TXT and its
    ``rua`` report destinations."""

    domain: str
    name: str
    outcome: str
    record: str | None = None
    rua: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    note: str


class BimiCheck(Model):
    """The BIMI record of the From domain (``<selector>._bimi.<domain>`` TXT; the BIMI draft,
    draft-brand-indicators-for-message-identification): ``logo`` (``l=``), ``authority``
    (``a=``, the mark certificate). ``dmarc_enforced`` says whether today's DMARC policy is
    strict enough for receivers to show the logo (quarantine or reject at pct=100)."""

    domain: str
    selector: str
    name: str
    outcome: str
    record: str | None = None
    logo: str | None = None
    authority: str | None = None
    problems: tuple[str, ...] = ()
    dmarc_enforced: bool | None = None
    note: str


class TlsaRecord(Model):
    """One TLSA record (RFC 6698 2.1): certificate usage, selector, matching type, data (hex)."""

    usage: int
    selector: int
    matching_type: int
    data: str


class DaneHost(Model):
    """TLSA records for one MX host (``_25._tcp.<host>``, RFC 7672 2.2) and whether the answer
    was DNSSEC-validated (``secure``, the AD bit; ``None`` when the resolver does not say)."""

    host: str
    name: str
    outcome: str
    records: tuple[TlsaRecord, ...] = ()
    secure: bool | None = None
    problems: tuple[str, ...] = ()


class DaneCheck(Model):
    """DANE for SMTP of a recipient domain (RFC 7672): ``mx_secure`` is the AD bit of the MX
    answer (DANE applies only to a validated MX set); ``status`` is ``dane`` (every MX host
    has validated TLSA records), ``partial`` (some do), ``insecure`` (TLSA records exist but
    were not validated), ``none`` (no TLSA records), ``unknown`` (lookups failed)."""

    domain: str
    mx_secure: bool | None = None
    hosts: tuple[DaneHost, ...] = ()
    status: Literal["dane", "partial", "insecure", "none", "unknown"]
    note: str


class LiveChecks(Model):
    """How the sender's and recipient's DNS looks now (only with ``Policy(checks=True)`` and a
    resolver, or :func:`headerlens.run_checks`).

    ``checked_at`` is when the checks describe DNS: the wall-clock time they ran, or
    ``Policy.as_of`` when the caller set it (``checked_at_source`` says which; with as_of a
    replayed DNS snapshot gives the same report everywhere). ``origin_ip``,
    ``envelope_sender``, ``helo``, ``from_domain`` and ``recipient_domains`` are the names the
    checks were made for, as read from the report. ``skipped`` says which checks could not be
    made and why. ``queries`` is the number of questions sent, at most ``budget``
    (``Limits.max_dns_queries``); ``dns`` lists every question of the run.
    """

    checked_at: dt.datetime
    checked_at_source: Literal["policy", "now"]
    resolver: str
    origin_ip: str | None = None
    envelope_sender: str | None = None
    helo: str | None = None
    from_domain: str | None = None
    recipient_domains: tuple[str, ...] = ()
    spf: tuple[SpfNow, ...] = ()
    reverse_dns: tuple[ReverseDnsCheck, ...] = ()
    dmarc: DmarcCheck | None = None
    dkim_keys: tuple[DkimKeyCheck, ...] = ()
    mx: tuple[MxCheck, ...] = ()
    blocklists: tuple[BlocklistCheck, ...] = ()
    mta_sts: tuple[MtaStsCheck, ...] = ()
    tls_rpt: tuple[TlsRptCheck, ...] = ()
    bimi: BimiCheck | None = None
    dane: tuple[DaneCheck, ...] = ()
    findings: tuple[Finding, ...] = ()
    skipped: tuple[str, ...] = ()
    queries: int = 0
    budget: int = 0
    budget_exhausted: bool = False
    dns: tuple[DnsLookup, ...] = ()
    note: str = (
        "Looked up now: today's DNS, which may differ from what the receiver saw at delivery."
    )
