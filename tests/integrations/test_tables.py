"""tables(): six DataFrames for many messages in one call, fixed columns and dtypes."""

from __future__ import annotations

from pathlib import Path

import pytest

import headerlens
from headerlens.integrations.rows import ROW_FIELDS, TABLE_DTYPES, report_rows
from headerlens.integrations.tables import tables

pd = pytest.importorskip("pandas")

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def folder() -> dict[str, object]:
    return tables(SAMPLES)


def test_every_table_has_its_fixed_columns_and_dtypes(folder: dict[str, object]) -> None:
    assert list(folder) == ["messages", "hops", "auth", "dkim", "findings", "bounces"]
    for name, df in folder.items():
        assert list(df.columns) == list(TABLE_DTYPES[name]), name  # type: ignore[attr-defined]
        assert {c: str(t) for c, t in df.dtypes.items()} == TABLE_DTYPES[name], name  # type: ignore[attr-defined]


def test_empty_tables_keep_their_dtypes() -> None:
    out = tables([headerlens.analyze(b"Subject: nothing\r\n\r\n")])
    assert len(out["hops"]) == 0
    for name, df in out.items():
        assert {c: str(t) for c, t in df.dtypes.items()} == TABLE_DTYPES[name], name


def test_rows_are_keyed_by_the_message_they_came_from(folder: dict[str, object]) -> None:
    messages = folder["messages"]
    ids = list(messages["id"])  # type: ignore[index]
    assert len(ids) == len(set(ids)) == 40  # every message under samples/
    for name in ("hops", "auth", "dkim", "findings", "bounces"):
        assert set(folder[name]["id"]) <= set(ids), name  # type: ignore[index]
    hops = folder["hops"]
    report = headerlens.analyze(SAMPLES / "clock-skew-and-delay.eml")
    mine = hops[hops["id"] == str(SAMPLES / "clock-skew-and-delay.eml")]  # type: ignore[index]
    assert list(mine["by_host"]) == [h.received.by_host for h in report.hops]
    assert list(
        mine["delay_seconds"].astype(object).where(mine["delay_seconds"].notna(), None)
    ) == [None if h.delay is None else h.delay.total_seconds() for h in report.hops]


def test_bounces_table_one_row_per_recipient() -> None:
    out = tables(SAMPLES / "bounce")["bounces"]
    assert [(Path(i).name, r) for i, r in zip(out["id"], out["reason"], strict=True)] == [
        ("arf-abuse-report.eml", "feedback"),
        ("gmail-5.7.1-policy-prose.eml", "blocked"),
        ("office365-5.7.26-dmarc-with-original.eml", "authfailure"),
        ("postfix-dsn-5.1.1-user-unknown.eml", "userunknown"),
        ("rfc3834-vacation-autoreply.eml", "vacation"),
    ]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda r: r, id="one-report"),
        pytest.param(lambda r: [r], id="list"),
        pytest.param(lambda r: {"0": r}, id="mapping"),
        pytest.param(lambda r: [("0", r)], id="pairs"),
    ],
)
def test_every_source_shape_gives_the_same_tables(make: object) -> None:
    report = headerlens.analyze(SAMPLES / "clock-skew-and-delay.eml")
    out = tables(make(report))  # type: ignore[operator]
    expected = report_rows("0", report)
    assert len(out["hops"]) == len(expected["hops"]) == 4
    assert list(out["messages"].columns) == list(ROW_FIELDS)


def test_a_wrong_item_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        tables([b"not a report"])  # type: ignore[list-item]


def test_strict_policy_rejections_become_error_rows(tmp_path: Path) -> None:
    (tmp_path / "bad.eml").write_bytes(b"Subject: x\r\nDate: not a date\r\n\r\n")
    out = tables(tmp_path, policy=headerlens.Policy(strict=True))
    assert out["messages"]["error"].notna().tolist() == [True]
    assert len(out["hops"]) == 0


def test_row_builders_are_pure_and_match_the_dtype_map() -> None:
    report = headerlens.analyze(SAMPLES / "gmail-to-microsoft365.eml")
    rows = report_rows("x", report)
    assert rows == report_rows("x", report)
    for name, table_rows in rows.items():
        for row in table_rows:
            assert list(row) == list(TABLE_DTYPES[name]), name
