"""One Received field value -> :class:`~headerlens.hops.models.Received` (RFC 5321 section 4.4).

The value is first cut into tokens by a single left-to-right scan (linear time): words, nested
comments (kept as a tree, with their children tokenized in the same pass), quoted strings,
domain literals ``[...]``, angle addresses ``<...>``, ``;`` and ``,``. Only then are the
clauses ``from``/``by``/``via``/``with``/``id``/``for`` looked for, at the top level, so a
keyword or a ``;`` inside a comment never splits anything. The date is what follows the last
top-level ``;``; when there is none (SendGrid), a date-shaped run at the end is used.

The ``from`` clause is read for three separate things, never merged: the HELO name, the
reverse-DNS name and the IP, following the layouts MTAs actually write (Postfix/Sendmail
``helo (rdns [ip])``, Exim ``rdns ([ip]:port helo=...)``, qmail ``rdns (HELO helo) (ip)``,
Exchange ``helo (ip)``, CommuniGate ``[ip] (account user HELO helo)``, Exim 3
``rdns (helo) [ip]``, and more; see docs/hops.md).
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import re
from typing import TypeAlias, cast

from headerlens._model import fast_constructor
from headerlens._text import ascii_digits
from headerlens.defects import Defect, DefectLog
from headerlens.errors import wrong_type
from headerlens.hops.models import Received, ReceivedKind, TlsInfo
from headerlens.message import DateValue
from headerlens.parse.dates import IndexedLog, parse_date_at

__all__ = ["normalize_ip", "parse_received", "parse_received_at"]

MAX_RECEIVED_CHARS = 256 * 1024
_MAX_TREE_DEPTH = 6  # comments nested deeper are scanned but not kept as tokens

# Token kinds.
_W, _C, _Q, _L, _A, _S, _M = range(7)  # word, comment, quoted, literal, angle, ';', ','

_IPCHARS = frozenset("0123456789abcdefABCDEF:.%")

_KEYWORDS = frozenset(("from", "by", "via", "with", "id", "for"))
# Every upper/lower-case spelling of the keywords (56 strings), for one set test of ASCII names.
_KEYWORD_SPELLINGS = frozenset(
    "".join(spelled)
    for k in _KEYWORDS
    for spelled in itertools.product(*((ch, ch.upper()) for ch in k))
)
_DAYNAMES = frozenset(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
_MONTHS = frozenset(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
)
_NO_RDNS = frozenset(("unknown", "softdnserr"))
_FETCH = ("pop", "imap", "odmr")
_LOCAL_WITH = ("local", "spool", "qmail-scanner", "scanned-ok", "spamassassin", "mapi")


# A token: (kind, start offset, end offset, text, children); children only for comments.
# Plain tuples: cheaper to build and to index than a named tuple.
_Tok: TypeAlias = tuple[int, int, int, str, "list[_Tok]"]


_new_received = fast_constructor(Received)
_new_tls = fast_constructor(TlsInfo)

# The children of every non-comment token: an empty tuple (typed as the list comments hold), so
# that such tokens hold only atomic values and the garbage collector stops tracking them; with a
# list here, long hostile values made the collector's passes grow with the value.
_NO_KIDS = cast("list[_Tok]", ())

# Leading white space, then one token; every alternative is a plain character class run or a
# single character, so matching is linear and never backtracks beyond one token (the scan
# stops before trailing white space, so a match never fails). A quoted string, literal or angle
# address may not contain parentheses: such text is read as words (a stray '"', '[' or '<'
# becomes a one-character word). ``findall`` returns (white space, token) pairs; the kind of
# a token follows from its first character and length.
_TOKEN = re.compile(
    r"""(\s*)([^\s()\[<;,"\\]+|[();,]|\[[^\[\]()\\]*\]|<[^<>()\[\]\s\\]*>"""
    r"""|"[^"()\\]*(?:\\[^()][^"()\\]*)*"|\\.?|.)""",
    re.S,
)
_SPECIAL = {"(": 1, ")": 2, "[": 3, "<": 4, '"': 5, ";": 6, ",": 7, "\\": 8}
_UNESCAPE = re.compile(r"\\(.)")  # "." stops at a line end, as before
# A date part after the last ';' that needs no tokens: nothing that opens or closes a token,
# and no word that could be a clause keyword (conservative: a match only means "tokenize").
_TAIL_HARD = re.compile(r"""[\[\]<>"\\]""")


def _has_keyword(lowered: str) -> bool:
    """Whether a clause keyword occurs anywhere in ``lowered`` (also inside words: cheap)."""
    return (
        "by" in lowered
        or "id" in lowered
        or "for" in lowered
        or "from" in lowered
        or "via" in lowered
        or "with" in lowered
    )


_Stack = list[tuple[int, list[_Tok], list[_Tok]]]


def _scan(s: str, start: int, end: int) -> tuple[list[_Tok], bool, bool, _Stack]:
    """Tokens of ``s[start:end]`` (``end`` before trailing white space), in one pass.

    Returns the top-level tokens (comments hold their children), whether a '"' or a '[' was
    left open at the top level, and the comments still open at ``end`` (outermost first).
    """
    top: list[_Tok] = []
    current = top
    # Open comments: (start offset, the list their tokens go to, the parent's list).
    stack: _Stack = []
    depth = 0
    keep = True  # False while deeper than _MAX_TREE_DEPTH: tokens are scanned, not kept
    unquoted = unlit = False
    deep: list[_Tok] = []  # where tokens of comments too deep to keep go (never read)
    deep_entry = (0, deep, deep)
    get = _SPECIAL.get
    b = start
    for ws, tok in _TOKEN.findall(s, start, end):
        a = b + len(ws)
        b = a + len(tok)
        sp = get(tok[0])
        if sp is None:  # a word (the common case)
            if keep:
                current.append((_W, a, b, tok, _NO_KIDS))
        elif sp == 1:  # '('
            if depth < _MAX_TREE_DEPTH:
                kids: list[_Tok] = []
                stack.append((a, kids, current))
            else:  # too deep to be kept: share one list and one stack entry (no allocation)
                kids = deep
                stack.append(deep_entry)
            depth += 1
            if keep:
                current = kids
            keep = depth <= _MAX_TREE_DEPTH
        elif sp == 2:  # ')'
            if stack:
                c_start, kids, parent = stack.pop()
                depth -= 1
                if depth < _MAX_TREE_DEPTH:
                    parent.append((_C, c_start, b, "", kids))
                    current = parent
                keep = depth <= _MAX_TREE_DEPTH
        elif not keep:
            if sp == 5 and len(tok) == 1 and depth == 0:
                unquoted = True
        elif len(tok) == 1 and sp <= 5:  # a lone '[', '<' or '"' that opens nothing
            if sp == 5 and depth == 0:
                unquoted = True
            elif sp == 3 and depth == 0:
                unlit = True
            current.append((_W, a, b, tok, _NO_KIDS))
        elif sp == 3:
            current.append((_L, a, b, tok[1:-1], _NO_KIDS))
        elif sp == 4:
            current.append((_A, a, b, tok[1:-1], _NO_KIDS))
        elif sp == 5:
            text = tok[1:-1]
            if "\\" in text:
                text = _UNESCAPE.sub(r"\1", text)
            current.append((_Q, a, b, text, _NO_KIDS))
        elif sp == 6:
            current.append((_S if depth == 0 else _W, a, b, ";", _NO_KIDS))
        elif sp == 7:
            current.append((_M, a, b, ",", _NO_KIDS))
        else:  # a quoted-pair outside quotes
            current.append((_W, a, b, tok[1:], _NO_KIDS))
    return top, unquoted, unlit, stack


def _report(log: DefectLog, unquoted: bool, unlit: bool, stack: _Stack, n: int) -> None:
    """Record what a scan left open; close open comments at ``n`` (the end of the value)."""
    if unquoted:
        log.add("received.unterminated_quote", "a quoted string is not closed")
    if unlit:
        log.add("received.unterminated_literal", "a '[' is not closed by ']'")
    if stack:
        log.add("received.unterminated_comment", f"{len(stack)} comment(s) not closed")
        depth = len(stack)
        while stack:
            start, kids, parent = stack.pop()
            depth -= 1
            if depth < _MAX_TREE_DEPTH:
                parent.append((_C, start, n, "", kids))


def _tokenize(s: str, log: DefectLog) -> list[_Tok]:
    """Cut ``s`` into a token tree in one pass (comments hold their children)."""
    top, unquoted, unlit, stack = _scan(s, 0, len(s.rstrip()))
    _report(log, unquoted, unlit, stack, len(s))
    return top


def _tokenize_split(s: str, log: DefectLog) -> tuple[list[_Tok], int, list[_Tok]] | None:
    """:func:`_tokenize` for the usual shape ``clauses ; date``, skipping the date's tokens.

    Returns (tokens before the last ';', the index of that ';' in ``s``, the tokens after it;
    empty when the date part holds nothing a token rule needs: no comment, no bracket, no
    clause keyword) or ``None`` when this shortcut does not apply (then :func:`_tokenize`
    must run). Equivalent to :func:`_tokenize`: no token of the full scan can cross that
    ';', because the date part closes no quote, literal, angle address or comment and the
    part before it leaves no comment open, so the ';' is at the top level.
    """
    p = s.rfind(";")
    if p <= 0 or s[p - 1] == "\\":
        return None
    tail_end = len(s.rstrip())
    if _TAIL_HARD.search(s, p + 1, tail_end) is not None:
        return None
    head_end = len(s[:p].rstrip())
    if head_end and s[head_end - 1] == "\\":
        return None  # a quoted-pair would take the white space after it
    head, unquoted, unlit, stack = _scan(s, 0, head_end)
    if stack:
        return None  # the ';' is inside a comment
    after: list[_Tok] = []
    tail = s[p + 1 : tail_end]
    if _has_keyword(tail.lower()):
        after, _q, _l, stack = _scan(s, p + 1, tail_end)
    elif "(" in tail:
        # Only the comments matter here ("(PDT)"): with no keyword in the date part, its
        # words decide nothing. Before the first '(' there are only words and commas at the
        # top level, so a scan from there yields the same comments as a scan of all of it.
        q = s.find("(", p + 1, tail_end)
        toks, _q, _l, stack = _scan(s, q, tail_end)
        _report(log, unquoted, unlit, stack, len(s))  # closes open comments into toks
        return head, p, [t for t in toks if t[0] == _C]
    _report(log, unquoted, unlit, stack, len(s))
    return head, p, after


@functools.lru_cache(maxsize=8192)
def normalize_ip(text: str) -> tuple[str, int | None] | None:
    """Read an IP as Received fields write it; return (normalised IP, port) or ``None``.

    Accepts ``IPv6:`` prefixes, ``::ffff:`` mapped IPv4 (unwrapped), ``%zone`` suffixes, and a
    port written ``ip:port`` (IPv4) or ``a.b.c.d.port`` (old Exim). IPv6 is compressed.
    """
    t = text.strip()
    if t[:5].lower() == "ipv6:":
        t = t[5:]
    if not t or len(t) > 64:
        return None
    port: int | None = None
    if not set(t) <= _IPCHARS:
        return None
    if t.count(":") == 1 and "." in t:  # 192.0.2.1:25
        t, _, p = t.partition(":")
        if not ascii_digits(p):
            return None
        port = int(p)
    elif ":" not in t and t.count(".") == 4:  # 10.0.8.6.13219
        t, _, p = t.rpartition(".")
        if not ascii_digits(p):
            return None
        port = int(p)
    try:
        ip = ipaddress.ip_address(t)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped), port
    return str(ip), port


@functools.lru_cache(maxsize=8192)
def _loopback(ip: str) -> bool:
    return ipaddress.ip_address(ip.split("%")[0]).is_loopback


def _is_ip(text: str) -> bool:
    return normalize_ip(text) is not None


def _words(toks: list[_Tok]) -> list[_Tok]:
    return [t for t in toks if t[0] != _M]


def _tok_text(t: _Tok) -> str:
    if t[0] == _L:
        return f"[{t[3]}]"
    return t[3]


class _State:
    """Everything collected while reading one field (class attributes are the defaults)."""

    tls_seen = False
    tls_version: str | None = None
    tls_cipher: str | None = None
    tls_bits: int | None = None
    authenticated = False
    auth_user: str | None = None
    envelope_from: str | None = None
    local_uid: str | None = None
    software: str | None = None
    by_ip: str | None = None
    kind_hint: ReceivedKind | None = None
    via: str | None = None


def _bits(text: str) -> int | None:
    digits = ""
    for ch in text:
        if "0" <= ch <= "9":
            digits += ch
        elif digits:
            break
    return int(digits) if digits else None


# Every comment _classify_comment understands contains one of these (case-insensitive).
_COMMENT_CUES = re.compile(
    r"envelope|qmail|userid|using|=|tls|ssl|encrypted|google|auth|via|client|orcpt|single-drop",
    re.I,
)


def _classify_comment(tok: _Tok, s: str, st: _State) -> bool:
    """Read a comment for TLS, authentication, envelope and local-delivery facts.

    Returns True when the comment was understood as one of those (so it is not software).
    """
    start, end = tok[1], tok[2]
    if _COMMENT_CUES.search(s, start, end) is None and s[start:end].isascii():
        return False  # none of the words below can occur ("(Postfix)", "(PDT)", "([ip])")
    kids = _words(tok[4])
    if not kids:
        return False
    words = [k[3] for k in kids if k[0] == _W]
    first = kids[0][3].lower() if kids[0][0] == _W else ""
    understood = False
    # Envelope sender: "(envelope-from <a@b>)", "(envelope-sender <a@b>)".
    if first in ("envelope-from", "envelope-sender") and len(kids) > 1:
        if st.envelope_from is None:
            st.envelope_from = kids[1][3].strip("<>") or None
        for k in kids[2:]:  # qmail-scanner: "(envelope-from <x>, uid 502)"
            if k[0] == _W and k[3] == "uid":
                st.kind_hint = "local"
        return True
    # qmail: "(qmail 19466 invoked by uid 109)", "(qmail 4012 invoked from network)".
    if first == "qmail" and "invoked" in words:
        st.kind_hint = "local"
        at = words.index("invoked")
        if words[at + 1 : at + 3] == ["by", "uid"] and len(words) > at + 3:
            st.local_uid = words[at + 3]
        return True
    # Postfix/Sendmail local: "(Postfix, from userid 0)".
    for j in range(len(words) - 2):
        if words[j] == "from" and words[j + 1] == "userid":
            st.local_uid = words[j + 2]
            st.kind_hint = "local"
            if st.software is None and j > 0:
                st.software = words[0]
            return True
    lw = [w.lower() for w in words]
    # TLS, Postfix: "using TLSv1.3 with cipher X (256/256 bits)".
    if first == "using" and len(words) > 1:
        st.tls_seen = True
        st.tls_version = words[1]
        if "cipher" in lw:
            at = lw.index("cipher")
            if at + 1 < len(words):
                st.tls_cipher = words[at + 1]
        for k in kids:
            if k[0] == _C:
                st.tls_bits = _bits(s[k[1] : k[2]])
                break
        return True
    # TLS, key=value (Sendmail, Gmail, Exchange): "version=TLSv1.3 cipher=X bits=256".
    kv: dict[str, str] = {}
    for w in words:
        key, eq, val = w.partition("=")
        if eq:
            kv[key.lower()] = val
    if "version" in kv or "cipher" in kv:
        st.tls_seen = True
        st.tls_version = st.tls_version or kv.get("version") or None
        st.tls_cipher = st.tls_cipher or kv.get("cipher") or None
        if "bits" in kv:
            st.tls_bits = _bits(kv["bits"])
        understood = True
    # TLS, Exim: "(TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256)", "(TLS1.3)".
    if len(words) == 1 and words[0][:3].upper() in ("TLS", "SSL"):
        parts = words[0].split(":")
        st.tls_seen = True
        st.tls_version = parts[0]
        if len(parts) > 1:
            st.tls_cipher = parts[1] or None
        if len(parts) > 2:
            st.tls_bits = _bits(parts[2])
        return True
    # TLS, Exim 4.0x-4.6x: "(Cipher TLSv1:DES-CBC3-SHA:168)" (the word "Cipher", then
    # version:cipher:bits as the later "(TLS1.2:...:256)" form writes them).
    if len(words) == 2 and lw[0] == "cipher" and words[1][:3].upper() in ("TLS", "SSL"):
        parts = words[1].split(":")
        st.tls_seen = True
        st.tls_version = parts[0]
        if len(parts) > 1:
            st.tls_cipher = parts[1] or None
        if len(parts) > 2:
            st.tls_bits = _bits(parts[2])
        return True
    # "(X encrypted)" / "(TLS_AES_256_GCM_SHA384 encrypted, authenticated)".
    if "encrypted" in lw:
        at = lw.index("encrypted")
        st.tls_seen = True
        if at > 0:
            st.tls_cipher = st.tls_cipher or words[at - 1]
        if "authenticated" in lw:
            st.authenticated = True
        return True
    if lw[:3] == ["google", "transport", "security"]:
        st.tls_seen = True
        return True
    # Authentication.
    if first == "authenticated":
        st.authenticated = True
        if len(lw) > 2 and lw[1] in ("as", "sender:"):
            st.auth_user = words[2]
        return True
    if first == "auth:":
        st.authenticated = True
        if len(words) > 2:
            st.auth_user = words[2]
        if "ssl:" in lw:
            st.tls_seen = True
            at = lw.index("ssl:")
            rest = words[at + 1 :]
            if rest:
                st.tls_version = rest[0]
            if len(rest) > 1:
                st.tls_bits = _bits(rest[1])
            if len(rest) > 2:
                st.tls_cipher = rest[2]
        return True
    if len(lw) >= 4 and lw[1:4] == ["authenticated", "user"]:  # SquirrelMail / NaSMail
        st.authenticated = True
        st.kind_hint = "http"
        st.auth_user = words[4] if len(words) > 4 else None
        return True
    if first == "via" and len(words) > 1:  # web.de "(via HTTP)"
        st.via = st.via or " ".join(words[1:])
        if words[1].upper() == "HTTP":
            st.kind_hint = "http"
        return True
    if lw[:3] in (["no", "client", "certificate"], ["client", "did", "not"]):
        st.tls_seen = True
        return True
    if first in ("orcpt", "single-drop"):
        return True
    return understood


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
    return _new_received(
        raw=value,
        from_helo=None,
        from_rdns=None,
        from_ip=None,
        from_port=None,
        by_host=by_host,
        via=None,
        protocol=None,
        id=msg_id or None,
        for_addr=for_addr or None,
        envelope_from=None,
        tls=None,
        authenticated=False,
        date=date,
        relay=False,
        defects=log.defects,
        header_name=header_name,
        kind="local",
        from_ident=None,
        by_ip=by_got[0] if by_got is not None else None,
        software=sw,
        auth_user=None,
        local_uid=m.group("uid"),
        comments=tuple(comments),
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
    return _new_received(
        raw=value,
        from_helo=None,
        from_rdns=None,
        from_ip=None,
        from_port=None,
        by_host=None,
        via=None,
        protocol=None,
        id=None,
        for_addr=None,
        envelope_from=None,
        tls=None,
        authenticated=False,
        date=date,
        relay=False,
        defects=log.defects,
        header_name=header_name,
        kind="local",
        from_ident=None,
        by_ip=None,
        software=None,
        auth_user=None,
        local_uid=m.group("uid"),
        comments=(m.group("c"),),
    )


# The alternatives of _COMMENT_CUES, most frequent first.
_CUE_WORDS = (
    "=", "tls", "ssl", "auth", "via", "using", "envelope", "qmail", "userid", "encrypted",
    "google", "client", "orcpt", "single-drop",
)  # fmt: skip


def _fast_comment_ok(s: str, start: int, end: int) -> bool:
    """Whether the general reader reads nothing from the comment ``s[start:end]``.

    ``_COMMENT_CUES`` finds nothing in ASCII text exactly when no cue is a substring of the
    lower-cased text (for ASCII, case-insensitive matching is matching the lower case);
    substring tests are several times faster than the case-insensitive alternation.
    """
    c = s[start:end]
    if not c.isascii():
        return False
    low = c.lower()
    for cue in _CUE_WORDS:  # noqa: SIM110 (a loop: all() over a generator is slower)
        if cue in low:
            return False
    return True


@functools.lru_cache(maxsize=1024)
def _proto_facts(proto: str | None) -> tuple[bool, bool, ReceivedKind | None]:
    """What a ``with`` protocol says (RFC 3848): authenticated, TLS, and the hop kind it
    implies whatever the peer (local delivery or a POP/IMAP fetch), for the fast path."""
    proto_up = (proto or "").upper()
    bare = proto_up.replace("UTF8", "")
    authenticated = proto_up == "ASMTP" or (
        proto_up.endswith(("SA", "A")) and bare.endswith(("SMTPA", "SMTPSA", "LMTPA", "LMTPSA"))
    )
    tls_seen = bare.endswith(("SMTPS", "SMTPSA", "LMTPS", "LMTPSA"))
    plow = proto_up.lower()
    kind: ReceivedKind | None = None
    if plow.startswith(_LOCAL_WITH):
        kind = "local"
    elif plow.startswith(_FETCH):
        kind = "fetch"
    return authenticated, tls_seen, kind


@functools.lru_cache(maxsize=4096)
def _quiet_comment(c: str) -> bool:
    """``_fast_comment_ok`` of a whole comment (the same few software comments recur)."""
    return _fast_comment_ok(c, 0, len(c))


# The comment groups of ``_FAST`` in field order: (group number, whether the general reader
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
    helo, rdns_w, cip, tip, by, proto = m.group("helo", "rdns", "cip", "tip", "by", "proto")
    msg_id, fa, fw, helo_eq, dt, lf = m.group("id", "fa", "fw", "heq", "dt", "lf")
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
    rdns: str | None = None
    bip = m.group("bip")
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
    by_got = normalize_ip(by_host)
    date_text = m.group("date").strip()
    date: DateValue | None = None
    defects: tuple[Defect, ...] = ()
    if date_text:
        date = parse_date_at(date_text, header_index)
        if date.datetime is None:
            log = IndexedLog(header_index)
            log.add("received.invalid_date", f"unreadable date {date_text[:60]!r}")
            defects = log.defects
    else:
        log = IndexedLog(header_index)
        log.add("received.no_date", "no date-time in the field")
        defects = log.defects
    authenticated, tls_seen, proto_kind = _proto_facts(proto)
    kind: ReceivedKind = "network"
    if proto_kind is not None:
        kind = proto_kind
    elif ip is None:
        kind = "local"
    elif _loopback(ip):
        kind = "loopback"
    elif proto is not None and proto[:4].lower() == "http":  # webmail submission
        kind = "http"
    for_addr = fa if fa is not None else fw
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
        for_addr=for_addr or None,
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


def parse_received(value: str) -> Received:
    """Parse one Received (or X-Received) field value, folded or not (RFC 5321 section 4.4).

    Never raises: what cannot be read is recorded in ``defects`` and left ``None``. See the
    module docstring and docs/hops.md for the layouts read and the normalisations applied.
    Only a ``value`` that is not a ``str`` raises (``TypeError``).
    """
    if not isinstance(value, str):
        raise wrong_type("parse_received(value)", "str", value)
    return parse_received_at(value, None)


def parse_received_at(
    value: str, header_index: int | None, header_name: str = "Received"
) -> Received:
    """:func:`parse_received` for the field at ``header_index`` (defects carry the index)."""
    fast = _fast_received(value, header_index, header_name)
    if fast is not None:
        return fast
    return _parse_general(value, header_index, header_name)


def _parse_general(value: str, header_index: int | None, header_name: str) -> Received:
    """The general reader: tokens, clauses, then the rules of each clause."""
    log = IndexedLog(header_index)
    s = value
    if len(s) > MAX_RECEIVED_CHARS:
        log.add("received.too_long", f"field longer than {MAX_RECEIVED_CHARS} characters")
        s = s[:MAX_RECEIVED_CHARS]
    # 1. Where is the date? After the last top-level ';' (or, without one, a trailing run).
    date_text: str | None = None
    clause_toks: list[_Tok]
    trailing: list[_Tok] = []
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
            log.add("received.empty", "the Received field is empty")
            # Rare, so the constructor fills the remaining fields with their defaults.
            return _new_received(
                raw=value,
                relay=False,
                defects=log.defects,
                header_name=header_name,
                kind="local",
            )
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

    # 2. Split into clauses at top-level keywords.
    clauses: dict[str, list[_Tok]] = {}
    order: list[str] = []
    leading: list[_Tok] = []
    current: list[_Tok] | None = None
    envelope_from_clause: str | None = None
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
            order.append(key)
            continue
        if current is None:
            leading.append(t)
        else:
            current.append(t)
    if "_envfrom" in clauses:
        for t in clauses["_envfrom"]:
            if t[0] in (_A, _W):
                envelope_from_clause = t[3]
                break

    st = _State()
    # Leading comment that is itself a from clause: "(from KRYPTIK [70.20.57.51]) by ...".
    for t in leading:
        if t[0] == _C:
            kids = t[4]
            if "from" not in clauses and kids and kids[0][0] == _W and kids[0][3].lower() == "from":
                clauses["from"] = kids[1:]
            else:
                _classify_comment(t, s, st)
        elif t[0] not in (_M,):
            log.add("received.unparsed_clause", f"text outside any clause: {t[3][:40]!r}")
            break

    # 3. by / with / id / for / via.
    by_host: str | None = None
    for t in clauses.get("by", ()):
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

    protocol_words: list[str] = []
    with_toks = clauses.get("with", [])
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
    protocol = " ".join(protocol_words) or None

    for key in ("id", "for", "via", "_envfrom"):
        for t in clauses.get(key, ()):
            understood = t[0] == _C and _classify_comment(t, s, st)
            if t[0] == _C and not understood and st.software is None and key == "id":
                st.software = " ".join(s[t[1] + 1 : t[2] - 1].split()) or None
    for t in date_comments:
        _classify_comment(t, s, st)

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

    # 4. The date.
    date: DateValue | None = None
    if date_text is not None and date_text.strip():
        date = parse_date_at(date_text.strip(), header_index)
        if date.datetime is None:
            log.add("received.invalid_date", f"unreadable date {date_text.strip()[:60]!r}")
    else:
        log.add("received.no_date", "no date-time in the field")
    if by_host is None and clauses:
        log.add("received.no_by", "no 'by' clause")

    # 5. Protocol-derived facts (RFC 3848: ESMTPS/ESMTPA/ESMTPSA/UTF8SMTPSA ...).
    proto_up = (protocol or "").upper()
    if proto_up.endswith(("SA", "A")) and proto_up.replace("UTF8", "").endswith(
        ("SMTPA", "SMTPSA", "LMTPA", "LMTPSA")
    ):
        st.authenticated = True
    if proto_up in ("ASMTP",):
        st.authenticated = True
    if proto_up.replace("UTF8", "").endswith(("SMTPS", "SMTPSA", "LMTPS", "LMTPSA")):
        st.tls_seen = True

    # 6. Relay or local hand-off.
    kind: ReceivedKind = "network"
    plow = (protocol or "").lower()
    if st.kind_hint == "local" or plow.startswith(_LOCAL_WITH):
        kind = "local"
    elif plow.startswith(_FETCH):
        kind = "fetch"
    elif info.ip is None:
        kind = "local"
    elif _loopback(info.ip):
        kind = "loopback"
    elif plow.startswith("http") or st.kind_hint == "http" or (via or "").upper() == "HTTP":
        kind = "http"
    relay = kind in ("network", "http")

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
        relay=relay,
        defects=log.defects,
        header_name=header_name,
        kind=kind,
        from_ident=info.ident,
        by_ip=st.by_ip,
        software=st.software,
        auth_user=st.auth_user,
        local_uid=st.local_uid,
        comments=tuple([s[t[1] : t[2]] for t in toks if t[0] == _C]),
    )
