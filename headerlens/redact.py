"""Keyed pseudonyms for a report, so it can go into a ticket: :func:`redact`.

Every address, local part, display name, IP address, host name, Message-ID, subject and
attachment file name in a :class:`~headerlens.report.Report` is replaced by a pseudonym derived
with HMAC-SHA256 from a caller's key: the same key gives the same pseudonyms in every report,
so two redacted reports still compare (``headerlens.diff``), and without the key a pseudonym
cannot be traced back. What the analysis concluded is untouched: hop order, times, delays,
trust, DKIM/ARC/DMARC results, spam scores, findings and defect codes.

Pseudonyms keep what an analyst needs:

* IP addresses stay in their IANA special-purpose block (private stays private,
  documentation stays documentation, loopback stays loopback) and in their family; others
  map to addresses outside every special block. Within a block the mapping is a keyed
  permutation (a Feistel network with cycle walking), so two addresses never share a
  pseudonym.
* Host names keep their public suffix (``.com``, ``.co.uk``) and, under a known mail
  service (``data/redaction.json``), the service's domain (``h-3fa2c1.google.com``). Each
  label in front is replaced on its own, so hosts of one organisation still share their
  registrable-domain pseudonym (``d-91be07aa.net``) and DMARC alignment stays visible.
  Protocol labels (``_domainkey``, ``_dmarc``) are kept.
* Addresses become ``u-<hash>@<host pseudonym>``; role accounts (``postmaster``,
  ``mailer-daemon``, RFC 2142) keep their local part.
* Display names become ``name-<hash>``, subjects ``subject-<hash>`` (a ``Re:``/``Fwd:``
  prefix is kept), Message-IDs ``<id-<hash>@<host pseudonym>>``.

Raw header text, the message source and bodies (and their hashes) are dropped: ``raw``
fields are emptied, except ``HeaderField.raw``, which is rebuilt as ``Name: <redacted value>``
so that ``Message.addresses()`` and other readers still work on the redacted message. Free
text (explanations, finding summaries, diagnostics, unknown header values) is scanned for
addresses, IPs and host names, and every value named above is replaced wherever it appears.
Prose that names a person in some other way (a signature in a custom header) is not
recognised; a one-word host name is replaced in prose only when it holds a digit or a dash.
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

from pydantic import BaseModel

from headerlens.errors import HeaderlensError
from headerlens.message import HeaderField, Message, MimePart, index_fields
from headerlens.parse.addresses import parse_address_list
from headerlens.parse.headers import unfolded_body
from headerlens.report import Report

__all__ = ["redact"]

_IP = ipaddress.IPv4Address | ipaddress.IPv6Address
_NET = ipaddress.IPv4Network | ipaddress.IPv6Network

# Headers whose value is a list of addresses (RFC 5322 section 3.6.2-3.6.6, RFC 3798,
# RFC 9228 Delivered-To) or ids (RFC 5322 section 3.6.4); subjects (section 3.6.5).
_ADDRESS_FIELDS = frozenset(
    [
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "sender",
        "return-path",
        "delivered-to",
        "x-original-to",
        "envelope-to",
        "resent-from",
        "resent-to",
        "resent-cc",
        "resent-bcc",
        "resent-sender",
        "errors-to",
        "disposition-notification-to",
        "x-original-from",
        "x-envelope-from",
        "x-envelope-to",
        "original-recipient",
        "final-recipient",
        "x-ms-exchange-organization-originalsender",
    ]
)
_ID_FIELDS = frozenset(
    [
        "message-id",
        "in-reply-to",
        "references",
        "resent-message-id",
        "original-message-id",
        "x-original-message-id",
        "x-microsoft-original-message-id",
    ]
)
_SUBJECT_FIELDS = frozenset(("subject", "thread-topic", "x-original-subject"))
# Model fields whose whole value is a host name (single-label names included).
_HOST_FIELDS = frozenset(
    [
        "from_helo",
        "from_rdns",
        "by_host",
        "via",
        "authserv_id",
        "seal_domain",
        "ams_domain",
        "reporting_mta",
        "remote_mta",
        "received_from_mta",
        "host",
        "domain",
        "from_domain",
        "from_org_domain",
        "org_domain",
        "spf_domain",
        "reported_domain",
        "receiver",
        "helo",
    ]
)
# Model fields holding a tuple of host or domain names.
_HOST_LIST_FIELDS = frozenset(
    ["trusted_hosts", "trusted_authserv_ids", "from_domains", "dkim_domains"]
)
# Model fields whose value is an address or a user name.
_USER_FIELDS = frozenset(
    [
        "for_addr",
        "envelope_from",
        "auth_user",
        "from_ident",
        "final_recipient",
        "original_recipient",
        "identity",
        "postfix_sender",
    ]
)
_SELECTOR_FIELDS = frozenset(("selector", "seal_selector", "ams_selector"))
# Stable codes and documentation links: never message-derived.
_KEEP_FIELDS = frozenset(
    [
        "code",
        "source",
        "explanation_source",
        "schema_version",
        "severity",
        "zone",
        "kind",
        "confidence",
        "reason_code",
        "result",
        "cv",
        "status",
        "rdtype",
        "outcome",
        "resolver",
        "psl_version",
        # how the input arrived (#20): form names, encodings, Outlook classes, client labels
        "input_form",
        "text_encoding",
        "message_class",
        "body_forms",
        "client",
        "label",
    ]
)
# Fields that name our own catalogue (vendors, rule names, property names), per model.
_KEEP_MODEL_FIELDS = frozenset(
    [
        "SpamVerdict.vendor",
        "SpamVerdict.product",
        "Appliance.vendor",
        "Appliance.product",
        "SpamRule.name",
        "SpamField.key",
        "AuthProperty.name",
        "AuthProperty.ptype",
        "AuthResult.method",
    ]
)
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


class _Pseudonyms:
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

    def _label(self, label: str) -> str:
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
            front = [self._label(x) for x in labels[: len(labels) - kept_n]]
            out = ".".join([*front, keep])
        elif keep is not None and kept_n < len(labels):
            registrable = labels[len(labels) - kept_n - 1]
            front = [self._label(x) for x in labels[: len(labels) - kept_n - 1]]
            reg = (
                registrable
                if registrable.startswith("_")
                else ("d-" + self._tag("domain", f"{registrable}.{keep}", 8))
            )
            out = ".".join([*front, reg, keep])
        else:
            out = ".".join(self._label(x) for x in labels)
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
        prefix, rest = _split_subject(text)
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


def _split_subject(text: str) -> tuple[str, str]:
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


class _Redactor:
    def __init__(self, key: bytes) -> None:
        self.p = _Pseudonyms(key)

    # -- phase 1: learn every value to replace ----------------------------------------------
    def collect(self, obj: object) -> None:
        if isinstance(obj, Message):
            self._collect_message(obj)
        if isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                value = getattr(obj, name)
                if isinstance(value, str):
                    self._collect_field(name, value)
                elif isinstance(value, tuple) and name in (
                    _HOST_FIELDS | _HOST_LIST_FIELDS | _USER_FIELDS
                ):
                    for v in value:
                        if isinstance(v, str):
                            self._collect_field(name, v)
                else:
                    self.collect(value)
        elif isinstance(obj, tuple):
            for v in obj:
                self.collect(v)

    def _collect_field(self, name: str, value: str) -> None:
        p = self.p
        if not value.strip():
            return
        if name in _HOST_FIELDS or name in _HOST_LIST_FIELDS:
            # A one-label name is looked for in prose only when it cannot be an ordinary
            # word ("EXCH01", "mx-3"), so "mail" in a sentence stays "mail".
            if "." in value.strip(".") or any(c.isdigit() or c in "-_" for c in value):
                p.remember(value, p.host(value))
        elif name in _USER_FIELDS:
            v = value.strip().strip("<>")
            if "@" in v:
                p.remember(v, p.address(v))
                local = v.rpartition("@")[0]
                if len(local) >= 4:
                    p.remember(local, p.local(local))
            elif v:
                p.remember(v, p.local(v))
        elif name in _SELECTOR_FIELDS:
            p.remember(value, p._label(value))
        elif name == "filename":
            p.remember(value, p.file_name(value), exact=True)

    def _collect_message(self, msg: Message) -> None:
        p = self.p
        for h in msg.headers:
            lname = h.name.lower()
            if lname in _ADDRESS_FIELDS:
                for a in parse_address_list(unfolded_body(h), header_index=h.index):
                    if a.display_name and a.display_name.strip():
                        p.remember(a.display_name, p.name(a.display_name), exact=True)
                    if a.local_part and a.domain:
                        addr = f"{a.local_part}@{a.domain}"
                        p.remember(addr, p.address(addr))
                        if len(a.local_part) >= 4:
                            p.remember(a.local_part, p.local(a.local_part))
                    if a.group:
                        p.remember(a.group, p.name(a.group), exact=True)
            elif lname in _SUBJECT_FIELDS and h.value.strip():
                p.remember(h.value, p.subject(h.value), exact=True)
                rest = _split_subject(h.value)[1]
                if len(rest) >= 4:
                    p.remember(rest, p.subject(rest), exact=True)
            elif lname in _ID_FIELDS:
                for mid in _angle_tokens(h.value):
                    p.remember(f"<{mid}>", f"<{p.message_id(mid)}>")
                    p.remember(mid, p.message_id(mid))

    # -- phase 2: rewrite --------------------------------------------------------------------
    def rewrite(self, obj: Any, field: str = "") -> Any:
        if isinstance(obj, str):
            return self._string(field, obj)
        if isinstance(obj, tuple):
            return tuple(self.rewrite(v, field) for v in obj)
        if isinstance(obj, Message):
            return self._message(obj)
        if isinstance(obj, HeaderField):
            return self._header(obj)
        if isinstance(obj, BaseModel):
            updates: dict[str, Any] = {}
            cls = type(obj).__name__
            for name in type(obj).model_fields:
                value = getattr(obj, name)
                if f"{cls}.{name}" in _KEEP_MODEL_FIELDS:
                    continue
                new = self.rewrite(value, name)
                if new != value:
                    updates[name] = new
            if isinstance(obj, MimePart):
                updates["sha256"] = None
            return obj.model_copy(update=updates) if updates else obj
        return obj

    def _string(self, field: str, value: str) -> str:
        p = self.p
        if field in _KEEP_FIELDS or not value:
            return value
        if field in ("raw", "note"):  # raw text; a reporter's note is body text (#20)
            return ""
        if field in _HOST_FIELDS or field in _HOST_LIST_FIELDS:
            return p.host(value)
        if field in _SELECTOR_FIELDS:
            return p._label(value)
        if field == "filename":
            return p.file_name(value)
        return p.text(value)

    def _header(self, h: HeaderField) -> HeaderField:
        p = self.p
        lname = h.name.lower()
        if lname in _SUBJECT_FIELDS:
            value = p.subject(h.value) if h.value.strip() else h.value
        elif lname in _ID_FIELDS:
            value = _replace_ids(h.value, p)
        else:
            value = p.text(h.value)
        # The original text is dropped; ``raw`` is rebuilt from the redacted value (one
        # unfolded line) so that readers of structured fields (``Message.addresses``) still
        # work on the redacted message.
        raw = f"{h.name}: {_one_line(value)}"
        return h.model_copy(update={"raw": raw, "value": value, "defects": self.rewrite(h.defects)})

    def _message(self, msg: Message) -> Message:
        mime = msg.mime
        headers = tuple(self._header(h) for h in msg.headers)
        new = msg.model_copy(
            update={
                "headers": headers,
                "defects": self.rewrite(msg.defects),
                "mbox_from": None if msg.mbox_from is None else self.p.text(msg.mbox_from),
                "intake": self.rewrite(msg.intake),
            }
        )
        private = dict(new.__pydantic_private__ or {})
        private["_source"] = b""
        private["_by_name"] = index_fields(headers)
        object.__setattr__(new, "__pydantic_private__", private)
        # ``mime`` is computed from the source on first use; the source is gone, so the
        # redacted tree is stored as the computed value.
        new.__dict__["mime"] = None if mime is None else self.rewrite(mime)
        return new


def _one_line(value: str) -> str:
    return " ".join(value.replace("\r", " ").replace("\n", " ").split(" "))


def _replace_ids(value: str, p: _Pseudonyms) -> str:
    """An id-list field (RFC 5322 section 3.6.4): each ``<id>`` replaced, the rest scanned."""
    out: list[str] = []
    pos = 0
    while True:
        i = value.find("<", pos)
        j = value.find(">", i + 1) if i >= 0 else -1
        if i < 0 or j < 0:
            out.append(p.text(value[pos:]))
            return "".join(out)
        out.append(p.text(value[pos:i]))
        out.append(f"<{p.message_id(value[i + 1 : j])}>")
        pos = j + 1


def _angle_tokens(value: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while True:
        i = value.find("<", pos)
        if i < 0:
            return out
        j = value.find(">", i + 1)
        if j < 0:
            return out
        if j > i + 1:
            out.append(value[i + 1 : j])
        pos = j + 1


def redact(report: Report, key: bytes | str) -> Report:
    """``report`` with keyed pseudonyms for every personal value (see the module docstring).

    ``key``: bytes, or text (UTF-8 encoded). The same key gives the same pseudonyms across
    reports. Raises ``TypeError`` for any other type and
    :class:`~headerlens.errors.HeaderlensError` for an empty key.
    """
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray):
        raise TypeError(f"key must be bytes or str, not {type(key).__name__}")
    if not key:
        raise HeaderlensError("the redaction key must not be empty")
    r = _Redactor(bytes(key))
    r.collect(report)
    result = r.rewrite(report)
    assert isinstance(result, Report)
    return result
