"""Step 6.1.2 of DKIM verification: the key, fetched and judged (RFC 6376, RFC 8463).

:class:`KeyLookups` asks the caller's resolver for each key name once per message;
:func:`classify_key` turns the answer into a usable key or a ``REASONS`` code with an
explanation, in this order: the lookup outcome, the record's form and version, revocation
(empty ``p=``), the key type against ``k=`` and ``a=``, the record's ``h=``, ``s=`` and
``t=s`` restrictions, then the key material itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headerlens.auth._sigkeys import KeyProblem, KeyRecord, pick_key_record, public_key
from headerlens.auth.dkim_models import DkimKey
from headerlens.resolvers import DnsLookup, Resolver

__all__ = ["Key", "KeyLookups", "classify_key"]


@dataclass
class Key:
    """A classified key: the model to report, and either usable material or a reason."""

    info: DkimKey
    reason: str | None
    explanation: str
    key_type: str | None = None
    rsa: tuple[int, int] | None = None  # (modulus, exponent)
    ed25519: bytes | None = None


class KeyLookups:
    """Key lookups through the caller's resolver, each name asked once per message."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._cache: dict[str, DnsLookup] = {}

    def lookup(self, name: str) -> DnsLookup:
        key = name.lower()
        cached = self._cache.get(key)
        if cached is None:
            try:
                cached = self.resolver.resolve(name, "TXT")
            except Exception as exc:  # a third-party resolver broke its "never raises" contract
                cached = DnsLookup(
                    name=name,
                    rdtype="TXT",
                    outcome="error",
                    resolver=type(self.resolver).__name__,
                    error=f"{type(exc).__name__}: {exc}",
                )
            self._cache[key] = cached
        return cached


def classify_key(
    lookup: DnsLookup, key_type: str, hash_name: str, identity: str | None, domain: str
) -> Key:
    """RFC 6376 section 6.1.2: turn a lookup into a usable key or a reason."""
    info: dict[str, Any] = {
        "name": lookup.name,
        "outcome": lookup.outcome,
        "resolver": lookup.resolver,
        "record_count": len(lookup.records),
    }
    outcome = lookup.outcome
    if outcome == "not_looked_up":
        return Key(DkimKey(**info), "key_not_looked_up", f"Key {lookup.name} not looked up.")
    if outcome in ("nxdomain", "nodata") or (outcome == "answer" and not lookup.records):
        return Key(DkimKey(**info), "key_not_found", f"No key record at {lookup.name} ({outcome}).")
    if outcome != "answer":
        detail = f": {lookup.error}" if lookup.error else ""
        return Key(
            DkimKey(**info),
            "key_unavailable",
            f"Key lookup for {lookup.name} failed temporarily ({outcome}{detail}).",
        )
    record = pick_key_record(lookup.records)
    info["record"] = record.record if record is not None else lookup.records[0]
    if record is None:
        return Key(
            DkimKey(**info), "key_invalid", f"The record at {lookup.name} is not a DKIM key record."
        )
    info.update(
        flags=record.flags,
        testing="y" in record.flags,
        key_type=record.key_type,
        hash_algorithms=record.hashes,
        service_types=record.services,
    )
    problem = _record_problem(record, lookup.name, key_type, hash_name)
    if problem is None and "s" in record.flags and identity is not None:
        idom = identity[identity.rfind("@") + 1 :].lower().rstrip(".")
        if idom != domain:
            problem = ("inappropriate_key", "The key's t=s forbids an i= subdomain of d=.")
    if problem is not None:
        if problem[0] == "key_revoked":
            info["revoked"] = True
        return Key(DkimKey(**info), problem[0], problem[1])
    pk = public_key(record.p, record.key_type)
    if isinstance(pk, KeyProblem):
        if pk.code == "unusable_rsa":
            info["bits"] = pk.size
        text = _KEY_PROBLEM_TEXT[pk.code].replace("{}", str(pk.size))
        return Key(DkimKey(**info), "key_invalid", text)
    info["bits"] = pk.bits
    return Key(DkimKey(**info), None, "", key_type=pk.key_type, rsa=pk.rsa, ed25519=pk.ed25519)


_KEY_PROBLEM_TEXT = {
    "not_base64": "The key's p= is not base64.",
    "ed25519_length": "An ed25519 key has 32 octets, not {}.",
    "not_rsa": "The key's p= is not an RSA public key.",
    "unusable_rsa": "The RSA key is unusable ({}-bit modulus).",
}


def _record_problem(
    record: KeyRecord, name: str, key_type: str, hash_name: str
) -> tuple[str, str] | None:
    """What the record's tags rule out (RFC 6376 section 3.6.1), in the order checked."""
    if not record.version_ok:
        return ("key_invalid", "The key record's v= is not DKIM1 (or not first).")
    if not record.p:
        return ("key_revoked", f"The key at {name} is revoked (empty p=).")
    k = record.key_type
    if k not in ("rsa", "ed25519"):
        return ("inappropriate_key", f"Key type k={k} is not supported.")
    if k != key_type:
        return ("inappropriate_key", f"The key is k={k} but the signature needs {key_type}.")
    if record.hashes and hash_name not in record.hashes:
        return (
            "inappropriate_key",
            f"The key allows h={':'.join(record.hashes)}, not {hash_name}.",
        )
    services = record.services
    if services and "*" not in services and "email" not in services:
        return ("inappropriate_key", f"The key's s={':'.join(services)} excludes email.")
    return None
