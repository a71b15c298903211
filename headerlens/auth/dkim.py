"""DKIM re-verification with reasons (RFC 6376 section 6.1, RFC 8463, RFC 8301, RFC 8601).

Every DKIM-Signature field is checked top to bottom: tags are parsed and validated (6.1.1),
the key is fetched through the caller's resolver and classified (6.1.2), and the body hash and
the header signature are computed *separately* (6.1.3), so both are always reported. Expiry
(``x=``) and future timestamps (``t=``) are judged "as of" ``Policy.as_of``, else the receipt
time of the message, else now; the result says which. Nothing patches a global clock.

Each result carries a stable ``reason`` code (``docs/dkim.md``, table in
``headerlens._catalogue.dkim.REASONS``) mapped to the RFC 8601 result. A failure is diagnosed
(:mod:`headerlens.auth._dkim_diagnose`): wrong key versus changed headers, which header
instance was added, and which body transformation explains a body-hash mismatch.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from dkim.util import DuplicateTag, InvalidTagValueList, parse_tag_value

from headerlens._catalogue.dkim import REASONS
from headerlens._clock import Clock
from headerlens._text import ascii_digits
from headerlens.auth import _dkim_core as core
from headerlens.auth.dkim_models import DkimDiagnosis, DkimKey
from headerlens.auth.models import DkimAnalysis, DkimResult, DkimVerdict
from headerlens.defects import Defect, DefectLog
from headerlens.findings import Finding, Severity, make_finding
from headerlens.message import Message
from headerlens.policy import Policy, policy_or_default
from headerlens.resolvers import DnsLookup, OfflineResolver, Resolver

__all__ = ["FUTURE_SKEW", "analyze_dkim", "verify_dkim"]

#: How far ``t=`` may lie after the as-of time before it counts as a future timestamp
#: (signers' clocks drift; RFC 6376 section 3.5 leaves the tolerance to the verifier).
FUTURE_SKEW = dt.timedelta(minutes=15)

#: Header fields a mail client displays: unsigned instances above the signed one are flagged.
DISPLAYED = (b"from", b"subject", b"to", b"cc", b"date", b"reply-to", b"sender")
#: Header fields whose extra instances should be prevented by over-signing.
OVERSIGN = (b"from", b"subject", b"to", b"cc", b"date", b"reply-to", b"sender", b"message-id")

_REQUIRED = (b"v", b"a", b"b", b"bh", b"d", b"h", b"s")
_REQUIRED_ARC = (b"i", b"a", b"b", b"bh", b"d", b"h", b"s")
_SPECIALS = frozenset(b'()<>[]:;@\\," \t\r\n')
_MAX_RSA_BITS = 16384


@dataclass
class _Outcome:
    reason: str = "pass"
    explanation: str = ""
    body_hash_ok: bool | None = None
    header_signature_ok: bool | None = None
    key: DkimKey | None = None
    diagnosis: DkimDiagnosis | None = None
    unsigned_body_octets: int | None = None
    testing: bool = False
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Key:
    info: DkimKey
    reason: str | None
    explanation: str
    key_type: str | None = None
    rsa: tuple[int, int] | None = None  # (modulus, exponent)
    ed25519: bytes | None = None


@dataclass
class _Ctx:
    fields: list[core.Field]
    body: bytes
    resolver: Resolver
    keys: dict[str, DnsLookup] = field(default_factory=dict)
    canon_bodies: dict[bytes, bytes] = field(default_factory=dict)
    #: Why the body cannot prove a body hash wrong: ``body_not_original`` (a client's
    #: rendition, e.g. an Outlook .msg) or ``body_not_available`` (a header-only paste).
    body_reason: str | None = None

    def canonical_body(self, algorithm: bytes) -> bytes:
        cached = self.canon_bodies.get(algorithm)
        if cached is None:
            cached = self.canon_bodies[algorithm] = core.canonical_body(self.body, algorithm)
        return cached

    def lookup(self, name: str) -> DnsLookup:
        key = name.lower()
        cached = self.keys.get(key)
        if cached is None:
            try:
                cached = self.resolver.resolve(name, "TXT")
            except Exception as exc:  # a third-party resolver broke its "never raises" contract
                cached = DnsLookup(
                    name=name,
                    rdtype="TXT",
                    outcome="error",
                    resolver=type(self.resolver).__name__,
                    error=f"{type(exc).__name__}: {exc}",
                )
            self.keys[key] = cached
        return cached


def _ts(value: int) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(value, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _text(b: bytes) -> str:
    return b.decode("utf-8", "replace")


def _from_domain(message: Message) -> str | None:
    try:
        addrs = message.addresses("From")
    except Exception:  # the address parser must not take the DKIM result down with it
        return None
    domains = {a.domain_ascii for a in addrs if a.domain_ascii}
    return domains.pop() if len(domains) == 1 else None


def analyze_dkim(
    message: Message,
    policy: Policy,
    *,
    resolver: Resolver,
    receipt_time: dt.datetime | None,
    clock: Clock | None = None,
) -> DkimAnalysis:
    """Re-verify every DKIM-Signature of ``message``, top to bottom (RFC 6376 section 6.1).

    ``resolver`` answers the key lookups (``<s>._domainkey.<d>`` TXT); ``receipt_time`` is the
    time the first trusted hop received the message. Expiry is judged as of ``policy.as_of``,
    else ``receipt_time``, else now. Returns one :class:`DkimResult` per signature and the
    findings (failures, policy problems even on a pass). Never raises on malformed input
    (unless ``policy.strict``, which raises on the first defect). The wall clock (``clock``,
    read once per analysis) is never read when ``policy.as_of`` is set: ``expired_now`` is
    then ``None``.
    """
    sig_fields = message.fields("DKIM-Signature")
    if not sig_fields:
        return DkimAnalysis()
    now = (clock or Clock()).now() if policy.as_of is None else None
    as_of_source: Literal["policy", "receipt", "now"]
    if policy.as_of is not None:
        as_of, as_of_source = policy.as_of, "policy"
    elif receipt_time is not None:
        as_of, as_of_source = receipt_time, "receipt"
    else:
        assert now is not None
        as_of, as_of_source = now, "now"
    ctx = _Ctx(
        fields=core.fields_of([(h.index, h.raw_bytes) for h in message.headers]),
        body=core.body_of(message.body),
        resolver=resolver,
        body_reason=body_reason(message),
    )
    by_index = {f.index: f for f in ctx.fields}
    from_domain = _from_domain(message)
    log = DefectLog(strict=policy.strict)
    results: list[DkimResult] = []
    findings: list[Finding] = []
    limit = policy.limits.max_dkim_signatures
    for n, hf in enumerate(sig_fields):
        sig_field = by_index.get(hf.index)
        if n >= limit or sig_field is None:
            results.append(
                DkimResult(
                    header_index=hf.index,
                    result="neutral",
                    reason="limit_exceeded",
                    explanation=f"Not checked: more than {limit} DKIM signatures.",
                    as_of=as_of,
                    as_of_source=as_of_source,
                )
            )
            if n == limit:
                findings.append(
                    make_finding(
                        "dkim.too_many_signatures",
                        "notice",
                        f"{len(sig_fields)} DKIM signatures; only the first {limit} were checked.",
                        (hf.index,),
                    )
                )
            continue
        result, extra = _verify_one(ctx, sig_field, as_of, as_of_source, now, from_domain, log)
        results.append(result)
        findings.extend(extra)
    not_looked = [r.header_index for r in results if r.reason == "key_not_looked_up"]
    if not_looked:
        findings.append(
            make_finding(
                "dkim.key_not_looked_up",
                "info",
                f"{len(not_looked)} DKIM key(s) not looked up (offline analysis).",
                not_looked,
                "Supply saved keys (StaticResolver / --keys) or allow DNS (--dns).",
            )
        )
    return DkimAnalysis(results=tuple(results), findings=tuple(findings))


def verify_dkim(
    source: bytes | str | os.PathLike[str] | IO[bytes] | Message, *, policy: Policy | None = None
) -> tuple[DkimResult, ...]:
    """Re-verify every DKIM-Signature of a message, top to bottom (RFC 6376 section 6.1).

    ``source`` is anything :func:`headerlens.parse` accepts, or a parsed
    :class:`~headerlens.message.Message`. Keys come from ``policy.resolver`` (offline when
    ``None``: every key is reported ``key_not_looked_up``). Expiry is judged as of
    ``policy.as_of``, else the receipt time found by the hop analysis, else now. Returns one
    :class:`DkimResult` per signature; an unsigned message gives ``()``.
    """
    from headerlens.hops.chain import analyze_hops
    from headerlens.parse import message_of

    policy = policy_or_default(policy, "verify_dkim")
    message = message_of(source, policy, "verify_dkim")
    if not message.fields("DKIM-Signature"):
        return ()
    resolver = policy.resolver if policy.resolver is not None else OfflineResolver()
    receipt_time = None
    if policy.as_of is None:
        receipt_time = analyze_hops(message, policy).receipt_time
    return analyze_dkim(message, policy, resolver=resolver, receipt_time=receipt_time).results


def _verify_one(
    ctx: _Ctx,
    sig_field: core.Field,
    as_of: dt.datetime,
    as_of_source: Literal["policy", "receipt", "now"],
    now: dt.datetime | None,
    from_domain: str | None,
    log: DefectLog,
    *,
    arc: bool = False,
) -> tuple[DkimResult, list[Finding]]:
    """Verify one signature field; ``arc=True`` reads it as an ARC-Message-Signature
    (RFC 8617 section 4.1.2: no v=, i= is the instance number)."""
    index = sig_field.index
    base: dict[str, Any] = {
        "header_index": index,
        "as_of": as_of,
        "as_of_source": as_of_source,
        "from_domain": from_domain,
    }

    def stop(
        reason: str, explanation: str, defects: tuple[Defect, ...] = ()
    ) -> tuple[DkimResult, list[Finding]]:
        verdict: DkimVerdict = REASONS[reason][0]  # type: ignore[assignment]
        res = DkimResult(
            **base, result=verdict, reason=reason, explanation=explanation, defects=defects
        )
        return res, [_error_finding(res)]

    def malformed(reason: str, explanation: str) -> tuple[DkimResult, list[Finding]]:
        defect = log.add("dkim.malformed_signature", explanation, index)
        return stop(reason, explanation, (defect,))

    # 6.1.1: parse and validate the signature field
    try:
        raw_tags = parse_tag_value(sig_field.value)
    except InvalidTagValueList as exc:
        arg = exc.args[0] if exc.args else b""
        what = _text(arg) if isinstance(arg, bytes) else str(arg)
        kind = "duplicate tag" if isinstance(exc, DuplicateTag) else "bad tag"
        return malformed("syntax_error", f"The tag list cannot be parsed ({kind} {what!r}).")
    except Exception as exc:  # dkimpy's parser raises plain errors on odd bytes
        return malformed("syntax_error", f"The tag list cannot be parsed ({exc}).")
    tags = {k.decode("ascii", "replace"): v for k, v in raw_tags.items()}
    base["tags"] = tuple((k, _text(b" ".join(v.split()))) for k, v in tags.items())
    d_raw = tags.get("d", b"").strip()
    s_raw = tags.get("s", b"").strip()
    if d_raw:
        base["domain"] = _text(d_raw)
    if s_raw:
        base["selector"] = _text(s_raw)
    if "a" in tags:
        base["algorithm"] = _text(tags["a"]).strip().lower()
    required = _REQUIRED_ARC if arc else _REQUIRED
    missing = [t.decode() for t in required if t.decode() not in tags]
    if missing:
        return malformed(
            "syntax_error", f"Required tag(s) missing: {', '.join(m + '=' for m in missing)}."
        )
    if not arc and tags["v"].strip() != b"1":
        return malformed("incompatible_version", f"v={_text(tags['v'])} is not 1.")
    algorithm = base["algorithm"]
    if algorithm not in core.ALGORITHMS:
        return malformed("unsupported_algorithm", f"Unknown signature algorithm a={algorithm}.")
    key_type, hash_name = core.ALGORITHMS[algorithm]
    # ARC signers omit c= meaning relaxed/relaxed (dkimpy and the ValiMail suite agree)
    c_algs = core.parse_canonicalization(tags.get("c", b"relaxed/relaxed" if arc else None))
    if c_algs is None:
        c_text = _text(tags["c"])
        return malformed("unsupported_algorithm", f"Unknown canonicalization c={c_text}.")
    header_canon, body_canon = c_algs
    base["canonicalization"] = _text(header_canon + b"/" + body_canon)
    signature = core.b64decode(tags["b"])
    if signature is None or not signature:
        return malformed("syntax_error", "b= is not base64.")
    body_hash = core.b64decode(tags["bh"])
    if body_hash is None or not body_hash:
        return malformed("syntax_error", "bh= is not base64.")
    if not _valid_domain(d_raw):
        return malformed("syntax_error", f"d={_text(d_raw)} is not a domain name.")
    if not _valid_domain(s_raw):
        return malformed("syntax_error", f"s={_text(s_raw)} is not a valid selector.")
    domain = _text(d_raw).lower().rstrip(".")
    # An empty name between colons selects nothing (tolerated, as dkimpy and others do).
    h_names = [n for n in (b"".join(x.split()).lower() for x in tags["h"].split(b":")) if n]
    base["signed_headers"] = tuple(_text(x) for x in h_names)
    identity = None
    if "i" in tags and not arc:
        identity = _text(tags["i"].strip())
        base["identity"] = identity
        at = identity.rfind("@")
        if at < 0:
            return malformed("syntax_error", f"i={identity} has no @.")
        idom = identity[at + 1 :].lower().rstrip(".")
        if idom != domain and not idom.endswith("." + domain):
            return stop("domain_mismatch", f"i= domain {idom} is not {domain} or under it.")
    if "q" in tags:
        methods = [b"".join(x.split()).lower() for x in tags["q"].split(b":")]
        if b"dns/txt" not in methods:
            return malformed("unsupported_algorithm", f"q={_text(tags['q'])} lacks dns/txt.")
    body_length: int | None = None
    if "l" in tags:
        lv = tags["l"].strip()
        if not ascii_digits(lv) or len(lv) > 76:
            return malformed("syntax_error", f"l={_text(lv)} is not a decimal number.")
        body_length = int(lv)
        base["body_length"] = body_length
    signed_at = expires_at = None
    for tag in ("t", "x"):
        if tag in tags:
            tv = tags[tag].strip()
            if not ascii_digits(tv) or len(tv) > 12:
                return malformed("syntax_error", f"{tag}={_text(tv)} is not a timestamp.")
            stamp = _ts(int(tv))
            if stamp is None:
                return malformed("syntax_error", f"{tag}={_text(tv)} is out of range.")
            if tag == "t":
                signed_at = stamp
            else:
                expires_at = stamp
    base["signed_at"], base["expires_at"] = signed_at, expires_at
    if signed_at and expires_at and expires_at <= signed_at:
        return malformed("syntax_error", "x= is not after t= (RFC 6376 section 3.5).")
    if b"from" not in h_names and not arc:
        return stop("from_not_signed", "h= does not list From (RFC 6376 section 5.4).")
    if expires_at is not None and now is not None:
        base["expired_now"] = now > expires_at

    out = _Outcome()
    time_reason: str | None = None
    time_text = ""
    if expires_at is not None and as_of > expires_at:
        time_reason = "expired"
        time_text = f"Expired at {expires_at.isoformat()}, before the {as_of_source} time."
    elif signed_at is not None and signed_at > as_of + FUTURE_SKEW:
        time_reason = "future_timestamp"
        time_text = f"Signed at {signed_at.isoformat()}, after the {as_of_source} time."

    # 6.1.3 (body part): needs no key, so it is computed whatever happens to the key
    canon = ctx.canonical_body(body_canon)
    findings: list[Finding] = []
    if body_length is not None:
        if body_length > len(canon):
            findings.append(
                make_finding(
                    "dkim.length_exceeds_body",
                    "warning",
                    f"l={body_length} but the body has only {len(canon)} canonical octets.",
                    (index,),
                )
            )
        out.unsigned_body_octets = max(0, len(canon) - body_length)
        hashed = canon[:body_length]
    else:
        hashed = canon
    out.body_hash_ok = core.HASHES[hash_name](hashed).digest() == body_hash
    body_unknown = ctx.body_reason == "body_not_original" or (
        ctx.body_reason is not None and not out.body_hash_ok
    )
    if body_unknown:
        out.body_hash_ok = None  # the body at hand is not the one that was signed

    # 6.1.2: the key
    name = f"{_text(s_raw)}._domainkey.{_text(d_raw).rstrip('.')}"
    key = _classify_key(ctx.lookup(name), key_type, hash_name, identity, domain)
    out.key = key.info
    out.testing = key.info.testing

    # 6.1.3 (header part)
    chosen = core.select(ctx.fields, h_names)
    data = core.header_data(ctx.fields, chosen, sig_field, header_canon)
    digest = core.HASHES[hash_name](data).digest()
    opened: core.RsaOpened | None = None
    if key.reason is None:
        if key.rsa is not None:
            opened = core.rsa_open(signature, *key.rsa)
            out.header_signature_ok = (
                opened.well_formed and opened.digest_algorithm == hash_name
            ) and opened.digest == digest
        elif key.ed25519 is not None:
            out.header_signature_ok = _ed25519_ok(key.ed25519, digest, signature)

    # the reason, in RFC 6376 order (a body mismatch needs no key, so it outranks a key
    # that was merely not fetched)
    if time_reason is not None:
        out.reason, out.explanation = time_reason, time_text
    elif (
        body_unknown
        and ctx.body_reason is not None
        and key.reason in (None, "key_not_looked_up", "key_unavailable")
        and out.header_signature_ok is not False
    ):
        out.reason = ctx.body_reason
        out.explanation = _BODY_UNKNOWN[ctx.body_reason] + (
            " The header signature verifies."
            if out.header_signature_ok
            else f" {key.explanation}"
            if key.reason
            else ""
        )
    elif key.reason is not None and not (
        key.reason in ("key_not_looked_up", "key_unavailable") and not out.body_hash_ok
    ):
        out.reason, out.explanation = key.reason, key.explanation
    elif out.body_hash_ok is False:
        out.reason = "body_hash_mismatch"
        out.explanation = "The body changed after signing: its hash does not match bh=."
    elif out.header_signature_ok is False:
        out.reason = "signature_mismatch"
        out.explanation = "The header signature does not verify with the published key."
    elif algorithm == "rsa-sha1":
        out.reason = "rsa_sha1"
        out.explanation = "Verifies, but rsa-sha1 must not be accepted (RFC 8301 section 3.1)."
    elif key.info.bits is not None and key.key_type == "rsa" and key.info.bits < 1024:
        out.reason = "key_too_small"
        out.explanation = (
            f"Verifies, but the key has {key.info.bits} bits (RFC 8301 section 3.2: >= 1024)."
        )
    else:
        out.reason = "pass"
        out.explanation = f"Verified with the {key.info.key_type} key at {name}."
    if expires_at is not None and out.reason != "expired" and base.get("expired_now"):
        out.explanation += (
            f" Its x= expiry had not passed at the {as_of_source} time, but has passed now."
        )

    # diagnosis, only on failure (RFC 6376 leaves "why" to the verifier)
    if out.body_hash_ok is False or out.header_signature_ok is False:
        from headerlens.auth._dkim_diagnose import diagnose

        out.diagnosis = diagnose(
            ctx=ctx,
            sig_field=sig_field,
            h_names=h_names,
            chosen=chosen,
            header_canon=header_canon,
            body_canon=body_canon,
            hash_name=hash_name,
            body_hash=body_hash,
            body_length=body_length,
            body_ok=out.body_hash_ok,
            header_ok=out.header_signature_ok,
            signature=signature,
            key_rsa=key.rsa,
            key_ed25519=key.ed25519,
            opened=opened,
        )
        if out.diagnosis is not None:
            out.explanation += " " + out.diagnosis.summary

    verdict: DkimVerdict = REASONS[out.reason][0]  # type: ignore[assignment]
    aligned = aligned_strict = None
    psl = None
    if from_domain is not None:
        from headerlens.domains import aligned as is_aligned
        from headerlens.domains import psl_version

        aligned = is_aligned(domain, from_domain, "relaxed")
        aligned_strict = is_aligned(domain, from_domain, "strict")
        psl = psl_version()
    result = DkimResult(
        **base,
        result=verdict,
        reason=out.reason,
        explanation=out.explanation,
        body_hash_ok=out.body_hash_ok,
        header_signature_ok=out.header_signature_ok,
        aligned_with_from=aligned,
        aligned_strict=aligned_strict,
        psl_version=psl,
        unsigned_body_octets=out.unsigned_body_octets,
        testing=out.testing,
        key=out.key,
        diagnosis=out.diagnosis,
    )
    findings.extend(_policy_findings(ctx, result, chosen, h_names, key))
    if verdict == "fail":
        findings.append(
            make_finding(
                "dkim.signature_failed",
                "warning",
                f"DKIM signature by {domain} fails ({out.reason}).",
                (index,),
                out.explanation,
            )
        )
    elif verdict in ("permerror", "temperror"):
        findings.append(_error_finding(result))
    return result, findings


_BODY_UNKNOWN = {
    "body_not_original": (
        "The body hash cannot be checked: the body is a mail client's rendition (an Outlook"
        " .msg file), not the bytes that were signed."
    ),
    "body_not_available": (
        "The body hash cannot be checked: the input holds the header fields only."
    ),
}


def body_reason(message: Message) -> str | None:
    """Why ``message``'s body cannot be held against a body hash (DKIM bh=, ARC AMS bh=):
    ``body_not_original`` when it is a client's rendition (``Message.intake``), else
    ``body_not_available`` for a header-only input; ``None`` when the body is the original."""
    if message.intake is not None and not message.intake.body_original:
        return "body_not_original"
    if message.header_only:
        return "body_not_available"
    return None


def _error_finding(result: DkimResult) -> Finding:
    return make_finding(
        "dkim.signature_error",
        "notice",
        f"DKIM signature by {result.domain or 'an unknown domain'} could not be evaluated"
        f" ({result.reason}).",
        (result.header_index,),
        result.explanation,
    )


def _valid_domain(value: bytes) -> bool:
    if not value or len(value) > 255 or value.startswith(b".") or b".." in value:
        return False
    return not any(c in _SPECIALS for c in value)


def _ed25519_ok(public: bytes, digest: bytes, signature: bytes) -> bool:
    import nacl.exceptions
    import nacl.signing

    try:
        nacl.signing.VerifyKey(public).verify(digest, signature)
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        return False
    return True


def _classify_key(
    lookup: DnsLookup, key_type: str, hash_name: str, identity: str | None, domain: str
) -> _Key:
    """RFC 6376 section 6.1.2: turn a lookup into a usable key or a reason."""
    info: dict[str, Any] = {
        "name": lookup.name,
        "outcome": lookup.outcome,
        "resolver": lookup.resolver,
        "record_count": len(lookup.records),
    }
    outcome = lookup.outcome
    if outcome == "not_looked_up":
        return _Key(DkimKey(**info), "key_not_looked_up", f"Key {lookup.name} not looked up.")
    if outcome in ("nxdomain", "nodata") or (outcome == "answer" and not lookup.records):
        return _Key(
            DkimKey(**info), "key_not_found", f"No key record at {lookup.name} ({outcome})."
        )
    if outcome != "answer":
        detail = f": {lookup.error}" if lookup.error else ""
        return _Key(
            DkimKey(**info),
            "key_unavailable",
            f"Key lookup for {lookup.name} failed temporarily ({outcome}{detail}).",
        )
    # Several TXT records: use the first one that parses as a DKIM key record.
    parsed: dict[bytes, bytes] | None = None
    record = lookup.records[0]
    for candidate in lookup.records:
        try:
            tags = parse_tag_value(candidate.encode("utf-8", "replace"))
        except Exception:  # noqa: S112 - garbage records are skipped, the first one reported
            continue
        if b"p" in tags:
            parsed, record = tags, candidate
            break
    info["record"] = record

    def bad(reason: str, text: str) -> _Key:
        return _Key(DkimKey(**info), reason, text)

    if parsed is None:
        return bad("key_invalid", f"The record at {lookup.name} is not a DKIM key record.")
    flags = tuple(x.strip().decode("ascii", "replace") for x in parsed.get(b"t", b"").split(b":"))
    flags = tuple(f for f in flags if f)
    info["flags"] = flags
    info["testing"] = "y" in flags
    k = b"".join(parsed.get(b"k", b"rsa").split()).lower().decode("ascii", "replace")
    info["key_type"] = k
    hashes = tuple(
        x.strip().decode("ascii", "replace").lower()
        for x in parsed.get(b"h", b"").split(b":")
        if x.strip()
    )
    services = tuple(
        x.strip().decode("ascii", "replace").lower()
        for x in parsed.get(b"s", b"").split(b":")
        if x.strip()
    )
    info["hash_algorithms"], info["service_types"] = hashes, services
    if b"v" in parsed and (parsed[b"v"].strip() != b"DKIM1" or next(iter(parsed)) != b"v"):
        return bad("key_invalid", "The key record's v= is not DKIM1 (or not first).")
    p = b"".join(parsed[b"p"].split())
    if not p:
        info["revoked"] = True
        return bad("key_revoked", f"The key at {lookup.name} is revoked (empty p=).")
    if k not in ("rsa", "ed25519"):
        return bad("inappropriate_key", f"Key type k={k} is not supported.")
    if k != key_type:
        return bad("inappropriate_key", f"The key is k={k} but the signature needs {key_type}.")
    if hashes and hash_name not in hashes:
        return bad("inappropriate_key", f"The key allows h={':'.join(hashes)}, not {hash_name}.")
    if services and "*" not in services and "email" not in services:
        return bad("inappropriate_key", f"The key's s={':'.join(services)} excludes email.")
    if "s" in flags and identity is not None:
        idom = identity[identity.rfind("@") + 1 :].lower().rstrip(".")
        if idom != domain:
            return bad("inappropriate_key", "The key's t=s forbids an i= subdomain of d=.")
    der = core.b64decode(p)
    if der is None:
        return bad("key_invalid", "The key's p= is not base64.")
    if k == "ed25519":
        if len(der) != 32:
            return bad("key_invalid", f"An ed25519 key has 32 octets, not {len(der)}.")
        info["bits"] = 256
        return _Key(DkimKey(**info), None, "", key_type=k, ed25519=der)
    try:
        from dkim.crypto import parse_public_key

        pk = parse_public_key(der)
        modulus, exponent = int(pk["modulus"]), int(pk["publicExponent"])
    except Exception:
        return bad("key_invalid", "The key's p= is not an RSA public key.")
    bits = modulus.bit_length()
    info["bits"] = bits
    if bits > _MAX_RSA_BITS or exponent < 3 or exponent.bit_length() > 64 or modulus < 2**64:
        return bad("key_invalid", f"The RSA key is unusable ({bits}-bit modulus).")
    return _Key(DkimKey(**info), None, "", key_type=k, rsa=(modulus, exponent))


def _policy_findings(
    ctx: _Ctx,
    result: DkimResult,
    chosen: list[int | None],
    h_names: list[bytes],
    key: _Key,
) -> list[Finding]:
    out: list[Finding] = []
    idx = (result.header_index,)
    who = result.domain or "?"
    if result.algorithm == "rsa-sha1":
        out.append(
            make_finding("dkim.rsa_sha1", "warning", f"DKIM signature by {who} uses rsa-sha1.", idx)
        )
    if key.key_type == "rsa" and key.info.bits is not None and key.info.bits < 1024:
        out.append(
            make_finding(
                "dkim.weak_key",
                "warning",
                f"DKIM key of {who} has only {key.info.bits} bits.",
                idx,
            )
        )
    if result.testing:
        out.append(
            make_finding(
                "dkim.testing_mode",
                "notice",
                f"The key of {who} is in testing mode (t=y).",
                idx,
            )
        )
    if result.body_length is not None:
        unsigned = result.unsigned_body_octets or 0
        sev: Severity = "warning" if unsigned else "notice"
        out.append(
            make_finding(
                "dkim.body_length_limit",
                sev,
                f"DKIM signature by {who} has l={result.body_length}: {unsigned} body octets"
                " are not signed.",
                idx,
            )
        )
    if result.expired_now and result.reason != "expired" and result.as_of_source != "now":
        out.append(
            make_finding(
                "dkim.expired_since_receipt",
                "info",
                f"DKIM signature by {who} had not expired at the {result.as_of_source} time"
                " (x= is judged then), but its x= has passed since: a verifier using today's"
                " clock would wrongly call it expired.",
                idx,
            )
        )
    if key.info.record_count > 1:
        out.append(
            make_finding(
                "dkim.multiple_key_records",
                "notice",
                f"{key.info.record_count} TXT records at {key.info.name}.",
                idx,
            )
        )
    if not result.header_signature_ok:
        return out
    # Coverage: only meaningful when the signed headers are authentic.
    fields = ctx.fields
    present = Counter(f.lname for f in fields)
    signed = Counter(h_names)
    for name in DISPLAYED:
        if not signed[name] or not present[name]:
            continue
        selected = [p for p, n in zip(chosen, h_names, strict=True) if n == name and p is not None]
        top = min(selected) if selected else len(fields)
        above = [fields[p].index for p in range(top) if fields[p].lname == name]
        if above:
            label = name.decode().title()
            out.append(
                make_finding(
                    "dkim.unsigned_header_above",
                    "critical" if name == b"from" else "warning",
                    f"{label} has {len(above)} unsigned instance(s) above the one signed by"
                    f" {who}; a mail client shows the unsigned one.",
                    (*above, result.header_index),
                )
            )
    weak = [n.decode() for n in OVERSIGN if present[n] and signed[n] and signed[n] <= present[n]]
    if weak:
        out.append(
            make_finding(
                "dkim.not_oversigned",
                "info",
                f"DKIM signature by {who} does not over-sign {', '.join(weak)}: another"
                " instance could be added without breaking it.",
                idx,
            )
        )
    return out
