"""IP addresses and host names as the hop chain compares them (cached: the same few recur)."""

from __future__ import annotations

import functools
import ipaddress

__all__ = ["global_ip", "is_private", "named_host", "parse_ip", "parse_ip_cached"]


def parse_ip(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not text:
        return None
    return parse_ip_cached(text)


@functools.lru_cache(maxsize=8192)
def parse_ip_cached(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


# Addresses that never identify a host on the public Internet (RFC 1918, RFC 6598 shared,
# RFC 1122 loopback/"this network", RFC 3927/4291 link-local, RFC 4193 unique-local, RFC 5735
# reserved and multicast). The documentation ranges (RFC 5737, RFC 3849) are deliberately NOT
# here: examples and test data use them to stand for public addresses.
_INTERNAL_NETS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    )
)


def is_private(text: str | None) -> bool:
    """Private, loopback, link-local, shared (CGNAT), reserved or multicast."""
    return text is not None and _private_cached(text)


@functools.lru_cache(maxsize=8192)
def _private_cached(text: str) -> bool:
    ip = parse_ip(text)
    if ip is None:
        return False
    return any(ip.version == net.version and ip in net for net in _INTERNAL_NETS)


def named_host(name: str | None) -> bool:
    """A ``by`` value that names a host (not an IP, not localhost, has a dot)."""
    if not name or name.startswith("[") or parse_ip(name) is not None:
        return False
    low = name.lower()
    return "." in low and not low.startswith("localhost")


def global_ip(text: str | None) -> bool:
    """Whether ``text`` is an IP that can be the origin of Internet mail: not private,
    loopback, link-local, shared or reserved (documentation ranges count as public)."""
    return text is not None and parse_ip(text) is not None and not _private_cached(text)
