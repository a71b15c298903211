"""Placeholder (issue 5)."""

from __future__ import annotations

import datetime as dt

from headerlens.auth.models import ArcAnalysis, DkimResult
from headerlens.hops.models import TrustBoundary
from headerlens.message import Message
from headerlens.policy import Policy
from headerlens.resolvers import Resolver


def analyze_arc(
    message: Message,
    policy: Policy,
    *,
    resolver: Resolver,
    receipt_time: dt.datetime | None,
    dkim: tuple[DkimResult, ...],
    trust: TrustBoundary,
) -> ArcAnalysis:
    return ArcAnalysis()


def verify_arc(source: object, *, policy: Policy | None = None) -> object:
    return None
