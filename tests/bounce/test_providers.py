"""Provider (remote host) rules: which provider a host belongs to and what its codes mean."""

from __future__ import annotations

import pytest

from headerlens.bounce import providers
from headerlens.bounce.providers import find_provider, hosts_in, provider_reason


@pytest.mark.parametrize(
    ("destination", "remote", "local", "expected"),
    [
        pytest.param("cox.net", None, None, "cox", id="cox-by-recipient-domain"),
        pytest.param("charter.net", None, None, "spectrum", id="spectrum-by-recipient-domain"),
        pytest.param("example.com", "mx3.qq.com", None, "tencent", id="tencent-by-remote-host"),
        pytest.param("icloud.com", None, None, "apple", id="apple-parent-domain"),
        pytest.param(
            "example.org",
            None,
            "server-0.bemta-0.messagelabs.com",
            "messagelabs",
            id="messagelabs-by-reporting-host",
        ),
        pytest.param("example.org", "notcox.net", None, None, id="label-boundary"),
        pytest.param("example.org", None, None, None, id="unknown"),
    ],
)
def test_find_provider(
    destination: str, remote: str | None, local: str | None, expected: str | None
) -> None:
    p = find_provider(destination=destination, remote_hosts=(remote,), local_host=local)
    assert (p.key if p else None) == expected


def _reason(
    key: str,
    diag: str,
    status: str | None = None,
    reply: str | None = None,
    command: str | None = None,
) -> str | None:
    p = next(p for p in providers.providers() if p.key == key)
    found = provider_reason(p, diag, status, reply, command)
    return found[0] if found is not None else None


@pytest.mark.parametrize(
    ("key", "diag", "status", "reply", "command", "expected"),
    [
        pytest.param(
            "cox",
            "550 sender rejected. see error codes. AUP#CXDNS",
            "5.1.0",
            "550",
            "MAIL",
            "requireptr",
            id="cox-aup-code",
        ),
        pytest.param(
            "spectrum",
            "550 5.1.0 sender rejected AUP#In-1320",
            "5.1.0",
            "550",
            None,
            "toomanyconn",
            id="spectrum-aup-range",
        ),
        pytest.param(
            "spectrum",
            "550 5.1.0 sender rejected AUP#O-1530",
            "5.1.0",
            "550",
            None,
            "mesgtoobig",
            id="spectrum-aup-exact",
        ),
        pytest.param(
            "franceptt",
            "550 5.1.1 Invalid recipient. OFR_416 [416]",
            "5.1.1",
            "550",
            "RCPT",
            "userunknown",
            id="orange-ofr-code",
        ),
        pytest.param(
            "franceptt",
            "421 4.2.1 Service refused. LPN007_505",
            "4.2.1",
            "421",
            "DATA",
            "systemerror",
            id="laposte-lpn-code",
        ),
        pytest.param(
            "godaddy",
            "554 Connection refused. Listed on the PBL. IB106",
            "5.0.0",
            "554",
            None,
            "blocked",
            id="godaddy-ib-code",
        ),
        pytest.param(
            "facebook",
            "550 5.1.1 RCP-T4 recipient deactivated",
            "5.1.1",
            "550",
            None,
            "suspend",
            id="facebook-label",
        ),
        pytest.param(
            "mimecast",
            "550 Invalid Recipient - https://community.mimecast.com",
            "5.0.0",
            "550",
            None,
            "userunknown",
            id="mimecast-reply-and-wording",
        ),
        pytest.param(
            "mimecast",
            "554 Invalid Recipient",
            "5.0.0",
            "554",
            None,
            None,
            id="mimecast-wrong-reply",
        ),
        pytest.param(
            "nttdocomo",
            "550 Unknown user x@docomo.ne.jp",
            "5.0.0",
            "550",
            "DATA",
            "rejected",
            id="docomo-after-data",
        ),
        pytest.param(
            "nttdocomo",
            "550 Unknown user x@docomo.ne.jp",
            "5.0.0",
            "550",
            "RCPT",
            "userunknown",
            id="docomo-after-rcpt",
        ),
        pytest.param(
            "tencent",
            "550 Domain frequency limited",
            "5.0.0",
            "550",
            None,
            "toomanyconn",
            id="tencent-wording",
        ),
        pytest.param(
            "gsuite",
            "DNS Error: Domain name not found",
            "5.0.0",
            "550",
            None,
            "hostunknown",
            id="gsuite-permanent-nxdomain",
        ),
        pytest.param(
            "gsuite",
            "DNS Error: Domain name not found",
            "4.0.0",
            None,
            None,
            "networkerror",
            id="gsuite-temporary-nxdomain",
        ),
        pytest.param(
            "microsoft",
            "550 5.7.509 Access denied, sending domain x.example does not pass DMARC verification",
            "5.7.509",
            "550",
            None,
            "authfailure",
            id="microsoft-status-and-wording",
        ),
        pytest.param(
            "yahooinc",
            "554 delivery error: dd This user doesn't have a yahoo.com account",
            "5.0.0",
            "554",
            "DATA",
            "userunknown",
            id="yahoo-dd",
        ),
        pytest.param("cox", "", "5.0.0", "550", None, None, id="no-diagnostic"),
    ],
)
def test_provider_reason(
    key: str,
    diag: str,
    status: str | None,
    reply: str | None,
    command: str | None,
    expected: str | None,
) -> None:
    assert _reason(key, diag, status, reply, command) == expected


def test_hosts_in() -> None:
    diag = "host mx3.qq.com[192.0.2.1] said: 550 blocked (in reply to end of DATA command)"
    assert hosts_in(diag) == ("mx3.qq.com",)


def test_every_provider_reason_is_a_known_reason() -> None:
    from headerlens.bounce import knowledge

    for p in providers.providers():
        names = {r.reason for r in p.phrases} | {r for _s, _c, r in p.stages}
        names |= set(p.status.values())
        for c in p.codes:
            names |= set(c.table.values()) | {r for _lo, _hi, r in c.ranges}
        for n in names:
            assert knowledge.reason_info(n) is not None, (p.key, n)


@pytest.mark.parametrize(
    ("diag", "status", "reply", "expected"),
    [
        pytest.param(
            "550 5.7.1 Messages with multiple addresses in From: header are not accepted.",
            "5.7.1",
            "550",
            "notcompliantrfc",
            id="google-from-header",
        ),
        pytest.param(
            "450 4.2.1 The user you are trying to contact is receiving mail at a rate "
            "that prevents additional messages from being delivered",
            "4.2.1",
            "450",
            "speeding",
            id="google-rate-temporary",
        ),
        pytest.param(
            "550 5.2.1 The user you are trying to contact is receiving mail at a rate "
            "that prevents additional messages from being delivered",
            "5.2.1",
            "550",
            "speeding",
            id="google-rate-permanent-any-class",
        ),
        pytest.param(
            "550 5.7.1 likely unsolicited mail", "5.7.26", "550", None, id="google-wrong-status"
        ),
    ],
)
def test_google_rules(diag: str, status: str, reply: str, expected: str | None) -> None:
    assert _reason("google", diag, status, reply) == expected


def test_multiline_reply_markers_are_swept() -> None:
    from headerlens.bounce import parse_bounce

    data = (
        b"From: MAILER-DAEMON@mx.example.com\nTo: a@example.com\n"
        b"Subject: Undelivered Mail Returned to Sender\n\n"
        b"This is the mail system at host mx.example.com.\n\n"
        b"<neko@example.org>: host gmail-smtp-in.l.google.com[192.0.2.1] said:\n"
        b"    550-5.7.1 Messages with multiple 550-5.7.1 addresses in From: header are\n"
        b"    550 5.7.1 not accepted. (in reply to end of DATA command)\n"
    )
    report = parse_bounce(data)
    assert report is not None
    r = report.recipients[0]
    assert (r.status, r.reply_code, r.reason, r.provider) == (
        "5.7.1",
        "550",
        "notcompliantrfc",
        "google",
    )
    assert r.diagnostic_code == (
        "host gmail-smtp-in.l.google.com[192.0.2.1] said: Messages with multiple addresses "
        "in From: header are not accepted. (in reply to end of DATA command)"
    )
