"""Vendor spam and filtering headers: decoded, explained, and placed on the hop chain.

Entry point: :func:`analyze_spam` (:mod:`headerlens.spam.analysis`). Each vendor module
declares its decoders as data; :mod:`headerlens.spam.vendors` reads them into the immutable
``REGISTRY`` (:mod:`headerlens.spam.registry`), the shared field decoders are in
:mod:`headerlens.spam.decoding`, and the knowledge (:mod:`headerlens.spam.knowledge`) lives in
``headerlens/spam/data/*.json``.
"""

from __future__ import annotations

from headerlens.spam.analysis import analyze_spam

__all__ = ["analyze_spam"]
