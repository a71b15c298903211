"""Defect and finding codes of the `hops` area (see ``headerlens._catalogue``).

The area covers dates (RFC 5322 section 3.3/4.3, ``date.*``), single Received fields
(RFC 5321 section 4.4, ``received.*``) and the hop chain built from them (``hops.*``).
"""

__all__ = ["DEFECTS", "FINDINGS"]

DEFECTS: dict[str, str] = {
    # Dates (headerlens.parse.dates.parse_date).
    "date.invalid": "The text could not be read as a date-time; no datetime is given.",
    "date.out_of_range": "A date or time component is outside its range (e.g. 31 February).",
    "date.two_digit_year": "A two- or three-digit year (RFC 5322 section 4.3 obsolete form).",
    "date.zone_name": "The zone is a name (e.g. EST, CET) rather than a numeric offset.",
    "date.unknown_zone": "The zone name is unknown or ambiguous; UTC was assumed.",
    "date.military_zone": "A single-letter military zone, read as -0000 (RFC 5322 4.3).",
    "date.invalid_zone": "The zone offset is malformed or out of range; UTC was assumed.",
    "date.no_zone": "The date has no zone at all; UTC was assumed.",
    "date.iso_offset": "The zone offset has a colon (+hh:mm), which RFC 5322 does not allow.",
    "date.fractional_seconds": "The seconds have a fractional part, which RFC 5322 lacks.",
    "date.leap_second": "A leap second (:60) was read as :59.",
    "date.iso8601": "The date is in ISO 8601 form, not RFC 5322.",
    "date.go_format": "The date is Go's time.String() form (seen from SendGrid).",
    "date.month_first": "The date is month-first with a 12-hour clock (old bulk-mail tools).",
    "date.asctime": "The date is in C asctime() form, not RFC 5322.",
    "date.weekday_mismatch": "The day-of-week name does not match the calendar date.",
    "date.nonstandard_name": "A day name is spelled out instead of abbreviated.",
    "date.trailing_text": "Text follows the date-time and was ignored.",
    "date.unterminated_comment": "A comment in the date text is not closed.",
    "date.twelve_hour_clock": "The time has an AM/PM marker (12-hour clock); RFC 5322 has none.",
    "date.nonstandard_format": "A numeric date no standard defines, read by a fallback reader.",
    "date.ambiguous": "A numeric date that reads as two different days; no date is given.",
    # Received fields (headerlens.hops.received.parse_received).
    "received.empty": "The Received field has no content.",
    "received.no_date": "The Received field has no date-time.",
    "received.invalid_date": "The Received field's date-time could not be read.",
    "received.no_semicolon": "The date-time is not preceded by a semicolon.",
    "received.text_after_date": "Clauses follow the date-time instead of preceding it.",
    "received.unterminated_comment": "A comment is not closed before the end of the field.",
    "received.unterminated_quote": "A quoted string is not closed before the end of the field.",
    "received.unterminated_literal": "A domain literal '[' is not closed.",
    "received.unparsed_clause": "Text that belongs to no from/by/via/with/id/for clause.",
    "received.duplicate_clause": "A clause keyword appears more than once; the first was kept.",
    "received.invalid_ip": "Something written where an IP address belongs is not a valid IP.",
    "received.no_by": "The field names no receiving host (no 'by' clause).",
    "received.too_long": "The field is longer than the parser reads; the rest was ignored.",
    # The hop chain (headerlens.hops.chain.analyze_hops).
    "hops.too_many": "More Received fields than Limits.max_received; the oldest were skipped.",
}

FINDINGS: dict[str, str] = {
    "hops.negative_delay": "A hop is stamped earlier than the hop before it (skew or forgery).",
    "hops.largest_delay": "The hop that accounts for the largest share of the transit time.",
    "hops.long_delay": "A single hop held the message for more than an hour.",
    "hops.mailbox_wait": (
        "A POP/IMAP retrieval hop fetched the message more than an hour after it arrived: time"
        " spent in the mailbox, not a delivery delay."
    ),
    "hops.missing_date": "A hop has no readable date, so its delay is unknown.",
    "hops.gap": "A hop's receiving host does not match the next hop's sending host.",
    "hops.submission_delay": "The Date header is well before the first hop (slow submission).",
    "hops.future_date": "The Date header is later than the first hop's timestamp.",
    "hops.old_date": "The Date header is more than a week before the first hop.",
    "hops.private_ip_untrusted": "A private, loopback or reserved IP appears in an untrusted hop.",
    "hops.forged_trusted_host": "A Received field below the trust boundary claims a trusted host.",
    "hops.helo_impersonation": "An outside host gave a HELO name of the receiving organisation.",
    "hops.duplicate_singleton": "A header that must appear once appears more than once.",
    "hops.clock_skew": "A host's clock disagrees with its neighbours' by more than a minute.",
    "hops.trust_inferred": "The trust boundary was inferred from the headers, not configured.",
    "hops.no_received": "The message has no Received field: it never crossed an MTA.",
    "hops.out_of_order": "Received timestamps are not monotonic in header order.",
    "hops.gateway_trusted": "The recipient's inbound filtering services were trusted as its path.",
    "hops.gateway_gap": "A filtering service's hand-on is broken; the fields below stay untrusted.",
    "hops.gateway_unconnected": "A filtering service's field below the boundary is not linked.",
}
