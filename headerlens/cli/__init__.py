"""The ``headerlens`` command line: ``main(argv=None) -> int``.

Exit status: 0 on success, 1 when ``--strict`` met a defect, 2 on bad usage or unreadable input
(a missing or unreadable file, a bad key file, a nameserver that is not an IP address, a rules
directory that does not exist): one line on standard error, never a traceback.

The package is split by concept: the argument parser (``_parser``), from options to a policy
(``_options``), one report, ``diff`` and ``schema`` (``_single``), batch rows on every core
(``_batch``), and ``main`` (``_main``).
"""

from __future__ import annotations

from headerlens.cli._main import main

__all__ = ["main"]
