"""Provider rules: reasons decided from the remote host's provider and its own error codes.

Large mailbox providers document their own rejection codes (Cox's ``AUP#CXBL``, Orange's
``OFR_416``, GoDaddy's ``IB104``, Facebook's ``RCP-P2``...) and fixed wording. When the
remote host, the recipient's domain or the reporting host belongs to such a provider, these
codes say more than the generic wording does. The knowledge is data
(``data/providers.json``: hosts, codes, phrases, sources); this module only applies it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from headerlens._text import ascii_digits

__all__ = ["Provider", "find_provider", "hosts_in", "provider_reason", "providers"]


@dataclass(frozen=True, slots=True)
class _CodeRule:
    pattern: re.Pattern[str]
    table: dict[str, str]
    ranges: tuple[tuple[int, int, str], ...]
    last_digits: int


@dataclass(frozen=True, slots=True)
class _PhraseRule:
    reason: str
    phrases: tuple[str, ...]
    reply: str | None
    status: str | None
    permanent: bool | None
    any_class: bool


@dataclass(frozen=True, slots=True)
class Provider:
    """One mail provider: its host suffixes and the rules for its own error texts."""

    key: str
    name: str
    hosts: tuple[str, ...]
    reporting: tuple[re.Pattern[str], ...]
    codes: tuple[_CodeRule, ...]
    status: dict[str, str]
    phrases: tuple[_PhraseRule, ...]
    stages: tuple[tuple[str, str, str], ...]


def _host_pattern(pattern: str) -> re.Pattern[str]:
    """A host pattern where ``*`` stands for one or more whole labels."""
    parts = [re.escape(p) for p in pattern.lower().split("*")]
    return re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*".join(parts))


def _provider(key: str, raw: dict[str, Any]) -> Provider:
    return Provider(
        key=key,
        name=raw["name"],
        hosts=tuple(h.lower() for h in raw["hosts"]),
        reporting=tuple(_host_pattern(h) for h in raw.get("reporting", ())),
        codes=tuple(
            _CodeRule(
                pattern=re.compile(c["pattern"]),
                table=dict(c.get("table", {})),
                ranges=tuple((int(a), int(b), str(r)) for a, b, r in c.get("ranges", ())),
                last_digits=int(c.get("last_digits", 0)),
            )
            for c in raw.get("codes", ())
        ),
        status=dict(raw.get("status", {})),
        phrases=tuple(
            _PhraseRule(
                reason=p["reason"],
                phrases=tuple(p["any"]),
                reply=p.get("reply"),
                status=p.get("status"),
                permanent=p.get("permanent"),
                any_class=bool(p.get("any_class", False)),
            )
            for p in raw.get("phrases", ())
        ),
        stages=tuple((s["status"], s["command"], s["reason"]) for s in raw.get("stages", ())),
    )


@cache
def providers() -> tuple[Provider, ...]:
    """All providers of ``data/providers.json``, in file order."""
    text = resources.files("headerlens.bounce").joinpath("data", "providers.json")
    raw: dict[str, Any] = json.loads(text.read_text("utf-8"))
    return tuple(_provider(k, v) for k, v in raw["providers"].items())


def _host_matches(host: str, suffix: str) -> bool:
    bare = suffix.lstrip(".")
    return host == bare or host.endswith("." + bare)


def _domain_matches(domain: str, suffix: str) -> bool:
    # The recipient's domain names the provider when it is the suffix or a parent of it
    # (mail for icloud.com is received by *.mail.icloud.com).
    bare = suffix.lstrip(".")
    return bare == domain or bare.endswith("." + domain)


def _clean_host(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip().lower()
    if "@" in v:
        v = v.rsplit("@", 1)[1]
    v = v.split()[0] if v.split() else ""
    v = v.strip("[]()<>;:,").rstrip(".")
    if "[" in v:
        v = v.split("[", 1)[0]
    return v or None


def hosts_in(diagnostic: str | None) -> tuple[str, ...]:
    """Host names a diagnostic text names after ``host`` (``host mx.example.net[192.0.2.1]``)."""
    if not diagnostic:
        return ()
    words = diagnostic.split()
    out: list[str] = []
    for i, w in enumerate(words[:-1]):
        if w.lower() in ("host", "to", "by") and "." in words[i + 1]:
            h = _clean_host(words[i + 1])
            if h and "." in h and "@" not in words[i + 1] and not h[0].isdigit():
                out.append(h)
    return tuple(out)


def find_provider(
    *,
    destination: str | None,
    remote_hosts: tuple[str | None, ...],
    local_host: str | None,
    reporter: str | None = None,
) -> Provider | None:
    """The provider named by the recipient's domain, a remote host, the reporting host, or
    the domain of the report's sender.

    Tried in that order, as Sisimai does (its ``rhost`` rules); host suffixes match on a
    label boundary. A provider's ``reporting`` patterns match the reporting host only; the
    sender's domain counts only when no remote host is known (the failure was the
    reporting system's own).
    """
    dom = _clean_host(destination)
    table = providers()
    if dom:
        for p in table:
            if any(_domain_matches(dom, s) for s in p.hosts):
                return p
    for raw in (*remote_hosts, local_host):
        host = _clean_host(raw)
        if not host:
            continue
        for p in table:
            if any(_host_matches(host, s) for s in p.hosts):
                return p
    local = _clean_host(local_host)
    if local:
        for p in table:
            if any(r.fullmatch(local) for r in p.reporting):
                return p
    sender = _clean_host(reporter)
    if sender and not any(_clean_host(h) for h in remote_hosts):
        # No remote host took part (a DNS failure, a local refusal): the reporting system's
        # own wording is what the report carries.
        for p in table:
            if any(_domain_matches(sender, s) for s in p.hosts):
                return p
    return None


def _by_code(p: Provider, text: str) -> tuple[str, str] | None:
    for rule in p.codes:
        for m in rule.pattern.finditer(text):
            code = m.group(1)
            if rule.last_digits:
                digits = ""
                for ch in reversed(code):
                    if not "0" <= ch <= "9":
                        break
                    digits = ch + digits
                code = digits[-rule.last_digits :] if len(digits) >= rule.last_digits else ""
                if not code:
                    continue
            found = rule.table.get(code)
            if found is None and rule.ranges and ascii_digits(code):
                n = int(code)
                found = next((r for lo, hi, r in rule.ranges if lo <= n <= hi), None)
            if found:
                return found, m.group(0).strip()
    return None


def _same(want: str, got: str | None, any_class: bool) -> bool:
    if got is None:
        return False
    return want[1:] == got[1:] if any_class else want == got


def provider_reason(
    p: Provider,
    diagnostic: str | None,
    status: str | None,
    reply: str | None,
    command: str | None,
) -> tuple[str, str] | None:
    """The reason the provider's own codes or wording give, and what matched, or ``None``.

    What matched is said in words for the explanation: the provider's code as written, its
    meaning of a status code, a phrase of its documented wording, or the SMTP stage.
    """
    if not diagnostic:
        return None
    found = _by_code(p, diagnostic)
    if found:
        return found[0], f'its documented code "{found[1]}"'
    if status and status in p.status:
        return p.status[status], f"its meaning of status {status}"
    low = " ".join(diagnostic.lower().split())
    permanent = None
    first = (status or reply or "")[:1]
    if first in ("4", "5"):
        permanent = first == "5"
    for rule in p.phrases:
        if rule.reply is not None and not _same(rule.reply, reply, rule.any_class):
            continue
        if rule.status is not None and not _same(rule.status, status, rule.any_class):
            continue
        if rule.permanent is not None and rule.permanent != permanent:
            continue
        for ph in rule.phrases:
            if ph in low:
                return rule.reason, f'its wording "{ph}"'
    for st, cmd, reason in p.stages:
        if st == status and cmd == command:
            return reason, f"status {st} in reply to {cmd}"
    return None
