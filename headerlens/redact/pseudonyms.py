"""Keyed pseudonyms: the HMAC-SHA256 functions :func:`headerlens.redact.redact` replaces
every identifying value with, and the scan of free text for the values a report holds.

IP addresses keep their family and IANA special-purpose block (a keyed Feistel permutation
with cycle walking, so two addresses never share a pseudonym); host names keep their public
suffix and a known mail service's domain; role accounts (RFC 2142) keep their local part.
Knowledge (special blocks, mail services, role names, reserved TLDs) is in
``headerlens/data/redaction.json``.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Pseudonyms", "split_subject"]


_IP = ipaddress.IPv4Address | ipaddress.IPv6Address


_NET = ipaddress.IPv4Network | ipaddress.IPv6Network


_REPLY_PREFIXES = ("re:", "fw:", "fwd:", "aw:", "wg:", "sv:", "tr:", "r:")


_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@:%+")


@cache
def _data() -> dict[str, Any]:
    text = resources.files("headerlens").joinpath("data/redaction.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _blocks() -> tuple[_NET, ...]:
    nets = [ipaddress.ip_network(b) for b in _data()["special_purpose_blocks"]]
    return tuple(sorted(nets, key=lambda n: n.prefixlen, reverse=True))


@cache
def _psl() -> Any:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def _special_block(ip: _IP) -> _NET | None:
    for net in _blocks():
        if net.version == ip.version and ip in net:
            return net
    return None


def _is_ip(text: str) -> _IP | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class Pseudonyms:
    """The pseudonym functions for one key, with the values of one report to look for."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._cache: dict[tuple[str, str], str] = {}
        # original (lower-case unless ``exact``) -> pseudonym, matched in free text
        self.literals: dict[str, str] = {}
        self.exact: dict[str, str] = {}
        data = _data()
        self._services: tuple[str, ...] = tuple(
            sorted((s.lower() for s in data["mail_services"]), key=len, reverse=True)
        )
        self._roles = frozenset(data["role_local_parts"])
        self._reserved = frozenset(data["reserved_tlds"])

    # -- primitives -------------------------------------------------------------------------
    def _mac(self, context: str, value: str) -> bytes:
        return hmac.new(self._key, f"{context}\x00{value}".encode(), hashlib.sha256).digest()

    def _tag(self, context: str, value: str, size: int) -> str:
        return self._mac(context, value).hex()[:size]

    def _permute(self, context: str, value: int, bits: int) -> int:
        """A keyed permutation of ``range(2**bits)`` (4-round Feistel, cycle walking)."""
        half = (bits + 1) // 2
        mask = (1 << half) - 1
        x = value
        while True:
            left, right = x >> half, x & mask
            for rnd in range(4):
                f = int.from_bytes(self._mac(f"{context}/{rnd}", str(right))[:16], "big") & mask
                left, right = right, left ^ f
            x = (left << half) | right
            if x < (1 << bits):
                return x

    # -- values ---------------------------------------------------------------------------
    def ip(self, ip: _IP) -> str:
        """The pseudonym of an address: same family, same special-purpose block."""
        cached = self._cache.get(("ip", str(ip)))
        if cached is not None:
            return cached
        if ip.is_loopback or ip.is_unspecified:  # the same on every machine: nothing to hide
            return str(ip)
        block = _special_block(ip)
        total = 32 if ip.version == 4 else 128
        cls = ipaddress.IPv4Address if ip.version == 4 else ipaddress.IPv6Address
        if block is not None:
            host_bits = total - block.prefixlen
            base = int(block.network_address)
            offset = int(ip) - base
            new = base + (self._permute(f"ip{block}", offset, host_bits) if host_bits else 0)
            out = str(cls(new))
        else:
            value = int(ip)
            while True:  # cycle walking keeps the result outside every special block
                value = self._permute(f"ipv{ip.version}", value, total)
                if _special_block(cls(value)) is None:
                    break
            out = str(cls(value))
        self._cache[("ip", str(ip))] = out
        return out

    def label(self, label: str) -> str:
        if label.startswith("_") or not label:
            return label
        return "h-" + self._tag("label", label.lower(), 6)

    def host(self, name: str) -> str:
        """The pseudonym of a host or domain name (suffix and known service kept)."""
        stripped = name.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            inner = stripped[1:-1]
            prefix = ""
            if inner[:5].lower() == "ipv6:":
                prefix, inner = inner[:5], inner[5:]
            ip = _is_ip(inner)
            return f"[{prefix}{self.ip(ip)}]" if ip is not None else "[" + self.host(inner) + "]"
        ip = _is_ip(stripped)
        if ip is not None:
            return self.ip(ip)
        low = stripped.lower().rstrip(".")
        if low in ("", "localhost", "localhost.localdomain", "unknown"):
            return stripped
        cached = self._cache.get(("host", low))
        if cached is not None:
            return cached
        labels = low.split(".")
        keep = self._kept_suffix(low)
        kept_n = 0 if keep is None else keep.count(".") + 1
        if keep is not None and keep in self._services:
            front = [self.label(x) for x in labels[: len(labels) - kept_n]]
            out = ".".join([*front, keep])
        elif keep is not None and kept_n < len(labels):
            registrable = labels[len(labels) - kept_n - 1]
            front = [self.label(x) for x in labels[: len(labels) - kept_n - 1]]
            reg = (
                registrable
                if registrable.startswith("_")
                else ("d-" + self._tag("domain", f"{registrable}.{keep}", 8))
            )
            out = ".".join([*front, reg, keep])
        else:
            out = ".".join(self.label(x) for x in labels)
        self._cache[("host", low)] = out
        return out

    def _kept_suffix(self, low: str) -> str | None:
        for service in self._services:
            if low == service or low.endswith("." + service):
                return service
        suffix = _psl().publicsuffix(low, accept_unknown=False)
        if isinstance(suffix, str):
            return suffix
        last = low.rsplit(".", 1)[-1]
        return last if last in self._reserved else None

    def looks_like_host(self, token: str) -> bool:
        if "." not in token or token.startswith(".") or ".." in token:
            return False
        labels = token.lower().rstrip(".").split(".")
        if len(labels) < 2 or labels[-1].isdigit():
            return False
        if not all(lab and all(c.isalnum() or c in "-_" for c in lab) for lab in labels):
            return False
        return self._kept_suffix(token.lower().rstrip(".")) is not None

    def local(self, local: str) -> str:
        """The pseudonym of a local part or user name (role accounts kept)."""
        if local.lower() in self._roles:
            return local
        return "u-" + self._tag("local", local.lower(), 8)

    def address(self, text: str) -> str:
        local, _, domain = text.rpartition("@")
        return f"{self.local(local)}@{self.host(domain)}" if local else self.host(domain)

    def name(self, text: str) -> str:
        return "name-" + self._tag("name", " ".join(text.split()).lower(), 6)

    def subject(self, text: str) -> str:
        prefix, rest = split_subject(text)
        if not rest:
            return prefix.strip()
        return prefix + "subject-" + self._tag("subject", rest, 8)

    def message_id(self, text: str) -> str:
        inner = text.strip().strip("<>")
        local, at, domain = inner.rpartition("@")
        if not at:
            return "id-" + self._tag("id", inner, 12)
        return f"id-{self._tag('id', local, 12)}@{self.host(domain)}"

    def file_name(self, text: str) -> str:
        stem, dot, ext = text.rpartition(".")
        tag = "file-" + self._tag("file", text, 8)
        return f"{tag}.{ext}" if dot and stem and 0 < len(ext) <= 5 and ext.isalnum() else tag

    # -- collecting the values to look for in free text ---------------------------------------
    def remember(self, original: str, pseudonym: str, *, exact: bool = False) -> None:
        original = original.strip()
        if len(original) < 2 or original == pseudonym:
            return
        if exact:
            self.exact.setdefault(original, pseudonym)
        else:
            self.literals.setdefault(original.lower(), pseudonym)

    # -- free text ------------------------------------------------------------------------
    def text(self, text: str) -> str:
        """``text`` with every known value, address, IP and host name replaced."""
        if not text:
            return text
        spans = self._literal_spans(text)
        out: list[str] = []
        pos = 0
        for start, end, repl in spans:
            out.append(self._tokens(text[pos:start]))
            out.append(repl)
            pos = end
        out.append(self._tokens(text[pos:]))
        return "".join(out)

    def _literal_spans(self, text: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        low = text.lower()
        for table, hay, boundary in ((self.exact, text, False), (self.literals, low, True)):
            for original, repl in table.items():
                i = hay.find(original)
                while i >= 0:
                    j = i + len(original)
                    if not boundary or (
                        (i == 0 or hay[i - 1] not in _TOKEN_CHARS or hay[i - 1] in ".:")
                        and (j == len(hay) or hay[j] not in _TOKEN_CHARS or hay[j] in ".:")
                    ):
                        found.append((i, j, repl))
                    i = hay.find(original, i + 1)
        # Longest first, then leftmost; drop overlaps.
        found.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        taken: list[tuple[int, int, str]] = []
        for span in found:
            if all(span[1] <= t[0] or span[0] >= t[1] for t in taken):
                taken.append(span)
        return sorted(taken)

    def _tokens(self, text: str) -> str:
        out: list[str] = []
        for chunk, is_token in _runs(text):
            out.append(self._token(chunk) if is_token else chunk)
        return "".join(out)

    def _token(self, token: str) -> str:
        # Trailing sentence punctuation is not part of the value.
        core = token.rstrip(".:-")
        tail = token[len(core) :]
        lead_len = len(core) - len(core.lstrip(".:-"))
        lead, core = core[:lead_len], core[lead_len:]
        if not core:
            return token
        if core[:5].lower() == "ipv6:" and _is_ip(core[5:]) is not None:
            return lead + core[:5] + self.ip(_is_ip(core[5:])) + tail  # type: ignore[arg-type]
        ip = _is_ip(core)
        if ip is not None:
            return lead + self.ip(ip) + tail
        if "@" in core:
            local, _, domain = core.rpartition("@")
            if local and (self.looks_like_host(domain) or _is_ip(domain.strip("[]"))):
                return lead + self.address(core) + tail
            return token
        if self.looks_like_host(core):
            return lead + self.host(core) + tail
        return self._embedded_ipv4(token)

    def _embedded_ipv4(self, token: str) -> str:
        """IPv4 addresses inside a longer token (``2026.11.19-198.51.100.31``)."""
        out: list[str] = []
        start = 0
        n = len(token)
        while start < n:
            end = start
            while end < n and (token[end].isdigit() or token[end] == "."):
                end += 1
            if end == start:
                out.append(token[start])
                start += 1
                continue
            piece = token[start:end]
            core = piece.strip(".")
            ip = _is_ip(core) if core.count(".") == 3 else None
            if ip is not None:
                lead = piece[: len(piece) - len(piece.lstrip("."))]
                trail = piece[len(lead) + len(core) :]
                out.append(lead + self.ip(ip) + trail)
            else:
                out.append(piece)
            start = end
        return "".join(out)


def split_subject(text: str) -> tuple[str, str]:
    """``("Re: Fwd: ", "rest")``: the reply and forward prefixes, and the subject proper."""
    prefix = ""
    rest = text.strip()
    while rest[:4].lower().startswith(_REPLY_PREFIXES):
        head, _, tail = rest.partition(":")
        prefix += head + ": "
        rest = tail.strip()
    return prefix, rest


def _runs(text: str) -> Iterator[tuple[str, bool]]:
    """``text`` cut into runs of token characters (True) and the rest (False)."""
    start = 0
    n = len(text)
    while start < n:
        is_token = text[start] in _TOKEN_CHARS
        end = start + 1
        while end < n and (text[end] in _TOKEN_CHARS) == is_token:
            end += 1
        yield text[start:end], is_token
        start = end
