# ruff: noqa: E501
"""Defect and finding codes of the `parse` area (see ``headerlens._catalogue``).

Prefixes: ``header.*`` (splitting the header block, RFC 5322 section 2.2, RFC 2047),
``message.*`` (the message as a whole, RFC 5322 section 3.6), ``address.*`` (RFC 5322
section 3.4), ``mime.*`` (RFC 2045/2046/2231), ``limits.*`` (a ``Policy.limits`` cap was hit).
"""

__all__ = ["DEFECTS", "FINDINGS"]

DEFECTS: dict[str, str] = {
    # header splitting
    "header.leading_blank_lines": "Blank lines or white space came before the first header field and were skipped.",
    "header.first_line_indented": "The first line began with white space, which would make it a continuation of nothing.",
    "header.leading_junk": "Lines that are not header fields came before the first header field and were skipped.",
    "header.no_header_block": "The input does not start with a header block; all of it was taken as body.",
    "header.missing_separator": "A line that is not a header field ended the header block without the empty line RFC 5322 requires.",
    "header.unindented_continuation": "In a header-only paste, a line without a field name was joined to the field above, as if its indentation had been lost.",
    "header.non_utf8": "A header field holds 8-bit bytes that are not valid UTF-8; the raw text was read as Latin-1.",
    "header.encoded_word_charset": "An RFC 2047 encoded word names a charset Python does not know; the word was kept as written.",
    "header.encoded_word_invalid": "An RFC 2047 encoded word could not be decoded (bad base64 or quoted-printable, or bytes invalid in its charset).",
    # message level
    "message.missing_from": "The message has no From field, which RFC 5322 section 3.6 requires.",
    "input.looks_like_path": (
        "The text given as the message is one line that reads like a file name (judged from the"
        " text alone: the file system is never asked); it was parsed as message text. A file"
        " is read only when passed as pathlib.Path (or another os.PathLike)."
    ),
    "message.missing_date": "The message has no Date field, which RFC 5322 section 3.6 requires.",
    "message.multiple_from": "The message has more than one From field; RFC 5322 section 3.6 allows one.",
    "message.duplicate_singleton": "A field that RFC 5322 section 3.6 allows at most once (Date, Subject, Message-ID, To, ...) appears more than once.",
    # addresses
    "address.unparseable": "Text in an address field could not be read as a mailbox or group.",
    "address.display_name_spoof": "A display name contains an e-mail address different from the real address, a classic way to mislead the reader.",
    "address.invalid_domain": "A mailbox domain could not be converted to its IDNA A-label form.",
    "address.obsolete_route": "A mailbox uses the obsolete source-route syntax (@host1,@host2:user@domain).",
    # MIME
    "mime.invalid_content_type": "A Content-Type field could not be read as type/subtype; text/plain was assumed.",
    "mime.missing_boundary": "A multipart Content-Type has no boundary parameter; the body was kept as one part.",
    "mime.start_boundary_not_found": "The boundary of a multipart entity never occurs in its body.",
    "mime.close_boundary_not_found": "A multipart entity has no closing boundary: the message may be truncated.",
    "mime.invalid_multipart_encoding": "A multipart entity declares a transfer encoding other than 7bit, 8bit or binary (RFC 2045 section 6.4).",
    "mime.base64_padding": "Base64 content has missing or extra padding.",
    "mime.base64_characters": "Base64 content holds characters outside the base64 alphabet.",
    "mime.base64_length": "Base64 content has a length no base64 encoder produces (one character left over).",
    "mime.quoted_printable_invalid": "Quoted-printable content has an '=' not followed by two hex digits or a line end.",
    "mime.unknown_transfer_encoding": "A Content-Transfer-Encoding value is not one RFC 2045 defines.",
    "mime.invalid_parameter": "A MIME parameter could not be read (no '=', unterminated quotes, or a broken RFC 2231 continuation).",
    "mime.unterminated_comment": "A comment in a Content-Type or Content-Disposition field is not closed: among the parameters it hides the rest of the field; after the type, the parameters are still read from the next ';', as mail readers do.",
    # caps
    "limits.input_bytes": "The input is larger than Limits.max_input_bytes; only the start was read.",
    "limits.header_count": "The message has more header fields than Limits.max_header_count; the rest were not read.",
    "limits.header_bytes": "A header field is longer than Limits.max_header_bytes; its value was cut.",
    "limits.header_block_bytes": "The header block is longer than Limits.max_header_block_bytes; the rest was not read.",
    "limits.mime_depth": "MIME nesting is deeper than Limits.max_mime_depth; deeper parts were not read.",
    "limits.mime_parts": "The message has more MIME parts than Limits.max_mime_parts; the rest were not read.",
}

FINDINGS: dict[str, str] = {}
