"""The fast path of the Received reader: one regular expression per common layout.

Exactly what the general reader (``headerlens.hops._general``) gives, or ``None`` so that it
runs: tests/hops/test_fast_received.py compares both on every corpus value.
"""

from __future__ import annotations

import re

from headerlens._model import fast_constructor
from headerlens.defects import Defect
from headerlens.hops._from_clause import _split_ident
from headerlens.hops._knowledge import (
    _KEYWORD_SPELLINGS,
    _KEYWORDS,
    _NO_RDNS,
    _fast_comment_ok,
    _loopback,
    _proto_facts,
    _quiet_comment,
    normalize_ip,
)
from headerlens.hops._tokens import _has_keyword
from headerlens.hops.models import Received, ReceivedKind, TlsInfo
from headerlens.message import DateValue
from headerlens.parse.dates import IndexedLog, parse_date_at

__all__ = ["_fast_received"]

_new_received = fast_constructor(Received)
_new_tls = fast_constructor(TlsInfo)


# ---------------------------------------------------------------------------------------------
# Fast path for the common layouts (docs/hops.md, "Performance"). One anchored regular
# expression reads ``from helo (rdns [ip]) by host (software) with proto id x for <a>; date``
# and its usual variants (Postfix, Sendmail, Exim 3 ``([ip]:port helo=x)``, fetchmail
# ``helo [ip]``). Every part is a bounded character class that excludes the characters which
# open or close another token, and each optional part starts with its own literal, so a
# match never backtracks more than a white-space run. A match yields exactly what the general
# reader yields (tests/hops/test_fast_received.py compares both on every corpus value); what
# the match cannot vouch for (a clause keyword where a name should be, a cue word in a
# comment, a name that is an IP, an invalid IP) goes to the general reader.
_FAST_MAX = 4096
_FAST_COMMENT = r"""\([^()\[\]<>";,\\]{0,200}(?:\([^()\[\]<>";,\\]{0,100}\)\s*)?\)"""
_FAST = re.compile(
    r"""\s*(?:from\s+(?P<helo>[A-Za-z0-9._-]{1,255})"""
    r"""(?:\s*(?P<fc>\((?:(?P<rdns>[A-Za-z0-9._@-]{1,255})\s*)?"""
    r"""\[(?P<cip>(?:IPv6:)?[0-9A-Fa-f:.]{1,64})\](?::(?P<port>[0-9]{1,5}))?"""
    r"""(?:\s+helo=(?P<heq>[A-Za-z0-9._-]{1,255}))?(?:\s*\(may be forged\))?\s*\))"""
    r"""|\s*\[(?P<tip>(?:IPv6:)?[0-9A-Fa-f:.]{1,64})\]|\s+pickup\s+service"""
    # qmail: "from name (HELO helo) (192.0.2.1)", "from name (192.0.2.1)".
    r"""|(?:\s*(?P<hc>\((?:helo|ehlo|lhlo)\s+(?P<hkn>[A-Za-z0-9._-]{1,255})\s*\)))?"""
    r"""\s*(?P<ipc>\((?P<bip>[0-9.]{7,21})\)))?"""
    r"""|(?P<lc>\(from\s+(?P<lf>[A-Za-z0-9._@-]{1,255})\)))"""
    r"""\s*(?<=[\s)\]>])by\s+(?P<by>[A-Za-z0-9._-]{1,255})"""
    rf"""(?:\s*(?P<bc>{_FAST_COMMENT}))?"""
    r"""(?:\s*(?<=[\s)\]>])with\s+(?P<proto>Microsoft\s+SMTPSVC|[A-Za-z0-9_-]{1,40})"""
    rf"""(?:\s*(?P<wc>{_FAST_COMMENT}))?)?"""
    r"""(?:\s*(?<=[\s)\]>])id\s+(?P<id>[A-Za-z0-9._+/=-]{1,255})"""
    # Sendmail TLS: "(version=TLSv1/SSLv3 cipher=EDH-RSA-DES-CBC3-SHA bits=168 verify=NO)".
    r"""(?:\s*(?P<ic>\(version=(?P<tv>[A-Za-z0-9._/+:-]{1,80})\s+"""
    r"""cipher=(?P<tc>[A-Za-z0-9._/+:-]{1,80})\s+bits=(?P<tb>[0-9]{1,5})"""
    r"""(?:\s+verify=[A-Za-z_]{1,20})?\s*\)))?)?"""
    r"""(?:\s*(?<=[\s)\]>])for\s+(?:<(?P<fa>[A-Za-z0-9._+=@-]{0,255})>|(?P<fw>[A-Za-z0-9._+=@-]{1,255})))?"""
    r"""(?:\s*(?P<sd>\(single-drop\)))?"""
    r"""\s*;(?P<date>(?P<dt>[^;()\[\]<>"\\]{0,300})(?:(?P<dc>\((?!envelope)[^()\[\]<>";,\\]{0,100}\))\s*)?"""
    # Sendmail's trailing "(envelope-from <a@b>)" (one address, nothing else).
    r"""(?:(?P<ec>\(envelope-from\s+(?:<(?P<ea>[A-Za-z0-9._+=@-]{0,255})>"""
    r"""|(?P<ew>[A-Za-z0-9._+=@-]{1,255}))\s*\))\s*)?)""",
    re.I,
)


# qmail's comment-only fields: "(qmail 19466 invoked by uid 109); date", "(qmail 4012 invoked
# from network); date", "(qmail 5 messnum 7 invoked by alias); date" (lower case only: the
# general reader matches "invoked", "by" and "uid" case-sensitively).
_FAST_QMAIL = re.compile(
    r"""\s*(?P<c>\(qmail\s+[0-9]{1,12}(?:\s+messnum\s+[0-9]{1,12})?\s+invoked\s+"""
    r"""(?:from\s+network|by\s+(?:uid\s+(?P<uid>[0-9]{1,12})|alias))\s*\))"""
    r"""\s*;(?P<date>[^;()\[\]<>"\\]{0,300})"""
)


# Postfix local pickup: "by host (Postfix, from userid 0) id X [for a]; date [(ZONE)]" (the
# general reader matches "from userid" case-sensitively, so those words are lower case here).
_FAST_USERID = re.compile(
    r"""\s*(?i:by)\s+(?P<by>[A-Za-z0-9._-]{1,255})\s*(?P<c>\((?P<sw>[A-Za-z0-9._-]{1,40})\s*,"""
    r"""\s*from\s+userid\s+(?P<uid>[0-9]{1,12})\s*\))"""
    r"""\s*(?i:id)\s+(?P<id>[A-Za-z0-9._+/=-]{1,255})"""
    r"""(?:\s+(?i:for)\s+(?:<(?P<fa>[A-Za-z0-9._+=@-]{0,255})>|(?P<fw>[A-Za-z0-9._+=@-]{1,255})))?"""
    r"""\s*;(?P<date>(?P<dt>[^;()\[\]<>"\\]{0,300})"""
    r"""(?:(?P<dc>\((?!envelope)[^()\[\]<>";,\\]{0,100}\))\s*)?)""",
)


def _fast_date(
    m: re.Match[str], header_index: int | None
) -> tuple[DateValue | None, IndexedLog] | None:
    """The date of a fast match (group ``date``) and its log, or ``None`` (keyword in it)."""
    date_text = m.group("date")
    low = date_text.lower()
    if _has_keyword(low) and not _KEYWORDS.isdisjoint(low.replace(",", " ").split()):
        return None
    log = IndexedLog(header_index)
    date_text = date_text.strip()
    date: DateValue | None = None
    if date_text:
        date = parse_date_at(date_text, header_index)
        if date.datetime is None:
            log.add("received.invalid_date", f"unreadable date {date_text[:60]!r}")
    else:
        log.add("received.no_date", "no date-time in the field")
    return date, log


def _local(
    value: str,
    date: DateValue | None,
    log: IndexedLog,
    header_name: str,
    uid: str | None,
    comments: tuple[str, ...],
    *,
    by_host: str | None = None,
    msg_id: str | None = None,
    for_addr: str | None = None,
    by_ip: str | None = None,
    software: str | None = None,
) -> Received:
    """The :class:`Received` of a local hand-off (no network peer: ``kind="local"``)."""
    return _new_received(
        raw=value,
        from_helo=None,
        from_rdns=None,
        from_ip=None,
        from_port=None,
        by_host=by_host,
        via=None,
        protocol=None,
        id=msg_id,
        for_addr=for_addr,
        envelope_from=None,
        tls=None,
        authenticated=False,
        date=date,
        relay=False,
        defects=log.defects,
        header_name=header_name,
        kind="local",
        from_ident=None,
        by_ip=by_ip,
        software=software,
        auth_user=None,
        local_uid=uid,
        comments=comments,
    )


def _fast_userid(value: str, header_index: int | None, header_name: str) -> Received | None:
    """The :class:`Received` of a Postfix local pickup field, or ``None``."""
    m = _FAST_USERID.fullmatch(value)
    if m is None:
        return None
    by, sw, msg_id, fa, fw = m.group("by", "sw", "id", "fa", "fw")
    for w in (by, msg_id, fw):
        if w is not None and len(w) < 5 and w.lower() in _KEYWORDS:
            return None
    if sw.lower() in ("envelope-from", "envelope-sender"):
        return None
    comments = [m.group("c")]
    a, b = m.span("dc")
    if a >= 0:
        if not _fast_comment_ok(value, a, b):
            return None
        comments.append(value[a:b])
    by_host = by.rstrip(".") or None
    if by_host is None:
        return None
    got = _fast_date(m, header_index)
    if got is None:
        return None
    date, log = got
    by_got = normalize_ip(by_host)
    for_addr = fa if fa is not None else fw
    return _local(
        value,
        date,
        log,
        header_name,
        m.group("uid"),
        tuple(comments),
        by_host=by_host,
        msg_id=msg_id or None,
        for_addr=for_addr or None,
        by_ip=by_got[0] if by_got is not None else None,
        software=sw,
    )


def _fast_qmail(value: str, header_index: int | None, header_name: str) -> Received | None:
    """The :class:`Received` of a qmail comment-only field, or ``None``."""
    m = _FAST_QMAIL.fullmatch(value)
    if m is None:
        return None
    got = _fast_date(m, header_index)
    if got is None:
        return None
    date, log = got
    return _local(value, date, log, header_name, m.group("uid"), (m.group("c"),))


# The alternatives of _COMMENT_CUES, most frequent first.
# could read something from it, whether it names the receiving software).
_FAST_COMMENT_GROUPS = tuple(
    (_FAST.groupindex[g], g in ("bc", "wc", "dc"), g in ("bc", "wc"))
    for g in ("lc", "hc", "ipc", "fc", "bc", "wc", "ic", "sd", "dc", "ec")
)


def _fast_received(value: str, header_index: int | None, header_name: str) -> Received | None:
    """The :class:`Received` of a common layout, or ``None`` (use the general reader)."""
    if len(value) > _FAST_MAX:
        return None
    m = _FAST.fullmatch(value)
    if m is None:
        if "userid" in value:
            return _fast_userid(value, header_index, header_name)
        return _fast_qmail(value, header_index, header_name)
    helo, cip, tip, by, proto = m.group("helo", "cip", "tip", "by", "proto")
    msg_id, fa, fw, dt, lf = m.group("id", "fa", "fw", "dt", "lf")
    ident: str | None = None
    if proto is not None and len(proto) >= 17:  # "Microsoft  SMTPSVC": words joined by a space
        proto = " ".join(proto.split())
    if lf is not None:  # Sendmail submission "(from user@host) by ...": a from clause
        helo = lf
    if helo is None:
        return None
    # A name that is a clause keyword splits clauses differently: the general reader decides.
    # (These names are ASCII, so "w.lower() in _KEYWORDS" is membership in _KEYWORD_SPELLINGS.)
    if not _KEYWORD_SPELLINGS.isdisjoint((helo, by, proto, msg_id, fw)):
        return None
    if _has_keyword(dt.lower()) and not _KEYWORDS.isdisjoint(dt.lower().replace(",", " ").split()):
        return None
    if normalize_ip(helo) is not None:
        return None
    ip: str | None = None
    port: int | None = None
    if cip is not None or tip is not None:
        got = normalize_ip(cip if cip is not None else tip)
        if got is None:
            return None
        ip, port = got
        if m.group("port") is not None:
            port = int(m.group("port"))
    elif "@" in helo:  # Sendmail "(from alice@localhost)": an ident, not a name
        ident = helo
        helo = None
    by_host = by.rstrip(".") or None
    if by_host is None:
        return None
    read = _fast_comments(value, m)
    if read is None:
        return None
    software, comments = read
    peer = _fast_peer(m, helo, ip, port, ident, proto, software)
    if peer is None:
        return None
    helo, rdns, ip, port, ident = peer
    by_got = normalize_ip(by_host)
    date, defects = _fast_dated(m.group("date").strip(), header_index)
    authenticated, tls_seen, proto_kind = _proto_facts(proto)
    kind = _fast_kind(proto_kind, ip, proto)
    tls: TlsInfo | None = None
    tv, ea, ew = m.group("tv", "ea", "ew")
    if tv is not None:  # read as the general reader's key=value TLS rule reads it
        tls = _new_tls(version=tv, cipher=m.group("tc"), bits=int(m.group("tb")))
    elif tls_seen:
        tls = _new_tls(version=None, cipher=None, bits=None)
    return _new_received(
        raw=value,
        from_helo=helo,
        from_rdns=rdns,
        from_ip=ip,
        from_port=port,
        by_host=by_host,
        via=None,
        protocol=proto,
        id=msg_id or None,
        for_addr=(fa if fa is not None else fw) or None,
        envelope_from=(ea if ea is not None else ew) or None,
        tls=tls,
        authenticated=authenticated,
        date=date,
        relay=kind in ("network", "http"),
        defects=defects,
        header_name=header_name,
        kind=kind,
        from_ident=ident,
        by_ip=by_got[0] if by_got is not None else None,
        software=software,
        auth_user=None,
        local_uid=None,
        comments=tuple(comments),
    )


def _fast_comments(value: str, m: re.Match[str]) -> tuple[str | None, list[str]] | None:
    """The comments of a fast match and the receiving software the by-clause comment names;
    ``None`` when a comment says more than the fast path reads (the general reader decides)."""
    software: str | None = None
    comments: list[str] = []
    regs = m.regs
    for g, checked, software_at in _FAST_COMMENT_GROUPS:
        a, b = regs[g]
        if a < 0:
            continue
        c = value[a:b]
        comments.append(c)
        if not checked:
            continue
        if not _quiet_comment(c):
            return None
        if not software_at:
            continue
        inner = value[a + 1 : b - 1]
        if "(" not in inner:
            words = inner.split()
            if len(words) == 1 and normalize_ip(words[0]) is not None:
                return None  # "by host (10.1.2.3)": the receiver's IP
        if software is None:
            software = " ".join(inner.split()) or None
    return software, comments


_Peer = tuple[str | None, str | None, str | None, int | None, str | None]
"""(HELO name, reverse-DNS name, IP, port, ident) of the sending host."""


def _fast_peer(
    m: re.Match[str],
    helo: str | None,
    ip: str | None,
    port: int | None,
    ident: str | None,
    proto: str | None,
    software: str | None,
) -> _Peer | None:
    """Which name of a fast match is the HELO and which the reverse DNS, by the general
    reader's rules (docs/hops.md, "Reading the from clause"); ``None`` to leave it to it."""
    rdns: str | None = None
    rdns_w, helo_eq, cip, bip = m.group("rdns", "heq", "cip", "bip")
    if bip is not None:  # qmail "name [(HELO x)] (ip)": the general reader's bare-IP rules
        got = normalize_ip(bip)
        if got is None or helo is None:
            return None
        ip, port = got
        p_known = helo if helo.lower() not in _NO_RDNS else None
        hkn = m.group("hkn")
        if hkn is not None:
            rdns = p_known
            helo = hkn
        elif (
            p_known is not None
            and "." in p_known
            and not (proto or "").lower().startswith("microsoft")
            and port is None
        ):
            rdns = p_known
        else:
            helo = p_known
    elif rdns_w is not None:  # "helo (rdns [ip])", "helo (user@rdns [ip])"
        if helo_eq is not None or rdns_w.lower() in ("helo", "ehlo", "lhlo", "account", "verified"):
            return None
        ident, host = _split_ident(rdns_w)
        if normalize_ip(host) is not None:
            return None
        rdns = None if host.lower() in _NO_RDNS else host
    elif cip is not None and helo is not None:  # "helo ([ip])", "helo ([ip]:port helo=x)"
        p_known = helo if helo.lower() not in _NO_RDNS else None
        if helo_eq is not None:
            rdns = p_known
            helo = helo_eq
        elif software is not None and software.lower().startswith("exim"):
            rdns = p_known
    if rdns is not None:
        rdns = rdns.rstrip(".") or None
    return helo, rdns, ip, port, ident


def _fast_dated(
    date_text: str, header_index: int | None
) -> tuple[DateValue | None, tuple[Defect, ...]]:
    """The date-time after the ``;`` (RFC 5322 section 3.6.7) and its defects."""
    if not date_text:
        log = IndexedLog(header_index)
        log.add("received.no_date", "no date-time in the field")
        return None, log.defects
    date = parse_date_at(date_text, header_index)
    if date.datetime is not None:
        return date, ()
    log = IndexedLog(header_index)
    log.add("received.invalid_date", f"unreadable date {date_text[:60]!r}")
    return date, log.defects


def _fast_kind(proto_kind: ReceivedKind | None, ip: str | None, proto: str | None) -> ReceivedKind:
    """What kind of hand-off the field records (see ``Received.kind``)."""
    if proto_kind is not None:
        return proto_kind
    if ip is None:
        return "local"
    if _loopback(ip):
        return "loopback"
    if proto is not None and proto[:4].lower() == "http":  # webmail submission
        return "http"
    return "network"
