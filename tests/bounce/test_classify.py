"""The reason classifier: sourced wording, specific before generic, the deciding evidence."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from headerlens.bounce.classify import Evidence, decide
from headerlens.bounce.recipient import recipient_status


def _data() -> dict[str, object]:
    text = resources.files("headerlens.bounce").joinpath("data", "reasons.json").read_text()
    data: dict[str, object] = json.loads(text)
    return data


def test_every_wording_group_names_a_source_and_every_source_is_used() -> None:
    data = _data()
    sources = data["sources"]
    assert isinstance(sources, dict)
    used: set[str] = set()
    reasons = data["reasons"]
    assert isinstance(reasons, dict)
    for name, r in reasons.items():
        seen: set[str] = set()
        for group in r["wording"]:
            assert group["source"] in sources, (name, group["source"])
            used.add(group["source"])
            phrases = group.get("phrases", [])
            assert phrases or group.get("sequences"), (name, group["source"])
            for p in phrases:
                assert p == p.lower(), (name, p)
                assert p.strip(), name
                assert p not in seen, (name, p)
                seen.add(p)
    assert used == set(sources)
    for key, src in sources.items():
        assert src["level"] in ("specific", "generic"), key
        assert src["label"], key
        assert src["reference"], key


@pytest.mark.parametrize(
    ("diag", "status", "command", "reason", "evidence"),
    [
        # A specific phrase wins over another reason's plain words in the same text.
        (
            "452 4.2.2 rate limit reached: mailbox is full",
            None,
            "RCPT",
            "mailboxfull",
            Evidence("phrase", "mailbox is full", "wording listed by Sisimai"),
        ),
        # Plain words decide only when nothing specific, no code and no stage does.
        (
            "451 sending rate exceeded, try later",
            None,
            None,
            "ratelimited",
            Evidence("generic", "sending rate", "the reason's plain words"),
        ),
        # ...and never overrule a status code that names a reason.
        (
            "554 5.2.2 sending rate exceeded",
            "5.2.2",
            None,
            "mailboxfull",
            Evidence("status", "5.2.2"),
        ),
        # The stage: user-unknown wording after RCPT TO is userunknown, after DATA filtered.
        (
            "550 user unknown",
            None,
            "RCPT",
            "userunknown",
            Evidence("phrase", "user unknown", "wording listed by Sisimai"),
        ),
        (
            "550 user unknown",
            None,
            "DATA",
            "filtered",
            Evidence("phrase", "user unknown", "wording listed by Sisimai"),
        ),
        # Reply 525 names 'suspend' (RFC 5321: user account disabled).
        ("525 no", None, "RCPT", "suspend", Evidence("reply", "525")),
        # Nothing decides: onhold, and the evidence says so.
        ("550 computer says no", None, None, "onhold", Evidence("none")),
    ],
)
def test_decision_and_its_evidence(
    diag: str, status: str | None, command: str | None, reason: str, evidence: Evidence
) -> None:
    reply = diag[:3]
    got = decide(diag, status, reply, "failed", command=command)
    assert (got.reason, got.evidence) == (reason, evidence)


def test_the_explanation_cites_what_decided() -> None:
    r = recipient_status(
        "kim@example.org",
        action="failed",
        dsn_status=None,
        diagnostic="host mx.example.org[192.0.2.1] said: 452 mailbox is full (in reply to RCPT TO)",
    )
    assert r.reason == "mailboxfull"
    assert r.explanation == (
        "The recipient's mailbox is full: its quota or the disk holding it is used up. Usually"
        ' temporary (x.2.2). Decided by the words "mailbox is full" in the diagnostic'
        " (wording listed by Sisimai)."
    )
    nothing = recipient_status(
        "kim@example.org", action="failed", dsn_status=None, diagnostic="it did not work"
    )
    assert (nothing.reason, nothing.status, nothing.status_source) == (
        "onhold",
        "5.0.901",
        "inferred",
    )
    assert nothing.explanation.endswith(
        "Nothing in the diagnostic, the codes or the stage decides the reason."
    )
