"""The DNS side of the live checks: one cache, one query budget and one transcript per run.

Every check asks through a :class:`CheckResolver`, so a question asked twice (the sender's MX
by SPF's ``mx`` and by the MX check) reaches the network once, the run stops at
``Limits.max_dns_queries`` questions, and the transcript lists each question once, in order.
"""

from __future__ import annotations

import ipaddress

from headerlens.resolvers import DnsLookup, LookupOutcome, Resolver

__all__ = [
    "FAILED",
    "NO_DATA",
    "CheckResolver",
    "ip_address",
    "reverse_name",
    "valid_hostname",
]

#: Outcomes that mean "the name or the type does not exist" (a void lookup, RFC 7208 4.6.4).
NO_DATA = frozenset({"nxdomain", "nodata"})
#: Outcomes that mean "no answer could be had" (temporary, or never asked).
FAILED = frozenset({"servfail", "timeout", "error", "not_looked_up"})


def _norm(name: str) -> str:
    return name.strip().rstrip(".").lower()


class CheckResolver:
    """Wraps the caller's resolver for one run of checks: caches, counts, never raises.

    ``budget`` is the most questions it sends; after that every new question is answered
    ``not_looked_up`` with an error saying so, and :attr:`exhausted` is set.
    """

    def __init__(self, inner: Resolver, budget: int) -> None:
        self.inner = inner
        self.budget = max(0, budget)
        self.queries = 0
        self.exhausted = False
        self._cache: dict[tuple[str, str], DnsLookup] = {}
        self._transcript: list[DnsLookup] = []

    @property
    def name(self) -> str:
        """The class name of the resolver asked."""
        return type(self.inner).__name__

    @property
    def transcript(self) -> tuple[DnsLookup, ...]:
        """Every distinct question of this run, in the order first asked."""
        return tuple(self._transcript)

    def _unanswered(self, name: str, rdtype: str, outcome: LookupOutcome, error: str) -> DnsLookup:
        return DnsLookup(name=name, rdtype=rdtype, outcome=outcome, resolver=self.name, error=error)

    def resolve(self, name: str, rdtype: str = "TXT") -> DnsLookup:
        """Look ``name`` up (cached per run); never raises."""
        rdtype = rdtype.upper()
        key = (_norm(name), rdtype)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if self.queries >= self.budget:
            self.exhausted = True
            lookup = self._unanswered(
                name,
                rdtype,
                "not_looked_up",
                f"query budget of {self.budget} spent (Limits.max_dns_queries)",
            )
        else:
            self.queries += 1
            try:
                lookup = self.inner.resolve(name, rdtype)
            except Exception as exc:  # a third-party resolver broke its "never raises" contract
                lookup = self._unanswered(
                    name, rdtype, "error", f"{type(exc).__name__}: {exc}"[:500]
                )
            if not isinstance(lookup, DnsLookup):
                lookup = self._unanswered(
                    name,
                    rdtype,
                    "error",
                    f"the resolver returned {type(lookup).__name__}, not a DnsLookup",
                )
        self._cache[key] = lookup
        self._transcript.append(lookup)
        return lookup


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def ip_address(text: str | None) -> IPAddress | None:
    """``text`` as an address (IPv4-mapped IPv6 unwrapped to IPv4), or ``None``."""
    if not text:
        return None
    try:
        ip = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def reverse_name(ip: IPAddress, zone: str | None = None) -> str:
    """The reverse-lookup name of ``ip`` (RFC 1035 3.5, RFC 3596 2.5), or its DNSBL name
    under ``zone`` (RFC 5782 section 2.1 and 2.4: the same labels, another suffix)."""
    if isinstance(ip, ipaddress.IPv4Address):
        labels = ".".join(reversed(str(ip).split(".")))
        suffix = "in-addr.arpa"
    else:
        labels = ".".join(reversed(ip.exploded.replace(":", "")))
        suffix = "ip6.arpa"
    return f"{labels}.{zone or suffix}"


def valid_hostname(name: str | None) -> bool:
    """Whether ``name`` can be asked for in DNS: ASCII, labels of 1-63 octets, at most 253
    octets (RFC 1035 section 2.3.4), at least two labels."""
    if not name:
        return False
    n = name.rstrip(".")
    if not n or len(n) > 253 or not n.isascii():
        return False
    labels = n.split(".")
    return len(labels) >= 2 and all(0 < len(label) <= 63 for label in labels)
