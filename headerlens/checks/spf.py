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
from headerlens.checks._spf_record import (
    ALNUM,
    QUALIFIERS,
    Directive,
    Fail,
    is_spf_record,
    parse_macro,
    parse_record,
    perm,
    scan_macro_string,
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
                raise perm(
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
            raise perm(
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

    def _in(self, addrs: tuple[IPAddress, ...], d: Directive) -> bool:
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
                except Fail as exc:
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
        except Fail:
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
                letter, digits, reverse, delims = parse_macro(raw, exp_letters=exp, whole=text)
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
        found = [r for r in lookup.records if is_spf_record(r)]
        if len(found) > 1:
            raise perm("multiple_records", f"{domain} publishes {len(found)} SPF records")
        return found[0] if found else None

    def check_host(self, domain: str) -> _Outcome:
        record = self.record(domain)
        if record is None:
            return _Outcome("none", "no_record", f"{domain} publishes no SPF record.")
        try:
            parsed = parse_record(record)
        except Fail as exc:
            raise perm(exc.reason, f"{domain}: {exc.detail}") from None
        for d in parsed.directives:
            if self._matches(d, domain):
                result = QUALIFIERS[d.qualifier]
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
                raise perm("redirect_invalid", f"{domain}: redirect to invalid name {target!r}")
            inner = self.check_host(target)
            if inner.result == "none":
                raise perm("redirect_none", f"{domain} redirects to {target}, which has no SPF")
            return inner
        return _Outcome(
            "neutral",
            "default",
            f"Nothing in the SPF record of {domain} matched and it has no redirect=.",
            record=record,
        )

    def _matches(self, d: Directive, domain: str) -> bool:
        if d.name == "all":
            return True
        if d.network is not None:  # ip4 / ip6
            return self.ip in d.network if d.network.version == self.ip.version else False
        self._count_term(d.text)
        target = self.target(d.domain_spec, domain)
        if d.name == "include":
            if not _domain_ok(target):
                raise perm("include_invalid", f"{domain}: include of invalid name {target!r}")
            inner = self.check_host(target)
            self._step(domain, d.text, "include", f"{target}: {inner.result}")
            if inner.result == "none":
                raise perm("include_none", f"{domain} includes {target}, which has no SPF")
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

    def _mx_matches(self, target: str, d: Directive) -> bool:
        lookup = self._require(self._ask(target, "MX"))
        if lookup is None or lookup.outcome != "answer":
            return False
        exchanges: list[tuple[int, str]] = []
        for r in lookup.records:
            pref, _, host = r.strip().partition(" ")
            exchanges.append((int(pref) if pref.isdigit() else 65536, host.strip()))
        if len(exchanges) > MAX_MX_NAMES:
            raise perm(
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
            scan_macro_string(text, exp_letters=True, spaces=True)
            return self.expand(text, domain, exp=True)
        except Fail:
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


def _temp_for(lookup: DnsLookup) -> Fail:
    what = f"{lookup.rdtype} {lookup.name}"
    if lookup.outcome == "not_looked_up":
        if lookup.error and "budget" in lookup.error:
            return Fail("temperror", "query_budget", f"{what} not asked: {lookup.error}")
        return Fail("temperror", "not_looked_up", f"{what} not looked up (offline)")
    return Fail("temperror", "dns_error", f"{what}: {lookup.outcome}")


def _domain_ok(domain: str) -> bool:
    """A name check_host() can start from (4.3): ASCII, 2+ labels of 1-63 octets."""
    d = domain.rstrip(".")
    if not d or len(d) > 253 or not d.isascii():
        return False
    labels = d.split(".")
    return len(labels) >= 2 and all(
        0 < len(x) <= 63 and all(c in ALNUM or c in "-_" for c in x) for x in labels
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
    except Fail as exc:
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
