"""Many messages on every core: an ordered, bounded parallel map (``headerlens --batch --jobs N``).

:func:`ordered_map` runs a function over a stream of items in worker processes and yields the
results **in input order**, while the input is still being read. Memory stays flat in the
number of items: items are sent in chunks (a few dozen messages, about a megabyte) and at most
a fixed number of chunks is in flight at once (``2 x jobs`` by default), so a mailbox of a
million messages holds about as much in memory as one of a thousand. Each worker process
handles whole chunks, so a message is never split between processes, and the results do not
depend on the number of workers: ``jobs=1`` runs in this process, with the same function.

Worker processes are forked from this process on Linux when it runs a single thread (they
start at once, with headerlens already imported); otherwise (threads running, as under a
progress bar, or another platform) they come from a ``forkserver`` that imports headerlens
once, or are spawned where there is none. A batch that fits in one chunk never starts one.
The function and every item must be picklable: a module-level function (or a
``functools.partial`` of one) and plain data such as ``(name, bytes)`` pairs. A
:class:`~headerlens.policy.Policy` pickles, resolvers included (each worker gets its own copy
of the resolver: a ``StaticResolver`` answers the same everywhere, a ``DnsResolver`` asks
the same servers).

Workers ignore ``SIGINT``: on Ctrl-C the calling process stops reading, cancels the chunks
not yet started and waits for the running ones (a chunk takes a fraction of a second).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

__all__ = ["CHUNK_BYTES", "CHUNK_ITEMS", "default_jobs", "ordered_map"]

T = TypeVar("T")
R = TypeVar("R")

#: A chunk closes at this many items ...
CHUNK_ITEMS = 32
#: ... or at this many bytes of input (the ``weight`` of its items), whichever comes first.
CHUNK_BYTES = 1 << 20

# Modules a fresh worker needs: imported once in the fork server, inherited by every worker.
_PRELOAD = ["headerlens.analyze", "headerlens.integrations.rows", "headerlens.cli._batch"]


def default_jobs() -> int:
    """The number of CPU cores this process may run on (at least 1)."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        try:
            return max(1, len(affinity(0)))
        except OSError:  # pragma: no cover - a restricted sandbox
            pass
    return max(1, os.cpu_count() or 1)


def _chunks(
    items: Iterable[T], weight: Callable[[T], int], max_items: int, max_bytes: int
) -> Iterator[list[T]]:
    chunk: list[T] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += weight(item)
        if len(chunk) >= max_items or size >= max_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _run_chunk(func: Callable[[T], R], chunk: list[T]) -> list[R]:
    """One chunk in a worker: the function over each item, in order."""
    return [func(item) for item in chunk]


def _worker_init() -> None:
    # Ctrl-C reaches every process of the terminal's group: only the parent acts on it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        # One thread only: a forked worker starts at once with everything this process has
        # imported (the fork server would import headerlens again first, about half a second
        # before the first message).
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _one_weight(_item: object) -> int:
    return 1


def ordered_map(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    jobs: int | None = None,
    weight: Callable[[T], int] | None = None,
    window: int | None = None,
    chunk_items: int = CHUNK_ITEMS,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[R]:
    """Yield ``func(item)`` for every item, in input order, computed on ``jobs`` processes.

    ``jobs``: worker processes (default :func:`default_jobs`); ``1`` runs everything in this
    process. ``weight(item)``: the item's size in bytes, which closes a chunk at
    ``chunk_bytes`` (default: every item weighs 1, chunks close at ``chunk_items``).
    ``window``: chunks in flight at most (default ``2 * jobs``): together with the chunk size
    it bounds the memory held, whatever the number of items. ``items`` is read lazily, as
    the window frees up. An exception raised by ``func`` is raised here, at its item's turn;
    a ``TypeError`` names an unpicklable function or item.
    """
    if jobs is None:
        jobs = default_jobs()
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, not {jobs!r}")
    if jobs == 1:
        for item in items:
            yield func(item)
        return
    chunks = _chunks(items, weight or _one_weight, chunk_items, chunk_bytes)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None:  # one chunk: starting processes would cost more than it saves
        yield from _run_chunk(func, first)
        return
    yield from _parallel(func, first, second, chunks, jobs, window or 2 * jobs)


def _parallel(
    func: Callable[[T], R],
    first: list[T],
    second: list[T],
    rest: Iterator[list[T]],
    jobs: int,
    window: int,
) -> Iterator[R]:
    pending: deque[Future[list[R]]] = deque()
    executor = ProcessPoolExecutor(
        max_workers=jobs, mp_context=_context(), initializer=_worker_init
    )
    try:
        queued: Iterator[list[T]] = _prepend(first, second, rest)
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                chunk = next(queued, None)
                if chunk is None:
                    exhausted = True
                    break
                pending.append(executor.submit(_run_chunk, func, chunk))
            if not pending:
                break
            yield from pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)


def _prepend(first: list[T], second: list[T], rest: Iterator[list[T]]) -> Iterator[list[T]]:
    yield first
    yield second
    yield from rest
