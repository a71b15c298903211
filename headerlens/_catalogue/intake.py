"""Defect and finding codes of the `intake` area: the form a message arrived in (Outlook
``.msg`` files, pastes, client summaries) and the messages attached to it (see
``headerlens._catalogue``).

Prefixes: ``msg.*`` (reading an Outlook ``.msg`` file, [MS-OXMSG]), ``intake.*`` (what the
input form means for the analysis), ``attached.*`` (messages attached to the message),
``limits.*`` (a ``Policy.limits`` cap was hit).
"""

__all__ = ["DEFECTS", "FINDINGS"]

DEFECTS: dict[str, str] = {
    "msg.unreadable": (
        "The input has the signature of an Outlook .msg compound file but could not be read as"
        " one; nothing was parsed."
    ),
    "msg.no_transport_headers": (
        "The Outlook item holds no transport headers (a draft, a sent item, some internal"
        " Exchange mail): its header fields were rebuilt from Outlook properties and say"
        " nothing about how it travelled."
    ),
    "msg.attachment_unreadable": (
        "An attachment of the Outlook item could not be read (a broken storage or no data)."
    ),
    "msg.attachments_not_rebuilt": (
        "The stored header does not declare a multipart body, so the Outlook item's"
        " attachments have no place in the rebuilt message."
    ),
    "limits.attached_depth": (
        "An attached message is nested deeper than Limits.max_attached_depth; it was not analysed."
    ),
    "limits.attached_count": (
        "The message has more attached messages than Limits.max_attached; the rest were not"
        " analysed."
    ),
}

FINDINGS: dict[str, str] = {
    "intake.body_not_original": (
        "The message came from an Outlook .msg file: its header block is the one it arrived"
        " with, but its body is Outlook's rendition, so DKIM body hashes and ARC message"
        " signatures cannot be checked."
    ),
    "intake.client_claim_differs": (
        "A mail client's summary of the message (Gmail's \"Show original\" table) says something"
        " the message itself does not support."
    ),
    "intake.client_claims_agree": (
        "The mail client's summary of the message agrees with the message's own header fields."
    ),
    "attached.reported_message": (
        "The message is a report: a short note with one attached message, analysed in full"
        " (the readable report leads with it)."
    ),
    "attached.messages": "The message carries attached messages; each was analysed in full.",
}
