"""Message accessors: case-insensitive lookup, addresses from the undecoded body."""

from __future__ import annotations

import headerlens
from headerlens.message import Address

RAW = (
    b"From: =?utf-8?q?Doe=2C_John?= <j@example.org>\r\n"
    b'to: a@example.org, "B, C" <b@example.org>\r\n'
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


def test_a_str_naming_a_file_is_parsed_as_text_with_a_defect(tmp_path: object) -> None:
    from pathlib import Path

    import pytest

    assert isinstance(tmp_path, Path)
    path = tmp_path / "m.eml"
    path.write_bytes(b"From: a@example.org\r\nDate: Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\nx\r\n")
    msg = headerlens.parse(str(path))
    assert [d.code for d in msg.defects] == ["input.looks_like_path", "header.leading_junk"]
    assert msg.source == str(path).encode()
    assert headerlens.parse(path).defects == ()
    with pytest.raises(headerlens.DefectError) as info:
        headerlens.parse(str(path), policy=headerlens.Policy(strict=True))
    assert info.value.defect.code == "input.looks_like_path"


def test_addresses_and_date_are_read_once_and_stay_out_of_equality_and_json() -> None:
    raw = (
        b"From: =?utf-8?q?Al=C3=AFce?= <alice@example.net>\r\nTo: a@example.org, b@example.org\r\n"
        b"Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\nbody\r\n"
    )
    m, fresh = headerlens.parse(raw), headerlens.parse(raw)
    first = m.addresses("To")
    assert [a.addr_spec for a in first] == ["a@example.org", "b@example.org"]
    assert m.addresses("To") is first  # kept, not tokenized again
    assert m.field_addresses(m.fields("To")[0]) is first
    assert m.date() is m.date()
    assert m == fresh  # the kept readings are no part of equality ...
    assert m.model_dump(mode="json") == fresh.model_dump(mode="json")  # ... nor of the JSON
    # A copy with other header fields (a redacted message) reads its own fields, never the
    # answers kept for the original ones.
    red = headerlens.analyze(m).redact(b"a test key").message
    assert [a.addr_spec for a in red.addresses("To")] != [a.addr_spec for a in first]
    assert all(a.domain and "example.org" not in a.domain for a in red.addresses("To"))
    assert [a.addr_spec for a in m.addresses("To")] == ["a@example.org", "b@example.org"]


def test_the_parser_hands_the_message_its_reader() -> None:
    # message.py imports no parser: mime, addresses() and date() read through the parser
    # that made the message; a Message made by hand has neither source nor parser.
    raw = RAW.replace(b"\r\n\r\n", b"\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nbody\r\n")
    msg = headerlens.parse(raw)
    assert msg.mime is not None
    assert msg.mime.content_type == "text/plain"
    date = msg.date()
    assert date is not None
    assert date.datetime is not None
    copy = msg.model_copy(update={"defects": ()})  # copies keep the reader
    assert copy.addresses("To") == msg.addresses("To")
    by_hand = headerlens.Message(headers=msg.headers, size=msg.size)
    assert (by_hand.mime, by_hand.addresses("To"), by_hand.date()) == (None, (), None)


def test_a_pickled_message_keeps_its_reader() -> None:
    import pickle

    msg = headerlens.parse(RAW + b"body\r\n")
    again = pickle.loads(pickle.dumps(msg))
    assert again.addresses("To") == msg.addresses("To")
    assert again.mime == msg.mime


def test_message_addresses_raise_under_strict() -> None:
    import pytest

    msg = headerlens.parse(
        b"From: a@example.org\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nTo: Bob <b@x\r\n\r\n"
    )
    assert [d.code for a in msg.addresses("To") for d in a.defects] == ["address.unparseable"]
    strict = headerlens.parse(msg.source, policy=headerlens.Policy(strict=True))
    with pytest.raises(headerlens.DefectError):
        strict.addresses("To")
