"""Models of authentication results: DKIM, ARC, Authentication-Results, Received-SPF, DMARC."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from headerlens._model import Model
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


class DkimAnalysis(Model):
    """What the DKIM step returns to ``analyze()``."""

    results: tuple[DkimResult, ...] = ()
    findings: tuple[Finding, ...] = ()


class AuthProperty(Model):
    """One ``ptype.property=value`` of a result (RFC 8601 section 2.3)."""

    ptype: str
    name: str
    value: str


class AuthResult(Model):
    """One ``method=result`` statement of an Authentication-Results field (RFC 8601 2.2)."""

    method: str
    result: str
    reason: str | None = None
    properties: tuple[AuthProperty, ...] = ()
    comments: tuple[str, ...] = ()
    explanation: str = ""


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


class ArcInstance(Model):
    """One ARC set (RFC 8617 section 4.1): seal, message signature and AAR of instance ``i``."""

    instance: int
    seal_domain: str | None = None
    seal_valid: bool | None = None
    ams_valid: bool | None = None
    cv: str | None = None
    aar: AuthResultsHeader | None = None


class ArcResult(Model):
    """The ARC chain validation (RFC 8617 section 5.2): ``cv`` is none, pass or fail."""

    cv: Literal["none", "pass", "fail"] = "none"
    reason: str = ""
    instances: tuple[ArcInstance, ...] = ()
    oldest_pass: int | None = None
    broken_at: int | None = None


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


class DmarcReport(Model):
    """DMARC (RFC 7489): the From domain, the authenticated identifiers, alignment, result."""

    from_domain: str | None = None
    result: str | None = None
    explanation: str = ""


class AuthAnalysis(Model):
    """What the Authentication-Results step returns to ``analyze()``."""

    auth_results: tuple[AuthResultsHeader, ...] = ()
    received_spf: tuple[ReceivedSpf, ...] = ()
    dmarc: DmarcReport | None = None
    findings: tuple[Finding, ...] = ()
