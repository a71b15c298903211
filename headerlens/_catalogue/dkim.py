"""Defect and finding codes of the `dkim` area (see ``headerlens._catalogue``).

``REASONS`` is the table of DKIM result reasons (``DkimResult.reason``): code -> (RFC 8601
``dkim`` result, description). Sources: RFC 6376 section 6.1 (the PERMFAIL/TEMPFAIL causes),
RFC 8301 (rsa-sha1 and short keys), RFC 8463 (ed25519), RFC 8601 section 2.7.1 (results).
docs/dkim.md lists the same table; a test keeps the two in step.
"""

__all__ = ["DEFECTS", "FINDINGS"]

DEFECTS: dict[str, str] = {
    "dkim.malformed_signature": (
        "A DKIM-Signature field is not a valid tag list or lacks or garbles a required tag."
    ),
}

FINDINGS: dict[str, str] = {
    "dkim.signature_failed": "A DKIM signature did not verify; the reason and diagnosis say why.",
    "dkim.signature_error": (
        "A DKIM signature could not be evaluated (syntax, key or DNS problem), so it proves"
        " nothing either way."
    ),
    "dkim.key_not_looked_up": (
        "DKIM keys were not looked up because the analysis ran offline; supply saved keys"
        " or allow DNS to finish the check."
    ),
    "dkim.rsa_sha1": "A signature uses rsa-sha1, which RFC 8301 forbids verifiers to accept.",
    "dkim.weak_key": "A signature's RSA key is shorter than the 1024 bits RFC 8301 requires.",
    "dkim.body_length_limit": (
        "A signature covers only the first l= octets of the body; text after them is unsigned."
    ),
    "dkim.length_exceeds_body": (
        "A signature's l= is larger than the body, so part of the signed body is missing."
    ),
    "dkim.unsigned_header_above": (
        "A header field a mail client would display has an unsigned instance above the signed"
        " one, so what the reader sees is not what was signed."
    ),
    "dkim.not_oversigned": (
        "Header fields were signed only as often as they occur, so another instance could be"
        " added in transit without breaking the signature."
    ),
    "dkim.testing_mode": (
        "The signing domain's key is flagged t=y (testing): its result must not be treated"
        " differently from unsigned mail."
    ),
    "dkim.expired_since_receipt": (
        "A signature was valid when the message was received but has expired since."
    ),
    "dkim.multiple_key_records": (
        "The key name holds several TXT records; RFC 6376 leaves the outcome undefined."
    ),
    "dkim.too_many_signatures": (
        "The message has more DKIM signatures than the configured limit; the rest were not checked."
    ),
}

REASONS: dict[str, tuple[str, str]] = {
    "pass": ("pass", "Body hash and header signature both verify with the published key."),
    "body_hash_mismatch": (
        "fail",
        "The body hash (bh=) does not match the body: the body changed after signing.",
    ),
    "signature_mismatch": (
        "fail",
        "The header signature (b=) does not verify: signed header fields changed, or the key"
        " is not the one that signed.",
    ),
    "key_revoked": ("fail", "The key record has an empty p=: the signer revoked the key."),
    "expired": ("fail", "The signature's x= expiry is before the time it was judged at."),
    "future_timestamp": (
        "fail",
        "The signature's t= timestamp is after the time it was judged at (more than the"
        " allowed clock skew).",
    ),
    "key_not_found": (
        "permerror",
        "No key record exists at <selector>._domainkey.<domain> (NXDOMAIN or no TXT data).",
    ),
    "key_invalid": (
        "permerror",
        "The key record is not a usable DKIM key (bad tag list, version, base64 or key data).",
    ),
    "inappropriate_key": (
        "permerror",
        "The key record does not allow this signature (k= vs a=, h=, s= or t=s).",
    ),
    "syntax_error": (
        "permerror",
        "The DKIM-Signature field is malformed or lacks a required tag.",
    ),
    "incompatible_version": ("permerror", "The signature's v= is not 1."),
    "unsupported_algorithm": (
        "permerror",
        "The signature uses an algorithm (a=), canonicalization (c=) or query method (q=)"
        " this verifier does not know.",
    ),
    "from_not_signed": ("permerror", "The h= list does not include From (RFC 6376 5.4)."),
    "domain_mismatch": ("permerror", "The i= identity is not d= or a subdomain of it."),
    "key_unavailable": (
        "temperror",
        "The key lookup failed temporarily (SERVFAIL, timeout or another DNS error).",
    ),
    "key_not_looked_up": (
        "neutral",
        "The key was not looked up because the analysis ran offline.",
    ),
    "rsa_sha1": (
        "policy",
        "The signature verifies but uses rsa-sha1, which RFC 8301 section 3.1 forbids.",
    ),
    "key_too_small": (
        "policy",
        "The signature verifies but the RSA key is under 1024 bits (RFC 8301 section 3.2).",
    ),
    "limit_exceeded": (
        "neutral",
        "Not checked: the message has more signatures than Limits.max_dkim_signatures.",
    ),
    "body_not_original": (
        "neutral",
        "The body is a mail client's rendition (an Outlook .msg file), so the body hash cannot"
        " be checked; the header signature is checked when the key is known.",
    ),
    "body_not_available": (
        "neutral",
        "The input holds no body (a header-only paste) and the empty body does not match bh=,"
        " so the body hash cannot be checked.",
    ),
}
