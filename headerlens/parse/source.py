"""The one source reader: what every public entry point accepts as "a message", and how.

``parse``, ``analyze``, ``parse_bounce``, ``verify_dkim``, ``verify_arc`` and the command line
all turn their ``source`` argument into bytes here, so they accept the same things and fail the
same way:

- ``bytes``, ``bytearray``, ``memoryview``: the message itself;
- ``str``: the message text itself (a paste), encoded as UTF-8. A ``str`` is never taken as a
  file name: whether a file of that name exists in the current directory must not change the
  result. A one-line text that looks like a file name is parsed as text and flagged with the
  ``input.looks_like_path`` defect (decided from the text alone);
- ``os.PathLike`` (``pathlib.Path``): a file, read whole;
- a binary file object (anything with ``read()`` returning bytes), read to its end.

Anything else raises ``TypeError``; a path or file that cannot be read raises
:class:`~headerlens.errors.InputError` with a one-line message.

The bytes then go through :func:`identify`, which says what kind of container they are and
gives the RFC 5322 message bytes inside: an Outlook ``.msg`` compound file, text with a byte
order mark or in UTF-16, a common indentation, a copied Gmail "Show original" page or
Outlook's "Internet headers" box (:mod:`headerlens.parse.intake`), so that every entry point
gains them at once.

With ``headers_only=True`` only the header block is read (:func:`read_header_block`): a path or
file object is read in growing slices (8 KiB, then doubling) and reading stops at the empty
line that ends the header block (RFC 5322 section 2.1), so asking about the header fields of
a 50 MB message reads a few kilobytes of it. A seekable file object is left positioned right
after that empty line, where the body starts. An input that is not plain RFC 5322 text (an
Outlook ``.msg`` file, a pasted form), or whose header block holds neither From nor Date (it
may be an Outlook header box split into groups, which continues after the empty line), is
read whole and parsed as header-only.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from headerlens.errors import InputError, wrong_type

if TYPE_CHECKING:
    from headerlens.message import InputForm, Intake
    from headerlens.policy import Limits

__all__ = [
    "Identified",
    "Source",
    "SourceKind",
    "header_block_end",
    "identify",
    "looks_like_path",
    "read_header_block",
    "read_source",
]

SourceKind = Literal["bytes", "text", "path", "file"]
"""How the caller handed the message over."""

Container = Literal["rfc5322", "msg", "text"]
"""What the bytes turned out to be (:func:`identify`): ``rfc5322`` (mbox text too), ``msg``
(an Outlook compound file), ``text`` (a paste form that was reshaped or re-encoded)."""

ACCEPTED = "bytes, str (the message text), os.PathLike or a binary file object"


@dataclass(frozen=True, slots=True)
class Source:
    """A message source read into bytes.

    ``data``: the RFC 5322 bytes to parse. ``kind``: how it was handed over. ``name``: the
    path for a file (as given), else ``None``. ``container``: what the input was before
    :func:`identify` took the message out of it. ``notes``: ``(defect code, message)`` pairs
    about the input itself, recorded as defects of the parsed message. ``form`` and
    ``intake``: ``Message.input_form`` and ``Message.intake`` for a converted input (``None``:
    the bytes as given). ``headers_only``: parse as header-only (``parse(...,
    headers_only=True)``); ``data`` may then be the header block alone.
    """

    data: bytes
    kind: SourceKind
    name: str | None = None
    container: Container = "rfc5322"
    notes: tuple[tuple[str, str], ...] = ()
    form: InputForm | None = None
    intake: Intake | None = None
    headers_only: bool = False


def read_source(
    source: object,
    *,
    func: str = "parse",
    limits: Limits | None = None,
    headers_only: bool = False,
) -> Source:
    """Read ``source`` (see the module docstring) into a :class:`Source`.

    ``func`` names the public function the caller is in, for the ``TypeError`` message;
    ``limits`` caps the conversion of a container (default ``Limits()``). ``headers_only``:
    read (and keep) only the header block where that gives the same header fields as the
    whole, as the module docstring says.
    Raises ``TypeError`` for an unsupported type and :class:`InputError` for an unreadable
    path or file; never reads anything but the path or file it was given.
    """
    if headers_only and limits is None:
        from headerlens.policy import Limits

        limits = Limits()
    notes: tuple[tuple[str, str], ...] = ()
    name: str | None = None
    kind: SourceKind
    if isinstance(source, bytes):
        data, kind = source, "bytes"
    elif isinstance(source, (bytearray, memoryview)):
        data, kind = bytes(source), "bytes"
    elif isinstance(source, str):
        data, kind = _encode_text(source), "text"
        if looks_like_path(source):
            notes = (
                (
                    "input.looks_like_path",
                    f"the text {source[:200]!r} looks like a file name, not a message; it was"
                    " parsed as message text (pass pathlib.Path(...) to read a file)",
                ),
            )
    elif isinstance(source, os.PathLike):
        name = _path_name(source, func)
        data, kind = _read_path(source, name, limits if headers_only else None), "path"
    else:
        read = getattr(source, "read", None)
        if not callable(read):
            raise wrong_type(f"{func}(source)", ACCEPTED, source)
        if headers_only:
            assert limits is not None
            data = _read_file_headers(source, read, func, limits)
        else:
            data = _read_file(source, read, func)
        kind = "file"
    if headers_only and kind in ("bytes", "text"):
        assert limits is not None
        end = _plain_header_end(data, limits, final=True)
        data = data if end is None else data[:end]
    found = identify(data, limits=limits)
    return Source(
        data=found.data,
        kind=kind,
        name=name,
        container=found.container,
        notes=notes + found.notes,
        form=found.form,
        intake=found.intake,
        headers_only=headers_only,
    )


@dataclass(frozen=True, slots=True)
class Identified:
    """What :func:`identify` found: the container, the RFC 5322 bytes inside it, notes
    ``(defect code, message)`` about the conversion, and the input form and intake to record
    on the message (``None``: the bytes as given)."""

    container: Container
    data: bytes
    notes: tuple[tuple[str, str], ...] = ()
    form: InputForm | None = None
    intake: Intake | None = None


def identify(data: bytes, *, limits: Limits | None = None) -> Identified:
    """What ``data`` is, the RFC 5322 bytes inside it, and notes about the conversion.

    An Outlook ``.msg`` compound file (signature ``D0 CF 11 E0 A1 B1 1A E1``, [MS-CFB] 2.2)
    is converted by :mod:`headerlens.parse.outlook`; text with a byte order mark or in
    UTF-16, a common indentation, a copied Gmail "Show original" page and Outlook's "Internet
    headers" box are reshaped by :mod:`headerlens.parse.paste`. Plain RFC 5322 or mbox bytes
    pass through untouched. Never raises; linear in the size of the input.
    """
    from headerlens.parse.intake import convert
    from headerlens.policy import Limits

    conv = convert(data, limits if limits is not None else Limits())
    if conv.form is None:
        return Identified("rfc5322", data)
    container: Container = "msg" if conv.form == "msg" else "text"
    return Identified(container, conv.data, tuple(conv.notes), conv.form, conv.intake)


def _encode_text(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates: from surrogateescape decoding give the bytes back, else keep them.
        try:
            return text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return text.encode("utf-8", "surrogatepass")


def _path_name(path: str | os.PathLike[str], func: str) -> str:
    name = os.fspath(path)
    if isinstance(name, bytes):  # os.PathLike[bytes]
        return name.decode("utf-8", "backslashreplace")
    if not isinstance(name, str):
        raise wrong_type(f"{func}(source)", ACCEPTED, path)
    return name


def _read_path(path: str | os.PathLike[str], name: str, headers: Limits | None) -> bytes:
    try:
        if headers is not None:  # unbuffered: every byte read is one the reader asked for
            with open(path, "rb", buffering=0) as raw:
                buf, end = read_header_block(raw.read, headers)
                return buf[:end] if end is not None else buf + raw.readall()
        with open(path, "rb") as fh:
            return fh.read()
    except IsADirectoryError:
        raise InputError(f"cannot read {name!r}: it is a folder, not a message file") from None
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise InputError(f"cannot read {name!r}: {why}") from None
    except ValueError as exc:  # an embedded NUL in the name
        raise InputError(f"cannot read {name!r}: {exc}") from None


def _checked_read(source: object, read: object, func: str, *args: int) -> bytes:
    """``read(*args)`` of a file object, as bytes; a failed read is an InputError, a text
    file or a read() that gives no bytes a TypeError."""
    assert callable(read)
    try:
        data = read(*args)
    except (OSError, ValueError) as exc:  # a closed file, a failed read
        raise InputError(f"cannot read from {type(source).__name__}: {exc}") from None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        raise TypeError(
            f"{func}(source) needs a binary file object (open(..., 'rb')); read() returned str"
        )
    raise TypeError(f"{func}(source): read() returned {type(data).__name__}, not bytes")


def _read_file(source: object, read: object, func: str) -> bytes:
    return _checked_read(source, read, func)


def _read_file_headers(source: object, read: object, func: str, limits: Limits) -> bytes:
    assert callable(read)
    start: int | None = None
    tell = getattr(source, "tell", None)
    if callable(tell):
        try:
            start = int(tell())
        except (OSError, ValueError, TypeError):  # a pipe, a closed file
            start = None

    def checked_read(n: int) -> bytes:
        return _checked_read(source, read, func, n)

    buf, end = read_header_block(checked_read, limits)
    if end is None:  # to be read whole
        return buf + _read_file(source, read, func)
    seek = getattr(source, "seek", None)
    if start is not None and len(buf) > end and callable(seek):
        # Give the body back: the file stands where the body starts.
        with contextlib.suppress(OSError, ValueError, TypeError):
            seek(start + end)
    return buf[:end]


_FIRST_READ = 8 * 1024
_MAX_READ = 1024 * 1024
_START = 64  # bytes that decide whether the input is plain RFC 5322 (intake.plain_start)


def read_header_block(read: Callable[[int], bytes], limits: Limits) -> tuple[bytes, int | None]:
    """Read the start of a message with ``read(n)``: the bytes read, and where its header
    block ends in them (``None``: the input is to be read whole, see below).

    Reads slices of 8 KiB, doubling up to 1 MiB, until :func:`header_block_end` finds the end
    of the header block in what was read, the input ends, or ``limits.max_input_bytes`` were
    read (the parser reads no further either). The bytes up to the end parse into the same
    header fields and header defects as the whole message; what was read past it is at most
    part of one slice. The end is ``None`` for input that is not plain RFC 5322 text (it is
    converted whole, :func:`identify`) or whose header block has neither From nor Date (an
    Outlook header box split into groups goes on after the empty line).
    """
    buf = bytearray()
    size = _FIRST_READ
    cap = limits.max_input_bytes
    while True:
        chunk = read(min(size, cap - len(buf))) if len(buf) < cap else b""
        if not chunk:
            data = bytes(buf)
            return data, _plain_header_end(data, limits, final=True)
        buf += chunk
        if len(buf) < _START:
            continue
        data = bytes(buf)
        end = header_block_end(data, limits, final=len(buf) >= cap)
        if end is not None:
            return data, end if _plain_block(data, end, limits) else None
        size = min(size * 2, _MAX_READ)


def _plain_header_end(data: bytes, limits: Limits, *, final: bool) -> int | None:
    end = header_block_end(data, limits, final=final)
    if end is None or not _plain_block(data, end, limits):
        return None
    return end


def _plain_block(data: bytes, end: int, limits: Limits) -> bool:
    """Whether the header block ``data[:end]`` is all a header-only parse needs: plain RFC 5322
    text (nothing to convert) with a From or Date field (:func:`headerlens.parse.intake.regroup`
    takes a block without either for a split Outlook box and reads past it)."""
    from headerlens.defects import DefectLog
    from headerlens.parse.headers import split_headers
    from headerlens.parse.intake import plain_start

    if not plain_start(data):
        return False
    block = split_headers(data, 0, end, DefectLog(), limits, top=True)
    return any(f.name.lower() in ("from", "date") for f in block.fields)


def header_block_end(data: bytes, limits: Limits, *, final: bool) -> int | None:
    """Where the header block of ``data`` (the start of a message) ends, or ``None`` when the
    complete lines of ``data`` do not tell yet (``final``: ``data`` is all there is).

    The answer is the length of the shortest prefix, cut at a line end, that parses into the
    same header fields, header defects and body start as ``data`` itself: right after the
    empty line that ends the block (RFC 5322 section 2.1); for a block that a line which is
    not a header field ends, through the next empty line, which the parser looks for to tell
    a message from a header-only paste. A block the parser reads as a header-only paste
    (lines joined to the field above) is undecided until the input ends.
    """
    if final:
        cut = len(data)
    else:  # only complete lines: a line cut short could read as something else
        cut = max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1)) + 1
        if cut == 0:
            return None
    want = _split_summary(data, cut, limits)
    body_start = want[3]
    if not final and "header.unindented_continuation" in want[1]:
        return None  # a paste without an empty line so far: only the end tells
    if body_start is None:
        return cut if final else None
    if body_start == cut:
        return cut
    blanks = [i + len(sep) for sep in _BLANKS if (i := data.find(sep, body_start, cut)) != -1]
    for end in (body_start, *sorted(blanks)):
        if end <= cut and _split_summary(data, end, limits) == want:
            return end
    for end in _line_ends(data, body_start, cut):  # malformed leading text: a few lines
        if _split_summary(data, end, limits) == want:
            return end
    return cut


_BLANKS = (b"\n\n", b"\n\r\n", b"\r\r")


def _line_ends(data: bytes, start: int, end: int) -> Iterator[int]:
    pos = start
    while pos < end:
        nl = data.find(b"\n", pos, end)
        cr = data.find(b"\r", pos, end)
        if nl == -1 and cr == -1:
            return
        stop = nl if cr == -1 or (nl != -1 and nl <= cr + 1) else cr
        pos = stop + 1
        yield pos


def _split_summary(
    data: bytes, end: int, limits: Limits
) -> tuple[list[str], list[str], str | None, int | None, list[object]]:
    from headerlens.defects import DefectLog
    from headerlens.parse.headers import split_headers

    log = DefectLog()
    block = split_headers(data, 0, end, log, limits, top=True)
    return (
        [f.raw for f in block.fields],
        [d.code for d in log.defects],
        block.mbox_from,
        block.body_start,
        list(log.defects),
    )


# A file name the way people paste one: a path with a separator, or a name ending in a
# message-file suffix, on one line, with no header field in it ("Name: value").
_SUFFIX = re.compile(r"\.(?:eml|emlx|msg|mbox|mbx|txt|mail)\Z", re.IGNORECASE)
_FIELD = re.compile(r"[!-9;-~]+[ \t]*:")
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


def looks_like_path(text: str) -> bool:
    """Whether ``text`` reads like a file name rather than a message (decided from the text
    alone: the file system is never asked)."""
    t = text.strip()
    if not t or len(t) > 4096 or "\n" in t or "\r" in t or "\x00" in t:
        return False
    if _DRIVE.match(t):  # C:\\mail\\x.eml
        return True
    if _FIELD.match(t):  # a header field: "Subject: report.txt"
        return False
    if t.startswith(("/", "./", "../", "~/", "\\\\")):
        return True
    return _SUFFIX.search(t) is not None and " " not in t
