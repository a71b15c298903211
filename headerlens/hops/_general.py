"""The general Received reader: tokens, clauses, then the rules of each clause.

Used for every value the fast path (``headerlens.hops._fast``) stands aside for. The steps
follow the grammar of RFC 5321 section 4.4 (``from``, ``by``, ``via``, ``with``, ``id``,
``for``, ``;`` date), with the deviations real MTAs write (docs/hops.md).
"""

from __future__ import annotations

from headerlens._model import fast_constructor
from headerlens._text import ascii_digits
from headerlens.hops._from_clause import _read_from
from headerlens.hops._knowledge import (
    _DAYNAMES,
    _FETCH,
    _KEYWORDS,
    _LOCAL_WITH,
    _MONTHS,
    _classify_comment,
    _loopback,
    _State,
    normalize_ip,
)
from headerlens.hops._tokens import (
    _A,
    _C,
    _L,
    _M,
    _Q,
    _S,
    _W,
    MAX_RECEIVED_CHARS,
    _Tok,
    _tok_text,
    _tokenize,
    _tokenize_split,
    _words,
)
from headerlens.hops.models import Received, ReceivedKind, TlsInfo
from headerlens.message import DateValue
from headerlens.parse.dates import IndexedLog, parse_date_at

__all__ = ["_parse_general"]

_new_received = fast_constructor(Received)
_new_tls = fast_constructor(TlsInfo)


def _find_date_start(toks: list[_Tok]) -> int | None:
    """For a field with no top-level ';': the index where a trailing date starts."""
    last_kw = -1
    for i, t in enumerate(toks):
        if t[0] == _W and t[3].lower() in _KEYWORDS:
            last_kw = i
    start = last_kw + 2 if last_kw >= 0 else 0
    n = len(toks)
    for i in range(start, n):
        t = toks[i]
        if t[0] != _W:
            continue
        w = t[3]
        low = w[:3].lower()
        nxt = toks[i + 1] if i + 1 < n else None
        if low in _DAYNAMES and nxt is not None:
            if nxt[0] == _M and i + 2 < n:
                nxt = toks[i + 2]
            if nxt[0] == _W and (nxt[3][:1].isdigit() or nxt[3][:3].lower() in _MONTHS):
                return i
        if len(w) == 10 and w[4:5] == "-" and w[7:8] == "-" and ascii_digits(w[:4]):
            return i
        if ascii_digits(w) and len(w) <= 2 and nxt is not None and nxt[3][:3].lower() in _MONTHS:
            return i
    return None


def _first_text(toks: list[_Tok] | None) -> str | None:
    """The text of the first word, address, literal or quoted string of a clause."""
    for t in toks or ():
        if t[0] in (_W, _A, _L, _Q):
            return t[3]
    return None


def _exim_id(text: str) -> bool:
    parts = text.split("-")
    return [len(p) for p in parts] in ([6, 6, 2], [6, 11, 4])


class _Parts:
    """A field cut at its date (step 1): all tokens, the clause tokens, the date."""

    def __init__(
        self,
        toks: list[_Tok],
        clause_toks: list[_Tok],
        date_text: str | None,
        date_comments: list[_Tok],
    ) -> None:
        self.toks = toks
        self.clause_toks = clause_toks
        self.date_text = date_text
        self.date_comments = date_comments


def _cut_at_date(s: str, log: IndexedLog) -> _Parts | None:
    """Step 1: tokens, and where the date is: after the last top-level ';' (RFC 5321 4.4),
    or, without one, a date-shaped run at the end (SendGrid). ``None`` for an empty field."""
    date_text: str | None = None
    clause_toks: list[_Tok]
    date_comments: list[_Tok] = []
    split = _tokenize_split(s, log)
    if split is not None:
        head, semi, after = split
        toks = head + after  # the ';' itself is no use below
        clause_toks = [t for t in head if t[0] != _S]
        last_semi_end = semi + 1
    else:
        toks = _tokenize(s, log)
        if not toks:
            return None
        last_semi = -1
        for i in range(len(toks) - 1, -1, -1):
            if toks[i][0] == _S:
                last_semi = i
                break
        if last_semi >= 0:
            clause_toks = [t for t in toks[:last_semi] if t[0] != _S]
            after = toks[last_semi + 1 :]
            last_semi_end = toks[last_semi][2]
        else:
            after = []
            last_semi_end = -1
    if last_semi_end >= 0:
        cut = len(after)
        for j, t in enumerate(after):
            if j >= 3 and t[0] == _W and t[3].lower() in _KEYWORDS:
                cut = j
                break
        trailing: list[_Tok] = []
        if cut < len(after):
            log.add("received.text_after_date", "clauses follow the date")
            trailing = after[cut:]
            date_text = s[after[0][1] : after[cut][1]] if cut else ""
        else:
            date_text = s[last_semi_end:]
        date_comments = [t for t in after[:cut] if t[0] == _C]  # "(envelope-from x)" etc.
        clause_toks += trailing
    else:
        start = _find_date_start(toks)
        if start is not None:
            log.add("received.no_semicolon", "the date is not preceded by ';'")
            date_text = s[toks[start][1] :]
            clause_toks = toks[:start]
            date_comments = [t for t in toks[start:] if t[0] == _C]
        else:
            clause_toks = toks
    return _Parts(toks, clause_toks, date_text, date_comments)


def _split_clauses(
    clause_toks: list[_Tok], log: IndexedLog
) -> tuple[dict[str, list[_Tok]], list[_Tok]]:
    """Step 2: the clauses, cut at top-level keywords, and the tokens before the first one.

    A second ``from`` after ``by`` is XMail/IBM's envelope sender (clause ``_envfrom``); any
    other repeated keyword is ignored with one defect per keyword.
    """
    clauses: dict[str, list[_Tok]] = {}
    leading: list[_Tok] = []
    current: list[_Tok] | None = None
    duplicated: set[str] = set()
    for t in clause_toks:
        if t[0] == _W and len(t[3]) < 5 and t[3].lower() in _KEYWORDS:
            key = t[3].lower()
            if key in clauses:
                if key == "from" and "by" in clauses:
                    current = []  # XMail/IBM: "for <rcpt> from <sender>" (envelope sender)
                    clauses.setdefault("_envfrom", current)
                    continue
                if key not in duplicated:  # one defect per keyword, however many repeats
                    duplicated.add(key)
                    log.add("received.duplicate_clause", f"a second {key!r} clause was ignored")
                current = []
                continue
            current = []
            clauses[key] = current
            continue
        if current is None:
            leading.append(t)
        else:
            current.append(t)
    return clauses, leading


def _envelope_clause(clauses: dict[str, list[_Tok]]) -> str | None:
    """The sender of XMail/IBM's ``from <sender>`` after ``by`` (step 2)."""
    for t in clauses.get("_envfrom", ()):
        if t[0] in (_A, _W):
            return t[3]
    return None


def _read_leading(
    leading: list[_Tok], clauses: dict[str, list[_Tok]], s: str, st: _State, log: IndexedLog
) -> None:
    """Step 2b: what precedes the first keyword. A leading comment that is itself a from
    clause (``(from KRYPTIK [70.20.57.51]) by ...``) becomes it; other comments are read."""
    for t in leading:
        if t[0] == _C:
            kids = t[4]
            if "from" not in clauses and kids and kids[0][0] == _W and kids[0][3].lower() == "from":
                clauses["from"] = list(kids[1:])
            else:
                _classify_comment(t, s, st)
        elif t[0] not in (_M,):
            log.add("received.unparsed_clause", f"text outside any clause: {t[3][:40]!r}")
            break


def _read_by(toks: list[_Tok], s: str, st: _State) -> str | None:
    """Step 3a: the ``by`` host; its comments give the receiver's IP or software."""
    by_host: str | None = None
    for t in toks:
        if t[0] == _W or t[0] == _L:
            if by_host is None:
                by_host = _tok_text(t) if t[0] == _L else t[3]
        elif t[0] == _C:
            if _classify_comment(t, s, st):
                continue
            kids = _words(t[4])
            ip = None
            for k in kids:
                # "(10.1.2.3)", "(mx.example.org [127.0.0.1])"; not "(NAVGW 2.5.2.12)".
                if k[0] == _L or (k[0] == _W and len(kids) == 1):
                    got = normalize_ip(k[3])
                    if got is not None:
                        ip = got[0]
                        break
            if ip is not None:
                st.by_ip = st.by_ip or ip
            elif st.software is None:
                st.software = " ".join(s[t[1] + 1 : t[2] - 1].split()) or None
    if by_host is not None:
        by_host = by_host.rstrip(".") or None
        if by_host is not None and st.by_ip is None:
            got = normalize_ip(by_host[1:-1] if by_host.startswith("[") else by_host)
            if got is not None:
                st.by_ip = got[0]
    return by_host


def _read_with(with_toks: list[_Tok], s: str, st: _State) -> str | None:
    """Step 3b: the ``with`` protocol words (Exim's ``tls CIPHER`` after them is TLS)."""
    protocol_words: list[str] = []
    words_done = False
    for idx, t in enumerate(with_toks):
        if t[0] == _W:
            if words_done:
                continue
            if t[3].lower() == "tls" and protocol_words:  # Exim: "with esmtps (TLS1.3) tls X"
                nxt = with_toks[idx + 1] if idx + 1 < len(with_toks) else None
                if nxt is not None and nxt[0] == _W:
                    st.tls_seen = True
                    st.tls_cipher = st.tls_cipher or nxt[3]
                words_done = True
                continue
            protocol_words.append(t[3])
        elif t[0] == _L and not protocol_words:
            protocol_words.append(t[3])
        elif t[0] == _C and not _classify_comment(t, s, st) and st.software is None:
            st.software = " ".join(s[t[1] + 1 : t[2] - 1].split()) or None
    return " ".join(protocol_words) or None


def _read_comments(
    clauses: dict[str, list[_Tok]], date_comments: list[_Tok], s: str, st: _State
) -> None:
    """Step 3c: the comments of ``id``/``for``/``via`` and after the date (TLS, envelope, ...);
    the first unexplained comment of ``id`` names the software."""
    for key in ("id", "for", "via", "_envfrom"):
        for t in clauses.get(key, ()):
            understood = t[0] == _C and _classify_comment(t, s, st)
            if t[0] == _C and not understood and st.software is None and key == "id":
                st.software = " ".join(s[t[1] + 1 : t[2] - 1].split()) or None
    for t in date_comments:
        _classify_comment(t, s, st)


def _read_date(
    date_text: str | None, header_index: int | None, log: IndexedLog
) -> DateValue | None:
    """Step 4: the date-time after the clauses (RFC 5322 section 3.3 and the fallbacks)."""
    if date_text is not None and date_text.strip():
        date = parse_date_at(date_text.strip(), header_index)
        if date.datetime is None:
            log.add("received.invalid_date", f"unreadable date {date_text.strip()[:60]!r}")
        return date
    log.add("received.no_date", "no date-time in the field")
    return None


def _protocol_facts(protocol: str | None, st: _State) -> None:
    """Step 5: what the protocol says (RFC 3848: ESMTPS/ESMTPA/ESMTPSA/UTF8SMTPSA ...)."""
    proto_up = (protocol or "").upper()
    if proto_up.endswith(("SA", "A")) and proto_up.replace("UTF8", "").endswith(
        ("SMTPA", "SMTPSA", "LMTPA", "LMTPSA")
    ):
        st.authenticated = True
    if proto_up in ("ASMTP",):
        st.authenticated = True
    if proto_up.replace("UTF8", "").endswith(("SMTPS", "SMTPSA", "LMTPS", "LMTPSA")):
        st.tls_seen = True


def _hop_kind(protocol: str | None, st: _State, ip: str | None, via: str | None) -> ReceivedKind:
    """Step 6: a relay (network, webmail) or a local hand-off (docs/hops.md)."""
    plow = (protocol or "").lower()
    if st.kind_hint == "local" or plow.startswith(_LOCAL_WITH):
        return "local"
    if plow.startswith(_FETCH):
        return "fetch"
    if ip is None:
        return "local"
    if _loopback(ip):
        return "loopback"
    if plow.startswith("http") or st.kind_hint == "http" or (via or "").upper() == "HTTP":
        return "http"
    return "network"


def _parse_general(value: str, header_index: int | None, header_name: str) -> Received:
    """The general reader: tokens, clauses, then the rules of each clause."""
    log = IndexedLog(header_index)
    s = value
    if len(s) > MAX_RECEIVED_CHARS:
        log.add("received.too_long", f"field longer than {MAX_RECEIVED_CHARS} characters")
        s = s[:MAX_RECEIVED_CHARS]
    parts = _cut_at_date(s, log)
    if parts is None:
        log.add("received.empty", "the Received field is empty")
        # Rare, so the constructor fills the remaining fields with their defaults.
        return _new_received(
            raw=value, relay=False, defects=log.defects, header_name=header_name, kind="local"
        )
    clauses, leading = _split_clauses(parts.clause_toks, log)
    envelope_from_clause = _envelope_clause(clauses)
    st = _State()
    _read_leading(leading, clauses, s, st, log)
    by_host = _read_by(clauses.get("by", []), s, st)
    protocol = _read_with(clauses.get("with", []), s, st)
    _read_comments(clauses, parts.date_comments, s, st)

    ident_id = _first_text(clauses.get("id"))
    exim = (st.software or "").lower().startswith("exim") or (
        ident_id is not None and _exim_id(ident_id) and (st.software or "").startswith("Exim")
    )
    microsoft = protocol is not None and protocol.lower().startswith("microsoft")
    info = _read_from(clauses.get("from", []), s, st, log, exim=exim, microsoft=microsoft)
    # Comments of the from clause not about the peer (TLS, auth, envelope) were classified
    # inside _read_from; via clause words:
    via_words = [t[3] for t in clauses.get("via", ()) if t[0] == _W]
    via = " ".join(via_words) or st.via

    for_addr = _first_text(clauses.get("for"))
    if for_addr is not None:
        for_addr = for_addr.strip("<>") or None
    msg_id = ident_id.strip("<>") if ident_id else None

    date = _read_date(parts.date_text, header_index, log)
    if by_host is None and clauses:
        log.add("received.no_by", "no 'by' clause")
    _protocol_facts(protocol, st)
    kind = _hop_kind(protocol, st, info.ip, via)

    tls = None
    if st.tls_seen:
        tls = _new_tls(version=st.tls_version, cipher=st.tls_cipher, bits=st.tls_bits)
    return _new_received(
        raw=value,
        from_helo=info.helo,
        from_rdns=info.rdns,
        from_ip=info.ip,
        from_port=info.port,
        by_host=by_host,
        via=via,
        protocol=protocol,
        id=msg_id or None,
        for_addr=for_addr,
        envelope_from=st.envelope_from or (envelope_from_clause or "").strip("<>") or None,
        tls=tls,
        authenticated=st.authenticated,
        date=date,
        relay=kind in ("network", "http"),
        defects=log.defects,
        header_name=header_name,
        kind=kind,
        from_ident=info.ident,
        by_ip=st.by_ip,
        software=st.software,
        auth_user=st.auth_user,
        local_uid=st.local_uid,
        comments=tuple([s[t[1] : t[2]] for t in parts.toks if t[0] == _C]),
    )
