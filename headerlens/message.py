"""The parsed message: header fields with byte offsets, addresses, dates, and the MIME tree.

Models are frozen; evidence (``raw``) is kept exactly and readings (``value``, ``datetime``)
are separate fields. See RFC 5322 (message format), RFC 2045-2049 (MIME), RFC 6532 (UTF-8
headers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Literal, Protocol

from pydantic import PrivateAttr, computed_field

from headerlens._model import Model
from headerlens.defects import Defect

__all__ = [
    "Address",
    "DateValue",
    "HeaderField",
    "Message",
    "MessageReader",
    "MimePart",
    "ZoneKind",
]

ZoneKind = Literal["offset", "utc_unknown_local", "name", "assumed"]


class DateValue(Model):
    """A parsed RFC 5322 date-time (section 3.3, with the obsolete forms of section 4.3).

    ``datetime`` is timezone-aware or ``None`` when the text could not be read strictly.
    ``zone`` says where the offset came from: ``offset`` (a numeric offset was stated),
    ``utc_unknown_local`` (``-0000``: UTC, local zone unknown, RFC 5322 section 3.3),
    ``name`` (an obsolete zone name such as ``EST``), ``assumed`` (no usable zone: UTC assumed).
    """

    raw: str
    datetime: dt.datetime | None = None
    zone: ZoneKind | None = None
    zone_name: str | None = None
    format: str | None = None
    defects: tuple[Defect, ...] = ()


class HeaderField(Model):
    """One header field as it stands in the message (RFC 5322 section 2.2).

    ``index``: 0 for the topmost field. ``raw``: the whole field exactly as found (name, colon,
    folding and line ends kept), decoded from bytes as UTF-8 or, where that fails, Latin-1 so
    that every byte survives (``raw_encoding`` says which). ``value``: the field body unfolded
    (RFC 5322 section 2.2.3), RFC 2047 encoded words decoded, leading/trailing white space
    removed. ``start``/``end``: byte offsets of the field in the source, ``source[start:end]``
    re-encoded is ``raw``.
    """

    index: int
    name: str
    raw: str
    value: str
    start: int
    end: int
    raw_encoding: Literal["utf-8", "latin-1"] = "utf-8"
    defects: tuple[Defect, ...] = ()

    @property
    def raw_bytes(self) -> bytes:
        """The field's bytes exactly as in the source."""
        return self.raw.encode("latin-1" if self.raw_encoding == "latin-1" else "utf-8")

    @property
    def lname(self) -> str:
        """The field name in lower case (names compare case-insensitively, RFC 5322 1.2.2)."""
        return self.name.lower()


class Address(Model):
    """One mailbox (RFC 5322 section 3.4), e.g. ``"Alice" <alice@example.org>``.

    ``domain_ascii`` is the domain in IDNA A-label form (RFC 5890), lower-cased, or ``None``
    when it cannot be converted. ``group`` names the RFC 5322 group it was listed in.
    """

    raw: str
    display_name: str | None = None
    local_part: str | None = None
    domain: str | None = None
    domain_ascii: str | None = None
    group: str | None = None
    defects: tuple[Defect, ...] = ()

    @property
    def addr_spec(self) -> str | None:
        """``local@domain``, or ``None`` when either part is missing."""
        if self.local_part is None or self.domain is None:
            return None
        return f"{self.local_part}@{self.domain}"


class MimePart(Model):
    """One node of the MIME tree (RFC 2045/2046/2183/2231).

    ``path`` is the dotted position (``""`` for the root, ``"1.2"`` for the second child of
    the first child). ``decoded_size`` and ``sha256`` describe the transfer-decoded content;
    ``None`` when it could not be decoded. ``message`` holds a parsed embedded message
    (``message/rfc822``, ``message/global``, ``text/rfc822-headers``).
    """

    path: str
    content_type: str
    params: tuple[tuple[str, str], ...] = ()
    charset: str | None = None
    transfer_encoding: str | None = None
    disposition: str | None = None
    filename: str | None = None
    start: int | None = None
    end: int | None = None
    decoded_size: int | None = None
    sha256: str | None = None
    headers: tuple[HeaderField, ...] = ()
    children: tuple[MimePart, ...] = ()
    message: Message | None = None
    defects: tuple[Defect, ...] = ()


def index_fields(headers: tuple[HeaderField, ...]) -> dict[str, tuple[HeaderField, ...]]:
    """``headers`` grouped by lower-case name, each group top to bottom."""
    groups: dict[str, list[HeaderField]] = {}
    for h in headers:
        lname = h.name.lower()
        group = groups.get(lname)
        if group is None:
            groups[lname] = [h]
        else:
            group.append(h)
    return {k: tuple(v) for k, v in groups.items()}


class MessageReader(Protocol):
    """What reads the parts of a :class:`Message` that are built on demand.

    The parser that made a message hands it one (``headerlens.parse``), so that this module
    needs no parser: models sit below the parsers (see docs/architecture.md).
    """

    def mime(self, message: Message) -> MimePart | None:
        """The MIME tree of ``message`` (RFC 2045/2046), or ``None`` for a header-only one."""
        ...

    def addresses(self, field: HeaderField) -> tuple[Address, ...]:
        """The mailboxes of an address-list field (RFC 5322 section 3.4)."""
        ...

    def date(self, text: str) -> DateValue:
        """A date-time (RFC 5322 section 3.3) read strictly."""
        ...


class Message(Model):
    """A parsed message: its header fields in order, the parse defects, and the MIME tree.

    ``size`` is the length of the source in bytes. ``mime`` is built on first access, so a
    header-only analysis never decodes the body. Use :meth:`get` / :meth:`get_all` to read
    header values by name (case-insensitive).

    ``mime``, :meth:`addresses` and :meth:`date` read through the parser that made the
    message (:func:`headerlens.parse`). A ``Message`` made another way (built by hand, or
    validated from data) has no source and no parser: its ``mime`` is ``None``,
    :meth:`addresses` finds no mailbox and :meth:`date` no date.
    """

    headers: tuple[HeaderField, ...]
    defects: tuple[Defect, ...] = ()
    size: int
    body_start: int | None = None
    header_only: bool = False
    mbox_from: str | None = None

    _source: bytes = PrivateAttr(default=b"")
    # Lower-case field name -> its fields top to bottom; parse() fills it, other ways of
    # making a Message leave it None and lookups scan the fields.
    _by_name: dict[str, tuple[HeaderField, ...]] | None = PrivateAttr(default=None)
    _reader: MessageReader | None = PrivateAttr(default=None)

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def mime(self) -> MimePart | None:
        """The MIME tree, parsed lazily from the body; ``None`` for a header-only paste."""
        reader = self._reader
        return None if reader is None else reader.mime(self)

    @property
    def source(self) -> bytes:
        """The exact bytes the message was parsed from."""
        return self._source

    @property
    def body(self) -> bytes:
        """The body bytes (after the blank line), or ``b""`` when there is none."""
        if self.body_start is None:
            return b""
        return self._source[self.body_start :]

    def fields(self, name: str) -> tuple[HeaderField, ...]:
        """All fields called ``name`` (case-insensitive), top to bottom."""
        return self._index().get(name.lower(), ())

    def get(self, name: str) -> str | None:
        """The decoded value of the topmost field called ``name``, or ``None``."""
        found = self._index().get(name.lower())
        return found[0].value if found else None

    def fields_by_name(self) -> Mapping[str, tuple[HeaderField, ...]]:
        """Every field grouped by lower-case name (RFC 5322 section 1.2.2), top to bottom.

        A read-only view: the message stays as parsed whatever the caller does with it.
        """
        return MappingProxyType(self._index())

    def _index(self) -> dict[str, tuple[HeaderField, ...]]:
        # Read from the private-attribute slot itself: ``self._by_name`` goes through
        # pydantic's __getattr__, several times slower, and this runs once per lookup.
        private = self.__pydantic_private__
        index = private.get("_by_name") if private else None
        if index is None:
            index = index_fields(self.headers)
        return index

    def get_all(self, name: str) -> tuple[str, ...]:
        """The decoded values of every field called ``name``, top to bottom."""
        return tuple(h.value for h in self.fields(name))

    def addresses(self, name: str) -> tuple[Address, ...]:
        """Every mailbox in every field called ``name`` (From, To, Cc, Reply-To, ...)."""
        reader = self._reader
        if reader is None:
            return ()
        out: list[Address] = []
        for h in self.fields(name):
            out.extend(reader.addresses(h))
        return tuple(out)

    def date(self) -> DateValue | None:
        """The Date field parsed strictly (RFC 5322 section 3.6.1), or ``None`` when absent."""
        value = self.get("Date")
        reader = self._reader
        return None if value is None or reader is None else reader.date(value)


MimePart.model_rebuild()
