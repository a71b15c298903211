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

    helo_kw: str | None = None  # from "(HELO x)" / "(EHLO x)"
    helo_kw_seen = False
    helo_eq: str | None = None  # from "helo=x", 'claiming to be "x"'
    rdns_word: str | None = None  # the word before "[ip]" inside a comment
    rdns_word_seen = False
    bare_ip = False  # the IP came from "(ip)" without brackets
    lit_ip = False  # the IP came from "([ip])" inside a comment
    top_lit = False  # the IP came from a top-level "[ip]" after the name
    verified = False
    name_comment: str | None = None
    after_claiming = False

    def take_ip(text: str) -> bool:
        got = normalize_ip(text)
        if got is None:
            return False
        if info.ip is None:
            info.ip, info.port = got
        return True

    for t in items:
        if t[0] == _C:
            kids = _words(t[4])
            if not kids:
                continue
            k0 = kids[0][3].lower() if kids[0][0] == _W else ""
            j = 0
            if k0 == "account" and len(kids) > 1:  # CommuniGate
                st.auth_user = kids[1][3]
                st.authenticated = True
                j = 2
                k0 = kids[j][3].lower() if j < len(kids) and kids[j][0] == _W else ""
            if k0 in ("helo", "ehlo", "lhlo", '"helo', '"ehlo'):
                helo_kw_seen = True
                if j + 1 < len(kids) and kids[j + 1][0] in (_W, _L):
                    helo_kw = _tok_text(kids[j + 1]).strip('"') or None
                continue
            found_ip = False
            prev: _Tok | None = None
            for k in kids[j:]:
                if k[0] == _L:
                    if take_ip(k[3]):
                        found_ip = True
                        lit_ip = lit_ip or not bare_ip
                        if prev is not None and prev[0] == _W and not rdns_word_seen:
                            rdns_word_seen = True
                            ident, host = _split_ident(prev[3])
                            rdns_word = host
                            if ident and info.ident is None:
                                info.ident = ident
                elif k[0] == _Q:
                    if k[3][:5].upper() in ("HELO ", "EHLO "):  # vger: '"HELO name"'
                        helo_kw_seen = True
                        helo_kw = k[3][5:].strip() or None
                elif k[0] == _W:
                    w = k[3]
                    lw = w.lower()
                    if lw.startswith("helo="):
                        helo_eq = w[5:] or None
                    elif lw.startswith("ident="):
                        info.ident = w[6:] or None
                    elif lw.startswith("port=") and ascii_digits(w[5:]):
                        info.port = int(w[5:])
                    elif w.startswith(":") and ascii_digits(w[1:]) and found_ip:
                        info.port = int(w[1:])
                    elif lw == "verified":
                        verified = True
                    elif lw in ('"helo', '"ehlo'):
                        helo_kw_seen = True
                    elif helo_kw_seen and helo_kw is None and w.endswith('"'):
                        helo_kw = w.strip('"') or None
                    elif not found_ip and info.ip is None:
                        ident, host = _split_ident(w)
                        got = normalize_ip(host)
                        if got is not None:
                            info.ip, port = got
                            info.port = info.port if port is None else port
                            found_ip = bare_ip = True
                            if ident:
                                info.ident = ident
                prev = k
            if found_ip:
                continue
            if not _classify_comment(t, s, st):
                only = [k for k in kids if k[0] == _W]
                if len(kids) == 1 and len(only) == 1 and name_comment is None:
                    ident, host = _split_ident(only[0][3])
                    if ident is not None and info.ident is None:
                        info.ident = ident
                    else:
                        name_comment = host
        elif t[0] == _L:
            if take_ip(t[3]):
                top_lit = True
        elif t[0] == _Q:
            if after_claiming:
                helo_eq = t[3] or None
            elif t[3][:5].upper() in ("HELO ", "EHLO "):
                helo_kw_seen = True
                helo_kw = t[3][5:].strip() or None
        elif t[0] == _W and t[3].lower() in ("be", "claiming"):
            after_claiming = True

    # Decide the roles (docs/hops.md, "Reading the from clause").
    p_is_name = primary is not None and primary[0] == _W and p_ip is None
    p_name = p_text if p_is_name else None
    p_known = p_name if (p_name is not None and p_name.lower() not in _NO_RDNS) else None
    if p_ip is not None and info.ip is None:
        info.ip, info.port = p_ip
        p_text = f"[{primary[3]}]" if primary is not None and primary[0] == _L else None
    if helo_kw_seen:
        info.helo = helo_kw
        info.rdns = p_known
    elif helo_eq is not None:
        info.helo = helo_eq
        info.rdns = p_known
    elif rdns_word_seen:
        info.helo = p_text
        info.rdns = None if rdns_word is None or rdns_word.lower() in _NO_RDNS else rdns_word
    elif bare_ip:
        if p_known is not None and "." in p_known and not microsoft and info.port is None:
            info.rdns = info.helo = p_known  # qmail / Critical Path: the name is the rDNS
        else:
            info.helo = p_text if p_known is not None or not p_is_name else None
    elif lit_ip:
        info.helo = p_text
        if p_known is not None and (exim or verified):
            info.rdns = p_known
    elif top_lit:
        if name_comment is not None:  # Exim 3: "rdns (helo) [ip]"
            info.rdns = p_known
            info.helo = name_comment
        else:  # "name [ip]": the name is what the client said
            info.helo = p_text
    elif p_name is not None and "@" in p_name and info.ip is None:
        info.ident = p_name  # Sendmail "(from alice@localhost)", AOL "from user@aol.com"
    else:
        info.helo = p_text
    if info.rdns is not None:
        info.rdns = info.rdns.rstrip(".") or None
    return info
