# ruff: noqa: E501  (the table holds real-length Received values)
"""parse_received: one table row per MTA layout and quirk, whole models compared.

Each row: the field value, every non-default field of the expected :class:`Received` (raw,
comments and date aside; the date is checked as an aware datetime), and the defect codes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from headerlens.defects import DEFECT_CODES, DefectLog
from headerlens.errors import DefectError
from headerlens.hops.models import Received, TlsInfo
from headerlens.hops.received import normalize_ip, parse_received

# id, value, expected fields, expected date (ISO 8601) or None, defect codes
CASES: list[tuple[str, str, dict[str, Any], str | None, list[str]]] = [
    (
        "postfix-tls13-nested-comments",
        "from mail.example.net (mail.example.net [203.0.113.5])\r\n (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n (No client certificate requested)\r\n by mx.example.org (Postfix) with ESMTPS id 4RZ1x23ZqTz9sQp\r\n for <bob@example.org>; Tue,  3 Mar 2026 10:00:01 +0100 (CET)",
        {
            "from_helo": "mail.example.net",
            "from_rdns": "mail.example.net",
            "from_ip": "203.0.113.5",
            "by_host": "mx.example.org",
            "protocol": "ESMTPS",
            "id": "4RZ1x23ZqTz9sQp",
            "for_addr": "bob@example.org",
            "tls": {"version": "TLSv1.3", "cipher": "TLS_AES_256_GCM_SHA384", "bits": 256},
            "software": "Postfix",
        },
        "2026-03-03T10:00:01+01:00",
        [],
    ),
    (
        "postfix-unknown-rdns",
        "from helo.example.net (unknown [198.51.100.23]) by mx.example.org (Postfix) with ESMTP id 4RZ1x2; Tue, 3 Mar 2026 10:00:01 +0000",
        {
            "from_helo": "helo.example.net",
            "from_ip": "198.51.100.23",
            "by_host": "mx.example.org",
            "protocol": "ESMTP",
            "id": "4RZ1x2",
            "software": "Postfix",
        },
        "2026-03-03T10:00:01+00:00",
        [],
    ),
    (
        "postfix-ipv6-literal",
        "from mail.example.net (mail.example.net [IPv6:2001:db8:0:0::25]) by mx.example.org (Postfix) with ESMTPS id 4RZ1x3; Tue, 3 Mar 2026 10:00:01 +0000",
        {
            "from_helo": "mail.example.net",
            "from_rdns": "mail.example.net",
            "from_ip": "2001:db8::25",
            "by_host": "mx.example.org",
            "protocol": "ESMTPS",
            "id": "4RZ1x3",
            "tls": {},
            "software": "Postfix",
        },
        "2026-03-03T10:00:01+00:00",
        [],
    ),
    (
        "postfix-local-from-userid",
        "by host.example.org (Postfix, from userid 0)\n id 6C1F3C0123; Tue,  3 Mar 2026 10:00:00 +0000 (UTC)",
        {
            "by_host": "host.example.org",
            "id": "6C1F3C0123",
            "relay": False,
            "kind": "local",
            "software": "Postfix",
            "local_uid": "0",
        },
        "2026-03-03T10:00:00+00:00",
        [],
    ),
    (
        "postfix-authenticated-sender",
        "from laptop (dyn.example.net [203.0.113.9]) (Authenticated sender: alice@example.org) by smtp.example.org (Postfix) with ESMTPSA id 4RZ; Tue, 3 Mar 2026 10:00:01 +0000",
        {
            "from_helo": "laptop",
            "from_rdns": "dyn.example.net",
            "from_ip": "203.0.113.9",
            "by_host": "smtp.example.org",
            "protocol": "ESMTPSA",
            "id": "4RZ",
            "tls": {},
            "authenticated": True,
            "software": "Postfix",
            "auth_user": "alice@example.org",
        },
        "2026-03-03T10:00:01+00:00",
        [],
    ),
    (
        "amavis-loopback-in",
        "from localhost (localhost [127.0.0.1]) by mx.example.org (amavisd-new, port 10024) with ESMTP id AbC123 for <bob@example.org>; Tue, 3 Mar 2026 10:00:00 +0000",
        {
            "from_helo": "localhost",
            "from_rdns": "localhost",
            "from_ip": "127.0.0.1",
            "by_host": "mx.example.org",
            "protocol": "ESMTP",
            "id": "AbC123",
            "for_addr": "bob@example.org",
            "relay": False,
            "kind": "loopback",
            "software": "amavisd-new, port 10024",
        },
        "2026-03-03T10:00:00+00:00",
        [],
    ),
    (
        "amavis-loopback-by-localhost",
        "from mx.example.org ([127.0.0.1]) by localhost (mx.example.org [127.0.0.1]) (amavisd-new, port 10024) with ESMTP id x1; Tue, 3 Mar 2026 10:00:00 +0000",
        {
            "from_helo": "mx.example.org",
            "from_ip": "127.0.0.1",
            "by_host": "localhost",
            "protocol": "ESMTP",
            "id": "x1",
            "relay": False,
            "kind": "loopback",
            "by_ip": "127.0.0.1",
            "software": "amavisd-new, port 10024",
        },
        "2026-03-03T10:00:00+00:00",
        [],
    ),
    (
        "exim-ipv6-port-tls12",
        "from eggs.example.org ([2001:db8:142:3::10]:47197) by lists.example.org with esmtps (TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256) (Exim 4.90_1) (envelope-from <a@example.org>) id 1hylsG-0001rL-6q for list@example.org; Fri, 16 Aug 2019 19:43:12 -0400",
        {
            "from_helo": "eggs.example.org",
            "from_rdns": "eggs.example.org",
            "from_ip": "2001:db8:142:3::10",
            "from_port": 47197,
            "by_host": "lists.example.org",
            "protocol": "esmtps",
            "id": "1hylsG-0001rL-6q",
            "for_addr": "list@example.org",
            "envelope_from": "a@example.org",
            "tls": {"version": "TLS1.2", "cipher": "ECDHE_RSA_AES_256_GCM_SHA384", "bits": 256},
            "software": "Exim 4.90_1",
        },
        "2019-08-16T19:43:12-04:00",
        [],
    ),
    (
        "exim-helo-differs-tls13-cipher-word",
        "from mail.example.net ([192.0.2.9] helo=mx.example.net) by mx.example.org with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <a@example.net>) id 1qAbCd-000123-4X for b@example.org; Tue, 03 Mar 2026 10:00:01 +0100",
        {
            "from_helo": "mx.example.net",
            "from_rdns": "mail.example.net",
            "from_ip": "192.0.2.9",
            "by_host": "mx.example.org",
            "protocol": "esmtps",
            "id": "1qAbCd-000123-4X",
            "for_addr": "b@example.org",
            "envelope_from": "a@example.net",
            "tls": {"version": "TLS1.3", "cipher": "TLS_AES_256_GCM_SHA384"},
            "software": "Exim 4.96",
        },
        "2026-03-03T10:00:01+01:00",
        [],
    ),
    (
        "exim-ip-first-helo-comment",
        "from [203.0.113.9] (helo=laptop) by smtp.example.org with esmtpsa (TLS1.3) tls TLS_AES_128_GCM_SHA256 (Exim 4.96) (envelope-from <a@example.org>) id 1qAbCd-000123-4Y; Tue, 3 Mar 2026 10:00:01 +0100",
        {
            "from_helo": "laptop",
            "from_ip": "203.0.113.9",
            "by_host": "smtp.example.org",
            "protocol": "esmtpsa",
            "id": "1qAbCd-000123-4Y",
            "envelope_from": "a@example.org",
            "tls": {"version": "TLS1.3", "cipher": "TLS_AES_128_GCM_SHA256"},
            "authenticated": True,
            "software": "Exim 4.96",
        },
        "2026-03-03T10:00:01+01:00",
        [],
    ),
    (
        "exim-local-user",
        "from alice by host.example.org with local (Exim 4.96) (envelope-from <alice@example.org>) id 1qAbCd-000123-4X; Tue, 03 Mar 2026 10:00:01 +0100",
        {
            "from_helo": "alice",
            "by_host": "host.example.org",
            "protocol": "local",
            "id": "1qAbCd-000123-4X",
            "envelope_from": "alice@example.org",
            "relay": False,
            "kind": "local",
            "software": "Exim 4.96",
        },
        "2026-03-03T10:00:01+01:00",
        [],
    ),
    (
        "exim-localhost-ipv6-loopback",
        "from localhost ([::1] helo=host.example.org) by host.example.org with esmtp (Exim 4.92.3 #3 (Red Hat Linux)) id 1qAbCd-000123-4Z; Tue, 03 Mar 2026 10:00:01 +0100",
        {
            "from_helo": "host.example.org",
            "from_rdns": "localhost",
            "from_ip": "::1",
            "by_host": "host.example.org",
            "protocol": "esmtp",
            "id": "1qAbCd-000123-4Z",
            "relay": False,
            "kind": "loopback",
            "software": "Exim 4.92.3 #3 (Red Hat Linux)",
        },
        "2026-03-03T10:00:01+01:00",
        [],
    ),
    (
        "sendmail-tls-comment-after-id",
        "from lelv0266.example.com ([10.180.67.225]) by mx.example.com (8.15.2/8.15.2) with ESMTP id 36V8Trdh038442 (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT); Mon, 31 Jul 2023 03:29:53 -0500 (envelope-from a@example.com)",
        {
            "from_helo": "lelv0266.example.com",
            "from_ip": "10.180.67.225",
            "by_host": "mx.example.com",
            "protocol": "ESMTP",
            "id": "36V8Trdh038442",
            "envelope_from": "a@example.com",
            "tls": {"version": "TLSv1.3", "cipher": "TLS_AES_256_GCM_SHA384", "bits": 256},
            "software": "8.15.2/8.15.2",
        },
        "2023-07-31T03:29:53-05:00",
        [],
    ),
    (
        "sendmail-may-be-forged-authenticated",
        "from laptop (dsl.example.net [198.51.100.163] (may be forged)) (authenticated bits=0) by mail.example.com (8.13.8/8.13.8) with ESMTP id kB3G26P6019032 for <rcpt@example.org>; Sun, 3 Dec 2006 10:02:16 -0600 (CST)",
        {
            "from_helo": "laptop",
            "from_rdns": "dsl.example.net",
            "from_ip": "198.51.100.163",
            "by_host": "mail.example.com",
            "protocol": "ESMTP",
            "id": "kB3G26P6019032",
            "for_addr": "rcpt@example.org",
            "authenticated": True,
            "software": "8.13.8/8.13.8",
        },
        "2006-12-03T10:02:16-06:00",
        [],
    ),
    (
        "sendmail-local-submit",
        "(from alice@localhost) by host.example.com (8.15.2/8.15.2/Submit) id 36V8Trdh038443; Mon, 31 Jul 2023 03:29:53 -0500",
        {
            "by_host": "host.example.com",
            "id": "36V8Trdh038443",
            "relay": False,
            "kind": "local",
            "from_ident": "alice@localhost",
            "software": "8.15.2/8.15.2/Submit",
        },
        "2023-07-31T03:29:53-05:00",
        [],
    ),
    (
        "qmail-invoked-by-uid",
        "(qmail 19466 invoked by uid 109); 8 May 2017 20:18:58 -0000",
        {"relay": False, "kind": "local", "local_uid": "109"},
        "2017-05-08T20:18:58+00:00",
        [],
    ),
    (
        "qmail-invoked-from-network",
        "(qmail 4012 invoked from network); 8 Sep 2010 23:12:19 -0000",
        {"relay": False, "kind": "local"},
        "2010-09-08T23:12:19+00:00",
        [],
    ),
    (
        "qmail-helo-comment-bare-ip",
        "from unknown (HELO host.example.net) (203.0.113.5) by mx.example.org with SMTP; 3 Mar 2026 10:00:01 -0000",
        {
            "from_helo": "host.example.net",
            "from_ip": "203.0.113.5",
            "by_host": "mx.example.org",
            "protocol": "SMTP",
        },
        "2026-03-03T10:00:01+00:00",
        [],
    ),
    (
        "qmail-rdns-ident-at-ip",
        "from shell.example.net (alice@198.51.100.23) by mail.example.org with SMTP; 3 Mar 2026 10:00:01 -0000",
        {
            "from_helo": "shell.example.net",
            "from_rdns": "shell.example.net",
            "from_ip": "198.51.100.23",
            "by_host": "mail.example.org",
            "protocol": "SMTP",
            "from_ident": "alice",
        },
        "2026-03-03T10:00:01+00:00",
        [],
    ),
    (
        "m365-bare-ips-tls-folded-date",
        "from SATLEXMB04.example.com (198.51.100.17) by CY4PEPF0000E9D5.mail.protection.outlook.com (10.167.241.76) with Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) id 15.20.7292.25 via Frontend\r\n Transport; Wed, 28 Feb\r\n 2024 18:41:27 +0000",
        {
            "from_helo": "SATLEXMB04.example.com",
            "from_ip": "198.51.100.17",
            "by_host": "CY4PEPF0000E9D5.mail.protection.outlook.com",
            "via": "Frontend Transport",
            "protocol": "Microsoft SMTP Server",
            "id": "15.20.7292.25",
            "tls": {"version": "TLS1_2", "cipher": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
            "by_ip": "10.167.241.76",
        },
        "2024-02-28T18:41:27+00:00",
        [],
    ),
    (
        "m365-bare-ipv6",
        "from AM6PR08MB4440.eurprd08.prod.outlook.com (2603:10a6:20b:1::12) by DB8PR08MB5034.eurprd08.prod.outlook.com (2603:10a6:10:e1::21) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.3846.12; Thu, 7 Jan 2021 18:41:33 +0000",
        {
            "from_helo": "AM6PR08MB4440.eurprd08.prod.outlook.com",
            "from_ip": "2603:10a6:20b:1::12",
            "by_host": "DB8PR08MB5034.eurprd08.prod.outlook.com",
            "protocol": "Microsoft SMTP Server",
            "id": "15.20.3846.12",
            "tls": {"version": "TLS1_2", "cipher": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
            "by_ip": "2603:10a6:10:e1::21",
        },
        "2021-01-07T18:41:33+00:00",
        [],
    ),
    (
        "exchange-mapi-link-local-zone",
        "from SN6PR12MB2767.namprd12.prod.outlook.com ([fe80::209d:4e20:fc9e:a726]) by SN6PR12MB2767.namprd12.prod.outlook.com ([fe80::209d:4e20:fc9e:a726%6]) with mapi id 15.20.3742.006; Thu, 7 Jan 2021 18:41:31 +0000",
        {
            "from_helo": "SN6PR12MB2767.namprd12.prod.outlook.com",
            "from_ip": "fe80::209d:4e20:fc9e:a726",
            "by_host": "SN6PR12MB2767.namprd12.prod.outlook.com",
            "protocol": "mapi",
            "id": "15.20.3742.006",
            "relay": False,
            "kind": "local",
            "by_ip": "fe80::209d:4e20:fc9e:a726%6",
        },
        "2021-01-07T18:41:31+00:00",
        [],
    ),
    (
        "exchange-onprem-tls-build-id",
        "from EXCH01.corp.example.com (10.1.2.3) by EXCH02.corp.example.com (10.1.2.4) with Microsoft SMTP Server (TLS) id 15.0.1497.2 via Mailbox Transport; Thu, 7 Jan 2021 18:41:31 +0100",
        {
            "from_helo": "EXCH01.corp.example.com",
            "from_ip": "10.1.2.3",
            "by_host": "EXCH02.corp.example.com",
            "via": "Mailbox Transport",
            "protocol": "Microsoft SMTP Server",
            "id": "15.0.1497.2",
            "tls": {"version": "TLS"},
            "by_ip": "10.1.2.4",
        },
        "2021-01-07T18:41:31+01:00",
        [],
    ),
    (
        "gmail-by-bare-ipv6",
        "by 2002:a05:6214:2f8a:b0:4bb:92b0:3873 with SMTP id r1csp1234567qvj; Tue, 8 Nov 2022 04:25:52 -0800 (PST)",
        {
            "by_host": "2002:a05:6214:2f8a:b0:4bb:92b0:3873",
            "protocol": "SMTP",
            "id": "r1csp1234567qvj",
            "relay": False,
            "kind": "local",
            "by_ip": "2002:a05:6214:2f8a:b0:4bb:92b0:3873",
        },
        "2022-11-08T04:25:52-08:00",
        [],
    ),
    (
        "gmail-smtps-google-transport-security",
        "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id a640c23a62f3a-sor1234567a.12.2026.03.03.02.00.01 for <bob@example.org> (Google Transport Security); Tue, 03 Mar 2026 02:00:01 -0800 (PST)",
        {
            "from_helo": "mail-sor-f41.google.com",
            "from_rdns": "mail-sor-f41.google.com",
            "from_ip": "209.85.220.41",
            "by_host": "mx.google.com",
            "protocol": "SMTPS",
            "id": "a640c23a62f3a-sor1234567a.12.2026.03.03.02.00.01",
            "for_addr": "bob@example.org",
            "tls": {},
        },
        "2026-03-03T02:00:01-08:00",
        [],
    ),
    (
        "gmail-esmtpsa-tls-bits",
        "from [192.168.1.10] ([203.0.113.77]) by smtp.gmail.com with ESMTPSA id u7sm123456wrq.12.2026.03.03.02.00.00 for <bob@example.org> (version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256 bits=128/128); Tue, 03 Mar 2026 02:00:00 -0800 (PST)",
        {
            "from_helo": "[192.168.1.10]",
            "from_ip": "203.0.113.77",
            "by_host": "smtp.gmail.com",
            "protocol": "ESMTPSA",
            "id": "u7sm123456wrq.12.2026.03.03.02.00.00",
            "for_addr": "bob@example.org",
            "tls": {"version": "TLS1_3", "cipher": "TLS_AES_128_GCM_SHA256", "bits": 128},
            "authenticated": True,
        },
        "2026-03-03T02:00:00-08:00",
        [],
    ),
    (
        "domino-space-before-semicolon",
        "from fox-host8.localdomain ([10.74.120.8]) by smtp06.example.com (Lotus Domino Release 8.5.3FP6) with ESMTP id 2019050615032991-10027949 ;\r\n Mon, 6 May 2019 15:03:29 +0800 ",
        {
            "from_helo": "fox-host8.localdomain",
            "from_ip": "10.74.120.8",
            "by_host": "smtp06.example.com",
            "protocol": "ESMTP",
            "id": "2019050615032991-10027949",
            "software": "Lotus Domino Release 8.5.3FP6",
        },
        "2019-05-06T15:03:29+08:00",
        [],
    ),
    (
        "amazon-ses-rdns-trailing-dot",
        "from a35-129.smtp-out.amazonses.com (a35-129.smtp-out.amazonses.com. [54.240.35.129]) by mx.google.com with ESMTPS id abc.123; Thu, 26 Nov 2020 08:52:42 -0800 (PST)",
        {
            "from_helo": "a35-129.smtp-out.amazonses.com",
            "from_rdns": "a35-129.smtp-out.amazonses.com",
            "from_ip": "54.240.35.129",
            "by_host": "mx.google.com",
            "protocol": "ESMTPS",
            "id": "abc.123",
            "tls": {},
        },
        "2020-11-26T08:52:42-08:00",
        [],
    ),
    (
        "sendgrid-go-time-no-semicolon",
        "by filterdrecv-8684c58db7-wf85l with SMTP id filterdrecv-8684c58db7-wf85l-1-648B9008-F\r\n 2023-06-15 22:26:16.509597009 +0000 UTC m=+3106083.316181628",
        {
            "by_host": "filterdrecv-8684c58db7-wf85l",
            "protocol": "SMTP",
            "id": "filterdrecv-8684c58db7-wf85l-1-648B9008-F",
            "relay": False,
            "kind": "local",
        },
        "2023-06-15T22:26:16.509597+00:00",
        ["received.no_semicolon"],
    ),
    (
        "sendgrid-ms-date-no-semicolon",
        "from [192.0.2.50] (unknown) by geopod-ismtpd-1 (SG) with ESMTP id -vigL8FLQS-IWjwBkT_I7g Thu, 15 Jun 2023 22:26:15.888 +0000 (UTC)",
        {
            "from_helo": "[192.0.2.50]",
            "from_ip": "192.0.2.50",
            "by_host": "geopod-ismtpd-1",
            "protocol": "ESMTP",
            "id": "-vigL8FLQS-IWjwBkT_I7g",
            "software": "SG",
        },
        "2023-06-15T22:26:15.888000+00:00",
        ["received.no_semicolon"],
    ),
    (
        "vger-quoted-helo-semicolon-in-comment",
        'from w241.example.net ([198.51.100.241]:62218 "HELO machine.example.net") by vger.kernel.org with SMTP id S932534AbVHKXDo (ORCPT <rfc822;git@vger.kernel.org>); Thu, 11 Aug 2005 19:03:44 -0400',
        {
            "from_helo": "machine.example.net",
            "from_rdns": "w241.example.net",
            "from_ip": "198.51.100.241",
            "from_port": 62218,
            "by_host": "vger.kernel.org",
            "protocol": "SMTP",
            "id": "S932534AbVHKXDo",
        },
        "2005-08-11T19:03:44-04:00",
        [],
    ),
    (
        "intel-gateway-no-weekday",
        "from host.example.com (HELO 8745164cafc7) ([10.239.97.151]) by fmsmga006.fm.intel.com with ESMTP; 13 Aug 2022 17:01:34 -0700",
        {
            "from_helo": "8745164cafc7",
            "from_rdns": "host.example.com",
            "from_ip": "10.239.97.151",
            "by_host": "fmsmga006.fm.intel.com",
            "protocol": "ESMTP",
        },
        "2022-08-13T17:01:34-07:00",
        [],
    ),
    (
        "tessian-comment-only",
        '("Tessian outbound ff098c684b24:v54"); Mon, 27 Apr 2020 07:26:50 +0000',
        {"relay": False, "kind": "local"},
        "2020-04-27T07:26:50+00:00",
        [],
    ),
    (
        "utf8smtpsa-encrypted-authenticated",
        "by mail.zeus03.de with UTF8SMTPSA (TLS_AES_256_GCM_SHA384 encrypted, authenticated); 24 Mar 2025 10:37:31 +0100",
        {
            "by_host": "mail.zeus03.de",
            "protocol": "UTF8SMTPSA",
            "tls": {"cipher": "TLS_AES_256_GCM_SHA384"},
            "authenticated": True,
            "relay": False,
            "kind": "local",
        },
        "2025-03-24T10:37:31+01:00",
        [],
    ),
    (
        "listexpand-via",
        "by lists.example.org via listexpand id 12345; Tue, 3 Mar 2026 10:00:01 +0000",
        {
            "by_host": "lists.example.org",
            "via": "listexpand",
            "id": "12345",
            "relay": False,
            "kind": "local",
        },
        "2026-03-03T10:00:01+00:00",
        [],
    ),
    (
        "webmail-http-submission",
        "from 203.0.113.77 by webmail.example.org with HTTP; Tue, 3 Mar 2026 10:00:01 +0100",
        {
            "from_ip": "203.0.113.77",
            "by_host": "webmail.example.org",
            "protocol": "HTTP",
            "kind": "http",
        },
        "2026-03-03T10:00:01+01:00",
        [],
    ),
    (
        "squirrelmail-authenticated-user",
        "from 198.51.100.141 (SquirrelMail authenticated user admin); by web1.example.edu with HTTP; Thu, 23 Sep 2004 14:35:29 -0600 (MDT)",
        {
            "from_ip": "198.51.100.141",
            "by_host": "web1.example.edu",
            "protocol": "HTTP",
            "kind": "http",
        },
        "2004-09-23T14:35:29-06:00",
        [],
    ),
    (
        "communigate-account-helo",
        "from [198.51.100.223] (account user@example.edu HELO [10.10.10.10]) by silver.example.edu (CommuniGate Pro SMTP 4.3.7) with ESMTPSA id 88402416 for user@example.edu; Mon, 04 Dec 2006 13:15:07 -0800",
        {
            "from_helo": "[10.10.10.10]",
            "from_ip": "198.51.100.223",
            "by_host": "silver.example.edu",
            "protocol": "ESMTPSA",
            "id": "88402416",
            "for_addr": "user@example.edu",
            "tls": {},
            "authenticated": True,
            "software": "CommuniGate Pro SMTP 4.3.7",
            "auth_user": "user@example.edu",
        },
        "2006-12-04T13:15:07-08:00",
        [],
    ),
    (
        "fetchmail-pop3",
        "from pop.example.com [198.51.100.10] by localhost with POP3 (fetchmail-5.9.13) for user@example.net (single-drop); Sun, 22 Feb 2004 20:46:25 -0600 (CST)",
        {
            "from_helo": "pop.example.com",
            "from_ip": "198.51.100.10",
            "by_host": "localhost",
            "protocol": "POP3",
            "for_addr": "user@example.net",
            "relay": False,
            "kind": "fetch",
            "software": "fetchmail-5.9.13",
        },
        "2004-02-22T20:46:25-06:00",
        [],
    ),
    (
        "ipv4-mapped-ipv6-unwrapped",
        "from cs.example.fi ([::ffff:198.51.100.141]) by mail.example.fi with esmtp; Mon, 18 Aug 2003 15:37:48 +0300",
        {
            "from_helo": "cs.example.fi",
            "from_ip": "198.51.100.141",
            "by_host": "mail.example.fi",
            "protocol": "esmtp",
        },
        "2003-08-18T15:37:48+03:00",
        [],
    ),
    (
        "old-exim-port-as-fifth-octet",
        "from jsoliday.example.com ([198.51.100.24.63559]) by mailhost.example.com with esmtp  (v3.35.1) id 1GNrLz-000295-00; Thu, 14 Sep 2006 09:34:07 -0400",
        {
            "from_helo": "jsoliday.example.com",
            "from_ip": "198.51.100.24",
            "from_port": 63559,
            "by_host": "mailhost.example.com",
            "protocol": "esmtp",
            "id": "1GNrLz-000295-00",
            "software": "v3.35.1",
        },
        "2006-09-14T09:34:07-04:00",
        [],
    ),
    (
        "xmail-envelope-from-after-for",
        "from list.example.com ([198.51.100.86]:23198) by mx1.example.net with [XMail 1.20 ESMTP Server] id <S72E> for <rcpt@example.org> from <bounce@example.com>; Sat, 18 Sep 2004 23:17:54 -0500",
        {
            "from_helo": "list.example.com",
            "from_ip": "198.51.100.86",
            "from_port": 23198,
            "by_host": "mx1.example.net",
            "protocol": "XMail 1.20 ESMTP Server",
            "id": "S72E",
            "for_addr": "rcpt@example.org",
            "envelope_from": "bounce@example.com",
        },
        "2004-09-18T23:17:54-05:00",
        [],
    ),
    (
        "id-after-date",
        "from gorkcomputer (my.dns.example [192.0.2.4]) (AUTH: LOGIN gork@example.com, SSL: TLSv1/SSLv3,128bits,RC4-MD5) by example.com with esmtp; Thu, 10 Nov 2005 08:24:21 -0600 id 000000DB.43735815.00001E11",
        {
            "from_helo": "gorkcomputer",
            "from_rdns": "my.dns.example",
            "from_ip": "192.0.2.4",
            "by_host": "example.com",
            "protocol": "esmtp",
            "id": "000000DB.43735815.00001E11",
            "tls": {"version": "TLSv1/SSLv3", "cipher": "RC4-MD5", "bits": 128},
            "authenticated": True,
            "auth_user": "gork@example.com",
        },
        "2005-11-10T08:24:21-06:00",
        ["received.text_after_date"],
    ),
    (
        "leading-comment-from-clause",
        "(from KRYPTIK [198.51.100.51]) by host.example (NAVGW 2.5.2.12) with SMTP id M2006040415284308595 for <user@example.co.uk>; Tue, 04 Apr 2006 15:28:45 +0100",
        {
            "from_helo": "KRYPTIK",
            "from_ip": "198.51.100.51",
            "by_host": "host.example",
            "protocol": "SMTP",
            "id": "M2006040415284308595",
            "for_addr": "user@example.co.uk",
            "software": "NAVGW 2.5.2.12",
        },
        "2006-04-04T15:28:45+01:00",
        [],
    ),
    (
        "no-date-trailing-semicolon",
        "from hotmail.com (bay1-f95.example.com [198.51.100.95]) by Daffy.example.com;",
        {
            "from_helo": "hotmail.com",
            "from_rdns": "bay1-f95.example.com",
            "from_ip": "198.51.100.95",
            "by_host": "Daffy.example.com",
        },
        None,
        ["received.no_date"],
    ),
    (
        "no-date-at-all",
        "from a.example (a.example [192.0.2.1]) by b.example with SMTP id 1",
        {
            "from_helo": "a.example",
            "from_rdns": "a.example",
            "from_ip": "192.0.2.1",
            "by_host": "b.example",
            "protocol": "SMTP",
            "id": "1",
        },
        None,
        ["received.no_date"],
    ),
    (
        "empty",
        "   ",
        {"relay": False, "kind": "local"},
        None,
        ["received.empty"],
    ),
    (
        "duplicate-by-clause",
        "from advertisement@example.net by blazing.example.org by uid 502 with qmail-scanner-1.20 (clamuko: 0.65.  Clear:RC:0(192.0.2.10):.  Processed in 0.212322 secs); 03 Mar 2004 20:34:39 -0000",
        {
            "by_host": "blazing.example.org",
            "protocol": "qmail-scanner-1.20",
            "relay": False,
            "kind": "local",
            "from_ident": "advertisement@example.net",
            "software": "clamuko: 0.65. Clear:RC:0(192.0.2.10):. Processed in 0.212322 secs",
        },
        "2004-03-03T20:34:39+00:00",
        ["received.duplicate_clause"],
    ),
    (
        "unparsed-leading-text",
        "cwg-exmh@example.com by localhost.localdomain with qmail-scanner-0.90 (uvscan: v4.1.60. Clean.); 21/08/2002 10:40:42",
        {
            "by_host": "localhost.localdomain",
            "protocol": "qmail-scanner-0.90",
            "relay": False,
            "kind": "local",
            "software": "uvscan: v4.1.60. Clean.",
        },
        "2002-08-21T10:40:42+00:00",  # day first: 21 cannot be a month (numeric fallback)
        ["received.unparsed_clause"],
    ),
    (
        "unterminated-comment",
        "from a.example (a.example [192.0.2.1] by b.example; Tue, 3 Mar 2026 10:00:01 +0000",
        {"from_helo": "a.example", "from_rdns": "a.example", "from_ip": "192.0.2.1"},
        None,
        ["received.unterminated_comment", "received.no_date", "received.no_by"],
    ),
    (
        "unterminated-quote",
        'from a.example ("x) by b.example with SMTP "HELO a; Tue, 3 Mar 2026 10:00:01 +0000',
        {
            "from_helo": "a.example",
            "by_host": "b.example",
            "protocol": 'SMTP " HELO a',
            "relay": False,
            "kind": "local",
        },
        "2026-03-03T10:00:01+00:00",
        ["received.unterminated_quote"],
    ),
    (
        "unterminated-literal",
        "from [192.0.2.1 by b.example with SMTP; Tue, 3 Mar 2026 10:00:01 +0000",
        {
            "from_helo": "[",
            "by_host": "b.example",
            "protocol": "SMTP",
            "relay": False,
            "kind": "local",
        },
        "2026-03-03T10:00:01+00:00",
        ["received.unterminated_literal"],
    ),
    (
        "invalid-ip-literal",
        "from [Masked] by mailrelay2.example.ca with ESMTP id lxalvkca; Fri, 8 Sep 2006 17:21:46 -0400",
        {
            "from_helo": "[Masked]",
            "by_host": "mailrelay2.example.ca",
            "protocol": "ESMTP",
            "id": "lxalvkca",
            "relay": False,
            "kind": "local",
        },
        "2006-09-08T17:21:46-04:00",
        ["received.invalid_ip"],
    ),
    (
        "no-by-clause",
        "from a.example ([192.0.2.1]) with SMTP; Tue, 3 Mar 2026 10:00:01 +0000",
        {"from_helo": "a.example", "from_ip": "192.0.2.1", "protocol": "SMTP"},
        "2026-03-03T10:00:01+00:00",
        ["received.no_by"],
    ),
    (
        "invalid-date",
        "from a.example ([192.0.2.1]) by b.example with SMTP; Di, 03 Mär 2026 10:00:01 +0100",
        {
            "from_helo": "a.example",
            "from_ip": "192.0.2.1",
            "by_host": "b.example",
            "protocol": "SMTP",
        },
        None,
        ["received.invalid_date"],
    ),
]


def _expected(value: str, fields: dict[str, Any]) -> dict[str, Any]:
    f = dict(fields)
    if "tls" in f:
        f["tls"] = TlsInfo(**f["tls"])
    return Received(raw=value, **f).model_dump(exclude={"comments", "date", "defects"})


@pytest.mark.parametrize(
    ("value", "fields", "when", "codes"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_parse_received(
    value: str, fields: dict[str, Any], when: str | None, codes: list[str]
) -> None:
    got = parse_received(value)
    assert got.model_dump(exclude={"comments", "date", "defects"}) == _expected(value, fields)
    got_when = got.date.datetime if got.date is not None else None
    assert got_when == (dt.datetime.fromisoformat(when) if when else None)
    if got_when is not None:
        assert got_when.utcoffset() == dt.datetime.fromisoformat(when).utcoffset()  # type: ignore[arg-type]
    assert [d.code for d in got.defects] == codes


def test_comments_are_kept_raw_in_order() -> None:
    got = parse_received(CASES[0][1])
    assert got.comments == (
        "(mail.example.net [203.0.113.5])",
        "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n key-exchange "
        "X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)",
        "(No client certificate requested)",
        "(Postfix)",
        "(CET)",
    )


def test_every_received_defect_code_is_exercised() -> None:
    produced = {code for case in CASES for code in case[4]}
    declared = {c for c in DEFECT_CODES if c.startswith("received.")} - {"received.too_long"}
    assert declared <= produced


def test_too_long_field_is_cut_not_rejected() -> None:
    got = parse_received("from a by b; Tue, 3 Mar 2026 10:00:01 +0000 " + "x" * 300_000)
    assert [d.code for d in got.defects][:1] == ["received.too_long"]
    assert got.by_host == "b"


@pytest.mark.parametrize("value", [c[1] for c in CASES if c[4]], ids=[c[0] for c in CASES if c[4]])
def test_received_defects_raise_under_strict(value: str) -> None:
    with pytest.raises(DefectError):
        DefectLog(strict=True).extend(parse_received(value).defects)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("203.0.113.5", ("203.0.113.5", None)),
        ("IPv6:2001:DB8:0:0::25", ("2001:db8::25", None)),
        ("::ffff:198.51.100.1", ("198.51.100.1", None)),
        ("fe80::1%6", ("fe80::1%6", None)),
        ("192.0.2.1:62218", ("192.0.2.1", 62218)),
        ("10.0.8.6.13219", ("10.0.8.6", 13219)),
        ("Masked", None),
        ("999.1.1.1", None),
    ],
    ids=[
        "ipv4",
        "ipv6-prefix-compressed",
        "mapped-unwrapped",
        "zone-index",
        "port-colon",
        "port-fifth-octet",
        "word",
        "bad-octet",
    ],
)
def test_normalize_ip(text: str, expected: tuple[str, int | None] | None) -> None:
    assert normalize_ip(text) == expected


@pytest.mark.parametrize(
    "value",
    [
        "from a " + "(" * 100_000,
        "from a " + "(" * 50_000 + ")" * 50_000 + " by b; Tue, 3 Mar 2026 10:00:01 +0000",
        "from " * 20_000 + "by x; Tue, 3 Mar 2026 10:00:01 +0000",
        'from a "' + "x" * 100_000,
        "from " + "[" * 100_000,
        "from a by b for " + "<" * 100_000,
        "from a by b" + ";" * 100_000,
        "\\" * 50_000,
    ],
    ids=[
        "unclosed-parens",
        "deep-nesting",
        "from-keywords",
        "unterminated-quote",
        "open-brackets",
        "open-angles",
        "semicolons",
        "backslashes",
    ],
)
def test_hostile_input_never_raises(value: str) -> None:
    got = parse_received(value)
    assert isinstance(got, Received)
    codes = [d.code for d in got.defects]
    assert len(codes) == len(set(codes))  # a defect is reported once per field, not per repeat
