"""The storage of an Outlook ``.msg`` file: its streams and MAPI properties ([MS-OXMSG]).

A ``.msg`` file is a Compound File Binary container ([MS-CFB]; read with ``olefile``); each
storage holds a property stream (``__properties_version1.0``) and a stream per variable-size
property (``__substg1.0_<id><type>``). :class:`Storage` reads them within a byte budget
tied to the input size, so a hostile file whose streams point at the same sectors again and
again cannot make reading grow beyond it. :mod:`headerlens.parse.outlook` turns the item
into RFC 5322 bytes.
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ATTACH",
    "ATTACH_CONTENT_ID",
    "ATTACH_DATA",
    "ATTACH_FILENAME",
    "ATTACH_LONG_FILENAME",
    "ATTACH_METHOD",
    "ATTACH_MIME_TAG",
    "BODY",
    "CFB_SIGNATURE",
    "CLIENT_SUBMIT_TIME",
    "DELIVERY_TIME",
    "DISPLAY_NAME",
    "EMAIL_ADDRESS",
    "HTML",
    "INTERNET_CPID",
    "INTERNET_MESSAGE_ID",
    "IN_REPLY_TO",
    "MESSAGE_CLASS",
    "PT_OBJECT",
    "PT_UNICODE",
    "RECIP",
    "RECIPIENT_TYPE",
    "REFERENCES",
    "RTF_COMPRESSED",
    "SENDER_EMAIL",
    "SENDER_NAME",
    "SENDER_SMTP",
    "SENT_REPR_EMAIL",
    "SENT_REPR_NAME",
    "SENT_REPR_SMTP",
    "SMTP_ADDRESS",
    "SUBJECT",
    "TRANSPORT_HEADERS",
    "Budget",
    "Storage",
    "codec",
    "is_msg",
]

#: The first eight bytes of every Compound File Binary file ([MS-CFB] section 2.2).
CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Property types ([MS-OXCDATA] section 2.11.1).
_PT_I2, _PT_LONG, _PT_BOOLEAN, _PT_I8, _PT_SYSTIME = 0x0002, 0x0003, 0x000B, 0x0014, 0x0040
_PT_STRING8, PT_UNICODE, _PT_BINARY, PT_OBJECT = 0x001E, 0x001F, 0x0102, 0x000D

# Property ids ([MS-OXPROPS]).
TRANSPORT_HEADERS = 0x007D
MESSAGE_CLASS = 0x001A
SUBJECT = 0x0037
CLIENT_SUBMIT_TIME = 0x0039
DELIVERY_TIME = 0x0E06
SENT_REPR_NAME = 0x0042
SENT_REPR_EMAIL = 0x0065
SENT_REPR_SMTP = 0x5D02
SENDER_NAME = 0x0C1A
SENDER_EMAIL = 0x0C1F
SENDER_SMTP = 0x5D01
BODY = 0x1000
HTML = 0x1013
RTF_COMPRESSED = 0x1009
INTERNET_MESSAGE_ID = 0x1035
IN_REPLY_TO = 0x1042
REFERENCES = 0x1039
INTERNET_CPID = 0x3FDE
_MESSAGE_CODEPAGE = 0x3FFD
DISPLAY_NAME = 0x3001
EMAIL_ADDRESS = 0x3003
SMTP_ADDRESS = 0x39FE
RECIPIENT_TYPE = 0x0C15
ATTACH_DATA = 0x3701
ATTACH_FILENAME = 0x3704
ATTACH_METHOD = 0x3705
ATTACH_LONG_FILENAME = 0x3707
ATTACH_MIME_TAG = 0x370E
ATTACH_CONTENT_ID = 0x3712

_PROPS = "__properties_version1.0"
RECIP = "__recip_version1.0_#"
ATTACH = "__attach_version1.0_#"
_FIXED = frozenset(
    (_PT_I2, _PT_LONG, _PT_BOOLEAN, _PT_I8, _PT_SYSTIME, 0x0004, 0x0005, 0x0006, 0x0007, 0x000A)
)

# Windows code pages to Python codecs ([MS-OXCDATA], [MS-UCODEREF]); anything unknown falls
# back to cp1252, Outlook's own default for Western installations.
_CODEPAGES = {
    20127: "ascii",
    28591: "latin-1",
    28592: "iso8859-2",
    28595: "iso8859-5",
    28597: "iso8859-7",
    28599: "iso8859-9",
    28605: "iso8859-15",
    65001: "utf-8",
    65000: "utf-7",
    1200: "utf-16-le",
    1201: "utf-16-be",
    50220: "iso2022_jp",
    50221: "iso2022_jp",
    50222: "iso2022_jp",
    51932: "euc_jp",
    20932: "euc_jp",
    936: "gbk",
    54936: "gb18030",
    950: "big5",
    949: "cp949",
    51949: "euc_kr",
    932: "cp932",
    20866: "koi8-r",
    21866: "koi8-u",
    874: "cp874",
}


def is_msg(data: bytes) -> bool:
    """Whether ``data`` starts with the Compound File Binary signature ([MS-CFB] 2.2)."""
    return data[:8] == CFB_SIGNATURE


def codec(codepage: int | None) -> str:
    if codepage is None:
        return "cp1252"
    if codepage in _CODEPAGES:
        return _CODEPAGES[codepage]
    if 1250 <= codepage <= 1258 or codepage in (437, 850, 852, 866):
        return f"cp{codepage}"
    return "cp1252"


def _filetime(value: int) -> dt.datetime | None:
    """A FILETIME (100 ns ticks since 1601-01-01 UTC) as an aware datetime, or ``None``."""
    if value <= 0:
        return None
    try:
        return dt.datetime(1601, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=value // 10)
    except OverflowError:
        return None


class Budget:
    """Bytes that may still be read from streams (a hostile file can point many streams at
    the same sectors; reading is capped at a multiple of the input size)."""

    def __init__(self, total: int) -> None:
        self.left = total

    def take(self, size: int) -> bool:
        if size > self.left:
            return False
        self.left -= size
        return True


@dataclass
class Storage:
    """One storage of the compound file: its property entries and child storages."""

    ole: Any
    path: list[str]
    streams: dict[str, Any]
    storages: dict[str, Any]
    budget: Budget
    header_size: int
    props: dict[int, tuple[int, bytes]] = field(default_factory=dict)
    codepage: int | None = None
    #: Streams that gave fewer bytes than their directory entry declares (a broken chain).
    short: set[str] = field(default_factory=set)

    @classmethod
    def open(
        cls, ole: Any, entry: Any, path: list[str], budget: Budget, header_size: int
    ) -> Storage:
        streams: dict[str, Any] = {}
        storages: dict[str, Any] = {}
        for kid in entry.kids:
            name = kid.name
            if kid.entry_type == 2:  # STGTY_STREAM
                streams[name] = kid
            elif kid.entry_type == 1:  # STGTY_STORAGE
                storages[name] = kid
        st = cls(ole, path, streams, storages, budget, header_size)
        st._read_props()
        return st

    def stream(self, name: str) -> bytes | None:
        entry = self.streams.get(name)
        if entry is None or not self.budget.take(max(0, entry.size)):
            return None
        try:
            with self.ole.openstream([*self.path, name]) as fh:
                data: bytes = fh.read()
        except Exception:  # olefile raises several kinds on a broken sector chain
            return None
        if len(data) < entry.size:
            self.short.add(name)
        return data

    def _read_props(self) -> None:
        raw = self.stream(_PROPS)
        if raw is None:
            return
        for off in range(self.header_size, len(raw) - 15, 16):
            tag, _flags = struct.unpack_from("<II", raw, off)
            ptype, pid = tag & 0xFFFF, tag >> 16
            if pid not in self.props or ptype == PT_UNICODE:
                self.props[pid] = (ptype, raw[off + 8 : off + 16])
        cp = self.integer(_MESSAGE_CODEPAGE)
        if cp is None:
            cp = self.integer(INTERNET_CPID)
        self.codepage = cp

    def integer(self, pid: int) -> int | None:
        got = self.props.get(pid)
        if got is None or got[0] not in (_PT_LONG, _PT_I2, _PT_BOOLEAN):
            return None
        value: int = struct.unpack_from("<i", got[1])[0]
        return value

    def time(self, pid: int) -> dt.datetime | None:
        got = self.props.get(pid)
        if got is None or got[0] != _PT_SYSTIME:
            return None
        return _filetime(struct.unpack_from("<q", got[1])[0])

    def binary(self, pid: int) -> bytes | None:
        got = self.props.get(pid)
        if got is None:
            return None
        return self.stream(f"__substg1.0_{pid:04X}{got[0]:04X}")

    def text(self, pid: int) -> str | None:
        got = self.props.get(pid)
        if got is None or got[0] not in (PT_UNICODE, _PT_STRING8):
            return None
        raw = self.stream(f"__substg1.0_{pid:04X}{got[0]:04X}")
        if raw is None:
            return None
        if got[0] == PT_UNICODE:
            text = raw.decode("utf-16-le", "replace")
        else:
            text = raw.decode(codec(self.codepage), "replace")
        return text.rstrip("\x00")

    def children(self, prefix: str) -> list[str]:
        return sorted(n for n in self.storages if n.startswith(prefix))

    def child(self, name: str, header_size: int) -> Storage:
        return Storage.open(
            self.ole, self.storages[name], [*self.path, name], self.budget, header_size
        )
