"""ARC sealer and signer keys (RFC 8617 section 5.1.1, RFC 6376 section 3.6.1, RFC 8301).

Keys are DKIM key records; :class:`ArcKeys` looks each name up once through the caller's
resolver (at most ``max_queries`` names) and judges the record for ARC, whose only algorithm
is rsa-sha256 with keys of at least 1024 bits. The record is read by the layer shared with
DKIM (:func:`headerlens.auth._sigkeys.pick_key_record`, :func:`~._sigkeys.public_key`).
"""

from __future__ import annotations

from dataclasses import dataclass

from headerlens.auth._sigbytes import TagListError, parse_tag_list
from headerlens.auth._sigkeys import KeyProblem, KeyRecord, pick_key_record, public_key
from headerlens.resolvers import Resolver

__all__ = ["MAX_KEY_BITS", "MIN_KEY_BITS", "ArcKey", "ArcKeys", "dns_label_ok"]

#: Smallest RSA key accepted (RFC 8301 section 3.2), largest we spend CPU on.
MIN_KEY_BITS = 1024
MAX_KEY_BITS = 16_384

_DOMAIN_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")


@dataclass(frozen=True)
class ArcKey:
    """An RSA key ``(modulus, exponent)``, or the problem that leaves none (``temporary``:
    the lookup may succeed later)."""

    rsa: tuple[int, int] | None
    problem: str | None = None
    temporary: bool = False


def dns_label_ok(value: bytes) -> bool:
    """Whether ``value`` can be used in a key name (s= or d=)."""
    return 0 < len(value) <= 253 and all(c in _DOMAIN_CHARS for c in value)


class ArcKeys:
    """Looks keys up through the resolver, once per name (sealers reuse their selector)."""

    def __init__(self, resolver: Resolver, max_queries: int) -> None:
        self.resolver = resolver
        self.cache: dict[str, ArcKey] = {}
        self.max_queries = max_queries

    def get(self, selector: bytes, domain: bytes) -> ArcKey:
        if not dns_label_ok(selector) or not dns_label_ok(domain):
            return ArcKey(None, "s= or d= is not a usable DNS name")
        name = f"{selector.decode('ascii')}._domainkey.{domain.decode('ascii')}".lower()
        if name not in self.cache:
            if len(self.cache) >= self.max_queries:
                return ArcKey(None, f"key {name} not looked up (DNS query limit reached)", True)
            self.cache[name] = self._fetch(name)
        return self.cache[name]

    def _fetch(self, name: str) -> ArcKey:
        try:
            lookup = self.resolver.resolve(name, "TXT")
        except Exception as exc:  # the protocol says never raises; a bad plug-in might
            return ArcKey(None, f"key lookup for {name} failed: {type(exc).__name__}", True)
        outcome = lookup.outcome
        if outcome == "not_looked_up":
            return ArcKey(None, f"key {name} not looked up (offline)", True)
        if outcome in ("servfail", "timeout", "error"):
            return ArcKey(None, f"key lookup for {name} failed ({outcome}): temperror", True)
        if outcome != "answer" or not lookup.records:
            return ArcKey(None, f"no key published at {name} ({outcome})")
        record = pick_key_record(lookup.records)
        if record is None:
            try:
                parse_tag_list(lookup.records[0].encode("utf-8", "replace"))
            except TagListError as exc:
                return ArcKey(None, f"key record at {name} is malformed ({exc})")
            return ArcKey(None, f"key record at {name} has no p= tag")
        return _judge(name, record)


def _judge(name: str, record: KeyRecord) -> ArcKey:
    """Whether a key record can check an ARC signature (rsa-sha256 only, RFC 8617 4.1.3)."""
    if record.version not in (None, b"DKIM1"):
        return ArcKey(None, f"key record at {name} has v= other than DKIM1")
    if not record.version_ok:
        return ArcKey(None, f"key record at {name} has v= after other tags (it must be first)")
    if record.key_type != "rsa":
        return ArcKey(None, f"key at {name} is not an RSA key (ARC uses rsa-sha256)")
    if record.hashes and "sha256" not in record.hashes:
        return ArcKey(None, f"key at {name} does not allow sha256 (h=)")
    services = record.services
    if services and "*" not in services and "email" not in services:
        return ArcKey(None, f"key at {name} is not for email (s=)")
    if not record.p:
        return ArcKey(None, f"key at {name} is revoked (empty p=)")
    pk = public_key(record.p, "rsa")
    if isinstance(pk, KeyProblem):
        if pk.code != "unusable_rsa" or pk.size is None:
            return ArcKey(None, f"key at {name} cannot be parsed as an RSA public key")
        if pk.size < MIN_KEY_BITS:
            return ArcKey(None, f"key at {name} is too small ({pk.size} bits, minimum 1024)")
        if pk.size > MAX_KEY_BITS:
            return ArcKey(None, f"key at {name} is implausibly large ({pk.size} bits)")
        return ArcKey(None, f"key at {name} has an unusable RSA exponent")
    if pk.bits < MIN_KEY_BITS:
        return ArcKey(None, f"key at {name} is too small ({pk.bits} bits, minimum {MIN_KEY_BITS})")
    return ArcKey(pk.rsa)
