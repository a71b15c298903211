"""Defect and finding codes of the `spam` area (see ``headerlens._catalogue``)."""

__all__ = ["DEFECTS", "FINDINGS"]

DEFECTS: dict[str, str] = {
    "spam.malformed_value": (
        "A vendor filtering header could not be read in full; what could be read was decoded"
        " and the rest was kept as raw text."
    ),
    "spam.decoder_failed": (
        "A vendor decoder stopped on an unexpected value; the header was kept raw and the"
        " analysis went on."
    ),
}

FINDINGS: dict[str, str] = {
    "spam.filtered_as_spam": (
        "A filter that handled the message classified it as spam (its score, verdict and the"
        " main reasons are given)."
    ),
    "spam.score_over_threshold": (
        "A scoring filter gave the message a score at or above its spam threshold; the rules"
        " that contributed most are named."
    ),
    "spam.spam_delivered_to_inbox": (
        "Microsoft filtering marked the message as spam, yet mailbox delivery put it in the"
        " inbox, which points to a user or admin rule or an allow entry overriding the verdict."
    ),
    "spam.junk_folder": "Mailbox delivery placed the message in the Junk Email folder.",
    "spam.bulk_over_threshold": (
        "The bulk complaint level (BCL) reached the bulk threshold, so the message was handled"
        " as bulk mail."
    ),
    "spam.phish_verdict": (
        "The filter classified the message as phishing, high-confidence phishing, spoofing or"
        " impersonation."
    ),
    "spam.filtering_skipped": (
        "Spam filtering was skipped or overridden (safe sender, allow list, mail flow rule, IP"
        " allow list or internal mail), so the filter made no spam verdict."
    ),
    "spam.blocked_sender": "The sender matched a block list, so the message was treated as spam.",
    "spam.compauth_failed": (
        "Microsoft composite authentication (compauth) failed: the sender could not be shown to"
        " be entitled to the From domain."
    ),
    "spam.malware_detected": "A filter reported malware or a virus in the message.",
    "spam.untrusted_verdict": (
        "A filtering verdict sits below the trust boundary or in an -Untrusted header: it is a"
        " claim written by a party outside the receiving organisation and proves nothing."
    ),
    "spam.conflicting_verdicts": (
        "Trusted filters disagree: at least one called the message spam and another did not."
    ),
    "spam.released_from_quarantine": (
        "The message was released from quarantine by an administrator or user."
    ),
}
