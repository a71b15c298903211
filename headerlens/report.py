"""The analysis report: everything headerlens concluded about one message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from headerlens._model import Model
from headerlens.attached import Reporter
from headerlens.auth.models import (
    ArcResult,
    AuthResultsHeader,
    DkimResult,
    DmarcReport,
    ReceivedSpf,
)
from headerlens.bounce.models import DeliveryReport
from headerlens.checks.models import LiveChecks
from headerlens.defects import Defect
from headerlens.findings import Finding
from headerlens.hops.models import Hop, TimelineEntry, TrustBoundary
from headerlens.message import Message
from headerlens.resolvers import DnsLookup
from headerlens.spam.models import Appliance, RuleSource, SpamVerdict

__all__ = [
    "SCHEMA_VERSION",
    "Finding",
    "Report",
    "ReportViews",
    "Verdict",
    "provide_views",
]

#: Version of the JSON contract (``Report.model_dump(mode="json")``). Bumped on any change to
#: field names or meanings; additions bump the minor part.
SCHEMA_VERSION = "1.1"


class Verdict(Model):
    """The analyst's answer in plain words, built from the finished analyses only.

    - ``summary``: at most three sentences: who sent it and whether that is authenticated;
      where it was delayed (or how long it took); why it was filtered or bounced.
    - ``sender``: the authenticated domain (the From domain when DMARC-style alignment holds,
      else another domain that authenticated, e.g. a DKIM signer), or else the origin (the
      reverse-DNS name and IP of the host that handed the message to the receiving side);
      ``None`` when neither is known.
    - ``authenticated``: whether the visible sender, the RFC 5322 From domain, is
      authenticated: ``True`` on the receiver's DMARC pass or an aligned SPF/DKIM pass
      (RFC 7489 sections 3.1 and 4.2), ``False`` when the receiving side's results show it is
      not, ``None`` when that cannot be told (no trusted results, signatures not checkable).
    - ``delayed_at``: the index of the hop (``Report.hops``) that held the message longest,
      when that is at least :data:`headerlens.verdict.NOTABLE_DELAY`; ``None`` otherwise.
    - ``filtered_by``: the receiving side's filtering services that examined the message (the
      vendors of trusted spam verdicts that judged it, and of gateway hops), in path order.
    - ``flagged_as_spam``: ``True`` when a trusted filter classified it as spam, ``False``
      when trusted filters judged it and none did, ``None`` when no trusted filter judged it.
    - ``delivery_problem``: for a bounce or delay notice, what went wrong (status, reason and
      the remote server's words); ``None`` otherwise.
    - ``from_domain``: the From domain the summary talks about (a claim until authenticated).
    """

    summary: str = ""
    sender: str | None = None
    authenticated: bool | None = None
    delayed_at: int | None = None
    filtered_by: tuple[str, ...] = ()
    flagged_as_spam: bool | None = None
    delivery_problem: str | None = None
    from_domain: str | None = None


class Report(Model):
    """Everything :func:`headerlens.analyze` found: the parsed message, the hop chain, the
    authentication results, spam verdicts, the bounce reading, findings, DNS lookups, defects.

    ``verdict`` is the plain answer (who sent it and whether that is authenticated, where it
    was delayed, why it was filtered or bounced), built from the other fields only.
    ``original`` is the full analysis of the message returned inside a bounce, if any.
    ``attached`` holds the full analysis of every other attached message (``message/rfc822``
    parts, Outlook ``.msg`` attachments), in document order; ``reported_by`` says who sent
    them when the message is a plain report (a short note and one attached message).
    ``model_dump(mode="json")`` is the stable JSON contract (``schema_version``).

    What the report was judged against, besides the message bytes: ``wall_clock`` is the
    current time if the analysis read it (only when ``Policy.as_of`` is unset and a result
    needed "now", see the DKIM and ARC ``as_of_source``/``expired_now``), else ``None``;
    ``spamassassin_rules`` names the SpamAssassin rule knowledge used (the bundled notes, or
    the rule directories of ``Policy.spamassassin_rules`` with a digest of their files).
    ``defects`` holds every defect of the message, the MIME tree's included.
    """

    schema_version: str = SCHEMA_VERSION
    message: Message
    verdict: Verdict = Verdict()
    hops: tuple[Hop, ...] = ()
    transit: dt.timedelta | None = None
    transit_note: str | None = None
    origin_ip: str | None = None
    receipt_time: dt.datetime | None = None
    timeline: tuple[TimelineEntry, ...] = ()
    trust: TrustBoundary = TrustBoundary()
    dkim: tuple[DkimResult, ...] = ()
    arc: ArcResult = ArcResult()
    auth_results: tuple[AuthResultsHeader, ...] = ()
    received_spf: tuple[ReceivedSpf, ...] = ()
    dmarc: DmarcReport | None = None
    spam: tuple[SpamVerdict, ...] = ()
    appliances: tuple[Appliance, ...] = ()
    bounce: DeliveryReport | None = None
    original: Report | None = None
    attached: tuple[Report, ...] = ()
    reported_by: Reporter | None = None
    findings: tuple[Finding, ...] = ()
    dns: tuple[DnsLookup, ...] = ()
    #: True when at least one DNS question was sent to a nameserver during the analysis.
    network_used: bool = False
    defects: tuple[Defect, ...] = ()
    wall_clock: dt.datetime | None = None
    spamassassin_rules: RuleSource = RuleSource()
    #: How the sender's and recipient's DNS looks now (``Policy(checks=True)`` and a resolver,
    #: or :func:`headerlens.run_checks`); ``None`` when the checks did not run.
    checks: LiveChecks | None = None

    def to_json(self, *, indent: int | None = 2) -> str:
        """The JSON contract as text."""
        return self.model_dump_json(indent=indent)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract as plain Python data."""
        return self.model_dump(mode="json")

    def to_text(self) -> str:
        """The readable plain-text report (:func:`headerlens.render.render_text`)."""
        return _provided().text(self)

    def redact(self, key: bytes | str) -> Report:
        """This report with keyed pseudonyms for addresses, names, IPs, host names,
        Message-IDs and subjects, raw header text and bodies dropped (same key, same
        pseudonyms across reports). See :func:`headerlens.redact.redact`."""
        return _provided().redact(self, key)

    def _repr_html_(self) -> str:
        """Rich display in Jupyter: the HTML report, every message-derived string escaped."""
        return _provided().html_fragment(self)


Report.model_rebuild()


@dataclass(frozen=True, slots=True)
class ReportViews:
    """What :meth:`Report.to_text`, :meth:`Report.redact` and ``Report._repr_html_`` call.

    The renderers and the redactor sit above this module (docs/architecture.md: models <-
    parsers <- analyses <- analyze/report <- render <- cli), so it cannot import them: the
    package root, the one module that sees every layer, hands them over once with
    :func:`provide_views` when ``headerlens`` is imported (which every import of a headerlens
    module does first).
    """

    text: Callable[[Report], str]
    html_fragment: Callable[[Report], str]
    redact: Callable[[Report, bytes | str], Report]


_views: list[ReportViews] = []


def provide_views(views: ReportViews) -> None:
    """Give :class:`Report` its views (called by ``headerlens/__init__.py``, once)."""
    _views[:] = [views]


def _provided() -> ReportViews:
    if not _views:  # pragma: no cover - importing any headerlens module imports the root first
        raise RuntimeError("headerlens.render is not loaded: import headerlens")
    return _views[0]
