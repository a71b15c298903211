"""Any line ending: LF, CRLF and CR-only copies of a message give the same delivery report.

Every sample, every prose test message and every development-corpus bounce is converted
each way. What is compared is
the whole report except what necessarily differs with the bytes: the returned original is
compared by its header fields (name and decoded value), not by its raw text and offsets.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from headerlens.bounce import parse_bounce
from headerlens.bounce.models import DeliveryReport

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
PROSE = Path(__file__).resolve().parent / "prose"


def _view(report: DeliveryReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    data = report.model_dump(mode="json", exclude={"original"})
    original = report.original
    data["original"] = None if original is None else [(h.name, h.value) for h in original.headers]
    return data


def _as_lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _paths(corpora: Path | None) -> Iterator[Path]:
    yield from sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".eml", ".txt", ".mbox"))
    yield from sorted(PROSE.glob("*.eml"))
    if corpora is not None:
        yield from sorted((corpora / "sisimai-dev" / "maildir").glob("*.eml"))


def _check(paths: Iterator[Path]) -> tuple[int, list[str]]:
    n = 0
    differ: list[str] = []
    for path in paths:
        lf = _as_lf(path.read_bytes())
        want = _view(parse_bounce(lf))
        n += want is not None
        for name, data in (("CRLF", lf.replace(b"\n", b"\r\n")), ("CR", lf.replace(b"\n", b"\r"))):
            if _view(parse_bounce(data)) != want:
                differ.append(f"{path.name} ({name})")
    return n, differ


def test_samples_read_the_same_with_any_line_ending() -> None:
    n, differ = _check(_paths(None))
    assert n >= 5  # the bounce samples are read as reports
    assert differ == []


def test_corpus_bounces_read_the_same_with_any_line_ending(corpora: Path) -> None:
    if not (corpora / "sisimai-dev").is_dir():
        pytest.skip("sisimai-dev corpus absent")
    n, differ = _check(_paths(corpora))
    assert n > 250
    assert differ == []


def test_quoted_printable_soft_breaks_with_any_line_ending() -> None:
    # RFC 2045 section 6.7 rule 5: "=" at the end of an encoded line is a soft line break,
    # whatever ends the line; a bare CR must not swallow the rest of the body.
    from headerlens.parse import parse
    from headerlens.parse.mime import decode_quoted_printable

    for eol in (b"\r\n", b"\n", b"\r"):
        assert decode_quoted_printable(b"recip=" + eol + b"ients=3D" + eol + b"x") == (
            b"recipients=" + eol + b"x"
        )
        message = parse(
            b"Content-Type: text/plain"
            + eol
            + b"Content-Transfer-Encoding: quoted-printable"
            + eol
            + eol
            + b"abc="
            + eol
            + b"def"
        )
        assert message.mime is not None
        assert message.mime.decoded_size == len(b"abcdef")
