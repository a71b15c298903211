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
