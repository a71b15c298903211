"""Keyed pseudonyms for a report, so it can go into a ticket: :func:`redact`.

Every address, local part, display name, IP address, host name, Message-ID, subject and
attachment file name in a :class:`~headerlens.report.Report` is replaced by a pseudonym derived
with HMAC-SHA256 from a caller's key: the same key gives the same pseudonyms in every report,
so two redacted reports still compare (``headerlens.diff``), and without the key a pseudonym
cannot be traced back. What the analysis concluded is untouched: hop order, times, delays,
trust, DKIM/ARC/DMARC results, spam scores, findings and defect codes.

Pseudonyms keep what an analyst needs:

* IP addresses stay in their IANA special-purpose block (private stays private,
  documentation stays documentation, loopback stays loopback) and in their family; others
  map to addresses outside every special block. Within a block the mapping is a keyed
  permutation (a Feistel network with cycle walking), so two addresses never share a
  pseudonym.
* Host names keep their public suffix (``.com``, ``.co.uk``) and, under a known mail
  service (``data/redaction.json``), the service's domain (``h-3fa2c1.google.com``). Each
  label in front is replaced on its own, so hosts of one organisation still share their
  registrable-domain pseudonym (``d-91be07aa.net``) and DMARC alignment stays visible.
  Protocol labels (``_domainkey``, ``_dmarc``) are kept.
* Addresses become ``u-<hash>@<host pseudonym>``; role accounts (``postmaster``,
  ``mailer-daemon``, RFC 2142) keep their local part.
* Display names become ``name-<hash>``, subjects ``subject-<hash>`` (a ``Re:``/``Fwd:``
  prefix is kept), Message-IDs ``<id-<hash>@<host pseudonym>>``.

Raw header text, the message source and bodies (and their hashes) are dropped: ``raw``
fields are emptied, except ``HeaderField.raw``, which is rebuilt as ``Name: <redacted value>``
so that ``Message.addresses()`` and other readers still work on the redacted message. Free
text (explanations, finding summaries, diagnostics, unknown header values) is scanned for
addresses, IPs and host names, and every value named above is replaced wherever it appears.
Prose that names a person in some other way (a signature in a custom header) is not
recognised; a one-word host name is replaced in prose only when it holds a digit or a dash.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from headerlens.errors import HeaderlensError
from headerlens.message import HeaderField, Message, MimePart, index_fields
from headerlens.parse.addresses import parse_address_list
from headerlens.parse.headers import unfolded_body
from headerlens.redact.pseudonyms import Pseudonyms, split_subject
from headerlens.report import Report

__all__ = ["redact"]


# Headers whose value is a list of addresses (RFC 5322 section 3.6.2-3.6.6, RFC 3798,
# RFC 9228 Delivered-To) or ids (RFC 5322 section 3.6.4); subjects (section 3.6.5).
_ADDRESS_FIELDS = frozenset(
    [
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "sender",
        "return-path",
        "delivered-to",
        "x-original-to",
        "envelope-to",
        "resent-from",
        "resent-to",
        "resent-cc",
        "resent-bcc",
        "resent-sender",
        "errors-to",
        "disposition-notification-to",
        "x-original-from",
        "x-envelope-from",
        "x-envelope-to",
        "original-recipient",
        "final-recipient",
        "x-ms-exchange-organization-originalsender",
    ]
)
_ID_FIELDS = frozenset(
    [
        "message-id",
        "in-reply-to",
        "references",
        "resent-message-id",
        "original-message-id",
        "x-original-message-id",
        "x-microsoft-original-message-id",
    ]
)
_SUBJECT_FIELDS = frozenset(("subject", "thread-topic", "x-original-subject"))
# Model fields whose whole value is a host name (single-label names included).
_HOST_FIELDS = frozenset(
    [
        "from_helo",
        "from_rdns",
        "by_host",
        "via",
        "authserv_id",
        "seal_domain",
        "ams_domain",
        "reporting_mta",
        "remote_mta",
        "received_from_mta",
        "host",
        "domain",
        "from_domain",
        "from_org_domain",
        "org_domain",
        "spf_domain",
        "reported_domain",
        "receiver",
        "helo",
    ]
)
# Model fields holding a tuple of host or domain names.
_HOST_LIST_FIELDS = frozenset(
    ["trusted_hosts", "trusted_authserv_ids", "from_domains", "dkim_domains"]
)
# Model fields whose value is an address or a user name.
_USER_FIELDS = frozenset(
    [
        "for_addr",
        "envelope_from",
        "auth_user",
        "from_ident",
        "final_recipient",
        "original_recipient",
        "identity",
        "postfix_sender",
    ]
)
_SELECTOR_FIELDS = frozenset(("selector", "seal_selector", "ams_selector"))
# Stable codes and documentation links: never message-derived.
_KEEP_FIELDS = frozenset(
    [
        "code",
        "source",
        "explanation_source",
        "schema_version",
        "severity",
        "zone",
        "kind",
        "confidence",
        "reason_code",
        "result",
        "cv",
        "status",
        "rdtype",
        "outcome",
        "resolver",
        "psl_version",
        # how the input arrived (#20): form names, encodings, Outlook classes, client labels
        "input_form",
        "text_encoding",
        "message_class",
        "body_forms",
        "client",
        "label",
    ]
)
# Fields that name our own catalogue (vendors, rule names, property names), per model.
_KEEP_MODEL_FIELDS = frozenset(
    [
        "SpamVerdict.vendor",
        "SpamVerdict.product",
        "Appliance.vendor",
        "Appliance.product",
        "SpamRule.name",
        "SpamField.key",
        "AuthProperty.name",
        "AuthProperty.ptype",
        "AuthResult.method",
    ]
)


class _Redactor:
    def __init__(self, key: bytes) -> None:
        self.p = Pseudonyms(key)

    # -- phase 1: learn every value to replace ----------------------------------------------
    def collect(self, obj: object) -> None:
        if isinstance(obj, Message):
            self._collect_message(obj)
        if isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                value = getattr(obj, name)
                if isinstance(value, str):
                    self._collect_field(name, value)
                elif isinstance(value, tuple) and name in (
                    _HOST_FIELDS | _HOST_LIST_FIELDS | _USER_FIELDS
                ):
                    for v in value:
                        if isinstance(v, str):
                            self._collect_field(name, v)
                else:
                    self.collect(value)
        elif isinstance(obj, tuple):
            for v in obj:
                self.collect(v)

    def _collect_field(self, name: str, value: str) -> None:
        p = self.p
        if not value.strip():
            return
        if name in _HOST_FIELDS or name in _HOST_LIST_FIELDS:
            # A one-label name is looked for in prose only when it cannot be an ordinary
            # word ("EXCH01", "mx-3"), so "mail" in a sentence stays "mail".
            if "." in value.strip(".") or any(c.isdigit() or c in "-_" for c in value):
                p.remember(value, p.host(value))
        elif name in _USER_FIELDS:
            v = value.strip().strip("<>")
            if "@" in v:
                p.remember(v, p.address(v))
                local = v.rpartition("@")[0]
                if len(local) >= 4:
                    p.remember(local, p.local(local))
            elif v:
                p.remember(v, p.local(v))
        elif name in _SELECTOR_FIELDS:
            p.remember(value, p.label(value))
        elif name == "filename":
            p.remember(value, p.file_name(value), exact=True)

    def _collect_message(self, msg: Message) -> None:
        p = self.p
        for h in msg.headers:
            lname = h.name.lower()
            if lname in _ADDRESS_FIELDS:
                for a in parse_address_list(unfolded_body(h), header_index=h.index):
                    if a.display_name and a.display_name.strip():
                        p.remember(a.display_name, p.name(a.display_name), exact=True)
                    if a.local_part and a.domain:
                        addr = f"{a.local_part}@{a.domain}"
                        p.remember(addr, p.address(addr))
                        if len(a.local_part) >= 4:
                            p.remember(a.local_part, p.local(a.local_part))
                    if a.group:
                        p.remember(a.group, p.name(a.group), exact=True)
            elif lname in _SUBJECT_FIELDS and h.value.strip():
                p.remember(h.value, p.subject(h.value), exact=True)
                rest = split_subject(h.value)[1]
                if len(rest) >= 4:
                    p.remember(rest, p.subject(rest), exact=True)
            elif lname in _ID_FIELDS:
                for mid in _angle_tokens(h.value):
                    p.remember(f"<{mid}>", f"<{p.message_id(mid)}>")
                    p.remember(mid, p.message_id(mid))

    # -- phase 2: rewrite --------------------------------------------------------------------
    def rewrite(self, obj: Any, field: str = "") -> Any:
        if isinstance(obj, str):
            return self._string(field, obj)
        if isinstance(obj, tuple):
            return tuple(self.rewrite(v, field) for v in obj)
        if isinstance(obj, Message):
            return self._message(obj)
        if isinstance(obj, HeaderField):
            return self._header(obj)
        if isinstance(obj, BaseModel):
            updates: dict[str, Any] = {}
            cls = type(obj).__name__
            for name in type(obj).model_fields:
                value = getattr(obj, name)
                if f"{cls}.{name}" in _KEEP_MODEL_FIELDS:
                    continue
                new = self.rewrite(value, name)
                if new != value:
                    updates[name] = new
            if isinstance(obj, MimePart):
                updates["sha256"] = None
            return obj.model_copy(update=updates) if updates else obj
        return obj

    def _string(self, field: str, value: str) -> str:
        p = self.p
        if field in _KEEP_FIELDS or not value:
            return value
        if field in ("raw", "note"):  # raw text; a reporter's note is body text (#20)
            return ""
        if field in _HOST_FIELDS or field in _HOST_LIST_FIELDS:
            return p.host(value)
        if field in _SELECTOR_FIELDS:
            return p.label(value)
        if field == "filename":
            return p.file_name(value)
        return p.text(value)

    def _header(self, h: HeaderField) -> HeaderField:
        p = self.p
        lname = h.name.lower()
        if lname in _SUBJECT_FIELDS:
            value = p.subject(h.value) if h.value.strip() else h.value
        elif lname in _ID_FIELDS:
            value = _replace_ids(h.value, p)
        else:
            value = p.text(h.value)
        # The original text is dropped; ``raw`` is rebuilt from the redacted value (one
        # unfolded line) so that readers of structured fields (``Message.addresses``) still
        # work on the redacted message.
        raw = f"{h.name}: {_one_line(value)}"
        return h.model_copy(update={"raw": raw, "value": value, "defects": self.rewrite(h.defects)})

    def _message(self, msg: Message) -> Message:
        mime = msg.mime
        headers = tuple(self._header(h) for h in msg.headers)
        new = msg.model_copy(
            update={
                "headers": headers,
                "defects": self.rewrite(msg.defects),
                "mbox_from": None if msg.mbox_from is None else self.p.text(msg.mbox_from),
                "intake": self.rewrite(msg.intake),
            }
        )
        private = dict(new.__pydantic_private__ or {})
        private["_source"] = b""
        private["_by_name"] = index_fields(headers)
        object.__setattr__(new, "__pydantic_private__", private)
        # ``mime`` is computed from the source on first use; the source is gone, so the
        # redacted tree is stored as the computed value.
        new.__dict__["mime"] = None if mime is None else self.rewrite(mime)
        return new


def _one_line(value: str) -> str:
    return " ".join(value.replace("\r", " ").replace("\n", " ").split(" "))


def _replace_ids(value: str, p: Pseudonyms) -> str:
    """An id-list field (RFC 5322 section 3.6.4): each ``<id>`` replaced, the rest scanned."""
    out: list[str] = []
    pos = 0
    while True:
        i = value.find("<", pos)
        j = value.find(">", i + 1) if i >= 0 else -1
        if i < 0 or j < 0:
            out.append(p.text(value[pos:]))
            return "".join(out)
        out.append(p.text(value[pos:i]))
        out.append(f"<{p.message_id(value[i + 1 : j])}>")
        pos = j + 1


def _angle_tokens(value: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while True:
        i = value.find("<", pos)
        if i < 0:
            return out
        j = value.find(">", i + 1)
        if j < 0:
            return out
        if j > i + 1:
            out.append(value[i + 1 : j])
        pos = j + 1


def redact(report: Report, key: bytes | str) -> Report:
    """``report`` with keyed pseudonyms for every personal value (see the module docstring).

    ``key``: bytes, or text (UTF-8 encoded). The same key gives the same pseudonyms across
    reports. Raises ``TypeError`` for any other type and
    :class:`~headerlens.errors.HeaderlensError` for an empty key.
    """
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray):
        raise TypeError(f"key must be bytes or str, not {type(key).__name__}")
    if not key:
        raise HeaderlensError("the redaction key must not be empty")
    r = _Redactor(bytes(key))
    r.collect(report)
    result = r.rewrite(report)
    assert isinstance(result, Report)
    return result
