"""SPF record syntax: RFC 7208 section 12's collected ABNF, checked before anything runs.

A record is parsed whole first (RFC 7208 4.6: any syntax error anywhere is a ``permerror``,
even in a term that would never be reached): directives with their qualifiers, dual CIDR
lengths and domain-specs, the ``redirect=`` and ``exp=`` modifiers, and every macro-string
(section 7.1). The evaluator in :mod:`headerlens.checks.spf` runs what this module returns.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal

from headerlens.checks._dns import IPAddress
from headerlens.checks.models import SpfResult

__all__ = [
    "ALNUM",
    "QUALIFIERS",
    "Directive",
    "Fail",
    "Record",
    "is_spf_record",
    "parse_macro",
    "parse_record",
    "perm",
    "scan_macro_string",
]

QUALIFIERS: dict[str, SpfResult] = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
_MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
_MACRO_LETTERS = frozenset("slodiphv")
_EXP_LETTERS = frozenset("crt")
_DELIMITERS = frozenset(".-+,/_=")
ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_MODIFIER_NAME_REST = ALNUM | frozenset("-_.")


class Fail(Exception):
    """Ends the evaluation with ``permerror`` or ``temperror`` (never leaves the SPF evaluation)."""

    def __init__(self, result: Literal["permerror", "temperror"], reason: str, detail: str):
        super().__init__(detail)
        self.result: Literal["permerror", "temperror"] = result
        self.reason = reason
        self.detail = detail


def perm(reason: str, detail: str) -> Fail:
    return Fail("permerror", reason, detail)


# --- record syntax (RFC 7208 section 12, collected ABNF) -----------------------------------


@dataclass(frozen=True)
class Directive:
    text: str
    qualifier: str
    name: str
    domain_spec: str | None = None
    cidr4: int | None = None
    cidr6: int | None = None
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None


@dataclass(frozen=True)
class Record:
    directives: tuple[Directive, ...]
    redirect: str | None
    exp: str | None


def scan_macro_string(text: str, *, exp_letters: bool, spaces: bool) -> bool:
    """Check a macro-string (RFC 7208 7.1); return whether it ends with a macro-expand.

    Raises a permerror on anything outside the grammar: a bad ``%`` sequence, an unknown
    macro letter, a transformer digit of 0, a character outside %x21-7E (or SP in
    explanation text).
    """
    i, n = 0, len(text)
    ends_with_macro = False
    while i < n:
        c = text[i]
        if c == "%":
            nxt = text[i + 1] if i + 1 < n else ""
            if nxt in ("%", "_", "-"):
                i += 2
                ends_with_macro = True
                continue
            if nxt != "{":
                raise perm("syntax_error", f"invalid macro {text[i : i + 2]!r} in {text!r}")
            close = text.find("}", i + 2)
            if close < 0:
                raise perm("syntax_error", f"unterminated macro in {text!r}")
            parse_macro(text[i + 2 : close], exp_letters=exp_letters, whole=text)
            i = close + 1
            ends_with_macro = True
            continue
        if not ("\x21" <= c <= "\x7e" or (spaces and c == " ")):
            raise perm("syntax_error", f"character {c!r} is not allowed in {text!r}")
        ends_with_macro = False
        i += 1
    return ends_with_macro


def parse_macro(body: str, *, exp_letters: bool, whole: str) -> tuple[str, int, bool, str]:
    """``letter [digits] [r] [delimiters]`` -> (letter, digits or 0, reverse, delimiters)."""
    if not body:
        raise perm("syntax_error", f"empty macro in {whole!r}")
    letter = body[0]
    low = letter.lower()
    if low not in _MACRO_LETTERS and not (exp_letters and low in _EXP_LETTERS):
        where = "outside explanation text" if low in _EXP_LETTERS else ""
        raise perm("syntax_error", f"macro letter {letter!r} not allowed {where}".rstrip())
    j = 1
    while j < len(body) and body[j].isascii() and body[j].isdigit():
        j += 1
    digits = int(body[1:j]) if j > 1 else 0
    if j > 1 and digits == 0:
        raise perm("syntax_error", f"macro transformer 0 in {whole!r}")
    reverse = j < len(body) and body[j] in "rR"
    if reverse:
        j += 1
    delimiters = body[j:]
    if any(d not in _DELIMITERS for d in delimiters):
        raise perm("syntax_error", f"invalid macro delimiter in {whole!r}")
    return low, digits, reverse, delimiters


def _toplabel_ok(label: str) -> bool:
    """RFC 7208 toplabel: ``*alphanum ALPHA *alphanum`` or
    ``1*alphanum "-" *( alphanum / "-" ) alphanum``."""
    if not label or any(c not in ALNUM and c != "-" for c in label):
        return False
    if "-" not in label:
        return any(c.isalpha() for c in label)
    return label[0] != "-" and label[-1] != "-"


def _check_domain_spec(spec: str) -> None:
    """RFC 7208 ``domain-spec = macro-string domain-end``, where ``domain-end`` is
    ``"." toplabel [ "." ]`` or a macro-expand."""
    if not spec:
        raise perm("syntax_error", "empty domain-spec")
    if scan_macro_string(spec, exp_letters=False, spaces=False):
        return
    body = spec[:-1] if spec.endswith(".") else spec
    dot = body.rfind(".")
    if dot < 0 or not _toplabel_ok(body[dot + 1 :]):
        raise perm("syntax_error", f"{spec!r} does not end in a valid top-level label")


def _cidr(text: str, limit: int) -> int:
    # ip4-cidr-length = "/" ( "0" / %x31-39 0*1DIGIT ); ip6: 0*2DIGIT, at most 128
    if not text or not text.isascii() or not text.isdigit() or (len(text) > 1 and text[0] == "0"):
        raise perm("syntax_error", f"invalid CIDR length /{text}")
    value = int(text)
    if value > limit:
        raise perm("syntax_error", f"CIDR length /{text} is over {limit}")
    return value


def _split_dual_cidr(rest: str) -> tuple[str, int | None, int | None]:
    """Take ``[/n][//m]`` off the end of a mechanism argument (only digit runs count)."""
    cidr4 = cidr6 = None
    j = len(rest)
    while j > 0 and rest[j - 1].isascii() and rest[j - 1].isdigit():
        j -= 1
    if j < len(rest) and rest[:j].endswith("//"):
        cidr6 = _cidr(rest[j:], 128)
        rest = rest[: j - 2]
        j = len(rest)
        while j > 0 and rest[j - 1].isascii() and rest[j - 1].isdigit():
            j -= 1
    if j < len(rest) and rest[:j].endswith("/") and not rest[:j].endswith("//"):
        cidr4 = _cidr(rest[j:], 32)
        rest = rest[: j - 1]
    return rest, cidr4, cidr6


def _parse_directive(term: str) -> Directive:
    qualifier = "+"
    body = term
    if body[:1] in QUALIFIERS:
        qualifier, body = body[0], body[1:]
    cut = len(body)
    for k, c in enumerate(body):
        if c in ":/":
            cut = k
            break
    name, rest = body[:cut].lower(), body[cut:]
    if name not in _MECHANISMS:
        raise perm("syntax_error", f"unknown mechanism {term!r}")
    if name == "all":
        if rest:
            raise perm("syntax_error", f"'all' takes no argument: {term!r}")
        return Directive(term, qualifier, name)
    if name in ("ip4", "ip6"):
        return _parse_ip_directive(term, qualifier, name, rest)
    cidr4 = cidr6 = None
    if name in ("a", "mx"):
        rest, cidr4, cidr6 = _split_dual_cidr(rest)
    spec: str | None = None
    if rest:
        if not rest.startswith(":"):
            raise perm("syntax_error", f"invalid argument in {term!r}")
        spec = rest[1:]
        _check_domain_spec(spec)
    elif name in ("include", "exists"):
        raise perm("syntax_error", f"{name!r} needs a domain: {term!r}")
    return Directive(term, qualifier, name, spec, cidr4, cidr6)


def _parse_ip_directive(term: str, qualifier: str, name: str, rest: str) -> Directive:
    if not rest.startswith(":"):
        raise perm("syntax_error", f"{name!r} needs an address: {term!r}")
    value = rest[1:]
    addr, slash, length = value.partition("/")
    limit = 32 if name == "ip4" else 128
    prefix = _cidr(length, limit) if slash else limit
    try:
        if name == "ip4":
            if not addr or any(c not in "0123456789." for c in addr):
                raise ValueError(addr)
            ip: IPAddress = ipaddress.IPv4Address(addr)
        else:
            if not addr or any(c not in "0123456789abcdefABCDEF:." for c in addr):
                raise ValueError(addr)
            ip = ipaddress.IPv6Address(addr)
        network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    except ValueError:
        raise perm("syntax_error", f"invalid address in {term!r}") from None
    return Directive(term, qualifier, name, network=network)


def parse_record(record: str) -> Record:
    """Parse a whole record first (RFC 7208 4.6: any syntax error is a permerror)."""
    directives: list[Directive] = []
    redirect: str | None = None
    exp: str | None = None
    seen_redirect = seen_exp = False
    for term in record[6:].split(" "):
        if not term:
            continue
        eq = term.find("=")
        is_modifier = (
            eq > 0
            and term[0].isascii()
            and term[0].isalpha()
            and all(c in _MODIFIER_NAME_REST for c in term[1:eq])
        )
        if not is_modifier:
            directives.append(_parse_directive(term))
            continue
        name, value = term[:eq].lower(), term[eq + 1 :]
        if name == "redirect":
            if seen_redirect:
                raise perm("syntax_error", "more than one redirect= modifier")
            _check_domain_spec(value)
            seen_redirect, redirect = True, value
        elif name == "exp":
            if seen_exp:
                raise perm("syntax_error", "more than one exp= modifier")
            _check_domain_spec(value)
            seen_exp, exp = True, value
        else:  # unknown modifiers are ignored, but must be well-formed (RFC 7208 6)
            scan_macro_string(value, exp_letters=True, spaces=False)
    return Record(tuple(directives), redirect, exp)


def is_spf_record(text: str) -> bool:
    return text[:6].lower() == "v=spf1" and (len(text) == 6 or text[6] == " ")
