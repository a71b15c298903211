"""Organizational domains worked out once per domain per message (RFC 7489 section 3.2).

DKIM alignment and the DMARC table ask for the organizational domain of the same few names
(the From domain, each d=, the SPF domain) for every row and every signature; a Public Suffix
List walk per question was a visible share of ``analyze()`` on modern mail. :class:`OrgDomains`
answers each name once. One instance lives for one step of one message: nothing is kept
between messages (no process-wide state).
"""

from __future__ import annotations

from headerlens.domains import AlignmentMode, normalize_domain, organizational_domain

__all__ = ["OrgDomains"]

_UNSET = object()


class OrgDomains:
    """Memoised :func:`~headerlens.domains.normalize_domain`,
    :func:`~headerlens.domains.organizational_domain` and
    :func:`~headerlens.domains.aligned`, with the same answers."""

    __slots__ = ("_normal", "_org")

    def __init__(self) -> None:
        self._normal: dict[str, str | None] = {}
        self._org: dict[str, str | None] = {}

    def normalize(self, domain: str | None) -> str | None:
        """:func:`normalize_domain`, once per name."""
        if domain is None:
            return None
        found = self._normal.get(domain, _UNSET)
        if found is _UNSET:
            found = self._normal[domain] = normalize_domain(domain)
        return found  # type: ignore[return-value]

    def org(self, domain: str | None) -> str | None:
        """:func:`organizational_domain`, once per name."""
        d = self.normalize(domain)
        if d is None:
            return None
        found = self._org.get(d, _UNSET)
        if found is _UNSET:
            found = self._org[d] = organizational_domain(d)
        return found  # type: ignore[return-value]

    def aligned(
        self, domain_a: str | None, domain_b: str | None, mode: AlignmentMode = "relaxed"
    ) -> bool:
        """:func:`~headerlens.domains.aligned` (RFC 7489 section 3.1)."""
        a, b = self.normalize(domain_a), self.normalize(domain_b)
        if a is None or b is None:
            return False
        if mode == "strict" or a == b:  # the same name is aligned in both modes
            return a == b
        org_a, org_b = self.org(a), self.org(b)
        if org_a is None or org_b is None:
            return a == b
        return org_a == org_b
