"""The shared machinery of the per-format heuristics (prose bounces).

Each format module defines one :class:`Heuristic`: how to recognise the format (its own
markers in From, Subject, other header fields or the body), where the list of failed
recipients starts, where the quoted original begins, and optionally its own parser. The
generic block reader below handles the common layout: an address on its own line (or
followed by ``:``), then the lines that explain what went wrong.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from headerlens.bounce._text import clean_address, find_addresses, lines_of
from headerlens.bounce.context import Context
from headerlens.bounce.formats._leads import is_warning

__all__ = ["Context", "Found", "Heuristic", "cut_original", "generic_blocks", "remote_host"]


@dataclass(slots=True)
class Found:
    """One recipient read from prose, before the status knowledge is applied."""

    address: str
    diagnostic: str = ""
    status: str | None = None
    reply_code: str | None = None
    action: str | None = None
    remote_mta: str | None = None
    reason: str | None = None
    temporary: bool | None = None
    command: str | None = None
    # The format's own words that gave ``reason`` (a fixed sentence, a stage), for the
    # explanation; empty when the reader states the reason without quoting words.
    basis: str = ""

    def add_diagnostic(self, text: str) -> None:
        """Append a line of the server's words to the diagnostic (one space between)."""
        self.diagnostic = f"{self.diagnostic} {text.strip()}".strip()


Parser = Callable[[Context, "Heuristic"], list[Found]]


@dataclass(frozen=True, slots=True)
class Heuristic:
    """A prose-bounce format: its name, how to recognise it, and how to read it."""

    name: str
    detect: Callable[[Context], bool]
    start: tuple[str, ...] = ()
    end: tuple[str, ...] = ()
    parse: Parser | None = None
    temporary: tuple[str, ...] = ()
    stop: tuple[str, ...] = ()
    sentences: tuple[tuple[str, str], ...] = ()
    prose_over_dsn: bool = False
    remote: tuple[str, ...] = ()
    remote_before: tuple[str, ...] = ()
    remote_in_report: bool = False

    def read(self, ctx: Context) -> list[Found]:
        """Read the failed recipients with the module's parser or the generic block reader.

        ``sentences`` are the format's own fixed wordings (lower-case) and the reason each
        one means; a match gives a recipient without a reason that reason (the classifier
        still refines it when it is only a weak guess).
        """
        found = (
            self.parse(ctx, self)
            if self.parse is not None
            else generic_blocks(ctx.text, self.start, self.end, stop=self.stop)
        )
        if not found:
            found = loose_lines(ctx, self.end or ENDS_FALLBACK)
        if self.sentences:
            for f in found:
                if f.reason is None:
                    apply_sentence(f, f.diagnostic, self.sentences)
        if found and (is_warning(ctx) or (self.temporary and ctx.has(*self.temporary))):
            # A warning report: the delivery is delayed and still being retried.
            for f in found:
                if f.temporary is None:
                    f.temporary = True
        if self.remote or self.remote_before:
            # The host the format names in its prose (``remote``: phrases before the host,
            # ``remote_before``: after it); with ``remote_in_report``, else the one host the
            # whole report names (Sendmail's transcript stands apart from the recipients).
            whole: list[str] | None = None
            for f in found:
                if f.remote_mta is None:
                    f.remote_mta = remote_host(f.diagnostic, self.remote, self.remote_before)
                if f.remote_mta is None and self.remote_in_report:
                    if whole is None:
                        whole = remote_hosts(ctx.text, self.remote, self.remote_before)
                    if len(set(whole)) == 1:
                        f.remote_mta = whole[0]
        return found


_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:")


def _host_at(text: str, i: int) -> str | None:
    """The host name (else the address) written at ``text[i:]``: ``name[ip]``, ``name [ip]``,
    ``name.``, ``[ip]`` or a bare IP address; ``None`` when there is none."""
    n = len(text)
    while i < n and text[i] in " <(":
        i += 1
    j = i
    while j < n and text[j] in _HOST_CHARS:
        j += 1
    name = text[i:j].rstrip(".:")
    k = j
    if k < n and text[k] == " ":
        k += 1
    ip: str | None = None
    if k < n and text[k] == "[":
        close = text.find("]", k, k + 60)
        if close > k:
            ip = _ip(text[k + 1 : close])
    if name and "." in name and any(c.isalpha() for c in name) and not _ip(name):
        return name.lower()
    return ip or _ip(name)


def _ip(word: str) -> str | None:
    w = word.strip()
    if w.lower().startswith("ipv6:"):
        w = w[5:]
    try:
        return str(ipaddress.ip_address(w))
    except ValueError:
        return None


def _word_before(text: str, end: int) -> str | None:
    """The host (name or address) that ends right before ``text[end]``."""
    i = end
    while i > 0 and text[i - 1] == " ":
        i -= 1
    j = i
    while j > 0 and text[j - 1] in _HOST_CHARS | {"[", "]"}:
        j -= 1
    word = text[j:i].strip("[]")
    return _host_at(word, 0) if word else None


def remote_hosts(text: str, after: Sequence[str], before: Sequence[str] = ()) -> list[str]:
    """Every remote host ``text`` names after one of ``after`` or before one of ``before``.

    The markers are a format's fixed phrases, lower-case (Postfix ``host X[ip] said``,
    Exim ``host X [ip]:``, Sendmail ``while talking to X.:``, qmail ``X does not like
    recipient``). The host name is returned, else its address. One linear ``find`` pass
    per marker.
    """
    low = text.lower()
    out: list[tuple[int, str]] = []
    for marker in after:
        i = low.find(marker)
        while i >= 0:
            host = _host_at(text, i + len(marker))
            if host:
                out.append((i, host))
            i = low.find(marker, i + len(marker))
    for marker in before:
        i = low.find(marker)
        while i >= 0:
            host = _word_before(text, i)
            if host:
                out.append((i, host))
            i = low.find(marker, i + len(marker))
    return [h for _i, h in sorted(out)]


def remote_host(text: str, after: Sequence[str], before: Sequence[str] = ()) -> str | None:
    """The first remote host ``text`` names (:func:`remote_hosts`), or ``None``."""
    found = remote_hosts(text, after, before)
    return found[0] if found else None


def fixed_reason(text: str, sentences: Sequence[tuple[str, str]]) -> str | None:
    """The reason of the first fixed sentence that occurs in ``text`` (case-insensitive)."""
    hit = sentence_hit(text, sentences)
    return hit[1] if hit else None


def sentence_hit(text: str, sentences: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """The first fixed sentence that occurs in ``text`` and its reason, or ``None``."""
    low = " ".join(text.lower().split())
    for sentence, reason in sentences:
        if sentence in low:
            return sentence, reason
    return None


def apply_sentence(f: Found, text: str, sentences: Sequence[tuple[str, str]]) -> bool:
    """Set ``f.reason`` (and ``f.basis``) from the first fixed sentence in ``text``."""
    hit = sentence_hit(text, sentences)
    if hit is None:
        return False
    f.basis, f.reason = hit[0].strip(), hit[1]
    return True


def cut_original(text: str, end: Sequence[str]) -> tuple[str, str | None]:
    """Split prose at the first line holding an end marker: (report, quoted original)."""
    low = text.lower()
    best = -1
    for marker in end:
        i = low.find(marker.lower())
        if i >= 0 and (best < 0 or i < best):
            best = i
    if best < 0:
        return text, None
    line_start = text.rfind("\n", 0, best) + 1
    line_end = text.find("\n", best)
    rest = None if line_end < 0 else text[line_end + 1 :]
    return text[:line_start], rest


def _recipient_on_line(line: str) -> tuple[str, str] | None:
    """If the line begins with an address, return (address, rest of the line)."""
    s = line.strip()
    if not s or "@" not in s:
        return None
    found = find_addresses(s)
    if not found:
        return None
    start, end, addr = found[0]
    prefix = s[:start].strip()
    if prefix.lower() not in (
        "",
        "<",
        '"',
        "'",
        "-",
        "*",
        "recipient:",
        "to:",
        "<<",
        "address:",
        "recipient address:",
        "original-recipient: rfc822;",
        "final-recipient: rfc822;",
        "rcpt to:<",
        "rcpt to: <",
    ):
        return None
    rest = s[end:].lstrip(">\"' ")
    if rest.startswith(":"):
        rest = rest[1:]
    elif rest.startswith("..."):
        rest = rest[3:]
    return addr, rest.strip()


def generic_blocks(
    text: str,
    start: Sequence[str],
    end: Sequence[str],
    *,
    stop: Sequence[str] = (),
) -> list[Found]:
    """Read ``address`` lines and the explanation lines under each, between the markers."""
    report, _orig = cut_original(text, end)
    lines = lines_of(report)
    begin = 0
    if start:
        for i, line in enumerate(lines):
            low = line.lower()
            if any(m.lower() in low for m in start):
                begin = i + 1
                break
        else:
            begin = 0
    out: list[Found] = []
    current: Found | None = None
    diag: list[str] = []
    lows = [s.lower() for s in stop]
    for line in lines[begin:]:
        if lows and any(m in line.lower() for m in lows):
            break
        rec = _recipient_on_line(line)
        if rec is not None and diag and diag[-1].lower().endswith("(expanded from"):
            # Postfix: "<address> (expanded from\n <alias>): reason" names one recipient.
            diag.append(line.strip())
            continue
        if rec is not None and (current is None or rec[0] != current.address or not diag):
            if current is not None:
                current.diagnostic = " ".join(" ".join(diag).split())
                out.append(current)
            current = Found(address=rec[0])
            diag = [rec[1]] if rec[1] else []
            continue
        if current is not None and line.strip():
            diag.append(line.strip())
    if current is not None:
        current.diagnostic = " ".join(" ".join(diag).split())
        out.append(current)
    # One address may be repeated (e.g. in the SMTP transcript): merge into the first.
    merged: dict[str, Found] = {}
    for f in out:
        key = f.address.lower()
        if key in merged:
            prev = merged[key]
            if f.diagnostic and f.diagnostic not in prev.diagnostic:
                prev.diagnostic = f"{prev.diagnostic} {f.diagnostic}".strip()
        else:
            merged[key] = f
    return list(merged.values())


def text_after(text: str, markers: Sequence[str]) -> str | None:
    """The text after the first line holding one of ``markers``, or ``None``."""
    low = text.lower()
    for m in markers:
        i = low.find(m.lower())
        if i >= 0:
            j = text.find("\n", i)
            return "" if j < 0 else text[j + 1 :]
    return None


def address_or_none(value: str) -> str | None:
    """An address found in ``value``, cleaned, or ``None``."""
    found = find_addresses(value)
    if found:
        return found[0][2]
    return clean_address(value)


ENDS_FALLBACK = (
    "------ This is a copy of the message",
    "--- Below this line is a copy of the message",
    "----- Original message -----",
    "Original message follows",
    "Below is a copy of the original message",
    "----- Unsent message follows -----",
    "Message headers follow",
    "----- Message header follows -----",
)

_ERROR_WORDS = (
    "unknown",
    "fail",
    "error",
    "reject",
    "not ",
    "denied",
    "full",
    "could",
    "unable",
    "invalid",
    "refused",
    "blocked",
    "undeliver",
    "deliver",
    "quota",
    "exist",
    "expired",
    "550",
    "554",
    "553",
    "552",
    "551",
    "421",
    "450",
    "452",
)


def loose_lines(ctx: Context, end: Sequence[str]) -> list[Found]:
    """Last resort: addresses on lines that also say something went wrong."""
    report, _orig = cut_original(ctx.text, end)
    own = {a.lower() for _s, _e, a in find_addresses(ctx.sender)}
    own |= {a.lower() for _s, _e, a in find_addresses(ctx.header("To") or "")}
    lines = lines_of(report)
    out: dict[str, Found] = {}
    for i, line in enumerate(lines):
        found = find_addresses(line)
        if not found:
            continue
        low = line.lower()
        addr = found[0][2]
        if addr.lower() in own or addr.lower().startswith(("mailer-daemon@", "postmaster@")):
            continue
        following: list[str] = []
        for nxt in lines[i + 1 : i + 6]:
            if not nxt.strip() or find_addresses(nxt):
                break
            following.append(nxt.strip())
        context = " ".join([line.strip(), *following])
        if not any(w in low for w in _ERROR_WORDS) and not any(
            w in context.lower() for w in _ERROR_WORDS
        ):
            continue
        key = addr.lower()
        if key in out:
            if context not in out[key].diagnostic:
                out[key].diagnostic = f"{out[key].diagnostic} {context}"
            continue
        out[key] = Found(address=addr, diagnostic=" ".join(context.split()))
    return list(out.values())
