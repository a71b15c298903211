"""Does an (ARC-)Authentication-Results value follow the strict grammar? (RFC 8601 section 2.2)

``AuthResultsHeader.conformant`` means "the value parses under the strict RFC 8601 grammar".
This module decides it from the ABNF itself, one method per grammar rule:

- RFC 8601 section 2.2: ``authres-payload``, ``no-result``, ``resinfo``, ``methodspec``,
  ``reasonspec``, ``propspec``, ``method``, ``pvalue``, ``authres-version``; there
  ``authserv-id = value``, ``result = Keyword``, ``ptype = Keyword`` and ``property =
  special-smtp-verb / Keyword``;
- RFC 5322 section 3.2.2 (``FWS``, ``comment``, ``CFWS``), 3.2.4 (``quoted-string``) and 3.4.1
  (``local-part`` as ``dot-atom`` or ``quoted-string``); the ``obs-`` forms are not accepted;
- RFC 2045 section 5.1: ``value = token / quoted-string``, a token holding none of the
  tspecials ``( ) < > @ , ; : \\ " / [ ] ? =``;
- RFC 5321 section 4.1.2: ``Keyword = Ldh-str`` (letters, digits and ``-``, not ending in
  ``-``); RFC 6376 section 3.5: ``domain-name = sub-domain 1*("." sub-domain)``;
- RFC 8617 section 4.1.1 for ARC-Authentication-Results: ``arc-info = instance [CFWS] ";"
  authres-payload``, the instance being ``i=`` and 1 to 50 (section 4.2.1).

Where the text leaves room, the choice is documented at its rule: a line break in FWS is
CRLF or LF (a field read from an LF-only file keeps LF); the authres-version must be 1
(RFC 8601 defines version 1 and no other); the grammar is 7-bit ASCII (RFC 8601 does not
invoke RFC 6532's UTF-8 extension).

Every rule reads forward from an index and never backs up: character runs are single-class
regular expressions (one class repeated, so no backtracking is possible) and comments nest
by a counter, not by recursion. The check is linear in the length of the value at any
nesting depth, so no nesting cap is needed. A value that does not parse gives a
:class:`Nonconformance`: where reading stopped, the rule, and what it expected there.
"""

from __future__ import annotations

import re
from typing import NamedTuple, NoReturn

__all__ = ["Nonconformance", "check_strict", "strictly_conformant"]

# One character class each, repeated: a match cannot backtrack.
_WSP_RUN = re.compile(r"[ \t]+")
# RFC 5322 3.2.2 ctext: %d33-39 / %d42-91 / %d93-126 (no "(", ")", "\")
_CTEXT_RUN = re.compile(r"[\x21-\x27\x2a-\x5b\x5d-\x7e]+")
# RFC 5322 3.2.4 qtext: %d33 / %d35-91 / %d93-126 (no DQUOTE, no "\")
_QTEXT_RUN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
# RFC 2045 5.1 token: US-ASCII CHAR except SPACE, CTLs and tspecials
_TOKEN_RUN = re.compile(r"[\x21\x23-\x27\x2a\x2b\x2d\x2e\x30-\x39\x41-\x5a\x5e-\x7e]+")
# RFC 5322 3.2.3 atext, and ".": what a dot-atom-text or a token is made of
_WORD_RUN = re.compile(r"[\x21\x23-\x27\x2a\x2b\x2d-\x39\x3d\x3f\x41-\x5a\x5e-\x7e]+")
# RFC 5321 4.1.2 Ldh-str characters
_LDH_RUN = re.compile(r"[A-Za-z0-9-]+")
_DIGITS = re.compile(r"[0-9]+")

_LDH = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")
_WORD = frozenset("!#$%&'*+-./0123456789=?^_`{|}~") | _LDH
_VCHAR_WSP = frozenset(chr(c) for c in range(0x21, 0x7F)) | {" ", "\t"}
_TSPECIALS_IN_ATEXT = frozenset("/=?")  # atext characters that a token may not hold
# What may follow a token or a domain-name inside a value: white space, a comment, ";", end.
_AFTER_VALUE = frozenset(" \t\r\n(;")
_FWS_START = frozenset(" \t\r\n")
# What may follow a Keyword: the above, and the "." "/" "=" that the rules put after one.
_AFTER_KEYWORD = _AFTER_VALUE | {".", "/", "="}

_ARC_MAX_INSTANCE = 50  # RFC 8617 section 4.2.1


class Nonconformance(NamedTuple):
    """Why a value is not conformant: the offset where reading stopped (in the text given to
    :func:`check_strict`), the ABNF rule being read there, and what it expected."""

    offset: int
    rule: str
    expected: str

    def describe(self, text: str) -> str:
        """One sentence for an analyst: the position, the text found there, the rule."""
        body = _field_body(text)
        found = body[self.offset : self.offset + 24]
        where = "its end" if not found else repr(found)
        if len(body) - self.offset > 24:
            where += "..."
        return f"at character {self.offset} of the value ({where}): expected {self.expected}"


class _Stop(Exception):
    """Reading stopped: the value does not follow the grammar."""

    def __init__(self, found: Nonconformance) -> None:
        super().__init__(found)
        self.found = found


class _Reader:
    """Reads one value forward, rule by rule; a rule that cannot match raises :class:`_Stop`."""

    __slots__ = ("n", "pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.n = len(text)

    # ------------------------------------------------------------------- primitives

    def stop(self, rule: str, expected: str, at: int | None = None) -> NoReturn:
        raise _Stop(Nonconformance(self.pos if at is None else at, rule, expected))

    def peek(self) -> str:
        return self.text[self.pos : self.pos + 1]

    def expect(self, char: str, rule: str, expected: str) -> None:
        if self.text.startswith(char, self.pos):
            self.pos += 1
        else:
            self.stop(rule, expected)

    def at_keyword(self) -> bool:
        return self.pos < self.n and self.text[self.pos] in _LDH

    def line_break(self, pos: int) -> int:
        """Length of the line break at ``pos``: CRLF, or LF as kept by an LF-only file."""
        if self.text.startswith("\r\n", pos):
            return 2
        return 1 if self.text.startswith("\n", pos) else 0

    # ------------------------------------------------------------- RFC 5322 lexical

    def fws(self) -> bool:
        """``FWS = ([*WSP CRLF] 1*WSP)`` (RFC 5322 section 3.2.2); whether any was read.
        ``obs-FWS`` (a blank folded line, a line break without WSP after it) is refused."""
        text, start = self.text, self.pos
        if text[start : start + 1] not in _FWS_START:
            return False
        pos = start
        m = _WSP_RUN.match(text, pos)
        if m is not None:
            pos = m.end()
        brk = self.line_break(pos)
        if brk:
            m = _WSP_RUN.match(text, pos + brk)
            if m is None:
                self.stop("FWS", "white space after a line break (RFC 5322 3.2.2)", pos)
            pos = m.end()
            if self.line_break(pos):
                self.stop("FWS", "text after a fold: no blank folded line (RFC 5322 3.2.2)", pos)
        elif text.startswith("\r", pos):
            self.stop("FWS", "CR only as part of a CRLF line break (RFC 5322 2.2)", pos)
        self.pos = pos
        return pos > start

    def quoted_pair(self) -> None:
        """``quoted-pair = "\\" (VCHAR / WSP)`` (RFC 5322 section 3.2.1), at a backslash."""
        if self.text[self.pos + 1 : self.pos + 2] not in _VCHAR_WSP:
            self.stop("quoted-pair", "a printable character or WSP after '\\' (RFC 5322 3.2.1)")
        self.pos += 2

    def comment(self) -> None:
        """``comment = "(" *([FWS] ccontent) [FWS] ")"``, ``ccontent = ctext / quoted-pair /
        comment`` (RFC 5322 section 3.2.2), at an opening parenthesis.

        Nesting is counted, not recursed: linear at any depth.
        """
        text = self.text
        depth = 0
        while True:
            c = text[self.pos : self.pos + 1]
            if c == "(":
                depth += 1
                self.pos += 1
            elif c == ")":
                depth -= 1
                self.pos += 1
                if depth == 0:
                    return
            elif c == "\\":
                self.quoted_pair()
            elif c and c in " \t\r\n":
                self.fws()
            else:
                m = _CTEXT_RUN.match(text, self.pos)
                if m is None:
                    what = "')' to close the comment" if not c else "printable ASCII (ctext)"
                    self.stop("comment", f"{what} (RFC 5322 section 3.2.2)")
                self.pos = m.end()

    def cfws(self) -> bool:
        """``CFWS = (1*([FWS] comment) [FWS]) / FWS`` (RFC 5322 section 3.2.2); whether any
        was read."""
        start = self.pos
        while True:
            self.fws()
            if not self.text.startswith("(", self.pos):
                return self.pos > start
            self.comment()

    def quoted_string(self) -> None:
        """``DQUOTE *([FWS] qcontent) [FWS] DQUOTE`` (RFC 5322 section 3.2.4; the CFWS
        around it is read by the caller), at the opening quote."""
        text = self.text
        self.pos += 1
        while True:
            c = text[self.pos : self.pos + 1]
            if c == '"':
                self.pos += 1
                return
            if c == "\\":
                self.quoted_pair()
            elif c and c in " \t\r\n":
                self.fws()
            else:
                m = _QTEXT_RUN.match(text, self.pos)
                if m is None:
                    what = "'\"' to close it" if not c else "printable ASCII (qtext)"
                    self.stop("quoted-string", f"{what} (RFC 5322 section 3.2.4)")
                self.pos = m.end()

    def dot_atom_text(self, start: int, end: int) -> None:
        """``dot-atom-text = 1*atext *("." 1*atext)`` (RFC 5322 section 3.2.3) over
        ``text[start:end]``, already known to hold atext and ``.`` only."""
        word = self.text[start:end]
        if word.startswith(".") or word.endswith(".") or ".." in word:
            self.stop(
                "local-part", "a dot-atom or a quoted-string before '@' (RFC 5322 3.4.1)", start
            )

    # -------------------------------------------------------- values and names

    def token_end(self, what: str) -> None:
        """After a token inside a value only white space, a comment, ``;`` or the end may
        come: any other character is one a token cannot hold (RFC 2045 section 5.1)."""
        c = self.peek()
        if c and c not in _AFTER_VALUE:
            self.stop(
                "token",
                f"the end of {what}: {c!r} may not appear in a token (RFC 2045 section 5.1);"
                " such a value must be a quoted-string",
            )

    def value(self, what: str) -> None:
        """``value = token / quoted-string`` (RFC 2045 section 5.1)."""
        if self.peek() == '"':
            self.quoted_string()
            return
        m = _TOKEN_RUN.match(self.text, self.pos)
        if m is None:
            self.stop("value", f"{what}: a token or a quoted-string (RFC 2045 section 5.1)")
        self.pos = m.end()
        self.token_end(what)

    def keyword(self, what: str) -> str:
        """``Keyword = Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig`` (RFC 5321 4.1.2)."""
        m = _LDH_RUN.match(self.text, self.pos)
        if m is None:
            self.stop("Keyword", f"{what}: a Keyword (RFC 5321 section 4.1.2)")
        word = m.group()
        if word.endswith("-"):
            self.stop("Keyword", f"{what}: a Keyword ends in a letter or digit", m.end() - 1)
        self.pos = m.end()
        c = self.peek()
        if c in _WORD and c not in _AFTER_KEYWORD:
            self.stop("Keyword", f"{what}: a Keyword has letters, digits and '-' only")
        return word

    def domain_name(self) -> None:
        """``domain-name = sub-domain 1*("." sub-domain)`` (RFC 6376 section 3.5) with
        ``sub-domain = Let-dig [Ldh-str]`` (RFC 5321 section 4.1.2)."""
        labels = 0
        while True:
            m = _LDH_RUN.match(self.text, self.pos)
            if m is None or m.group().startswith("-") or m.group().endswith("-"):
                self.stop("domain-name", "a label: letters, digits, inner '-' (RFC 6376 3.5)")
            self.pos = m.end()
            labels += 1
            if self.peek() != ".":
                break
            self.pos += 1
        if labels < 2:
            self.stop("domain-name", "'.' and another label: two or more (RFC 6376 3.5)")
        c = self.peek()
        if c and c not in _AFTER_VALUE:
            self.stop("domain-name", f"the end of the domain-name, not {c!r} (RFC 6376 3.5)")

    # --------------------------------------------------------------- RFC 8601 2.2

    def pvalue(self) -> None:
        """``pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]``.

        A value with an ``@`` is an address: ``local-part`` (a dot-atom or a quoted-string,
        RFC 5322 section 3.4.1), ``@``, a ``domain-name``. Otherwise it is a token or a
        quoted-string (a domain-name alone is a token too).
        """
        self.cfws()
        c = self.peek()
        if c == '"':
            self.quoted_string()
            self.cfws()
            if self.peek() == "@":
                self.pos += 1
                self.domain_name()
        elif c == "@":
            self.pos += 1
            self.domain_name()
        else:
            m = _WORD_RUN.match(self.text, self.pos)
            if m is None:
                self.stop(
                    "pvalue",
                    "a property value: a token, a quoted-string or [local-part] '@'"
                    " domain-name (RFC 8601 section 2.2)",
                )
            start, end = m.start(), m.end()
            self.pos = end
            self.cfws()
            if self.peek() == "@":
                self.dot_atom_text(start, end)
                self.pos += 1
                self.domain_name()
            else:
                self.token_chars(start, end)
                if self.pos == end:
                    self.token_end("the property value")
        self.cfws()

    def token_chars(self, start: int, end: int) -> None:
        """``text[start:end]`` (atext and ``.``) read as an RFC 2045 token: no ``/ = ?``."""
        text = self.text
        for k in range(start, end):
            if text[k] in _TSPECIALS_IN_ATEXT:
                self.stop(
                    "token",
                    f"the end of the property value: {text[k]!r} may not appear in a token"
                    " (RFC 2045 section 5.1); such a value must be a quoted-string",
                    k,
                )

    def propspec(self, ptype: str, start: int) -> None:
        """``propspec = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue`` with ``ptype =
        Keyword`` and ``property = special-smtp-verb / Keyword``; the ptype, which began at
        ``start``, and the CFWS after it have been read."""
        if self.peek() == "=":
            if ptype.lower() == "reason":
                self.stop("resinfo", "no reason= after a property: it follows the result")
            self.stop(
                "propspec",
                "a ptype before the property name: ptype.property=value (RFC 8601 2.2)",
                start,
            )
        self.expect(".", "propspec", "'.' between the ptype and the property (RFC 8601 2.2)")
        self.cfws()
        self.keyword("a property name")
        self.cfws()
        self.expect("=", "propspec", "'=' after the property name (RFC 8601 section 2.2)")
        self.pvalue()

    def method(self) -> str:
        """``method = Keyword [ [CFWS] "/" [CFWS] method-version ]``, ``method-version =
        1*DIGIT [CFWS]``; returns the Keyword."""
        name = self.keyword("a method")
        self.cfws()
        if self.peek() == "/":
            self.pos += 1
            self.cfws()
            m = _DIGITS.match(self.text, self.pos)
            if m is None:
                self.stop("method-version", "the method version: digits (RFC 8601 2.2)")
            self.pos = m.end()
            self.cfws()
        return name

    def methodspec_rest(self) -> None:
        """``methodspec = [CFWS] method [CFWS] "=" [CFWS] result`` after the method, with
        ``result = Keyword``."""
        self.expect("=", "methodspec", "'=' after the method (RFC 8601 section 2.2)")
        self.cfws()
        self.keyword("a result")

    def resinfo_tail(self) -> None:
        """``[ CFWS reasonspec ] [ CFWS 1*propspec ]`` after the result, with ``reasonspec =
        "reason" [CFWS] "=" [CFWS] value``.

        The word ``reason`` and a ptype named ``reason`` differ by what follows them
        (``=`` or ``.``), seen once: nothing is read twice.
        """
        if not self.cfws() or not self.at_keyword():
            return
        start = self.pos
        word = self.keyword("a reason or a property")
        self.cfws()
        if word.lower() == "reason" and self.peek() == "=":
            self.pos += 1
            self.cfws()
            self.value("the reason")
            if not self.cfws() or not self.at_keyword():
                return
            start = self.pos
            word = self.keyword("a property")
            self.cfws()
        while True:
            self.propspec(word, start)
            if not self.at_keyword():
                return
            start = self.pos
            word = self.keyword("a property")
            self.cfws()

    def results(self) -> None:
        """``( no-result / 1*resinfo )`` with ``no-result = [CFWS] ";" [CFWS] "none"`` and
        ``resinfo = [CFWS] ";" methodspec ...``, then the end: "none" stands alone."""
        if self.peek() != ";":
            self.stop("resinfo", "';' and the first result, or '; none' (RFC 8601 2.2)")
        count = 0
        while self.peek() == ";":
            self.pos += 1
            self.cfws()
            start = self.pos
            word = self.method()
            if word.lower() == "none" and self.peek() != "=":
                if count or self.pos < self.n:
                    self.stop(
                        "no-result",
                        "'none' as the whole result list, never beside results (RFC 8601 2.2)",
                        start,
                    )
                return
            self.methodspec_rest()
            self.resinfo_tail()
            count += 1
        if self.pos < self.n:
            self.stop("resinfo", "';' and the next result, or the end (RFC 8601 section 2.2)")

    def authres_payload(self) -> None:
        """``authres-payload = [CFWS] authserv-id [ CFWS authres-version ] ( no-result /
        1*resinfo ) [CFWS] CRLF`` with ``authserv-id = value`` and ``authres-version =
        1*DIGIT [CFWS]``. The version must be 1: the one RFC 8601 defines."""
        self.cfws()
        m = _LDH_RUN.match(self.text, self.pos)
        if m is not None and self.text.startswith("=", m.end()):
            self.stop("authres-payload", "an authserv-id before the first result (RFC 8601 2.2)")
        self.value("the authserv-id")
        if self.cfws():
            m = _DIGITS.match(self.text, self.pos)
            if m is not None:
                if int(m.group()) != 1:
                    self.stop("authres-version", "version 1, the one RFC 8601 defines")
                self.pos = m.end()
                self.cfws()
        self.results()

    def arc_info(self) -> None:
        """``arc-info = instance [CFWS] ";" authres-payload`` (RFC 8617 section 4.1.1) after
        the field's ``[CFWS]``, with ``instance = [FWS] %x69 [FWS] "=" [FWS] 1*2DIGIT`` from
        1 to 50 (section 4.2.1)."""
        self.cfws()
        self.expect("i", "instance", "'i=' and the instance first (RFC 8617 section 4.1.1)")
        self.fws()
        self.expect("=", "instance", "'=' after 'i' (RFC 8617 section 4.2.1)")
        self.fws()
        m = _DIGITS.match(self.text, self.pos)
        if m is None or len(m.group()) > 2 or not 1 <= int(m.group()) <= _ARC_MAX_INSTANCE:
            self.stop("instance", "an instance from 1 to 50 (RFC 8617 section 4.2.1)")
        self.pos = m.end()
        self.cfws()
        self.expect(";", "arc-info", "';' after the instance (RFC 8617 section 4.1.1)")
        self.authres_payload()


def _field_body(value: str) -> str:
    """``value`` without the line break that ends the field (RFC 8601 2.2: ``... CRLF``)."""
    if value.endswith("\r\n"):
        return value[:-2]
    return value[:-1] if value.endswith("\n") else value


def check_strict(value: str, *, arc: bool = False) -> Nonconformance | None:
    """``None`` when ``value`` (a field body, without the field name) follows the strict
    grammar of RFC 8601 section 2.2 (with ``arc``, the ``arc-info`` of an
    ARC-Authentication-Results, RFC 8617 section 4.1.1); else where and why it does not.
    Linear in the length of ``value``; never raises."""
    reader = _Reader(_field_body(value))
    try:
        if arc:
            reader.arc_info()
        else:
            reader.authres_payload()
    except _Stop as stop:
        return stop.found
    return None


def strictly_conformant(value: str, *, arc: bool = False) -> bool:
    """Whether ``value`` follows the strict grammar (see :func:`check_strict`)."""
    return check_strict(value, arc=arc) is None
