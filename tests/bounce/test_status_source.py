"""``status_source`` tells where each status came from, and never claims more than that.

``dsn``: a Status field of a delivery-status part (or DSN fields quoted in the prose) says
it; ``text``: the code is written in the report (the remote server's reply); ``inferred``:
no code was stated, the status is the pseudo code ``x.0.9nn`` of the decided reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from headerlens.bounce import parse_bounce
from headerlens.bounce._parts import report_parts
from headerlens.parse import parse

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "bounce"
_PSEUDO = re.compile(r"[45]\.0\.9\d\d")


def _messages(corpora: Path) -> Iterator[Path]:
    yield from sorted(SAMPLES.rglob("*.eml"))
    yield from sorted((Path(__file__).resolve().parent / "prose").glob("*.eml"))
    yield from sorted((corpora / "sisimai-dev" / "maildir").glob("*.eml"))


def _all_text(data: bytes) -> str:
    """The message as text: its bytes and every part's decoded text, spaces folded."""
    message = parse(data)
    chunks = [data.decode("latin-1")]
    chunks.extend(p.text() for p in report_parts(message))
    return " ".join(" ".join(chunks).split())


def _codes(text: str) -> set[str]:
    return {
        ".".join(str(int(x)) for x in m.groups())
        for m in re.finditer(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d])", text)
    }


def test_status_source_says_where_each_status_came_from(corpora: Path) -> None:
    if not (corpora / "sisimai-dev").is_dir():
        pytest.skip("sisimai-dev corpus absent")
    counts = {"dsn": 0, "text": 0, "inferred": 0}
    wrong: list[str] = []
    for path in _messages(corpora):
        data = path.read_bytes()
        report = parse_bounce(data)
        if report is None:
            continue
        text = _all_text(data)
        stated = _codes(text)
        status_fields = {
            ".".join(str(int(x)) for x in m.groups())
            for m in re.finditer(r"(?i)\bstatus:\s*([245])\.(\d{1,3})\.(\d{1,3})", text)
        }
        for r in report.recipients:
            if r.status is None:
                assert r.status_source is None
                continue
            assert r.status_source is not None
            counts[r.status_source] += 1
            ok = {
                "dsn": r.status in status_fields,
                "text": r.status in stated,
                "inferred": bool(_PSEUDO.fullmatch(r.status)),
            }[r.status_source]
            if not ok:
                wrong.append(f"{path.name}: {r.status} ({r.status_source})")
    print(f"\nstatus sources: {counts}")
    assert counts["dsn"] > 100
    assert counts["text"] > 20
    assert counts["inferred"] > 20
    assert wrong == []
