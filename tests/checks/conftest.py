"""Real servers on 127.0.0.1 for the live checks: an authoritative DNS server (dnslib) and an
HTTPS server with a test CA (trustme) for MTA-STS policy files. Nothing leaves loopback."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from ..loopback_dns import LoopbackDns, Zone, serve, txt_zone_line

trustme = pytest.importorskip("trustme")

# The zone the checks run against. Names under example.* and *.test are reserved (RFC 2606,
# RFC 6761); addresses are documentation ranges (RFC 5737, RFC 3849).
ZONE = r"""
; --- the sender -------------------------------------------------------------------------
sender.example.            300 IN TXT  "v=spf1 include:_spf.sender.example -all"
sender.example.            300 IN MX   10 mail.sender.example.
sender.example.            300 IN A    192.0.2.20
_spf.sender.example.       300 IN TXT  "v=spf1 ip4:192.0.2.0/28 ~all"
mail.sender.example.       300 IN A    192.0.2.10
mail.sender.example.       300 IN TXT  "v=spf1 a -all"
10.2.0.192.in-addr.arpa.   300 IN PTR  mail.sender.example.
_dmarc.sender.example.     300 IN TXT  "v=DMARC1; p=reject; rua=mailto:dmarc@sender.example"
default._bimi.sender.example. 300 IN TXT "v=BIMI1; l=https://sender.example/logo.svg; a="
; a public IP with a PTR that does not resolve back, and an untrusted hop whose PTR fails
99.2.0.192.in-addr.arpa.   300 IN PTR  dynamic-99.isp.example.
dynamic-99.isp.example.    300 IN A    192.0.2.200
; --- a second sender: no SPF, DMARC p=none without reports, null MX ------------------------
lax.example.               300 IN MX   0 .
_dmarc.lax.example.        300 IN TXT  "v=DMARC1; p=none; pct=50"
; --- the recipient ----------------------------------------------------------------------
rcpt.example.              300 IN MX   10 mx1.rcpt.example.
rcpt.example.              300 IN MX   20 mx2.rcpt.example.
mx1.rcpt.example.          300 IN A    192.0.2.51
mx2.rcpt.example.          300 IN CNAME mx1.rcpt.example.
_mta-sts.rcpt.example.     300 IN TXT  "v=STSv1; id=2026030301"
mta-sts.rcpt.example.      300 IN A    127.0.0.1
_smtp._tls.rcpt.example.   300 IN TXT  "v=TLSRPTv1; rua=mailto:tlsrpt@rcpt.example"
; MTA-STS policies that cannot be used: a redirect, the wrong type, a certificate mismatch
moved.example.             300 IN MX   10 mx1.rcpt.example.
_mta-sts.moved.example.    300 IN TXT  "v=STSv1; id=1"
mta-sts.moved.example.     300 IN A    127.0.0.1
html.example.              300 IN MX   10 mx1.rcpt.example.
_mta-sts.html.example.     300 IN TXT  "v=STSv1; id=1"
mta-sts.html.example.      300 IN A    127.0.0.1
badcert.example.           300 IN MX   10 mx1.rcpt.example.
_mta-sts.badcert.example.  300 IN TXT  "v=STSv1; id=1"
mta-sts.badcert.example.   300 IN A    127.0.0.1
; --- block and allow lists --------------------------------------------------------------
10.2.0.192.zen.spamhaus.org. 300 IN A  127.0.0.4
10.2.0.192.zen.spamhaus.org. 300 IN TXT "https://check.spamhaus.example/query/ip/192.0.2.10"
10.2.0.192.sbl.spamhaus.org. 300 IN A  127.255.255.254
10.2.0.192.list.dnswl.org.   300 IN A  127.0.5.2
10.2.0.192.rewrite.example.  300 IN A  203.0.113.1
; --- SPF shapes for check_spf over the wire ------------------------------------------------
inc.example.               300 IN TXT  "v=spf1 include:inc1.example include:inc2.example -all"
inc1.example.              300 IN TXT  "v=spf1 ip4:198.51.100.0/24 -all"
inc2.example.              300 IN TXT  "v=spf1 redirect=red.example"
red.example.               300 IN TXT  "v=spf1 mx a:host.red.example -all"
red.example.               300 IN MX   10 mx.red.example.
mx.red.example.            300 IN AAAA 2001:db8::25
host.red.example.          300 IN A    192.0.2.33
macro.example.             300 IN TXT  "v=spf1 exists:%{ir}.%{l1r+}._spf.%{d} -all"
33.2.0.192.bob._spf.macro.example. 300 IN A 127.0.0.2
loop.example.              300 IN TXT  "v=spf1 include:loop2.example -all"
loop2.example.             300 IN TXT  "v=spf1 include:loop.example -all"
slow.example.              300 IN TXT  "v=spf1 include:silent.example -all"
broken.example.            300 IN TXT  "v=spf1 include:servfail.example -all"
"""
TLSA_DATA = "0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6"
EXTRA = (
    f"_25._tcp.mx1.rcpt.example. 300 IN TLSA 3 1 1 {TLSA_DATA}\n"
    f"_25._tcp.mx2.rcpt.example. 300 IN TLSA 3 1 1 {TLSA_DATA}\n"
    # eleven DNS-querying terms (RFC 7208 4.6.4), and three void lookups
    'many.example. 300 IN TXT "v=spf1 '
    + " ".join(f"a:h{i}.example" for i in range(1, 12))
    + ' ip4:192.0.2.33 -all"\n'
    'void.example. 300 IN TXT "v=spf1 a:nx1.example a:nx2.example a:nx3.example -all"\n'
    + "".join(f"h{i}.example. 300 IN A 192.0.2.{100 + i}\n" for i in range(1, 12))
)
BIG_SPF = "v=spf1 " + " ".join(f"ip4:198.51.{i}.0/24" for i in range(40)) + " ip4:192.0.2.33 -all"


@pytest.fixture(scope="session")
def dns_server() -> Iterator[LoopbackDns]:
    """UDP and TCP DNS on 127.0.0.1 only, on a free port, serving :data:`ZONE`."""
    zone = Zone(
        ZONE + EXTRA + txt_zone_line("big.example.", BIG_SPF),
        servfail={"7.100.51.198.in-addr.arpa.", "servfail.example."},
        silent={"silent.example.", "10.2.0.192.slow.example."},
        truncate={"big.example."},
        secure={"rcpt.example.", "_25._tcp.mx1.rcpt.example."},
    )
    with serve(zone) as server:
        yield server


# --- HTTPS ------------------------------------------------------------------------------

POLICIES = {
    "mta-sts.rcpt.example": (
        200,
        "text/plain",
        "version: STSv1\r\nmode: enforce\r\nmx: mx1.rcpt.example\r\nmax_age: 86400\r\n",
    ),
    "mta-sts.moved.example": (301, "text/html", ""),
    "mta-sts.html.example": (200, "text/html", "<html>version: STSv1</html>"),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        status, ctype, body = POLICIES.get(host, (404, "text/plain", "not here"))
        if self.path != "/.well-known/mta-sts.txt":
            status, body = 404, "not here"
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if status == 301:
            self.send_header("Location", "https://elsewhere.example/policy.txt")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class LoopbackHttps:
    port: int
    client_context: ssl.SSLContext


@pytest.fixture(scope="session")
def https_server() -> Iterator[LoopbackHttps]:
    """HTTPS on 127.0.0.1 with a certificate from a test CA for the policy hosts (not for
    ``mta-sts.badcert.example``, whose fetch must fail the certificate check)."""
    ca = trustme.CA()
    cert = ca.issue_cert(*POLICIES)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(server_context)
    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ca.configure_trust(client_context)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield LoopbackHttps(int(httpd.server_address[1]), client_context)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
