"""In a folder, iter_messages skips files that do not start like a message."""

from __future__ import annotations

from pathlib import Path

from headerlens.parse import iter_messages


def test_folder_skips_notes_json_scripts_and_keys(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(
        b"Received: from x by y; Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\n"
    )
    (tmp_path / "b.txt").write_bytes(b"\n\nSubject: pasted headers\nFrom: a@example.org\n")
    (tmp_path / "c.mbox").write_bytes(
        b"From a@example.org Tue Mar  3 10:00:00 2026\nSubject: s\n\nx\n"
    )
    (tmp_path / "README.md").write_bytes(b"# Notes: what these are\n")
    (tmp_path / "keys.json").write_bytes(b'{"s._domainkey.example.org": "v=DKIM1; p="}\n')
    (tmp_path / "build.py").write_bytes(b'"""Build: the samples."""\n')
    (tmp_path / "key.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----\n")
    names = [Path(i).name for i, _ in iter_messages(tmp_path)]
    assert names == ["a.eml", "b.txt", "c.mbox#1"]


def test_a_file_named_explicitly_is_always_read(tmp_path: Path) -> None:
    note = tmp_path / "README.md"
    note.write_bytes(b"# Notes\n")
    assert list(iter_messages(note)) == [(str(note), b"# Notes\n")]
