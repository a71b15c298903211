"""What the words of a Received field mean: keywords, IP forms, protocols, TLS and authentication.

Knowledge shared by the fast path (``headerlens.hops._fast``) and the general reader
(``headerlens.hops._general``): the clause keywords, how MTAs write IPs, what a ``with``
protocol implies (RFC 3848), and the comments that report TLS, authentication, the envelope
sender or a local submission (Postfix, Sendmail, Exim, qmail, Gmail, Exchange, ...; see
docs/hops.md).
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import re

from headerlens._text import ascii_digits
from headerlens.hops._tokens import _C, _W, _Tok, _words
from headerlens.hops.models import ReceivedKind

__all__ = [
    "_DAYNAMES",
    "_FETCH",
    "_KEYWORDS",
    "_KEYWORD_SPELLINGS",
    "_LOCAL_WITH",
    "_MONTHS",
    "_NO_RDNS",
    "_State",
    "_classify_comment",
    "_fast_comment_ok",
    "_loopback",
    "_proto_facts",
    "_quiet_comment",
    "normalize_ip",
]

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
    if _local_comment(first, kids, words, st):
        return True
    lw = [w.lower() for w in words]
    if first == "using" and len(words) > 1:
        _tls_using(kids, words, lw, s, st)
        return True
    understood = _tls_key_values(words, st)
    return _tls_comment(words, lw, st) or _auth_comment(first, words, lw, st) or understood


def _local_comment(first: str, kids: list[_Tok], words: list[str], st: _State) -> bool:
    """The envelope sender, or a local hand-off (qmail, ``from userid``)."""
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
    return False


def _tls_using(kids: list[_Tok], words: list[str], lw: list[str], s: str, st: _State) -> None:
    """TLS, Postfix: "using TLSv1.3 with cipher X (256/256 bits)"."""
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


def _tls_key_values(words: list[str], st: _State) -> bool:
    """TLS, key=value (Sendmail, Gmail, Exchange): "version=TLSv1.3 cipher=X bits=256"."""
    kv: dict[str, str] = {}
    for w in words:
        key, eq, val = w.partition("=")
        if eq:
            kv[key.lower()] = val
    if "version" not in kv and "cipher" not in kv:
        return False
    st.tls_seen = True
    st.tls_version = st.tls_version or kv.get("version") or None
    st.tls_cipher = st.tls_cipher or kv.get("cipher") or None
    if "bits" in kv:
        st.tls_bits = _bits(kv["bits"])
    return True


def _tls_comment(words: list[str], lw: list[str], st: _State) -> bool:
    """TLS in Exim's, Exchange's and Google's words."""
    # TLS, Exim: "(TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256)", "(TLS1.3)".
    # TLS, Exim 4.0x-4.6x: "(Cipher TLSv1:DES-CBC3-SHA:168)" (the word "Cipher", then
    # version:cipher:bits as the later form writes them).
    exim = (
        words[0] if len(words) == 1 else words[1] if len(words) == 2 and lw[0] == "cipher" else ""
    )
    if exim[:3].upper() in ("TLS", "SSL"):
        parts = exim.split(":")
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
    return False


def _auth_comment(first: str, words: list[str], lw: list[str], st: _State) -> bool:
    """Authentication (SMTP AUTH, RFC 4954; webmail), ``via``, and client-certificate notes."""
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
    return first in ("orcpt", "single-drop")


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
