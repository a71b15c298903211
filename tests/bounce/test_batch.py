"""Batch rows and the pandas DataFrame (one row per recipient)."""

from __future__ import annotations

from pathlib import Path

from headerlens.integrations.bounces import ROW_FIELDS, iter_bounce_rows

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "bounce"


def test_rows() -> None:
    items = [(p.name, p.read_bytes()) for p in sorted(SAMPLES.glob("*.eml"))]
    rows = list(iter_bounce_rows(items, analyze_original=False))
    assert [(r["file"], r["kind"], r["reason"]) for r in rows] == [
        ("arf-abuse-report.eml", "feedback", "feedback"),
        ("gmail-5.7.1-policy-prose.eml", "heuristic", "blocked"),
        ("office365-5.7.26-dmarc-with-original.eml", "dsn", "authfailure"),
        ("postfix-dsn-5.1.1-user-unknown.eml", "dsn", "userunknown"),
        ("rfc3834-vacation-autoreply.eml", "autoreply", "vacation"),
    ]
    assert all(set(r) == set(ROW_FIELDS) for r in rows)
    assert rows[2]["original_message_id"] == "<spring-sale-42@shop.example.com>"
    # A feedback report and an auto-reply are not failures: permanent/hard do not apply.
    assert [(r["permanent"], r["hard_bounce"]) for r in rows] == [
        (None, None),
        (True, False),
        (True, False),
        (True, True),
        (None, None),
    ]


def test_dataframe() -> None:
    from headerlens.bounce import parse_bounce
    from headerlens.integrations.pandas import bounces_dataframe

    reports = [parse_bounce(p.read_bytes()) for p in sorted(SAMPLES.glob("*.eml"))]
    df = bounces_dataframe([r for r in reports if r is not None])
    assert list(df.columns) == list(ROW_FIELDS)
    assert list(df["reason"]) == ["feedback", "blocked", "authfailure", "userunknown", "vacation"]
    assert [None if v is None or v != v else bool(v) for v in df["permanent"]] == [
        None,
        True,
        True,
        True,
        None,
    ]
    assert df["permanent"].isna().tolist() == [True, False, False, False, True]


def test_old_module_name_still_works_with_a_warning() -> None:
    import importlib

    import pytest

    from headerlens.integrations import bounces

    old = importlib.import_module("headerlens.bounce.batch")
    for name in ("ROW_FIELDS", "iter_bounce_rows", "rows_for_report"):
        with pytest.warns(DeprecationWarning, match="headerlens.integrations.bounces"):
            assert getattr(old, name) is getattr(bounces, name)
    with pytest.raises(AttributeError):
        _ = old.nothing_here
