"""Vendor spam and filtering headers: decoded, explained, and placed on the hop chain.

Entry point: :func:`analyze_spam`. The registry of header decoders is in
:mod:`headerlens.spam.base` (``REGISTRY``), one module per vendor registers into it, and the
knowledge lives in ``headerlens/spam/data/*.json``.
"""

from __future__ import annotations

from headerlens.spam.analysis import analyze_spam

__all__ = ["analyze_spam"]
