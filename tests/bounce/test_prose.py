"""Prose bounces: the failed (or delayed) addresses of each format, and nothing else.

Each message in ``tests/bounce/prose/`` is shaped after the format's own text (see the
README there). The whole recipient list is compared: address, action, permanent and reason;
an address of the quoted original, of the report's own header or of a "please reply to"
line must not appear.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from headerlens.bounce import parse_bounce

PROSE = Path(__file__).resolve().parent / "prose"

Row = tuple[str | None, str | None, bool | None, str | None]

CASES: dict[str, tuple[str, list[Row]]] = {
    "qmail-two-recipients": (
        "qmail",
        [
            ("nobody@example.net", "failed", True, "userunknown"),
            ("kim@example.org", "failed", True, "mailboxfull"),
        ],
    ),
    "yahoo-user-unknown": ("yahoo", [("kim@example.org", "failed", True, "userunknown")]),
    "yahoo-no-account": ("yahoo", [("kim@example.org", "failed", True, "filtered")]),
    "aol-screen-names": (
        "aol",
        [
            ("kimscreenname@aol.com", "failed", True, "filtered"),
            ("Lee1974@aol.com", "failed", True, "filtered"),
        ],
    ),
    "imail-smtp32-labels": (
        "imailserver",
        [
            ("kim@example.net", "failed", True, "userunknown"),
            ("lee@example.net", "failed", True, "mailboxfull"),
        ],
    ),
    "groupwise-undeliverable": (
        "generic",
        [
            ("kim@example.net", "failed", True, "filtered"),
            ("lee@example.net", "failed", True, "hostunknown"),
        ],
    ),
    "exchange2003-did-not-reach": (
        "exchange2003",
        [("kim@example.net", "failed", True, "userunknown")],
    ),
    "netscape-queue-expired": ("generic", [("kim@example.org", "failed", True, "expired")]),
    "netscape-recipient-reason": (
        "generic",
        [("kim@example.org", "failed", True, "userunknown")],
    ),
    # Warnings: the addresses are delayed, not failed (temporary, never permanent).
    "sendmail-warning-transient": (
        "sendmail",
        [("kim@example.org", "delayed", False, "expired")],
    ),
    "postfix-delay-warning": ("postfix", [("kim@example.org", "delayed", False, "expired")]),
    "exim-delay-warning": ("exim", [("kim@example.org", "delayed", False, "expired")]),
    "microsoft-delay-warning": (
        "generic",
        [("kim@example.org", "delayed", False, "expired")],
    ),
    "simple-list-unmarked-original": (
        "generic",
        [
            ("kim@example.org", "failed", True, "mailboxfull"),
            ("lee@example.org", "failed", True, "mailboxfull"),
        ],
    ),
}


def test_every_prose_sample_has_a_case() -> None:
    assert sorted(p.stem for p in PROSE.glob("*.eml")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_prose_recipients(name: str) -> None:
    fmt, rows = CASES[name]
    report = parse_bounce((PROSE / f"{name}.eml").read_bytes())
    assert report is not None
    assert report.source_format == fmt
    got = [(r.final_recipient, r.action, r.permanent, r.reason) for r in report.recipients]
    assert got == rows


def test_a_warning_gives_temporary_codes() -> None:
    report = parse_bounce((PROSE / "sendmail-warning-transient.eml").read_bytes())
    assert report is not None
    assert [(r.status, r.status_source) for r in report.recipients] == [("4.0.947", "inferred")]


def test_recipients_are_capped_by_the_policy_with_a_defect() -> None:
    from headerlens.policy import Limits, Policy

    body = "".join(f"user{i}@example.org unknown user\n" for i in range(30))
    data = f"From: MAILER-DAEMON@mail.example.net\nSubject: Undelivered Mail\n\n{body}".encode()
    report = parse_bounce(data, policy=Policy(limits=Limits(max_bounce_recipients=10)))
    assert report is not None
    assert [r.final_recipient for r in report.recipients] == [
        f"user{i}@example.org" for i in range(10)
    ]
    assert [d.code for d in report.defects][:1] == ["limits.bounce_recipients"]
