"""The tokenizer of Received field values (RFC 5321 section 4.4, RFC 5322 section 3.2.2).

One left-to-right scan (linear time) cuts a value into words, nested comments (kept as a tree,
their children tokenized in the same pass), quoted strings, domain literals ``[...]``, angle
addresses ``<...>``, ``;`` and ``,``. The clause rules (``headerlens.hops._general``) and the
comment rules (``headerlens.hops._knowledge``) read these tokens; nothing here interprets them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeAlias

from headerlens.defects import DefectLog

__all__ = [
    "MAX_RECEIVED_CHARS",
    "_Tok",
    "_has_keyword",
    "_tok_text",
    "_tokenize",
    "_tokenize_split",
    "_words",
]

MAX_RECEIVED_CHARS = 256 * 1024
_MAX_TREE_DEPTH = 6  # comments nested deeper are scanned but not kept as tokens

# Token kinds.
_W, _C, _Q, _L, _A, _S, _M = range(7)  # word, comment, quoted, literal, angle, ';', ','


# A token: (kind, start offset, end offset, text, children); children only for comments.
# Plain tuples: cheaper to build and to index than a named tuple.
_Tok: TypeAlias = tuple[int, int, int, str, "Sequence[_Tok]"]


# The children of every non-comment token: an empty tuple (comments hold a list), so that such
# tokens hold only atomic values and the garbage collector stops tracking them; with a list
# here, long hostile values made the collector's passes grow with the value.
_NO_KIDS: Sequence[_Tok] = ()

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


def _words(toks: Sequence[_Tok]) -> list[_Tok]:
    return [t for t in toks if t[0] != _M]


def _tok_text(t: _Tok) -> str:
    if t[0] == _L:
        return f"[{t[3]}]"
    return t[3]
