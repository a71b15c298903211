"""Live checks: how the sender's and recipient's DNS looks now (``Policy(checks=True)``).

Nothing here runs unless the caller asks: :func:`check_spf` and :func:`run_checks` are called
explicitly, and :func:`headerlens.analyze` runs the checks only with ``Policy(checks=True)``
and a resolver. Every lookup goes through ``Policy.resolver``.
"""

from __future__ import annotations

from headerlens.checks.models import LiveChecks, SpfCheck
from headerlens.checks.spf import check_spf

__all__ = ["LiveChecks", "SpfCheck", "check_spf"]
