"""The time the receiving organisation took the message in, without the whole hop analysis.

DKIM and ARC judge timestamps as of the time the message was received (RFC 6376 section 3.5,
``x=`` and ``t=``). That time is :attr:`HopAnalysis.receipt_time`: the date of the trust
boundary's border hop, or of the nearest dated field above it (``headerlens.hops.trust``).
:func:`receipt_time` finds it the way :func:`~headerlens.hops.chain.analyze_hops` does (the
same fields, the same Received parser, the same boundary walk), but builds no hop models,
delays, timeline or findings, reads no X-Received or Date field, and parses a Received field
only when the walk reaches it: the fields below the trust boundary (and below any inbound
filtering service the walk follows) are never parsed. ``tests/hops/test_receipt.py`` proves
it equal to ``analyze_hops(...).receipt_time`` on every sample and corpus message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import overload

from headerlens.hops.chain import analyze_hops
from headerlens.hops.models import Received
from headerlens.hops.received import parse_received_at
from headerlens.hops.trust import find_boundary
from headerlens.message import HeaderField, Message
from headerlens.policy import Policy

__all__ = ["receipt_time"]

_Pair = tuple[HeaderField, Received]


class _LazyReceived(Sequence[_Pair]):
    """Received fields (topmost first) paired with their parse, parsed on first access."""

    __slots__ = ("_fields", "_parsed")

    def __init__(self, fields: Sequence[HeaderField]) -> None:
        self._fields = fields
        self._parsed: list[_Pair | None] = [None] * len(fields)

    def __len__(self) -> int:
        return len(self._fields)

    def _at(self, pos: int) -> _Pair:
        pair = self._parsed[pos]
        if pair is None:
            h = self._fields[pos]
            pair = (h, parse_received_at(h.value, h.index, h.name))
            self._parsed[pos] = pair
        return pair

    @overload
    def __getitem__(self, index: int) -> _Pair: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[_Pair]: ...

    def __getitem__(self, index: int | slice) -> _Pair | Sequence[_Pair]:
        if isinstance(index, slice):
            return [self._at(k) for k in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._at(index)

    def __iter__(self) -> Iterator[_Pair]:
        for pos in range(len(self)):
            yield self._at(pos)


def receipt_time(message: Message, policy: Policy) -> dt.datetime | None:
    """When the receiving organisation took ``message`` in: ``analyze_hops(message,
    policy).receipt_time``, found without the rest of the hop analysis (see the module
    docstring). ``None`` without a Received field or without a dated one at or above the
    trust boundary.

    With ``policy.strict`` the full analysis runs, so a defect in any Received or
    X-Received field raises exactly as it does there.
    """
    if policy.strict:
        return analyze_hops(message, policy).receipt_time
    named = message.fields_by_name()
    fields = named.get("received", ())[: policy.limits.max_received]
    if not fields:
        return None
    ars = named.get("authentication-results")
    auth_fields = [*named.get("received-spf", ()), *(ars or ())]
    if len(auth_fields) > 1:
        auth_fields.sort(key=_index)
    bound = find_boundary(_LazyReceived(fields), ars[0] if ars else None, policy, [], auth_fields)
    return bound.receipt_time


def _index(h: HeaderField) -> int:
    return h.index
