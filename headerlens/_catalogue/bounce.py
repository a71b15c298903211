"""Defect and finding codes of the `bounce` area (see ``headerlens._catalogue``)."""

__all__ = ["DEFECTS", "FINDINGS"]

DEFECTS: dict[str, str] = {
    "bounce.dsn_no_recipients": "A delivery-status part (RFC 3464) holds no per-recipient block.",
    "bounce.recipient_missing": "A per-recipient block has no Final-Recipient address.",
    "bounce.invalid_status": "A Status field is not an RFC 3463 class.subject.detail code.",
    "bounce.no_recipients": "The report names no recipient that could be read.",
    "bounce.original_missing": "The bounce does not include the returned original message.",
    "bounce.format_unreadable": "The prose of a recognised bounce format could not be read.",
    "bounce.arf_missing_report": (
        "A feedback-report multipart/report lacks its message/feedback-report part."
    ),
    "bounce.arf_missing_type": (
        "A feedback report has no Feedback-Type field (RFC 5965 section 3.1)."
    ),
    "limits.bounce_recipients": (
        "A report names more recipients than Limits.max_bounce_recipients; the rest were not read."
    ),
    "bounce.arf_unknown_type": (
        "A Feedback-Type value is not in the IANA registry (RFC 5965 section 7.3)."
    ),
}

FINDINGS: dict[str, str] = {
    "bounce.dmarc_rejection": (
        "The bounce says the message failed DMARC; the original's authentication explains why."
    ),
    "bounce.auth_rejection": (
        "The bounce cites sender authentication (SPF/DKIM); the original's results are shown."
    ),
    "bounce.original_unsigned": (
        "The returned original carries no DKIM signature, which receivers may require."
    ),
    "bounce.original_dkim_misaligned": (
        "The original's DKIM signing domain does not align with its From domain."
    ),
    "bounce.original_spf_foreign": (
        "The original's SPF-checked envelope domain does not align with its From domain."
    ),
    "bounce.ptr_rejection": (
        "The bounce says the sending IP lacks reverse DNS; the original's origin IP is shown."
    ),
    "bounce.blocked_origin": (
        "The bounce says the sending host was blocked; the original's origin IP is shown."
    ),
    "bounce.hard_bounce": (
        "The recipient address is bad (unknown user/host, moved): stop sending to it."
    ),
    "bounce.recipient_not_in_original": (
        "A bounced recipient does not appear in the original's To/Cc/Delivered-To."
    ),
}
