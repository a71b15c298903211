"""The six tables of a mail archive on a Dask cluster (the ``dask`` extra): :func:`analyze_bag`.

``analyze_bag(bag)`` takes a :class:`dask.bag.Bag` of message sources and returns the tables of
:func:`headerlens.integrations.tables.tables` (``messages``, ``hops``, ``auth``, ``dkim``,
``findings``, ``bounces``) as Dask DataFrames, with exactly the same columns and dtypes
(:data:`~headerlens.integrations.rows.TABLE_DTYPES`) and the same rows: each partition of the
bag is analysed on a worker with the same row builders. Nothing runs until you compute; the
six DataFrames share one analysis per partition, so compute them together
(``dask.compute(*tables.values())``) or ``persist()`` them, or each table you compute on its
own analyses the archive again.

Items of the bag (they may be mixed):

- a path (``str`` or ``os.PathLike``) that the *workers* can read: a message file, a folder,
  an mbox file or a Maildir, expanded with :func:`headerlens.iter_messages` on the worker
  (ids as there: ``path``, ``path#N`` for the Nth message of an mbox). On a cluster, paths on
  shared storage (NFS, a mounted bucket) are read where the work runs, so only file names
  travel;
- ``bytes``: one message; its id is ``sha256:`` and the first 32 hex digits of the SHA-256 of
  the bytes (the same message gets the same id however the bag is partitioned);
- an ``(id, bytes)`` pair: one message with your own id.

Without the extra, calling :func:`analyze_bag` raises
:class:`~headerlens.errors.HeaderlensError` saying what to install.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from headerlens.errors import HeaderlensError
from headerlens.integrations.rows import ROW_BUILDERS
from headerlens.integrations.tables import analyzed, collect_rows, frame
from headerlens.policy import Policy, policy_or_default

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["analyze_bag", "bag_item_id", "partition_tables"]


def bag_item_id(data: bytes) -> str:
    """The id of a message given as bare bytes: ``sha256:`` + 32 hex digits of its SHA-256."""
    return "sha256:" + hashlib.sha256(data).hexdigest()[:32]


def _messages(items: Iterable[object]) -> Iterator[tuple[str, bytes]]:
    from headerlens.parse import iter_messages

    for item in items:
        if isinstance(item, (bytes, bytearray, memoryview)):
            data = bytes(item)
            yield bag_item_id(data), data
        elif isinstance(item, str | os.PathLike):
            yield from iter_messages(item)
        elif (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[1], (bytes, bytearray, memoryview))
        ):
            yield str(item[0]), bytes(item[1])
        else:
            raise TypeError(
                "analyze_bag() takes a bag of paths, message bytes or (id, bytes) pairs,"
                f" not an item of type {type(item).__name__}"
            )


def partition_tables(items: Iterable[object], policy: Policy | None) -> dict[str, pd.DataFrame]:
    """The six tables of one bag partition (runs on a worker): the same pandas DataFrames
    :func:`~headerlens.integrations.tables.tables` builds for those messages."""
    collected = collect_rows(analyzed(_messages(items), policy))
    return {name: frame(name, rows) for name, rows in collected.items()}


def _table(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    return tables[name]


def _dask() -> tuple[Any, Any]:
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise HeaderlensError("analyze_bag needs Dask: pip install 'headerlens[dask]'") from exc
    return dask, dd


def analyze_bag(bag: Any, policy: Policy | None = None) -> dict[str, Any]:
    """The six tables of every message in ``bag`` as Dask DataFrames, keyed by table name.

    ``bag``: a :class:`dask.bag.Bag` of paths, message bytes or ``(id, bytes)`` pairs (see the
    module docstring). ``policy`` travels to the workers with the work (it pickles, resolvers
    included); by default the analysis is offline. Columns and dtypes are those of
    :data:`~headerlens.integrations.rows.TABLE_DTYPES`; rows come in bag order within each
    partition, partitions in bag order (the index is a per-partition range, as
    :func:`~headerlens.integrations.tables.tables` gives for one partition). A message that a
    strict policy rejects gets a ``messages`` row with ``error`` set.
    """
    pol = policy_or_default(policy, "analyze_bag") if policy is not None else None
    dask, dd = _dask()
    to_delayed = getattr(bag, "to_delayed", None)
    if not callable(to_delayed) or not hasattr(bag, "npartitions"):
        raise TypeError(f"analyze_bag(bag) takes a dask.bag.Bag, not {type(bag).__name__}")
    per_partition = [dask.delayed(partition_tables, pure=True)(part, pol) for part in to_delayed()]
    out: dict[str, Any] = {}
    for name in ROW_BUILDERS:
        meta = frame(name, [])
        pieces = [dask.delayed(_table, pure=True)(t, name) for t in per_partition]
        out[name] = dd.from_delayed(pieces, meta=meta, verify_meta=True)
    return out
