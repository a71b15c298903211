"""DataFrames of reports (pandas extra)."""

from __future__ import annotations

from pathlib import Path

import pytest

import headerlens
from headerlens.integrations.dataframes import findings_frame, hops_frame, messages_frame
from headerlens.integrations.rows import ROW_FIELDS

pd = pytest.importorskip("pandas")

MSG = (
    b"Received: from mx.example.org (mx.example.org [192.0.2.1]) by mbox.example.org"
    b" (Postfix) with ESMTP id B2; Tue, 3 Mar 2026 10:00:09 +0000\r\n"
    b"Received: from a.example.net (a.example.net [203.0.113.5]) by mx.example.org"
    b" (Postfix) with ESMTPS id A1; Tue, 3 Mar 2026 10:00:07 +0000\r\n"
    b"From: alice@example.net\r\nSubject: s\r\nDate: Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\nx\r\n"
)


def test_hops_frame_rows_oldest_first() -> None:
    frame = hops_frame(headerlens.analyze(MSG))
    assert list(frame["hop"]) == [0, 1]
    assert list(frame["by_host"]) == ["mx.example.org", "mbox.example.org"]
    assert frame["delay_seconds"].iloc[1] == 2.0


def test_messages_frame_from_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(MSG)
    frame = messages_frame(tmp_path)
    assert list(frame.columns) == list(ROW_FIELDS)
    assert frame["subject"].tolist() == ["s"]


def test_findings_frame_columns() -> None:
    frame = findings_frame(headerlens.analyze(MSG))
    assert list(frame.columns) == ["severity", "code", "summary", "header_indexes"]


def test_rows_say_unverified_for_an_arc_chain_without_keys() -> None:
    from headerlens.integrations.rows import summary_row

    sample = Path(__file__).resolve().parent.parent / "samples" / "arc"
    row = summary_row("x", headerlens.analyze(sample / "forwarded-list-valid-chain.eml"))
    assert row["arc_cv"] == "unverified"


def test_rows_say_bypassed_for_skipped_filtering() -> None:
    from headerlens.integrations.rows import summary_row

    sample = Path(__file__).resolve().parent.parent / "samples" / "exchange-onprem-internal.eml"
    row = summary_row("x", headerlens.analyze(sample))
    assert row["spam"] == "microsoft:bypassed microsoft:?"


def test_auth_and_dkim_frames() -> None:
    from headerlens.integrations.dataframes import auth_frame, dkim_frame

    samples = Path(__file__).resolve().parent.parent / "samples"
    report = headerlens.analyze(
        samples / "arc" / "forwarded-list-valid-chain.eml",
        policy=headerlens.Policy(
            resolver=headerlens.StaticResolver.from_json(samples / "arc" / "keys.json")
        ),
    )
    auth = auth_frame(report)
    top = auth[auth["header_index"] == 0]
    assert list(zip(top["method"], top["result"], strict=True)) == [
        ("arc", "pass"),
        ("spf", "pass"),
        ("dkim", "fail"),
        ("dmarc", "fail"),
    ]
    dkim = dkim_frame(report)
    assert dkim[["domain", "result", "reason"]].values.tolist() == [
        ["example.com", "fail", "body_hash_mismatch"]
    ]
