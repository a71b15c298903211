"""A real authoritative DNS server on 127.0.0.1 (dnslib, in-process, UDP and TCP on one free
port) for the tests of DnsResolver and the live checks: tests never leave loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from dnslib import QTYPE, RCODE, RR, DNSRecord
from dnslib.dns import DNSError
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer

__all__ = ["LoopbackDns", "Zone", "free_port", "serve", "txt_zone_line"]


def txt_zone_line(name: str, text: str) -> str:
    """A zone-file TXT line for ``text`` of any length (character-strings of 200 octets)."""
    chunks = [text[i : i + 200] for i in range(0, len(text), 200)]
    return f"{name} 300 IN TXT " + " ".join(f'"{c}"' for c in chunks) + "\n"


@dataclass
class Zone(BaseResolver):  # type: ignore[misc]
    """An authoritative server for every name in ``text``: CNAMEs are chased inside the zone,
    ``servfail`` names answer SERVFAIL, ``silent`` ones are dropped (the client times out),
    ``truncate`` ones answer TC over UDP, and answers for ``secure`` names carry AD.
    ``queries`` records (name, type, protocol) of every query."""

    text: str
    servfail: set[str] = field(default_factory=set)
    silent: set[str] = field(default_factory=set)
    truncate: set[str] = field(default_factory=set)
    secure: set[str] = field(default_factory=set)
    queries: list[tuple[str, str, str]] = field(default_factory=list)
    records: dict[tuple[str, str], list[RR]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for rr in RR.fromZone(self.text):
            name = str(rr.rname).lower()
            self.records.setdefault((name, QTYPE[rr.rtype]), []).append(rr)
            self.names.add(name)

    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        qname = str(request.q.qname).lower()
        qtype = QTYPE[request.q.qtype]
        self.queries.append((qname, qtype, handler.protocol))
        reply = request.reply()
        reply.header.aa = 1
        reply.header.ad = 0  # reply() copies the query's flags; AD only for secure names
        if qname in self.silent:
            raise DNSError("dropped")  # dnslib sends nothing: the client times out
        if qname in self.servfail:
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        if qname in self.truncate and handler.protocol == "udp":
            reply.header.tc = 1  # empty truncated answer; the client must retry over TCP
            return reply
        name = qname
        for _ in range(8):
            if (name, qtype) in self.records:
                for rr in self.records[(name, qtype)]:
                    reply.add_answer(rr)
                break
            alias = self.records.get((name, "CNAME")) if qtype != "CNAME" else None
            if not alias:
                if name not in self.names:
                    reply.header.rcode = RCODE.NXDOMAIN
                break
            reply.add_answer(alias[0])
            name = str(alias[0].rdata.label).lower()
        if name in self.secure:
            reply.header.ad = 1
        return reply


def free_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1."""
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


@contextmanager
def serve(zone: Zone) -> Iterator[LoopbackDns]:
    """``zone`` served over UDP and TCP on 127.0.0.1 only, on a free port, until the end of
    the ``with`` block."""
    port = free_port()
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
