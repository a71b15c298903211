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
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from headerlens.errors import InputError, wrong_type

if TYPE_CHECKING:
    from headerlens.message import InputForm, Intake
    from headerlens.policy import Limits

__all__ = ["Identified", "Source", "SourceKind", "identify", "looks_like_path", "read_source"]

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
    the bytes as given).
    """

    data: bytes
    kind: SourceKind
    name: str | None = None
    container: Container = "rfc5322"
    notes: tuple[tuple[str, str], ...] = ()
    form: InputForm | None = None
    intake: Intake | None = None


def read_source(source: object, *, func: str = "parse", limits: Limits | None = None) -> Source:
    """Read ``source`` (see the module docstring) into a :class:`Source`.

    ``func`` names the public function the caller is in, for the ``TypeError`` message;
    ``limits`` caps the conversion of a container (default ``Limits()``).
    Raises ``TypeError`` for an unsupported type and :class:`InputError` for an unreadable
    path or file; never reads anything but the path or file it was given.
    """
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
        data, kind = _read_path(source, name), "path"
    else:
        read = getattr(source, "read", None)
        if not callable(read):
            raise wrong_type(f"{func}(source)", ACCEPTED, source)
        data, kind = _read_file(source, read, func), "file"
    found = identify(data, limits=limits)
    return Source(
        data=found.data,
        kind=kind,
        name=name,
        container=found.container,
        notes=notes + found.notes,
        form=found.form,
        intake=found.intake,
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


def _read_path(path: str | os.PathLike[str], name: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except IsADirectoryError:
        raise InputError(f"cannot read {name!r}: it is a folder, not a message file") from None
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise InputError(f"cannot read {name!r}: {why}") from None
    except ValueError as exc:  # an embedded NUL in the name
        raise InputError(f"cannot read {name!r}: {exc}") from None


def _read_file(source: object, read: object, func: str) -> bytes:
    assert callable(read)
    try:
        data = read()
    except (OSError, ValueError) as exc:  # a closed file, a failed read
        raise InputError(f"cannot read from {type(source).__name__}: {exc}") from None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        raise TypeError(
            f"{func}(source) needs a binary file object (open(..., 'rb')); read() returned str"
        )
    raise TypeError(f"{func}(source): read() returned {type(data).__name__}, not bytes")


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
