"""RFC 3464 delivery-status fields (also RFC 6533 ``message/global-delivery-status``).

The body of a ``message/delivery-status`` part is one block of per-message fields followed by
one block per recipient (RFC 3464 section 2.1). Real reports sometimes drop the blank lines,
so a new recipient block starts at each ``Final-Recipient`` (or an ``Original-Recipient``
that precedes one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from headerlens.bounce._text import clean_address, lines_of

__all__ = ["DsnFields", "parse_delivery_status", "split_typed"]

PER_MESSAGE = frozenset(
    {
        "reporting-mta",
        "dsn-gateway",
        "received-from-mta",
        "arrival-date",
        "original-envelope-id",
        "x-postfix-sender",
        "x-postfix-queue-id",
        "x-original-message-id",
    }
)
PER_RECIPIENT = frozenset(
    {
        "original-recipient",
        "final-recipient",
        "action",
        "status",
        "remote-mta",
        "diagnostic-code",
        "last-attempt-date",
        "final-log-id",
        "will-retry-until",
        "x-actual-recipient",
        "x-supplementary-info",
        "x-display-name",
    }
)


@dataclass(slots=True)
class DsnFields:
    """Fields read from a delivery-status body: per-message and one dict per recipient."""

    message: dict[str, str] = field(default_factory=dict)
    recipients: list[dict[str, str]] = field(default_factory=list)
    unknown_lines: int = 0


def split_typed(value: str | None) -> tuple[str | None, str | None]:
    """Split ``type; value`` (RFC 3464 section 2.1.2 address-type / diagnostic-type)."""
    if value is None:
        return None, None
    semi = value.find(";")
    if semi < 0:
        return None, value.strip() or None
    kind = value[:semi].strip()
    rest = value[semi + 1 :].strip()
    if not kind or " " in kind:
        return None, value.strip() or None
    return kind.lower(), rest or None


def _unfold(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in lines_of(text):
        if not line.strip():
            out.append(("", ""))
            continue
        if line[:1] in (" ", "\t") and out and out[-1][0]:
            name, val = out[-1]
            out[-1] = (name, f"{val} {line.strip()}".strip())
            continue
        colon = line.find(":")
        if colon <= 0 or " " in line[:colon].strip():
            out.append(("?", line.strip()))
            continue
        out.append((line[:colon].strip().lower(), line[colon + 1 :].strip()))
    return out


def parse_delivery_status(text: str) -> DsnFields:
    """Read the fields of a delivery-status body (RFC 3464 sections 2.2 and 2.3)."""
    result = DsnFields()
    current: dict[str, str] | None = None
    for name, value in _unfold(text):
        if name == "":
            if current is not None and current:
                current = None
            continue
        if name == "?":
            result.unknown_lines += 1
            continue
        if name in ("final-recipient", "original-recipient", "x-actual-recipient"):
            starts_new = current is None or name in current
            if name == "x-actual-recipient" and current is not None:
                starts_new = False
            if starts_new:
                current = {}
                result.recipients.append(current)
            assert current is not None
            current.setdefault(name, value)
            continue
        if name in PER_RECIPIENT:
            if current is None:
                current = {}
                result.recipients.append(current)
            current.setdefault(name, value)
        elif current is None or name in PER_MESSAGE:
            result.message.setdefault(name, value)
        else:
            current.setdefault(name, value)
    result.recipients = [r for r in result.recipients if r]
    return result


def recipient_address(fields: dict[str, str]) -> str | None:
    """The best recipient address of a block: Final-Recipient, else Original/X-Actual."""
    for key in ("final-recipient", "x-actual-recipient", "original-recipient"):
        _kind, value = split_typed(fields.get(key))
        addr = clean_address(value)
        if addr:
            return addr
    return None
