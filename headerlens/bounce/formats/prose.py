"""The prose reader: failed addresses of a report that no format reader recognised.

Prose bounces introduce their list of failed addresses with a lead sentence ("did not reach
the following recipient(s):", "The message that you sent was undeliverable to the
following:", "the following addresses had transient non-fatal errors") whose wording
``data/prose.json`` lists per mail system, each marked permanent or temporary (a warning:
delivery delayed). After a lead come the addresses, one per line, alone or with a label
("Recipient address:", "Unknown user:") and their own explanation.

Never taken as a failed recipient: an address in the quoted original (the report is cut at
the copy's marker and at the first block of header fields), an address on a header-field
line ("From:", "Reply-To:"...), the report's own sender and addressee, and the reporting
system's own mailbox (MAILER-DAEMON).
"""

from __future__ import annotations

from headerlens.bounce._text import find_addresses, lines_of
from headerlens.bounce.context import Context
from headerlens.bounce.formats._base import (
    ENDS_FALLBACK,
    Found,
    Heuristic,
    cut_original,
    generic_blocks,
    loose_lines,
)
from headerlens.bounce.formats._leads import Lead, is_warning, knowledge

__all__ = ["ENDS", "HEURISTIC", "header_block_at", "read_prose", "report_lines"]

ENDS = (
    "------ This is a copy of the message",
    "--- Below this line is a copy of the message",
    "----- Original message -----",
    "----- Original Message -----",
    "Original message follows",
    "Below is a copy of the original message",
    "----- Unsent message follows -----",
    "------ The body of the message is",
    "Content-Description: Undelivered Message",
    "----- Message header follows -----",
    "----- The header of the original message is following. -----",
    "--- Original message follows.",
    "Possibly truncated original message follows",
    "---- START OF RETURNED MESSAGE ----",
    "-------original message",
    "-------original mail info",
)

# Header fields that begin the quoted original when no marker line announces it.
_HEADER_NAMES = (
    "return-path:",
    "received:",
    "from:",
    "to:",
    "cc:",
    "subject:",
    "date:",
    "message-id:",
    "reply-to:",
    "sender:",
    "mime-version:",
    "content-type:",
    "delivered-to:",
    "x-mailer:",
    "dkim-signature:",
)
# A line with one of these names and an address is a header field, not a recipient line.
_ADDRESS_FIELDS = ("from:", "reply-to:", "sender:", "return-path:", "cc:", "bcc:", "errors-to:")


def _fold(line: str) -> str:
    return " ".join(line.lower().split())


def _lead_of(line: str) -> tuple[Lead, int] | None:
    """The lead sentence on ``line`` (folded) and where it ends, or ``None``."""
    for lead in knowledge().leads:
        i = line.find(lead.phrase)
        if i >= 0:
            return lead, i + len(lead.phrase)
    return None


def header_block_at(lines: list[str], i: int) -> bool:
    """Whether ``lines[i]`` starts a run of header fields (the quoted original)."""
    run = 0
    for line in lines[i : i + 4]:
        low = line.strip().lower()
        if low.startswith(_HEADER_NAMES):
            run += 1
        elif line[:1] in (" ", "\t") and run:
            continue
        else:
            break
    return run >= 2


def report_lines(text: str, ends: tuple[str, ...]) -> list[str]:
    """The report's own lines: up to the copy's marker or the first block of header fields."""
    report, _rest = cut_original(text, ends)
    lines = lines_of(report)
    for i in range(len(lines)):
        if header_block_at(lines, i):
            return lines[:i]
    return lines


def _recipient_in(line: str, folded: str) -> tuple[str, str] | None:
    """The failed address a list line names, and the rest of the line, or ``None``.

    The address starts the line (after ``<``, a quote or a bullet), or follows one of the
    fixed labels; a header-field line never names a failed recipient.
    """
    found = find_addresses(line)
    if not found or folded.startswith(_ADDRESS_FIELDS):
        return None
    start, end, addr = found[0]
    before = _fold(line[:start]).rstrip("<\"'([ ")
    if before and before not in ("-", "*", ">", "o") and not before.endswith(knowledge().labels):
        return None
    rest = line[end:].lstrip(">\"') ")
    if rest.startswith((":", ";", ",")):
        rest = rest[1:]
    elif rest.startswith("..."):
        rest = rest[3:]
    return addr, rest.strip()


def _own(ctx: Context) -> set[str]:
    own = {a.lower() for _s, _e, a in find_addresses(ctx.sender)}
    for name in ("to", "reply-to", "return-path"):
        own |= {a.lower() for _s, _e, a in find_addresses(ctx.header(name) or "")}
    return own


def _keep(addr: str, own: set[str]) -> bool:
    low = addr.lower()
    return low not in own and low.split("@", 1)[0] not in knowledge().system_local_parts


def _read_lists(lines: list[str], warning: bool) -> list[Found]:
    """The addresses listed after each lead, with their explanations.

    An address's explanation is the rest of its line and the lines under it, and any later
    line that names it; a list whose addresses have none shares the text around it (between
    its lead and the first address, and the paragraph after the list), as in Netscape's
    and GroupWise's reports.
    """
    k = knowledge()
    out: dict[str, Found] = {}
    lead: Lead | None = None
    around: list[str] = []  # text of the section that names no address
    section: list[Found] = []
    current: Found | None = None
    after_list = False

    def close() -> None:
        shared = " ".join(" ".join(around).split())
        for f in section:
            if not f.diagnostic and shared:
                f.diagnostic = shared

    for line in lines:
        folded = _fold(line)
        if not folded:
            current = None
            after_list = bool(section)
            continue
        hit = _lead_of(folded)
        if hit is not None:
            if section:
                close()
                around, section = [], []
            lead, at = hit
            current, after_list = None, False
            # "Undeliverable to kim@example.org" / "...could not be delivered to: kim@...".
            rec = _inline(line, at)
            if rec is None:
                continue
            line, folded = rec, _fold(rec)
        if lead is None:
            continue
        if any(s in folded for s in k.stops):
            close()
            lead, current, around, section = None, None, [], []
            continue
        rec2 = None if after_list else _recipient_in(line, folded)
        if rec2 is not None:
            addr, rest = rec2
            key = addr.lower()
            f = out.get(key)
            if f is None:
                f = Found(address=addr, temporary=lead.temporary or warning or None)
                out[key] = f
                section.append(f)
            if rest:
                f.diagnostic = f"{f.diagnostic} {rest}".strip()
            current = f
            continue
        if current is not None:
            current.add_diagnostic(line)
            continue
        named = [out[a.lower()] for _s, _e, a in find_addresses(line) if a.lower() in out]
        if named:
            # A later line that names a listed address explains it ("Technical details:
            # ... 553 5.3.0 <kim@example.org>... No such user").
            named[0].add_diagnostic(line)
        else:
            around.append(line.strip())
    close()
    for f in out.values():
        f.diagnostic = " ".join(f.diagnostic.split())
    return list(out.values())


def _inline(line: str, at: int) -> str | None:
    """The part of a lead line after its lead phrase (``at`` counts folded characters), when
    it names an address: "Undeliverable to kim@example.org"."""
    folded = " ".join(line.split())
    if len(folded.lower()) != len(folded):  # lower() changed a length: no safe mapping
        return None
    rest = folded[at:].lstrip(" :")
    return rest if rest and find_addresses(rest) else None


def read_prose(ctx: Context, h: Heuristic) -> list[Found]:
    """Read a report no format recognised: the lists after lead sentences, else any line
    that starts with an address, else lines that name an address and an error."""
    ends = h.end or ENDS
    lines = report_lines(ctx.text, ends)
    warning = is_warning(ctx)
    own = _own(ctx)
    found = [f for f in _read_lists(lines, warning) if _keep(f.address, own)]
    if not found:
        text = "\n".join(lines)
        only_fields = _field_only_addresses(lines)
        found = [
            f
            for f in generic_blocks(text, (), ends)
            if _keep(f.address, own) and f.address.lower() not in only_fields
        ]
        for f in found:
            if warning and f.temporary is None:
                f.temporary = True
    if not found:
        found = [f for f in loose_lines(ctx, ends or ENDS_FALLBACK) if _keep(f.address, own)]
    return found


def _field_only_addresses(lines: list[str]) -> set[str]:
    """The addresses (lower-case) that appear only on header-field lines (From:, Reply-To:...)
    of ``lines``: one pass over the lines."""
    on_fields: set[str] = set()
    elsewhere: set[str] = set()
    for line in lines:
        if "@" not in line:
            continue
        target = on_fields if _fold(line).startswith(_ADDRESS_FIELDS) else elsewhere
        target.update(a.lower() for _s, _e, a in find_addresses(line))
    return on_fields - elsewhere


def _never(ctx: Context) -> bool:
    return False


HEURISTIC = Heuristic(name="generic", detect=_never, end=ENDS, parse=read_prose)
