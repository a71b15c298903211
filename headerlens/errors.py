"""Exceptions: only for caller and environment errors, never for malformed message content.

The error contract of every public function: malformed message content never raises (it
becomes a :class:`~headerlens.defects.Defect`); a wrong argument type raises ``TypeError``;
everything else a caller can get wrong raises one of the :class:`HeaderlensError` subclasses
below, each with a one-line message fit for a command line:

- :class:`InputError`: a path or file that cannot be read;
- :class:`ResolverError`: a resolver that cannot be built as configured (a nameserver that is
  not an IP address, an unreadable or malformed key file, an unknown failure kind);
- :class:`PolicyError`: a :class:`~headerlens.policy.Policy` setting of the right type but an
  unusable value (a naive ``as_of``, a negative limit);
- :class:`DefectError`: the first defect under ``Policy(strict=True)``.

``ResolverError`` and ``PolicyError`` are also ``ValueError`` subclasses, so callers that
caught the ``ValueError`` of earlier versions keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from headerlens.defects import Defect

__all__ = [
    "DefectError",
    "HeaderlensError",
    "InputError",
    "PolicyError",
    "ResolverError",
    "check_text_args",
    "wrong_type",
]


class HeaderlensError(Exception):
    """Base class of every exception headerlens raises on purpose."""


class InputError(HeaderlensError):
    """The input could not be read (a missing or unreadable path, a folder, a closed file)."""


class DefectError(HeaderlensError):
    """Raised under ``Policy(strict=True)`` on the first defect recorded.

    The defect is available as :attr:`defect`.
    """

    def __init__(self, defect: Defect) -> None:
        super().__init__(f"{defect.code}: {defect.message}")
        self.defect = defect


class ResolverError(HeaderlensError, ValueError):
    """A resolver was misconfigured (bad nameserver address, unreadable or malformed key
    file, unknown failure kind, no system nameserver when asked for one)."""


class PolicyError(HeaderlensError, ValueError):
    """A :class:`~headerlens.policy.Policy` setting has an unusable value (a naive
    ``as_of``, a negative or zero limit)."""


def wrong_type(func: str, expected: str, value: object) -> TypeError:
    """The ``TypeError`` a public function raises for an argument of the wrong type.

    ``func`` names the function and argument (``"parse_date(text)"``), ``expected`` the types
    it takes in words.
    """
    return TypeError(f"{func} takes {expected}, not {type(value).__name__}")


def check_text_args(func: str, value: object, header_index: object = None) -> None:
    """The argument check of the public readers of one field value (``value`` a ``str``,
    ``header_index`` an ``int`` or ``None``): ``TypeError`` otherwise."""
    if not isinstance(value, str):
        raise wrong_type(f"{func}(value)", "str", value)
    if header_index is not None and (
        not isinstance(header_index, int) or isinstance(header_index, bool)
    ):
        raise wrong_type(f"{func}(header_index=)", "int or None", header_index)
