"""Models of vendor spam and filtering verdicts."""

from __future__ import annotations

from typing import Literal

from headerlens._model import Model
from headerlens.findings import Finding

__all__ = ["Appliance", "SpamAnalysis", "SpamField", "SpamRule", "SpamVerdict"]

Confidence = Literal["documented", "community", "inferred"]


class SpamRule(Model):
    """A rule or symbol that fired, with its score and what it means."""

    name: str
    score: float | None = None
    description: str | None = None


class SpamField(Model):
    """One decoded token of a vendor header, with its meaning and how sure we are of it."""

    key: str
    value: str
    meaning: str | None = None
    confidence: Confidence = "inferred"
    source: str | None = None


class SpamVerdict(Model):
    """One vendor's verdict, gathered from one or more of its header fields."""

    vendor: str
    header_indexes: tuple[int, ...] = ()
    score: float | None = None
    threshold: float | None = None
    is_spam: bool | None = None
    action: str | None = None
    rules: tuple[SpamRule, ...] = ()
    fields: tuple[SpamField, ...] = ()
    explanation: str = ""
    trusted: bool = True


class Appliance(Model):
    """A filtering product that handled the message, recognised from its header fields."""

    vendor: str
    product: str
    header_indexes: tuple[int, ...] = ()
    hop_index: int | None = None


class SpamAnalysis(Model):
    """What the spam step returns to ``analyze()``."""

    verdicts: tuple[SpamVerdict, ...] = ()
    appliances: tuple[Appliance, ...] = ()
    findings: tuple[Finding, ...] = ()
