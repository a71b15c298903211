"""Defect and finding codes of the `arc` area (see ``headerlens._catalogue``).

Sources: RFC 8617 (ARC) sections 4 and 5; the wording is ours.
"""

__all__ = ["DEFECTS", "FINDINGS"]

DEFECTS: dict[str, str] = {
    "arc.invalid_instance": (
        "An ARC header field has no instance tag, or one that is not a number from 1 to 50"
        " (an ARC-Authentication-Results value must start with i=N;)."
    ),
    "arc.duplicate_instance": "Two ARC header fields of the same kind claim the same instance.",
    "arc.incomplete_set": (
        "An ARC set lacks its ARC-Seal, ARC-Message-Signature or ARC-Authentication-Results."
    ),
    "arc.instance_gap": "The ARC instances are not numbered 1 to N without a gap.",
    "arc.too_many_sets": "The message carries more ARC sets than the limit (RFC 8617: 50).",
    "arc.malformed_tags": (
        "An ARC-Seal or ARC-Message-Signature is not a valid tag list, or a required tag is"
        " missing, malformed or names an algorithm ARC does not allow."
    ),
    "arc.seal_has_h": "An ARC-Seal carries an h= tag, which RFC 8617 forbids.",
}

FINDINGS: dict[str, str] = {
    "arc.chain_valid": "The ARC chain validates: every seal and the newest message signature.",
    "arc.chain_failed": "The ARC chain fails; the summary names the instance and the check.",
    "arc.not_verified": (
        "The ARC chain could not be verified because a sealer's public key was not available"
        " (offline, or the DNS lookup failed)."
    ),
    "arc.message_modified": (
        "An intermediary changed the message between two ARC instances, or after the last."
    ),
    "arc.hop_results": (
        "What each ARC sealer recorded in its ARC-Authentication-Results (SPF, DKIM, DMARC)."
    ),
    "arc.forwarded_dmarc_pass": (
        "DMARC or DKIM fails at the final hop but a valid ARC chain recorded a DMARC pass"
        " earlier: the typical forwarding or mailing-list case."
    ),
    "arc.truncated": (
        "The receiver's own Authentication-Results name more ARC sets or sealers than the"
        " message carries: the newest sets were stripped."
    ),
}

REASONS: dict[str, tuple[str, str]] = {
    "no_arc": ("none", "The message carries no ARC header field."),
    "pass": (
        "pass",
        "Every ARC-Seal verifies and claims the right cv, and the newest"
        " ARC-Message-Signature verifies (RFC 8617 section 5.2).",
    ),
    "invalid_instance": (
        "fail",
        "An ARC header field has no usable instance number (i=), or one outside 1-50.",
    ),
    "duplicate_instance": ("fail", "Two ARC header fields of one kind claim the same instance."),
    "instance_gap": ("fail", "The instances are not numbered 1 to N: a set is missing."),
    "incomplete_set": (
        "fail",
        "An instance lacks its ARC-Seal, ARC-Message-Signature or ARC-Authentication-Results.",
    ),
    "too_many_sets": ("fail", "The chain has more ARC sets than the limit (at most 50)."),
    "sealed_fail": (
        "fail",
        "A sealer wrote cv=fail: the chain had already failed when it reached that"
        " intermediary.",
    ),
    "seal_malformed": (
        "fail",
        "An ARC-Seal's tag list is invalid: a required tag is missing or malformed, it"
        " carries h=, or a= is not rsa-sha256.",
    ),
    "newest_ams_invalid": (
        "fail",
        "The newest ARC-Message-Signature does not verify: the message changed after the"
        " last intermediary sealed it.",
    ),
    "seal_invalid": (
        "fail",
        "An ARC-Seal signature does not verify: ARC fields were altered, removed or forged.",
    ),
    "wrong_cv": (
        "fail",
        "An ARC-Seal claims the wrong cv (instance 1 must say none, later ones pass).",
    ),
    "key_unavailable": (
        "fail",
        "A sealer's key could not be had (offline, SERVFAIL, timeout), so the chain could not"
        " be verified; with saved keys or DNS it may pass.",
    ),
    "internal_error": (
        "fail",
        "ARC validation stopped on an internal error; the reason names it (a bug to report).",
    ),
}
"""ARC reason codes (``ArcResult.reason_code``): code -> (``cv``, description). Sources:
RFC 8617 sections 4.1.1 and 5.2. ``tests/docs`` checks that the validator assigns no other
code."""
