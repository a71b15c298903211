"""Exceptions: only for caller and environment errors, never for malformed message content."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from headerlens.defects import Defect


class HeaderlensError(Exception):
    """Base class of every exception headerlens raises on purpose."""


class InputError(HeaderlensError):
    """The input could not be read (a missing or unreadable path, a closed file)."""


class DefectError(HeaderlensError):
    """Raised under ``Policy(strict=True)`` on the first defect recorded.

    The defect is available as :attr:`defect`.
    """

    def __init__(self, defect: Defect) -> None:
        super().__init__(f"{defect.code}: {defect.message}")
        self.defect = defect


class ResolverError(HeaderlensError):
    """A resolver was misconfigured (bad nameserver address, unreadable key file)."""
