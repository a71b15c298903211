"""Placeholder (issue 4)."""

from __future__ import annotations

import datetime as dt

from headerlens.auth.models import DkimAnalysis
from headerlens.message import Message
from headerlens.policy import Policy
from headerlens.resolvers import Resolver


def analyze_dkim(
    message: Message, policy: Policy, *, resolver: Resolver, receipt_time: dt.datetime | None
) -> DkimAnalysis:
    return DkimAnalysis()


def verify_dkim(source: object, *, policy: Policy | None = None) -> tuple[object, ...]:
    return ()
