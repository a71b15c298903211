"""Each DKIM selector's key now against the key the signature was checked with
(RFC 6376 section 3.6.1 key records, 3.6.2.2 lookups)."""

from __future__ import annotations

import hashlib

from headerlens.auth.models import DkimResult
from headerlens.checks._dns import FAILED, NO_DATA, CheckResolver
from headerlens.checks.models import DkimKeyCheck

__all__ = ["check_dkim_keys", "key_tags"]


def key_tags(record: str) -> dict[str, str]:
    """The ``tag=value`` pairs of a key record (whitespace inside values removed)."""
    out: dict[str, str] = {}
    for part in record.split(";"):
        k, eq, v = part.partition("=")
        if eq:
            out.setdefault(k.strip().lower(), "".join(v.split()))
    return out


def _is_key(record: str) -> bool:
    tags = key_tags(record)
    return "p" in tags and tags.get("v", "DKIM1") == "DKIM1"


def _fingerprint(p: str | None) -> str | None:
    if not p:
        return None
    return "sha256:" + hashlib.sha256(p.encode("ascii", "replace")).hexdigest()[:16]


def check_dkim_keys(
    dns: CheckResolver, results: tuple[DkimResult, ...], limit: int
) -> tuple[DkimKeyCheck, ...]:
    """One :class:`DkimKeyCheck` per signature (at most ``limit``)."""
    return tuple(_one(dns, r) for r in results[:limit])


def _one(dns: CheckResolver, sig: DkimResult) -> DkimKeyCheck:
    domain = (sig.domain or "").strip().rstrip(".").lower()
    selector = (sig.selector or "").strip()
    then_record = sig.key.record if sig.key is not None and sig.key.outcome == "answer" else None
    p_then = key_tags(then_record).get("p") if then_record else None
    base = {
        "header_index": sig.header_index,
        "domain": sig.domain,
        "selector": sig.selector,
        "verified_then": sig.result == "pass",
        "result_then": sig.result,
        "key_then": _fingerprint(p_then),
    }
    if not domain or not selector or any(c.isspace() for c in domain + selector):
        return DkimKeyCheck(
            **base,
            status="not_checked",
            note="The signature names no usable domain and selector.",
        )
    name = f"{selector}._domainkey.{domain}"
    lookup = dns.resolve(name, "TXT")
    keys = [r for r in lookup.records if _is_key(r)] if lookup.outcome == "answer" else []
    record = keys[0] if keys else None
    tags = key_tags(record) if record else {}
    p_now = tags.get("p")
    status: str
    if lookup.outcome in FAILED:
        status = "unavailable"
        note = f"The key lookup {name} gave no answer ({lookup.outcome})."
    elif lookup.outcome in NO_DATA or record is None:
        status = "removed"
        note = (
            f"No key is published at {name} now: new mail signed with selector {selector}"
            " fails DKIM, and this message can no longer be verified."
        )
    elif not p_now:
        status = "revoked"
        note = f"The key at {name} is revoked (empty p=)."
    elif p_then is None:
        status = "published"
        note = f"A key is published at {name}; the signature was not checked with a key then."
    elif p_now == p_then:
        status = "same"
        note = f"The key at {name} is the one the signature was checked with."
    else:
        status = "rotated"
        note = (
            f"The key at {name} is not the one the signature was checked with: the selector"
            " was rotated, so this message no longer verifies."
        )
    return DkimKeyCheck(
        **base,
        name=name,
        outcome=lookup.outcome,
        status=status,
        key_now=_fingerprint(p_now),
        record_now=record,
        key_type_now=(tags.get("k") or "rsa") if record else None,
        testing_now="y" in tags.get("t", "").split(":"),
        note=note,
    )
