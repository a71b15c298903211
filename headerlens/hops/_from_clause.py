"""The ``from`` clause of a Received field: HELO name, reverse-DNS name, IP, port, ident.

The three identities are never merged; the layouts recognised (Postfix/Sendmail
``helo (rdns [ip])``, Exim ``rdns ([ip]:port helo=...)``, qmail ``rdns (HELO helo) (ip)``,
Exchange ``helo (ip)``, CommuniGate ``[ip] (account user HELO helo)``, Exim 3
``rdns (helo) [ip]``, and more) are listed in docs/hops.md.
"""

from __future__ import annotations

from headerlens._text import ascii_digits
from headerlens.defects import DefectLog
from headerlens.hops._knowledge import _NO_RDNS, _classify_comment, _State, normalize_ip
from headerlens.hops._tokens import _C, _L, _Q, _W, _Tok, _tok_text, _words

__all__ = ["_read_from", "_split_ident"]


class _FromInfo:
    """What the from clause says about the peer (class attributes are the defaults)."""

    helo: str | None = None
    rdns: str | None = None
    ip: str | None = None
    port: int | None = None
    ident: str | None = None


def _split_ident(text: str) -> tuple[str | None, str]:
    if "@" in text:
        user, _, host = text.rpartition("@")
        return (user or None), host
    return None, text


class _Clues:
    """What the tokens of a from clause showed, before the roles are decided."""

    def __init__(self) -> None:
        self.helo_kw: str | None = None  # from "(HELO x)" / "(EHLO x)"
        self.helo_kw_seen = False
        self.helo_eq: str | None = None  # from "helo=x", 'claiming to be "x"'
        self.rdns_word: str | None = None  # the word before "[ip]" inside a comment
        self.rdns_word_seen = False
        self.bare_ip = False  # the IP came from "(ip)" without brackets
        self.lit_ip = False  # the IP came from "([ip])" inside a comment
        self.top_lit = False  # the IP came from a top-level "[ip]" after the name
        self.verified = False
        self.name_comment: str | None = None
        self.after_claiming = False


def _take_ip(info: _FromInfo, text: str) -> bool:
    """Whether ``text`` is an IP address; the first one found is the peer's."""
    got = normalize_ip(text)
    if got is None:
        return False
    if info.ip is None:
        info.ip, info.port = got
    return True


def _read_from(
    toks: list[_Tok], s: str, st: _State, log: DefectLog, *, exim: bool, microsoft: bool
) -> _FromInfo:
    """Read the from clause: HELO name, rDNS name, IP, port, ident (see the module doc)."""
    info = _FromInfo()
    items = _words(toks)
    primary: _Tok | None = None
    if items and items[0][0] in (_W, _L):
        primary = items[0]
        items = items[1:]
    p_text: str | None = None
    p_ip: tuple[str, int | None] | None = None
    if primary is not None:
        p_text = _tok_text(primary)
        p_ip = normalize_ip(primary[3])
        if primary[0] == _L and p_ip is None:
            log.add("received.invalid_ip", f"domain literal {p_text!r} is not an IP address")
    clues = _Clues()
    for t in items:
        if t[0] == _C:
            _read_comment(t, s, st, info, clues)
        elif t[0] == _L:
            if _take_ip(info, t[3]):
                clues.top_lit = True
        elif t[0] == _Q:
            if clues.after_claiming:
                clues.helo_eq = t[3] or None
            elif t[3][:5].upper() in ("HELO ", "EHLO "):
                clues.helo_kw_seen = True
                clues.helo_kw = t[3][5:].strip() or None
        elif t[0] == _W and t[3].lower() in ("be", "claiming"):
            clues.after_claiming = True
    _decide_roles(info, clues, primary, p_text, p_ip, exim=exim, microsoft=microsoft)
    return info


def _read_comment(t: _Tok, s: str, st: _State, info: _FromInfo, clues: _Clues) -> None:
    """One comment of the from clause: a HELO keyword, an IP with the name before it, Exim's
    ``helo=``/``ident=``/``port=`` words, or a comment another reader knows (TLS, auth)."""
    kids = _words(t[4])
    if not kids:
        return
    k0 = kids[0][3].lower() if kids[0][0] == _W else ""
    j = 0
    if k0 == "account" and len(kids) > 1:  # CommuniGate
        st.auth_user = kids[1][3]
        st.authenticated = True
        j = 2
        k0 = kids[j][3].lower() if j < len(kids) and kids[j][0] == _W else ""
    if k0 in ("helo", "ehlo", "lhlo", '"helo', '"ehlo'):
        clues.helo_kw_seen = True
        if j + 1 < len(kids) and kids[j + 1][0] in (_W, _L):
            clues.helo_kw = _tok_text(kids[j + 1]).strip('"') or None
        return
    if _comment_peer(kids[j:], info, clues):
        return
    if not _classify_comment(t, s, st):
        only = [k for k in kids if k[0] == _W]
        if len(kids) == 1 and len(only) == 1 and clues.name_comment is None:
            ident, host = _split_ident(only[0][3])
            if ident is not None and info.ident is None:
                info.ident = ident
            else:
                clues.name_comment = host


def _comment_peer(kids: list[_Tok], info: _FromInfo, clues: _Clues) -> bool:
    """Read the peer's words inside one comment; whether it held an IP address."""
    found_ip = False
    prev: _Tok | None = None
    for k in kids:
        if k[0] == _L:
            if _take_ip(info, k[3]):
                found_ip = True
                clues.lit_ip = clues.lit_ip or not clues.bare_ip
                if prev is not None and prev[0] == _W and not clues.rdns_word_seen:
                    clues.rdns_word_seen = True
                    ident, host = _split_ident(prev[3])
                    clues.rdns_word = host
                    if ident and info.ident is None:
                        info.ident = ident
        elif k[0] == _Q:
            if k[3][:5].upper() in ("HELO ", "EHLO "):  # vger: '"HELO name"'
                clues.helo_kw_seen = True
                clues.helo_kw = k[3][5:].strip() or None
        elif k[0] == _W:
            found_ip = _comment_word(k[3], info, clues, found_ip)
        prev = k
    return found_ip


def _comment_word(w: str, info: _FromInfo, clues: _Clues, found_ip: bool) -> bool:
    """One word inside a from-clause comment; whether an IP has been found in it so far."""
    lw = w.lower()
    if lw.startswith("helo="):
        clues.helo_eq = w[5:] or None
    elif lw.startswith("ident="):
        info.ident = w[6:] or None
    elif lw.startswith("port=") and ascii_digits(w[5:]):
        info.port = int(w[5:])
    elif w.startswith(":") and ascii_digits(w[1:]) and found_ip:
        info.port = int(w[1:])
    elif lw == "verified":
        clues.verified = True
    elif lw in ('"helo', '"ehlo'):
        clues.helo_kw_seen = True
    elif clues.helo_kw_seen and clues.helo_kw is None and w.endswith('"'):
        clues.helo_kw = w.strip('"') or None
    elif not found_ip and info.ip is None:
        ident, host = _split_ident(w)
        got = normalize_ip(host)
        if got is not None:
            info.ip, port = got
            info.port = info.port if port is None else port
            clues.bare_ip = True
            if ident:
                info.ident = ident
            return True
    return found_ip


def _decide_roles(
    info: _FromInfo,
    clues: _Clues,
    primary: _Tok | None,
    p_text: str | None,
    p_ip: tuple[str, int | None] | None,
    *,
    exim: bool,
    microsoft: bool,
) -> None:
    """Decide which name is the HELO and which the rDNS (docs/hops.md, "Reading the from
    clause")."""
    p_is_name = primary is not None and primary[0] == _W and p_ip is None
    p_name = p_text if p_is_name else None
    p_known = p_name if (p_name is not None and p_name.lower() not in _NO_RDNS) else None
    if p_ip is not None and info.ip is None:
        info.ip, info.port = p_ip
        p_text = f"[{primary[3]}]" if primary is not None and primary[0] == _L else None
    if clues.helo_kw_seen:
        info.helo = clues.helo_kw
        info.rdns = p_known
    elif clues.helo_eq is not None:
        info.helo = clues.helo_eq
        info.rdns = p_known
    elif clues.rdns_word_seen:
        word = clues.rdns_word
        info.helo = p_text
        info.rdns = None if word is None or word.lower() in _NO_RDNS else word
    elif clues.bare_ip:
        if p_known is not None and "." in p_known and not microsoft and info.port is None:
            info.rdns = info.helo = p_known  # qmail / Critical Path: the name is the rDNS
        else:
            info.helo = p_text if p_known is not None or not p_is_name else None
    elif clues.lit_ip:
        info.helo = p_text
        if p_known is not None and (exim or clues.verified):
            info.rdns = p_known
    elif clues.top_lit:
        if clues.name_comment is not None:  # Exim 3: "rdns (helo) [ip]"
            info.rdns = p_known
            info.helo = clues.name_comment
        else:  # "name [ip]": the name is what the client said
            info.helo = p_text
    elif p_name is not None and "@" in p_name and info.ip is None:
        info.ident = p_name  # Sendmail "(from alice@localhost)", AOL "from user@aol.com"
    else:
        info.helo = p_text
    if info.rdns is not None:
        info.rdns = info.rdns.rstrip(".") or None
