"""One Received field value -> :class:`~headerlens.hops.models.Received` (RFC 5321 section 4.4).

The value is first cut into tokens by a single left-to-right scan (linear time): words, nested
comments (kept as a tree, with their children tokenized in the same pass), quoted strings,
domain literals ``[...]``, angle addresses ``<...>``, ``;`` and ``,``. Only then are the
clauses ``from``/``by``/``via``/``with``/``id``/``for`` looked for, at the top level, so a
keyword or a ``;`` inside a comment never splits anything. The date is what follows the last
top-level ``;``; when there is none (SendGrid), a date-shaped run at the end is used.

The ``from`` clause is read for three separate things, never merged: the HELO name, the
reverse-DNS name and the IP, following the layouts MTAs actually write (Postfix/Sendmail
``helo (rdns [ip])``, Exim ``rdns ([ip]:port helo=...)``, qmail ``rdns (HELO helo) (ip)``,
Exchange ``helo (ip)``, CommuniGate ``[ip] (account user HELO helo)``, Exim 3
``rdns (helo) [ip]``, and more; see docs/hops.md).

The pieces: ``_tokens`` (the scan), ``_knowledge`` (keywords, IP forms, protocols, TLS and
authentication comments), ``_from_clause`` (the peer's identities), ``_general`` (the reader,
one function per grammar step) and ``_fast`` (one regular expression per common layout, which
gives exactly what the general reader gives or stands aside).
"""

from __future__ import annotations

from headerlens.errors import wrong_type
from headerlens.hops._fast import _fast_received
from headerlens.hops._general import _parse_general
from headerlens.hops._knowledge import normalize_ip
from headerlens.hops._tokens import MAX_RECEIVED_CHARS
from headerlens.hops.models import Received

__all__ = ["MAX_RECEIVED_CHARS", "normalize_ip", "parse_received", "parse_received_at"]


def parse_received(value: str) -> Received:
    """Parse one Received (or X-Received) field value, folded or not (RFC 5321 section 4.4).

    Never raises: what cannot be read is recorded in ``defects`` and left ``None``. See the
    module docstring and docs/hops.md for the layouts read and the normalisations applied.
    Only a ``value`` that is not a ``str`` raises (``TypeError``).
    """
    if not isinstance(value, str):
        raise wrong_type("parse_received(value)", "str", value)
    return parse_received_at(value, None)


def parse_received_at(
    value: str, header_index: int | None, header_name: str = "Received"
) -> Received:
    """:func:`parse_received` for the field at ``header_index`` (defects carry the index)."""
    fast = _fast_received(value, header_index, header_name)
    if fast is not None:
        return fast
    return _parse_general(value, header_index, header_name)
