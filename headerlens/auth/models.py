"""Models of authentication results: DKIM, ARC, Authentication-Results, Received-SPF, DMARC."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from headerlens._model import Model
from headerlens.auth.dkim_models import DkimDiagnosis, DkimKey
from headerlens.defects import Defect
from headerlens.findings import Finding

__all__ = [
    "ArcAnalysis",
    "ArcInstance",
    "ArcResult",
    "AuthAnalysis",
    "AuthProperty",
    "AuthResult",
    "AuthResultsHeader",
    "DkimAnalysis",
    "DkimResult",
    "DmarcIdentifier",
    "DmarcPolicy",
    "DmarcRecord",
    "DmarcReport",
    "ReceivedSpf",
]

DkimVerdict = Literal["pass", "fail", "neutral", "policy", "temperror", "permerror", "none"]


class DkimResult(Model):
    """The re-verification of one DKIM-Signature field (RFC 6376 section 6.1).

    ``result`` is the RFC 8601 dkim result; ``reason`` a stable code (docs/dkim.md) saying why;
    ``body_hash_ok`` and ``header_signature_ok`` are reported separately (``None`` = not
    checked). ``as_of`` is the time expiry was judged at.
    """

    header_index: int
    domain: str | None = None
    selector: str | None = None
    algorithm: str | None = None
    result: DkimVerdict
    reason: str
    explanation: str
    body_hash_ok: bool | None = None
    header_signature_ok: bool | None = None
    as_of: dt.datetime
    aligned_with_from: bool | None = None
    defects: tuple[Defect, ...] = ()
    # Added by issue 4 (see docs/dkim.md): where as_of came from, and the details.
    as_of_source: Literal["policy", "receipt", "now"] = "now"
    expired_now: bool | None = None
    identity: str | None = None
    canonicalization: str | None = None
    signed_headers: tuple[str, ...] = ()
    signed_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    body_length: int | None = None
    unsigned_body_octets: int | None = None
    testing: bool = False
    key: DkimKey | None = None
    diagnosis: DkimDiagnosis | None = None
    from_domain: str | None = None
    aligned_strict: bool | None = None
    psl_version: str | None = None
    tags: tuple[tuple[str, str], ...] = ()


class DkimAnalysis(Model):
    """What the DKIM step returns to ``analyze()``."""

    results: tuple[DkimResult, ...] = ()
    findings: tuple[Finding, ...] = ()


class AuthProperty(Model):
    """One ``ptype.property=value`` of a result (RFC 8601 section 2.3).

    ``ptype`` and ``name`` are lower-cased; ``value`` is as written (a value that is one
    quoted string is unquoted; ``"local"@domain`` keeps its quotes). A key written without a
    ptype (Microsoft's ``action=none``) has ``ptype=""`` and a defect is recorded.
    ``comment`` is a comment written right after the value, e.g. ``(mail.example.com)``.
    """

    ptype: str
    name: str
    value: str
    comment: str | None = None


class AuthResult(Model):
    """One ``method=result`` statement of an Authentication-Results field (RFC 8601 2.2)."""

    method: str
    result: str
    reason: str | None = None
    properties: tuple[AuthProperty, ...] = ()
    comments: tuple[str, ...] = ()
    explanation: str = ""
    version: int | None = None
    raw: str | None = None
    header_index: int | None = None
    explanation_source: str | None = None
    reason_explanation: str | None = None

    def get(self, ptype: str, name: str) -> str | None:
        """The value of the first property ``ptype.name`` (case-insensitive), or ``None``."""
        pt, nm = ptype.lower(), name.lower()
        for p in self.properties:
            if p.ptype == pt and p.name == nm:
                return p.value
        return None

    def strict_text(self) -> str:
        """The result in strict RFC 8601 form, without comments or ptype-less keys."""
        parts = [
            f"{self.method}={self.result}"
            if self.version is None
            else f"{self.method}/{self.version}={self.result}"
        ]
        if self.reason is not None:
            parts.append(f"reason={_quote_if_needed(self.reason)}")
        parts.extend(
            f"{p.ptype}.{p.name}={_quote_if_needed(p.value)}" for p in self.properties if p.ptype
        )
        return " ".join(parts)


class AuthResultsHeader(Model):
    """One Authentication-Results or ARC-Authentication-Results field (RFC 8601, RFC 8617)."""

    header_index: int | None = None
    authserv_id: str | None = None
    version: int | None = None
    instance: int | None = None
    results: tuple[AuthResult, ...] = ()
    trusted: bool = False
    conformant: bool = False
    repairs: tuple[str, ...] = ()
    defects: tuple[Defect, ...] = ()
    header_name: str | None = None
    raw: str | None = None
    comments: tuple[str, ...] = ()
    no_results: bool = False
    unparsed: tuple[str, ...] = ()
    trust_note: str | None = None
    header_indexes: tuple[int, ...] = ()

    def results_for(self, method: str) -> tuple[AuthResult, ...]:
        """Every result for ``method`` (case-insensitive), in order; several are kept apart."""
        m = method.lower()
        return tuple(r for r in self.results if r.method == m)


class ArcInstance(Model):
    """One ARC set (RFC 8617 section 4.1): seal, message signature and AAR of instance ``i``.

    ``seal_*`` describe the ARC-Seal, ``ams_*`` the ARC-Message-Signature; ``*_valid`` is
    ``None`` when the check could not be made (missing field, no key). ``ams_body_hash_ok``
    and ``ams_header_signature_ok`` are reported separately (``None`` = not checked).
    ``cv`` is the chain status the sealer claimed. ``aar`` is its ARC-Authentication-Results,
    ``aar_trusted`` True only when every seal up to this instance validates. ``reasons``
    lists, in our words, every check of this instance that failed.
    ``*_header_index`` point at the fields (0 = topmost); ``seal_timestamp`` is the seal's t=.
    """

    instance: int
    seal_domain: str | None = None
    seal_selector: str | None = None
    seal_valid: bool | None = None
    seal_timestamp: dt.datetime | None = None
    ams_domain: str | None = None
    ams_selector: str | None = None
    ams_valid: bool | None = None
    ams_body_hash_ok: bool | None = None
    ams_header_signature_ok: bool | None = None
    ams_timestamp: dt.datetime | None = None
    ams_signed_headers: tuple[str, ...] = ()
    cv: str | None = None
    aar: AuthResultsHeader | None = None
    aar_trusted: bool = False
    authserv_id: str | None = None
    seal_header_index: int | None = None
    ams_header_index: int | None = None
    aar_header_index: int | None = None
    reasons: tuple[str, ...] = ()


class ArcResult(Model):
    """The ARC chain validation (RFC 8617 section 5.2): ``cv`` is none, pass or fail.

    ``instances`` run oldest first (instance 1 first). ``oldest_pass`` is RFC 8617's value:
    the lowest instance whose ARC-Message-Signature still validates with every newer one,
    ``0`` when all of them do, ``None`` when the chain does not pass. ``broken_at`` is the
    instance where the chain or the message changed. ``reason`` names the instance and the
    check; ``reason_code`` is a stable short code for it (docs/arc.md). ``body_checked`` is
    False for a header-only paste (body hashes not checked). ``as_of`` is the time seal and
    signature timestamps were judged at.
    """

    cv: Literal["none", "pass", "fail"] = "none"
    reason: str = ""
    reason_code: str | None = None
    instances: tuple[ArcInstance, ...] = ()
    oldest_pass: int | None = None
    broken_at: int | None = None
    body_checked: bool = True
    as_of: dt.datetime | None = None
    defects: tuple[Defect, ...] = ()


class ArcAnalysis(Model):
    """What the ARC step returns to ``analyze()``."""

    result: ArcResult = ArcResult()
    findings: tuple[Finding, ...] = ()


class ReceivedSpf(Model):
    """One Received-SPF field (RFC 7208 section 9.1)."""

    header_index: int
    result: str | None = None
    comment: str | None = None
    client_ip: str | None = None
    envelope_from: str | None = None
    helo: str | None = None
    receiver: str | None = None
    identity: str | None = None
    mechanism: str | None = None
    problem: str | None = None
    pairs: tuple[tuple[str, str], ...] = ()
    trusted: bool = False
    defects: tuple[Defect, ...] = ()


class DmarcPolicy(Model):
    """DMARC policy tags (RFC 7489 section 6.3) as recorded or published.

    ``source`` is ``header-comment`` (what the receiver wrote, e.g. ``(p=REJECT sp=NONE
    dis=NONE)``), ``header-property`` (``policy.*`` properties) or ``published-record``
    (looked up today). ``dis`` is the disposition the receiver applied.
    """

    source: str
    p: str | None = None
    sp: str | None = None
    np: str | None = None
    dis: str | None = None
    pct: int | None = None
    adkim: str | None = None
    aspf: str | None = None
    raw: str | None = None


class DmarcRecord(Model):
    """A DMARC record looked up now (``_dmarc.<domain>`` TXT, RFC 7489 section 6.1).

    It is today's record, not necessarily the one in force when the message was delivered.
    """

    name: str
    outcome: str
    record: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    policy: DmarcPolicy | None = None
    looked_up_at: dt.datetime | None = None
    org_domain_fallback: bool = False
    note: str = (
        "Looked up at analysis time: today's record, not necessarily the one in force at delivery."
    )


class DmarcIdentifier(Model):
    """One row of the DMARC "why" table: an authenticated identifier and its alignment.

    ``source``: ``spf-mailfrom``, ``spf-helo``, ``received-spf``, ``dkim-header`` (a dkim
    result in the trusted Authentication-Results) or ``dkim-verified`` (our re-verification).
    ``counts`` is True when it authenticated (``result == "pass"``) and is aligned under the
    mode in force (``alignment_mode``).
    """

    source: str
    domain: str | None = None
    org_domain: str | None = None
    result: str | None = None
    strict_aligned: bool = False
    relaxed_aligned: bool = False
    alignment_mode: Literal["relaxed", "strict"] = "relaxed"
    counts: bool = False
    header_index: int | None = None
    note: str | None = None


class DmarcReport(Model):
    """DMARC (RFC 7489): the From domain, the authenticated identifiers, alignment, result.

    ``result`` is the verdict to show: the trusted receiver's ``dmarc=`` result when one
    exists (``result_source="trusted-header"``), else the one computed here from the trusted
    SPF/DKIM results and our re-verification (``computed``). ``passed`` is True only for a
    real DMARC pass (``bestguesspass`` is not one). ``identifiers`` is the why-table and
    ``what_ifs`` what would have changed the outcome. Organizational domains come from the
    Public Suffix List snapshot named by ``psl_version``.
    """

    from_domain: str | None = None
    result: str | None = None
    explanation: str = ""
    from_domains: tuple[str, ...] = ()
    from_addresses: tuple[str, ...] = ()
    from_org_domain: str | None = None
    from_header_indexes: tuple[int, ...] = ()
    spf_domain: str | None = None
    spf_identity: Literal["mailfrom", "helo"] | None = None
    spf_result: str | None = None
    dkim_domains: tuple[str, ...] = ()
    identifiers: tuple[DmarcIdentifier, ...] = ()
    adkim: Literal["relaxed", "strict"] = "relaxed"
    aspf: Literal["relaxed", "strict"] = "relaxed"
    alignment_source: str = "default"
    psl_version: str | None = None
    org_domain_method: str = "psl"
    policy: DmarcPolicy | None = None
    reported_result: str | None = None
    reported_header_index: int | None = None
    computed_result: str | None = None
    result_source: Literal["trusted-header", "computed"] | None = None
    passed: bool | None = None
    what_ifs: tuple[str, ...] = ()
    published_record: DmarcRecord | None = None


class AuthAnalysis(Model):
    """What the Authentication-Results step returns to ``analyze()``."""

    auth_results: tuple[AuthResultsHeader, ...] = ()
    received_spf: tuple[ReceivedSpf, ...] = ()
    dmarc: DmarcReport | None = None
    findings: tuple[Finding, ...] = ()
    merged: tuple[AuthResultsHeader, ...] = ()
    trusted_authserv_ids: tuple[str, ...] = ()
    trust_rule: str = ""

    @property
    def trusted(self) -> AuthResultsHeader | None:
        """The merged view of the trusted headers (one authserv-id), or ``None``."""
        return next((m for m in self.merged if m.trusted), None)


def _quote_if_needed(value: str) -> str:
    """Quote ``value`` as an RFC 2045 quoted-string when it is not a plain token."""
    if value and all(c.isascii() and c.isprintable() and c not in _TSPECIALS for c in value):
        return value
    if value.startswith('"') or ('"@' in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_TSPECIALS = frozenset(' ()<>,;:\\"/[]?=')
