"""Defect and finding codes of the `auth` area (see ``headerlens._catalogue``).

Authentication-Results (RFC 8601), ARC-Authentication-Results (RFC 8617), Received-SPF
(RFC 7208 section 9.1) and DMARC alignment (RFC 7489).
"""

__all__ = ["DEFECTS", "FINDINGS"]

DEFECTS: dict[str, str] = {
    "auth.results_missing_authserv_id": (
        "An Authentication-Results value has no authserv-id before its first result"
        " (Microsoft 365 writes them this way)."
    ),
    "auth.results_stray_token": (
        "An Authentication-Results value holds a word or segment that is not part of any"
        " result (e.g. Microsoft's stray '; domain;')."
    ),
    "auth.results_empty_segment": (
        "An Authentication-Results value has an empty segment, usually a trailing ';'."
    ),
    "auth.results_empty_value": "A result or property in Authentication-Results has no value.",
    "auth.results_unquoted_value": (
        "A property value holds characters (':' of an IPv6 address, '<>') that must be quoted."
    ),
    "auth.results_property_without_ptype": (
        "A key=value in a result has no ptype before its name (e.g. Microsoft's action=none)."
    ),
    "auth.results_unterminated": (
        "A comment or quoted string in Authentication-Results is not closed."
    ),
    "auth.results_bad_version": (
        "The version of an Authentication-Results value or method is not 1."
    ),
    "auth.results_bad_instance": (
        "The i= instance of an ARC-Authentication-Results is not a number."
    ),
    "auth.results_nonconformant": (
        "An Authentication-Results or ARC-Authentication-Results value reads without repair but"
        " does not follow the strict grammar (RFC 8601 section 2.2, RFC 8617 section 4.1.1):"
        " e.g. an unquoted '/' in a value, a one-label domain after '@', an empty value."
    ),
    "auth.results_no_results": "An Authentication-Results value has neither results nor 'none'.",
    "auth.results_none_mixed": "An Authentication-Results value says 'none' and lists results too.",
    "auth.results_too_many": "An Authentication-Results value has more results than the limit.",
    "auth.received_spf_malformed": "A Received-SPF value does not start with an SPF result.",
}

FINDINGS: dict[str, str] = {
    "auth.no_trusted_results": (
        "No Authentication-Results field could be attributed to the receiving organisation,"
        " so every result shown is a claim anyone could have written."
    ),
    "auth.results_below_boundary": (
        "An Authentication-Results field sits below the trust boundary: it was there before"
        " the receiving organisation got the message and may have been written by the sender."
    ),
    "auth.results_forged_trusted_id": (
        "An Authentication-Results field claims the receiving organisation's authserv-id from"
        " a position that organisation did not write (RFC 8601 section 5: likely forged)."
    ),
    "auth.spf_fail": (
        "The receiving organisation's own SPF check failed (fail) or soft-failed (softfail):"
        " the sending host is not among those the envelope sender's domain authorizes"
        " (RFC 7208 sections 8.4 and 8.5)."
    ),
    "auth.dkim_pass_not_reproduced": (
        "The trusted Authentication-Results says a DKIM signature passed, but re-verifying it"
        " fails now."
    ),
    "auth.spf_domain_not_envelope": (
        "The trusted SPF pass is for a domain that is not the envelope sender recorded by the"
        " trusted hop."
    ),
    "auth.arc_results_disagree": (
        "An ARC-Authentication-Results recorded a different outcome for a method than the"
        " final trusted Authentication-Results."
    ),
    "auth.dmarc_fail": "DMARC did not pass: no aligned SPF or DKIM pass for the From domain.",
    "auth.dmarc_bestguesspass": (
        "Microsoft reported dmarc=bestguesspass: the From domain has no DMARC record, so this"
        " is not a DMARC pass."
    ),
    "auth.dmarc_result_mismatch": (
        "The DMARC result computed from the trusted SPF/DKIM results differs from the one the"
        " receiver reported."
    ),
    "auth.from_missing": "The message has no usable From address, so DMARC cannot apply.",
    "auth.from_multiple": (
        "The From field names several mailboxes or there are several From fields; DMARC"
        " evaluates each domain (RFC 7489 section 6.6.1)."
    ),
    "auth.from_display_name_address": (
        "The From display name holds an address with another domain than the real one, a"
        " common way to make a spoofed sender look right."
    ),
}
