"""Findings that answer "why did this land in Junk?" from the decoded verdicts."""

from __future__ import annotations

from collections.abc import Sequence

from headerlens.findings import Finding, make_finding
from headerlens.spam.decoding import Draft, fmt_num, join_names, parse_float
from headerlens.spam.knowledge import knowledge
from headerlens.spam.microsoft import INTERNAL_BYPASS, bypass_reason
from headerlens.spam.models import SpamVerdict

__all__ = ["BCL_DEFAULT_THRESHOLD", "draw_findings"]

BCL_DEFAULT_THRESHOLD = 7
"""Microsoft's default bulk threshold in the default anti-spam policy (BCL page)."""

PHISH_CAT = frozenset({"PHSH", "HPHSH", "HPHISH", "SPOOF", "DIMP", "UIMP", "GIMP", "BIMP", "INTOS"})
MALWARE_CAT = frozenset({"MALW", "AMP", "SAP", "FTBP"})


_ALLOW_FLAGS = (
    ("wl", "the recipient's Safe Senders list"),
    ("dwl", "the recipient's Safe Senders list (the sender's domain)"),
    ("pcwl", "the recipient's contacts"),
    ("abwl", "the recipient's address book"),
)


def _inbox_override(facts: dict[str, str]) -> str:
    """What put a message EOP called spam into the Inbox, as far as the headers say.

    X-Microsoft-Antispam-Mailbox-Delivery: OFR (the folder decision's reason), the allow-list
    flags (wl, dwl, pcwl, abwl) and ucf (a user's own rule or junk setting); a transport rule
    shows as X-MS-Exchange-Organization-SCL -1 under a Forefront SCL of 5 or more.
    """
    ofr = facts.get("mbx.OFR", "")
    low = ofr.lower()
    if low == "trustedsenderlist":
        return "the recipient's Safe Senders list (OFR:TrustedSenderList)"
    for key, what in _ALLOW_FLAGS:
        if facts.get("mbx." + key) == "1":
            return f"{what} ({key}:1)"
    if low == "customrules":
        return "a user's own mailbox rule (OFR:CustomRules)"
    if low == "exclusivesettings":
        return "the user's junk settings trusting only safe senders (OFR:ExclusiveSettings)"
    if facts.get("mbx.ucf") == "1":
        return "a user rule or junk setting (ucf:1)"
    if facts.get("ORG_SCL", "").strip() == "-1":
        return "a transport (mail flow) rule that set SCL -1 (X-MS-Exchange-Organization-SCL)"
    if facts.get("IPV", "").upper() == "CAL":
        return "the connection filter's IP allow list (IPV:CAL)"
    named = f" (OFR:{ofr})" if ofr else ""
    return f"an override the headers do not name{named}: a user or admin rule or an allow entry"


def _ms_findings(d: Draft, out: list[Finding]) -> None:
    """Microsoft's findings: the verdict and where it was delivered, bulk mail, phishing and
    malware classes, filtering overrides, and composite authentication."""
    facts = d.facts
    sfv = facts.get("SFV", "").upper()
    cat = facts.get("CAT", "").upper()
    _ms_delivery(d, sfv, out)
    _ms_bulk(d, cat, out)
    _ms_class(d, cat, out)
    _ms_overrides(d, sfv, out)
    if facts.get("compauth") == "fail":
        r = facts.get("compauth_reason")
        out.append(
            make_finding(
                "spam.compauth_failed",
                "warning",
                "Composite authentication failed" + (f" (reason {r})" if r else ""),
                d.header_indexes,
            )
        )


def _ms_delivery(d: Draft, sfv: str, out: list[Finding]) -> None:
    """EOP's spam verdict (SFV, SCL) against the mailbox delivery (inbox or Junk Email)."""
    idx = d.header_indexes
    facts = d.facts
    scl = facts.get("SCL") or facts.get("ORG_SCL")
    dest = facts.get("mbx.dest", "").upper()
    spam_by_eop = sfv in ("SPM", "SKS") or (scl is not None and (parse_float(scl) or 0) >= 5)
    if spam_by_eop:
        if sfv and scl:
            tag = f"SFV:{sfv}, SCL {scl}"
        else:
            tag = f"SFV:{sfv}" if sfv else f"SCL {scl}" if scl else ""
    if spam_by_eop and dest == "I":
        by = _inbox_override(facts)
        out.append(
            make_finding(
                "spam.spam_delivered_to_inbox",
                "warning",
                f"Filtered as spam by EOP ({tag}) but delivered to the inbox by {by}",
                idx,
            )
        )
    elif spam_by_eop:
        where = " and delivered to Junk Email" if dest == "J" else ""
        out.append(
            make_finding(
                "spam.filtered_as_spam", "notice", f"Filtered as spam by EOP ({tag}){where}", idx
            )
        )
    if dest == "J" and not spam_by_eop:
        why = (
            "by a user rule" if facts.get("mbx.ucf") == "1" else "although EOP did not call it spam"
        )
        out.append(
            make_finding(
                "spam.junk_folder", "notice", f"Delivered to the Junk Email folder {why}", idx
            )
        )


def _ms_bulk(d: Draft, cat: str, out: list[Finding]) -> None:
    """The bulk complaint level against the tenant's (marked by EOP) or the default threshold."""
    facts = d.facts
    bcl = parse_float(facts.get("BCL"))
    if bcl is None:
        return
    srv = facts.get("SRV", "").upper()
    if srv == "BULK" or cat == "BULK":
        marked = "SRV:BULK" if srv == "BULK" else "CAT:BULK"
        text = f"at or above the tenant's bulk threshold (EOP marked it {marked})"
    elif bcl >= BCL_DEFAULT_THRESHOLD:
        text = f"at or above the default bulk threshold of {BCL_DEFAULT_THRESHOLD}"
    else:
        return
    out.append(
        make_finding(
            "spam.bulk_over_threshold",
            "notice",
            f"Bulk complaint level {fmt_num(bcl)} {text}",
            d.header_indexes,
        )
    )


def _ms_class(d: Draft, cat: str, out: list[Finding]) -> None:
    """Phishing and malware classes (CAT, SFTY)."""
    idx = d.header_indexes
    sfty = d.facts.get("SFTY", "")
    if cat in PHISH_CAT or sfty in ("9.19", "9.20"):
        e = knowledge("microsoft").token("forefront", "CAT")
        v = e.value(cat) if e and cat else None
        what = f"CAT:{cat} ({v.meaning})" if v else f"SFTY:{sfty}"
        out.append(
            make_finding(
                "spam.phish_verdict", "critical", f"Microsoft classified the message as {what}", idx
            )
        )
    if cat in MALWARE_CAT:
        out.append(
            make_finding(
                "spam.malware_detected", "critical", f"Microsoft flagged malware (CAT:{cat})", idx
            )
        )


def _ms_overrides(d: Draft, sfv: str, out: list[Finding]) -> None:
    """Filtering bypassed, a block-list match, a release from quarantine."""
    idx = d.header_indexes
    bypassed = bypass_reason(d) if d.is_spam is None else None
    if bypassed:
        internal = bypassed == INTERNAL_BYPASS or sfv == "SKI"
        out.append(
            make_finding(
                "spam.filtering_skipped",
                "info" if internal else "notice",
                f"Microsoft spam filtering was bypassed because of {bypassed}",
                idx,
            )
        )
    if sfv in ("BLK", "SKB"):
        out.append(
            make_finding(
                "spam.blocked_sender",
                "warning",
                f"The sender matched a block list (SFV:{sfv})",
                idx,
            )
        )
    if sfv == "SKQ":
        out.append(
            make_finding(
                "spam.released_from_quarantine",
                "notice",
                "The message was released from quarantine (SFV:SKQ)",
                idx,
            )
        )


def _claim(d: Draft) -> str | None:
    """What an untrusted verdict claims, or None when it carries no verdict at all (no spam
    call, no score at or over a threshold, no action)."""
    if d.is_spam is not None:
        return "spam" if d.is_spam else "not spam"
    if d.score is not None and d.threshold is not None and d.score >= d.threshold:
        return f"score {fmt_num(d.score)} over {fmt_num(d.threshold)}"
    if d.action:
        return d.action
    return None


def draw_findings(drafts: Sequence[Draft], verdicts: Sequence[SpamVerdict]) -> tuple[Finding, ...]:
    """The helpdesk findings for the decoded verdicts (trusted ones; untrusted get a warning)."""
    out: list[Finding] = []
    trusted_calls: list[tuple[str, bool]] = []
    said_spam = said_not_spam = False
    for d, v in zip(drafts, verdicts, strict=True):
        if not d.trusted:
            claim = _claim(d)
            if claim is None:  # nothing judged: tracking or state fields only
                continue
            out.append(
                make_finding(
                    "spam.untrusted_verdict",
                    "notice",
                    f"{v.product} verdict ({claim}) is a claim by an untrusted party"
                    + (
                        " (-Untrusted header)"
                        if d.untrusted_twin
                        else " (below the trust boundary)"
                    ),
                    d.header_indexes,
                )
            )
            continue
        if d.is_spam is not None and d.vendor != "google":
            trusted_calls.append((v.product or d.vendor, d.is_spam))
            if d.is_spam:
                said_spam = True
            else:
                said_not_spam = True
        if d.facts.get("malware"):
            out.append(
                make_finding(
                    "spam.malware_detected",
                    "critical",
                    f"{v.product} reported malware: {d.facts['malware']}",
                    d.header_indexes,
                )
            )
        if d.vendor == "microsoft":
            _ms_findings(d, out)
            continue
        if d.is_spam and d.score is not None and d.threshold is not None and d.score >= d.threshold:
            names = d.top_rules()
            why = f", mostly from {join_names(names)}" if names else ""
            out.append(
                make_finding(
                    "spam.score_over_threshold",
                    "notice",
                    f"{v.product} score {fmt_num(d.score)} over {fmt_num(d.threshold)}{why}",
                    d.header_indexes,
                )
            )
        elif d.is_spam:
            what = f" (score {fmt_num(d.score)})" if d.score is not None else ""
            out.append(
                make_finding(
                    "spam.filtered_as_spam",
                    "notice",
                    f"Classified as spam by {v.product}{what}",
                    d.header_indexes,
                )
            )
        if d.facts.get("allowlisted"):
            out.append(
                make_finding(
                    "spam.filtering_skipped",
                    "notice",
                    f"{v.product} filtering was bypassed because of {d.facts['allowlisted']}",
                    d.header_indexes,
                )
            )
    if said_spam and said_not_spam:
        yes = sorted({p for p, c in trusted_calls if c})
        no = sorted({p for p, c in trusted_calls if not c})
        out.append(
            make_finding(
                "spam.conflicting_verdicts",
                "info",
                f"Filters disagree: {join_names(yes)} said spam, {join_names(no)} did not",
            )
        )
    return tuple(out)
