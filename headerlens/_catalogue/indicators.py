"""Finding codes of the `indicators` area (see ``headerlens._catalogue``).

Indicators an analyst checks by hand (issue #14): each compares what a message claims with
what the analyses established. None proves forgery alone; ``docs/indicators.md`` says what
each shows and what it rests on.
"""

__all__ = ["DEFECTS", "FINDINGS"]

DEFECTS: dict[str, str] = {}

FINDINGS: dict[str, str] = {
    "indicator.reply_to_domain": (
        "Reply-To names an address whose organizational domain differs from the From domain:"
        " replies go elsewhere (RFC 5322 section 3.6.2)."
    ),
    "indicator.sender_domain": (
        "The Sender field names a mailbox at another organizational domain than From: it sent"
        " the message on the From author's behalf (RFC 5322 section 3.6.2)."
    ),
    "indicator.return_path_domain": (
        "The envelope sender (Return-Path) is at another organizational domain than From, so"
        " an SPF pass for it does not count for DMARC (RFC 7489 section 3.1.2)."
    ),
    "indicator.message_id_domain": (
        "The Message-ID domain is unrelated to the From domain, the signers, the envelope"
        " sender and every host on the path (RFC 5322 section 3.6.4)."
    ),
    "indicator.no_message_id": (
        "The message has no Message-ID, which RFC 5322 section 3.6.4 says it should have and"
        " submission servers add (RFC 6409 section 8.3)."
    ),
    "indicator.no_date": (
        "The message has no Date (defect message.missing_date), which RFC 5322 requires and"
        " submission servers add (RFC 6409 section 8.2)."
    ),
    "indicator.idn_domain": (
        "A sender domain is internationalized (RFC 5890): shown in Unicode, sent as A-labels."
    ),
    "indicator.mixed_script_domain": (
        "A sender domain mixes scripts within one label (e.g. Latin and Cyrillic), the"
        " homograph trick (Unicode UTS #39 section 5.1)."
    ),
    "indicator.confusable_domain": (
        "A sender domain is written entirely in look-alikes of Latin letters and can pass for"
        " an ASCII name (a whole-script confusable, Unicode UTS #39 section 4)."
    ),
    "indicator.lookalike_domain": (
        "A sender domain looks like another domain in the message (the recipient's, another"
        " sender field's, a signer's) but is a different name (UTS #39 skeletons match)."
    ),
    "indicator.own_domain_from_outside": (
        "The From domain is the recipient's own, yet the message came in from outside and is"
        " not authenticated: a colleague's address may be impersonated."
    ),
    "indicator.dynamic_rdns": (
        "The origin's reverse-DNS name is generic (dynamic or access-line words, or its own IP"
        " spelled out), as home and dynamic addresses have."
    ),
    "indicator.bulk_mail": (
        "The message was sent through a known bulk or transactional e-mail platform, or"
        " carries bulk-mail fields (List-Unsubscribe, Feedback-ID)."
    ),
}
