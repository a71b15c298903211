"""Every vendor: a table of real-looking header values and the exact decoded fields."""
# ruff: noqa: E501

from __future__ import annotations

import pytest

CASES = [
    (
        "spamassassin-yes-tests",
        [
            "X-Spam-Checker-Version: SpamAssassin 3.4.6 (2021-04-09) on mail.example.com",
            "X-Spam-Flag: YES",
            "X-Spam-Level: *******",
            "X-Spam-Status: Yes, score=7.3 required=5.0 tests=BAYES_99,BAYES_999,\r\n"
            "\tDKIM_SIGNED,URIBL_BLACK,URIBL_DBL_SPAM autolearn=no autolearn_force=no\r\n"
            "\tversion=3.4.6",
            "X-Spam-Report:\r\n"
            "\t*  3.5 BAYES_99 BODY: Bayes spam probability is 99 to 100%\r\n"
            "\t*      [score: 1.0000]\r\n"
            "\t*  0.2 BAYES_999 BODY: Bayes spam probability is 99.9 to 100%\r\n"
            "\t*  0.1 DKIM_SIGNED Message has a DKIM or DK signature\r\n"
            "\t*  1.7 URIBL_BLACK Contains an URL listed in the URIBL blacklist\r\n"
            "\t*  1.8 URIBL_DBL_SPAM Contains a spam URL listed in the Spamhaus DBL",
        ],
        [
            {
                "vendor": "spamassassin",
                "score": 7.3,
                "threshold": 5.0,
                "is_spam": True,
                "action": None,
                "rules": [
                    ("BAYES_99", 3.5),
                    ("BAYES_999", 0.2),
                    ("DKIM_SIGNED", 0.1),
                    ("URIBL_BLACK", 1.7),
                    ("URIBL_DBL_SPAM", 1.8),
                ],
                "fields": [
                    (
                        "X-Spam-Checker-Version",
                        "SpamAssassin 3.4.6 (2021-04-09) on mail.example.com",
                        True,
                    ),
                    ("X-Spam-Flag", "YES", True),
                    ("X-Spam-Level", "*******", True),
                    ("verdict", "Yes", True),
                    ("score", "7.3", True),
                    ("required", "5.0", True),
                    ("tests", "BAYES_99,BAYES_999, DKIM_SIGNED,URIBL_BLACK,URIBL_DBL_SPAM", True),
                    ("autolearn", "no", True),
                    ("autolearn_force", "no", True),
                    ("version", "3.4.6", True),
                    (
                        "X-Spam-Report",
                        "*  3.5 BAYES_99 BODY: Bayes spam probability is 99 to 100%\t*      [score: "
                        "1.0000]\t*  0.2 BAYES_999 BODY: Bayes spam probability is 99.9 to 100%\t*  0.1 "
                        "DKIM_SIGNED Message has a DKIM or DK signature\t*  1.7 URIBL_BLACK Contains an "
                        "URL listed in the URIBL blacklist\t*  1.8 URIBL_DBL_SPAM Contains a spam URL "
                        "listed in the Spamhaus DBL",
                        True,
                    ),
                ],
            }
        ],
        ["spam.score_over_threshold"],
    ),
    (
        "amavis-spamassassin-brackets",
        [
            "X-Virus-Scanned: Debian amavisd-new at mail.example.com",
            "X-Spam-Flag: NO",
            "X-Spam-Score: -1.9",
            "X-Spam-Level:",
            "X-Spam-Status: No, score=-1.9 tagged_above=-999 required=6.31\r\n"
            "\ttests=[BAYES_00=-1.9, DKIM_SIGNED=0.1, DKIM_VALID=-0.1] autolearn=ham\r\n"
            "\tautolearn_force=no",
        ],
        [
            {
                "vendor": "amavis",
                "score": None,
                "threshold": None,
                "is_spam": None,
                "action": None,
                "rules": [],
                "fields": [("X-Virus-Scanned", "Debian amavisd-new at mail.example.com", True)],
            },
            {
                "vendor": "spamassassin",
                "score": -1.9,
                "threshold": 6.31,
                "is_spam": False,
                "action": None,
                "rules": [("BAYES_00", -1.9), ("DKIM_SIGNED", 0.1), ("DKIM_VALID", -0.1)],
                "fields": [
                    ("X-Spam-Flag", "NO", True),
                    ("X-Spam-Score", "-1.9", True),
                    ("X-Spam-Level", "", True),
                    ("verdict", "No", True),
                    ("score", "-1.9", True),
                    ("tagged_above", "-999", True),
                    ("required", "6.31", True),
                    ("tests", "[BAYES_00=-1.9, DKIM_SIGNED=0.1, DKIM_VALID=-0.1]", True),
                    ("autolearn", "ham", True),
                    ("autolearn_force", "no", True),
                ],
            },
        ],
        [],
    ),
    (
        "rspamd-milter",
        [
            "X-Spamd-Result: default: False [3.40 / 15.00];\r\n"
            "\tR_SPF_ALLOW(-0.20)[+ip4:192.0.2.0/24];\r\n"
            "\tBAYES_SPAM(3.60)[92.31%];\r\n"
            "\tARC_NA(0.00)[];\r\n"
            "\tNEW_SYMBOL(0.00)[]",
            "X-Rspamd-Server: rspamd1.example.com",
            "X-Rspamd-Queue-Id: 4F1A2B3C4D",
            "X-Rspamd-Action: no action",
            "X-Spamd-Bar: +++",
            "X-Rspamd-Score: 3.40",
        ],
        [
            {
                "vendor": "rspamd",
                "score": 3.4,
                "threshold": 15.0,
                "is_spam": False,
                "action": "no action",
                "rules": [
                    ("R_SPF_ALLOW", -0.2),
                    ("BAYES_SPAM", 3.6),
                    ("ARC_NA", 0.0),
                    ("NEW_SYMBOL", 0.0),
                ],
                "fields": [
                    ("metric", "default", True),
                    ("verdict", "False", True),
                    ("X-Rspamd-Server", "rspamd1.example.com", True),
                    ("X-Rspamd-Queue-Id", "4F1A2B3C4D", True),
                    ("X-Rspamd-Action", "no action", True),
                    ("X-Spamd-Bar", "+++", True),
                    ("X-Rspamd-Score", "3.40", True),
                ],
            }
        ],
        [],
    ),
    (
        "proofpoint-notspam",
        [
            "X-Proofpoint-Spam-Details: rule=notspam policy=default score=0 spamscore=0 phishscore=0\r\n"
            " malwarescore=0 bulkscore=0 adultscore=0 suspectscore=0 impostorscore=0\r\n"
            " mlxscore=0 mlxlogscore=999 lowpriorityscore=0 clxscore=1015 priorityscore=1501\r\n"
            " classifier=spam adjust=0 reason=mlx scancount=1 engine=8.19.0-2311090000\r\n"
            " definitions=main-2311280090",
            "X-Proofpoint-Virus-Version: vendor=baseguard\r\n"
            " engine=ICAP:2.0.293,Aquarius:18.0.997,Hydra:6.0.619,FMLib:17.11.176.26\r\n"
            " definitions=2026-11-28_08,2026-11-27_01,2026-11-28_01",
            "X-Proofpoint-GUID: aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW",
        ],
        [
            {
                "vendor": "proofpoint",
                "score": 0.0,
                "threshold": None,
                "is_spam": False,
                "action": "rule=notspam",
                "rules": [
                    ("spamscore", 0.0),
                    ("phishscore", 0.0),
                    ("malwarescore", 0.0),
                    ("bulkscore", 0.0),
                    ("adultscore", 0.0),
                    ("suspectscore", 0.0),
                    ("impostorscore", 0.0),
                    ("mlxscore", 0.0),
                    ("mlxlogscore", 999.0),
                    ("lowpriorityscore", 0.0),
                    ("clxscore", 1015.0),
                    ("priorityscore", 1501.0),
                ],
                "fields": [
                    ("rule", "notspam", True),
                    ("policy", "default", True),
                    ("score", "0", True),
                    ("spamscore", "0", True),
                    ("phishscore", "0", True),
                    ("malwarescore", "0", True),
                    ("bulkscore", "0", True),
                    ("adultscore", "0", True),
                    ("suspectscore", "0", True),
                    ("impostorscore", "0", True),
                    ("mlxscore", "0", True),
                    ("mlxlogscore", "999", True),
                    ("lowpriorityscore", "0", True),
                    ("clxscore", "1015", True),
                    ("priorityscore", "1501", True),
                    ("classifier", "spam", True),
                    ("adjust", "0", True),
                    ("reason", "mlx", True),
                    ("scancount", "1", True),
                    ("engine", "8.19.0-2311090000", True),
                    ("definitions", "main-2311280090", True),
                    (
                        "X-Proofpoint-Virus-Version",
                        "vendor=baseguard "
                        "engine=ICAP:2.0.293,Aquarius:18.0.997,Hydra:6.0.619,FMLib:17.11.176.26 "
                        "definitions=2026-11-28_08,2026-11-27_01,2026-11-28_01",
                        True,
                    ),
                    ("X-Proofpoint-GUID", "aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW", True),
                ],
            }
        ],
        [],
    ),
    (
        "mimecast-impersonation",
        [
            "X-MC-Unique: abcDEF12-3GhIjKlMnOpQr-1",
            "X-Mimecast-Spam-Score: 2",
            "X-Mimecast-Impersonation-Protect: Policy=Default Impersonation Protection Definition;Similar "
            "Internal Domain=false;Similar Monitored External Domain=false;Custom External "
            "Domain=false;Mimecast External Domain=false;Newly Observed Domain=true;Internal User "
            "Name=true;Custom Display Name List=false;Reply-to Address Mismatch=false;Targeted Threat "
            "Dictionary=false;Mimecast Threat Dictionary=false;Custom Threat Dictionary=false",
        ],
        [
            {
                "vendor": "mimecast",
                "score": 2.0,
                "threshold": None,
                "is_spam": None,
                "action": None,
                "rules": [],
                "fields": [
                    ("X-MC-Unique", "abcDEF12-3GhIjKlMnOpQr-1", True),
                    ("X-Mimecast-Spam-Score", "2", True),
                    ("Policy", "Default Impersonation Protection Definition", True),
                    ("Similar Internal Domain", "false", True),
                    ("Similar Monitored External Domain", "false", True),
                    ("Custom External Domain", "false", True),
                    ("Mimecast External Domain", "false", True),
                    ("Newly Observed Domain", "true", True),
                    ("Internal User Name", "true", True),
                    ("Custom Display Name List", "false", True),
                    ("Reply-to Address Mismatch", "false", True),
                    ("Targeted Threat Dictionary", "false", True),
                    ("Mimecast Threat Dictionary", "false", True),
                    ("Custom Threat Dictionary", "false", True),
                ],
            }
        ],
        [],
    ),
    (
        "barracuda-quarantine",
        [
            "X-Barracuda-Connect: mail.example.net[192.0.2.20]",
            "X-Barracuda-Start-Time: 1795860000",
            "X-Barracuda-URL: https://bar.example.com:443/cgi-mod/mark.cgi",
            "X-Barracuda-Spam-Score: 5.12",
            "X-Barracuda-Spam-Status: Yes, SCORE=5.12 using global scores of TAG_LEVEL=3.5 "
            "QUARANTINE_LEVEL=5.0 KILL_LEVEL=9.0 tests=BSF_SC0_MISMATCH_TO, HTML_MESSAGE",
            "X-Barracuda-Spam-Report: Code version 3.2, rules version 3.2.3.123456\r\n"
            "\tRule breakdown below\r\n"
            "\t pts rule name              description\r\n"
            "\t---- ---------------------- --------------------------------------------------\r\n"
            "\t0.00 HTML_MESSAGE           BODY: HTML included in message\r\n"
            "\t5.12 BSF_SC0_MISMATCH_TO    Envelope rcpt doesn't match header",
        ],
        [
            {
                "vendor": "barracuda",
                "score": 5.12,
                "threshold": 9.0,
                "is_spam": True,
                "action": "quarantine",
                "rules": [("BSF_SC0_MISMATCH_TO", 5.12), ("HTML_MESSAGE", 0.0)],
                "fields": [
                    ("X-Barracuda-Connect", "mail.example.net[192.0.2.20]", True),
                    ("X-Barracuda-Start-Time", "1795860000", True),
                    ("X-Barracuda-URL", "https://bar.example.com:443/cgi-mod/mark.cgi", True),
                    ("X-Barracuda-Spam-Score", "5.12", True),
                    ("verdict", "Yes", True),
                    ("SCORE", "5.12", True),
                    ("TAG_LEVEL", "3.5", True),
                    ("QUARANTINE_LEVEL", "5.0", True),
                    ("KILL_LEVEL", "9.0", True),
                    (
                        "X-Barracuda-Spam-Report",
                        "Code version 3.2, rules version 3.2.3.123456\tRule breakdown below\t pts rule "
                        "name              description\t---- ---------------------- "
                        "--------------------------------------------------\t0.00 HTML_MESSAGE           "
                        "BODY: HTML included in message\t5.12 BSF_SC0_MISMATCH_TO    Envelope rcpt "
                        "doesn't match header",
                        True,
                    ),
                ],
            }
        ],
        ["spam.filtered_as_spam"],
    ),
    (
        "ironport-av-sbrs",
        [
            "X-IronPort-Anti-Spam-Filtered: true",
            "X-IronPort-Anti-Spam-Result: A0ADAABcZ2VnAQ==",
            'X-IronPort-AV: E=Sophos;i="6.04,225,1795800000"; d="scan\'208";a="12345678"',
            "X-SBRS: -4.2",
            "X-IronPort-SenderGroup: SUSPECTLIST",
            "X-IronPort-MailFlowPolicy: $THROTTLED",
            "X-Amp-Result: MALICIOUS",
        ],
        [
            {
                "vendor": "cisco",
                "score": None,
                "threshold": None,
                "is_spam": None,
                "action": None,
                "rules": [],
                "fields": [
                    ("X-IronPort-Anti-Spam-Filtered", "true", True),
                    ("X-IronPort-Anti-Spam-Result", "A0ADAABcZ2VnAQ==", True),
                    ("E", "Sophos", True),
                    ("i", "6.04,225,1795800000", True),
                    ("d", "scan'208", True),
                    ("a", "12345678", True),
                    ("X-SBRS", "-4.2", True),
                    ("X-IronPort-SenderGroup", "SUSPECTLIST", True),
                    ("X-IronPort-MailFlowPolicy", "$THROTTLED", True),
                    ("X-Amp-Result", "MALICIOUS", True),
                ],
            }
        ],
        ["spam.malware_detected"],
    ),
    (
        "trendmicro-negative-score",
        [
            "X-TM-AS-Product-Ver: SMEX-14.0.0.3197-9.1.1006-27892.007",
            "X-TM-AS-Result: No--3.298-7.0-31-10",
            "X-TMASE-Version: SMEX-14.0.0.3197-9.1.1006-27892.007",
            "X-TMASE-Result: 10--3.298200-10.000000",
            "X-TM-AS-User-Approved-Sender: No",
            "X-TM-AS-SMTP: 1.0 bXguZXhhbXBsZS5uZXQ= c2VuZGVyQGV4YW1wbGUubmV0",
        ],
        [
            {
                "vendor": "trendmicro",
                "score": -3.298,
                "threshold": 7.0,
                "is_spam": False,
                "action": None,
                "rules": [],
                "fields": [
                    ("X-TM-AS-Product-Ver", "SMEX-14.0.0.3197-9.1.1006-27892.007", True),
                    ("X-TM-AS-Result", "No--3.298-7.0-31-10", True),
                    ("X-TMASE-Version", "SMEX-14.0.0.3197-9.1.1006-27892.007", True),
                    ("X-TMASE-Result", "10--3.298200-10.000000", True),
                    ("X-TM-AS-User-Approved-Sender", "No", True),
                    ("X-TM-AS-SMTP", "1.0 bXguZXhhbXBsZS5uZXQ= c2VuZGVyQGV4YW1wbGUubmV0", True),
                ],
            }
        ],
        [],
    ),
    (
        "sophos-pmx",
        [
            "X-PMX-Version: 6.4.9.2830568, Antispam-Engine: 2.7.2.2107409, Antispam-Data: "
            "2026.11.28.95718",
            "X-PMX-Spam: Gauge=IIIIIIIII, Probability=9%, Report=' HTML_00_01 0.05, HTML_00_10 0.05, "
            "BODY_SIZE_5000_5999 0, __CT 0'",
        ],
        [
            {
                "vendor": "sophos",
                "score": 9.0,
                "threshold": 50.0,
                "is_spam": False,
                "action": None,
                "rules": [
                    ("HTML_00_01", 0.05),
                    ("HTML_00_10", 0.05),
                    ("BODY_SIZE_5000_5999", 0.0),
                    ("__CT", 0.0),
                ],
                "fields": [
                    (
                        "X-PMX-Version",
                        "6.4.9.2830568, Antispam-Engine: 2.7.2.2107409, Antispam-Data: 2026.11.28.95718",
                        True,
                    ),
                    ("Gauge", "IIIIIIIII", True),
                    ("Probability", "9%", True),
                    (
                        "Report",
                        " HTML_00_01 0.05, HTML_00_10 0.05, BODY_SIZE_5000_5999 0, __CT 0",
                        True,
                    ),
                ],
            }
        ],
        [],
    ),
    (
        "ovh-spamcause",
        [
            "X-Ovh-Tracer-Id: 1234567890123456789",
            "X-VR-SPAMSTATE: OK",
            "X-VR-SPAMSCORE: -100",
            "X-VR-SPAMCAUSE: "
            "gggruggvucftvghtrhhoucdtuddrgeefvddrtddtgddugeekgeeiucetufdoteggodetrfdotffvucfrrhhofhhilhgvmecuqfggjfdpvefjgfevmfevgfenuceurghilhhouhhtmecuhedttdenuc",
        ],
        [
            {
                "vendor": "ovh",
                "score": -100.0,
                "threshold": None,
                "is_spam": False,
                "action": None,
                "rules": [],
                "fields": [
                    ("X-Ovh-Tracer-Id", "1234567890123456789", True),
                    ("X-VR-SPAMSTATE", "OK", True),
                    ("X-VR-SPAMSCORE", "-100", True),
                    (
                        "X-VR-SPAMCAUSE",
                        "gggruggvucftvghtrhhoucdtuddrgeefvddrtddtgddugeekgeeiucetufdoteggodetrfdotffvucfrrhhofhhilhgvmecuqfggjfdpvefjgfevmfevgfenuceurghilhhouhhtmecuhedttdenuc",
                        True,
                    ),
                    ("engine", "Vade Retro 01.432.00#14846 AS+AV+AP+RT", True),
                    ("Profile", "OVH,CHECKCE", True),
                    ("Bailout", "500", True),
                ],
            }
        ],
        [],
    ),
    (
        "cloudmark-cmae",
        [
            "X-CMAE-Score: 0",
            "X-CMAE-Analysis: v=2.4 cv=Ab12Cd34 c=1 sm=1 tr=0 ts=6a293a20 a=aBcD==:17 p=xYz:22",
        ],
        [
            {
                "vendor": "cloudmark",
                "score": 0.0,
                "threshold": 100.0,
                "is_spam": False,
                "action": None,
                "rules": [],
                "fields": [
                    ("X-CMAE-Score", "0", True),
                    (
                        "X-CMAE-Analysis",
                        "v=2.4 cv=Ab12Cd34 c=1 sm=1 tr=0 ts=6a293a20 a=aBcD==:17 p=xYz:22",
                        True,
                    ),
                    ("v", "2.4", True),
                    ("cv", "Ab12Cd34", True),
                    ("c", "1", True),
                    ("sm", "1", True),
                    ("tr", "0", True),
                    ("ts", "6a293a20", True),
                    ("a", "aBcD==:17", True),
                    ("p", "xYz:22", True),
                ],
            }
        ],
        [],
    ),
    (
        "symantec-cloud",
        [
            "X-Brightmail-Tracker: H4sIAAAAAAAAA+NgFmDSLgYAVH0N1AgAAAA=",
            "X-StarScan-Received:",
            "X-StarScan-Version: 9.100.1; banners=-,-,-",
            "X-VirusChecked: Checked",
            "X-Msg-Ref: server-3.tower-123.messagelabs.example!1795860000!12345!1",
            "X-SpamReason: No, hits=0.5 required=7.0 tests=HTML_MESSAGE",
        ],
        [
            {
                "vendor": "symantec",
                "score": 0.5,
                "threshold": 7.0,
                "is_spam": False,
                "action": None,
                "rules": [("HTML_MESSAGE", None)],
                "fields": [
                    ("X-Brightmail-Tracker", "H4sIAAAAAAAAA+NgFmDSLgYAVH0N1AgAAAA=", True),
                    ("X-StarScan-Received", "", True),
                    ("X-StarScan-Version", "9.100.1; banners=-,-,-", True),
                    ("X-VirusChecked", "Checked", True),
                    (
                        "X-Msg-Ref",
                        "server-3.tower-123.messagelabs.example!1795860000!12345!1",
                        True,
                    ),
                    ("X-SpamReason", "No, hits=0.5 required=7.0 tests=HTML_MESSAGE", True),
                ],
            }
        ],
        [],
    ),
    (
        "fortimail",
        [
            "X-FEAS-Client-IP: 192.0.2.30",
            "X-FEAS-SPF: spf-result=pass, ip=192.0.2.30",
            "X-FEAS-DKIM: Valid",
            "X-FE-Policy-ID: 1:1:2:SYSTEM",
            "X-FE-Last-Public-Client-IP: 192.0.2.30",
        ],
        [
            {
                "vendor": "fortinet",
                "score": None,
                "threshold": None,
                "is_spam": None,
                "action": None,
                "rules": [],
                "fields": [
                    ("X-FEAS-Client-IP", "192.0.2.30", True),
                    ("X-FEAS-SPF", "spf-result=pass, ip=192.0.2.30", True),
                    ("X-FEAS-DKIM", "Valid", True),
                    ("X-FE-Policy-ID", "1:1:2:SYSTEM", True),
                    ("X-FE-Last-Public-Client-IP", "192.0.2.30", True),
                ],
            }
        ],
        [],
    ),
    (
        "spamexperts-whitelisted",
        [
            "X-SpamExperts-Class: whitelisted",
            "X-SpamExperts-Evidence: Combined (0.05)",
            "X-Recommended-Action: accept",
            "X-Filter-ID: Pt3MvcO5N4iKaDQ5O6lkdGlMVN6RH8bjRMzItlySaT8",
            "X-Report-Abuse-To: spam@quarantine.example.net",
        ],
        [
            {
                "vendor": "spamexperts",
                "score": 0.05,
                "threshold": None,
                "is_spam": None,
                "action": "filtering bypassed; accept",
                "rules": [],
                "fields": [
                    ("X-SpamExperts-Class", "whitelisted", True),
                    ("X-SpamExperts-Evidence", "Combined (0.05)", True),
                    ("X-Recommended-Action", "accept", True),
                    ("X-Filter-ID", "Pt3MvcO5N4iKaDQ5O6lkdGlMVN6RH8bjRMzItlySaT8", True),
                    ("X-Report-Abuse-To", "spam@quarantine.example.net", True),
                ],
            }
        ],
        ["spam.filtering_skipped"],
    ),
    (
        "amavis-infected",
        [
            "X-Virus-Scanned: amavisd-new at example.com",
            "X-Amavis-Alert: INFECTED, message contains virus: Eicar-Signature",
            "X-Quarantine-ID: <aB3dE5fG7hI9>",
        ],
        [
            {
                "vendor": "amavis",
                "score": None,
                "threshold": None,
                "is_spam": None,
                "action": None,
                "rules": [],
                "fields": [
                    ("X-Virus-Scanned", "amavisd-new at example.com", True),
                    ("INFECTED", "message contains virus: Eicar-Signature", True),
                    ("X-Quarantine-ID", "<aB3dE5fG7hI9>", True),
                ],
            }
        ],
        ["spam.malware_detected"],
    ),
    (
        "yahoo-bulk",
        [
            "X-YMail-OSG: a9Bc.Def1234-example-opaque",
            "X-Sonic-MF: <sender@example.net>",
            "X-YahooFilteredBulk: 192.0.2.40",
            "X-Apparently-To: user@example.com via 192.0.2.41; Sat, 28 Nov 2026 10:00:00 +0000",
        ],
        [
            {
                "vendor": "yahoo",
                "score": None,
                "threshold": None,
                "is_spam": True,
                "action": "delivered to the Bulk folder",
                "rules": [],
                "fields": [
                    ("X-YMail-OSG", "a9Bc.Def1234-example-opaque", True),
                    ("X-Sonic-MF", "<sender@example.net>", True),
                    ("X-YahooFilteredBulk", "192.0.2.40", True),
                    (
                        "X-Apparently-To",
                        "user@example.com via 192.0.2.41; Sat, 28 Nov 2026 10:00:00 +0000",
                        True,
                    ),
                ],
            }
        ],
        ["spam.filtered_as_spam"],
    ),
    (
        "zimbra-webclient",
        [
            "X-Mailer: Zimbra 10.0.6_GA_4535 (ZimbraWebClient - GC119 (Linux)/10.0.6_GA_4535)",
            "X-Zimbra-DL: staff@example.com",
        ],
        [
            {
                "vendor": "zimbra",
                "score": None,
                "threshold": None,
                "is_spam": None,
                "action": None,
                "rules": [],
                "fields": [
                    (
                        "X-Mailer",
                        "Zimbra 10.0.6_GA_4535 (ZimbraWebClient - GC119 (Linux)/10.0.6_GA_4535)",
                        True,
                    ),
                    ("X-Zimbra-DL", "staff@example.com", True),
                ],
            }
        ],
        [],
    ),
    (
        "hornetsecurity",
        ["X-Hornetsecurity-Spam: no", "X-Hornetsecurity-Score: 0.4"],
        [
            {
                "vendor": "hornetsecurity",
                "score": 0.4,
                "threshold": None,
                "is_spam": False,
                "action": None,
                "rules": [],
                "fields": [
                    ("X-Hornetsecurity-Spam", "no", True),
                    ("X-Hornetsecurity-Score", "0.4", True),
                ],
            }
        ],
        [],
    ),
    (
        "kaspersky-ksmg",
        [
            "X-KSMG-AntiSpam-Status: spam",
            "X-KSMG-AntiSpam-Rate: 100",
            "X-KSMG-AntiSpam-Interceptor-Info: scan successful",
            "X-KSMG-AntiVirus-Status: Clean, skipped",
            "X-KSMG-Rule-ID: 4",
        ],
        [
            {
                "vendor": "kaspersky",
                "score": 100.0,
                "threshold": None,
                "is_spam": True,
                "action": None,
                "rules": [],
                "fields": [
                    ("X-KSMG-AntiSpam-Status", "spam", True),
                    ("X-KSMG-AntiSpam-Rate", "100", True),
                    ("X-KSMG-AntiSpam-Interceptor-Info", "scan successful", True),
                    ("X-KSMG-AntiVirus-Status", "Clean, skipped", True),
                    ("X-KSMG-Rule-ID", "4", True),
                ],
            }
        ],
        ["spam.filtered_as_spam"],
    ),
    (
        "google-gmail",
        [
            "X-Gm-Message-State: AOJu0YzExampleOpaqueStateBlob",
            "X-Google-Smtp-Source: AGHT+IExampleOpaque==",
            "X-Gm-Spam: 0",
            "X-Gm-Phishy: 0",
        ],
        [
            {
                "vendor": "google",
                "score": None,
                "threshold": None,
                "is_spam": False,
                "action": None,
                "rules": [],
                "fields": [
                    ("X-Gm-Message-State", "AOJu0YzExampleOpaqueStateBlob", True),
                    ("X-Google-Smtp-Source", "AGHT+IExampleOpaque==", True),
                    ("X-Gm-Spam", "0", True),
                    ("X-Gm-Phishy", "0", True),
                ],
            }
        ],
        [],
    ),
]


@pytest.mark.parametrize(
    ("lines", "expected", "findings"),
    [pytest.param(lines, exp, fnd, id=name) for name, lines, exp, fnd in CASES],
)
def test_vendor_table(build, run, lines, expected, findings):
    result = run(build(*lines))
    got = [
        {
            "vendor": v.vendor,
            "score": v.score,
            "threshold": v.threshold,
            "is_spam": v.is_spam,
            "action": v.action,
            "rules": [(r.name, r.score) for r in v.rules],
            "fields": [(f.key, f.value, f.known) for f in v.fields],
        }
        for v in result.verdicts
    ]
    assert got == expected
    assert [f.code for f in result.findings] == findings
    assert result.defects == ()
