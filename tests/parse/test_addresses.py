"""Address lists (RFC 5322 section 3.4) into Address models."""

from __future__ import annotations

import pytest

from headerlens.defects import Defect
from headerlens.errors import DefectError
from headerlens.message import Address
from headerlens.parse import parse
from headerlens.parse.addresses import domain_to_ascii, parse_address_list
from headerlens.policy import Policy


def A(
    raw: str, display: str | None, local: str | None, domain: str | None, **kw: object
) -> Address:
    ascii_ = kw.pop("domain_ascii", domain.lower() if domain else None)
    return Address(
        raw=raw,
        display_name=display,
        local_part=local,
        domain=domain,
        domain_ascii=ascii_,
        **kw,
    )


def D(code: str, message: str, index: int | None = 4) -> Defect:
    return Defect(code=code, message=message, header_index=index)


CASES = [
    (
        "quoted-display-name",
        '"Alice A." <alice@example.org>',
        [A('"Alice A." <alice@example.org>', "Alice A.", "alice", "example.org")],
    ),
    (
        "bare-addr-spec",
        "bob@Example.ORG",
        [A("bob@Example.ORG", None, "bob", "Example.ORG", domain_ascii="example.org")],
    ),
    (
        "comment-name-old-style",
        "bob@example.org (Bob Smith)",
        [A("bob@example.org (Bob Smith)", "Bob Smith", "bob", "example.org")],
    ),
    (
        "multiple-mailboxes-comma-in-quotes",
        '"Smith, John" <j@example.org>, k@example.net',
        [
            A('"Smith, John" <j@example.org>', "Smith, John", "j", "example.org"),
            A("k@example.net", None, "k", "example.net"),
        ],
    ),
    (
        "group-with-members",
        "Team: a@example.org, C <c@example.org>;, e@example.net",
        [
            A("a@example.org", None, "a", "example.org", group="Team"),
            A("C <c@example.org>", "C", "c", "example.org", group="Team"),
            A("e@example.net", None, "e", "example.net"),
        ],
    ),
    ("empty-group-undisclosed", "undisclosed-recipients:;", []),
    (
        "quoted-local-part",
        '<"john doe"@example.org>',
        [A('<"john doe"@example.org>', None, '"john doe"', "example.org")],
    ),
    (
        "nested-comments",
        "(outer (inner) c) x@example.org (tail)",
        [A("(outer (inner) c) x@example.org (tail)", "outer (inner) c", "x", "example.org")],
    ),
    ("null-return-path", "<>", [A("<>", None, None, None)]),
    (
        "obsolete-route",
        "<@r1.example,@r2.example:u@example.org>",
        [
            A(
                "<@r1.example,@r2.example:u@example.org>",
                None,
                "u",
                "example.org",
                defects=(
                    D(
                        "address.obsolete_route",
                        "source route in '<@r1.example,@r2.example:u@example.org>'",
                    ),
                ),
            )
        ],
    ),
    (
        "idna-u-label-domain",
        "Müller <m@bücher.example>",
        [
            A(
                "Müller <m@bücher.example>",
                "Müller",
                "m",
                "bücher.example",
                domain_ascii="xn--bcher-kva.example",
            )
        ],
    ),
    (
        "rfc2047-display-name-with-comma",
        "=?utf-8?q?Doe=2C_John?= <j@example.org>",
        [A("=?utf-8?q?Doe=2C_John?= <j@example.org>", "Doe, John", "j", "example.org")],
    ),
    (
        "domain-literal",
        "postmaster@[192.0.2.1]",
        [A("postmaster@[192.0.2.1]", None, "postmaster", "[192.0.2.1]")],
    ),
    (
        "display-name-spoof",
        '"ceo@bank.example" <attacker@evil.test>',
        [
            A(
                '"ceo@bank.example" <attacker@evil.test>',
                "ceo@bank.example",
                "attacker",
                "evil.test",
                defects=(
                    D(
                        "address.display_name_spoof",
                        "display name 'ceo@bank.example' shows ceo@bank.example"
                        " but the address is attacker@evil.test",
                    ),
                ),
            )
        ],
    ),
    (
        "display-name-same-address-is-fine",
        '"alice@example.org" <Alice@Example.org>',
        [
            A(
                '"alice@example.org" <Alice@Example.org>',
                "alice@example.org",
                "Alice",
                "Example.org",
                domain_ascii="example.org",
            )
        ],
    ),
    (
        "local-part-only",
        "foobar",
        [
            A(
                "foobar",
                None,
                "foobar",
                None,
                defects=(D("address.unparseable", "not a mailbox: 'foobar'"),),
            )
        ],
    ),
    (
        "unterminated-angle",
        "Bob <bob@example.org",
        [
            A(
                "Bob <bob@example.org",
                "Bob",
                "bob",
                "example.org",
                defects=(D("address.unparseable", "no '>' in 'Bob <bob@example.org'"),),
            )
        ],
    ),
    (
        # The tokenizer's problem belongs to the mailbox with the bad token, not to the empty
        # slot before the comma (found by fuzzing: this used to raise IndexError).
        "empty-slot-then-unterminated-literal",
        ", a [",
        [
            A(
                "a [",
                None,
                "a",
                None,
                defects=(
                    D("address.unparseable", "unterminated domain literal in 'a ['"),
                    D("address.unparseable", "not a mailbox: 'a ['"),
                ),
            )
        ],
    ),
    (
        "invalid-idna-domain",
        "x@exa\u200dmple..test",
        [
            A(
                "x@exa\u200dmple..test",
                None,
                "x",
                "exa\u200dmple..test",
                domain_ascii=None,
                defects=(D("address.invalid_domain", "no IDNA form for 'exa\\u200dmple..test'"),),
            )
        ],
    ),
]


@pytest.mark.parametrize(("value", "expected"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_parse_address_list(value: str, expected: list[Address]) -> None:
    assert list(parse_address_list(value, header_index=4)) == expected


def test_message_addresses_uses_every_field() -> None:
    msg = parse(b"From: a@example.org\nTo: b@example.org, c@example.org\nTo: d@example.org\n")
    assert [a.addr_spec for a in msg.addresses("to")] == [
        "b@example.org",
        "c@example.org",
        "d@example.org",
    ]
    assert [a.defects for a in msg.addresses("To")] == [(), (), ()]


def test_from_defects_reach_the_message_and_strict_raises() -> None:
    source = (
        b'From: "ceo@bank.example" <attacker@evil.test>\nTo: x@example.org\n'
        b"Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
    )
    assert [d.code for d in parse(source).defects] == ["address.display_name_spoof"]
    with pytest.raises(DefectError):
        parse(source, policy=Policy(strict=True))


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("Example.ORG.", "example.org"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("[IPv6:2001:DB8::1]", "[ipv6:2001:db8::1]"),
        ("", None),
    ],
)
def test_domain_to_ascii(domain: str, expected: str | None) -> None:
    assert domain_to_ascii(domain) == expected


def test_scanner_is_linear_on_hostile_nesting() -> None:
    # Deep comment nesting and many quotes finish at once (no backtracking).
    value = "(" * 50_000 + "x@example.org"
    (addr,) = parse_address_list(value)
    assert addr.local_part is None
    assert [d.code for d in addr.defects] == ["address.unparseable", "address.unparseable"]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("a@b" + ":" * 50_000, id="colon-run-after-at"),
        pytest.param("[" * 50_000, id="unclosed-domain-literals"),
        pytest.param('"' * 50_001, id="quote-run"),
        pytest.param("<" * 50_000, id="angle-run"),
        pytest.param("," * 50_000, id="comma-run"),
    ],
)
def test_hostile_address_lists_finish(value: str) -> None:
    for addr in parse_address_list(value):
        assert addr.raw


@pytest.mark.parametrize(
    ("from_value", "code"),
    [
        pytest.param(b'"ceo@bank.example" <x@evil.test>', "address.display_name_spoof", id="spoof"),
        pytest.param(b"foobar", "address.unparseable", id="unparseable"),
        pytest.param(b"<@relay.example:u@example.org>", "address.obsolete_route", id="route"),
        pytest.param(b"x@a..b\xc3\xa9", "address.invalid_domain", id="idna"),
    ],
)
def test_from_address_defects_under_strict(from_value: bytes, code: str) -> None:
    source = b"From: " + from_value + b"\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
    assert [d.code for d in parse(source).defects] == [code]
    with pytest.raises(DefectError) as info:
        parse(source, policy=Policy(strict=True))
    assert info.value.defect.code == code
