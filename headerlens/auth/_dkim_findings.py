"""Findings about one re-verified DKIM signature (RFC 6376, RFC 8301).

Failures and errors (``dkim.signature_failed``, ``dkim.signature_error``), and what a pass
does not protect: rsa-sha1 and short keys (RFC 8301), testing keys (``t=y``), ``l=`` leaving
text unsigned (RFC 6376 section 8.2), expiry since receipt, several key records, and the
coverage of the signed header fields: an unsigned instance of a displayed field above the
signed one, and fields not over-signed (RFC 6376 sections 5.4.2 and 8.15).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from headerlens.auth._dkim_key import Key
from headerlens.auth._sigbytes import Field
from headerlens.auth.models import DkimResult
from headerlens.findings import Finding, Severity, make_finding

__all__ = ["DISPLAYED", "OVERSIGN", "error_finding", "failure_finding", "policy_findings"]

#: Header fields a mail client displays: unsigned instances above the signed one are flagged.
DISPLAYED = (b"from", b"subject", b"to", b"cc", b"date", b"reply-to", b"sender")
#: Header fields whose extra instances should be prevented by over-signing.
OVERSIGN = (b"from", b"subject", b"to", b"cc", b"date", b"reply-to", b"sender", b"message-id")


def error_finding(result: DkimResult) -> Finding:
    """``dkim.signature_error``: a signature that could not be evaluated."""
    return make_finding(
        "dkim.signature_error",
        "notice",
        f"DKIM signature by {result.domain or 'an unknown domain'} could not be evaluated"
        f" ({result.reason}).",
        (result.header_index,),
        result.explanation,
    )


def failure_finding(result: DkimResult, domain: str) -> Finding:
    """``dkim.signature_failed``: a signature that verifies no more."""
    return make_finding(
        "dkim.signature_failed",
        "warning",
        f"DKIM signature by {domain} fails ({result.reason}).",
        (result.header_index,),
        result.explanation,
    )


def policy_findings(
    fields: Sequence[Field],
    index: Mapping[bytes, Sequence[int]],
    result: DkimResult,
    chosen: list[int | None],
    h_names: list[bytes],
    key: Key,
) -> list[Finding]:
    """What the signature does not protect, even when it passes. ``index``: the positions
    of ``fields`` by name (so each signature costs its own h= list, not the whole header)."""
    out = _key_and_tag_findings(result, key)
    if result.header_signature_ok:
        # Coverage: only meaningful when the signed headers are authentic.
        out += _coverage_findings(fields, index, result, chosen, h_names)
    return out


def _key_and_tag_findings(result: DkimResult, key: Key) -> list[Finding]:
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
                "dkim.weak_key", "warning", f"DKIM key of {who} has only {key.info.bits} bits.", idx
            )
        )
    if result.testing:
        out.append(
            make_finding(
                "dkim.testing_mode", "notice", f"The key of {who} is in testing mode (t=y).", idx
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
    return out


def _coverage_findings(
    fields: Sequence[Field],
    index: Mapping[bytes, Sequence[int]],
    result: DkimResult,
    chosen: list[int | None],
    h_names: list[bytes],
) -> list[Finding]:
    out: list[Finding] = []
    who = result.domain or "?"
    signed = Counter(h_names)
    for name in DISPLAYED:
        positions = index.get(name, ())
        if not signed[name] or not positions:
            continue
        selected = [p for p, n in zip(chosen, h_names, strict=True) if n == name and p is not None]
        top = min(selected) if selected else len(fields)
        above = [fields[p].index for p in positions if p < top]
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
    weak = [
        n.decode()
        for n in OVERSIGN
        if (count := len(index.get(n, ()))) and signed[n] and signed[n] <= count
    ]
    if weak:
        out.append(
            make_finding(
                "dkim.not_oversigned",
                "info",
                f"DKIM signature by {who} does not over-sign {', '.join(weak)}: another"
                " instance could be added without breaking it.",
                (result.header_index,),
            )
        )
    return out
