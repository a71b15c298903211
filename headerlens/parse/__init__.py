"""Bytes to :class:`~headerlens.message.Message` (RFC 5322, RFC 6532, RFC 2047, RFC 2045-2049).

:func:`parse` reads the header block eagerly (one pass, exact byte offsets) and leaves the body
alone: the MIME tree is built on first access to ``Message.mime``. :func:`iter_messages` walks
files, folders, mbox files and Maildirs.
"""

from __future__ import annotations

import os
import re
from typing import IO

from headerlens.defects import DefectLog
from headerlens.errors import InputError
from headerlens.message import InputForm, Intake, Message, index_fields
from headerlens.parse._fast import message_constructor
from headerlens.parse.headers import split_headers, unfolded_body
from headerlens.parse.mailbox import iter_messages
from headerlens.policy import Policy

__all__ = ["iter_messages", "parse", "parse_bytes"]

_DEFAULT_POLICY = Policy()
_new_message = message_constructor()

# A From body that the address parser is known to read without any defect: one mailbox,
# ``addr-spec`` or ``[phrase] <addr-spec>``, with a plain atom on each side of the "@", a
# domain that is not only dots, and a display name that cannot hide an address (no "@", no
# "=" that could start an encoded word). Anything else goes through the parser. Possessive
# runs with mandatory separators: no backtracking.
_ATOM = r'[^ \t\r\n<>@,;:"\[\]()]++'
_DOMAIN = r'[^ \t\r\n<>@,;:"\[\]().][^ \t\r\n<>@,;:"\[\]()]*+'
_WORD = r'(?:[^ \t\r\n<>@,;:"\[\]()=]++|"[^"\\@=\r\n]*+")'
_CLEAN_FROM = re.compile(
    rf"[ \t]*+(?:{_WORD}(?:[ \t]++{_WORD})*+[ \t]*+)?+<[ \t]*+{_ATOM}[ \t]*+@[ \t]*+{_DOMAIN}"
    rf"[ \t]*+>[ \t]*+|[ \t]*+{_ATOM}[ \t]*+@[ \t]*+{_DOMAIN}[ \t]*+"
)


def _read_source(source: object) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, str):
        try:
            return source.encode("utf-8")
        except UnicodeEncodeError:
            # Lone surrogates: from surrogateescape decoding give the bytes back, else keep them.
            try:
                return source.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:
                return source.encode("utf-8", "surrogatepass")
    if isinstance(source, os.PathLike):
        try:
            with open(source, "rb") as fh:
                return fh.read()
        except OSError as exc:
            raise InputError(f"cannot read {os.fspath(source)!r}: {exc}") from exc
    read = getattr(source, "read", None)
    if callable(read):
        try:
            data = read()
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read from {source!r}: {exc}") from exc
        if isinstance(data, (bytes, bytearray)):
            return bytes(data)
        raise TypeError("parse() needs a binary file object (read() returned text)")
    raise TypeError(
        "parse() takes bytes, str, os.PathLike or a binary file object,"
        f" not {type(source).__name__}"
    )


def parse(
    source: bytes | str | os.PathLike[str] | IO[bytes], *, policy: Policy | None = None
) -> Message:
    """Parse a whole message or a header-only paste into a :class:`Message`.

    ``source`` is bytes, text (encoded as UTF-8), a path, or a binary file object. Header fields
    follow RFC 5322 section 2.2 (folding kept in ``raw``, unfolded in ``value``), RFC 6532 (raw
    UTF-8) and RFC 2047 (encoded words decoded in ``value``). Malformed content is recorded as
    defects (raised under ``Policy(strict=True)``); only a wrong argument type (``TypeError``)
    or an unreadable path (:class:`~headerlens.errors.InputError`) raise.
    """
    data = _read_source(source)
    pol = policy if policy is not None else _DEFAULT_POLICY
    first = DefectLog(strict=pol.strict)
    if isinstance(source, str) and _names_a_file(source):
        # A common slip: parse("msg.eml") parses the file *name* as a one-line paste.
        first.add(
            "input.looks_like_path",
            f"the text {source!r} is the name of an existing file, not a message; "
            "pass pathlib.Path(...) to read the file",
        )
    from headerlens.parse.intake import convert, regroup

    conv = convert(data, pol.limits)
    for code, text in conv.notes:
        first.add(code, text)
    message = parse_bytes(conv.data, policy=policy, form=conv.form, intake=conv.intake)
    if conv.form is None:
        box = regroup(message)
        if box is not None:
            message = parse_bytes(box.data, policy=policy, form=box.form, intake=box.intake)
    if len(first):
        message = message.model_copy(update={"defects": first.defects + message.defects})
    return message


def _names_a_file(text: str) -> bool:
    if not text or len(text) > 4096 or "\n" in text or "\r" in text:
        return False
    try:
        return os.path.isfile(text)
    except (OSError, ValueError):  # embedded NUL, name too long
        return False


def parse_bytes(
    data: bytes,
    *,
    policy: Policy | None = None,
    depth: int = 0,
    form: InputForm | None = None,
    intake: Intake | None = None,
) -> Message:
    """Parse RFC 5322 ``data`` into a :class:`Message`; ``depth`` is its MIME nesting level.

    ``form`` and ``intake`` record what the bytes were converted from (see
    :mod:`headerlens.parse.intake`); by default the form is ``mbox`` when the bytes start with
    an mbox ``From `` line, else ``eml``.
    """
    pol = policy if policy is not None else _DEFAULT_POLICY
    limits = pol.limits
    log = DefectLog(strict=pol.strict)
    size = len(data)
    end = size
    if size > limits.max_input_bytes:
        log.add(
            "limits.input_bytes",
            f"input is {size} bytes (cap {limits.max_input_bytes}); only the start was read",
        )
        end = limits.max_input_bytes
    block = split_headers(data, 0, end, log, limits, top=True)
    fields = block.fields
    headers = tuple(fields)
    by_name = index_fields(headers)
    counts = block.singleton_counts
    nfrom = counts.get(b"from", 0)
    if fields:
        if nfrom == 0:
            log.add("message.missing_from", "no From field (RFC 5322 section 3.6.2 requires one)")
        elif nfrom > 1:
            log.add("message.multiple_from", f"{nfrom} From fields; RFC 5322 allows one")
        if not counts.get(b"date", 0):
            log.add("message.missing_date", "no Date field (RFC 5322 section 3.6.1 requires one)")
        for lname, count in counts.items():
            if count > 1 and lname != b"from":
                log.add(
                    "message.duplicate_singleton",
                    f"{count} {lname.decode()} fields; RFC 5322 section 3.6 allows one",
                )
        if nfrom:
            from headerlens.parse.addresses import parse_address_list

            for h in by_name.get("from", ()):
                body = unfolded_body(h)
                if body.isascii() and _CLEAN_FROM.fullmatch(body):
                    continue  # no defect to find (tests/parse/test_headers.py checks)
                for addr in parse_address_list(body, header_index=h.index):
                    log.extend(addr.defects)
    body_start = block.body_start
    header_only = body_start is None or body_start >= end
    return _new_message(
        {
            "headers": headers,
            "defects": log.defects,
            "size": size,
            "body_start": body_start,
            "header_only": header_only,
            "mbox_from": block.mbox_from,
            "input_form": form or ("mbox" if block.mbox_from is not None else "eml"),
            "intake": intake,
        },
        {
            "_source": data,
            "_mime_depth": depth,
            "_policy": pol,
            "_by_name": by_name,
        },
    )
