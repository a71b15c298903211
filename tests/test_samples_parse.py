"""Every top-level sample in ``samples/`` parses to exactly the facts its README row promises.

The samples are fixtures reused by later issues; these assertions pin what ``parse()`` reads
from each one (field count, From, Subject, number of Received fields, defects), so a change to
a sample or to the parser that moves any of them is noticed here.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from headerlens.message import Message
from headerlens.parse import iter_messages, parse

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


# (MIME path, content type, filename, decoded size, defect codes) of one part
MimeRow = tuple[str, str, str | None, int | None, tuple[str, ...]]


@dataclass(frozen=True)
class Expected:
    """What one message of a sample must parse to."""

    header_count: int
    from_addrs: tuple[str, ...]
    subject: str | None
    received: int
    defects: tuple[str, ...] = ()
    header_only: bool = False
    crlf: bool = False
    mbox_from: str | None = None
    mime: tuple[MimeRow, ...] | None = None  # every part, depth first


EXPECTED: dict[str, tuple[Expected, ...]] = {
    "gmail-to-microsoft365.eml": (
        Expected(
            header_count=47,
            from_addrs=("alice@example.com",),
            subject="Migration timeline – revised",
            received=5,
            crlf=True,
            mime=(
                ("", "multipart/alternative", None, None, ()),
                ("1", "text/plain", None, 292, ()),
                ("2", "text/html", None, 389, ()),
            ),
        ),
    ),
    "postfix-esmtps-tls13.eml": (
        Expected(
            header_count=29,
            from_addrs=("carol@example.net",),
            subject="Re: Rack space in the second data hall",
            received=4,
        ),
    ),
    "exim-mailing-list-forward.eml": (
        Expected(
            header_count=36,
            from_addrs=("devel@lists.example.org",),
            subject="[Devel] Re: Proposal: drop Python 3.10 support in 4.0",
            received=4,
        ),
    ),
    "exchange-onprem-internal.eml": (
        Expected(
            header_count=31,
            from_addrs=("grace@example.com",),
            subject="Q4 budget review - updated figures",
            received=2,
            crlf=True,
        ),
    ),
    "sendgrid-bulk-newsletter.eml": (
        Expected(
            header_count=27,
            from_addrs=("news@example.com",),
            subject="New harvest: Huila, Colombia ☕",
            received=4,
            crlf=True,
        ),
    ),
    "header-only-paste.txt": (
        Expected(
            header_count=44,
            from_addrs=("judy@example.org",),
            subject="Invoice 2026-311 for October",
            received=5,
            defects=("header.leading_blank_lines",),
            header_only=True,
        ),
    ),
    "attachments-pdf-and-image.eml": (
        Expected(
            header_count=15,
            from_addrs=("liam@example.org",),
            subject="Angebot und Lageplan für Montag",
            received=3,
            crlf=True,
            mime=(
                ("", "multipart/mixed", None, None, ()),
                ("1", "multipart/alternative", None, None, ()),
                ("1.1", "text/plain", None, 204, ()),
                ("1.2", "text/html", None, 404, ()),
                ("2", "application/pdf", "Angebot_4711.pdf", 674, ()),
                ("3", "image/png", "Lageplan Büro Süd.png", 93, ()),
            ),
        ),
    ),
    "qmail-legacy-hop.eml": (
        Expected(
            header_count=20,
            from_addrs=("oscar@example.net",),
            subject="Re: old backup tapes",
            received=4,
        ),
    ),
    "sendmail-may-be-forged.eml": (
        Expected(
            header_count=18,
            from_addrs=("builds@example.com",),
            subject="[nightly] build 20261116.1 FAILED on linux-arm64",
            received=4,
        ),
    ),
    "forged-received-chain.eml": (
        Expected(
            header_count=20,
            from_addrs=("attacker@example.net",),
            subject="Action required: your account access has been limited [Case PP-D-84172]",
            received=3,
            defects=("address.display_name_spoof",),
            crlf=True,
        ),
    ),
    "encoded-words-utf8-headers.eml": (
        Expected(
            header_count=18,
            from_addrs=("renee@example.net",),
            subject="Einladung: Sommerfest 2027 – café 夏祭り",
            received=2,
            defects=("header.encoded_word_charset",),
        ),
    ),
    "clock-skew-and-delay.eml": (
        Expected(
            header_count=18,
            from_addrs=("kim@example.com",),
            subject="Minutes of Monday's call",
            received=4,
        ),
    ),
    "mbox-two-messages.mbox": (
        Expected(
            header_count=10,
            from_addrs=("alice@example.com",),
            subject="Saturday hike",
            received=1,
            mbox_from="From alice@example.com Sat Nov 21 17:04:33 2026",
        ),
        Expected(
            header_count=12,
            from_addrs=("bob@example.org",),
            subject="Re: Saturday hike",
            received=1,
            mbox_from="From bob@example.org Sat Nov 21 17:31:02 2026",
        ),
    ),
    "amazon-ses-transactional.eml": (
        Expected(
            header_count=19,
            from_addrs=("no-reply@example.com",),
            subject="Your order #EX-20261118-4471 has shipped",
            received=2,
            crlf=True,
        ),
    ),
    "lotus-domino-zone-comment.eml": (
        Expected(
            header_count=17,
            from_addrs=("wei.zhang@example.com",),
            subject="Shipment schedule for week 49",
            received=3,
        ),
    ),
    "malformed-everything.eml": (
        Expected(
            header_count=11,
            from_addrs=("noreply@example.net", "billing@example.net"),
            subject="Your statement is ready",
            received=3,
            defects=("header.missing_separator", "message.multiple_from", "message.missing_date"),
            mime=(
                ("", "multipart/mixed", None, None, ("mime.close_boundary_not_found",)),
                ("1", "text/plain", None, 46, ()),
                (
                    "2",
                    "application/pdf",
                    "statement.pdf",
                    None,
                    ("mime.base64_characters", "mime.base64_length"),
                ),
            ),
        ),
    ),
}


def _messages(path: Path) -> list[Message]:
    if path.suffix == ".mbox":
        return [parse(data) for _, data in iter_messages(path)]
    return [parse(path)]


def _mime_rows(msg: Message) -> tuple[MimeRow, ...]:
    rows: list[MimeRow] = []
    stack = [msg.mime] if msg.mime is not None else []
    while stack:
        part = stack.pop()
        assert part is not None
        rows.append(
            (
                part.path,
                part.content_type,
                part.filename,
                part.decoded_size,
                tuple(d.code for d in part.defects),
            )
        )
        stack.extend(reversed(part.children))
    return tuple(rows)


def _top_level_samples() -> list[str]:
    return sorted(
        p.name for p in SAMPLES.iterdir() if p.is_file() and p.suffix in {".eml", ".txt", ".mbox"}
    )


def test_every_top_level_sample_has_expectations() -> None:
    assert _top_level_samples() == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n.rsplit(".", 1)[0])
def test_sample_parses_to_expected_facts(name: str) -> None:
    path = SAMPLES / name
    messages = _messages(path)
    expected = EXPECTED[name]
    assert len(messages) == len(expected)
    for msg, exp in zip(messages, expected, strict=True):
        assert len(msg.headers) == exp.header_count
        assert tuple(a.addr_spec for a in msg.addresses("From")) == exp.from_addrs
        assert msg.get("Subject") == exp.subject
        assert len(msg.fields("Received")) == exp.received
        assert [d.code for d in msg.defects] == list(exp.defects)
        assert msg.header_only is exp.header_only
        assert msg.mbox_from == exp.mbox_from
        if exp.mime is not None:
            assert _mime_rows(msg) == exp.mime


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n.rsplit(".", 1)[0])
def test_sample_offsets_reproduce_raw(name: str) -> None:
    for msg in _messages(SAMPLES / name):
        for h in msg.headers:
            assert msg.source[h.start : h.end] == h.raw_bytes


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n.rsplit(".", 1)[0])
def test_sample_line_ends(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    if EXPECTED[name][0].crlf:
        assert data.count(b"\n") == data.count(b"\r\n")
    else:
        assert b"\r" not in data


_IPV4 = re.compile(rb"(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])")
_IPV6 = re.compile(rb"(?<![0-9A-Za-z:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Za-z:])")
_ALLOWED_NETS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "192.0.2.0/24",  # RFC 5737 documentation
        "198.51.100.0/24",
        "203.0.113.0/24",
        "2001:db8::/32",  # RFC 3849 documentation
        "10.0.0.0/8",  # private, loopback, link-local: identify nobody
        "192.168.0.0/16",
        "127.0.0.0/8",
        "::1/128",
        "fe80::/10",
    )
)


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n.rsplit(".", 1)[0])
def test_sample_uses_only_documentation_addresses(name: str) -> None:
    # "[IPv6:2001:db8::1]": drop the tag so the address starts after a non-address byte
    data = (SAMPLES / name).read_bytes().replace(b"IPv6:", b"IPv6 ")
    found = []
    for pattern in (_IPV4, _IPV6):
        for m in pattern.finditer(data):
            try:
                ip = ipaddress.ip_address(m.group().decode())
            except ValueError:
                continue  # a version number or a time, not an address
            if not any(ip in net for net in _ALLOWED_NETS):
                found.append(str(ip))
    assert found == []
