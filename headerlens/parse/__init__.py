"""Bytes to :class:`~headerlens.message.Message` (RFC 5322, RFC 6532, RFC 2047, RFC 2045-2049).

:func:`parse` reads the header block eagerly (one pass, exact byte offsets) and leaves the body
alone: the MIME tree is built on first access to ``Message.mime``. :func:`iter_messages` walks
files, folders, mbox files and Maildirs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import IO

from headerlens._model import build
from headerlens.defects import Defect, DefectLog
from headerlens.message import (
    Address,
    DateValue,
    HeaderField,
    InputForm,
    Intake,
    Message,
    MimePart,
    index_fields,
)
from headerlens.parse.addresses import parse_address_list
from headerlens.parse.dates import parse_date
from headerlens.parse.headers import split_headers, unfolded_body
from headerlens.parse.mailbox import iter_messages
from headerlens.parse.mime import build_mime
from headerlens.parse.source import Source, read_source
from headerlens.policy import Policy, policy_or_default

__all__ = ["iter_messages", "message_of", "parse", "parse_bytes", "parse_source"]

_DEFAULT_POLICY = Policy()

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


@dataclass(frozen=True, slots=True)
class _Reader:
    """The :class:`~headerlens.message.MessageReader` that :func:`parse_bytes` hands every
    message it makes: the policy and MIME depth it was parsed with, and the readers."""

    policy: Policy
    depth: int

    def mime(self, message: Message) -> MimePart | None:
        return build_mime(message, self.policy, self.depth, parse_bytes)

    def addresses(self, field: HeaderField) -> tuple[Address, ...]:
        # The undecoded body: an encoded comma or "<" inside a display name must not change
        # the structure (RFC 2047 section 5); the scanner decodes display names itself.
        return parse_address_list(
            unfolded_body(field), header_index=field.index, strict=self.policy.strict
        )

    def date(self, text: str) -> DateValue:
        return parse_date(text)


def parse(
    source: bytes | str | os.PathLike[str] | IO[bytes],
    *,
    policy: Policy | None = None,
    headers_only: bool = False,
) -> Message:
    """Parse a whole message or a header-only paste into a :class:`Message`.

    ``source`` is bytes, the message text itself (a ``str``, encoded as UTF-8; never taken as
    a file name), a path (``os.PathLike``, e.g. ``pathlib.Path``), or a binary file object;
    :mod:`headerlens.parse.source` reads it. Header fields follow RFC 5322 section 2.2
    (folding kept in ``raw``, unfolded in ``value``), RFC 6532 (raw UTF-8) and RFC 2047
    (encoded words decoded in ``value``). Malformed content is recorded as defects; under
    ``Policy(strict=True)`` the first one raises :class:`~headerlens.errors.DefectError`, and
    the MIME tree is built at once so that no defect is left to surface later. Only a wrong
    argument type (``TypeError``) or an unreadable path or file
    (:class:`~headerlens.errors.InputError`) raise otherwise.

    ``headers_only=True`` reads and parses only the header block: a path or file object is
    read up to the empty line that ends it (RFC 5322 section 2.1) and no further, a seekable
    file is left where the body starts, and the result is header-only (``header_only`` is
    true, ``mime`` is ``None``). Its header fields and header defects are those of the full
    parse. Inputs that must be converted first (an Outlook ``.msg`` file, a pasted form; see
    :mod:`headerlens.parse.intake`) are read whole. ``analyze()`` accepts the result, as it
    does a header-only paste.
    """
    pol = policy_or_default(policy, "parse")
    if not isinstance(headers_only, bool):
        raise TypeError(f"parse(headers_only) must be a bool, not {type(headers_only).__name__}")
    src = read_source(source, func="parse", headers_only=headers_only, limits=pol.limits)
    return parse_source(src, pol)


def parse_source(src: Source, policy: Policy) -> Message:
    """Parse a :class:`~headerlens.parse.source.Source` (its notes become the first defects)."""
    first: tuple[Defect, ...] = ()
    if src.notes:
        log = DefectLog(strict=policy.strict)
        for code, text in src.notes:
            log.add(code, text)
        first = log.defects
    only = src.headers_only
    message = parse_bytes(
        src.data, policy=policy, form=src.form, intake=src.intake, header_only=only
    )
    if src.form is None:
        # An Outlook box split into field groups is told from a message by the fields found.
        from headerlens.parse.intake import regroup

        box = regroup(message)
        if box is not None:
            message = parse_bytes(
                box.data, policy=policy, form=box.form, intake=box.intake, header_only=only
            )
    if first:
        message = message.model_copy(update={"defects": first + message.defects})
    if policy.strict:
        build_tree(message)  # every MIME defect raises now, not at a later model_dump()
    return message


def build_tree(message: Message) -> None:
    """Build the MIME tree of ``message`` and of every message embedded in it (each is built
    lazily otherwise), so that under ``strict`` their defects raise at once."""
    stack: list[MimePart] = []
    root = message.mime
    if root is not None:
        stack.append(root)
    while stack:
        part = stack.pop()
        stack.extend(part.children)
        if part.message is not None:
            inner = part.message.mime
            if inner is not None:
                stack.append(inner)


def message_of(source: object, policy: Policy, func: str) -> Message:
    """``source`` as a :class:`Message`: itself when it already is one, else parsed.

    The entry points that take "a message" (``analyze``, ``parse_bounce``, ``verify_dkim``,
    ``verify_arc``) read their argument through here, so they accept the same things as
    :func:`parse` and fail the same way. Under ``strict`` a given Message's MIME tree is
    built at once too.
    """
    if isinstance(source, Message):
        if policy.strict:
            build_tree(source)
        return source
    return parse_source(read_source(source, func=func, limits=policy.limits), policy)


def parse_bytes(
    data: bytes,
    *,
    policy: Policy | None = None,
    depth: int = 0,
    form: InputForm | None = None,
    intake: Intake | None = None,
    header_only: bool = False,
) -> Message:
    """Parse RFC 5322 ``data`` into a :class:`Message`; ``depth`` is its MIME nesting level.

    ``form`` and ``intake`` record what the bytes were converted from (see
    :mod:`headerlens.parse.intake`); by default the form is ``mbox`` when the bytes start with
    an mbox ``From `` line, else ``eml``. ``header_only``: take the message as header-only
    even if body bytes follow the header block (``parse(..., headers_only=True)``).
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
            for h in by_name.get("from", ()):
                body = unfolded_body(h)
                if body.isascii() and _CLEAN_FROM.fullmatch(body):
                    continue  # no defect to find (tests/parse/test_headers.py checks)
                for addr in parse_address_list(body, header_index=h.index):
                    log.extend(addr.defects)
    body_start = block.body_start
    header_only = header_only or body_start is None or body_start >= end
    return build(
        Message,
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
        {"_source": data, "_by_name": by_name, "_reader": _Reader(pol, depth)},
    )
