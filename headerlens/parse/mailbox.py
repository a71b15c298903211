"""Walking files, folders, mbox files and Maildirs, one message at a time.

mbox (RFC 4155): a file whose first line starts with ``From `` is split before every line that
starts with ``From ``; ``>From`` quoting is left as it is. The file is read line by line, so
memory holds one message, never the whole mailbox. Maildir: the ``cur`` and ``new`` folders
are read and ``tmp`` (deliveries in progress) is skipped. In a folder, files that do not start
like a message (a header field or an mbox ``From `` line after optional blank lines: notes,
JSON, scripts, keys) are skipped; a file named explicitly is always read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from headerlens.errors import InputError

__all__ = ["iter_messages"]


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
    head = head.lstrip(b"\r\n\t ")
    return head.startswith(b"From ") or _FIELD_START.match(head) is not None


def _iter_file(path: Path) -> Iterator[tuple[str, bytes]]:
    ident = str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, across yields
    except OSError as exc:
        raise InputError(f"cannot read {ident!r}: {exc}") from exc
    with fh:
        head = fh.read(5)
        if head != b"From ":
            yield ident, head + fh.read()
            return
        number = 0
        lines: list[bytes] = [head + fh.readline()]
        for line in fh:
            if line.startswith(b"From "):
                number += 1
                yield f"{ident}#{number}", b"".join(lines)
                lines = []
            lines.append(line)
        number += 1
        yield f"{ident}#{number}", b"".join(lines)


def _iter_folder(folder: Path) -> Iterator[tuple[str, bytes]]:
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        if _is_maildir(here):
            dirs[:] = [d for d in dirs if d != "tmp"]
        dirs.sort()
        for name in sorted(files):
            if _looks_like_message(here / name):
                yield from _iter_file(here / name)


def iter_messages(path: str | os.PathLike[str]) -> Iterator[tuple[str, bytes]]:
    """Yield ``(identifier, message bytes)`` for every message under ``path``.

    ``path`` is a message file, an mbox file (RFC 4155, detected by a first line starting with
    ``From ``; the Nth message is identified as ``path#N``, counting from 1), a folder (walked
    recursively in sorted order), or a Maildir (``cur`` and ``new``; ``tmp`` is skipped).
    Streams: an mbox is read line by line. Raises :class:`~headerlens.errors.InputError` when
    ``path`` does not exist or cannot be read.
    """
    p = Path(path)
    if p.is_dir():
        return _iter_folder(p)
    if p.exists():
        return _iter_file(p)
    # Raised at the call, not at the first next(): the caller learns of a typo at once.
    raise InputError(f"no such file or folder: {os.fspath(path)!r}")
