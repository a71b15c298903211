"""ARC chain validation (RFC 8617 section 5.2) over the byte layer shared with DKIM.

dkimpy's ``arc_verify`` cannot be used as is (tech-notes section 2.3): it returns ``None``
for a sealed ``cv=fail``, raises ``IndexError`` on valid spellings such as
``ARC-Message-Signature:i=3;``, has no "as of" clock, looks keys up through its own DNS code
and names the newest seal instead of the one that broke. This module therefore runs the
RFC 8617 steps itself: the sets are gathered and their tags read in :mod:`._arc_sets`, keys
come through the caller's :class:`~headerlens.resolvers.Resolver` (:mod:`._arc_keys`), and
every hash and signature check goes through :mod:`._sigbytes` and :mod:`._sigkeys`, the
same code DKIM uses.

The result of :func:`validate_chain` is a plain :class:`ChainOutcome`; the public models are
built from it in :mod:`headerlens.auth.arc`.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from headerlens.auth._arc_keys import ArcKeys
from headerlens.auth._arc_sets import (
    AAR,
    AMS,
    ARC_NAMES,
    MAX_INSTANCE,
    SEAL,
    ChainOutcome,
    InstanceOutcome,
    group_sets,
    read_ams_tags,
    read_seal_tags,
)
from headerlens.auth._sigbody import SignedMessage
from headerlens.auth._sigbytes import (
    b64decode,
    canonical_header,
    header_data,
    parse_tag_list,
    select,
    signature_field_data,
    split_colon_list,
)
from headerlens.auth._sigkeys import rsa_verify
from headerlens.resolvers import Resolver

__all__ = [
    "AAR",
    "AMS",
    "ARC_NAMES",
    "MAX_INSTANCE",
    "SEAL",
    "ChainOutcome",
    "InstanceOutcome",
    "validate_chain",
]


def validate_chain(
    signed: SignedMessage,
    *,
    resolver: Resolver,
    as_of: dt.datetime,
    max_sets: int = MAX_INSTANCE,
    max_queries: int = 2 * MAX_INSTANCE,
) -> ChainOutcome:
    """Validate the ARC chain of a message (RFC 8617 section 5.2) and explain each instance.

    ``signed`` holds the header fields and the body (``has_body`` false for a header-only
    message: body hashes then are not checked). At most ``max_queries`` distinct keys are
    looked up.
    """
    out = ChainOutcome(body_checked=signed.has_body)
    positions = sorted(p for name in ARC_NAMES for p in signed.index.get(name, ()))
    arc_fields = [signed.fields[p] for p in positions]
    if not arc_fields:
        return out
    sets = group_sets(out, arc_fields)
    highest = len(out.instances)
    if highest > max_sets:
        return _finish_too_many(out, highest, max_sets)
    now = int(as_of.timestamp())
    for inst in out.instances:
        read_seal_tags(inst, now)
        read_ams_tags(inst, now)
    keys = ArcKeys(resolver, max_queries)
    for inst in out.instances:
        _verify_ams(inst, signed, keys, sets)
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


def _verify_ams(
    inst: InstanceOutcome,
    signed: SignedMessage,
    keys: ArcKeys,
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
    inst.ams_bh = b64decode(tags[b"bh"])
    if signed.has_body:
        limit = int(tags[b"l"]) if b"l" in tags else None
        inst.ams_body_ok = signed.body_digest(relaxed_body, "sha256", limit).digest == inst.ams_bh
        if not inst.ams_body_ok:
            inst.ams_problems.append(f"{label} body hash does not match: the body changed")
    rsa = _public_key(inst, tags, keys, inst.ams_problems, label)
    if rsa is None:
        inst.ams_valid = False
        return
    # Fields of newer ARC sets did not exist when this one was made.
    newer = {
        pos
        for n, s in sets.items()
        if n > inst.instance
        for f in (s.aar, s.ams, s.seal)
        if f is not None and (pos := signed.position(f.index)) is not None
    }
    names = split_colon_list(tags[b"h"])
    chosen = select(signed.fields, names, signed.index, drop=newer)
    data = header_data(signed.fields, chosen, inst.ams, relaxed_head)
    signature = b64decode(tags[b"b"]) or b""
    inst.ams_header_ok = rsa_verify(rsa, "sha256", hashlib.sha256(data).digest(), signature)
    if not inst.ams_header_ok:
        inst.ams_problems.append(
            f"{label} signature does not verify: a signed header field changed"
            if inst.ams_body_ok is not False
            else f"{label} signature does not verify"
        )
    if not signed.has_body:
        inst.ams_valid = inst.ams_header_ok
    else:
        inst.ams_valid = bool(inst.ams_header_ok and inst.ams_body_ok)


def _public_key(
    inst: InstanceOutcome,
    tags: dict[bytes, bytes],
    keys: ArcKeys,
    problems: list[str],
    label: str,
) -> tuple[int, int] | None:
    """The RSA key named by ``s=`` and ``d=`` (RFC 8617 section 5.1.1 step 3, RFC 6376 6.1.2),
    or ``None`` with the reason added to ``problems`` (a DNS failure makes the set temporary)."""
    key = keys.get(tags[b"s"], tags[b"d"])
    if key.rsa is None:
        problems.append(f"{label}: {key.problem}")
        inst.temporary = inst.temporary or key.temporary
    return key.rsa


def _verify_seal(inst: InstanceOutcome, chain: list[InstanceOutcome], keys: ArcKeys) -> None:
    """RFC 8617 section 5.1.1: the seal covers every ARC set up to its own, in order."""
    if inst.seal is None or inst.seal_valid is False:
        return
    label = f"ARC-Seal i={inst.instance}"
    earlier = chain[: inst.instance]
    parts: list[bytes] = []
    for s in earlier:
        if s.aar is None or s.ams is None or s.seal is None:
            inst.seal_problems.append(
                f"{label} cannot be checked: an earlier ARC set is incomplete"
            )
            return
        parts += (canonical_header(s.aar, True), canonical_header(s.ams, True))
        if s is not inst:
            parts.append(canonical_header(s.seal, True))
    tags = parse_tag_list(inst.seal.value)
    rsa = _public_key(inst, tags, keys, inst.seal_problems, label)
    if rsa is None:
        inst.seal_valid = False
        return
    parts.append(signature_field_data(inst.seal, True))
    signature = b64decode(tags[b"b"]) or b""
    digest = hashlib.sha256(b"".join(parts)).digest()
    inst.seal_valid = rsa_verify(rsa, "sha256", digest, signature)
    if not inst.seal_valid:
        inst.seal_problems.append(f"{label} signature does not verify")


def _decide(out: ChainOutcome) -> None:
    """RFC 8617 section 5.2, steps 2 to 6, plus where the chain broke."""
    out.cv = "fail"
    if out.structural or not out.instances:
        _fail_structure(out)
        return
    for step in (_sealed_fail, _seal_tags, _newest_ams):
        if step(out):
            return
    # Step 4: oldest-pass (the oldest instance from which every AMS still verifies).
    chain = out.instances
    oldest = chain[-1].instance
    for inst in reversed(chain[:-1]):
        if inst.ams_valid is not True:
            break
        oldest = inst.instance
    if _seals(out) or _claimed_cv(out):
        return
    _pass(out, oldest)


def _fail_structure(out: ChainOutcome) -> None:
    """Step 1: a malformed chain (no instance at all: every instance number unreadable)."""
    chain = out.instances
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


def _sealed_fail(out: ChainOutcome) -> bool:
    """Step 2: a sealer declared the chain failed (cv=fail)."""
    chain = out.instances
    newest = chain[-1]
    failed_claims = [i for i in chain if i.cv == "fail"]
    if newest.cv != "fail" and not failed_claims:
        return False
    first = failed_claims[0] if failed_claims else newest
    out.code = "sealed_fail"
    out.reason = (
        f"instance {first.instance} ({first.seal_domain or 'unknown sealer'}) sealed the "
        "chain with cv=fail: it had already failed there"
    )
    out.broken_at = first.instance
    return True


def _seal_tags(out: ChainOutcome) -> bool:
    """Tag problems of seals (h=, bad a=, ...) are structural for the chain."""
    for inst in out.instances:
        if inst.seal_tags_bad:
            out.code = "seal_malformed"
            out.reason = inst.seal_problems[0]
            out.broken_at = inst.instance
            return True
    return False


def _newest_ams(out: ChainOutcome) -> bool:
    """Step 3: the newest ARC-Message-Signature must validate."""
    newest = out.instances[-1]
    if newest.ams_valid is True:
        return False
    out.code = "newest_ams_invalid" if not newest.temporary else "key_unavailable"
    detail = (
        newest.ams_problems[0]
        if newest.ams_problems
        else f"ARC-Message-Signature i={newest.instance} was not checked"
    )
    out.reason = f"{detail} (the newest ARC-Message-Signature must verify)"
    out.broken_at = newest.instance
    return True


def _seals(out: ChainOutcome) -> bool:
    """Step 5: every seal must validate."""
    bad_seals = [i for i in out.instances if i.seal_valid is not True]
    if not bad_seals:
        return False
    first = bad_seals[0]
    temporary = any(i.temporary for i in bad_seals)
    out.code = "key_unavailable" if temporary else "seal_invalid"
    out.reason = (
        first.seal_problems[0]
        if first.seal_problems
        else f"ARC-Seal i={first.instance} was not checked"
    )
    out.broken_at = first.instance
    return True


def _claimed_cv(out: ChainOutcome) -> bool:
    """Step 5 (continued): each sealer must claim the cv its position calls for."""
    for inst in out.instances:
        want = "none" if inst.instance == 1 else "pass"
        if inst.cv != want:
            out.code = "wrong_cv"
            out.reason = (
                f"ARC-Seal i={inst.instance} claims cv={inst.cv}, but instance "
                f"{inst.instance} must say cv={want}"
            )
            out.broken_at = inst.instance
            return True
    return False


def _pass(out: ChainOutcome, oldest: int) -> None:
    """Step 6: the chain passes; say from which instance on the message is unchanged."""
    newest = out.instances[-1]
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
