"""The wall clock, read at most once per analysis and only when a result needs it.

A report depends on the current time only where ``Policy.as_of`` is unset and a result asks
for "now": a DKIM signature's ``x=`` expiry judged today (``DkimResult.expired_now``), or a
DKIM/ARC judgement for a message without a receipt time. :func:`headerlens.analyze` hands
one :class:`Clock` to every step, so all of them see the same instant, and reports it as
``Report.wall_clock`` (``None`` when nothing read it).
"""

from __future__ import annotations

import datetime as dt

__all__ = ["Clock"]


class Clock:
    """The current time (UTC), read on the first :meth:`now` and the same ever after."""

    __slots__ = ("_at",)

    def __init__(self) -> None:
        self._at: dt.datetime | None = None

    def now(self) -> dt.datetime:
        """The time of the first call (the wall clock is read then, and only then)."""
        at = self._at
        if at is None:
            at = self._at = dt.datetime.now(dt.UTC)
        return at

    @property
    def read_at(self) -> dt.datetime | None:
        """When the clock was read, or ``None`` if no step needed it."""
        return self._at
