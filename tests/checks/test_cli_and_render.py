"""``--check``, ``--blocklist``, ``--fetch-mta-sts`` through ``main([...])``, and the
"Checked now" section of every readable renderer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import headerlens
import headerlens.checks.fetch as fetch_module
from headerlens import Policy, StaticResolver
from headerlens.cli import main
from headerlens.render import render_html, render_markdown, render_text

from .conftest import LoopbackDns, LoopbackHttps
from .test_live import MSG
from .test_run import AS_OF, message, zone


@pytest.fixture
def msg_file(tmp_path: Path) -> Path:
    p = tmp_path / "m.eml"
    p.write_bytes(MSG)
    return p


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(["--check"], "--check needs --dns (live DNS) or --keys", id="check-alone"),
        pytest.param(
            ["--blocklist", "zen.spamhaus.org"],
            "--blocklist and --fetch-mta-sts only apply",
            id="blocklist-without-check",
        ),
        pytest.param(["--fetch-mta-sts", "--dns"], "only apply with --check", id="fetch-alone"),
        pytest.param(["--dns", "127.0.0.1:99999", "--check"], "bad port", id="bad-port"),
        pytest.param(
            ["--dns", "127.0.0.1:53,127.0.0.2:54", "--check"], "same port", id="two-ports"
        ),
        pytest.param(
            ["--dns", "127.0.0.1", "--check", "--blocklist", "not a zone"],
            "not a DNS zone",
            id="bad-zone",
        ),
    ],
)
def test_usage_errors(
    msg_file: Path, capsys: pytest.CaptureFixture[str], args: list[str], error: str
) -> None:
    assert main([str(msg_file), *args]) == 2
    assert error in capsys.readouterr().err


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_check_over_live_dns(
    msg_file: Path, dns_server: LoopbackDns, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(msg_file), "--json", "--dns", f"127.0.0.1:{dns_server.port}", "--check"]
    assert main([*args, "--blocklist", "zen.spamhaus.org", "--as-of", AS_OF.isoformat()]) == 0
    data = _json(capsys)
    checks = data["checks"]
    assert checks["checked_at"] == "2026-03-04T09:00:00Z"
    assert checks["resolver"] == "DnsResolver"
    assert [(b["zone"], b["listed"], b["codes"]) for b in checks["blocklists"]] == [
        ("zen.spamhaus.org", True, ["127.0.0.4"])
    ]
    assert data["network_used"] is True
    # without --check the same command runs no check
    assert main(args[:-1]) == 0
    assert _json(capsys)["checks"] is None


def test_check_replays_saved_records(
    tmp_path: Path, msg_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "dns.json"
    saved.write_text(json.dumps({"records": {"sender.example": "v=spf1 -all"}}))
    assert main([str(msg_file), "--json", "--keys", str(saved), "--check"]) == 0
    checks = _json(capsys)["checks"]
    assert checks["resolver"] == "StaticResolver"
    assert [(s["identity"], s["check"]["result"]) for s in checks["spf"]] == [
        ("mailfrom", "fail"),
        ("helo", "none"),
    ]


def test_keys_verify_then_dns_checks_now(
    tmp_path: Path, msg_file: Path, dns_server: LoopbackDns, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"s1._domainkey.sender.example": "v=DKIM1; k=rsa; p=THEN"}))
    dns = f"127.0.0.1:{dns_server.port}"
    assert main([str(msg_file), "--json", "--keys", str(keys), "--dns", dns, "--check"]) == 0
    data = _json(capsys)
    assert data["dkim"][0]["key"]["record"] == "v=DKIM1; k=rsa; p=THEN"
    assert [(k["outcome"], k["status"]) for k in data["checks"]["dkim_keys"]] == [
        ("nxdomain", "removed")
    ]
    # without --check, saved keys and live DNS stay exclusive
    assert main([str(msg_file), "--keys", str(keys), "--dns", dns]) == 2


def test_fetch_mta_sts_flag(
    msg_file: Path,
    dns_server: LoopbackDns,
    https_server: LoopbackHttps,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = fetch_module.HttpsFetcher

    def test_ca_fetcher() -> fetch_module.HttpsFetcher:
        return real(context=https_server.client_context, port=https_server.port)

    monkeypatch.setattr(fetch_module, "HttpsFetcher", test_ca_fetcher)
    dns = f"127.0.0.1:{dns_server.port}"
    assert main([str(msg_file), "--json", "--dns", dns, "--check", "--fetch-mta-sts"]) == 0
    (sts,) = _json(capsys)["checks"]["mta_sts"]
    assert (sts["fetch"]["outcome"], sts["policy"]["mode"], sts["mx_not_covered"]) == (
        "ok",
        "enforce",
        ["mx2.rcpt.example"],
    )


def _checked_report() -> headerlens.Report:
    hostile = message().replace(
        b"Subject: for sender.example", b"Subject: <script>alert(1)</script>"
    )
    changes = {
        "10.2.0.192.in-addr.arpa": {"PTR": ["<b>evil</b>.example."]},
        "_dmarc.sender.example": "v=DMARC1; p=none; rua=mailto:<script>@x.example",
    }
    return headerlens.analyze(
        hostile, policy=Policy(resolver=zone(changes), checks=True, as_of=AS_OF)
    )


def test_checked_now_section_in_every_renderer() -> None:
    report = _checked_report()
    text = render_text(report)
    markdown = render_markdown(report)
    html = render_html(report)
    assert "Checked now (2026-03-04 09:00:00 UTC, StaticResolver)" in text.splitlines()
    assert "## Checked now \\(2026-03-04 09:00:00 UTC, StaticResolver\\)" in markdown
    assert "Checked now (2026-03-04 09:00:00 UTC, StaticResolver)" in html
    assert "[notice] checks.dmarc_monitoring (#4)" in text.splitlines()
    assert "- **notice** checks.dmarc\\_monitoring (\\#4): The DMARC policy" in markdown
    # today's DNS never lands in the sections built from the headers
    before_checks = text.split("Checked now (")[0]
    assert "evil" not in before_checks
    assert "<script>@x.example" not in html
    assert "&lt;script&gt;" in html


def test_no_section_without_checks() -> None:
    report = headerlens.analyze(message(), policy=Policy(resolver=StaticResolver({})))
    assert "Checked now" not in render_text(report)


def test_checked_now_in_the_rich_renderer() -> None:
    pytest.importorskip("rich")
    import io

    from headerlens.render.rich import print_rich

    out = io.StringIO()
    print_rich(_checked_report(), file=out)
    text = out.getvalue()
    assert "Checked now (2026-03-04 09:00:00 UTC, StaticResolver)" in text
    assert "checks.dmarc_monitoring" in text
