"""Models of vendor spam and filtering verdicts."""

from __future__ import annotations

from typing import Literal

from headerlens._model import Model
from headerlens.defects import Defect
from headerlens.findings import Finding

__all__ = ["Appliance", "RuleSource", "SpamAnalysis", "SpamField", "SpamRule", "SpamVerdict"]

Confidence = Literal["documented", "community", "inferred"]


class SpamRule(Model):
    """A rule or symbol that fired, with its score and what it means.

    ``source`` says where the description came from (a local rules file, or our own notes).
    """

    name: str
    score: float | None = None
    description: str | None = None
    source: str | None = None


class RuleSource(Model):
    """Where SpamAssassin rule descriptions and default scores came from
    (``Policy.spamassassin_rules``; ``Report.spamassassin_rules``).

    ``directories`` empty (the default): only the notes bundled with headerlens, and no file
    outside the package was read. Otherwise the rule directories read, in order of
    precedence (the bundled notes still fill the gaps), ``files`` the number of ``*.cf``
    files read and ``sha256`` a digest of their relative names and contents: two reports with
    the same digest were described by the same rule set, on whatever machine.
    """

    directories: tuple[str, ...] = ()
    files: int = 0
    sha256: str | None = None


class SpamField(Model):
    """One decoded token of a vendor header, with its meaning and how sure we are of it.

    ``known`` is False for a token (or an enumerated value) that is not in our knowledge base:
    it is kept as found and shown as unknown, never dropped. ``header_index`` is the field it
    was read from.
    """

    key: str
    value: str
    meaning: str | None = None
    confidence: Confidence = "inferred"
    source: str | None = None
    known: bool = True
    header_index: int | None = None


class SpamVerdict(Model):
    """One vendor's verdict, gathered from one or more of its header fields.

    ``trusted`` is False when the fields sit below the trust boundary or come from an
    ``-Untrusted`` twin: the verdict is then only a claim by a party we cannot vouch for.
    ``hop_index`` is the hop (see ``HopAnalysis.hops``) whose MTA wrote the fields.
    """

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
    hop_index: int | None = None
    product: str | None = None


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
    defects: tuple[Defect, ...] = ()
    rule_source: RuleSource = RuleSource()
