"""iter_messages over files, folders, mbox files and Maildirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens.errors import InputError
from headerlens.parse import iter_messages, parse

MBOX = (
    b"From alice@example.org Mon Jan  1 00:00:00 2024\n"
    b"From: alice@example.org\nSubject: one\n\nhello\n>From the quoted line\n\n"
    b"From bob@example.org Tue Jan  2 00:00:00 2024\n"
    b"From: bob@example.org\nSubject: two\n\nbye\n"
)


def test_single_message_file(tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(b"From: a@example.org\n\nx\n")
    assert list(iter_messages(path)) == [(str(path), b"From: a@example.org\n\nx\n")]


def test_mbox_is_split_and_quoting_kept(tmp_path: Path) -> None:
    path = tmp_path / "box.mbox"
    path.write_bytes(MBOX)
    got = list(iter_messages(str(path)))
    assert [ident for ident, _ in got] == [f"{path}#1", f"{path}#2"]
    first, second = (data for _, data in got)
    assert first + second == MBOX
    assert b">From the quoted line" in first.splitlines()
    msg = parse(first)
    assert msg.mbox_from == "From alice@example.org Mon Jan  1 00:00:00 2024"
    assert msg.get("Subject") == "one"
    assert parse(second).get("Subject") == "two"


def test_mbox_streams_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "big.mbox"
    one = b"From x@example.org Mon Jan  1 00:00:00 2024\nFrom: x@example.org\n\nbody\n"
    with path.open("wb") as fh:
        for _ in range(2_000):
            fh.write(one)
    it = iter_messages(path)
    assert next(it) == (f"{path}#1", one)
    assert sum(1 for _ in it) == 1_999


def test_folder_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.eml").write_bytes(b"From: 1@example.org\n")
    (tmp_path / "b" / "c.eml").write_bytes(b"From: 2@example.org\n")
    (tmp_path / "b" / "box").write_bytes(MBOX)
    got = [ident for ident, _ in iter_messages(tmp_path)]
    assert got == [
        str(tmp_path / "a.eml"),
        f"{tmp_path / 'b' / 'box'}#1",
        f"{tmp_path / 'b' / 'box'}#2",
        str(tmp_path / "b" / "c.eml"),
    ]


def test_maildir_reads_cur_and_new_not_tmp(tmp_path: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "cur" / "1700000000.1.host:2,S").write_bytes(b"From: cur@example.org\n")
    (tmp_path / "new" / "1700000001.2.host").write_bytes(b"From: new@example.org\n")
    (tmp_path / "tmp" / "1700000002.3.host").write_bytes(b"From: partial")
    got = [data for _, data in iter_messages(tmp_path)]
    assert got == [b"From: cur@example.org\n", b"From: new@example.org\n"]


def test_missing_path_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        iter_messages(tmp_path / "nope")
