"""ARC: chain validation (RFC 8617) and what each intermediary did to the message.

:func:`verify_arc` validates the chain of a message and returns an
:class:`~headerlens.auth.models.ArcResult`; :func:`analyze_arc` is the step ``analyze()``
runs, adding findings: who changed the message between which instances, what each sealer
saw, the typical "DMARC fails at the final hop but a valid ARC chain recorded a pass"
forwarding case, a truncated chain, and a broken one. See ``docs/arc.md``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Sequence
from typing import IO

from headerlens._clock import Clock
from headerlens.auth.arc_canon import (
    RawField,
    TagListError,
    body_hash_prefixes,
    canonical_body,
    normalize_newlines,
    parse_tag_list,
)
from headerlens.auth.arc_chain import ChainOutcome, validate_chain
from headerlens.auth.models import (
    ArcAnalysis,
    ArcInstance,
    ArcResult,
    AuthResultsHeader,
    DkimResult,
)
from headerlens.defects import DefectLog
from headerlens.findings import Finding, make_finding
from headerlens.hops.models import TrustBoundary
from headerlens.message import HeaderField, Message
from headerlens.policy import Policy, policy_or_default
from headerlens.resolvers import OfflineResolver, Resolver

__all__ = ["analyze_arc", "verify_arc"]

_DEFECT_CODES = {
    "invalid_instance": "arc.invalid_instance",
    "duplicate": "arc.duplicate_instance",
    "gap": "arc.instance_gap",
    "incomplete": "arc.incomplete_set",
    "too_many": "arc.too_many_sets",
    "malformed_tags": "arc.malformed_tags",
    "seal_has_h": "arc.seal_has_h",
}


# --------------------------------------------------------------------------- public API


def verify_arc(
    source: bytes | str | os.PathLike[str] | IO[bytes] | Message,
    *,
    policy: Policy | None = None,
) -> ArcResult:
    """Validate the ARC chain of a message (RFC 8617 section 5.2).

    ``source`` is anything :func:`headerlens.parse` accepts, or a parsed
    :class:`~headerlens.message.Message`. Keys are looked up through ``policy.resolver``
    (offline when ``None``: the chain then fails with reason code ``key_unavailable``).
    Seal and signature timestamps are judged at ``policy.as_of``, else now (the wall clock is
    read only for a message that has ARC fields). Never raises for malformed input; the
    result's ``reason`` names the instance and the failed check.
    """
    from headerlens.parse import message_of

    policy = policy_or_default(policy, "verify_arc")
    message = message_of(source, policy, "verify_arc")
    resolver = policy.resolver or OfflineResolver()
    log = DefectLog(strict=policy.strict)
    return _verify(message, policy, resolver, None, log)


def analyze_arc(
    message: Message,
    policy: Policy,
    *,
    resolver: Resolver,
    receipt_time: dt.datetime | None,
    dkim: tuple[DkimResult, ...],
    trust: TrustBoundary,
    clock: Clock | None = None,
) -> ArcAnalysis:
    """The ARC step of ``analyze()``: validate the chain and explain it (RFC 8617).

    The as-of time is ``policy.as_of``, else ``receipt_time``, else now. ``dkim`` (the
    DKIM re-verification results) and the trusted Authentication-Results fields (above
    ``trust.header_index``) feed the forwarding findings. ``clock`` is the analysis' wall
    clock, read only when there is a chain to judge and no other time.
    """
    log = DefectLog(strict=policy.strict)
    result = _verify(message, policy, resolver, receipt_time, log, clock)
    try:
        findings = _findings(message, policy, result, dkim, trust)
    except Exception as exc:  # forensics must never take the report down
        findings = [
            make_finding(
                "arc.chain_failed" if result.cv == "fail" else "arc.chain_valid",
                "info",
                f"ARC forensics stopped early ({type(exc).__name__}); the chain result stands",
            )
        ]
    return ArcAnalysis(result=result, findings=tuple(findings))


# --------------------------------------------------------------------------- verification


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ARC_FIELD_NAMES = frozenset(("arc-seal", "arc-message-signature", "arc-authentication-results"))


def _raw_fields(message: Message) -> list[RawField]:
    out: list[RawField] = []
    for h in message.headers:
        raw = normalize_newlines(h.raw_bytes)
        name, colon, value = raw.partition(b":")
        if colon:
            out.append(RawField(h.index, name, value))
    return out


def _as_of(
    policy: Policy, receipt_time: dt.datetime | None, clock: Clock | None
) -> dt.datetime | None:
    """``policy.as_of``, else ``receipt_time``, else the clock (``None`` without one)."""
    if policy.as_of is not None:
        return policy.as_of
    if receipt_time is not None and receipt_time.tzinfo is not None:
        return receipt_time
    return clock.now() if clock is not None else None


def _verify(
    message: Message,
    policy: Policy,
    resolver: Resolver,
    receipt_time: dt.datetime | None,
    log: DefectLog,
    clock: Clock | None = None,
) -> ArcResult:
    # A client's rendition of the body (an Outlook .msg) proves no AMS body hash wrong.
    no_body = message.header_only or (
        message.intake is not None and not message.intake.body_original
    )
    if any(h.name.lower() in _ARC_FIELD_NAMES for h in message.headers):
        fields = _raw_fields(message)
        body = None if no_body else normalize_newlines(message.body)
        as_of = _as_of(policy, receipt_time, clock or Clock())
    else:  # no ARC field: the chain is "none" whatever the rest says; skip copying the message
        fields = []
        body = None if no_body else b""
        as_of = _as_of(policy, receipt_time, None)  # nothing to judge: never read the clock
    try:
        chain = validate_chain(
            fields,
            body,
            resolver=resolver,
            as_of=as_of or _EPOCH,  # unused without ARC fields
            max_sets=min(policy.limits.max_arc_sets, 50),
            max_queries=policy.limits.max_dns_queries,
        )
    except Exception as exc:  # a bug here must not become the caller's exception
        return ArcResult(
            cv="fail",
            reason=f"ARC validation stopped: {type(exc).__name__}: {exc}",
            reason_code="internal_error",
            as_of=as_of,
        )
    if no_body and not message.header_only:
        chain.reason = chain.reason.replace(
            "(headers only: body hashes not checked)",
            "(the body is a mail client's rendition: body hashes not checked)",
        )
    for code, text, index in chain.structural:
        log.add(_DEFECT_CODES[code], text, header_index=index)
    for inst in chain.instances:
        for code, text, index in inst.defects:
            log.add(_DEFECT_CODES[code], text, header_index=index)
    return _to_model(message, chain, as_of, log)


def _to_model(
    message: Message, chain: ChainOutcome, as_of: dt.datetime | None, log: DefectLog
) -> ArcResult:
    by_index = {h.index: h for h in message.headers}
    instances: list[ArcInstance] = []
    trusted_so_far = chain.cv == "pass" or not chain.structural
    for inst in chain.instances:
        trusted_so_far = (
            trusted_so_far
            and not inst.structure
            and inst.seal_valid is True
            and inst.cv == ("none" if inst.instance == 1 else "pass")
        )
        aar = _parse_aar(by_index.get(inst.aar.index) if inst.aar else None, trusted_so_far)
        instances.append(
            ArcInstance(
                instance=inst.instance,
                seal_domain=inst.seal_domain,
                seal_selector=inst.seal_selector,
                seal_valid=inst.seal_valid,
                seal_timestamp=_when(inst.seal_t),
                ams_domain=inst.ams_domain,
                ams_selector=inst.ams_selector,
                ams_valid=inst.ams_valid,
                ams_body_hash_ok=inst.ams_body_ok,
                ams_header_signature_ok=inst.ams_header_ok,
                ams_timestamp=_when(inst.ams_t),
                ams_signed_headers=inst.ams_h,
                cv=inst.cv,
                aar=aar,
                aar_trusted=trusted_so_far and aar is not None,
                authserv_id=aar.authserv_id if aar is not None else None,
                seal_header_index=inst.seal.index if inst.seal else None,
                ams_header_index=inst.ams.index if inst.ams else None,
                aar_header_index=inst.aar.index if inst.aar else None,
                reasons=inst.reasons,
            )
        )
    return ArcResult(
        cv="pass" if chain.cv == "pass" else ("none" if chain.cv == "none" else "fail"),
        reason=chain.reason,
        reason_code=chain.code,
        instances=tuple(instances),
        oldest_pass=chain.oldest_pass,
        broken_at=chain.broken_at,
        body_checked=chain.body_checked,
        as_of=as_of,
        defects=log.defects,
    )


def _when(t: int | None) -> dt.datetime | None:
    if t is None:
        return None
    try:
        return dt.datetime.fromtimestamp(t, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _parse_aar(field: HeaderField | None, trusted: bool) -> AuthResultsHeader | None:
    if field is None:
        return None
    try:
        from headerlens.auth.results import parse_authentication_results

        parsed = parse_authentication_results(field.value)
    except Exception:
        parsed = AuthResultsHeader()
    return parsed.model_copy(update={"header_index": field.index, "trusted": trusted})


# --------------------------------------------------------------------------- forensics


def _sealer(inst: ArcInstance) -> str:
    return inst.seal_domain or inst.authserv_id or f"the sealer of instance {inst.instance}"


def _findings(
    message: Message,
    policy: Policy,
    result: ArcResult,
    dkim: Sequence[DkimResult],
    trust: TrustBoundary,
) -> list[Finding]:
    if result.cv == "none" and not result.instances:
        findings: list[Finding] = []
        findings += _truncation(message, policy, result, trust)
        return findings
    out: list[Finding] = []
    arc_indexes = _arc_indexes(result)
    if result.cv == "pass":
        sealers = ", ".join(dict.fromkeys(_sealer(i) for i in result.instances))
        out.append(
            make_finding(
                "arc.chain_valid",
                "info",
                f"ARC chain of {len(result.instances)} set(s) validates (sealed by {sealers})",
                arc_indexes,
                detail=result.reason,
            )
        )
    elif result.reason_code == "key_unavailable":
        out.append(
            make_finding(
                "arc.not_verified",
                "info",
                "ARC chain could not be verified: a sealer's public key was not available",
                arc_indexes,
                detail=result.reason,
            )
        )
    else:
        where = f" at instance {result.broken_at}" if result.broken_at is not None else ""
        out.append(
            make_finding(
                "arc.chain_failed",
                "warning",
                f"ARC chain fails{where}: {result.reason}",
                arc_indexes,
            )
        )
    out += _modifications(message, result, dkim)
    out += _hop_results(result)
    out += _forwarding(message, policy, result, dkim, trust)
    out += _truncation(message, policy, result, trust)
    return out


def _arc_indexes(result: ArcResult) -> tuple[int, ...]:
    idx: list[int] = []
    for i in result.instances:
        idx += [
            x
            for x in (i.seal_header_index, i.ams_header_index, i.aar_header_index)
            if x is not None
        ]
    return tuple(idx)


def _dkim_body_hash(message: Message, r: DkimResult) -> tuple[bytes, bool] | None:
    """The bh= and body canonicalization of the DKIM-Signature ``r`` (no l=), if readable."""
    import base64

    field = next((h for h in message.headers if h.index == r.header_index), None)
    if field is None:
        return None
    raw = normalize_newlines(field.raw_bytes).partition(b":")[2]
    try:
        tags = parse_tag_list(raw)
        if b"l" in tags:
            return None
        bh = base64.b64decode(b"".join(tags[b"bh"].split()), validate=True)
    except (TagListError, KeyError, ValueError):
        return None
    c = tags.get(b"c", b"simple/simple")
    return bh, (c.partition(b"/")[2] or b"simple") == b"relaxed"


class _Bodies:
    """What body each signer saw, as "the first N canonical lines of the current body".

    A signer's bh= is compared with the hash of every line-prefix of the current body under
    the signer's own canonicalization, so signatures with different c= can be compared.
    """

    def __init__(self, message: Message) -> None:
        self.body = None if message.header_only else normalize_newlines(message.body)
        self._prefixes: dict[bool, dict[bytes, int]] = {}
        self._totals: dict[bool, int] = {}

    def state(self, signed: tuple[bytes, bool] | None) -> int | None:
        """Lines of the current body the signer covered, or ``None`` when not a prefix."""
        if signed is None or self.body is None:
            return None
        bh, relaxed = signed
        if relaxed not in self._prefixes:
            self._prefixes[relaxed] = body_hash_prefixes(self.body, relaxed)
            canon = canonical_body(self.body, relaxed)
            self._totals[relaxed] = canon.count(b"\r\n") if canon != b"\r\n" else 0
        return self._prefixes[relaxed].get(bh)

    def appended(self, signed: tuple[bytes, bool] | None) -> str | None:
        """ "appended text (N lines ...)" when the signer saw a strict prefix of the body."""
        kept = self.state(signed)
        if kept is None or signed is None:
            return None
        lines = self._totals[signed[1]] - kept
        if lines <= 0:
            return None
        return f"appended text ({lines} line{'s' if lines != 1 else ''} at the end of the body)"


def _ams_body_hashes(
    message: Message, chain: Sequence[ArcInstance]
) -> dict[int, tuple[bytes, bool] | None]:
    import base64

    raw = {f.index: f for f in _raw_fields(message)}
    out: dict[int, tuple[bytes, bool] | None] = {}
    for inst in chain:
        out[inst.instance] = None
        if inst.ams_header_index is None or inst.ams_header_index not in raw:
            continue
        try:
            tags = parse_tag_list(raw[inst.ams_header_index].value)
            value = base64.b64decode(b"".join(tags[b"bh"].split()), validate=True)
        except (TagListError, KeyError, ValueError):
            continue
        c = tags.get(b"c", b"relaxed/relaxed")
        if b"l" not in tags:
            out[inst.instance] = (value, (c.partition(b"/")[2] or b"simple") == b"relaxed")
    return out


def _same_body(
    bodies: _Bodies, a: tuple[bytes, bool] | None, b: tuple[bytes, bool] | None
) -> bool | None:
    """Did two signers see the same body? ``None`` when it cannot be told."""
    if a is None or b is None:
        return None
    if a[1] == b[1]:
        return a[0] == b[0]
    sa, sb = bodies.state(a), bodies.state(b)
    if sa is not None and sb is not None:
        return sa == sb
    if (sa is None) != (sb is None):
        return False
    return None


def _modifications(
    message: Message, result: ArcResult, dkim: Sequence[DkimResult]
) -> list[Finding]:
    """Which intermediary changed the message: compare the body each signer saw."""
    out: list[Finding] = []
    chain = result.instances
    if not chain or not result.body_checked:
        return out
    bodies = _Bodies(message)
    bh = _ams_body_hashes(message, chain)

    def changed(a: ArcInstance, b: ArcInstance) -> bool | None:
        same = _same_body(bodies, bh[a.instance], bh[b.instance])
        if same is not None:
            return not same
        if a.ams_body_hash_ok is False and b.ams_body_hash_ok is True:
            return True
        return None

    for older, newer in itertools.pairwise(chain):
        if changed(older, newer):
            how = bodies.appended(bh[older.instance]) or "modified it"
            if how.startswith("appended") and newer.ams_body_hash_ok is not True:
                how = "changed it"
            out.append(
                make_finding(
                    "arc.message_modified",
                    "notice",
                    f"The body changed between instance {older.instance} and "
                    f"{newer.instance}: {_sealer(newer)} {how}",
                    [x for x in (older.ams_header_index, newer.ams_header_index) if x is not None],
                )
            )
        if (
            older.ams_header_signature_ok is False
            and newer.ams_header_signature_ok is True
            and older.ams_body_hash_ok is not False
        ):
            out.append(
                make_finding(
                    "arc.message_modified",
                    "notice",
                    f"Signed header fields changed between instance {older.instance} and "
                    f"{newer.instance}: {_sealer(newer)} edited them (e.g. a Subject tag)",
                    [x for x in (older.ams_header_index, newer.ams_header_index) if x is not None],
                )
            )
    newest = chain[-1]
    if newest.ams_body_hash_ok is False:
        tail = bodies.appended(bh[newest.instance])
        out.append(
            make_finding(
                "arc.message_modified",
                "warning",
                f"The body changed after instance {newest.instance} ({_sealer(newest)}) sealed "
                f"it{': ' + tail if tail else ''}",
                [newest.ams_header_index] if newest.ams_header_index is not None else [],
            )
        )
    out += _dkim_versus_chain(message, chain, dkim, bodies, bh)
    return out


def _dkim_versus_chain(
    message: Message,
    chain: Sequence[ArcInstance],
    dkim: Sequence[DkimResult],
    bodies: _Bodies,
    bh: dict[int, tuple[bytes, bool] | None],
) -> list[Finding]:
    """Place a failing DKIM body hash on the chain: which sealer still saw the signed body."""
    out: list[Finding] = []
    first = chain[0]
    for r in dkim:
        if r.body_hash_ok is not False:
            continue
        own = _dkim_body_hash(message, r)
        same = _same_body(bodies, own, bh[first.instance])
        if same is None:
            continue
        signer = r.domain or "the signer"
        if same:
            last_same = first
            for inst in chain[1:]:
                if _same_body(bodies, own, bh[inst.instance]) is not True:
                    break
                last_same = inst
            later = next((i for i in chain if i.instance == last_same.instance + 1), None)
            where = (
                f"; it changed before instance {later.instance} ({_sealer(later)})"
                if later is not None
                else f"; it changed after instance {last_same.instance} sealed it"
            )
            text = (
                f"The DKIM signature of {signer} fails because the body changed after it was "
                f"forwarded: instance {last_same.instance} ({_sealer(last_same)}) still saw the "
                f"signed body{where}"
            )
        else:
            text = (
                f"The body changed between the DKIM signature of {signer} and instance "
                f"{first.instance}: {_sealer(first)} (or a hop before it) changed it"
            )
        out.append(
            make_finding(
                "arc.message_modified",
                "notice",
                text,
                [r.header_index]
                + ([first.ams_header_index] if first.ams_header_index is not None else []),
            )
        )
    return out


def _results_text(aar: AuthResultsHeader) -> str:
    parts = [f"{r.method}={r.result}" for r in aar.results]
    return " ".join(parts) if parts else "no results"


def _hop_results(result: ArcResult) -> list[Finding]:
    seen = [i for i in result.instances if i.aar is not None]
    if not seen:
        return []
    why = (
        "not verified: a sealer's key was not available"
        if result.reason_code == "key_unavailable"
        else "not trusted: the chain does not validate to it"
    )
    none_trusted = not any(i.aar_trusted for i in seen)
    parts = []
    for inst in seen:
        assert inst.aar is not None
        trust = "" if inst.aar_trusted or none_trusted else f", {why}"
        parts.append(
            f"instance {inst.instance} ({_sealer(inst)}{trust}): {_results_text(inst.aar)}"
        )
    lead = f"What each ARC sealer saw ({why}): " if none_trusted else "What each ARC sealer saw: "
    return [
        make_finding(
            "arc.hop_results",
            "info",
            lead + "; ".join(parts),
            [i.aar_header_index for i in seen if i.aar_header_index is not None],
        )
    ]


def _trusted_ar(
    message: Message, policy: Policy, result: ArcResult, trust: TrustBoundary
) -> tuple[list[AuthResultsHeader], bool]:
    """The receiver's own Authentication-Results fields, and whether trust was established."""
    from headerlens.auth.results import parse_authentication_results

    fields = message.fields("Authentication-Results")
    ids = {a.lower() for a in (*policy.trusted_authserv_ids, *trust.trusted_authserv_ids)}
    established = True
    if trust.header_index is not None:
        chosen = [f for f in fields if f.index <= trust.header_index]
    else:
        parsed_all = [(f, _safe_parse(parse_authentication_results, f.value)) for f in fields]
        chosen = [f for f, p in parsed_all if p.authserv_id and p.authserv_id.lower() in ids]
        if not chosen:
            established = False
            top = min(
                (i.seal_header_index for i in result.instances if i.seal_header_index is not None),
                default=None,
            )
            chosen = [f for f in fields if top is None or f.index < top][:1]
    parsed = [
        _safe_parse(parse_authentication_results, f.value).model_copy(
            update={"header_index": f.index}
        )
        for f in chosen
    ]
    return parsed, established


def _safe_parse(fn: object, value: str) -> AuthResultsHeader:
    try:
        out = fn(value)  # type: ignore[operator]
        return out if isinstance(out, AuthResultsHeader) else AuthResultsHeader()
    except Exception:
        return AuthResultsHeader()


def _forwarding(
    message: Message,
    policy: Policy,
    result: ArcResult,
    dkim: Sequence[DkimResult],
    trust: TrustBoundary,
) -> list[Finding]:
    if result.cv != "pass":
        return []
    passes = [
        i
        for i in result.instances
        if i.aar_trusted
        and i.aar is not None
        and any(r.method.lower() == "dmarc" and r.result.lower() == "pass" for r in i.aar.results)
    ]
    if not passes:
        return []
    recorder = passes[-1]
    ars, established = _trusted_ar(message, policy, result, trust)
    final = [
        (ar, r)
        for ar in ars
        for r in ar.results
        if r.method.lower() == "dmarc" and r.result.lower() == "fail"
    ]
    indexes = [x for x in (recorder.aar_header_index, recorder.seal_header_index) if x is not None]
    if final:
        ar, _ = final[0]
        hop = f" ({ar.authserv_id})" if ar.authserv_id else ""
        caveat = "" if established else " (the receiver's trust boundary was not established)"
        return [
            make_finding(
                "arc.forwarded_dmarc_pass",
                "notice",
                f"DMARC fails at the final hop{hop} but a valid ARC chain from "
                f"{_sealer(recorder)} recorded a pass at instance {recorder.instance}{caveat}",
                [*indexes, *([ar.header_index] if ar.header_index is not None else [])],
                detail="Typical of forwarding through a mailing list or forwarder that changes "
                "the message; a receiver that trusts this sealer may accept the message (RFC "
                "8617 section 7.2).",
            )
        ]
    has_dmarc = any(r.method.lower() == "dmarc" for ar in ars for r in ar.results)
    if not has_dmarc and dkim and all(r.result != "pass" for r in dkim):
        signers = ", ".join(dict.fromkeys(r.domain or "unknown" for r in dkim))
        return [
            make_finding(
                "arc.forwarded_dmarc_pass",
                "notice",
                f"The DKIM signature of {signers} no longer verifies at the final hop but a "
                f"valid ARC chain from {_sealer(recorder)} recorded a DMARC pass at instance "
                f"{recorder.instance}",
                [*indexes, *(r.header_index for r in dkim)],
            )
        ]
    return []


def _claimed_count(ar: AuthResultsHeader) -> tuple[int | None, tuple[str, ...]]:
    """What the receiver's arc= result says about the chain: an instance count and sealers."""
    count: int | None = None
    sealers: tuple[str, ...] = ()
    for r in ar.results:
        if r.method.lower() != "arc":
            continue
        for p in r.properties:
            if p.name.lower() == "chain" and p.value:
                sealers = tuple(s.strip().lower() for s in p.value.split(":") if s.strip())
                count = max(count or 0, len(sealers))
        for comment in r.comments:
            n = _i_in_comment(comment)
            if n is not None:
                count = max(count or 0, n)
    return count, sealers


def _i_in_comment(comment: str) -> int | None:
    """``i=N`` inside an arc= comment (Gmail writes ``arc=pass (i=2 spf=pass ...)``)."""
    pos = comment.find("i=")
    while pos >= 0:
        if pos == 0 or not comment[pos - 1].isalnum():
            digits = ""
            for ch in comment[pos + 2 : pos + 5]:
                if not "0" <= ch <= "9":
                    break
                digits += ch
            if digits:
                return int(digits)
        pos = comment.find("i=", pos + 1)
    return None


def _truncation(
    message: Message, policy: Policy, result: ArcResult, trust: TrustBoundary
) -> list[Finding]:
    ars, established = _trusted_ar(message, policy, result, trust)
    if not established:
        return []
    have = len(result.instances)
    our_sealers = {i.seal_domain for i in result.instances if i.seal_domain}
    for ar in ars:
        count, sealers = _claimed_count(ar)
        missing = [s for s in sealers if s not in our_sealers]
        if (count is not None and count > have) or missing:
            who = f" (missing: {', '.join(missing)})" if missing else ""
            claimed = f"{count} ARC set(s)" if count is not None else "more sealers"
            return [
                make_finding(
                    "arc.truncated",
                    "warning",
                    f"ARC chain truncated: the receiver {ar.authserv_id or ''} recorded "
                    f"{claimed} but the message carries {have}{who}; the newest sets were "
                    "stripped after it was received".replace("  ", " "),
                    [ar.header_index] if ar.header_index is not None else [],
                )
            ]
    return []
