"""Domain names: normalisation and organizational domains (RFC 7489 section 3.2).

A low-layer helper shared by the hop chain (trust boundary, continuity), DMARC alignment and
bounce linking; it imports nothing from headerlens, so any layer may use it.

The organizational domain is found with the Public Suffix List shipped by the
``publicsuffixlist`` package (offline, versioned: :func:`psl_version` names the snapshot so a
report can say which list it used). Both PSL sections are honoured, ICANN and private, as
DMARC receivers commonly do: ``alice.github.io`` is its own organizational domain.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Literal

from publicsuffixlist import PublicSuffixList

__all__ = ["aligned", "normalize_domain", "organizational_domain", "psl_version"]

AlignmentMode = Literal["relaxed", "strict"]


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


@cache
def psl_version() -> str:
    """The version line of the bundled Public Suffix List, e.g. ``2026-10-22_08-36-41_UTC``."""
    import publicsuffixlist

    path = os.path.join(os.path.dirname(publicsuffixlist.__file__), "public_suffix_list.dat")
    try:
        with open(path, encoding="utf-8") as fh:
            for _, line in zip(range(50), fh, strict=False):
                if line.startswith("// VERSION:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"publicsuffixlist {getattr(publicsuffixlist, '__version__', 'unknown')}"


def normalize_domain(domain: str | None) -> str | None:
    """Lower-case IDNA A-label form without a trailing dot, or ``None`` if it is not a name.

    Accepts U-labels (``bücher.example``) and A-labels (``xn--bcher-kva.example``).
    """
    if domain is None:
        return None
    d = domain.strip().rstrip(".").lower()
    if d.startswith("@"):
        d = d[1:]
    if not d or ".." in d or any(c.isspace() for c in d) or len(d) > 253:
        return None
    if d.isascii():
        return d
    try:
        return d.encode("idna").decode("ascii")
    except UnicodeError:
        labels = []
        for label in d.split("."):
            if label.isascii():
                labels.append(label)
                continue
            try:
                labels.append("xn--" + label.encode("punycode").decode("ascii"))
            except UnicodeError:
                return None
        return ".".join(labels)


def organizational_domain(domain: str | None) -> str | None:
    """The organizational domain of ``domain`` (RFC 7489 section 3.2), or ``None``.

    ``mail.example.co.uk`` -> ``example.co.uk``; a public suffix itself (``co.uk``) has none
    and gives ``None``.
    """
    d = normalize_domain(domain)
    if d is None:
        return None
    result = _psl().privatesuffix(d)
    return result if isinstance(result, str) else None


def aligned(domain_a: str | None, domain_b: str | None, mode: AlignmentMode = "relaxed") -> bool:
    """Whether two domains are in alignment (RFC 7489 section 3.1).

    ``strict``: the names are identical (after normalisation). ``relaxed``: their
    organizational domains are identical.
    """
    a, b = normalize_domain(domain_a), normalize_domain(domain_b)
    if a is None or b is None:
        return False
    if mode == "strict":
        return a == b
    org_a, org_b = organizational_domain(a), organizational_domain(b)
    if org_a is None or org_b is None:
        return a == b
    return org_a == org_b
