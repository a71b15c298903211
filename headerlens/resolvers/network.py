"""Real name servers: :class:`DnsResolver`, the one resolver that touches the network
(opt-in; RFC 1035 over UDP with TCP fallback, through dnspython)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
from collections.abc import Sequence

from headerlens.errors import ResolverError, wrong_type
from headerlens.resolvers._base import DnsLookup, LookupOutcome, configuration

__all__ = ["DnsResolver"]


def _check_server_settings(
    nameservers: object, port: object, timeout: object, lifetime: object
) -> list[str]:
    """The nameservers as a list of IP address strings, after checking every setting."""
    if not isinstance(nameservers, (list, tuple)):
        raise wrong_type(
            "DnsResolver(nameservers)", "a sequence of IP addresses or None", nameservers
        )
    servers: list[str] = []
    for ns in nameservers:
        if not isinstance(ns, str):
            raise wrong_type("DnsResolver(nameservers) item", "str", ns)
        text = ns.strip()
        try:
            servers.append(str(ipaddress.ip_address(text)))
        except ValueError:
            raise ResolverError(
                f"nameserver {ns!r} is not an IP address (name servers are given by address,"
                " so that no lookup is needed to find them)"
            ) from None
    if not servers:
        raise ResolverError("no nameserver given")
    if not isinstance(port, int) or isinstance(port, bool):
        raise wrong_type("DnsResolver(port)", "int", port)
    if not 0 < port < 65536:
        raise ResolverError(f"port {port} is not between 1 and 65535")
    for name, value in (("timeout", timeout), ("lifetime", lifetime)):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise wrong_type(f"DnsResolver({name})", "a number of seconds", value)
        if not value > 0 or value == float("inf"):
            raise ResolverError(f"{name} {value} is not a positive number of seconds")
    return servers


class DnsResolver:
    """Asks real name servers (opt-in; RFC 1035 over UDP, TCP when the answer is truncated).

    Uses a dnspython ``Resolver(configure=False)`` with the given ``nameservers`` and
    ``port``, ``timeout`` seconds per try and ``lifetime`` seconds in total, no search list,
    no SERVFAIL retries. ``nameservers=None`` reads the servers (only the servers, never the
    search list) from the system configuration. Lookups never raise: every failure is an
    outcome. The constructor checks its settings: a nameserver that is not an IP address, a
    port outside 1-65535, a timeout or lifetime that is not a positive number, or no system
    nameserver raise :class:`~headerlens.errors.ResolverError`; wrong types ``TypeError``.
    Queries carry the AD bit (RFC 6840 section 5.7), so a validating resolver says in
    ``DnsLookup.secure`` whether it checked the answer with DNSSEC (DANE needs that, RFC 7672).
    """

    @configuration
    def __init__(
        self,
        nameservers: Sequence[str] | None = None,
        port: int = 53,
        timeout: float = 2.0,
        lifetime: float = 5.0,
    ) -> None:
        import dns.exception
        import dns.flags
        import dns.resolver

        if nameservers is None:
            try:
                system = dns.resolver.Resolver(configure=True)
            except (dns.exception.DNSException, OSError) as exc:
                raise ResolverError(f"no system nameserver configuration: {exc}") from None
            nameservers = [str(ns) for ns in system.nameservers]
        if isinstance(nameservers, str):
            nameservers = [nameservers]
        nameservers = _check_server_settings(nameservers, port, timeout, lifetime)
        self.nameservers = tuple(nameservers)
        self.port = port
        self.timeout = timeout
        self.lifetime = lifetime
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = list(self.nameservers)
        resolver.port = port
        resolver.timeout = timeout
        resolver.lifetime = lifetime
        resolver.search = []
        resolver.use_search_by_default = False
        resolver.retry_servfail = False
        resolver.cache = None
        resolver.flags = dns.flags.RD | dns.flags.AD
        self._resolver = resolver

    def resolve(self, name: str, rdtype: str = "TXT") -> DnsLookup:
        import dns.exception
        import dns.flags
        import dns.name
        import dns.rdtypes.ANY.TXT
        import dns.resolver

        rdtype = rdtype.upper()
        qname = name if name.endswith(".") else name + "."
        at = dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        server_list = ",".join(self.nameservers)

        def done(outcome: LookupOutcome, **kw: object) -> DnsLookup:
            return DnsLookup(
                name=name,
                rdtype=rdtype,
                outcome=outcome,
                resolver="DnsResolver",
                at=at,
                elapsed=round(time.perf_counter() - started, 6),
                **kw,
            )

        try:
            answer = self._resolver.resolve(
                # a backslash is a character of the name (an SPF macro can put one there),
                # not the start of a zone-file escape
                dns.name.from_text(qname.replace("\\", "\\\\")),
                rdtype,
                search=False,
                raise_on_no_answer=False,
            )
        except dns.resolver.NXDOMAIN:
            return done("nxdomain", server=server_list)
        except dns.resolver.NoNameservers as exc:
            return done("servfail", server=server_list, error=str(exc)[:500])
        except dns.exception.Timeout as exc:
            return done("timeout", server=server_list, error=str(exc)[:500])
        except (dns.exception.DNSException, ValueError, OSError) as exc:
            return done("error", server=server_list, error=f"{type(exc).__name__}: {exc}"[:500])
        server = f"{answer.nameserver}" if answer.nameserver else server_list
        aa = bool(answer.response.flags & dns.flags.AA)
        ad = bool(answer.response.flags & dns.flags.AD)
        canonical = answer.canonical_name.to_text(omit_final_dot=True)
        alias = canonical if canonical.lower() != qname.rstrip(".").lower() else None
        if answer.rrset is None:
            return done("nodata", server=server, authoritative=aa, secure=ad, canonical_name=alias)
        records: list[str] = []
        for rdata in answer.rrset:
            if isinstance(rdata, dns.rdtypes.ANY.TXT.TXT):
                records.append(b"".join(rdata.strings).decode("utf-8", "replace"))
            else:
                records.append(rdata.to_text())
        return done(
            "answer",
            records=tuple(records),
            server=server,
            ttl=answer.rrset.ttl,
            authoritative=aa,
            secure=ad,
            canonical_name=alias,
        )
