"""Received-SPF fields (RFC 7208 section 9.1), read tolerantly in one linear pass.

``Received-SPF: pass (example.org: domain of a@example.com designates 192.0.2.1 as permitted
sender) client-ip=192.0.2.1; envelope-from="a@example.com"; helo=mx.example.com;``
"""

from __future__ import annotations

from headerlens.auth.models import ReceivedSpf
from headerlens.auth.results import _COMMENT, _EQ, _QSTR, _SEMI, _WORD, _scan, _Tok
from headerlens.defects import DefectLog
from headerlens.errors import check_text_args

__all__ = ["SPF_RESULTS", "parse_received_spf"]

SPF_RESULTS = frozenset(("pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"))
# Pre-RFC 7208 names (RFC 4408 used "error" and "unknown" in early drafts and software).
_OLD_RESULTS = {"error": "temperror", "unknown": "permerror"}

_KEYS = {
    "client-ip": "client_ip",
    "envelope-from": "envelope_from",
    "helo": "helo",
    "receiver": "receiver",
    "identity": "identity",
    "mechanism": "mechanism",
    "problem": "problem",
}


def parse_received_spf(value: str, *, header_index: int = 0) -> ReceivedSpf:
    """Read one Received-SPF value (RFC 7208 section 9.1) into :class:`ReceivedSpf`.

    ``result`` is lower-cased (``None`` when the value does not start with one; a defect
    is recorded); ``comment`` is the first comment; the ``key=value`` pairs are kept in
    order in ``pairs`` and the registered keys (client-ip, envelope-from, helo, receiver,
    identity, mechanism, problem) also get their own fields. Never raises on malformed
    input; a wrong argument type raises ``TypeError``.
    """
    check_text_args("parse_received_spf", value, header_index)
    log = DefectLog()
    repairs: list[str] = []
    text = value
    colon = text.find(":")
    if colon > 0 and text[:colon].strip().lower() == "received-spf":
        text = text[colon + 1 :]
    toks = _scan(text, log, repairs, header_index)
    # The tokenizer records auth.results_* defects; for Received-SPF they mean the same
    # problems (unclosed comment, stray ')'), so they are kept as they are.
    result = _result(toks, log, header_index)
    comment, pairs, fields = _key_values(toks, 1 if result is not None else 0)
    return ReceivedSpf(
        header_index=header_index,
        result=result,
        comment=comment,
        pairs=tuple(pairs),
        defects=log.defects,
        **fields,
    )


def _result(toks: list[_Tok], log: DefectLog, header_index: int) -> str | None:
    """The leading result word (RFC 7208 section 9.1), lower-cased, old names mapped."""
    n = len(toks)
    if n and toks[0].kind == _WORD and not (n > 1 and toks[1].kind == _EQ):
        word = toks[0].text.lower()
        result = _OLD_RESULTS.get(word, word)
        if result not in SPF_RESULTS:
            log.add(
                "auth.received_spf_malformed",
                f"{toks[0].text!r} is not an SPF result",
                header_index,
            )
        return result
    log.add("auth.received_spf_malformed", "the value does not start with a result", header_index)
    return None


def _key_values(
    toks: list[_Tok], start: int
) -> tuple[str | None, list[tuple[str, str]], dict[str, str]]:
    """The first comment, the ``key=value`` pairs in order and the registered keys."""
    comment: str | None = None
    pairs: list[tuple[str, str]] = []
    fields: dict[str, str] = {}
    i = start
    n = len(toks)
    while i < n:
        t = toks[i]
        if t.kind == _COMMENT:
            if comment is None:
                comment = t.text
            i += 1
            continue
        if t.kind == _WORD and i + 1 < n and toks[i + 1].kind == _EQ:
            key = t.text.lower()
            val, i = _value(toks, i + 2)
            pairs.append((key, val))
            attr = _KEYS.get(key)
            if attr is not None and attr not in fields:
                fields[attr] = val
            continue
        if t.kind != _SEMI:
            pairs.append(("", t.text))
        i += 1
    return comment, pairs, fields


def _value(toks: list[_Tok], first: int) -> tuple[str, int]:
    """The value starting at ``first``: adjacent tokens joined (one quoted string alone is
    its content); returns it and the index after it."""
    n = len(toks)
    j = first
    parts: list[str] = []
    single_q: str | None = None
    while j < n and toks[j].kind in (_WORD, _QSTR, _EQ) and (j == first or not toks[j].ws_before):
        tk = toks[j]
        parts.append(tk.text if tk.kind != _QSTR else '"' + tk.text + '"')
        if tk.kind == _QSTR and j == first:
            single_q = tk.text
        j += 1
    val = single_q if (single_q is not None and j - first == 1) else "".join(parts)
    return val, j
