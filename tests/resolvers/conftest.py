"""A real DNS server on 127.0.0.1 (dnslib, in-process) for testing DnsResolver."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from dnslib import QTYPE, RCODE, RR, TXT, DNSRecord
from dnslib.dns import DNSError
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer

# Name -> behaviour. TXT values longer than 255 octets are split into character-strings.
BIG = "v=DKIM1; k=rsa; p=" + "A" * 700


@dataclass
class Zone(BaseResolver):  # type: ignore[misc]
    txt: dict[str, str] = field(default_factory=dict)
    servfail: set[str] = field(default_factory=set)
    silent: set[str] = field(default_factory=set)
    truncate: set[str] = field(default_factory=set)
    queries: list[tuple[str, str]] = field(default_factory=list)

    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        qname = str(request.q.qname).lower()
        proto = handler.protocol
        self.queries.append((qname, proto))
        reply = request.reply()
        reply.header.aa = 1
        if qname in self.silent:
            raise DNSError("dropped")  # dnslib sends nothing: the client times out
        if qname in self.servfail:
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        if qname in self.truncate and proto == "udp":
            reply.header.tc = 1  # empty truncated answer; the client must retry over TCP
            return reply
        if qname in self.txt:
            if QTYPE[request.q.qtype] != "TXT":
                return reply  # NODATA
            value = self.txt[qname].encode()
            reply.add_answer(
                RR(
                    request.q.qname,
                    QTYPE.TXT,
                    ttl=300,
                    rdata=TXT([value[i : i + 255] for i in range(0, len(value), 255)]),
                )
            )
            return reply
        reply.header.rcode = RCODE.NXDOMAIN
        return reply


def _free_port() -> int:
    while True:
        t = socket.socket()
        t.bind(("127.0.0.1", 0))
        port = int(t.getsockname()[1])
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
            return port
        except OSError:
            pass
        finally:
            t.close()
            u.close()


@dataclass
class LoopbackDns:
    zone: Zone
    port: int


@pytest.fixture(scope="module")
def loopback_dns() -> Iterator[LoopbackDns]:
    """UDP+TCP DNS server bound to 127.0.0.1 only, on a free port."""
    zone = Zone(
        txt={
            "s1._domainkey.example.com.": "v=DKIM1; k=rsa; p=MIIBIjAN",
            "big._domainkey.example.com.": BIG,
            "tc._domainkey.example.com.": BIG,
        },
        servfail={"broken._domainkey.example.com."},
        silent={"slow._domainkey.example.com."},
        truncate={"tc._domainkey.example.com."},
    )
    port = _free_port()
    quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    servers = [
        DNSServer(zone, address="127.0.0.1", port=port, logger=quiet),
        DNSServer(zone, address="127.0.0.1", port=port, tcp=True, logger=quiet),
    ]
    for s in servers:
        s.start_thread()
    try:
        yield LoopbackDns(zone, port)
    finally:
        for s in servers:
            s.stop()
            s.server.server_close()
