"""A function over a list in worker processes, the results in input order.

Why processes: the ingest of one file is pure Python (layout, extraction,
the RDF mapping), so threads would share one interpreter lock; files are
independent, so worker processes read files while this one loads the
store, and this one may read files too between its loads.  Why in order,
with a small window: the output (graphs, reports, the order of the store's
batches) must not depend on which process finished first, and results
waiting for a slow predecessor must not pile up in memory (one or two
calls per worker are outstanding: a result is a whole file's graph).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS_ENV = "COUNCILKG_WORKERS"
MAX_WORKERS = 4
AHEAD = 2
"""Results of its own that a helping process holds while a worker's
earlier one is under way (each may be a whole file's graph)."""


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


def ordered_map(
    fn: Callable[[T], R], items: Sequence[T], workers: int, *, help_here: bool = False
) -> Iterator[R]:
    """``fn`` of each item, in the order of ``items``, computed by up to
    ``workers`` processes with one call per worker outstanding (two when
    this process helps).

    ``fn`` must be picklable (a module-level function or a partial of one).
    A call that fails in a worker is made again in this process, so the
    exception raised is the one a run without workers raises.  No worker
    (or one item): no processes at all; one worker and no help: the same.

    ``help_here``: this process computes too, beside ``workers`` processes.
    Whenever the result it must yield next is not ready, it takes the next
    item nobody has taken instead of waiting, so the share each process
    takes follows its speed and its other work (here, loading the store)
    on this machine.  Each worker then has a second call queued, so it does
    not wait for this process to finish an item and take its result.  The
    results of this process wait for those before them: at most
    :data:`AHEAD` of them, beyond which it waits too.  A call that fails
    here is made again when its result is due, as a worker's would be.
    """
    pooled = workers if help_here else (workers if workers > 1 else 0)
    if pooled < 1 or len(items) <= 1:
        for item in items:
            yield fn(item)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = ProcessPoolExecutor(min(pooled, len(items)), mp_context=context)
    try:
        queue = deque(items)
        # In input order: each item, its call, and whether this process made it.
        pending: deque[tuple[T, Future[tuple[bool, R | None]], bool]] = deque()
        in_pool = 0
        window = 2 * pooled if help_here else pooled
        broken = False  # a worker died: this process takes the rest
        while pending or queue:
            while queue and in_pool < window and not broken:
                try:
                    future = pool.submit(_call, fn, queue[0])
                except BrokenProcessPool:
                    broken = True
                    break
                pending.append((queue.popleft(), future, False))
                in_pool += 1
            # This process takes the next item when nothing else is due, or
            # when helping and the result due is not there yet.
            idle = not pending
            due_later = bool(pending) and not pending[0][1].done()
            helps = help_here and due_later and len(pending) < window + AHEAD
            if queue and (idle or helps):
                item = queue.popleft()
                pending.append((item, _made_here(fn, item), True))
                continue
            item, result, here = pending.popleft()
            if not here:
                in_pool -= 1
            try:
                # A worker that dies (killed, out of memory) fails its calls
                # and every later one: they are made here instead.
                ok, value = result.result()
            except Exception:  # the result could not be sent back, or the worker died
                ok, value = False, None
            yield value if ok else fn(item)  # type: ignore[misc]
    finally:
        # Calls not started are dropped; one under way ends with its item.
        pool.shutdown(wait=True, cancel_futures=True)


def _made_here(fn: Callable[[T], R], item: T) -> Future[tuple[bool, R | None]]:
    """:func:`_call` made in this process, as a finished future like a worker's."""
    future: Future[tuple[bool, R | None]] = Future()
    future.set_result(_call(fn, item))
    return future


def _call(fn: Callable[[T], R], item: T) -> tuple[bool, R | None]:
    """``fn(item)`` in a worker, its failure reported rather than raised (it
    is raised again, the same, by the caller's own call)."""
    try:
        return True, fn(item)
    except Exception:
        return False, None
