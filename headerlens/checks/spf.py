"""SPF evaluation: RFC 7208 ``check_host()`` through a :class:`~headerlens.resolvers.Resolver`.

Implemented here rather than with pyspf: pyspf sends every query through a module-level
function (``spf.DNSLookup``) and keeps its limits and default explanations in module globals,
so routing it through a caller's resolver means patching process-wide state, which is neither
thread-safe nor compatible with "same input, same report". Written from the RFC; conformance
is measured with the openspf test suite (``tests/checks/test_spf_conformance.py``).

What it follows, by section of RFC 7208:

- 4.3 initial processing (a malformed or single-label domain gives ``none``; an empty local
  part is ``postmaster``); 4.4/4.5 record lookup and selection (TXT only; several ``v=spf1``
  records are a permerror); 4.6 syntax checked for the whole record before anything is
  evaluated; 4.6.4 limits: 10 terms that query DNS, 10 MX names per ``mx``, 10 PTR names per
  ``ptr``, 2 void lookups;
- 5 every mechanism, with dual CIDR lengths and IPv4-mapped IPv6 clients treated as IPv4;
- 6 ``redirect=`` (only when nothing matched; the target's explanation replaces ours) and
  ``exp=`` (only for ``fail``; any DNS or syntax problem gives no explanation, not an error;
  its lookups count towards no limit);
- 7 macros, with ``c``, ``r`` and ``t`` in explanation text only, URL-escaping of upper-case
  macro letters, transformers, delimiters, and truncation of long names from the left.

The ``%{i}`` expansion of an IPv6 address writes the nibbles in upper case, as the openspf
suite expects (DNS names are case-insensitive, so only explanation text can tell).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

from headerlens._clock import Clock
from headerlens.checks._dns import (
    FAILED,
    NO_DATA,
    CheckResolver,
    IPAddress,
    ip_address,
    reverse_name,
)
from headerlens.checks.models import SpfCheck, SpfResult, SpfStep
from headerlens.errors import wrong_type
from headerlens.policy import Policy, policy_or_default
from headerlens.resolvers import DnsLookup, OfflineResolver

__all__ = ["check_spf", "evaluate_spf"]

MAX_DNS_TERMS = 10  # RFC 7208 4.6.4
MAX_VOID_LOOKUPS = 2  # RFC 7208 4.6.4 (SHOULD, default 2)
MAX_MX_NAMES = 10  # RFC 7208 4.6.4
MAX_PTR_NAMES = 10  # RFC 7208 4.6.4
MAX_STEPS = 200  # the trace is for people; the limits above bound the work anyway

_QUALIFIERS: dict[str, SpfResult] = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
_MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
_MACRO_LETTERS = frozenset("slodiphv")
_EXP_LETTERS = frozenset("crt")
_DELIMITERS = frozenset(".-+,/_=")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_MODIFIER_NAME_REST = _ALNUM | frozenset("-_.")


class _Fail(Exception):
    """Ends the evaluation with ``permerror`` or ``temperror`` (never leaves this module)."""

    def __init__(self, result: Literal["permerror", "temperror"], reason: str, detail: str):
        super().__init__(detail)
        self.result: Literal["permerror", "temperror"] = result
        self.reason = reason
        self.detail = detail


def _perm(reason: str, detail: str) -> _Fail:
    return _Fail("permerror", reason, detail)


# --- record syntax (RFC 7208 section 12, collected ABNF) -----------------------------------


@dataclass(frozen=True)
class _Directive:
    text: str
    qualifier: str
    name: str
    domain_spec: str | None = None
    cidr4: int | None = None
    cidr6: int | None = None
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None


@dataclass(frozen=True)
class _Record:
    directives: tuple[_Directive, ...]
    redirect: str | None
    exp: str | None


def _scan_macro_string(text: str, *, exp_letters: bool, spaces: bool) -> bool:
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
                raise _perm("syntax_error", f"invalid macro {text[i : i + 2]!r} in {text!r}")
            close = text.find("}", i + 2)
            if close < 0:
                raise _perm("syntax_error", f"unterminated macro in {text!r}")
            _parse_macro(text[i + 2 : close], exp_letters=exp_letters, whole=text)
            i = close + 1
            ends_with_macro = True
            continue
        if not ("\x21" <= c <= "\x7e" or (spaces and c == " ")):
            raise _perm("syntax_error", f"character {c!r} is not allowed in {text!r}")
        ends_with_macro = False
        i += 1
    return ends_with_macro


def _parse_macro(body: str, *, exp_letters: bool, whole: str) -> tuple[str, int, bool, str]:
    """``letter [digits] [r] [delimiters]`` -> (letter, digits or 0, reverse, delimiters)."""
    if not body:
        raise _perm("syntax_error", f"empty macro in {whole!r}")
    letter = body[0]
    low = letter.lower()
    if low not in _MACRO_LETTERS and not (exp_letters and low in _EXP_LETTERS):
        where = "outside explanation text" if low in _EXP_LETTERS else ""
        raise _perm("syntax_error", f"macro letter {letter!r} not allowed {where}".rstrip())
    j = 1
    while j < len(body) and body[j].isascii() and body[j].isdigit():
        j += 1
    digits = int(body[1:j]) if j > 1 else 0
    if j > 1 and digits == 0:
        raise _perm("syntax_error", f"macro transformer 0 in {whole!r}")
    reverse = j < len(body) and body[j] in "rR"
    if reverse:
        j += 1
    delimiters = body[j:]
    if any(d not in _DELIMITERS for d in delimiters):
        raise _perm("syntax_error", f"invalid macro delimiter in {whole!r}")
    return low, digits, reverse, delimiters


def _toplabel_ok(label: str) -> bool:
    """RFC 7208 toplabel: ``*alphanum ALPHA *alphanum`` or
    ``1*alphanum "-" *( alphanum / "-" ) alphanum``."""
    if not label or any(c not in _ALNUM and c != "-" for c in label):
        return False
    if "-" not in label:
        return any(c.isalpha() for c in label)
    return label[0] != "-" and label[-1] != "-"


def _check_domain_spec(spec: str) -> None:
    """RFC 7208 ``domain-spec = macro-string domain-end``, where ``domain-end`` is
    ``"." toplabel [ "." ]`` or a macro-expand."""
    if not spec:
        raise _perm("syntax_error", "empty domain-spec")
    if _scan_macro_string(spec, exp_letters=False, spaces=False):
        return
    body = spec[:-1] if spec.endswith(".") else spec
    dot = body.rfind(".")
    if dot < 0 or not _toplabel_ok(body[dot + 1 :]):
        raise _perm("syntax_error", f"{spec!r} does not end in a valid top-level label")


def _cidr(text: str, limit: int) -> int:
    # ip4-cidr-length = "/" ( "0" / %x31-39 0*1DIGIT ); ip6: 0*2DIGIT, at most 128
    if not text or not text.isascii() or not text.isdigit() or (len(text) > 1 and text[0] == "0"):
        raise _perm("syntax_error", f"invalid CIDR length /{text}")
    value = int(text)
    if value > limit:
        raise _perm("syntax_error", f"CIDR length /{text} is over {limit}")
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


def _parse_directive(term: str) -> _Directive:
    qualifier = "+"
    body = term
    if body[:1] in _QUALIFIERS:
        qualifier, body = body[0], body[1:]
    cut = len(body)
    for k, c in enumerate(body):
        if c in ":/":
            cut = k
            break
    name, rest = body[:cut].lower(), body[cut:]
    if name not in _MECHANISMS:
        raise _perm("syntax_error", f"unknown mechanism {term!r}")
    if name == "all":
        if rest:
            raise _perm("syntax_error", f"'all' takes no argument: {term!r}")
        return _Directive(term, qualifier, name)
    if name in ("ip4", "ip6"):
        return _parse_ip_directive(term, qualifier, name, rest)
    cidr4 = cidr6 = None
    if name in ("a", "mx"):
        rest, cidr4, cidr6 = _split_dual_cidr(rest)
    spec: str | None = None
    if rest:
        if not rest.startswith(":"):
            raise _perm("syntax_error", f"invalid argument in {term!r}")
        spec = rest[1:]
        _check_domain_spec(spec)
    elif name in ("include", "exists"):
        raise _perm("syntax_error", f"{name!r} needs a domain: {term!r}")
    return _Directive(term, qualifier, name, spec, cidr4, cidr6)


def _parse_ip_directive(term: str, qualifier: str, name: str, rest: str) -> _Directive:
    if not rest.startswith(":"):
        raise _perm("syntax_error", f"{name!r} needs an address: {term!r}")
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
        raise _perm("syntax_error", f"invalid address in {term!r}") from None
    return _Directive(term, qualifier, name, network=network)


def _parse_record(record: str) -> _Record:
    """Parse a whole record first (RFC 7208 4.6: any syntax error is a permerror)."""
    directives: list[_Directive] = []
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
                raise _perm("syntax_error", "more than one redirect= modifier")
            _check_domain_spec(value)
            seen_redirect, redirect = True, value
        elif name == "exp":
            if seen_exp:
                raise _perm("syntax_error", "more than one exp= modifier")
            _check_domain_spec(value)
            seen_exp, exp = True, value
        else:  # unknown modifiers are ignored, but must be well-formed (RFC 7208 6)
            _scan_macro_string(value, exp_letters=True, spaces=False)
    return _Record(tuple(directives), redirect, exp)


def _is_spf_record(text: str) -> bool:
    return text[:6].lower() == "v=spf1" and (len(text) == 6 or text[6] == " ")


# --- the evaluator ------------------------------------------------------------------------


@dataclass
class _Outcome:
    result: SpfResult
    reason: str
    detail: str
    mechanism: str | None = None
    mechanism_domain: str | None = None
    explanation: str | None = None
    record: str | None = None


@dataclass
class _Evaluator:
    dns: CheckResolver
    ip: IPAddress
    sender: str
    local: str
    sender_domain: str
    helo: str
    receiver: str
    now: Callable[[], dt.datetime]
    lookups: int = 0
    voids: int = 0
    used: list[DnsLookup] = field(default_factory=list)
    steps: list[SpfStep] = field(default_factory=list)
    _validated: tuple[str, ...] | None = None
    _counting: bool = True

    # -- DNS -------------------------------------------------------------------------------

    def _ask(self, name: str, rdtype: str, *, void: bool = True) -> DnsLookup | None:
        """Look up ``name``; ``None`` if the name cannot be asked (bad labels). Counts voids."""
        name = name.rstrip(".")
        labels = name.split(".")
        if not name or len(name) > 253 or any(not 0 < len(label) <= 63 for label in labels):
            return None
        lookup = self.dns.resolve(name, rdtype)
        if not any(u is lookup for u in self.used):
            self.used.append(lookup)
        if void and self._counting and lookup.outcome in NO_DATA:
            self.voids += 1
            if self.voids > MAX_VOID_LOOKUPS:
                raise _perm(
                    "void_lookup_limit",
                    f"more than {MAX_VOID_LOOKUPS} lookups found nothing"
                    f" (the last: {rdtype} {name})",
                )
        return lookup

    def _require(self, lookup: DnsLookup | None) -> DnsLookup | None:
        """Turn a failed lookup into temperror (RFC 7208 section 5)."""
        if lookup is not None and lookup.outcome in FAILED:
            raise _temp_for(lookup)
        return lookup

    def _count_term(self, term: str) -> None:
        self.lookups += 1
        if self.lookups > MAX_DNS_TERMS:
            raise _perm(
                "lookup_limit",
                f"more than {MAX_DNS_TERMS} DNS-querying terms (include, a, mx, ptr, exists,"
                f" redirect); the 11th was {term!r}",
            )

    def _addresses(self, name: str) -> tuple[IPAddress, ...]:
        rdtype = "A" if self.ip.version == 4 else "AAAA"
        lookup = self._require(self._ask(name, rdtype))
        if lookup is None or lookup.outcome != "answer":
            return ()
        out: list[IPAddress] = []
        for r in lookup.records:
            ip = ip_address(r) if r.isascii() else None
            if ip is not None and ip.version == self.ip.version:
                out.append(ip)
        return tuple(out)

    def _in(self, addrs: tuple[IPAddress, ...], d: _Directive) -> bool:
        prefix = (
            (d.cidr4 if d.cidr4 is not None else 32)
            if self.ip.version == 4
            else (d.cidr6 if d.cidr6 is not None else 128)
        )
        for a in addrs:
            net = ipaddress.ip_network(f"{a}/{prefix}", strict=False)
            if self.ip in net:
                return True
        return False

    def _validated_names(self) -> tuple[str, ...]:
        """Validated PTR names of the client (RFC 7208 5.5), at most 10 PTR names tried."""
        if self._validated is not None:
            return self._validated
        lookup = self._ask(reverse_name(self.ip), "PTR")
        names: list[str] = []
        if lookup is not None and lookup.outcome == "answer":
            for ptr in lookup.records[:MAX_PTR_NAMES]:
                target = ptr.strip().rstrip(".")
                try:
                    addrs = self._addresses(target)
                except _Fail as exc:
                    if exc.result == "temperror":  # a DNS error skips that name (5.5)
                        continue
                    raise
                if self.ip in addrs:
                    names.append(target.lower())
        self._validated = tuple(names)
        return self._validated

    # -- macros (RFC 7208 section 7) -------------------------------------------------------

    def _macro_value(self, letter: str, domain: str) -> str:
        if letter == "s":
            return self.sender
        if letter == "l":
            return self.local
        if letter == "o":
            return self.sender_domain
        if letter == "d":
            return domain
        if letter == "i":
            if self.ip.version == 4:
                return str(self.ip)
            return ".".join(self.ip.exploded.replace(":", "").upper())
        if letter == "v":
            return "in-addr" if self.ip.version == 4 else "ip6"
        if letter == "h":
            return self.helo
        if letter == "p":
            return self._p_name(domain)
        if letter == "c":
            return str(self.ip)
        if letter == "r":
            return self.receiver
        return str(int(self.now().timestamp()))  # t

    def _p_name(self, domain: str) -> str:
        try:
            names = self._validated_names()
        except _Fail:
            return "unknown"
        d = domain.lower().rstrip(".")
        if d in names:
            return d
        for n in names:
            if n.endswith("." + d):
                return n
        return names[0] if names else "unknown"

    def expand(self, text: str, domain: str, *, exp: bool = False) -> str:
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            c = text[i]
            if c != "%":
                out.append(c)
                i += 1
                continue
            nxt = text[i + 1]
            if nxt == "%":
                out.append("%")
            elif nxt == "_":
                out.append(" ")
            elif nxt == "-":
                out.append("%20")
            else:
                close = text.index("}", i + 2)
                raw = text[i + 2 : close]
                letter, digits, reverse, delims = _parse_macro(raw, exp_letters=exp, whole=text)
                value = self._macro_value(letter, domain)
                parts = _split(value, delims or ".")
                if reverse:
                    parts.reverse()
                if digits:
                    parts = parts[-digits:]
                value = ".".join(parts)
                if raw[0].isupper():
                    value = quote(value, safe="")
                out.append(value)
                i = close + 1
                continue
            i += 2
        return "".join(out)

    def target(self, spec: str | None, domain: str) -> str:
        """A domain-spec expanded to a name to look up (trailing dot dropped, 253 octets)."""
        if spec is None:
            return domain
        name = self.expand(spec, domain).rstrip(".")
        while len(name) > 253 and "." in name:
            name = name.split(".", 1)[1]
        return name

    # -- check_host() ----------------------------------------------------------------------

    def _step(self, domain: str, term: str, outcome: str, detail: str | None = None) -> None:
        if len(self.steps) < MAX_STEPS:
            self.steps.append(SpfStep(domain=domain, term=term, outcome=outcome, detail=detail))

    def record(self, domain: str) -> str | None:
        """The one SPF record of ``domain`` (4.4, 4.5), ``None`` if there is none."""
        # not a void lookup: a missing record is "none" here and a permerror in include/redirect
        lookup = self._ask(domain, "TXT", void=False)
        if lookup is None or lookup.outcome in NO_DATA:
            return None
        if lookup.outcome in FAILED:
            raise _temp_for(lookup)
        found = [r for r in lookup.records if _is_spf_record(r)]
        if len(found) > 1:
            raise _perm("multiple_records", f"{domain} publishes {len(found)} SPF records")
        return found[0] if found else None

    def check_host(self, domain: str) -> _Outcome:
        record = self.record(domain)
        if record is None:
            return _Outcome("none", "no_record", f"{domain} publishes no SPF record.")
        try:
            parsed = _parse_record(record)
        except _Fail as exc:
            raise _perm(exc.reason, f"{domain}: {exc.detail}") from None
        for d in parsed.directives:
            if self._matches(d, domain):
                result = _QUALIFIERS[d.qualifier]
                self._step(domain, d.text, "match")
                explanation = self._explain(parsed.exp, domain) if result == "fail" else None
                return _Outcome(
                    result,
                    "matched",
                    f"{d.text!r} in the SPF record of {domain} matched.",
                    d.text,
                    domain,
                    explanation,
                    record,
                )
            self._step(domain, d.text, "no_match")
        if parsed.redirect is not None:
            term = f"redirect={parsed.redirect}"
            self._count_term(term)
            target = self.target(parsed.redirect, domain)
            self._step(domain, term, "redirect", target)
            if not _domain_ok(target):
                raise _perm("redirect_invalid", f"{domain}: redirect to invalid name {target!r}")
            inner = self.check_host(target)
            if inner.result == "none":
                raise _perm("redirect_none", f"{domain} redirects to {target}, which has no SPF")
            return inner
        return _Outcome(
            "neutral",
            "default",
            f"Nothing in the SPF record of {domain} matched and it has no redirect=.",
            record=record,
        )

    def _matches(self, d: _Directive, domain: str) -> bool:
        if d.name == "all":
            return True
        if d.network is not None:  # ip4 / ip6
            return self.ip in d.network if d.network.version == self.ip.version else False
        self._count_term(d.text)
        target = self.target(d.domain_spec, domain)
        if d.name == "include":
            if not _domain_ok(target):
                raise _perm("include_invalid", f"{domain}: include of invalid name {target!r}")
            inner = self.check_host(target)
            self._step(domain, d.text, "include", f"{target}: {inner.result}")
            if inner.result == "none":
                raise _perm("include_none", f"{domain} includes {target}, which has no SPF")
            return inner.result == "pass"
        if d.name == "a":
            return self._in(self._addresses(target), d)
        if d.name == "mx":
            return self._mx_matches(target, d)
        if d.name == "ptr":
            t = target.lower()
            return any(n == t or n.endswith("." + t) for n in self._validated_names())
        # exists: an A query whatever the client's family (5.7)
        lookup = self._require(self._ask(target, "A"))
        return lookup is not None and lookup.outcome == "answer" and bool(lookup.records)

    def _mx_matches(self, target: str, d: _Directive) -> bool:
        lookup = self._require(self._ask(target, "MX"))
        if lookup is None or lookup.outcome != "answer":
            return False
        exchanges: list[tuple[int, str]] = []
        for r in lookup.records:
            pref, _, host = r.strip().partition(" ")
            exchanges.append((int(pref) if pref.isdigit() else 65536, host.strip()))
        if len(exchanges) > MAX_MX_NAMES:
            raise _perm(
                "mx_limit", f"{target} has {len(exchanges)} MX records (at most {MAX_MX_NAMES})"
            )
        for _, host in sorted(exchanges):
            host = host.rstrip(".")
            if not host:  # null MX, RFC 7505
                continue
            if self._in(self._addresses(host), d):
                return True
        return False

    def _explain(self, spec: str | None, domain: str) -> str | None:
        """The exp= text (RFC 7208 6.2), or ``None`` when there is none or it is unusable."""
        if spec is None:
            return None
        self._counting = False
        try:
            name = self.target(spec, domain)
            lookup = self._ask(name, "TXT", void=False)
            if lookup is None or lookup.outcome != "answer" or len(lookup.records) != 1:
                return None
            text = lookup.records[0]
            if not text.isascii():
                return None
            _scan_macro_string(text, exp_letters=True, spaces=True)
            return self.expand(text, domain, exp=True)
        except _Fail:
            return None
        finally:
            self._counting = True


def _split(value: str, delimiters: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for k, c in enumerate(value):
        if c in delimiters:
            parts.append(value[start:k])
            start = k + 1
    parts.append(value[start:])
    return parts


def _temp_for(lookup: DnsLookup) -> _Fail:
    what = f"{lookup.rdtype} {lookup.name}"
    if lookup.outcome == "not_looked_up":
        if lookup.error and "budget" in lookup.error:
            return _Fail("temperror", "query_budget", f"{what} not asked: {lookup.error}")
        return _Fail("temperror", "not_looked_up", f"{what} not looked up (offline)")
    return _Fail("temperror", "dns_error", f"{what}: {lookup.outcome}")


def _domain_ok(domain: str) -> bool:
    """A name check_host() can start from (4.3): ASCII, 2+ labels of 1-63 octets."""
    d = domain.rstrip(".")
    if not d or len(d) > 253 or not d.isascii():
        return False
    labels = d.split(".")
    return len(labels) >= 2 and all(
        0 < len(x) <= 63 and all(c in _ALNUM or c in "-_" for c in x) for x in labels
    )


def _to_ascii_domain(domain: str) -> str:
    d = domain.strip().rstrip(".")
    if d.isascii():
        return d.lower()
    try:
        return d.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return d.lower()


def evaluate_spf(
    ip: str,
    mail_from: str | None,
    helo: str | None,
    *,
    dns: CheckResolver,
    now: Callable[[], dt.datetime],
    receiver: str | None = None,
) -> SpfCheck:
    """Run ``check_host()`` through ``dns`` (see :func:`check_spf`); never raises. ``now``
    gives the time for the ``%{t}`` macro, called only if an explanation uses it."""
    helo_text = (helo or "").strip()
    raw_from = (mail_from or "").strip()
    if raw_from.startswith("<") and raw_from.endswith(">"):
        raw_from = raw_from[1:-1].strip()
    identity: Literal["mailfrom", "helo"] = "mailfrom" if raw_from else "helo"
    if raw_from:
        local, at, dom = raw_from.rpartition("@")
        if not at:
            local, dom = "", raw_from
    else:
        local, dom = "", helo_text
    local = local or "postmaster"
    domain = _to_ascii_domain(dom)
    sender = f"{local}@{domain}"
    base = {
        "ip": ip,
        "mail_from": mail_from,
        "helo": helo,
        "identity": identity,
        "sender": sender,
        "domain": domain or None,
        "resolver": dns.name,
    }
    client = ip_address(ip)
    if client is None:
        return SpfCheck(
            **base,
            result="none",
            reason="invalid_ip",
            detail=f"{ip!r} is not an IP address, so SPF cannot be evaluated.",
        )
    if not domain:
        return SpfCheck(
            **base,
            result="none",
            reason="no_identity",
            detail="Neither an envelope sender nor a HELO name was given.",
        )
    if not _domain_ok(domain):
        return SpfCheck(
            **base,
            result="none",
            reason="invalid_domain",
            detail=f"{dom!r} is not a domain name SPF can be checked for (RFC 7208 4.3).",
        )
    ev = _Evaluator(
        dns=dns,
        ip=client,
        sender=sender,
        local=local,
        sender_domain=domain,
        helo=helo_text or "unknown",
        receiver=receiver or "unknown",
        now=now,
    )
    top_record: str | None = None
    try:
        top_record = ev.record(domain)
        out = ev.check_host(domain)
        if out.result == "none":
            lookup = next((u for u in ev.used if u.rdtype == "TXT"), None)
            if lookup is not None and lookup.outcome == "nxdomain":
                out = _Outcome("none", "nxdomain", f"{domain} does not exist in DNS (NXDOMAIN).")
    except _Fail as exc:
        out = _Outcome(exc.result, exc.reason, exc.detail)
    except RecursionError:  # cannot happen within the limits; kept as a guard
        out = _Outcome("permerror", "lookup_limit", "SPF evaluation nested too deeply.")
    return SpfCheck(
        **base,
        result=out.result,
        reason=out.reason,
        detail=out.detail,
        record=top_record,
        mechanism=out.mechanism,
        mechanism_domain=out.mechanism_domain,
        explanation=out.explanation,
        lookups=ev.lookups,
        void_lookups=ev.voids,
        steps=tuple(ev.steps),
        dns=tuple(ev.used),
    )


def check_spf(
    ip: str, mail_from: str | None, helo: str | None = None, *, policy: Policy | None = None
) -> SpfCheck:
    """Evaluate SPF for ``ip`` sending as ``mail_from`` after ``HELO helo`` (RFC 7208 4).

    ``mail_from`` is the RFC 5321 MAIL FROM address (``user@domain``; a bare domain is read as
    ``postmaster@domain``); when it is empty the HELO identity is checked, as
    ``postmaster@<helo>`` (RFC 7208 2.3, 2.4). Lookups go through ``policy.resolver`` (offline
    by default: the result is then ``temperror`` with reason ``not_looked_up`` and ``dns``
    lists the question that was not sent), at most ``policy.limits.max_dns_queries`` of them.
    The ``%{t}`` macro uses ``policy.as_of`` when set. Never raises on any text; raises
    ``TypeError`` when an argument is not a string.

    >>> from headerlens import Policy, StaticResolver
    >>> zone = StaticResolver({"example.com": "v=spf1 ip4:192.0.2.0/24 -all"})
    >>> check_spf("192.0.2.7", "alice@example.com", policy=Policy(resolver=zone)).result
    'pass'
    """
    if not isinstance(ip, str):
        raise wrong_type("check_spf(ip)", "str", ip)
    for label, value in (("mail_from", mail_from), ("helo", helo)):
        if value is not None and not isinstance(value, str):
            raise wrong_type(f"check_spf({label})", "str or None", value)
    policy = policy_or_default(policy, "check_spf")
    dns = CheckResolver(policy.resolver or OfflineResolver(), policy.limits.max_dns_queries)
    as_of = policy.as_of
    now = Clock().now if as_of is None else lambda: as_of
    return evaluate_spf(ip, mail_from, helo, dns=dns, now=now)
