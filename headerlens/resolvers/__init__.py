"""DNS resolvers: the only package that may touch the network (RFC 1035, RFC 6376 section 3.6.2).

Every lookup returns a :class:`DnsLookup` whose ``outcome`` says what happened: ``answer``,
``nxdomain``, ``nodata``, ``servfail``, ``timeout``, ``error``, or ``not_looked_up`` (offline).

- :class:`OfflineResolver` (the default) answers nothing and records what it was asked: looking
  up ``<selector>._domainkey.<domain>`` tells the sender that someone is reading the message.
- :class:`StaticResolver` answers from saved records of every type: a mapping, a JSON file
  (:meth:`StaticResolver.from_json`), zone-file text (:meth:`StaticResolver.from_zone`) or a
  transcript of earlier lookups (:meth:`StaticResolver.from_lookups`); it follows CNAMEs and
  can replay a recorded failure per name or per (name, type) (``failures={"name": "servfail"}``).
- :class:`DnsResolver` asks real name servers (opt-in) through dnspython, with explicit servers,
  no search list, and TCP fallback when an answer is truncated.
- :class:`RecordingResolver` wraps any of them and keeps a transcript.
"""

from __future__ import annotations

from headerlens.resolvers._base import (
    DnsLookup,
    FailureKind,
    LookupOutcome,
    OfflineResolver,
    RecordingResolver,
    Resolver,
)
from headerlens.resolvers.network import DnsResolver
from headerlens.resolvers.static import (
    MAX_CNAME_CHAIN,
    FailureKey,
    RdataValue,
    RecordsValue,
    StaticResolver,
)

__all__ = [
    "MAX_CNAME_CHAIN",
    "DnsLookup",
    "DnsResolver",
    "FailureKey",
    "FailureKind",
    "LookupOutcome",
    "OfflineResolver",
    "RdataValue",
    "RecordingResolver",
    "RecordsValue",
    "Resolver",
    "StaticResolver",
]
