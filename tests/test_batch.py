"""Batch mode on every core: ``headerlens.batch.ordered_map`` and ``headerlens --jobs N``.

Rows must come out in input order and byte-identical whatever the number of processes; the
input must be read lazily (a bounded window), and errors must surface at their item's turn.
No timing is asserted here (see benchmarks/batch.py).
"""

from __future__ import annotations

import itertools
import json
import operator
import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from headerlens.batch import default_jobs, ordered_map
from headerlens.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_default_jobs_is_a_positive_core_count() -> None:
    assert default_jobs() >= 1


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_in_input_order(jobs: int) -> None:
    items = [f"message {i}" for i in range(500)]
    got = list(ordered_map(str.upper, items, jobs=jobs, chunk_items=7))
    assert got == [s.upper() for s in items]


def test_weight_closes_chunks_by_size() -> None:
    items = [b"x" * n for n in range(300)]
    got = list(ordered_map(len, items, jobs=2, weight=len, chunk_bytes=1000))
    assert got == list(range(300))


# The process id of whoever calls it, for an item that is a dict: eval(expression, item). Built
# from builtins only, so the worker processes can unpickle it without importing this test
# module (which they cannot when the checkout is off sys.path, as for the compiled build).
_PID = partial(eval, "__import__('os').getpid()")


def test_workers_are_other_processes() -> None:
    pids = set(ordered_map(_PID, [{} for _ in range(64)], jobs=2, chunk_items=4))
    assert os.getpid() not in pids


def test_input_is_read_lazily_within_the_window() -> None:
    consumed = 0

    def items() -> Iterator[int]:
        nonlocal consumed
        for i in itertools.count():
            consumed = i + 1
            yield i

    it = ordered_map(abs, items(), jobs=2, chunk_items=4, window=3)
    assert next(it) == 0
    # At most `window` chunks of `chunk_items` were read before the first result came back.
    assert consumed <= 3 * 4
    assert [next(it) for _ in range(100)] == list(range(1, 101))
    assert consumed <= 101 + 3 * 4
    it.close()  # cancels what is in flight and stops the workers


def test_an_error_is_raised_at_its_items_turn() -> None:
    it = ordered_map(int, ["1", "2", "x", "4"] * 20, jobs=2, chunk_items=1)
    assert [next(it), next(it)] == [1, 2]
    with pytest.raises(ValueError, match="invalid literal"):
        next(it)


def test_one_chunk_stays_in_this_process() -> None:
    pids = list(ordered_map(_PID, [{} for _ in range(5)], jobs=4))
    assert pids == [os.getpid()] * 5


@pytest.mark.parametrize("jobs", [0, -1])
def test_jobs_must_be_positive(jobs: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        list(ordered_map(operator.neg, [1], jobs=jobs))


# -- the command line ---------------------------------------------------------------------------


def _corpus(tmp_path: Path) -> Path:
    """A folder of every sample message (more than one chunk), an mbox and a Maildir."""
    folder = tmp_path / "in"
    folder.mkdir()
    msgs = sorted(p for p in SAMPLES.rglob("*.eml"))
    assert len(msgs) > 30
    for i, p in enumerate(msgs * 3):  # several chunks of 32
        (folder / f"{i:03d}-{p.name}").write_bytes(p.read_bytes())
    box = folder / "zz.mbox"
    with box.open("wb") as fh:
        for p in msgs:
            data = p.read_bytes().replace(b"\r\n", b"\n")
            fh.write(b"From someone@example.net Tue Mar  3 10:00:00 2026\n" + data)
            if not data.endswith(b"\n"):
                fh.write(b"\n")
    md = folder / "zz-maildir"
    for sub in ("cur", "new", "tmp"):
        (md / sub).mkdir(parents=True)
    for i, p in enumerate(msgs[:10]):
        (md / "cur" / f"{i}.host:2,S").write_bytes(p.read_bytes())
    return folder


@pytest.mark.parametrize(
    "extra",
    [
        ["--format", "jsonl"],
        ["--format", "csv"],
        ["--bounces"],
        ["--redact", "{key}"],
    ],
    ids=["jsonl", "csv", "bounces", "redact"],
)
def test_jobs_give_the_same_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    folder = _corpus(tmp_path)
    key = tmp_path / "key"
    key.write_bytes(b"a fixed redaction key")
    extra = [a.format(key=key) for a in extra]
    outs = []
    for jobs in ("1", "2"):
        argv = ["--batch", "--no-progress", "--as-of", "2026-01-01T00:00:00+00:00"]
        assert main([*argv, "--jobs", jobs, *extra, str(folder)]) == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]
    assert len(outs[0].splitlines()) > (20 if "--bounces" in extra else 100)


def test_jobs_rows_in_input_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _corpus(tmp_path)
    assert main(["--batch", "--no-progress", "--jobs", "2", str(folder)]) == 0
    ids = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    from headerlens.parse import iter_messages

    assert ids == [sid for sid, _ in iter_messages(folder)]


def test_jobs_with_strict_gives_error_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _corpus(tmp_path)
    assert main(["--batch", "--strict", "--no-progress", "--jobs", "2", str(folder)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any(r["error"] for r in rows)
    assert all(r["error"] is None or r["subject"] is None for r in rows)


@pytest.mark.parametrize("jobs", ["0", "-2"])
def test_jobs_must_be_positive_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    assert main(["--batch", "--jobs", jobs, str(SAMPLES / "bounce")]) == 2
    assert capsys.readouterr().err == (
        f"headerlens: --jobs needs a positive number of processes, not {jobs}\n"
    )
