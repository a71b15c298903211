"""headerlens: email header forensics.

Parse a raw message (RFC 5322 / MIME), rebuild its Received hop chain, re-verify DKIM and ARC
as of the time it was received, explain Authentication-Results and DMARC alignment, decode
vendor spam headers and read bounces. Offline unless a resolver is given.

>>> import headerlens
>>> report = headerlens.analyze(b"From: a@example.org\\r\\nSubject: hi\\r\\n\\r\\nbody\\r\\n")
>>> report.message.get("subject")
'hi'
"""

from __future__ import annotations

from headerlens._version import __version__
from headerlens.analyze import analyze
from headerlens.attached import Reporter
from headerlens.auth.arc import verify_arc
from headerlens.auth.dkim import verify_dkim
from headerlens.auth.dkim_models import DkimDiagnosis, DkimKey
from headerlens.auth.models import (
    ArcInstance,
    ArcResult,
    AuthProperty,
    AuthResult,
    AuthResultsHeader,
    DkimResult,
    DmarcIdentifier,
    DmarcPolicy,
    DmarcRecord,
    DmarcReport,
    ReceivedSpf,
)
from headerlens.auth.results import parse_authentication_results
from headerlens.auth.spf import parse_received_spf
from headerlens.bounce import parse_bounce
from headerlens.bounce.models import DeliveryReport, RecipientStatus
from headerlens.checks import HttpsFetcher, LiveChecks, SpfCheck
from headerlens.checks.run import run_checks
from headerlens.checks.spf import check_spf
from headerlens.defects import Defect
from headerlens.diff import ReportDiff, diff
from headerlens.errors import (
    DefectError,
    HeaderlensError,
    InputError,
    PolicyError,
    ResolverError,
)
from headerlens.findings import Finding
from headerlens.hops.models import Hop, Received, TimelineEntry, TlsInfo, TrustBoundary
from headerlens.hops.received import parse_received
from headerlens.message import (
    Address,
    ClientClaim,
    ClientSummary,
    DateValue,
    HeaderField,
    Intake,
    Message,
    MimePart,
    OutlookItem,
)
from headerlens.parse import iter_messages, parse
from headerlens.parse.dates import parse_date
from headerlens.policy import Limits, Policy
from headerlens.redact import redact as _redact
from headerlens.render.html import render_html_fragment as _html_fragment
from headerlens.render.text import render_text as _text
from headerlens.report import Report, ReportViews, provide_views
from headerlens.resolvers import (
    DnsLookup,
    DnsResolver,
    OfflineResolver,
    RecordingResolver,
    Resolver,
    StaticResolver,
)
from headerlens.spam.models import Appliance, RuleSource, SpamField, SpamRule, SpamVerdict
from headerlens.verdict import Verdict

# The package root is the one module that sees every layer: it hands Report its views (the
# renderers and the redactor sit above report.py, which therefore cannot import them).
provide_views(
    ReportViews(
        text=_text,
        html_fragment=_html_fragment,
        redact=_redact,
    )
)

__all__ = [
    "Address",
    "Appliance",
    "ArcInstance",
    "ArcResult",
    "AuthProperty",
    "AuthResult",
    "AuthResultsHeader",
    "ClientClaim",
    "ClientSummary",
    "DateValue",
    "Defect",
    "DefectError",
    "DeliveryReport",
    "DkimDiagnosis",
    "DkimKey",
    "DkimResult",
    "DmarcIdentifier",
    "DmarcPolicy",
    "DmarcRecord",
    "DmarcReport",
    "DnsLookup",
    "DnsResolver",
    "Finding",
    "HeaderField",
    "HeaderlensError",
    "Hop",
    "HttpsFetcher",
    "InputError",
    "Intake",
    "Limits",
    "LiveChecks",
    "Message",
    "MimePart",
    "OfflineResolver",
    "OutlookItem",
    "Policy",
    "PolicyError",
    "Received",
    "ReceivedSpf",
    "RecipientStatus",
    "RecordingResolver",
    "Report",
    "ReportDiff",
    "Reporter",
    "Resolver",
    "ResolverError",
    "RuleSource",
    "SpamField",
    "SpamRule",
    "SpamVerdict",
    "SpfCheck",
    "StaticResolver",
    "TimelineEntry",
    "TlsInfo",
    "TrustBoundary",
    "Verdict",
    "__version__",
    "analyze",
    "check_spf",
    "diff",
    "iter_messages",
    "parse",
    "parse_authentication_results",
    "parse_bounce",
    "parse_date",
    "parse_received",
    "parse_received_spf",
    "run_checks",
    "verify_arc",
    "verify_dkim",
]
