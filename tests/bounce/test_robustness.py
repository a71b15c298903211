"""Robustness: damaged copies of every corpus bounce never make parse_bounce raise.

Each Sisimai message is cut at several byte positions, stripped of its MIME boundary
lines, given lower-case header names, and given bare CR line ends; parse_bounce must return
a DeliveryReport or None every time (malformed input is a defect, never an exception).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from headerlens.bounce import parse_bounce
from headerlens.bounce.models import DeliveryReport


def _cut(fraction: float) -> Callable[[bytes], bytes]:
    def cut(data: bytes) -> bytes:
        return data[: int(len(data) * fraction)]

    return cut


def _cut_at(offset: int) -> Callable[[bytes], bytes]:
    def cut(data: bytes) -> bytes:
        return data[:offset]

    return cut


def _strip_boundaries(data: bytes) -> bytes:
    return b"\n".join(line for line in data.split(b"\n") if not line.startswith(b"--"))


def _lower_headers(data: bytes) -> bytes:
    out: list[bytes] = []
    for line in data.split(b"\n"):
        colon = line.find(b":")
        if colon > 0 and b" " not in line[:colon] and not line[:1].isspace():
            out.append(line[:colon].lower() + line[colon:])
        else:
            out.append(line)
    return b"\n".join(out)


def _no_header_end(data: bytes) -> bytes:
    return data.replace(b"\n\n", b"\n", 1)


def _cr_only(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def _drop_middle(data: bytes) -> bytes:
    n = len(data)
    return data[: n // 3] + data[2 * n // 3 :]


MUTATIONS: dict[str, Callable[[bytes], bytes]] = {
    "cut-1": _cut_at(1),
    "cut-200": _cut_at(200),
    "cut-10pct": _cut(0.10),
    "cut-33pct": _cut(0.33),
    "cut-50pct": _cut(0.50),
    "cut-75pct": _cut(0.75),
    "cut-95pct": _cut(0.95),
    "strip-boundaries": _strip_boundaries,
    "lower-headers": _lower_headers,
    "no-header-end": _no_header_end,
    "cr-line-ends": _cr_only,
    "drop-middle": _drop_middle,
}


def _messages(root: Path) -> Iterator[Path]:
    folder = root / "sisimai-dev" / "maildir"
    if not folder.is_dir():
        pytest.skip("sisimai-dev corpus absent")
    yield from sorted(folder.glob("*.eml"))


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_damaged_corpus_never_raises(corpora: Path, mutation: str) -> None:
    mutate = MUTATIONS[mutation]
    failures: list[str] = []
    for path in _messages(corpora):
        damaged = mutate(path.read_bytes())
        try:
            report = parse_bounce(damaged)
        except Exception as exc:  # the point is to catch anything
            failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        if report is not None and not isinstance(report, DeliveryReport):
            failures.append(f"{path.name}: returned {type(report).__name__}")
    assert failures == []


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\n\n\n", id="blank-lines"),
        pytest.param(b"From: MAILER-DAEMON\n", id="header-only-bounce-sender"),
        pytest.param(
            b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\n\n--x\n",
            id="report-with-one-open-boundary",
        ),
        pytest.param(
            b'Content-Type: multipart/report; boundary="x"\n\n--x\nContent-Type: '
            b"message/delivery-status\n\nFinal-Recipient: rfc822;\nStatus: 5.\n--x--\n",
            id="report-empty-recipient-bad-status",
        ),
        pytest.param(b"\xff\xfe\x00garbage\x00\n\n\x00", id="binary"),
    ],
)
def test_degenerate_inputs(data: bytes) -> None:
    report = parse_bounce(data)
    assert report is None or isinstance(report, DeliveryReport)


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        pytest.param("café".encode("latin-1"), "iso-8859-1", id="known-charset"),
        pytest.param("café".encode(), "x\x00y", id="nul-in-label"),  # lookup: ValueError
        pytest.param("café".encode(), "base64", id="python-byte-codec"),  # decode: LookupError
        pytest.param("café".encode(), "undefined", id="codec-that-refuses-everything"),
    ],
)
def test_part_text_with_an_odd_charset_label(data: bytes, charset: str) -> None:
    # A bounce part's charset label is sender text: whatever it names, the text is read
    # (labels that name no text charset as UTF-8), never an exception.
    from headerlens.bounce._parts import decode_bytes

    assert decode_bytes(data, charset) == "café"
