"""A function over a list in worker processes, the results in input order.

Why processes: the ingest of one file is pure Python (layout, extraction,
the RDF mapping), so threads would share one interpreter lock; files are
independent, so two processes read two files while this one loads the
store.  Why in order, with a small window: the output (graphs, reports,
the order of the store's batches) must not depend on which worker finished
first, and results waiting for a slow predecessor must not pile up in
memory (one call per worker is outstanding: a result is a whole file's
graph).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.pool import AsyncResult
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS_ENV = "COUNCILKG_WORKERS"
MAX_WORKERS = 4


def default_workers() -> int:
    """``$COUNCILKG_WORKERS`` if set, else the CPUs this process may use (at most 4)."""
    given = os.environ.get(WORKERS_ENV, "").strip()
    if given.isdigit():
        return max(1, int(given))
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def ordered_map(fn: Callable[[T], R], items: Sequence[T], workers: int) -> Iterator[R]:
    """``fn`` of each item, in the order of ``items``, computed by up to
    ``workers`` processes with at most one call per worker outstanding.

    ``fn`` must be picklable (a module-level function or a partial of one).
    A call that fails in a worker is made again in this process, so the
    exception raised is the one a run without workers raises.  One worker
    or one item: no processes at all.
    """
    if workers <= 1 or len(items) <= 1:
        for item in items:
            yield fn(item)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with context.Pool(min(workers, len(items))) as pool:
        pending: deque[tuple[T, AsyncResult[tuple[bool, R | None]]]] = deque()
        queue = iter(items)
        for item in queue:
            pending.append((item, pool.apply_async(_call, (fn, item))))
            if len(pending) >= workers:
                break
        while pending:
            item, waiting = pending.popleft()
            nxt = next(queue, None)
            if nxt is not None:
                pending.append((nxt, pool.apply_async(_call, (fn, nxt))))
            try:
                ok, value = waiting.get()
            except Exception:  # the result could not be sent back
                ok, value = False, None
            yield value if ok else fn(item)  # type: ignore[misc]


def _call(fn: Callable[[T], R], item: T) -> tuple[bool, R | None]:
    """``fn(item)`` in a worker, its failure reported rather than raised (it
    is raised again, the same, by the caller's own call)."""
    try:
        return True, fn(item)
    except Exception:
        return False, None
