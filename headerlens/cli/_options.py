"""From parsed options to what the library takes: the :class:`~headerlens.policy.Policy`
(resolvers, ``--as-of``, trusted hosts, rule folders), the live-check policy, the redaction
key."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import IO

from headerlens.cli._parser import REDACT_RANDOM, UsageError
from headerlens.errors import InputError
from headerlens.policy import Policy
from headerlens.resolvers import Resolver, StaticResolver

__all__ = ["checks_policy_from_args", "dns_resolver", "load_redaction_key", "policy_from_args"]


def _system_nameservers() -> list[str]:
    """The system's nameservers as dnspython reads them (/etc/resolv.conf on Unix, the
    registry on Windows); none when there is no configuration."""
    import dns.resolver

    try:
        return [str(ns) for ns in dns.resolver.Resolver(configure=True).nameservers]
    except dns.resolver.NoResolverConfiguration:
        return []


def _key_resolver(args: argparse.Namespace) -> Resolver | None:
    if not args.keys:
        return None
    try:
        raw = Path(args.keys).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read key file {args.keys}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"key file {args.keys} is not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        return StaticResolver.from_json(text)
    return StaticResolver.from_zone(text)


def dns_resolver(args: argparse.Namespace) -> Resolver | None:
    if not args.dns:
        return None
    from headerlens.resolvers import DnsResolver

    servers = _system_nameservers() if args.dns == "system" else args.dns.split(",")
    hosts: list[str] = []
    ports: set[int] = set()
    for spec in (s.strip() for s in servers if s.strip()):
        host, port = _server(spec)
        hosts.append(host)
        if port is not None:
            ports.add(port)
    if not hosts:
        raise UsageError("--dns: no nameserver given and none in /etc/resolv.conf")
    if len(ports) > 1:
        raise UsageError("--dns: give every nameserver the same port")
    return DnsResolver(nameservers=hosts, port=ports.pop() if ports else 53)


def _server(spec: str) -> tuple[str, int | None]:
    """``HOST``, ``HOST:PORT`` or ``[IPV6]:PORT`` (a bare IPv6 address has no port)."""
    host, port = spec, ""
    if spec.startswith("["):
        host, _, rest = spec[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else rest
    elif spec.count(":") == 1:
        host, _, port = spec.partition(":")
    if not port:
        return host, None
    if not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--dns: bad port in {spec!r}")
    return host, int(port)


def _resolver(args: argparse.Namespace) -> Resolver | None:
    if args.keys and args.dns and not args.check:
        # (with --check they combine: saved keys verify, live DNS answers the checks)
        raise UsageError("--keys and --dns are exclusive: pick saved keys or live DNS")
    return _key_resolver(args) or dns_resolver(args)


def policy_from_args(args: argparse.Namespace) -> Policy:
    as_of = None
    if args.as_of:
        try:
            as_of = dt.datetime.fromisoformat(args.as_of)
        except ValueError as exc:
            raise UsageError(f"--as-of: not an ISO 8601 time: {args.as_of}") from exc
        if as_of.tzinfo is None:
            raise UsageError("--as-of needs a UTC offset, e.g. 2026-03-03T10:00:00+00:00")
    if (args.blocklist or args.fetch_mta_sts) and not args.check:
        raise UsageError("--blocklist and --fetch-mta-sts only apply with --check")
    if args.check and not (args.dns or args.keys):
        raise UsageError("--check needs --dns (live DNS) or --keys (saved records)")
    return Policy(
        resolver=_resolver(args),
        as_of=as_of,
        trusted_authserv_ids=tuple(args.trusted_authserv_id),
        trusted_hosts=tuple(args.trusted_host),
        strict=args.strict,
        spamassassin_rules=_rules_dirs(args.sa_rules),
        blocklists=tuple(args.blocklist),
    )


def checks_policy_from_args(args: argparse.Namespace, policy: Policy) -> Policy | None:
    """The policy the live checks run with (``None`` without ``--check``): the analysis
    resolver, or live DNS when ``--keys`` answers the analysis and ``--dns`` the checks."""
    if not args.check:
        return None
    from dataclasses import replace

    from headerlens.checks.fetch import HttpsFetcher

    resolver = dns_resolver(args) if args.keys and args.dns else policy.resolver
    fetcher = HttpsFetcher() if args.fetch_mta_sts else None
    return replace(policy, resolver=resolver, checks=True, mta_sts_fetcher=fetcher)


def _rules_dirs(dirs: list[str]) -> tuple[str, ...] | None:
    for d in dirs:
        if not Path(d).is_dir():
            raise InputError(f"--sa-rules: {d} is not a directory")
    return tuple(dirs) or None


def load_redaction_key(args: argparse.Namespace, err: IO[str]) -> None:
    """Replace ``args.redact`` (a key file name, or the random marker) by the key bytes."""
    if args.redact is None:
        return
    if args.redact == REDACT_RANDOM:
        import secrets

        args.redact = secrets.token_bytes(32)
        err.write(
            "headerlens: redacting with a one-off random key; pass --redact KEYFILE for "
            "pseudonyms that stay the same across runs\n"
        )
        return
    try:
        key = Path(args.redact).read_bytes().strip()
    except OSError as exc:
        raise InputError(f"cannot read key file {args.redact}: {exc.strerror}") from exc
    if not key:
        raise UsageError(f"--redact: the key file {args.redact} is empty")
    args.redact = key
