"""Message accessors: case-insensitive lookup, addresses from the undecoded body."""

from __future__ import annotations

import headerlens
from headerlens.message import Address

RAW = (
    b"From: =?utf-8?q?Doe=2C_John?= <j@example.org>\r\n"
    b"to: a@example.org, \"B, C\" <b@example.org>\r\n"
    b"Subject: one\r\n"
    b"SUBJECT: two\r\n"
    b"\r\n"
)


def test_encoded_comma_in_display_name_does_not_split_the_address() -> None:
    msg = headerlens.parse(RAW)
    assert msg.addresses("from") == (
        Address(
            raw="=?utf-8?q?Doe=2C_John?= <j@example.org>",
            display_name="Doe, John",
            local_part="j",
            domain="example.org",
            domain_ascii="example.org",
        ),
    )


def test_address_lists_and_case_insensitive_names() -> None:
    msg = headerlens.parse(RAW)
    assert [a.addr_spec for a in msg.addresses("TO")] == ["a@example.org", "b@example.org"]
    assert msg.get("subject") == "one"
    assert msg.get_all("Subject") == ("one", "two")
    assert [f.index for f in msg.fields("SUBJECT")] == [2, 3]
    assert msg.get("X-Missing") is None
