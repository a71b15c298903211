"""Models of the Received hop chain (RFC 5321 section 4.4, RFC 5322 section 3.6.7)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from headerlens._model import Model
from headerlens.defects import Defect
from headerlens.findings import Finding
from headerlens.message import DateValue

ReceivedKind = Literal["network", "http", "loopback", "local", "fetch"]

__all__ = [
    "ClockSkew",
    "Hop",
    "HopAnalysis",
    "Received",
    "TimelineEntry",
    "TlsInfo",
    "TrustBoundary",
]


class TlsInfo(Model):
    """TLS as a Received field reports it: protocol version, cipher suite, key bits."""

    version: str | None = None
    cipher: str | None = None
    bits: int | None = None


class Received(Model):
    """One Received field value, read clause by clause (RFC 5321 section 4.4).

    The HELO name, the reverse-DNS name and the IP are separate fields and are never merged.
    ``from_ip`` is normalised (IPv6 compressed, ``::ffff:`` unwrapped); ``relay`` is False for
    a hand-off with no network peer (local pickup, qmail "invoked by", content-filter loopback).

    Added fields: ``header_name`` (``Received`` or ``X-Received``); ``kind`` (``network``: an
    SMTP peer; ``http``: webmail submission from the browser's IP; ``loopback``: the peer is
    127.0.0.0/8 or ::1, e.g. a content filter; ``local``: no peer at all, e.g. pickup, qmail
    "invoked by", Postfix "from userid"; ``fetch``: POP/IMAP retrieval by fetchmail);
    ``from_ident`` (RFC 1413 ident or ``user@`` before the peer); ``by_ip`` (the receiver's
    own address when written); ``software`` (the receiving MTA's self-description, e.g.
    ``Postfix`` or ``Exim 4.96``); ``auth_user`` (the authenticated submitter when written);
    ``local_uid`` (the Unix uid of a local submission); ``comments`` (the top-level comments,
    raw, in order).
    """

    raw: str
    from_helo: str | None = None
    from_rdns: str | None = None
    from_ip: str | None = None
    from_port: int | None = None
    by_host: str | None = None
    via: str | None = None
    protocol: str | None = None
    id: str | None = None
    for_addr: str | None = None
    envelope_from: str | None = None
    tls: TlsInfo | None = None
    authenticated: bool = False
    date: DateValue | None = None
    relay: bool = True
    defects: tuple[Defect, ...] = ()
    # Added fields (issue 3).
    header_name: str = "Received"
    kind: ReceivedKind = "network"
    from_ident: str | None = None
    by_ip: str | None = None
    software: str | None = None
    auth_user: str | None = None
    local_uid: str | None = None
    comments: tuple[str, ...] = ()


class Hop(Model):
    """One hand-off in the chain, oldest first (``index`` 0 = where the message started).

    ``delay`` is this hop's timestamp minus the nearest older dated hop's (negative values are
    kept: clock skew or forgery); ``delay_note`` says why it is ``None`` or what to keep in
    mind. ``trusted``: written inside the receiving organisation (at or above the trust
    boundary). ``internal``: a hand-off inside that organisation (the peer is trusted, private
    or local). ``border``: the hop where the receiving organisation took the message from
    outside. ``share``: this hop's fraction of the positive delays (0..1), for a table.
    """

    index: int
    header_index: int
    received: Received
    timestamp: dt.datetime | None = None
    delay: dt.timedelta | None = None
    delay_note: str | None = None
    trusted: bool = False
    internal: bool = False
    # Added fields (issue 3).
    border: bool = False
    share: float | None = None
    #: The inbound filtering service (vendor name) this hop belongs to, when it is part of the
    #: recipient's own inbound path (issue 14); ``None`` otherwise.
    gateway: str | None = None


class TimelineEntry(Model):
    """One timestamp found anywhere in the message, with where it came from."""

    timestamp: dt.datetime
    source: str
    header_index: int | None = None
    host: str | None = None
    note: str | None = None


class TrustBoundary(Model):
    """Where the receiving organisation's own headers end.

    ``header_index``: the topmost-to-bottom limit; header fields with an index at or above
    (numerically <=) it were written inside the trusted zone, the rest could have been written
    by anyone. ``None`` when no trusted hop was identified. ``rule`` says how it was decided.
    """

    header_index: int | None = None
    trusted_hosts: tuple[str, ...] = ()
    trusted_authserv_ids: tuple[str, ...] = ()
    inferred: bool = True
    rule: str = ""


class ClockSkew(Model):
    """A host whose clock disagrees with the host that handed it the message.

    ``behind``: how far its clock seems behind its predecessor's (at least this much, from a
    negative delay). ``compared_with``: the predecessor host.
    """

    host: str
    behind: dt.timedelta
    compared_with: str | None = None
    header_indexes: tuple[int, ...] = ()


class HopAnalysis(Model):
    """What :func:`headerlens.hops.analyze_hops` returns to ``analyze()``."""

    hops: tuple[Hop, ...] = ()
    transit: dt.timedelta | None = None
    origin_ip: str | None = None
    receipt_time: dt.datetime | None = None
    timeline: tuple[TimelineEntry, ...] = ()
    trust: TrustBoundary = TrustBoundary()
    findings: tuple[Finding, ...] = ()
    # Added fields (issue 3).
    x_received: tuple[Received, ...] = ()
    clock_skew: tuple[ClockSkew, ...] = ()
    defects: tuple[Defect, ...] = ()
    #: Why ``transit`` is None, or where it was measured from when the oldest hops disagree.
    transit_note: str | None = None
