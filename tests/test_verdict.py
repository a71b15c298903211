"""Report.verdict (issue #14): the plain answer, built from the finished analyses only."""
# ruff: noqa: E501  (sample messages hold real-length header lines)

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import headerlens
from headerlens.render import render_html, render_markdown, render_text
from headerlens.render.rich import print_rich
from headerlens.verdict import Verdict

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MS = "Microsoft 365 / Exchange Online Protection"


def sample_report(rel: str) -> headerlens.Report:
    import sys

    sys.path.insert(0, str(SAMPLES))
    try:
        from regen_goldens import sample_keys
    finally:
        sys.path.remove(str(SAMPLES))
    path = SAMPLES / rel
    policy = headerlens.Policy(resolver=headerlens.StaticResolver(sample_keys(path)))
    return headerlens.analyze(path, policy=policy)


def sentences(text: str) -> list[str]:
    # Message text the summary quotes (“...”) may hold full stops of its own.
    text = re.sub(r"“[^”]*”", "“…”", text)
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s]


# (sample, sender, authenticated, delayed_at, filtered_by, flagged_as_spam, has a delivery problem)
SAMPLE_VERDICTS = [
    ("amazon-ses-transactional.eml", "example.com", True, None, (), None, False),
    ("arc/forwarded-list-broken-chain.eml", "fwd.example.net", False, None, (), None, False),
    ("arc/forwarded-list-valid-chain.eml", "fwd.example.net", False, None, (), None, False),
    ("attachments-pdf-and-image.eml", "example.org", True, None, (), None, False),
    ("bounce/arf-abuse-report.eml", None, None, None, (), None, False),
    ("bounce/gmail-5.7.1-policy-prose.eml", None, None, None, (), None, True),
    (
        "bounce/office365-5.7.26-dmarc-with-original.eml",
        None,  # generated inside the receiving organisation: no Internet origin
        None,
        None,
        (),
        None,
        True,
    ),
    ("bounce/postfix-dsn-5.1.1-user-unknown.eml", None, None, None, (), None, True),
    ("bounce/rfc3834-vacation-autoreply.eml", None, None, None, (), None, False),
    ("clock-skew-and-delay.eml", "example.com", True, 2, (), None, False),
    ("dkim/body-modified.eml", "mail.example.com [192.0.2.25]", None, None, (), None, False),
    ("dkim/expired.eml", "mail.example.com [192.0.2.25]", None, None, (), None, False),
    ("dkim/good-ed25519.eml", "example.com", True, None, (), None, False),
    ("dkim/good-rsa.eml", "example.com", True, None, (), None, False),
    ("dkim/header-modified.eml", "mail.example.com [192.0.2.25]", None, None, (), None, False),
    ("dkim/revoked-key.eml", "mail.example.com [192.0.2.25]", None, None, (), None, False),
    ("dkim/two-signatures-one-broken.eml", "example.com", True, None, (), None, False),
    (
        "encoded-words-utf8-headers.eml",
        "mail.example.net [2001:db8:5e::25]",
        None,
        None,
        (),
        None,
        False,
    ),
    ("exchange-onprem-internal.eml", None, None, None, (), None, False),
    ("exim-mailing-list-forward.eml", "lists.example.org", True, None, (), None, False),
    ("forged-received-chain.eml", "203.0.113.200", False, None, (), None, False),
    (
        "gateways/barracuda-to-exchange.eml",
        "mail.example.net [203.0.113.9]",
        None,
        None,
        ("Barracuda Email Security Gateway",),
        False,
        False,
    ),
    (
        "gateways/cisco-to-own-mta.eml",
        "mail.example.net [203.0.113.9]",
        None,
        None,
        ("Cisco Secure Email (IronPort)",),
        None,
        False,
    ),
    ("gateways/forged-gateway-below-boundary.eml", "203.0.113.66", None, None, (), None, False),
    (
        "gateways/mimecast-to-google-workspace.eml",
        "example.net",
        True,
        None,
        ("Mimecast",),
        None,
        False,
    ),
    (
        "gateways/proofpoint-to-microsoft365.eml",
        "example.net",
        True,
        None,
        ("Proofpoint Email Protection", MS),
        False,
        False,
    ),
    ("gmail-to-microsoft365.eml", "example.com", True, None, (MS,), False, False),
    ("header-only-paste.txt", "example.org", True, None, (MS,), False, False),
    (
        "lotus-domino-zone-comment.eml",
        "gw01.example.com [203.0.113.66]",
        None,
        None,
        (),
        None,
        False,
    ),
    ("malformed-everything.eml", None, None, None, (), None, False),
    ("postfix-esmtps-tls13.eml", "example.net", True, None, ("SpamAssassin",), False, False),
    ("qmail-legacy-hop.eml", "198.51.100.23", None, None, ("SpamAssassin",), False, False),
    ("sendgrid-bulk-newsletter.eml", "example.com", True, None, ("Rspamd",), False, False),
    ("sendmail-may-be-forged.eml", "example.com", True, None, (), None, False),
    ("spam/eop-spam-delivered-to-inbox.eml", "example.net", True, None, (MS,), True, False),
    (
        "spam/gateway-chain-mimecast-proofpoint-rspamd.eml",
        "smtp.example.test [203.0.113.9]",  # the recipient's gateways are its own path
        None,
        None,
        ("Proofpoint Email Protection", "Mimecast", "Rspamd"),
        False,
        False,
    ),
    (
        "spam/ovh-vade-retro.eml",
        "mo529.mail-out.ovh.example [198.51.100.80]",
        None,
        None,
        (),
        None,
        False,
    ),
    (
        "spam/spamassassin-over-threshold.eml",
        "mail.example.org [198.51.100.7]",
        None,
        None,
        ("SpamAssassin",),
        True,
        False,
    ),
]


@pytest.mark.parametrize(
    ("rel", "sender", "authenticated", "delayed_at", "filtered_by", "flagged", "problem"),
    [pytest.param(*row, id=row[0]) for row in SAMPLE_VERDICTS],
)
def test_sample_verdicts(
    rel: str,
    sender: str | None,
    authenticated: bool | None,
    delayed_at: int | None,
    filtered_by: tuple[str, ...],
    flagged: bool | None,
    problem: bool,
) -> None:
    v = sample_report(rel).verdict
    assert (
        v.sender,
        v.authenticated,
        v.delayed_at,
        v.filtered_by,
        v.flagged_as_spam,
        v.delivery_problem is not None,
    ) == (sender, authenticated, delayed_at, filtered_by, flagged, problem)
    assert 1 <= len(sentences(v.summary)) <= 3, v.summary


def test_every_sample_is_listed() -> None:
    listed = {row[0] for row in SAMPLE_VERDICTS}
    found = {
        p.relative_to(SAMPLES).as_posix()
        for p in SAMPLES.rglob("*")
        if p.suffix in (".eml", ".txt") and p.is_file()
    }
    assert sorted(found - listed) == []


# --- built from messages written for each case ---------------------------------------------------

BASE = (
    "Received: from mail.example.com (mail.example.com [198.51.100.7]) by mx.example.org (Postfix) with ESMTPS id 4Ab1; Tue, 3 Mar 2026 10:00:05 +0000\n"
    "{below}"
    "From: Alice <alice@example.com>\n"
    "To: bob@example.org\n"
    "Subject: figures\n"
    "Date: Tue, 3 Mar 2026 09:59:59 +0000\n"
    "Message-ID: <1@mail.example.com>\n"
    "\n"
    "body\n"
)


def build(top: str = "", below: str = "") -> headerlens.Report:
    return headerlens.analyze((top + BASE.format(below=below)).encode())


def test_trusted_dmarc_pass_is_authenticated() -> None:
    v = build(
        "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com\n"
    ).verdict
    assert v == Verdict(
        summary="From alice@example.com, and that domain is authenticated: mx.example.org's DMARC check passed.",
        sender="example.com",
        authenticated=True,
        from_domain="example.com",
    )


def test_a_claim_below_the_trust_boundary_never_authenticates() -> None:
    # The sender wrote an Authentication-Results of its own, under its own Received field.
    below = (
        "Received: from [192.0.2.50] by mail.example.com with ESMTPSA id 7; Tue, 3 Mar 2026 10:00:01 +0000\n"
        "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com\n"
    )
    report = build(below=below)
    assert [a.trusted for a in report.auth_results] == [False]
    v = report.verdict
    assert v.authenticated is None
    assert v.sender == "mail.example.com [198.51.100.7]"
    assert v.summary == (
        "From alice@example.com, but whether it really comes from example.com is unknown: there"
        " are no authentication results from the receiving side; it came from mail.example.com"
        " [198.51.100.7]. It took 4 s from the first server to the last, with no notable delay."
    )


def test_trusted_dmarc_fail_names_what_did_authenticate() -> None:
    v = build(
        "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=bulk.example.net; dkim=fail header.d=example.com; dmarc=fail header.from=example.com\n"
    ).verdict
    assert (v.authenticated, v.sender) == (False, "bulk.example.net")
    assert v.summary == (
        "From alice@example.com, not authenticated: mx.example.org's DMARC check failed (SPF"
        " passed only for bulk.example.net, DKIM fail for example.com); what is authenticated"
        " is bulk.example.net (mx.example.org's SPF check passed for bulk.example.net); it came"
        " from mail.example.com [198.51.100.7]."
    )


def test_results_without_spf_or_dkim_leave_it_unknown() -> None:
    v = build(
        "Authentication-Results: mx.example.org; iprev=pass policy.iprev=198.51.100.7\n"
    ).verdict
    assert v.authenticated is None
    assert "mx.example.org recorded no SPF or DKIM result for it" in v.summary


def test_temperror_is_not_a_failure() -> None:
    v = build(
        "Authentication-Results: mx.example.org; spf=temperror smtp.mailfrom=example.com; dkim=none\n"
    ).verdict
    assert v.authenticated is None


def test_delay_names_the_hop_that_held_it() -> None:
    top = "Received: from mx.example.org (mx.example.org [192.0.2.10]) by store.example.org (Postfix) with ESMTP id 9Zz; Tue, 3 Mar 2026 10:47:05 +0000\n"
    v = build(top).verdict
    assert v.delayed_at == 1
    assert (
        sentences(v.summary)[1]
        == "It was held 47 min at mx.example.org before store.example.org accepted it (hop 1)."
    )


def test_a_host_that_held_it_itself_is_named_once() -> None:
    # a local hand-off (no peer: a list re-injection, a queue run) inside the receiving host;
    # 75 verdicts of the corpora read "held ... at X before X accepted it"
    top = "Received: by mx.example.org (Postfix, from userid 0) id 9Zz; Tue, 3 Mar 2026 10:47:05 +0000\n"
    v = build(top).verdict
    assert v.delayed_at == 1
    assert sentences(v.summary)[1] == "It was held 47 min inside mx.example.org (hop 1)."


def test_a_mailbox_fetch_is_not_a_delivery_delay() -> None:
    top = "Received: from pop.example.org [192.0.2.10] by laptop.example.org with POP3 (fetchmail-6.4.37) for <bob@example.org> (single-drop); Wed, 4 Mar 2026 08:00:00 +0000\n"
    report = build(top)
    assert [h.received.kind for h in report.hops] == ["network", "fetch"]
    assert report.verdict.delayed_at is None
    assert sentences(report.verdict.summary)[1] == (
        "Delivery showed no notable delay; it then waited 22.0 h in the mailbox at"
        " mx.example.org until it was fetched (hop 1)."
    )


def test_submission_delay_is_told_without_a_hop() -> None:
    src = BASE.format(below="").replace("09:59:59", "07:59:59").encode()
    v = headerlens.analyze(src).verdict
    assert v.delayed_at is None
    assert sentences(v.summary)[1] == (
        "It reached the first server 2.0 h after its Date (held in the sender's outbox, or the"
        " sender's clock is wrong)."
    )


def test_trusted_spam_verdict() -> None:
    top = "X-Spam-Status: Yes, score=9.1 required=5.0 tests=BAYES_99=3.5,URIBL_BLACK=1.7 autolearn=no\nX-Spam-Flag: YES\n"
    v = build(top).verdict
    assert (v.filtered_by, v.flagged_as_spam) == (("SpamAssassin",), True)
    assert sentences(v.summary)[-1] == (
        "SpamAssassin classified it as spam (score 9.1, threshold 5); mostly because of"
        " BAYES_99 and URIBL_BLACK."
    )


def test_an_untrusted_spam_verdict_is_not_a_filter() -> None:
    below = "X-Spam-Status: No, score=-5.0 required=5.0 tests=NONE autolearn=no\n"
    v = build(below=below).verdict
    assert (v.filtered_by, v.flagged_as_spam) == ((), None)


def test_bounce_problem_and_sentence() -> None:
    report = sample_report("bounce/postfix-dsn-5.1.1-user-unknown.eml")
    v = report.verdict
    assert v.delivery_problem == (
        "Delivery to nobody@example.org failed for good (5.1.1, userunknown): host"
        " mx.example.org[192.0.2.25] said: 550 5.1.1 <nobody@example.org>: Recipient address"
        " rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"
    )
    assert sentences(v.summary)[-1] == (
        "This bounce says delivery to nobody@example.org failed for good (5.1.1, userunknown):"
        " the recipient's local part (left of @) does not exist at the destination, as"
        " mx.example.org reported."
    )


def test_autoreply_and_feedback_are_not_delivery_problems() -> None:
    auto = sample_report("bounce/rfc3834-vacation-autoreply.eml").verdict
    assert auto.delivery_problem is None
    assert (
        sentences(auto.summary)[-1]
        == "This is an automatic reply (RFC 3834), not a delivery failure."
    )
    fbl = sample_report("bounce/arf-abuse-report.eml").verdict
    assert (
        sentences(fbl.summary)[-1]
        == "This is a feedback report (RFC 5965, type abuse) about a message from 192.0.2.55."
    )


def test_internal_mail_and_link_local_origin() -> None:
    v = sample_report("exchange-onprem-internal.eml").verdict
    assert v.sender is None  # fe80:: is never an Internet origin
    assert sentences(v.summary)[0] == (
        "From grace@example.com, sent inside the receiving organisation (every hop is internal),"
        " where no sender authentication is recorded."
    )
    assert v.filtered_by == ()  # Exchange bypassed filtering: it judged nothing


def test_no_from_address() -> None:
    v = headerlens.analyze(b"Subject: x\n\nbody\n").verdict
    assert v == Verdict(summary="The message has no From field.")
    shown = headerlens.analyze(b'From: "Sirius XM"\nSubject: x\n\nbody\n').verdict
    assert shown.summary == 'The From field holds no usable address, only “"Sirius XM"”.'


def test_bounced_original_has_its_own_verdict() -> None:
    report = sample_report("bounce/office365-5.7.26-dmarc-with-original.eml")
    assert report.original is not None
    assert report.original.verdict.from_domain == "shop.example.com"


# --- shown first everywhere ---------------------------------------------------------------------


def test_every_renderer_shows_the_verdict_first() -> None:
    report = sample_report("forged-received-chain.eml")
    lead = report.verdict.summary
    text = render_text(report)
    assert text.splitlines()[3:5] == ["Verdict", "-------"]
    assert text.index("Verdict") < text.index("Message\n-------")
    md = render_markdown(report)
    assert md.splitlines()[2] == "## Verdict"
    html = render_html(report)
    assert html.index('<h2>Verdict</h2>\n<p class="hl-lead">') < html.index("<h2>Message</h2>")
    notebook = report._repr_html_()
    assert notebook.index("<h2>Verdict</h2>") < notebook.index("<h2>Message</h2>")
    out = io.StringIO()
    print_rich(report, file=out)
    rich_text = out.getvalue()
    assert rich_text.index("Verdict") < rich_text.index("Message")
    assert lead.split(",")[0] in " ".join(text.split())


def test_verdict_text_is_escaped() -> None:
    src = (
        b"Received: from h.example.net (h.example.net [198.51.100.9]) by mx.example.org with ESMTP id 1; Tue, 3 Mar 2026 10:00:01 +0000\r\n"
        b'From: <"<img src=x onerror=alert(1)>"@example.net>\r\n'
        b"To: bob@example.org\r\nDate: Tue, 3 Mar 2026 09:59:58 +0000\r\nMessage-ID: <1@example.net>\r\n\r\nbody\r\n"
    )
    report = headerlens.analyze(src)
    assert report.verdict.summary.startswith('From "<img src=x onerror=alert(1)>"@example.net, ')
    html = render_html(report)
    assert "<img" not in html
    lead = html.split('<p class="hl-lead">', 1)[1].split("</p>", 1)[0]
    assert lead.startswith("From &quot;&lt;img src=x onerror=alert(1)&gt;&quot;@example.net, ")
    md = render_markdown(report)
    assert '**From "\\<img src=x onerror=alert\\(1\\)\\>"\\@example.net, ' in md


def test_redaction_covers_the_verdict() -> None:
    report = sample_report("forged-received-chain.eml")
    redacted = report.redact(b"0123456789abcdef0123456789abcdef").verdict
    text = " ".join(str(x) for x in (redacted.summary, redacted.sender, redacted.from_domain))
    for secret in ("attacker@example.net", "203.0.113.200", "service@paypal.example"):
        assert secret in report.verdict.summary
        assert secret not in text
    assert redacted.authenticated is False
