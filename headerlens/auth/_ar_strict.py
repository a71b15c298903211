"""Does an Authentication-Results value parse under the strict grammar? (RFC 8601 section 2.2)

``AuthResultsHeader.conformant`` has always meant "the authres package (RFC 8601 parser)
accepts the value". authres re-slices the remaining text after every token, which makes it
quadratic in the length of the value and about a millisecond per field; this module reads
the same grammar the same way, token for token (the same patterns, case-insensitive, the same
order of alternatives, the same leniency inside result properties), with an index instead of
copies: linear, and equal to authres 1.2.0 on every Authentication-Results and
ARC-Authentication-Results field of the samples and corpora (``tests/auth/results``).

One limit is ours: comments nested more than :data:`MAX_NESTING` deep are refused (authres
refused them too, by running out of stack at a few hundred levels).
"""

from __future__ import annotations

import re

__all__ = ["MAX_NESTING", "strictly_conformant"]

#: Comments nested deeper than this make the value non-conformant.
MAX_NESTING = 200

_VALUE_CHAR = r"[A-Za-z0-9!#$%&'*+.^_`{|}~-]"  # RFC 2045 token character
_FWS = r"(?:[\t ]*(?:\r\n|\n))?[\t ]+"
_CTEXT = r"[\x21-\x27\x2a-\x5b\x5d-\x7e]"
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_QTEXT = r"[\x21\x23-\x5b\x5d-\x7e]"
_KTEXT = r"[A-Za-z0-9!#$%&'*+?^_`{|}~-]"  # atext without "/" and "="
_PTEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-]"


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


FWS = _p(_FWS)
CTEXT_RUN = _p(_CTEXT + "+")
QTEXT_RUN = _p(_QTEXT + "+")
QUOTED_PAIR = _p(r"\\[\t \x21-\x7e]")
DOT_ATOM = _p(f"{_ATEXT}+(?:\\.{_ATEXT}+)*")
DOT_KEY_ATOM = _p(f"{_KTEXT}+(?:\\.{_KTEXT}+)*")
KEY_ATOM = _p(_KTEXT + "+")
VALUE_RUN = _p(_VALUE_CHAR + "+")
PTEXT_RUN = _p(_PTEXT + "*")
DIGITS = _p(r"\d+")
_FWS_START = frozenset(" \t\r\n")
NONE = _p("none")
REASON = _p("reason")
_PTYPES = ("smtp", "header", "body", "policy")


class _Reject(Exception):
    """The value does not parse (authres: SyntaxError / UnsupportedVersionError)."""


class _Reader:
    """authres 1.2.0's AuthenticationResultsHeader parser, method for method, over an index.

    The order of calls matters (even the repeated CFWS reads: authres' CFWS reader stops
    looking for white space once it has seen some), so each method mirrors its authres
    counterpart, named in its docstring.
    """

    __slots__ = ("depth", "pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        m = pattern.match(self.text, self.pos)
        if m is not None:
            self.pos = m.end()
        return m

    def fws(self) -> re.Match[str] | None:
        """FWS, tried only where it can start (most positions cannot: no regex call)."""
        if self.text[self.pos : self.pos + 1] in _FWS_START:
            return self.take(FWS)
        return None

    def char(self, c: str) -> bool:
        if self.text.startswith(c, self.pos):
            self.pos += 1
            return True
        return False

    # RFC 5322 pieces ------------------------------------------------------------

    def cfws(self) -> bool:
        """``_parse_rfc5322_cfws``: its "or" stops reading FWS once some was seen."""
        fws = False
        comment = True
        while comment:
            fws = fws or self.fws() is not None
            comment = self.comment()
        fws = fws or self.fws() is not None
        return fws or comment

    def comment(self) -> bool:
        """``_parse_rfc5322_comment`` (nesting capped at :data:`MAX_NESTING`)."""
        if not self.char("("):
            return False
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _Reject("comments nested too deeply")
        while self.fws() is not None or self.ccontent():
            pass
        if not self.char(")"):
            raise _Reject('comment: expected FWS or ccontent or ")"')
        self.depth -= 1
        return True

    def ccontent(self) -> bool:
        """``_parse_rfc5322_ccontent``."""
        if self.take(CTEXT_RUN) is not None or self.take(QUOTED_PAIR) is not None:
            return True
        return self.comment()

    def quoted_string(self) -> str | None:
        """``_parse_rfc5322_quoted_string``: the content, or ``None`` without a quote."""
        self.cfws()
        if not self.char('"'):
            return None
        parts: list[str] = []
        more = True
        while more:
            fws = self.fws()
            if fws is not None:
                parts.append(fws.group())
            m = self.take(QTEXT_RUN) or self.take(QUOTED_PAIR)
            more = m is not None
            if m is not None:
                parts.append(m.group())
        self.fws()
        if not self.char('"'):
            raise _Reject('Expected <">')
        self.cfws()
        return "".join(parts)

    def atom(self, pattern: re.Pattern[str]) -> str | None:
        """``_parse_rfc5322_dot_atom`` / ``_parse_dot_key_atom`` / ``_parse_key_atom``."""
        self.cfws()
        m = self.take(pattern)
        self.cfws()
        return m.group() if m is not None else None

    # RFC 8601 -------------------------------------------------------------------

    def header(self) -> None:
        """``_parse`` and ``_parse_end``."""
        if not self.atom(DOT_ATOM):  # authserv-id
            raise _Reject("Expected authserv-id")
        self.cfws()
        version = self.take(DIGITS)  # _parse_version
        self.cfws()
        if version is not None and version.group() != "1":
            raise _Reject("Unsupported version")
        self.cfws()
        count = 0
        while True:
            result = self.resinfo()
            if result is None:
                break
            count += 1
            if result == "none":
                break
        if not count:
            raise _Reject('Expected "none" or at least one resinfo')
        self.cfws()
        if self.pos != len(self.text):
            raise _Reject("Expected end of text")

    def resinfo(self) -> str | None:
        """``_parse_resinfo``: ``None`` (no more), ``"none"`` or ``"result"``."""
        self.cfws()
        if not self.char(";"):
            return None
        self.cfws()
        if self.take(NONE) is not None:
            return "none"
        self.methodspec()
        self.cfws()
        self.reasonspec()
        more = True
        while more:
            start = self.pos
            try:
                self.cfws()
                more = self.propspec()
            except _Reject:
                # authres swallows errors inside properties and carries on from where
                # reading stopped (always after consuming something).
                more = self.pos != start
        return "result"

    def methodspec(self) -> None:
        """``_parse_methodspec`` with ``_parse_method``."""
        self.cfws()
        if not self.atom(DOT_KEY_ATOM):
            raise _Reject("Expected method")
        self.cfws()
        if self.char("/"):
            self.cfws()
            if self.take(DIGITS) is None:
                raise _Reject("Expected version")
        self.cfws()
        if not self.char("="):
            raise _Reject('Expected "="')
        self.cfws()
        if not self.atom(DOT_ATOM):
            raise _Reject("Expected result")

    def reasonspec(self) -> None:
        """``_parse_reasonspec`` with ``_parse_rfc2045_value``."""
        if self.take(REASON) is None:
            return
        self.cfws()
        if not self.char("="):
            raise _Reject('Expected "="')
        self.cfws()
        m = self.take(VALUE_RUN)
        if not (m.group() if m is not None else self.quoted_string()):
            raise _Reject("Expected reason")

    def propspec(self) -> bool:
        """``_parse_propspec``: ``False`` when no property starts here."""
        ptype = self.atom(KEY_ATOM)
        if not ptype:
            return False
        if ptype.lower() not in _PTYPES:
            self.cfws()
            self.char(".")
            self.cfws()
            self.atom(DOT_KEY_ATOM)
            self.char("=")
            self.pvalue()
            raise _Reject("Invalid ptype")
        self.cfws()
        if not self.char("."):
            raise _Reject('Expected "."')
        self.cfws()
        name = self.atom(DOT_KEY_ATOM)
        self.cfws()
        if not self.char("="):
            raise _Reject('Expected "="')
        if self.pvalue() is None:
            raise _Reject("Expected pvalue")
        if name is None:
            raise _Reject("property without a name")  # authres: AttributeError, swallowed
        return True

    def pvalue(self) -> str | None:
        """``_parse_pvalue``: the value, or ``None``."""
        self.cfws()
        quoted = self.quoted_string()
        if quoted:
            if self.char("@"):
                domain = self.atom(DOT_ATOM)
                self.cfws()
                return f'"{quoted}"@{domain}' if domain else None
            self.cfws()
            rest = self.text[self.pos : self.pos + 1]
            return quoted if rest in (";", "") else None
        if self.char("@"):
            domain = self.atom(DOT_ATOM)
            self.cfws()
            return "@" + domain if domain else None
        m = self.take(PTEXT_RUN)
        self.cfws()
        return m.group() if m is not None else None


def strictly_conformant(value: str) -> bool:
    """Whether ``value`` (an Authentication-Results value, without ``i=N;`` for an AAR)
    parses under RFC 8601's grammar as authres 1.2.0 reads it."""
    reader = _Reader(value.rstrip("\r\n\t "))
    try:
        reader.header()
    except _Reject:
        return False
    return True
