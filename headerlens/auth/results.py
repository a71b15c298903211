"""Placeholder (issue 6)."""

from __future__ import annotations

from headerlens.auth.models import AuthResultsHeader


def parse_authentication_results(value: str) -> AuthResultsHeader:
    return AuthResultsHeader()
