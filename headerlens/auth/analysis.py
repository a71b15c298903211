"""Placeholder (issue 6)."""

from __future__ import annotations

from headerlens.auth.models import ArcResult, AuthAnalysis, DkimResult
from headerlens.hops.models import HopAnalysis
from headerlens.message import Message
from headerlens.policy import Policy
from headerlens.resolvers import Resolver


def analyze_auth(
    message: Message,
    policy: Policy,
    *,
    hops: HopAnalysis,
    dkim: tuple[DkimResult, ...],
    arc: ArcResult,
    resolver: Resolver,
) -> AuthAnalysis:
    return AuthAnalysis()
