"""analyze() never raises on content: every corpus file, and fuzzed mutations of the samples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import headerlens

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SEEDS = sorted(p.read_bytes() for p in SAMPLES.rglob("*.eml"))
SKIP = {"PROVENANCE.md", "INDEX.md", "README.md"}


def _touch(report: headerlens.Report) -> None:
    report.model_dump(mode="json")
    report.to_text()
    report._repr_html_()
    if report.message.mime is not None:
        report.message.mime.model_dump(mode="json")


def test_every_corpus_file_gives_a_report(corpora: Path) -> None:
    failures: list[str] = []
    count = 0
    for path in sorted(corpora.rglob("*")):
        if not path.is_file() or path.name in SKIP or path.suffix in {".json", ".yml", ".md"}:
            continue
        count += 1
        try:
            headerlens.analyze(path.read_bytes()).model_dump(mode="json")
        except Exception as exc:
            failures.append(f"{path.relative_to(corpora)}: {exc!r}")
    print(f"\nanalyze() over {count} corpus files: {count - len(failures)} reports")
    assert failures == []
    assert count > 6000


def _mutate(data: bytes, cuts: list[int], junk: bytes, where: int) -> bytes:
    for cut in cuts:
        if data:
            i = cut % len(data)
            data = data[:i] + data[i + 1 :]
    i = where % (len(data) + 1)
    return data[:i] + junk + data[i:]


@settings(
    max_examples=int(os.environ.get("HEADERLENS_FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    seed=st.sampled_from(SEEDS),
    cuts=st.lists(st.integers(min_value=0), max_size=8),
    junk=st.binary(max_size=64)
    | st.sampled_from(
        [
            b"(((((",
            b"\r\n\r\n",
            b"=?utf-8?b?====?=",
            b";;;",
            b"\r\n ",
            b"\x00\xff",
            b"i=99999;",
            # Shapes a longer mutation fuzz of analyze() found crashes with (now fixed):
            "²".encode(),
            "³".encode(),
            ":2³".encode(),
            b", [",
            b"=?base64?q?x?=",
            b"charset=\x00",
            "İ".encode(),
            b"port=",
            b"bits=",
            b"*1",
        ]
    ),
    where=st.integers(min_value=0),
)
def test_mutated_samples_never_raise(seed: bytes, cuts: list[int], junk: bytes, where: int) -> None:
    _touch(headerlens.analyze(_mutate(seed, cuts, junk, where)))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_never_raise(data: bytes) -> None:
    _touch(headerlens.analyze(data))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\r\n", id="blank-line-only"),
        pytest.param(b"Received: " + b"(" * 100_000 + b"\r\n\r\n", id="deep-comments"),
        pytest.param(b"Received: " + b"from a " * 20_000 + b"\r\n\r\n", id="many-from"),
        pytest.param(b'Authentication-Results: x; "' * 2_000 + b"\r\n\r\n", id="open-quotes"),
        pytest.param(
            b"X-Forefront-Antispam-Report: " + b";" * 50_000 + b"\r\n\r\n", id="semicolons"
        ),
        pytest.param(b"DKIM-Signature: " + b"a=;" * 20_000 + b"\r\n\r\n", id="dkim-tags"),
    ],
)
def test_hostile_shapes_give_reports(data: bytes) -> None:
    _touch(headerlens.analyze(data))
