"""analyze_bag() on a real dask.distributed LocalCluster of two worker processes.

The Dask tables must have exactly the columns and dtypes of ``tables()`` and the same rows as
the serial path, for bags of paths (files, an mbox, a Maildir), bytes and (id, bytes) pairs.
The cluster listens on 127.0.0.1 only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import dask  # noqa: E402
import dask.bag as db  # noqa: E402
import pandas as pd  # noqa: E402

import headerlens  # noqa: E402
from headerlens.integrations.dask import analyze_bag, bag_item_id  # noqa: E402
from headerlens.integrations.rows import TABLE_DTYPES  # noqa: E402
from headerlens.integrations.tables import frame, tables  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
POLICY = headerlens.Policy(as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

# distributed's own shutdown can leave sockets for the garbage collector to close.
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        assert len(c.scheduler_info()["workers"]) == 2
        yield c


def _archive(tmp_path: Path) -> list[str]:
    """Sample files, an mbox of three of them and a Maildir of two: paths for the bag."""
    files = sorted(SAMPLES.rglob("*.eml"))
    box = tmp_path / "archive.mbox"
    with box.open("wb") as fh:
        for p in files[:3]:
            data = p.read_bytes().replace(b"\r\n", b"\n").rstrip(b"\n") + b"\n"
            fh.write(b"From someone@example.net Tue Mar  3 10:00:00 2026\n" + data)
    md = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (md / sub).mkdir(parents=True)
    for i, p in enumerate(files[3:5]):
        (md / "new" / f"{i}.host").write_bytes(p.read_bytes())
    return [str(p) for p in files] + [str(box), str(md)]


def _serial(paths: list[str]) -> dict[str, pd.DataFrame]:
    parts = [tables(p, policy=POLICY) for p in paths]
    return {name: pd.concat([t[name] for t in parts], ignore_index=True) for name in TABLE_DTYPES}


def _computed(bag: db.Bag, policy: headerlens.Policy | None = POLICY) -> dict[str, pd.DataFrame]:
    lazy = analyze_bag(bag, policy=policy)
    assert list(lazy) == list(TABLE_DTYPES)
    for name, df in lazy.items():  # the lazy frames already carry the fixed schema
        assert list(df.columns) == list(TABLE_DTYPES[name])
        assert df.dtypes.equals(frame(name, []).dtypes)
    done = dask.compute(*lazy.values())
    return {name: df.reset_index(drop=True) for name, df in zip(lazy, done, strict=True)}


def test_paths_on_two_worker_processes_give_the_serial_rows(client: object, tmp_path: Path) -> None:
    paths = _archive(tmp_path)
    got = _computed(db.from_sequence(paths, npartitions=4))
    want = _serial(paths)
    for name in TABLE_DTYPES:
        pd.testing.assert_frame_equal(got[name], want[name], check_exact=True)
    assert len(got["messages"]) == len(list(SAMPLES.rglob("*.eml"))) + 3 + 2
    assert got["messages"]["id"].str.endswith("archive.mbox#3").sum() == 1
    # Both workers took part.
    assert len(client.scheduler_info()["workers"]) == 2  # type: ignore[attr-defined]


def test_bytes_and_pairs(client: object) -> None:
    files = sorted(SAMPLES.rglob("*.eml"))[:6]
    blobs = [p.read_bytes() for p in files]
    pairs = zip(files[3:], blobs[3:], strict=True)
    items: list[object] = [*blobs[:3], *((p.name, b) for p, b in pairs)]
    got = _computed(db.from_sequence(items, npartitions=2))
    ids = [bag_item_id(b) for b in blobs[:3]] + [p.name for p in files[3:]]
    assert got["messages"]["id"].tolist() == ids
    assert ids[0] == "sha256:" + hashlib.sha256(blobs[0]).hexdigest()[:32]
    reports = [(i, headerlens.analyze(b, policy=POLICY)) for i, b in zip(ids, blobs, strict=True)]
    want = tables(reports)
    for name in TABLE_DTYPES:
        pd.testing.assert_frame_equal(got[name], want[name], check_exact=True)


def test_strict_rejections_are_error_rows(client: object) -> None:
    bag = db.from_sequence([("bad", b"Subject: no from, no date\r\n\r\nbody\r\n")])
    got = _computed(bag, policy=headerlens.Policy(strict=True))
    assert got["messages"]["id"].tolist() == ["bad"]
    assert got["messages"]["error"].str.startswith("message.missing_from").tolist() == [True]
    assert all(len(got[name]) == 0 for name in TABLE_DTYPES if name != "messages")


def test_a_wrong_item_is_a_type_error(client: object) -> None:
    lazy = analyze_bag(db.from_sequence([123]))
    with pytest.raises(TypeError, match="not an item of type int"):
        lazy["messages"].compute()


def test_a_bag_is_required() -> None:
    with pytest.raises(TypeError, match=r"takes a dask\.bag\.Bag"):
        analyze_bag([b"Subject: x\r\n\r\n"])
