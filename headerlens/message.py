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
    "ClientClaim",
    "ClientSummary",
    "DateValue",
    "HeaderField",
    "InputForm",
    "Intake",
    "Message",
    "MessageReader",
    "MimePart",
    "OutlookItem",
    "ZoneKind",
]

ZoneKind = Literal["offset", "utc_unknown_local", "name", "assumed"]

InputForm = Literal["eml", "mbox", "maildir", "msg", "paste", "paste-gmail", "paste-outlook"]
"""What the input was before it became RFC 5322 bytes (``Message.input_form``):

``eml`` (RFC 5322 bytes as they are: a ``.eml`` file, a header block), ``mbox`` (an mbox
``From `` line first, RFC 4155), ``maildir`` (a file from a Maildir, set by the batch reader),
``msg`` (an Outlook ``.msg`` compound file, [MS-OXMSG]), ``paste`` (text that needed
reshaping: a byte order mark, UTF-16, a common indentation), ``paste-gmail`` (Gmail's "Show
original" page copied whole), ``paste-outlook`` (Outlook's "Internet headers" box).
"""


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


class ClientClaim(Model):
    """One line of a mail client's own summary of a message, as the client showed it.

    ``label`` is the client's label (``SPF``, ``DKIM``, ``Created at``, ...), ``value`` the
    text beside it (link captions such as "Learn more" removed).
    """

    label: str
    value: str


class ClientSummary(Model):
    """What a mail client claimed about a message in its summary (Gmail's "Show original").

    These are the client's statements, not headerlens' conclusions: the findings
    ``intake.client_claim_*`` compare them with the message. ``created_at`` is the client's
    local-time rendering, kept as text (the viewer's time zone is not shown).
    ``delivered_after`` is the delay the client states. ``spf``/``dkim``/``dmarc`` are the
    results lower-cased (``pass``, ``fail``, ``softfail``, ``neutral``, ``none``, ...).
    """

    client: Literal["gmail"]
    lines: tuple[ClientClaim, ...] = ()
    message_id: str | None = None
    created_at: str | None = None
    delivered_after: dt.timedelta | None = None
    sender: str | None = None
    to: str | None = None
    subject: str | None = None
    spf: str | None = None
    spf_ip: str | None = None
    dkim: str | None = None
    dkim_domain: str | None = None
    dmarc: str | None = None


class OutlookItem(Model):
    """What an Outlook ``.msg`` file says about itself ([MS-OXMSG], [MS-OXPROPS]).

    ``transport_headers``: whether the item holds the header block it arrived with
    (``PidTagTransportMessageHeaders``); drafts, sent items and some internal Exchange mail do
    not, and their header fields were rebuilt from properties (no transport evidence).
    ``body_forms``: which renditions of the body the item holds (``text``, ``html``, ``rtf``).
    Times are the item's own properties (client submit time, delivery time), UTC.
    """

    message_class: str | None = None
    transport_headers: bool = False
    subject: str | None = None
    sender: str | None = None
    submitted: dt.datetime | None = None
    delivered: dt.datetime | None = None
    attachments: int = 0
    embedded_messages: int = 0
    body_forms: tuple[str, ...] = ()
    codepage: int | None = None


class Intake(Model):
    """How the input became the RFC 5322 bytes that were parsed (``Message.intake``).

    Present only when the input was not taken byte for byte. ``text_encoding``: the text
    encoding the input was converted from (``utf-8-bom``, ``utf-16-le``, ``utf-16-be``).
    ``indent_removed``: columns of common indentation taken off every line. ``lines_dropped``:
    lines before the message that were not part of it (a client's summary, an Outlook
    version line). ``body_original``: ``False`` when the body is a client's rendition (an
    Outlook ``.msg`` rebuilt from its properties), so DKIM body hashes and ARC message
    signatures cannot be checked against it. Byte offsets in the message refer to the
    converted bytes (``Message.source``).
    """

    text_encoding: Literal["utf-8-bom", "utf-16-le", "utf-16-be"] | None = None
    indent_removed: int = 0
    lines_dropped: int = 0
    body_original: bool = True
    client_summary: ClientSummary | None = None
    outlook: OutlookItem | None = None


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
    header-only analysis never decodes the body. ``input_form`` says what the input was
    (``eml``, ``mbox``, ``msg``, a paste form); ``intake`` how it was converted, if it was.
    Use :meth:`get` / :meth:`get_all` to read header values by name (case-insensitive).

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
    input_form: InputForm = "eml"
    intake: Intake | None = None

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
        fields = self.fields(name)
        if len(fields) == 1:
            return self.field_addresses(fields[0])
        return tuple(a for h in fields for a in self.field_addresses(h))

    def field_addresses(self, field: HeaderField) -> tuple[Address, ...]:
        """The mailboxes of one address field of this message (RFC 5322 section 3.4).

        Each field is tokenized once per message, however many analyses ask (DKIM and DMARC
        alignment, the verdict, the indicators all read From): the answer is kept with the
        message, outside its fields (it is no part of equality or of the JSON). Empty for a
        message that no parser made (see the class docstring)."""
        reader = self._parser()
        if reader is None:
            return ()
        memo = self._memo()
        key = ("addresses", field.index)
        hit = memo.get(key)
        if isinstance(hit, tuple) and hit[0] is field:
            found: tuple[Address, ...] = hit[1]
            return found
        result = reader.addresses(field)
        memo[key] = (field, result)
        return result

    def date(self) -> DateValue | None:
        """The Date field parsed strictly (RFC 5322 section 3.6.1), or ``None`` when absent.

        Parsed once per message (kept like :meth:`field_addresses`)."""
        value = self.get("Date")
        reader = self._parser()
        if value is None or reader is None:
            return None
        memo = self._memo()
        hit = memo.get("date")
        if isinstance(hit, tuple) and hit[0] is value:
            found: DateValue = hit[1]
            return found
        result = reader.date(value)
        memo["date"] = (value, result)
        return result

    def _parser(self) -> MessageReader | None:
        # The private-attribute slot itself (as in _index): faster than pydantic's __getattr__.
        private = self.__pydantic_private__
        return private.get("_reader") if private else None

    def _memo(self) -> dict[object, object]:
        """Readings derived from the header fields, kept with this instance.

        Stored in the instance ``__dict__`` under a key that is not a field, so pydantic leaves
        it out of equality, ``model_dump`` and the JSON; tied to the ``headers`` tuple it was
        made from, so a ``model_copy`` with other headers starts afresh."""
        memo = self.__dict__.get(_MEMO)
        if not isinstance(memo, dict) or memo.get(_MEMO) is not self.headers:
            memo = {_MEMO: self.headers}
            self.__dict__[_MEMO] = memo
        return memo


_MEMO = "_headerlens_memo"


MimePart.model_rebuild()
