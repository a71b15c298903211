"""Report.redact: keyed pseudonyms; nothing personal survives in any output format."""

from __future__ import annotations

import io
import ipaddress
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import headerlens
from headerlens.errors import HeaderlensError
from headerlens.integrations.rows import summary_row
from headerlens.message import Message
from headerlens.render import render_html, render_json, render_markdown, render_text
from headerlens.render.svg import render_svg

from .conftest import SAMPLE_IDS, SAMPLE_PATHS

KEY = b"ticket-4711 secret"
SERVICES = {
    s.lower()
    for s in json.loads(
        (Path(headerlens.__file__).parent / "data" / "redaction.json").read_text("utf-8")
    )["mail_services"]
}
ADDRESS_FIELDS = ("From", "To", "Cc", "Reply-To", "Sender", "Return-Path", "Delivered-To")
HOST_FIELDS = ("from_helo", "from_rdns", "by_host")


def _messages(report: headerlens.Report) -> Iterator[Message]:
    yield report.message
    if report.bounce is not None and report.bounce.original is not None:
        yield report.bounce.original
    if report.original is not None:
        yield from _messages(report.original)


def _ip_tokens(text: str) -> Iterator[str]:
    for raw in text.replace("[", " ").replace("]", " ").replace(";", " ").split():
        token = raw.strip("()<>,=\"'")
        if token[:5].lower() == "ipv6:":
            token = token[5:]
        try:
            ip = ipaddress.ip_address(token)
        except ValueError:
            continue
        if not (ip.is_loopback or ip.is_unspecified):
            yield str(ip)


def originals(report: headerlens.Report) -> dict[str, set[str]]:
    """What must not survive: addresses, IPs, host names, Message-IDs, subjects."""
    out: dict[str, set[str]] = {k: set() for k in ("address", "ip", "host", "id", "subject")}
    for msg in _messages(report):
        for name in ADDRESS_FIELDS:
            for a in msg.addresses(name):
                if a.local_part and a.domain:
                    out["address"].add(f"{a.local_part}@{a.domain}")
        for value in msg.get_all("Message-ID"):
            out["id"].add(value.strip().strip("<>"))
        for value in msg.get_all("Subject"):
            if len(value.strip()) >= 4:
                out["subject"].add(value.strip())
        for h in msg.headers:
            out["ip"].update(_ip_tokens(h.value))
    reports = [report] + ([report.original] if report.original is not None else [])
    for r in reports:
        for hop in r.hops:
            rec = hop.received
            for name in HOST_FIELDS:
                value = getattr(rec, name)
                if (
                    value
                    and value.lower() not in SERVICES
                    and "." in value
                    and not value.startswith("[")
                    and value.lower() != "localhost"
                ):
                    out["host"].add(value)
            if rec.from_ip:
                out["ip"].update(_ip_tokens(rec.from_ip))
    return out


def outputs(report: headerlens.Report) -> dict[str, str]:
    from headerlens.render.rich import print_rich

    buf = io.StringIO()
    print_rich(report, file=buf, width=200)
    return {
        "json": render_json(report),
        "text": render_text(report, width=None),
        "markdown": render_markdown(report).replace("\\", ""),
        "html": render_html(report),
        "svg": render_svg(report),
        "rich": buf.getvalue(),
        "row": json.dumps(summary_row("x", report), ensure_ascii=False),
    }


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=SAMPLE_IDS)
def test_nothing_personal_survives_in_any_format(
    path: Path, sample_report: Callable[[Path], headerlens.Report]
) -> None:
    report = sample_report(path)
    redacted = report.redact(KEY)
    secrets = originals(report)
    assert any(secrets.values()), "the sample should have something to redact"
    from headerlens.redact.pseudonyms import Pseudonyms

    # A pseudonym may by chance be another original address of the same small block (a
    # documentation /24): that is a pseudonym, not a leak.
    pseudonyms = {Pseudonyms(KEY).ip(ipaddress.ip_address(ip)) for ip in secrets["ip"]}
    secrets["ip"] -= pseudonyms
    # Kept on purpose: a role account at a known mail service (mailer-daemon@googlemail.com).
    kept = Pseudonyms(KEY)
    secrets["address"] = {a for a in secrets["address"] if kept.address(a) != a}
    leaks = []
    for fmt, text in outputs(redacted).items():
        for kind, values in secrets.items():
            leaks += [(fmt, kind, v) for v in sorted(values) if _found(kind, v, text)]
    assert leaks == []


def _found(kind: str, value: str, text: str) -> bool:
    """``value`` in ``text`` as a whole token (``192.0.2.1`` is not in ``192.0.2.129``)."""
    if kind == "ip":
        pattern = rf"(?<![0-9a-f.:]){re.escape(value)}(?![0-9a-f:]|\.[0-9])"
    else:
        pattern = rf"(?<![\w-]){re.escape(value)}(?![\w-])"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def _structure(report: headerlens.Report) -> object:
    return (
        [
            (h.index, h.header_index, h.timestamp, h.delay, h.trusted, h.internal, h.border)
            for h in report.hops
        ],
        report.transit,
        report.receipt_time,
        [(d.result, d.reason, d.aligned_with_from) for d in report.dkim],
        (report.arc.cv, report.arc.reason_code, len(report.arc.instances)),
        None if report.dmarc is None else report.dmarc.result,
        [(a.trusted, [(x.method, x.result) for x in a.results]) for a in report.auth_results],
        [
            (v.vendor, v.score, v.threshold, v.is_spam, [r.name for r in v.rules])
            for v in report.spam
        ],
        [(f.severity, f.code, f.header_indexes) for f in report.findings],
        [d.code for d in report.defects],
        None
        if report.bounce is None
        else [(r.status, r.reason, r.reply_code) for r in report.bounce.recipients],
        [e.timestamp for e in report.timeline],
    )


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=SAMPLE_IDS)
def test_verdicts_and_chain_structure_are_unchanged(
    path: Path, sample_report: Callable[[Path], headerlens.Report]
) -> None:
    report = sample_report(path)
    assert _structure(report.redact(KEY)) == _structure(report)


def test_same_key_same_pseudonyms_across_reports(
    sample_report: Callable[[Path], headerlens.Report],
) -> None:
    a = sample_report(SAMPLE_PATHS[0])
    one = a.redact(KEY).to_json()
    assert a.redact(KEY).to_json() == one
    assert a.redact(KEY.decode()).to_json() == one
    assert a.redact(b"another key").to_json() != one


def test_one_host_one_pseudonym_and_organisations_stay_together() -> None:
    msg = (
        b"Received: from mail.example.net (mail.example.net [203.0.113.5]) by mx.example.org"
        b" with ESMTPS; Tue, 3 Mar 2026 10:00:07 +0000\r\n"
        b"From: Alice <alice@example.net>\r\nTo: bob@EXAMPLE.org\r\n"
        b"Subject: Re: Quarterly numbers\r\nMessage-ID: <abc.123@mail.example.net>\r\n\r\nbody\r\n"
    )
    r = headerlens.analyze(msg).redact(KEY)
    hop = r.hops[0].received
    assert hop.by_host is not None
    assert hop.from_helo is not None
    # Same registrable domain, same pseudonym; the public suffix is kept.
    assert hop.from_helo.split(".", 1)[1] == r.message.addresses("From")[0].domain
    assert hop.by_host.endswith(".org")
    assert hop.from_helo.endswith(".net")
    assert hop.from_helo == hop.from_rdns
    to = r.message.addresses("To")[0]
    assert (to.local_part or "").startswith("u-")
    assert to.domain == hop.by_host.split(".", 1)[1]
    assert (r.message.get("Subject") or "").startswith("Re: subject-")
    assert r.message.get("Message-ID") == (
        f"<id-{(r.message.get('Message-ID') or '')[4:16]}@{hop.from_helo}>"
    )
    assert r.message.source == b""
    assert r.message.body == b""
    assert all(h.raw == f"{h.name}: {h.value}" for h in r.message.headers)
    assert hop.raw == ""
    ip = ipaddress.ip_address(hop.from_ip or "")
    assert ip in ipaddress.ip_network("203.0.113.0/24")
    assert str(ip) != "203.0.113.5"


@pytest.mark.parametrize(
    ("address", "network"),
    [
        pytest.param("10.1.2.3", "10.0.0.0/8", id="private-10"),
        pytest.param("192.168.7.9", "192.168.0.0/16", id="private-192"),
        pytest.param("100.64.3.3", "100.64.0.0/10", id="cgnat"),
        pytest.param("2001:db8::5", "2001:db8::/32", id="v6-documentation"),
        pytest.param("fd00::1", "fc00::/7", id="v6-unique-local"),
        pytest.param("fe80::1", "fe80::/10", id="v6-link-local"),
    ],
)
def test_ip_pseudonyms_keep_their_block(address: str, network: str) -> None:
    from headerlens.redact.pseudonyms import Pseudonyms

    p = Pseudonyms(KEY)
    out = ipaddress.ip_address(p.ip(ipaddress.ip_address(address)))
    assert out in ipaddress.ip_network(network)
    assert str(out) != address


@pytest.mark.parametrize("address", ["8.8.4.4", "151.101.1.69", "2a00:1450:4001:80b::200e"])
def test_public_ips_stay_public_and_distinct(address: str) -> None:
    from headerlens.redact.pseudonyms import Pseudonyms

    p = Pseudonyms(KEY)
    ip = ipaddress.ip_address(address)
    out = ipaddress.ip_address(p.ip(ip))
    assert out.version == ip.version
    assert out.is_global
    assert out != ip
    # A keyed permutation: neighbours never collide.
    base = int(ip)
    cls = type(ip)
    seen = {p.ip(cls(base + i)) for i in range(200)}
    assert len(seen) == 200


def test_known_services_keep_their_domain() -> None:
    from headerlens.redact.pseudonyms import Pseudonyms

    p = Pseudonyms(KEY)
    out = p.host("contoso-com.mail.protection.outlook.com")
    assert out.endswith(".mail.protection.outlook.com")
    assert "contoso" not in out
    assert p.host("mail-sor-f41.google.com").endswith(".google.com")
    assert p.host("_dmarc.example.com").startswith("_dmarc.d-")
    assert p.address("postmaster@example.org").startswith("postmaster@d-")


def test_bad_keys() -> None:
    report = headerlens.analyze(b"Subject: x\r\n\r\n")
    with pytest.raises(TypeError):
        report.redact(1234)  # type: ignore[arg-type]
    with pytest.raises(HeaderlensError):
        report.redact(b"")


def test_inferred_trusted_domain_of_an_internal_name_is_redacted() -> None:
    # The boundary rule infers the organizational domain of the topmost 'by' host; under a
    # suffix that is no public one (Exchange's "auenland.lkt", found in an Outlook .msg)
    # free-text scanning does not see it as a host, so trust.trusted_hosts kept it.
    raw = (
        b"Received: from relay.mailhub.lkt (10.0.0.5) by EX-01.mailhub.lkt (10.0.0.6) with"
        b" ESMTP id 2; Tue, 3 Mar 2026 10:00:02 +0000\r\n"
        b"Received: from out.example.net (out.example.net [198.51.100.7]) by relay.mailhub.lkt"
        b" with ESMTP id 1; Tue, 3 Mar 2026 10:00:01 +0000\r\n"
        b"From: a@example.net\r\nTo: b@example.org\r\n\r\nx\r\n"
    )
    report = headerlens.analyze(raw)
    assert report.trust.trusted_hosts == ("mailhub.lkt",)
    redacted = report.redact(KEY)
    assert "mailhub" not in redacted.to_json().lower()
    # one pseudonym for the domain, inside the host's own pseudonym
    (domain,) = redacted.trust.trusted_hosts
    assert redacted.hops[-1].received.by_host.lower().endswith("." + domain)
