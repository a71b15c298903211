"""The plain answer: who sent the message, whether that is authenticated, where it was delayed,
and why it was filtered or bounced, in at most three sentences (issue #14).

:func:`build_verdict` reads only the finished analyses of a :class:`~headerlens.Report` (the hop
chain and its trust boundary, DKIM re-verification, ARC, the trusted Authentication-Results and
DMARC, the spam verdicts, the bounce reading) and the bulk-platform identification of the
indicator step. It never re-reads the message and never trusts a claim the analyses did not
trust: a sender is called authenticated only on the receiving side's own results (RFC 8601
section 5: results are to be believed only from a trusted authserv-id) or on a DKIM signature
re-verified here (RFC 6376 section 6) that is aligned with the From domain (RFC 7489 section
3.1). What cannot be told is said to be unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from headerlens.hops._net import global_ip
from headerlens.hops.gateways import by_vendor
from headerlens.report import Report, Verdict

if TYPE_CHECKING:
    from headerlens.auth.models import DmarcIdentifier
    from headerlens.hops.models import Hop

__all__ = ["NOTABLE_DELAY", "Authentication", "Verdict", "build_verdict", "judge_authentication"]

#: A hop that held the message at least this long is where it was delayed (normal relaying
#: takes seconds; the hop chain's own "largest delay" finding uses the same bar).
NOTABLE_DELAY = dt.timedelta(minutes=5)
#: The Date field this much before the first hop is worth a sentence (as hops.submission_delay).
SUBMISSION_DELAY = dt.timedelta(minutes=30)
OLD_DATE = dt.timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Authentication:
    """Whether the From domain is authenticated, and how (see :func:`judge_authentication`).

    ``how`` finishes the sentence "authenticated because ..." / "not authenticated: ..." /
    "unknown: ...". ``other_domain``/``other_how``: a domain that did authenticate when the
    From domain did not (a DKIM signer or the SPF envelope domain), e.g. a mailing list or a
    bulk-mail platform.
    """

    from_domain: str | None
    from_address: str | None
    authenticated: bool | None
    how: str
    other_domain: str | None = None
    other_how: str | None = None


def _receiver(report: Report) -> str:
    """How to name the receiving side in a sentence."""
    for ar in report.auth_results:
        if ar.trusted and ar.authserv_id:
            return ar.authserv_id
    return "the receiving server"


def _describe(row: DmarcIdentifier, receiver: str) -> str:
    if row.source == "dkim-verified":
        return f"its DKIM signature by {row.domain} verifies"
    if row.source == "dkim-header":
        return f"{receiver} verified its DKIM signature by {row.domain}"
    if row.source == "spf-helo":
        return f"{receiver}'s SPF check passed for the HELO name {row.domain}"
    return f"{receiver}'s SPF check passed for {row.domain}"


def _failure(rows: Sequence[DmarcIdentifier]) -> str:
    bits: list[str] = []
    spf = next((r for r in rows if r.source in ("spf-mailfrom", "received-spf", "spf-helo")), None)
    if spf is not None:
        if spf.result == "pass":
            bits.append(f"SPF passed only for {spf.domain}")
        else:
            bits.append(f"SPF {spf.result or 'unknown'} for {spf.domain or 'the envelope sender'}")
    dkims = [r for r in rows if r.source in ("dkim-header", "dkim-verified")]
    if not dkims or all(r.result == "none" for r in dkims):
        bits.append("no DKIM signature")
    else:
        passed = sorted({r.domain for r in dkims if r.result == "pass" and r.domain})
        if passed:
            bits.append("DKIM passed only for " + _join(passed))
        else:
            first = dkims[0]
            bits.append(f"DKIM {first.result or 'unknown'} for {first.domain or 'its signer'}")
    return ", ".join(bits)


def judge_authentication(report: Report) -> Authentication:
    """Decide whether the RFC 5322 From domain of ``report`` is authenticated.

    Evidence, in order: the trusted receiver's DMARC result (RFC 7489 section 6.6; RFC 8601
    section 5 says to believe only a trusted authserv-id); any aligned pass among the trusted
    SPF/DKIM results and our own DKIM re-verification (RFC 7489 section 4.2); ``False`` only
    when the receiving side's own results exist and none of them is an aligned pass (or it
    reported a DMARC failure); otherwise ``None``. Untrusted Authentication-Results, ARC
    claims and headers written by the sender are never evidence.
    """
    d = report.dmarc
    if d is not None:
        address = d.from_addresses[0] if d.from_addresses else None
    else:
        from_addr = report.message.addresses("From")
        address = next((a.addr_spec for a in from_addr if a.addr_spec), None)
    if d is None or d.from_domain is None:
        return Authentication(None, address, None, "the message has no readable From domain")
    receiver = _receiver(report)
    rows = d.identifiers
    counted = [r for r in rows if r.counts]
    reported = (d.reported_result or "").lower() if d.result_source == "trusted-header" else ""

    other_domain: str | None = None
    other_how: str | None = None
    for pref in ("dkim-verified", "dkim-header", "spf-mailfrom", "received-spf"):
        row = next((r for r in rows if r.source == pref and r.result == "pass" and r.domain), None)
        if row is not None and not row.relaxed_aligned:
            other_domain, other_how = row.domain, _describe(row, receiver)
            break

    def result(value: bool | None, how: str) -> Authentication:
        return Authentication(d.from_domain, address, value, how, other_domain, other_how)

    if reported == "pass":
        return result(True, f"{receiver}'s DMARC check passed")
    if reported == "fail":
        return result(False, f"{receiver}'s DMARC check failed ({_failure(rows)})")
    if counted:
        order = ("dkim-verified", "dkim-header", "spf-mailfrom", "received-spf", "spf-helo")
        best = min(counted, key=lambda r: order.index(r.source) if r.source in order else 9)
        how = _describe(best, receiver)
        if reported in ("none", "bestguesspass") or (
            d.published_record is not None and d.published_record.record is None
        ):
            how += f" (though {d.from_domain} publishes no DMARC policy)"
        return result(True, how)
    trusted_rows = [
        r for r in rows if r.source in ("spf-mailfrom", "spf-helo", "received-spf", "dkim-header")
    ]
    undecided = any((r.result or "").lower() == "temperror" for r in trusted_rows)
    if trusted_rows and not undecided:
        return result(False, f"nothing aligned with {d.from_domain} passed ({_failure(rows)})")
    if reported in ("temperror", "permerror"):
        return result(None, f"{receiver}'s DMARC check ended in {reported}")
    if trusted_rows:
        return result(None, f"{receiver} could not complete its checks (temperror)")
    if any(ar.trusted for ar in report.auth_results):
        why = f"{receiver} recorded no SPF or DKIM result for it"
    else:
        why = "there are no authentication results from the receiving side"
    own = [s for s in report.dkim if s.domain]
    if own:
        sig = own[0]
        plain = _first_clause(sig.explanation) or sig.reason
        if sig.result == "fail":
            why += f", and its DKIM signature by {sig.domain} does not verify ({plain})"
        elif sig.result != "pass":
            why += f", and its DKIM signature by {sig.domain} could not be checked ({plain})"
    return result(None, why)


def _first_clause(text: str) -> str:
    """The first sentence of one of our explanations, up to its first colon, lower-cased."""
    head = text.split(". ", 1)[0].split(": ", 1)[0].strip().rstrip(".")
    if head.endswith(")") and " (" in head:
        head = head[: head.rfind(" (")]
    return head[:1].lower() + head[1:] if head else ""


def _join(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _fmt(delta: dt.timedelta) -> str:
    secs = abs(delta.total_seconds())
    if secs < 1:
        return "under a second"
    if secs < 120:
        return f"{secs:.0f} s"
    if secs < 7200:
        return f"{secs / 60:.0f} min"
    if secs < 172800:
        return f"{secs / 3600:.1f} h"
    return f"{secs / 86400:.1f} days"


def _border(report: Report) -> Hop | None:
    return next((h for h in report.hops if h.border), None)


def _origin(report: Report) -> str | None:
    """The origin as ``name [ip]`` (reverse DNS as the receiving side recorded it) or the IP;
    ``None`` for a private, loopback or link-local address (never an Internet origin)."""
    ip = report.origin_ip
    if not global_ip(ip):
        return None
    for hop in reversed(report.hops):
        r = hop.received
        if r.from_ip == ip and hop.trusted:
            if r.from_rdns:
                return f"{r.from_rdns} [{ip}]"
            break
    return ip


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _internal(report: Report) -> bool:
    """Every hop inside the receiving organisation: the message never came from outside."""
    border = _border(report)
    return border is not None and border.internal and all(h.trusted for h in report.hops)


def _sender_sentence(
    report: Report,
    auth: Authentication,
    origin: str | None,
    notes: Sequence[str],
    platforms: Sequence[str],
) -> str:
    who = auth.from_address or auth.from_domain
    where = f"; it came from {origin}" if origin else ""
    extra = list(notes)
    if platforms and auth.authenticated is not False:
        extra.append("sent through " + _join(platforms))
    if who is not None and extra:
        who = f"{who} ({'; '.join(extra)})"
    if who is None:
        shown = (report.message.get("From") or "").strip()
        if shown:
            if len(shown) > 80:
                shown = shown[:79] + "…"
            return _sentence(f"The From field holds no usable address, only “{shown}”{where}")
        return _sentence(f"The message has no From field{where}")
    if auth.authenticated is True:
        return _sentence(f"From {who}, and that domain is authenticated: {auth.how}")
    if auth.authenticated is None and _internal(report):
        return _sentence(
            f"From {who}, sent inside the receiving organisation (every hop is internal), "
            "where no sender authentication is recorded"
        )
    other = ""
    if auth.other_domain:
        other = f"; what is authenticated is {auth.other_domain} ({auth.other_how})"
    arc = _arc_note(report)
    if auth.authenticated is False:
        return _sentence(f"From {who}, not authenticated: {auth.how}{other}{arc}{where}")
    return _sentence(
        f"From {who}, but whether it really comes from {auth.from_domain} is unknown: "
        f"{auth.how}{other}{arc}{where}"
    )


def _arc_note(report: Report) -> str:
    """An ARC chain whose oldest sealer recorded a DMARC pass: the forwarder's word only."""
    arc = report.arc
    if arc.cv != "pass" or not arc.instances:
        return ""
    first = arc.instances[0]
    if first.aar is None or not first.aar_trusted:
        return ""
    if not any(r.method == "dmarc" and r.result == "pass" for r in first.aar.results):
        return ""
    sealer = first.seal_domain or "an intermediary"
    return f"; an intact ARC chain records that DMARC passed before {sealer} forwarded it"


def _delay(report: Report) -> tuple[int | None, str]:
    """The hop that held the message longest (or how long transit took), as a sentence."""
    hops = report.hops
    best: Hop | None = None
    for hop in hops:
        if hop.delay is None or hop.received.kind == "fetch":
            continue  # a POP/IMAP fetch waits for the user, not for the mail system
        if best is None or hop.delay > (best.delay or dt.timedelta(0)):
            best = hop
    if best is not None and best.delay is not None and best.delay >= NOTABLE_DELAY:
        prev = hops[best.index - 1] if best.index > 0 else None
        held_at = (prev.received.by_host if prev is not None else None) or (
            best.received.from_rdns or best.received.from_helo or best.received.from_ip
        )
        taker = best.received.by_host or "the next server"
        if held_at and held_at.lower() == taker.lower():
            place = f"inside {taker}"  # a local hand-off: the host held it itself
        elif held_at:
            place = f"at {held_at} before {taker} accepted it"
        else:
            place = f"before {taker}"
        if not best.trusted or (prev is not None and not prev.trusted):
            where = f"hop {best.index}, measured from a time the sender's side wrote"
        else:
            where = f"hop {best.index}"
        text = f"It was held {_fmt(best.delay)} {place} ({where})"
        return best.index, _sentence(text)
    negative = any(h.delay is not None and h.delay < -dt.timedelta(seconds=60) for h in hops)
    if negative and report.transit is None:
        return None, _sentence(
            "The Received times run backwards, so the delays cannot be told "
            "(clock skew, or forged Received fields)"
        )
    lead = _date_lead(report)
    if lead is not None and lead > OLD_DATE:
        return None, _sentence(
            f"Its Date is {_fmt(lead)} before the first server received it "
            "(a resent message, or a false Date)"
        )
    if lead is not None and lead > SUBMISSION_DELAY:
        return None, _sentence(
            f"It reached the first server {_fmt(lead)} after its Date "
            "(held in the sender's outbox, or the sender's clock is wrong)"
        )
    fetched = max(
        (h for h in hops if h.received.kind == "fetch" and h.delay is not None),
        key=lambda h: h.delay or dt.timedelta(0),
        default=None,
    )
    if fetched is not None and fetched.delay is not None and fetched.delay >= NOTABLE_DELAY:
        prev = hops[fetched.index - 1] if fetched.index > 0 else None
        box = (prev.received.by_host if prev is not None else None) or "its mailbox server"
        return None, _sentence(
            f"Delivery showed no notable delay; it then waited {_fmt(fetched.delay)} in the "
            f"mailbox at {box} until it was fetched (hop {fetched.index})"
        )
    if report.transit is not None and len(hops) > 1:
        if report.transit >= NOTABLE_DELAY:
            return None, _sentence(
                f"It took {_fmt(report.transit)} from the first server to the last, spread "
                "over several hops (no single one held it 5 min)"
            )
        return None, _sentence(
            f"It took {_fmt(report.transit)} from the first server to the last, "
            "with no notable delay"
        )
    return None, ""


def _date_lead(report: Report) -> dt.timedelta | None:
    date = report.message.date()
    if date is None or date.datetime is None:
        return None
    first = next((h for h in report.hops if h.timestamp is not None), None)
    if first is None or first.timestamp is None:
        return None
    return first.timestamp - date.datetime


def _gateway_name(vendor: str) -> str:
    known = by_vendor().get(vendor)
    return known.short if known is not None else vendor


def _filtering(report: Report) -> tuple[tuple[str, ...], bool | None, str]:
    """The trusted filters that judged the message, whether one called it spam, a sentence."""
    names: list[str] = []
    # Hop.gateway is the vendor id of headerlens.spam: name it as that vendor's verdict does,
    # so a service that wrote a hop and a verdict is listed once.
    products = {v.vendor: v.product or v.vendor for v in report.spam}
    for hop in report.hops:
        if hop.gateway and hop.trusted:
            names.append(products.get(hop.gateway) or _gateway_name(hop.gateway))
    judged = [
        v
        for v in report.spam
        if v.trusted
        and (v.is_spam is not None or v.score is not None)
        and not (v.action or "").startswith("filtering bypassed")
    ]
    judged.sort(key=lambda v: -1 if v.hop_index is None else v.hop_index)
    for v in judged:
        names.append(v.product or v.vendor)
    filtered_by = tuple(dict.fromkeys(names))
    spam = [v for v in judged if v.is_spam]
    flagged: bool | None
    if spam:
        flagged = True
    elif any(v.is_spam is False for v in judged):
        flagged = False
    else:
        flagged = None
    codes = {f.code: f for f in report.findings}
    phish = codes.get("spam.phish_verdict")
    malware = codes.get("spam.malware_detected")
    if malware is not None:
        return filtered_by, flagged, _sentence(malware.summary)
    if phish is not None:
        return filtered_by, flagged, _sentence(phish.summary)
    inbox = codes.get("spam.spam_delivered_to_inbox")
    if inbox is not None:
        return filtered_by, True, _sentence(inbox.summary)
    if spam:
        v = spam[0]
        bits = [f"{v.product or v.vendor} classified it as spam"]
        if v.score is not None and v.threshold is not None:
            bits[0] += f" (score {v.score:g}, threshold {v.threshold:g})"
        if v.action:
            bits.append(v.action)
        top = [r.name for r in sorted(v.rules, key=lambda r: -(r.score or 0))[:3] if r.score]
        if top:
            bits.append("mostly because of " + _join(top))
        return filtered_by, flagged, _sentence("; ".join(bits))
    junk = codes.get("spam.junk_folder")
    if junk is not None:
        return filtered_by, flagged, _sentence(junk.summary)
    if flagged is False:
        clean = [v.product or v.vendor for v in judged if v.is_spam is False]
        return (
            filtered_by,
            flagged,
            _sentence(f"{_join(dict.fromkeys(clean))} did not flag it as spam"),
        )
    bypassed = [
        v
        for v in report.spam
        if v.trusted and v.action and v.action.startswith("filtering bypassed")
    ]
    if bypassed:
        v = bypassed[0]
        return (
            filtered_by,
            flagged,
            _sentence(f"{v.product or v.vendor} did not judge it: filtering was bypassed"),
        )
    return filtered_by, flagged, ""


def _bounce(report: Report) -> tuple[str | None, str]:
    b = report.bounce
    if b is None:
        return None, ""
    if b.kind == "autoreply":
        return None, _sentence("This is an automatic reply (RFC 3834), not a delivery failure")
    if b.kind == "feedback":
        about = f" about a message from {b.source_ip}" if b.source_ip else ""
        kind = f", type {b.feedback_type}" if b.feedback_type else ""
        return None, _sentence(f"This is a feedback report (RFC 5965{kind}){about}")
    failed = [r for r in b.recipients if r.action in (None, "failed") and r.status != "2.0.0"]
    delayed = [r for r in b.recipients if r.action == "delayed"]
    row = failed[0] if failed else (delayed[0] if delayed else None)
    if row is None:
        return None, _sentence("This is a delivery status notification with no failure")
    who = row.final_recipient or row.original_recipient or "a recipient"
    code = ", ".join(x for x in (row.status, row.reason) if x)
    code_text = f" ({code})" if code else ""
    if row.action == "delayed":
        lead = f"Delivery to {who} is delayed{code_text}"
    elif row.permanent:
        lead = f"Delivery to {who} failed for good{code_text}"
    else:
        lead = f"Delivery to {who} failed{code_text}"
    more = len(failed) + len(delayed) - 1
    if more > 0:
        lead += f", and to {more} more recipient(s)"
    why = _reason_words(row.explanation)
    reporter = row.remote_mta or b.reporting_mta
    sentence = "This bounce says " + lead[0].lower() + lead[1:]
    if why:
        sentence += f": {why[0].lower() + why[1:]}"
    if reporter:
        sentence += f", as {reporter} reported"
    problem = lead
    if row.diagnostic_code:
        problem += f": {row.diagnostic_code}"
    return problem, _sentence(sentence)


def _reason_words(text: str) -> str:
    """The first sentence of a bounce reason's description, without its code references."""
    head = text.split(". ", 1)[0].strip().rstrip(".")
    if ": x." in head:
        head = head.split(": x.", 1)[0]
    if head.endswith(")") and "(" in head:
        head = head[: head.rfind("(")].rstrip()
    return head


def build_verdict(
    report: Report, *, platforms: Sequence[str] = (), sender_notes: Sequence[str] = ()
) -> Verdict:
    """The :class:`Verdict` of a finished report (see the module docstring).

    ``platforms``: bulk-mail platforms the indicator step identified with evidence beyond the
    sender's own claims; ``sender_notes``: its short remarks about the From address (a
    display name showing another address, a look-alike domain), said next to the address.
    """
    auth = judge_authentication(report)
    origin = _origin(report)
    s1 = _sender_sentence(report, auth, origin, sender_notes, platforms)
    delayed_at, s2 = _delay(report)
    problem, bounce_text = _bounce(report)
    filtered_by, flagged, filter_text = _filtering(report)
    s3 = bounce_text or filter_text
    if auth.authenticated is True:
        sender: str | None = auth.from_domain
    elif auth.other_domain:
        sender = auth.other_domain
    else:
        sender = origin
    return Verdict(
        summary=" ".join(s for s in (s1, s2, s3) if s),
        sender=sender,
        authenticated=auth.authenticated,
        delayed_at=delayed_at,
        filtered_by=filtered_by,
        flagged_as_spam=flagged,
        delivery_problem=problem,
        from_domain=auth.from_domain,
    )
