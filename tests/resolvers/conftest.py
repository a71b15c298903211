"""A real DNS server on 127.0.0.1 (dnslib, in-process) for testing DnsResolver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..loopback_dns import LoopbackDns, Zone, serve, txt_zone_line

# Name -> behaviour. TXT values longer than 255 octets are split into character-strings.
BIG = "v=DKIM1; k=rsa; p=" + "A" * 700


@pytest.fixture(scope="module")
def loopback_dns() -> Iterator[LoopbackDns]:
    """UDP+TCP DNS server bound to 127.0.0.1 only, on a free port."""
    zone = Zone(
        txt_zone_line("s1._domainkey.example.com.", "v=DKIM1; k=rsa; p=MIIBIjAN")
        + txt_zone_line("big._domainkey.example.com.", BIG)
        + txt_zone_line("tc._domainkey.example.com.", BIG),
        servfail={"broken._domainkey.example.com."},
        silent={"slow._domainkey.example.com."},
        truncate={"tc._domainkey.example.com."},
    )
    with serve(zone) as server:
        yield server
