"""ARC forensics (RFC 8617): what each intermediary did to the message, as findings.

Built from a validated chain (:class:`~headerlens.auth.models.ArcResult`): whether it holds,
who changed the body or the signed fields between which instances (each signer's ``bh=``
compared with the hash of every line-prefix of the current body, so signers with different
``c=`` can be compared), what each sealer recorded, the "DMARC fails at the final hop but a
valid ARC chain recorded a pass" forwarding case (section 7.2), and a chain whose newest sets
were stripped (the receiver recorded more sealers than the message carries).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence

from headerlens.auth._sigbody import BodySource, SignedMessage
from headerlens.auth._sigbytes import (
    Field,
    TagListError,
    b64decode,
    parse_tag_list,
)
from headerlens.auth.models import ArcInstance, ArcResult, AuthResultsHeader, DkimResult
from headerlens.auth.results import parse_authentication_results
from headerlens.findings import Finding, make_finding
from headerlens.hops.models import TrustBoundary
from headerlens.message import Message
from headerlens.policy import Policy

__all__ = ["arc_findings"]


def _sealer(inst: ArcInstance) -> str:
    return inst.seal_domain or inst.authserv_id or f"the sealer of instance {inst.instance}"


def arc_findings(
    message: Message,
    policy: Policy,
    result: ArcResult,
    dkim: Sequence[DkimResult],
    trust: TrustBoundary,
    body: BodySource | None = None,
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
    out += _modifications(message, result, dkim, body)
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


def _signer_body(field: Field | None, default_c: bytes) -> tuple[bytes, bool] | None:
    """The bh= of a signature field and whether its body canonicalization is relaxed;
    ``None`` when unreadable or when l= limits the hash (then it says nothing of the rest)."""
    if field is None:
        return None
    try:
        tags = parse_tag_list(field.value)
    except TagListError:
        return None
    bh = b64decode(tags[b"bh"]) if b"bh" in tags else None
    if bh is None or b"l" in tags:
        return None
    c = tags.get(b"c", default_c)
    return bh, (c.partition(b"/")[2] or b"simple") == b"relaxed"


#: Line cuts of the body considered when placing a signer's view on the current body.
_MAX_PREFIX_LINES = 10_000


class _Bodies:
    """What body each signer saw, as "the first N canonical lines of the current body".

    A signer's bh= is compared with the hash of every line-prefix of the current body under
    the signer's own canonicalization, so signatures with different c= can be compared.
    """

    def __init__(self, message: Message, body: BodySource | None) -> None:
        self.signed = SignedMessage(message, with_body=not message.header_only, body=body)
        self._prefixes: dict[bool, dict[bytes, int]] = {}
        self._totals: dict[bool, int] = {}

    def state(self, signed: tuple[bytes, bool] | None) -> int | None:
        """Lines of the current body the signer covered, or ``None`` when not a prefix."""
        if signed is None or not self.signed.has_body:
            return None
        bh, relaxed = signed
        if relaxed not in self._prefixes:
            empty = hashlib.sha256(b"" if relaxed else b"\r\n").digest()
            found = {empty: 0}
            prefixes = self.signed.prefix_digests(relaxed, "sha256", _MAX_PREFIX_LINES)
            for lines, _octets, digest in prefixes:
                found.setdefault(digest, lines)
            self._prefixes[relaxed] = found
            # A canonical body of one empty line is the empty simple body: no lines.
            only_crlf = prefixes.octets == 2 and prefixes.lines == 1
            self._totals[relaxed] = 0 if only_crlf else prefixes.lines
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
    bodies: _Bodies, chain: Sequence[ArcInstance]
) -> dict[int, tuple[bytes, bool] | None]:
    out: dict[int, tuple[bytes, bool] | None] = {}
    for inst in chain:
        index = inst.ams_header_index
        field = bodies.signed.field_at(index) if index is not None else None
        out[inst.instance] = _signer_body(field, b"relaxed/relaxed")
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
    message: Message, result: ArcResult, dkim: Sequence[DkimResult], body: BodySource | None
) -> list[Finding]:
    """Which intermediary changed the message: compare the body each signer saw."""
    out: list[Finding] = []
    chain = result.instances
    if not chain or not result.body_checked:
        return out
    bodies = _Bodies(message, body)
    bh = _ams_body_hashes(bodies, chain)
    for older, newer in itertools.pairwise(chain):
        out += _between(bodies, bh, older, newer)
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


def _between(
    bodies: _Bodies,
    bh: dict[int, tuple[bytes, bool] | None],
    older: ArcInstance,
    newer: ArcInstance,
) -> list[Finding]:
    """What changed between two consecutive instances: the body, the signed fields."""
    out: list[Finding] = []
    indexes = [x for x in (older.ams_header_index, newer.ams_header_index) if x is not None]
    same = _same_body(bodies, bh[older.instance], bh[newer.instance])
    if same is not None:
        changed: bool | None = not same
    elif older.ams_body_hash_ok is False and newer.ams_body_hash_ok is True:
        changed = True
    else:
        changed = None
    if changed:
        how = bodies.appended(bh[older.instance]) or "modified it"
        if how.startswith("appended") and newer.ams_body_hash_ok is not True:
            how = "changed it"
        out.append(
            make_finding(
                "arc.message_modified",
                "notice",
                f"The body changed between instance {older.instance} and "
                f"{newer.instance}: {_sealer(newer)} {how}",
                indexes,
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
                indexes,
            )
        )
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
        own = _signer_body(bodies.signed.field_at(r.header_index), b"simple/simple")
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
