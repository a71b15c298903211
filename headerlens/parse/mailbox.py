"""Walking files, folders, mbox files and Maildirs, one message at a time.

mbox (RFC 4155): a file whose first line starts with ``From `` is split before every line that
starts with ``From ``; ``>From`` quoting is left as it is. The file is read line by line, so
memory holds one message, never the whole mailbox. Maildir: the ``cur`` and ``new`` folders
are read and ``tmp`` (deliveries in progress) is skipped. In a folder, files that do not start
like a message (a header field or an mbox ``From `` line after optional blank lines and a
byte order mark, in UTF-8 or UTF-16; or an Outlook ``.msg`` file: notes, JSON, scripts,
keys, other Office documents) are skipped; a file named explicitly is always read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from headerlens.errors import InputError
from headerlens.parse.outlook import is_msg
from headerlens.parse.paste import decode_text

__all__ = ["Container", "iter_messages", "iter_sources"]

Container = Literal["file", "mbox", "maildir"]
"""Where a message came from: a file of its own, an mbox file, or a Maildir."""


def _is_maildir(folder: Path) -> bool:
    return all((folder / sub).is_dir() for sub in ("cur", "new", "tmp"))


# A field name as real mail writes them (RFC 5322 allows any ftext, but names outside
# letters, digits, "-", "_" and "." are what JSON keys and code look like), optional obsolete
# white space, a colon.
_FIELD_START = re.compile(rb"[A-Za-z0-9][A-Za-z0-9_.-]{0,75}[ \t]*:")


def _looks_like_message(path: Path) -> bool:
    """Whether the file starts like a message: a header field or an mbox ``From `` line."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError:
        return True  # let _iter_file report the error
    if is_msg(head):
        # Outlook items; other compound files (Word, Excel) share the signature.
        return path.suffix.lower() == ".msg"
    head = decode_text(head)[0].lstrip(b"\r\n\t ")
    return head.startswith(b"From ") or _FIELD_START.match(head) is not None


def _iter_file(path: Path, container: Container = "file") -> Iterator[tuple[str, bytes, Container]]:
    ident = str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, across yields
    except OSError as exc:
        raise InputError(f"cannot read {ident!r}: {exc}") from exc
    with fh:
        head = fh.read(5)
        if head != b"From ":
            yield ident, head + fh.read(), container
            return
        number = 0
        lines: list[bytes] = [head + fh.readline()]
        for line in fh:
            if line.startswith(b"From "):
                number += 1
                yield f"{ident}#{number}", b"".join(lines), "mbox"
                lines = []
            lines.append(line)
        number += 1
        yield f"{ident}#{number}", b"".join(lines), "mbox"


def _iter_folder(folder: Path) -> Iterator[tuple[str, bytes, Container]]:
    maildirs: set[Path] = set()
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        if _is_maildir(here):
            dirs[:] = [d for d in dirs if d != "tmp"]
            maildirs.add(here)
        container: Container = (
            "maildir" if here.name in ("cur", "new") and here.parent in maildirs else "file"
        )
        dirs.sort()
        for name in sorted(files):
            if _looks_like_message(here / name):
                yield from _iter_file(here / name, container)


def iter_messages(path: str | os.PathLike[str]) -> Iterator[tuple[str, bytes]]:
    """Yield ``(identifier, message bytes)`` for every message under ``path``.

    ``path`` is a message file, an mbox file (RFC 4155, detected by a first line starting with
    ``From ``; the Nth message is identified as ``path#N``, counting from 1), a folder (walked
    recursively in sorted order; Outlook ``.msg`` files and UTF-16 text files are picked up),
    or a Maildir (``cur`` and ``new``; ``tmp`` is skipped). The bytes are the file's own
    (a ``.msg`` file is converted by :func:`~headerlens.parse.parse`).
    Streams: an mbox is read line by line. Raises :class:`~headerlens.errors.InputError` when
    ``path`` does not exist or cannot be read.
    """
    return ((ident, data) for ident, data, _container in iter_sources(path))


def iter_sources(path: str | os.PathLike[str]) -> Iterator[tuple[str, bytes, Container]]:
    """Like :func:`iter_messages`, with where each message came from: ``file``, ``mbox``
    or ``maildir`` (a file in the ``cur`` or ``new`` folder of a Maildir)."""
    p = Path(path)
    if p.is_dir():
        return _iter_folder(p)
    if p.exists():
        return _iter_file(p)
    # Raised at the call, not at the first next(): the caller learns of a typo at once.
    raise InputError(f"no such file or folder: {os.fspath(path)!r}")
