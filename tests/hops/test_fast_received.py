"""The Received fast path must give exactly what the general reader gives, or stand aside."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from headerlens.hops import _fast, _general
from headerlens.hops import received as rcv
from headerlens.parse import parse

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _same(value: str) -> bool:
    """True when the fast path was taken; asserts it equals the general reader."""
    fast = _fast._fast_received(value, 4, "Received")
    if fast is None:
        return False
    general = _general._parse_general(value, 4, "Received")
    assert fast.model_dump() == general.model_dump(), value
    assert repr(fast) == repr(general), value
    assert fast.model_dump_json() == general.model_dump_json(), value
    return True


TAKEN = {
    "postfix-rdns-ip": "from mx.example.org (mx.example.org [192.0.2.7]) by in.example.net"
    " (Postfix) with ESMTPS id 4Z1 for <bob@example.net>; Tue, 3 Mar 2026 09:50:05 +0000 (UTC)",
    "postfix-unknown-rdns": "from h.example (unknown [198.51.100.9]) by x.example (Postfix)"
    " with ESMTPSA id 1; Tue, 3 Mar 2026 09:50:05 -0800",
    "sendmail-ident": "from lugh (root@localhost [127.0.0.1]) by lugh.tuatha.org\r\n"
    "\t(8.9.3/8.9.3) with ESMTP id XAA31310; Fri, 9 Aug 2002 23:00:23 +0100",
    "sendmail-literal-only": "from l1.example ([64.25.38.71])\tby webnote.net (8.9.3/8.9.3)"
    " with ESMTP id WAA15339\tfor <z@example.org>; Fri, 30 Aug 2002 22:27:57 +0100",
    "exim3-helo-eq": "from d.example ([212.135.210.194] helo=mail.example.hu) by ns0.example"
    " with smtp (Exim 3.20 #3 (Debian)) id 17DnOQ-0008GH-00; Fri, 31 May 2002 07:28:39 -0700",
    "exim3-literal-rdns": "from d.example ([212.135.210.194]:4567) by ns0.example with esmtp"
    " (Exim 3.35 #1 (Debian)) id 17DnOQ-0008GH-00 for x@example.org; Fri, 31 May 2002 07:28:39",
    "fetchmail-top-literal": "from jalapeno [127.0.0.1]\tby localhost with IMAP"
    " (fetchmail-5.9.0)\tfor jm@localhost (single-drop); Tue, 01 Oct 2002 10:36:44 +0100 (IST)",
    "ipv6-literal": "from a.example (a.example [IPv6:2001:db8:0:0::1]) by b.example (Postfix)"
    " with LMTP id 7; 3 Mar 2026 09:50:05 +0000",
    "unreadable-date": "from a.example (a.example [192.0.2.1]) by b.example with SMTP; junk",
    "empty-date": "from a.example (a.example [192.0.2.1]) by b.example with SMTP id 9;  ",
    "sendmail-submission-comment": "(from alice@localhost)\tby h.example (8.11.6/8.11.6)"
    " id g8N; Mon, 23 Sep 2002 17:51:37 +0100",
    "sendmail-submission-user": "(from root) by h.example (8.12.5/8.12.5/Submit) id g8N"
    " for root; Mon, 23 Sep 2002 17:51:37 +0100",
    "sendmail-may-be-forged": "from a.example (b.example [192.0.2.1] (may be forged)) by"
    " c.example (8.11.6/8.11.6) with ESMTP id g8; Mon, 23 Sep 2002 17:51:37 +0100",
    "no-peer-ip": "from mail.example by smtp.example with SMTP; Mon, 23 Sep 2002 17:51:37 +0100",
    "by-ip": "from a.example ([192.0.2.1]) by 10.0.0.1 with HTTP; 3 Mar 2026 09:50:05 +0000",
    "sendmail-tls-after-id": "from a.example (a.example [192.0.2.1]) by b.example"
    " (8.12.3/8.12.3) with ESMTP id g7Q (version=TLSv1/SSLv3 cipher=EDH-RSA-DES-CBC3-SHA"
    " bits=168 verify=FAIL) for <x@example.org>; Mon, 26 Aug 2002 10:51:30 -0500",
    "sendmail-tls-no-verify": "from a.example (a.example [192.0.2.1]) by b.example"
    " (8.12.3/8.12.3) with ESMTP id g7Q (version=TLSv1.2 cipher=AES256 bits=0256\r\n\t);"
    " Mon, 26 Aug 2002 10:51:30 -0500",
    "sendmail-envelope-from-after-date": "from a.example (localhost [127.0.0.1])\tby b.example"
    " (8.12.5/8.12.5) with ESMTP id g6O\t(version=TLSv1/SSLv3 cipher=EDH-DSS-DES-CBC3-SHA"
    " bits=168 verify=NO)\tfor <c@example.net>; Wed, 24 Jul 2002 08:06:57 -0500 (CDT)"
    "\t(envelope-from c@a.example)",
    "sendmail-envelope-from-angle": "from a.example (a.example [192.0.2.1]) by b.example"
    " (8.12.5/8.12.5) with ESMTP id g6O; Wed, 24 Jul 2002 08:06:57 -0500 (Envelope-From <>)",
    "qmail-invoked-by-uid": "(qmail 19466 invoked by uid 109); 3 Sep 2002 10:00:01 -0000",
    "qmail-invoked-from-network": "(qmail 4012 invoked from network);\r\n\t3 Sep 2002 10:00 -0000",
    "qmail-messnum": "(qmail 5 messnum 77 invoked from network); junk",
    "qmail-by-alias-no-date": "(qmail 1 invoked by alias);  ",
    "qmail-helo-bare-ip": "from unknown (HELO mail.example.com) (62.189.7.27)    by"
    "    mta2.grp.scd.yahoo.com with SMTP; 22 Aug 2002 11:46:29 -0000",
    "qmail-helo-known-name": "from a.example (EHLO b.example) (192.0.2.1) by c.example"
    " with SMTP; 22 Aug 2002 11:46:29 -0000",
    "qmail-bare-ip-rdns": "from a.example (192.0.2.1) by c.example with QMQP;"
    " 22 Aug 2002 11:46:29 -0000",
    "qmail-bare-ip-no-dot": "from localhost (127.0.0.1) by c.example with SMTP;"
    " 22 Aug 2002 11:46:29 -0000",
    "qmail-bare-ip-unknown": "from unknown (192.0.2.1) by c.example with SMTP;"
    " 22 Aug 2002 11:46:29 -0000",
    "old-exim-ip-port": "from a.example (10.0.8.6.13219) by c.example with SMTP;"
    " 22 Aug 2002 11:46:29 -0000",
    "microsoft-bare-ip": "from a.example (192.0.2.1) by c.example with Microsoft SMTPSVC;"
    " 22 Aug 2002 11:46:29 -0000",
    "postfix-local-userid": "by mx.example.org (Postfix, from userid 1000)\r\n\tid 5B0F616F16;"
    "  Tue,  3 Mar 2026 10:00:01 +0100 (CET)",
    "postfix-local-userid-for": "by 192.0.2.9 (Postfix, from userid 0) id 5B0F for"
    " <a@example.org>; Tue,  3 Mar 2026 10:00:01 +0100",
    "postfix-local-userid-bad-date": "by mx.example.org (Postfix, from userid 0) id 5B; soon",
    "microsoft-pickup-service": "from mail pickup service by hotmail.com with Microsoft"
    " SMTPSVC;\r\n\t Thu, 22 Aug 2002 18:20:23 -0700",
    "microsoft-smtpsvc-version": "from ims.example ([207.193.111.247]) by\r\n\tmx.example"
    " with Microsoft  SMTPSVC(5.0.2195.2966);\r\n\tMon, 2 Sep 2002 04:55:27 -0500",
}

FALLBACK = {
    "keyword-as-helo": "from by (a [192.0.2.1]) by b with SMTP; 3 Mar 2026 09:50:05 +0000",
    "glued-keyword": "from a ([192.0.2.1])by b.examplewith smtp id 1; 3 Mar 2026 09:50 +0000",
    "tls-comment": "from a (a [192.0.2.1]) by b (version=TLSv1.2 cipher=X bits=256) with ESMTP"
    " id 1; 3 Mar 2026 09:50:05 +0000",
    "ip-helo": "from 192.0.2.1 (a [192.0.2.1]) by b with SMTP; 3 Mar 2026 09:50:05 +0000",
    "bad-literal": "from a (a [999.1.1.1]) by b with SMTP; 3 Mar 2026 09:50:05 +0000",
    "by-comment-ip": "from a (a [192.0.2.1]) by b (10.1.2.3) with SMTP; 3 Mar 2026 09:50 +0000",
    "keyword-in-date": "from a (a [192.0.2.1]) by b with SMTP; 3 Mar 2026 for x 09:50 +0000",
    "verified-word": "from a (verified [192.0.2.1]) by b with SMTP; 3 Mar 2026 09:50 +0000",
    "tls-comment-extra-key": "from a (a [192.0.2.1]) by b with ESMTP id 1 (version=TLSv1"
    " cipher=X bits=1 verify=NO authenticated) for x; 3 Mar 2026 09:50:05 +0000",
    "tls-comment-no-id": "from a (a [192.0.2.1]) by b with ESMTP (version=TLSv1 cipher=X"
    " bits=1); 3 Mar 2026 09:50:05 +0000",
    "envelope-from-uid": "from a (a [192.0.2.1]) by b with ESMTP id 1; 3 Mar 2026 09:50:05"
    " +0000 (envelope-from x, uid 502)",
    "microsoft-smtpsvc-glued": "from a ([192.0.2.1]) by b with Microsoft SMTPSVCX;"
    " Mon, 2 Sep 2002 04:55:27 -0500",
    "qmail-bad-bare-ip": "from a.example (HELO b) (999.1.2.3) by c.example with SMTP;"
    " 22 Aug 2002 11:46:29 -0000",
    "userid-envelope-word": "by b (envelope-from, from userid 0) id 5B; 3 Mar 2026 10:00 +0000",
    "userid-upper-case": "by b (Postfix, FROM userid 0) id 5B; 3 Mar 2026 10:00:01 +0000",
    "userid-keyword-host": "by for (Postfix, from userid 0) id 5B; 3 Mar 2026 10:00:01 +0000",
    "userid-cue-zone": "by b (Postfix, from userid 0) id 5B; 3 Mar 2026 10:00 +0000 (via x)",
    "qmail-upper-case": "(QMAIL 1 Invoked by uid 2); 3 Sep 2002 10:00:01 -0000",
    "qmail-keyword-after-date": "(qmail 1 invoked by uid 2); 3 Sep 2002 10:00:01 -0000 by x",
    "qmail-date-comment": "(qmail 1 invoked by uid 2); 3 Sep 2002 10:00:01 -0000 (UTC)",
}


@pytest.mark.parametrize("value", TAKEN.values(), ids=TAKEN.keys())
def test_fast_path_taken_and_equal(value: str) -> None:
    assert _same(value)


@pytest.mark.parametrize("value", FALLBACK.values(), ids=FALLBACK.keys())
def test_fast_path_stands_aside(value: str) -> None:
    assert _fast._fast_received(value, 4, "Received") is None
    assert rcv.parse_received_at(value, 4) == _general._parse_general(value, 4, "Received")


def test_parse_received_uses_fast_path() -> None:
    value = TAKEN["postfix-rdns-ip"]
    assert rcv.parse_received(value) == _general._parse_general(value, None, "Received")


def _corpus_values() -> list[str]:
    root = os.environ.get("HEADERLENS_CORPORA")
    if not root:
        pytest.skip("HEADERLENS_CORPORA is not set (third-party corpora absent)")
    values: list[str] = []
    cases = json.loads((Path(root) / "spamassassin" / "rcvd_parser.json").read_text())["cases"]
    values += [c["received"] for c in cases]
    paths = sorted((Path(root) / "spamassassin-public-corpus").rglob("*.txt"))
    paths += sorted(SAMPLES.rglob("*.eml"))
    for p in paths:
        if p.name.startswith("LICENSE"):
            continue
        msg = parse(p.read_bytes())
        values += [f.value for f in msg.headers if f.name.lower() in ("received", "x-received")]
    return values


def test_fast_path_equals_general_reader_on_every_corpus_value() -> None:
    values = _corpus_values()
    taken = sum(_same(v) for v in values)
    print(f"fast path taken for {taken:,} of {len(values):,} Received values, all equal")
    assert taken > len(values) // 2
