"""Microsoft knowledge coverage, findings, trust, hops, defects, OVH, rules dir, fuzzing."""

# ruff: noqa: E501
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headerlens._catalogue.spam import DEFECTS, FINDINGS
from headerlens.defects import DefectLog
from headerlens.errors import DefectError, InputError
from headerlens.hops.models import Hop, HopAnalysis, Received, TrustBoundary
from headerlens.message import HeaderField
from headerlens.policy import Policy
from headerlens.spam import analyze_spam, sarules
from headerlens.spam.decoding import Draft, top_rules
from headerlens.spam.knowledge import knowledge
from headerlens.spam.models import RuleSource, SpamRule
from headerlens.spam.ovh import decode_spamcause
from headerlens.spam.registry import Registration
from headerlens.spam.vendors import REGISTRY, VENDORS

FF = "X-Forefront-Antispam-Report"

DOCUMENTED = {
    "forefront": {
        "ARC": None,
        "CAT": [
            "BULK",
            "DIMP",
            "GIMP",
            "HPHSH",
            "HPHISH",
            "HSPM",
            "INTOS",
            "MALW",
            "OSPM",
            "PHSH",
            "SAP",
            "SPM",
            "SPOOF",
            "UIMP",
            "AMP",
            "BIMP",
            "FTBP",
        ],
        "CIP": None,
        "CTRY": None,
        "DIR": ["INB", "OUT", "INT"],
        "H": None,
        "IPV": ["CAL", "NLI"],
        "LANG": None,
        "PTR": None,
        "SCL": ["-1", "0", "1", "5", "6", "7", "8", "9"],
        "SFTY": ["9.19", "9.20", "9.25"],
        "SFV": ["BLK", "NSPM", "SFE", "SKA", "SKB", "SKI", "SKN", "SKQ", "SKS", "SPM"],
        "SRV": ["BULK"],
        "X-CustomSpam": None,
        "PCL": None,
        "SFS": None,
    },
    "antispam": {"BCL": [str(i) for i in range(10)], "PCL": [str(i) for i in range(9)]},
    "mailbox_delivery": {
        "ucf": ["0", "1"],
        "jmr": ["0", "1"],
        "auth": ["0", "1"],
        "dest": ["I", "J", "C", "D"],
        "OFR": None,
        "RF": None,
        "ENG": None,
    },
}


def test_every_documented_microsoft_token_has_a_meaning():
    kb = knowledge("microsoft")
    for table, tokens in DOCUMENTED.items():
        for key, values in tokens.items():
            entry = kb.token(table, key)
            assert entry is not None, (table, key)
            assert entry.meaning, (table, key)
            assert entry.source
            for v in values or ():
                hit = entry.value(v)
                assert hit is not None, (table, key, v)
                assert hit.meaning, (table, key, v)


def test_knowledge_files_are_complete():
    names = set()
    for vendor in VENDORS:
        kb = knowledge(vendor)
        assert kb.vendor == vendor
        assert kb.display
        assert kb.fingerprints
        for name, entry in kb.headers.items():
            assert entry.meaning
            assert entry.confidence in ("documented", "community", "inferred")
            names.add(name)
    registered = {n for n in REGISTRY.exact if any(n in knowledge(v).headers for v in VENDORS)}
    print(
        f"vendors={len(VENDORS)} header names with meanings={len(names)} registered={len(REGISTRY.exact)}"
    )
    assert len(VENDORS) >= 18
    assert len(registered) >= 70


def test_knowledge_is_cached():
    assert knowledge("microsoft") is knowledge("microsoft")


@pytest.mark.parametrize(
    ("lines", "codes"),
    [
        pytest.param(
            [
                "X-Microsoft-Antispam-Mailbox-Delivery: ucf:1;jmr:0;auth:0;dest:I;",
                f"{FF}: CIP:192.0.2.10;CTRY:US;SCL:9;SFV:SPM;CAT:SPM;DIR:INB;",
            ],
            ["spam.spam_delivered_to_inbox"],
            id="eop-spam-to-inbox-by-user-rule",
        ),
        pytest.param(
            [
                "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:1;dest:J;",
                f"{FF}: SCL:5;SFV:SPM;SRV:BULK;CAT:BULK;",
                "X-Microsoft-Antispam: BCL:7;",
            ],
            ["spam.filtered_as_spam", "spam.bulk_over_threshold"],
            id="eop-bulk-to-junk",
        ),
        pytest.param(
            ["X-Microsoft-Antispam-Mailbox-Delivery: ucf:1;dest:J;", f"{FF}: SCL:1;SFV:NSPM;"],
            ["spam.junk_folder"],
            id="eop-user-rule-junk",
        ),
        pytest.param(
            [f"{FF}: SCL:-1;SFV:SKA;IPV:CAL;"], ["spam.filtering_skipped"], id="eop-allow"
        ),
        pytest.param(
            [f"{FF}: SCL:9;SFV:BLK;"],
            ["spam.filtered_as_spam", "spam.blocked_sender"],
            id="eop-blocked",
        ),
        pytest.param([f"{FF}: SCL:1;SFV:SKQ;"], ["spam.released_from_quarantine"], id="eop-skq"),
        pytest.param(
            [f"{FF}: SCL:9;SFV:SPM;CAT:HPHSH;SFTY:9.19;"],
            ["spam.filtered_as_spam", "spam.phish_verdict"],
            id="eop-phish",
        ),
        pytest.param(
            [f"{FF}: SCL:9;SFV:SPM;CAT:MALW;"],
            ["spam.filtered_as_spam", "spam.malware_detected"],
            id="eop-malware",
        ),
        pytest.param(
            ["X-Microsoft-Antispam: BCL:8;"], ["spam.bulk_over_threshold"], id="bcl-default"
        ),
        pytest.param(
            [
                "Authentication-Results: spf=fail (sender IP is 192.0.2.9) smtp.mailfrom=example.com;"
                " dmarc=fail action=quarantine header.from=example.com;compauth=fail reason=000"
            ],
            ["spam.compauth_failed"],
            id="compauth-000",
        ),
        pytest.param(
            [
                "X-Spam-Status: Yes, score=9.0 required=5.0 tests=GTUBE",
                "X-Spamd-Result: default: False [1.00 / 15.00]; ARC_NA(0.00)[]",
            ],
            ["spam.score_over_threshold", "spam.conflicting_verdicts"],
            id="disagree",
        ),
        pytest.param(
            [f"{FF}-Untrusted: SCL:1;SFV:NSPM;"], ["spam.untrusted_verdict"], id="untrusted-twin"
        ),
    ],
)
def test_findings(build, run, lines, codes):
    result = run(build(*lines))
    assert [f.code for f in result.findings] == codes


def test_helpdesk_summaries(build, run):
    res = run(
        build("X-Microsoft-Antispam-Mailbox-Delivery: ucf:1;jmr:0;dest:I;", f"{FF}: SCL:9;SFV:SPM;")
    )
    assert res.findings[0].summary == (
        "Filtered as spam by EOP (SFV:SPM, SCL 9) but delivered to the inbox by a user rule"
        " or junk setting (ucf:1)"
    )
    res = run(
        build(
            "X-Spam-Status: Yes, score=7.3 required=5.0 tests=BAYES_99=3.5,"
            "URIBL_BLACK=1.7,URIBL_DBL_SPAM=1.8,DKIM_SIGNED=0.1,BAYES_999=0.2"
        )
    )
    assert res.findings[0].summary == (
        "SpamAssassin score 7.3 over 5, mostly from BAYES_99 and URIBL_*"
    )


def test_every_catalogue_code_is_exercised():
    # The parametrized cases above cover each finding; this keeps the catalogue honest.
    assert set(FINDINGS) == {
        "spam.filtered_as_spam",
        "spam.score_over_threshold",
        "spam.spam_delivered_to_inbox",
        "spam.junk_folder",
        "spam.bulk_over_threshold",
        "spam.phish_verdict",
        "spam.filtering_skipped",
        "spam.blocked_sender",
        "spam.compauth_failed",
        "spam.malware_detected",
        "spam.untrusted_verdict",
        "spam.conflicting_verdicts",
        "spam.released_from_quarantine",
    }
    assert set(DEFECTS) == {"spam.malformed_value", "spam.decoder_failed"}


def _hops(header_indexes, boundary):
    n = len(header_indexes)
    hops = tuple(
        Hop(index=n - 1 - k, header_index=idx, received=Received(raw="from x by y"))
        for k, idx in enumerate(header_indexes)
    )
    return HopAnalysis(hops=hops, trust=TrustBoundary(header_index=boundary))


def test_trust_boundary_and_hops(build, run):
    msg = build(
        "X-Spam-Status: No, score=0.1 required=5.0 tests=NONE",  # 0, hop 1 (trusted)
        "Received: from relay.example.net by mx.example.com; Sat, 28 Nov 2026 10:00:00 +0000",
        "X-Spam-Status: No, score=-5.0 required=5.0 tests=NONE",  # 2, hop 0 (untrusted)
        received=True,
    )
    res = run(msg, hops=_hops([1, 3], boundary=1))
    assert [(v.score, v.trusted, v.hop_index) for v in res.verdicts] == [
        (0.1, True, 1),
        (-5.0, False, 0),
    ]
    assert res.verdicts[1].explanation.startswith("Claim by an untrusted party (below the trust")
    assert [f.code for f in res.findings] == ["spam.untrusted_verdict"]


def test_appliances_with_hops(build, run):
    msg = build(
        "X-Microsoft-Antispam-Mailbox-Delivery: dest:I;",
        "Received: from relay.example.net by mx.example.com; Sat, 28 Nov 2026 10:00:00 +0000",
        "X-Barracuda-Connect: relay.example.net[192.0.2.5]",
        "X-Mimecast-Spam-Score: 1",
    )
    res = run(msg)
    assert [(a.product, a.header_indexes, a.hop_index) for a in res.appliances] == [
        ("Exchange Online Protection", (0,), 1),
        ("Barracuda Email Security Gateway", (2,), 0),
        ("Mimecast", (3,), 0),
    ]


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        pytest.param(
            f"{FF}: CIP:192.0.2.1;garbage;SFV:SPM", ["spam.malformed_value"], id="ff-no-colon"
        ),
        pytest.param("X-Spam-Status: Maybe, score=abc", ["spam.malformed_value"], id="sa-junk"),
        pytest.param(
            "X-Spamd-Result: default: Perhaps [x / y]; !!!",
            ["spam.malformed_value"],
            id="rspamd-junk",
        ),
        pytest.param("X-VR-SPAMCAUSE: 12345", ["spam.malformed_value"], id="ovh-not-pairs"),
        pytest.param("X-TM-AS-Result: ", ["spam.malformed_value"], id="tm-empty"),
        pytest.param(f"{FF}: (null);SCL:(null);SFV:NSPM", [], id="ff-null-tokens"),
        pytest.param(
            f"{FF}: SFV:NSPM;SFS:(13230031)(4636009", ["spam.malformed_value"], id="ff-open-paren"
        ),
    ],
)
def test_malformed_values_are_defects(build, run, line, codes):
    res = run(build(line))
    assert [d.code for d in res.defects] == codes
    with pytest.raises(DefectError) if codes else _nothing():
        run(build(line), strict=True)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_an_open_paren_in_a_rule_list_keeps_the_rules_read(build, run):
    res = run(build(f"{FF}: SFV:NSPM;SFS:(13230031)(4636009"))
    assert [r.name for r in res.verdicts[0].rules] == ["SFS:13230031", "SFS:4636009"]
    assert [d.message for d in res.defects] == [f"{FF}: a '(' in SFS is not closed"]


def test_decoder_bug_is_a_defect(build):
    def boom(f, d, log):
        raise ValueError("bug")

    reg = REGISTRY.exact["x-spam-flag"]
    registry = REGISTRY.replace("X-Spam-Flag", Registration(reg.vendor, boom))
    res = analyze_spam(build("X-Spam-Flag: YES"), Policy(), hops=HopAnalysis(), registry=registry)
    assert [d.code for d in res.defects] == ["spam.decoder_failed"]
    assert [(f.key, f.known) for f in res.verdicts[0].fields] == [("X-Spam-Flag", False)]


def _encode_spamcause(text: str) -> str:
    out = []
    for pos, ch in enumerate(text):
        code = ord(ch)
        for a in "abcdefghijklmnopqrstuvwxyz":
            b = code - ord(a) + ord("x") + 16 * (ord("g") - ord(a))
            if ord("a") <= b <= ord("z"):
                pair = a + chr(b)
                out.append(pair[::-1] if pos % 2 == 0 else pair)
                break
    return "".join(out)


def test_ovh_spamcause_decoding():
    assert decode_spamcause("gggruggvucftvghtrhhoucdtuddr") == "Vade Retro 01."
    text = "Vade Retro 01.432.00#1 AS+AV Profile: OVH; Bailout: 300; From=a@example.com"
    assert decode_spamcause(_encode_spamcause(text)) == text
    assert decode_spamcause("ab12") is None


def test_spamcause_fields(build, run):
    cause = _encode_spamcause(
        "Vade Retro 01.432.00#1 AS+AV Profile: OVH; Bailout: 300; Ip=192.0.2.7"
    )
    res = run(build(f"X-VR-SPAMCAUSE: {cause}"))
    assert [(f.key, f.value) for f in res.verdicts[0].fields][1:] == [
        ("engine", "Vade Retro 01.432.00#1 AS+AV"),
        ("Profile", "OVH"),
        ("Bailout", "300"),
        ("Ip", "192.0.2.7"),
    ]


def test_rules_dir_reader(tmp_path, build):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "20_test.cf").write_text(
        "# comment\ndescribe BAYES_99  Local words for bayes\n"
        "lang de describe BAYES_99  Deutsch\nscore BAYES_99 0 0 3.5 3.2 # n=0\n"
        "describe LOCAL_ONLY Something local\nscore LOCAL_ONLY 1.0\n",
        encoding="utf-8",
    )
    # Read after sub/20_test.cf (sorted order): a later line overrides, as in SpamAssassin.
    (tmp_path / "sub" / "50_scores.cf").write_text("score LOCAL_ONLY 2.5\n", encoding="utf-8")
    (tmp_path / "junk.cf").write_bytes(b"\xff\xfe describe\nscore\n")
    rules = sarules.load_rules_dir([tmp_path])
    assert rules["BAYES_99"].description == "Local words for bayes"
    assert rules["BAYES_99"].score == 3.2
    assert rules["LOCAL_ONLY"].score == 2.5
    with pytest.raises(InputError, match="no such directory"):
        sarules.load_rules_dir([tmp_path, tmp_path / "missing"])
    msg = build("X-Spam-Status: Yes, score=9 required=5 tests=BAYES_99,LOCAL_ONLY,URIBL_BLACK")
    res = analyze_spam(msg, Policy(spamassassin_rules=str(tmp_path)), hops=HopAnalysis())
    local = f"local SpamAssassin rules ({tmp_path / 'sub' / '20_test.cf'})"
    assert [(r.description, r.source) for r in res.verdicts[0].rules] == [
        ("Local words for bayes", local),
        ("Something local", local),
        ("A link domain is on the URIBL black list", sarules.OUR_SOURCE),
    ]
    assert res.rule_source.directories == (str(tmp_path),)
    assert res.rule_source.files == 3
    assert res.rule_source.sha256 is not None
    assert len(res.rule_source.sha256) == 64
    # The default reads no rule files: our notes only.
    default = analyze_spam(msg, Policy(), hops=HopAnalysis())
    assert [(r.description, r.source) for r in default.verdicts[0].rules] == [
        (sarules.our_rules()["BAYES_99"], sarules.OUR_SOURCE),
        (None, None),
        ("A link domain is on the URIBL black list", sarules.OUR_SOURCE),
    ]
    assert default.rule_source == RuleSource()


def test_rules_dir_changes_are_seen(tmp_path, build):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "a.cf").write_text("describe LOCAL_X first words\n", encoding="utf-8")
    msg = build("X-Spam-Status: Yes, score=9 required=5 tests=LOCAL_X")
    policy = Policy(spamassassin_rules=(rules,))
    first = analyze_spam(msg, policy, hops=HopAnalysis())
    assert first.verdicts[0].rules[0].description == "first words"
    (rules / "b.cf").write_text("describe LOCAL_Y other\n", encoding="utf-8")
    second = analyze_spam(msg, policy, hops=HopAnalysis())
    assert second.rule_source.files == 2
    assert second.rule_source.sha256 != first.rule_source.sha256
    (rules / "a.cf").write_text("describe LOCAL_X new words, longer\n", encoding="utf-8")
    third = analyze_spam(msg, policy, hops=HopAnalysis())
    assert third.verdicts[0].rules[0].description == "new words, longer"


def test_rules_dir_precedence(tmp_path, build):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x.cf").write_text("describe R1 from a\n", encoding="utf-8")
    (b / "x.cf").write_text("describe R1 from b\ndescribe R2 only in b\nscore R1 4\n", "utf-8")
    msg = build("X-Spam-Status: Yes, score=9 required=5 tests=R1,R2")
    res = analyze_spam(msg, Policy(spamassassin_rules=(a, b)), hops=HopAnalysis())
    assert [r.description for r in res.verdicts[0].rules] == ["from a", "only in b"]
    assert sarules.load_rules_dir([a, b])["R1"].score == 4.0


def test_rules_dir_errors(tmp_path, build):
    msg = build("X-Spam-Status: Yes, score=9 required=5 tests=R1")
    (tmp_path / "file.cf").write_text("describe R1 x\n", encoding="utf-8")
    for bad, why in [(tmp_path / "nope", "no such directory"), (tmp_path / "file.cf", "not a")]:
        with pytest.raises(InputError, match=why):
            analyze_spam(msg, Policy(spamassassin_rules=bad), hops=HopAnalysis())


def test_top_rules_folds_prefixes():
    rules = [
        SpamRule(name=n, score=s)
        for n, s in [("BAYES_99", 3.5), ("URIBL_BLACK", 1.7), ("URIBL_DBL_SPAM", 1.8), ("X", -1.0)]
    ]
    assert top_rules(rules) == ["BAYES_99", "URIBL_*"]
    assert top_rules([]) == []


ALL_NAMES = sorted(REGISTRY.exact)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(ALL_NAMES), value=st.text(max_size=300))
def test_decoders_never_raise(name, value):
    reg = REGISTRY.exact[name]
    f = HeaderField(index=0, name=name, raw=f"{name}: {value}\r\n", value=value, start=0, end=0)
    reg.decoder(f, Draft(vendor=reg.vendor), DefectLog())
