"""ARC chain validation (RFC 8617 section 5.2) on dkimpy's RSA primitives.

dkimpy's ``arc_verify`` cannot be used as is (tech-notes section 2.3): it returns ``None``
for a sealed ``cv=fail``, raises ``IndexError`` on valid spellings such as
``ARC-Message-Signature:i=3;``, has no "as of" clock, looks keys up through its own DNS code
and names the newest seal instead of the one that broke. This module therefore runs the
RFC 8617 steps itself and borrows from dkimpy only the key parser and the RSASSA-PKCS1-v1_5
check. Keys come through the caller's :class:`~headerlens.resolvers.Resolver`.

The result of :func:`validate_chain` is a plain :class:`ChainOutcome`; the public models are
built from it in :mod:`headerlens.auth.arc`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from headerlens.auth.arc_canon import (
    RawField,
    TagListError,
    canonical_body,
    lenient_tag,
    parse_tag_list,
    relaxed_header,
    select_headers,
    simple_header,
    split_h_tag,
    strip_b_value,
)
from headerlens.resolvers import Resolver

__all__ = ["ARC_NAMES", "MAX_INSTANCE", "ChainOutcome", "InstanceOutcome", "validate_chain"]

#: RFC 8617 section 4.2.1: i= runs from 1 to 50.
MAX_INSTANCE = 50
#: Seconds a t= may lie in the future of the as-of time (clock skew between MTAs).
FUTURE_SLOP = 36_000
#: Smallest RSA key accepted (RFC 8301 section 3.2), largest we spend CPU on.
MIN_KEY_BITS = 1024
MAX_KEY_BITS = 16_384

AAR = b"arc-authentication-results"
AMS = b"arc-message-signature"
SEAL = b"arc-seal"
ARC_NAMES = (AAR, AMS, SEAL)
_LABEL = {AAR: "ARC-Authentication-Results", AMS: "ARC-Message-Signature", SEAL: "ARC-Seal"}
_B64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_FWS = b" \t\r\n"
_DOMAIN_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")


@dataclass
class InstanceOutcome:
    """Everything learnt about one ARC set; ``None`` = not checked."""

    instance: int
    aar: RawField | None = None
    ams: RawField | None = None
    seal: RawField | None = None
    seal_domain: str | None = None
    seal_selector: str | None = None
    seal_t: int | None = None
    seal_valid: bool | None = None
    ams_domain: str | None = None
    ams_selector: str | None = None
    ams_t: int | None = None
    ams_valid: bool | None = None
    ams_body_ok: bool | None = None
    ams_header_ok: bool | None = None
    ams_bh: bytes | None = None
    ams_body_relaxed: bool = True
    ams_h: tuple[str, ...] = ()
    cv: str | None = None
    structure: list[str] = field(default_factory=list)
    ams_problems: list[str] = field(default_factory=list)
    seal_problems: list[str] = field(default_factory=list)
    temporary: bool = False
    seal_tags_bad: bool = False
    defects: list[tuple[str, str, int | None]] = field(default_factory=list)

    @property
    def reasons(self) -> tuple[str, ...]:
        return (*self.structure, *self.ams_problems, *self.seal_problems)


@dataclass
class ChainOutcome:
    """The chain as RFC 8617 section 5.2 sees it."""

    cv: str = "none"
    reason: str = "no ARC header fields"
    code: str = "no_arc"
    instances: list[InstanceOutcome] = field(default_factory=list)
    oldest_pass: int | None = None
    broken_at: int | None = None
    structural: list[tuple[str, str, int | None]] = field(default_factory=list)
    body_checked: bool = True


# --------------------------------------------------------------------------- keys


@dataclass(frozen=True)
class _Key:
    pk: dict[str, int] | None
    problem: str | None = None
    temporary: bool = False


class _Keys:
    """Looks keys up through the resolver, once per name (sealers reuse their selector)."""

    def __init__(self, resolver: Resolver, max_queries: int) -> None:
        self.resolver = resolver
        self.cache: dict[str, _Key] = {}
        self.max_queries = max_queries

    def get(self, selector: bytes, domain: bytes) -> _Key:
        if not _dns_label_ok(selector) or not _dns_label_ok(domain):
            return _Key(None, "s= or d= is not a usable DNS name")
        name = f"{selector.decode('ascii')}._domainkey.{domain.decode('ascii')}".lower()
        if name not in self.cache:
            if len(self.cache) >= self.max_queries:
                return _Key(None, f"key {name} not looked up (DNS query limit reached)", True)
            self.cache[name] = self._fetch(name)
        return self.cache[name]

    def _fetch(self, name: str) -> _Key:
        try:
            lookup = self.resolver.resolve(name, "TXT")
        except Exception as exc:  # the protocol says never raises; a bad plug-in might
            return _Key(None, f"key lookup for {name} failed: {type(exc).__name__}", True)
        outcome = lookup.outcome
        if outcome == "not_looked_up":
            return _Key(None, f"key {name} not looked up (offline)", True)
        if outcome in ("servfail", "timeout", "error"):
            return _Key(None, f"key lookup for {name} failed ({outcome}): temperror", True)
        if outcome != "answer" or not lookup.records:
            return _Key(None, f"no key published at {name} ({outcome})")
        return _parse_key(name, lookup.records[0])


def _dns_label_ok(value: bytes) -> bool:
    return 0 < len(value) <= 253 and all(c in _DOMAIN_CHARS for c in value)


def _parse_key(name: str, record: str) -> _Key:
    """Read a DKIM key record (RFC 6376 section 3.6.1) as an RSA key usable for ARC."""
    from dkim.crypto import parse_public_key

    try:
        tags = parse_tag_list(record.encode("utf-8", "replace"))
    except TagListError as exc:
        return _Key(None, f"key record at {name} is malformed ({exc})")
    if tags.get(b"v", b"DKIM1") != b"DKIM1":
        return _Key(None, f"key record at {name} has v= other than DKIM1")
    if tags.get(b"k", b"rsa").lower() != b"rsa":
        return _Key(None, f"key at {name} is not an RSA key (ARC uses rsa-sha256)")
    if b"h" in tags and b"sha256" not in split_h_tag(tags[b"h"]):
        return _Key(None, f"key at {name} does not allow sha256 (h=)")
    services = split_h_tag(tags.get(b"s", b"*"))
    if b"*" not in services and b"email" not in services:
        return _Key(None, f"key at {name} is not for email (s=)")
    p = bytes(c for c in tags.get(b"p", b"") if c not in _FWS)
    if not p:
        return _Key(None, f"key at {name} is revoked (empty p=)")
    try:
        pk: dict[str, int] = parse_public_key(base64.b64decode(p, validate=True))
        bits = pk["modulus"].bit_length()
    except Exception:
        return _Key(None, f"key at {name} cannot be parsed as an RSA public key")
    if bits < MIN_KEY_BITS:
        return _Key(None, f"key at {name} is too small ({bits} bits, minimum {MIN_KEY_BITS})")
    if bits > MAX_KEY_BITS or pk["publicExponent"].bit_length() > 64:
        return _Key(None, f"key at {name} is implausibly large ({bits} bits)")
    return _Key(pk)


def _rsa_ok(pk: dict[str, int], digest: Any, signature: bytes) -> bool:
    from dkim.crypto import RSASSA_PKCS1_v1_5_verify

    try:
        return bool(RSASSA_PKCS1_v1_5_verify(digest, signature, pk))
    except Exception:
        return False


# --------------------------------------------------------------------------- tags


def _aar_instance(value: bytes) -> int | str:
    """The instance of an AAR: the value must start with ``i=N;`` (RFC 8617 section 4.1.1)."""
    rest = value.lstrip(_FWS)
    if not rest.startswith(b"i"):
        return "does not start with i="
    rest = rest[1:].lstrip(_FWS)
    if not rest.startswith(b"="):
        return "does not start with i="
    digits, semi, _ = rest[1:].partition(b";")
    if not semi:
        return "has no ';' after i="
    return _instance_number(digits.strip(_FWS))


def _instance_number(raw: bytes | None) -> int | str:
    if raw is None:
        return "has no i= tag"
    if not raw or not raw.isdigit() or not raw.isascii():
        return f"has an i= value that is not a number ({raw.decode('latin-1')[:20]!r})"
    if len(raw) > 3 or not 1 <= int(raw) <= MAX_INSTANCE:
        return f"has i={raw.decode('ascii')[:10]}, outside 1-{MAX_INSTANCE}"
    return int(raw)


def _b64(value: bytes) -> bytes | None:
    compact = bytes(c for c in value if c not in _FWS)
    if not compact or any(c not in _B64 for c in compact):
        return None
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None


def _common_tags(
    tags: dict[bytes, bytes], required: Sequence[bytes], label: str, as_of: int
) -> list[str]:
    """RFC 8617 4.1.2/4.1.3 tag checks shared by ARC-Seal and ARC-Message-Signature."""
    problems = [f"{label} has no {t.decode()}= tag" for t in required if t not in tags]
    if problems:
        return problems
    if tags[b"a"] != b"rsa-sha256":
        problems.append(
            f"{label} uses a={tags[b'a'].decode('latin-1')[:30]!r}: ARC allows only rsa-sha256"
        )
    if _b64(tags[b"b"]) is None:
        problems.append(f"{label} b= is empty or not base64")
    if not _dns_label_ok(tags[b"d"]):
        problems.append(f"{label} d= is not a domain name")
    if not _dns_label_ok(tags[b"s"]):
        problems.append(f"{label} s= is not a selector name")
    if b"t" in tags:
        t = tags[b"t"]
        if not t.isdigit() or not t.isascii() or len(t) > 12:
            problems.append(f"{label} t= is not a number")
        elif int(t) > as_of + FUTURE_SLOP:
            problems.append(f"{label} t= lies in the future of the as-of time")
    return problems


# --------------------------------------------------------------------------- the chain


def validate_chain(
    fields: Sequence[RawField],
    body: bytes | None,
    *,
    resolver: Resolver,
    as_of: dt.datetime,
    max_sets: int = MAX_INSTANCE,
    max_queries: int = 2 * MAX_INSTANCE,
) -> ChainOutcome:
    """Validate the ARC chain of a message (RFC 8617 section 5.2) and explain each instance.

    ``fields`` are all header fields top to bottom; ``body`` the body with CRLF line ends,
    or ``None`` for a header-only message (body hashes then are not checked). At most
    ``max_queries`` distinct keys are looked up.
    """
    out = ChainOutcome(body_checked=body is not None)
    arc_fields = [f for f in fields if f.lname in ARC_NAMES]
    if not arc_fields:
        return out

    sets: dict[int, InstanceOutcome] = {}
    for f in arc_fields:
        label = _LABEL[f.lname]
        if f.lname == AAR:
            number = _aar_instance(f.value)
        else:
            number = _instance_number(lenient_tag(f.value, b"i"))
        if isinstance(number, str):
            out.structural.append(
                ("invalid_instance", f"the {label} at header {f.index} {number}", f.index)
            )
            continue
        inst = sets.setdefault(number, InstanceOutcome(number))
        slot = {AAR: "aar", AMS: "ams", SEAL: "seal"}[f.lname]
        if getattr(inst, slot) is not None:
            inst.structure.append(f"instance {number} has more than one {label}")
            out.structural.append(
                ("duplicate", f"instance {number} has more than one {label}", f.index)
            )
            continue
        setattr(inst, slot, f)

    highest = max(sets) if sets else 0
    out.instances = [sets.get(i) or InstanceOutcome(i) for i in range(1, highest + 1)]
    for inst in out.instances:
        if inst.instance not in sets:
            inst.structure.append(f"instance {inst.instance} is missing entirely")
            out.structural.append(
                ("gap", f"instance {inst.instance} is missing (the chain has a gap)", None)
            )
            continue
        for slot, name in (("aar", AAR), ("ams", AMS), ("seal", SEAL)):
            if getattr(inst, slot) is None:
                text = f"instance {inst.instance} has no {_LABEL[name]}"
                inst.structure.append(text)
                out.structural.append(("incomplete", text, None))

    if highest > max_sets:
        return _finish_too_many(out, highest, max_sets)

    now = int(as_of.timestamp())
    by_index = list(fields)
    for inst in out.instances:
        _read_seal_tags(inst, now)
        _read_ams_tags(inst, now)
    keys = _Keys(resolver, max_queries)
    body_cache: dict[tuple[bool, int | None], bytes] = {}
    for inst in out.instances:
        _verify_ams(inst, by_index, body, keys, body_cache, sets)
        _verify_seal(inst, out.instances, keys)
    _decide(out)
    return out


def _finish_too_many(out: ChainOutcome, highest: int, max_sets: int) -> ChainOutcome:
    out.cv = "fail"
    out.code = "too_many_sets"
    out.reason = f"the chain has {highest} ARC sets, more than the limit of {max_sets}"
    out.broken_at = max_sets + 1
    out.structural.append(("too_many", out.reason, None))
    return out


def _read_seal_tags(inst: InstanceOutcome, now: int) -> None:
    if inst.seal is None:
        return
    label = f"ARC-Seal i={inst.instance}"
    try:
        tags = parse_tag_list(inst.seal.value)
    except TagListError as exc:
        inst.seal_problems.append(f"{label} is not a valid tag list ({exc})")
        inst.seal_valid = False
        inst.seal_tags_bad = True
        inst.defects.append(("malformed_tags", inst.seal_problems[-1], inst.seal.index))
        inst.seal_domain = _text(lenient_tag(inst.seal.value, b"d"))
        inst.seal_selector = _text(lenient_tag(inst.seal.value, b"s"))
        inst.cv = _text(lenient_tag(inst.seal.value, b"cv"))
        return
    inst.seal_domain = _text(tags.get(b"d"))
    inst.seal_selector = _text(tags.get(b"s"))
    inst.cv = _text(tags.get(b"cv"))
    t = tags.get(b"t")
    inst.seal_t = int(t) if t is not None and t.isdigit() and len(t) <= 12 else None
    problems = _common_tags(tags, (b"i", b"a", b"b", b"cv", b"d", b"s"), label, now)
    if b"h" in tags:
        problems.append(f"{label} carries h=, which RFC 8617 section 4.1.3 forbids")
    if b"cv" in tags and tags[b"cv"] not in (b"none", b"pass", b"fail"):
        problems.append(f"{label} has an invalid cv= value")
    if problems:
        inst.seal_problems.extend(problems)
        inst.seal_valid = False
        inst.seal_tags_bad = True
        for text in problems:
            if "future" in text:
                continue
            code = "seal_has_h" if "carries h=" in text else "malformed_tags"
            inst.defects.append((code, text, inst.seal.index))


def _read_ams_tags(inst: InstanceOutcome, now: int) -> None:
    if inst.ams is None:
        return
    label = f"ARC-Message-Signature i={inst.instance}"
    try:
        tags = parse_tag_list(inst.ams.value)
    except TagListError as exc:
        inst.ams_problems.append(f"{label} is not a valid tag list ({exc})")
        inst.ams_valid = False
        inst.defects.append(("malformed_tags", inst.ams_problems[-1], inst.ams.index))
        inst.ams_domain = _text(lenient_tag(inst.ams.value, b"d"))
        inst.ams_selector = _text(lenient_tag(inst.ams.value, b"s"))
        return
    inst.ams_domain = _text(tags.get(b"d"))
    inst.ams_selector = _text(tags.get(b"s"))
    t = tags.get(b"t")
    inst.ams_t = int(t) if t is not None and t.isdigit() and len(t) <= 12 else None
    problems = _common_tags(tags, (b"i", b"a", b"b", b"bh", b"d", b"h", b"s"), label, now)
    if b"h" in tags:
        names = split_h_tag(tags[b"h"])
        inst.ams_h = tuple(n.decode("latin-1") for n in names)
        if SEAL in names:
            problems.append(f"{label} signs ARC-Seal in h=, which RFC 8617 4.1.2 forbids")
    if b"bh" in tags and _b64(tags[b"bh"]) is None:
        problems.append(f"{label} bh= is empty or not base64")
    c = tags.get(b"c", b"relaxed/relaxed")
    head, _, tail = c.partition(b"/")
    if head not in (b"simple", b"relaxed") or (tail or b"simple") not in (b"simple", b"relaxed"):
        problems.append(f"{label} has an invalid c= value")
    if b"x" in tags:
        x = tags[b"x"]
        if not x.isdigit() or len(x) > 12:
            problems.append(f"{label} x= is not a number")
        elif int(x) < now:
            problems.append(f"{label} expired (x=) before the as-of time")
    if b"l" in tags and (not tags[b"l"].isdigit() or len(tags[b"l"]) > 12):
        problems.append(f"{label} l= is not a number")
    if problems:
        inst.ams_problems.extend(problems)
        inst.ams_valid = False
        for text in problems:
            if "expired" not in text and "future" not in text:
                inst.defects.append(("malformed_tags", text, inst.ams.index))


def _text(value: bytes | None) -> str | None:
    if value is None:
        return None
    return value.decode("utf-8", "replace").lower() or None


def _verify_ams(
    inst: InstanceOutcome,
    fields: list[RawField],
    body: bytes | None,
    keys: _Keys,
    body_cache: dict[tuple[bool, int | None], bytes],
    sets: dict[int, InstanceOutcome],
) -> None:
    """RFC 8617 section 5.1.2: the AMS is checked as a DKIM signature (RFC 6376 6.1)."""
    if inst.ams is None or inst.ams_valid is False:
        return
    label = f"ARC-Message-Signature i={inst.instance}"
    tags = parse_tag_list(inst.ams.value)
    head, _, tail = tags.get(b"c", b"relaxed/relaxed").partition(b"/")
    relaxed_head = head == b"relaxed"
    relaxed_body = (tail or b"simple") == b"relaxed"
    inst.ams_body_relaxed = relaxed_body
    inst.ams_bh = _b64(tags[b"bh"])
    if body is not None:
        limit = int(tags[b"l"]) if b"l" in tags else None
        key = (relaxed_body, limit)
        if key not in body_cache:
            canon = canonical_body(body, relaxed_body)
            body_cache[key] = hashlib.sha256(canon[:limit] if limit is not None else canon).digest()
        inst.ams_body_ok = body_cache[key] == inst.ams_bh
        if not inst.ams_body_ok:
            inst.ams_problems.append(f"{label} body hash does not match: the body changed")
    key_info = keys.get(tags[b"s"], tags[b"d"])
    if key_info.pk is None:
        inst.ams_problems.append(f"{label}: {key_info.problem}")
        inst.temporary = inst.temporary or key_info.temporary
        inst.ams_valid = False
        return
    # Fields of newer ARC sets did not exist when this one was made.
    newer = {
        id(getattr(s, slot))
        for n, s in sets.items()
        if n > inst.instance
        for slot in ("aar", "ams", "seal")
    }
    visible = [f for f in fields if id(f) not in newer]
    names = split_h_tag(tags[b"h"])
    digest = hashlib.sha256()
    canon_header = relaxed_header if relaxed_head else simple_header
    for f in select_headers(visible, names):
        digest.update(canon_header(f.name, f.value))
    own = canon_header(inst.ams.name, strip_b_value(inst.ams.value))
    digest.update(own.rstrip(b" \t\r\n"))
    signature = _b64(tags[b"b"]) or b""
    inst.ams_header_ok = _rsa_ok(key_info.pk, digest, signature)
    if not inst.ams_header_ok:
        inst.ams_problems.append(
            f"{label} signature does not verify: a signed header field changed"
            if inst.ams_body_ok is not False
            else f"{label} signature does not verify"
        )
    if body is None:
        inst.ams_valid = inst.ams_header_ok
    else:
        inst.ams_valid = bool(inst.ams_header_ok and inst.ams_body_ok)


def _verify_seal(inst: InstanceOutcome, chain: list[InstanceOutcome], keys: _Keys) -> None:
    """RFC 8617 section 5.1.1: the seal covers every ARC set up to its own, in order."""
    if inst.seal is None or inst.seal_valid is False:
        return
    label = f"ARC-Seal i={inst.instance}"
    earlier = chain[: inst.instance]
    if any(s.aar is None or s.ams is None or s.seal is None for s in earlier):
        inst.seal_problems.append(f"{label} cannot be checked: an earlier ARC set is incomplete")
        return
    tags = parse_tag_list(inst.seal.value)
    key_info = keys.get(tags[b"s"], tags[b"d"])
    if key_info.pk is None:
        inst.seal_problems.append(f"{label}: {key_info.problem}")
        inst.temporary = inst.temporary or key_info.temporary
        inst.seal_valid = False
        return
    digest = hashlib.sha256()
    for s in earlier:
        if s.aar is None or s.ams is None or s.seal is None:  # checked above; for mypy
            return
        digest.update(relaxed_header(s.aar.name, s.aar.value))
        digest.update(relaxed_header(s.ams.name, s.ams.value))
        if s is inst:
            own = relaxed_header(s.seal.name, strip_b_value(s.seal.value))
            digest.update(own.rstrip(b"\r\n"))
        else:
            digest.update(relaxed_header(s.seal.name, s.seal.value))
    signature = _b64(tags[b"b"]) or b""
    inst.seal_valid = _rsa_ok(key_info.pk, digest, signature)
    if not inst.seal_valid:
        inst.seal_problems.append(f"{label} signature does not verify")


def _decide(out: ChainOutcome) -> None:
    """RFC 8617 section 5.2, steps 2 to 6, plus where the chain broke."""
    chain = out.instances
    out.cv = "fail"
    if out.structural or not chain:
        # (No instance at all: every ARC field had an unreadable instance number.)
        code, text, _ = (
            out.structural[0] if out.structural else ("invalid_instance", "no instance", None)
        )
        out.code = {
            "invalid_instance": "invalid_instance",
            "duplicate": "duplicate_instance",
            "gap": "instance_gap",
            "incomplete": "incomplete_set",
        }.get(code, code)
        out.reason = f"malformed chain: {text}"
        bad = [i.instance for i in chain if i.structure]
        out.broken_at = min(bad) if bad else (chain[-1].instance if chain else None)
        return
    newest = chain[-1]
    # Step 2: a sealer declared the chain failed.
    failed_claims = [i for i in chain if i.cv == "fail"]
    if newest.cv == "fail" or failed_claims:
        first = failed_claims[0] if failed_claims else newest
        out.code = "sealed_fail"
        out.reason = (
            f"instance {first.instance} ({first.seal_domain or 'unknown sealer'}) sealed the "
            "chain with cv=fail: it had already failed there"
        )
        out.broken_at = first.instance
        return
    # Tag problems of seals (h=, bad a=, ...) are structural for the chain.
    for inst in chain:
        if inst.seal_tags_bad:
            out.code = "seal_malformed"
            out.reason = inst.seal_problems[0]
            out.broken_at = inst.instance
            return
    # Step 3: the newest AMS must validate.
    if newest.ams_valid is not True:
        out.code = "newest_ams_invalid" if not newest.temporary else "key_unavailable"
        detail = (
            newest.ams_problems[0]
            if newest.ams_problems
            else f"ARC-Message-Signature i={newest.instance} was not checked"
        )
        out.reason = f"{detail} (the newest ARC-Message-Signature must verify)"
        out.broken_at = newest.instance
        return
    # Step 4: oldest-pass.
    oldest = newest.instance
    for inst in reversed(chain[:-1]):
        if inst.ams_valid is not True:
            break
        oldest = inst.instance
    # Step 5: every seal, and the cv each sealer claimed.
    bad_seals = [i for i in chain if i.seal_valid is not True]
    if bad_seals:
        first = bad_seals[0]
        temporary = any(i.temporary for i in bad_seals)
        out.code = "key_unavailable" if temporary else "seal_invalid"
        out.reason = (
            first.seal_problems[0]
            if first.seal_problems
            else f"ARC-Seal i={first.instance} was not checked"
        )
        out.broken_at = first.instance
        return
    for inst in chain:
        want = "none" if inst.instance == 1 else "pass"
        if inst.cv != want:
            out.code = "wrong_cv"
            out.reason = (
                f"ARC-Seal i={inst.instance} claims cv={inst.cv}, but instance "
                f"{inst.instance} must say cv={want}"
            )
            out.broken_at = inst.instance
            return
    out.cv = "pass"
    out.code = "pass"
    out.oldest_pass = 0 if oldest == 1 else oldest
    out.broken_at = None if oldest == 1 else oldest
    out.reason = f"all {newest.instance} ARC sets validate" + (
        ""
        if oldest == 1
        else f"; the message changed before instance {oldest} sealed it "
        f"(ARC-Message-Signatures older than i={oldest} no longer verify)"
    )
    if not out.body_checked:
        out.reason += " (headers only: body hashes not checked)"
