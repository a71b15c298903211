"""Address lists (RFC 5322 section 3.4, obsolete forms of section 4.4) into :class:`Address`.

A hand-written linear scanner: one pass turns the text into tokens (atoms, quoted strings,
nested comments, domain literals, specials), a second walks the tokens. Nothing backtracks.
RFC 2047 encoded words in display names and comments are decoded here, so callers may pass the
field text before decoding (safer: an encoded comma or angle bracket then cannot change the
structure) or after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from headerlens._model import fast_constructor
from headerlens.defects import Defect, record
from headerlens.message import Address
from headerlens.parse._scan import read_angle, read_comment, read_literal, read_quoted
from headerlens.parse.encoded_words import decode_encoded_words

__all__ = ["domain_to_ascii", "parse_address_list"]

_SPECIALS = frozenset('<>@,;:"[]()')
_WS = frozenset(" \t\r\n")
# Single character-class runs: linear, nothing to backtrack over.
_ATOM_RUN = re.compile(r'[^ \t\r\n<>@,;:"\[\]()]+').match
_WS_RUN = re.compile(r"[ \t\r\n]+").match
_new_address = fast_constructor(Address)


@dataclass
class _Tok:
    kind: str  # "atom", "qs", "dl", "comment", "angle", or the special character itself
    text: str
    start: int
    end: int
    space_before: bool
    inner: list[_Tok] | None = None  # an angle address's tokens
    closed: bool = True  # whether an angle address has its ">"
    close_space: bool = False  # whether white space came before that ">"


def _tokenize(
    value: str, i: int, end: int, problems: list[str], *, in_angle: bool = False
) -> list[_Tok]:
    """Split ``value[i:end]`` into tokens, adding what was left open to ``problems``.

    An angle address is one token holding its own; inside one (``in_angle``) a ``<`` is a
    plain special character.
    """
    toks: list[_Tok] = []
    space = False
    while i < end:
        c = value[i]
        if c in _WS:
            space = True
            i = _WS_RUN(value, i).end()  # type: ignore[union-attr]
            continue
        start = i
        closed = True
        if c == '"':
            text, i, closed = read_quoted(value, i, drop_line_ends=True)
            if not closed:
                problems.append("unterminated quoted string")
            toks.append(_Tok("qs", text, start, i, space))
        elif c == "(":
            text, i, closed = read_comment(value, i)
            if not closed:
                problems.append("unterminated comment")
            toks.append(_Tok("comment", text, start, i, space))
        elif c == "[":
            text, i, closed = read_literal(value, i)
            if not closed:
                problems.append("unterminated domain literal")
            toks.append(_Tok("dl", text, start, i, space))
        elif c == "<" and not in_angle:
            stop, i, closed = read_angle(value, i)
            inner = _tokenize(value, start + 1, stop, problems, in_angle=True)
            close_space = closed and stop > start + 1 and value[stop - 1] in _WS
            toks.append(_Tok("angle", "", start, i, space, inner, closed, close_space))
        elif c in _SPECIALS:
            toks.append(_Tok(c, c, start, i + 1, space))
            i += 1
        else:
            i = _ATOM_RUN(value, i).end()  # type: ignore[union-attr]
            toks.append(_Tok("atom", value[start:i], start, i, space))
        space = False
    return toks


def domain_to_ascii(domain: str) -> str | None:
    """The IDNA A-label form of ``domain`` (RFC 5890/3490 via the stdlib codec), lower-cased.

    Domain literals (``[192.0.2.1]``) are returned lower-cased as they are. ``None`` when the
    name cannot be converted.
    """
    d = domain.strip().rstrip(".")
    if not d:
        return None
    if d.startswith("["):
        return d.lower()
    if d.isascii():
        return d.lower()
    try:
        return d.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def _phrase_words(toks: list[_Tok], words: list[str]) -> None:
    """Append the text of phrase tokens (all but comments) to ``words``, spaced as written;
    an angle address counts as its brackets and the phrase tokens inside."""
    for t in toks:
        kind = t.kind
        if kind == "comment":
            continue
        if words and t.space_before:
            words.append(" ")
        if kind == "angle":
            words.append("<")
            _phrase_words(t.inner or [], words)
            if t.closed:
                words.append(" >" if t.close_space else ">")
        else:
            words.append(t.text)


def _phrase(toks: list[_Tok]) -> str | None:
    """Join phrase tokens (atoms and quoted strings) into a display name, decoding RFC 2047."""
    words: list[str] = []
    _phrase_words(toks, words)
    text = "".join(words).strip()
    if not text:
        return None
    if "=?" in text:
        text = decode_encoded_words(text)[0]
    return text


def _comment_name(toks: list[_Tok]) -> str | None:
    for t in toks:
        if t.kind == "comment" and t.text.strip():
            text = t.text.strip()
            return decode_encoded_words(text)[0] if "=?" in text else text
    return None


def _embedded_addresses(name: str) -> list[str]:
    """Addresses written inside a display name (``"ceo@bank.example" <x@evil.test>``)."""
    out: list[str] = []
    if "@" not in name:
        return out
    cleaned = name
    for ch in "<>()\"',;[]":
        cleaned = cleaned.replace(ch, " ")
    for word in cleaned.split():
        if "@" in word:
            local, _, dom = word.rpartition("@")
            dom = dom.rstrip(".")
            if local and "." in dom:
                out.append(f"{local}@{dom}".lower())
    return out


class _Builder:
    def __init__(self, value: str, header_index: int | None, strict: bool) -> None:
        self.value = value
        self.header_index = header_index
        self.strict = strict
        self.out: list[Address] = []

    def defect(self, code: str, message: str) -> Defect:
        return record(code, message, self.header_index, strict=self.strict)

    def mailbox(self, toks: list[_Tok], group: str | None, problems: list[str]) -> bool:
        """Turn the tokens of one mailbox (between commas) into an Address.

        Returns whether ``problems`` (the tokenizer's, for the whole value) were reported
        here; an empty slot (``, ,``) leaves them for the next mailbox that has tokens.
        """
        if not toks:
            return False
        real = [t for t in toks if t.kind != "comment"]
        if not real and not problems:
            return False
        raw = self.value[toks[0].start : toks[-1].end].strip()
        defects: list[Defect] = [
            self.defect("address.unparseable", f"{p} in {raw!r}") for p in problems
        ]
        lt = next((i for i, t in enumerate(toks) if t.kind == "angle"), None)
        display: str | None
        if lt is not None:
            angle = toks[lt]
            inner = angle.inner or []
            after = toks[lt + 1 :]
            if not angle.closed:
                defects.append(self.defect("address.unparseable", f"no '>' in {raw!r}"))
            if any(t.kind != "comment" for t in after):
                defects.append(self.defect("address.unparseable", f"text after '>' in {raw!r}"))
            display = _phrase(toks[:lt])
            inner_real = [t for t in inner if t.kind != "comment"]
            colon = next((i for i, t in enumerate(inner_real) if t.kind == ":"), None)
            if colon is not None and inner_real and inner_real[0].kind == "@":
                defects.append(self.defect("address.obsolete_route", f"source route in {raw!r}"))
                inner_real = inner_real[colon + 1 :]
            if not inner_real:  # "<>": the null reverse path (RFC 5321 section 4.5.5)
                local = domain = None
            else:
                local, domain, ok = _addr_spec(inner_real)
                if not ok:
                    defects.append(self.defect("address.unparseable", f"not an addr-spec: {raw!r}"))
        else:
            display = None
            local, domain, ok = _addr_spec(real)
            if not ok:
                defects.append(self.defect("address.unparseable", f"not a mailbox: {raw!r}"))
            if ok:
                display = _comment_name(toks)
        domain_ascii: str | None = None
        if domain is not None:
            domain_ascii = domain_to_ascii(domain)
            if domain_ascii is None:
                defects.append(
                    self.defect("address.invalid_domain", f"no IDNA form for {domain!r}")
                )
        if display and local is not None and domain is not None:
            real_addr = f"{local}@{domain_ascii or domain}".lower()
            for embedded in _embedded_addresses(display):
                if embedded != real_addr and embedded != f"{local}@{domain}".lower():
                    defects.append(
                        self.defect(
                            "address.display_name_spoof",
                            f"display name {display!r} shows {embedded}"
                            f" but the address is {local}@{domain}",
                        )
                    )
                    break
        self.out.append(
            _new_address(
                raw=raw,
                display_name=display,
                local_part=local,
                domain=domain,
                domain_ascii=domain_ascii,
                group=group,
                defects=tuple(defects),
            )
        )
        return True


def _addr_spec(toks: list[_Tok]) -> tuple[str | None, str | None, bool]:
    """``local-part "@" domain`` from tokens (obsolete CFWS around dots tolerated)."""
    at = None
    for i in range(len(toks) - 1, -1, -1):
        if toks[i].kind == "@":
            at = i
            break
    if at is None:
        text = "".join(t.text for t in toks if t.kind in ("atom", "qs")).strip()
        return (text or None), None, False
    local_toks = toks[:at]
    dom_toks = toks[at + 1 :]
    ok = bool(local_toks) and bool(dom_toks)
    local_parts: list[str] = []
    for t in local_toks:
        if t.kind == "qs":
            needs_quote = any(ch in _SPECIALS or ch in _WS or ch == "\\" for ch in t.text)
            local_parts.append(f'"{t.text}"' if needs_quote or not t.text else t.text)
        elif t.kind == "atom":
            local_parts.append(t.text)
        else:
            ok = False
            local_parts.append(t.text)
    dom_parts: list[str] = []
    for t in dom_toks:
        if t.kind in ("atom", "dl"):
            dom_parts.append(t.text)
        else:
            ok = False
    local = "".join(local_parts) or None
    domain = "".join(dom_parts) or None
    if local is None or domain is None:
        ok = False
    return local, domain, ok


def parse_address_list(
    value: str, *, header_index: int | None = None, strict: bool = False
) -> tuple[Address, ...]:
    """Parse an address-list field body (RFC 5322 section 3.4) into :class:`Address` models.

    Handles display names (RFC 2047 decoded), groups (``group`` set on each member), quoted
    local parts, nested comments, obsolete routes (``<@a,@b:user@c>``, RFC 5322 section 4.4),
    addresses without angle brackets, the ``user@host (Name)`` comment form and the null path
    ``<>`` of Return-Path (RFC 5321 section 4.4). Each address carries its own defects
    (``address.unparseable``, ``address.display_name_spoof``, ``address.invalid_domain``,
    ``address.obsolete_route``), all with ``header_index``. Never raises, except under
    ``strict``: then the first defect raises :class:`~headerlens.errors.DefectError`.
    """
    problems: list[str] = []
    toks = _tokenize(value, 0, len(value), problems)
    b = _Builder(value, header_index, strict)
    group: str | None = None
    current: list[_Tok] = []
    current_has_at = False  # tracked, not searched, so hostile runs of ':' stay linear
    for t in toks:
        k = t.kind
        if k == "@" or (k == "angle" and any(x.kind == "@" for x in t.inner or ())):
            current_has_at = True
        elif k == ",":
            if b.mailbox(current, group, problems):
                problems = []
            current = []
            current_has_at = False
            continue
        elif k == ":" and group is None and not current_has_at:
            group = _phrase(current) or ""
            current = []
            continue
        elif k == ";" and group is not None:
            if b.mailbox(current, group, problems):
                problems = []
            current = []
            current_has_at = False
            group = None
            continue
        current.append(t)
    # (The tokenizer's problems always come with a token, so some mailbox reports them.)
    b.mailbox(current, group, problems)
    return tuple(b.out)
