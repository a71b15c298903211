"""DNS resolvers: the only module that may touch the network (RFC 1035, RFC 6376 section 3.6.2).

Every lookup returns a :class:`DnsLookup` whose ``outcome`` says what happened: ``answer``,
``nxdomain``, ``nodata``, ``servfail``, ``timeout``, ``error``, or ``not_looked_up`` (offline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Literal, Protocol, runtime_checkable

from headerlens._model import Model

__all__ = [
    "DnsLookup",
    "LookupOutcome",
    "OfflineResolver",
    "RecordingResolver",
    "Resolver",
    "StaticResolver",
]

LookupOutcome = Literal[
    "answer", "nxdomain", "nodata", "servfail", "timeout", "error", "not_looked_up"
]


class DnsLookup(Model):
    """One DNS question and what came of it.

    ``records`` holds the answers as text; for TXT, each record's character-strings are
    joined without separators (RFC 6376 section 3.6.2.2). ``resolver`` names the resolver
    class that answered; ``server`` the nameserver, when one was asked; ``elapsed`` seconds.
    """

    name: str
    rdtype: str = "TXT"
    outcome: LookupOutcome
    records: tuple[str, ...] = ()
    resolver: str
    server: str | None = None
    elapsed: float | None = None
    at: dt.datetime | None = None
    error: str | None = None


@runtime_checkable
class Resolver(Protocol):
    """Anything that answers DNS questions with a :class:`DnsLookup`."""

    def resolve(self, name: str, rdtype: str = "TXT") -> DnsLookup:
        """Look up ``name`` (absolute, no search list) for ``rdtype``; never raises."""
        ...


class OfflineResolver:
    """Answers nothing and records what it was asked (``outcome="not_looked_up"``)."""

    def __init__(self) -> None:
        self.asked: list[DnsLookup] = []

    def resolve(self, name: str, rdtype: str = "TXT") -> DnsLookup:
        lookup = DnsLookup(
            name=name, rdtype=rdtype.upper(), outcome="not_looked_up", resolver="OfflineResolver"
        )
        self.asked.append(lookup)
        return lookup


class RecordingResolver:
    """Wraps another resolver and keeps a transcript of every question and its outcome."""

    def __init__(self, inner: Resolver) -> None:
        self.inner = inner
        self._transcript: list[DnsLookup] = []

    def resolve(self, name: str, rdtype: str = "TXT") -> DnsLookup:
        lookup = self.inner.resolve(name, rdtype)
        self._transcript.append(lookup)
        return lookup

    @property
    def transcript(self) -> tuple[DnsLookup, ...]:
        """Every lookup made through this resolver, in order."""
        return tuple(self._transcript)


class StaticResolver:
    """Answers TXT questions from a mapping ``{name: record or [records]}``; no network.

    Names compare case-insensitively and without a trailing dot. A name that is not in the
    mapping answers NXDOMAIN.
    """

    def __init__(self, records: Mapping[str, str | Sequence[str]] | None = None) -> None:
        self._records: dict[str, tuple[str, ...]] = {}
        for name, value in (records or {}).items():
            values = (value,) if isinstance(value, str) else tuple(value)
            self._records[name.rstrip(".").lower()] = values

    def resolve(self, name: str, rdtype: str = "TXT") -> DnsLookup:
        key = name.rstrip(".").lower()
        rdtype = rdtype.upper()
        if key not in self._records:
            return DnsLookup(
                name=name, rdtype=rdtype, outcome="nxdomain", resolver="StaticResolver"
            )
        if rdtype != "TXT":
            return DnsLookup(name=name, rdtype=rdtype, outcome="nodata", resolver="StaticResolver")
        return DnsLookup(
            name=name,
            rdtype=rdtype,
            outcome="answer",
            records=self._records[key],
            resolver="StaticResolver",
        )
