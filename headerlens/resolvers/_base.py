"""The resolver protocol and what every resolver returns: :class:`DnsLookup`; the two
resolvers that send nothing (:class:`OfflineResolver`, :class:`RecordingResolver`); and the
helpers the others share (see :mod:`headerlens.resolvers`)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Literal, ParamSpec, Protocol, TypeVar, runtime_checkable

from headerlens._model import Model
from headerlens.errors import HeaderlensError, ResolverError, wrong_type

__all__ = [
    "FAILURES",
    "DnsLookup",
    "FailureKind",
    "LookupOutcome",
    "OfflineResolver",
    "RecordingResolver",
    "Resolver",
    "configuration",
    "name_key",
]

LookupOutcome = Literal[
    "answer", "nxdomain", "nodata", "servfail", "timeout", "error", "not_looked_up"
]
FailureKind = Literal["servfail", "timeout", "nxdomain", "nodata"]
FAILURES: frozenset[str] = frozenset({"servfail", "timeout", "nxdomain", "nodata"})


class DnsLookup(Model):
    """One DNS question and what came of it.

    ``records`` holds the answers as text; for TXT, each record's character-strings are
    joined without separators (RFC 6376 section 3.6.2.2). ``resolver`` names the resolver
    class that answered; ``server`` the nameserver, when one was asked; ``elapsed`` seconds.
    ``ttl`` is the answer's TTL and ``authoritative`` the AA flag, when a server answered.
    ``secure`` is the AD flag (RFC 4035 section 3.2.3: the resolver validated the answer with
    DNSSEC), ``None`` when unknown. ``canonical_name`` is the name the answer belongs to when
    CNAMEs were followed to reach it (RFC 1034 section 3.6.2), else ``None``.
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
    ttl: int | None = None
    authoritative: bool | None = None
    secure: bool | None = None
    canonical_name: str | None = None


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
        if not callable(getattr(inner, "resolve", None)):
            raise wrong_type(
                "RecordingResolver(inner)", "a resolver (an object with resolve())", inner
            )
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


_P = ParamSpec("_P")
_R = TypeVar("_R")


def configuration(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """For the resolvers' public constructors: a configuration that cannot be used raises
    :class:`~headerlens.errors.ResolverError` with a one-line message, never a bare
    ``ValueError`` (a malformed zone line, bad JSON, an unknown failure kind)."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return func(*args, **kwargs)
        except HeaderlensError:
            raise
        except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError included
            raise ResolverError(str(exc).splitlines()[0] if str(exc) else repr(exc)) from None

    return wrapper


def name_key(name: str) -> str:
    if not isinstance(name, str):
        raise wrong_type("StaticResolver name", "str", name)
    return name.strip().rstrip(".").lower()
