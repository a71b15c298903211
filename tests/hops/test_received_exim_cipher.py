"""Exim 4.0x-4.6x wrote TLS as "(Cipher TLSv1:DES-CBC3-SHA:168)" after the protocol."""

from __future__ import annotations

from headerlens import parse_received
from headerlens.hops.models import TlsInfo


def test_exim_cipher_comment_is_tls_not_software() -> None:
    r = parse_received(
        "from a.example.net ([192.0.2.9] helo=a.example.net) by mx.example.org with esmtp"
        " (Cipher TLSv1:DES-CBC3-SHA:168) (Exim 4.10) id 17abc-0001 for b@example.org;"
        " Tue, 3 Sep 2002 10:00:00 +0100"
    )
    assert (r.tls, r.software, r.protocol, r.from_ip, r.from_helo, r.id) == (
        TlsInfo(version="TLSv1", cipher="DES-CBC3-SHA", bits=168),
        "Exim 4.10",
        "esmtp",
        "192.0.2.9",
        "a.example.net",
        "17abc-0001",
    )
