"""The worker pool: query worker processes, and one request at a time on each.

A pyoxigraph query cannot be cancelled from Python, so queries run in
worker processes (:mod:`councilkg.server.worker`) that each open the store
read-only: a query past its deadline is stopped by killing its worker, and
a fresh worker takes its place, so a runaway query stops using CPU at once.
The front process talks to each worker over a pair of pipes watched by the
event loop, one length-prefixed frame each way per request.

:class:`PoolError` carries the HTTP answer for what the pool could not do
(busy, timed out, a worker died), and :class:`Backend` is what a route
handler may ask of the application: its settings and this pool.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import functools
import itertools
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from councilkg.server.config import ServerConfig
from councilkg.server.frames import REPLY_HEAD, REQUEST_HEAD
from councilkg.server.priority import cpu_seconds, demote, pause, resume
from councilkg.server.spawner import WorkerProcess, start_worker
from councilkg.store import store_generation

log = logging.getLogger("councilkg.server")


FOLLOW_INTERVAL_S = 0.25
"""How often the pool looks for a new store generation (a file's contents)."""

SHORT_CPU_S = 0.1
"""CPU seconds a request may use at full priority; past it, it is *long*."""

SPARES = 2
"""Idle workers the pool keeps ready (within its maximum), so that a request
arriving while the others are busy does not wait for a process to start."""

MAX_STARTING = 4 * (os.cpu_count() or 1)
"""Workers the pool starts at once (when growing)."""

IDLE_S = 30.0
"""Seconds an extra worker (beyond the pool's resting size) may stay idle."""

USAGE_HALF_LIFE_S = 10.0
"""How fast a client's recent use of the workers is forgotten (see
:class:`WorkerPool`, fair share)."""

MAX_CLIENTS_REMEMBERED = 10_000
"""Clients whose usage the pool keeps before forgetting those long quiet."""

CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("councilkg_client", default="")
"""The peer address of the request being handled (set by the application),
by which the pool shares workers fairly between clients."""


class PoolError(Exception):
    """A request the pool could not complete; carries the HTTP answer."""

    def __init__(self, status: int, message: str, headers: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


class _WorkerDiedError(Exception):
    """The worker's output closed (it exited or was killed)."""


class _Worker:
    """One worker process and its frame channel: raw non-blocking pipes
    watched by the event loop (cheaper per request than asyncio streams)."""

    def __init__(self, proc: WorkerProcess, loop: asyncio.AbstractEventLoop) -> None:
        self.proc = proc
        self.pid = proc.pid
        self.loop = loop
        self.generation = ""  # the store generation it opened (see WorkerPool)
        self._in = proc.requests
        self._out = proc.replies
        os.set_blocking(self._in, False)
        os.set_blocking(self._out, False)
        self._buf = bytearray()  # a reply's frame head, until its body's size is known
        self._header: dict[str, Any] = {}
        self._body: bytearray | None = None  # the body being read, sized from the head
        self._filled = 0
        self._pending: asyncio.Future[tuple[dict[str, Any], bytes]] | None = None
        self._unsent = b""
        self.dead = False
        self.idle_since = 0.0
        self.cpu: float | None = None
        """The worker's CPU seconds as of its last reply (each reply says):
        a request's CPU is counted from it, with no read of ``/proc``."""
        loop.add_reader(self._out, self._on_readable)

    def _on_readable(self) -> None:
        try:
            if self._body is None:
                # 64 KiB: a larger buffer is an mmap per read (slow).
                data = os.read(self._out, 65536)
                got = len(data)
            else:
                # The body is read straight into its own buffer: no copy of
                # an answer of many megabytes on the event loop.
                got = os.readv(self._out, [memoryview(self._body)[self._filled :]])
        except BlockingIOError:
            return
        except OSError:
            got = 0
        if not got:
            self._fail(_WorkerDiedError())
            return
        if self._body is not None:
            self._filled += got
        else:
            self._buf += data
            if len(self._buf) < REPLY_HEAD.size:
                return
            head_len, body_len = REPLY_HEAD.unpack_from(self._buf)
            if len(self._buf) < REPLY_HEAD.size + head_len:
                return
            self._header = json.loads(self._buf[REPLY_HEAD.size : REPLY_HEAD.size + head_len])
            self._body = bytearray(body_len)
            part = self._buf[REPLY_HEAD.size + head_len : REPLY_HEAD.size + head_len + body_len]
            self._body[: len(part)] = part
            self._filled = len(part)
            self._buf = bytearray()
        if self._filled < len(self._body):
            return
        header, body = self._header, self._body
        self._header, self._body, self._filled = {}, None, 0
        self.cpu = header.pop("cpu", None)
        fut, self._pending = self._pending, None
        if fut is not None and not fut.done():
            # A large body stays the bytearray it was read into (every use
            # of a reply body, decoding, parsing, sending, takes either).
            fut.set_result((header, bytes(body) if len(body) <= 65536 else cast(bytes, body)))

    def _fail(self, exc: BaseException) -> None:
        self._stop_watching()
        self.dead = True
        # Let a half-read answer go now: the worker object may live on in a
        # reference cycle (through the exception's traceback) until the
        # cyclic collector runs, and the buffer may be many megabytes.
        self._buf, self._body, self._filled = bytearray(), None, 0
        fut, self._pending = self._pending, None
        if fut is not None and not fut.done():
            fut.set_exception(exc)

    def _stop_watching(self) -> None:
        with contextlib.suppress(Exception):
            self.loop.remove_reader(self._out)
        with contextlib.suppress(Exception):
            self.loop.remove_writer(self._in)

    def _on_writable(self) -> None:
        try:
            n = os.write(self._in, self._unsent)
        except BlockingIOError:
            return
        except OSError as exc:
            self._fail(exc)
            return
        self._unsent = self._unsent[n:]
        if not self._unsent:
            self.loop.remove_writer(self._in)

    def send(self, payload: bytes) -> asyncio.Future[tuple[dict[str, Any], bytes]]:
        """Send one request frame; the future gets the reply frame."""
        fut: asyncio.Future[tuple[dict[str, Any], bytes]] = self.loop.create_future()
        if self.dead:
            fut.set_exception(_WorkerDiedError())
            return fut
        self._pending = fut
        data = REQUEST_HEAD.pack(len(payload)) + payload
        try:
            n = os.write(self._in, data)
        except BlockingIOError:
            n = 0
        except OSError as exc:
            self._fail(exc)
            return fut
        if n < len(data):
            self._unsent = data[n:]
            self.loop.add_writer(self._in, self._on_writable)
        return fut

    def kill(self) -> None:
        """SIGKILL the process (the only way to stop a running query)."""
        self.stop(_WorkerDiedError())

    def stop(self, reason: BaseException) -> None:
        """SIGKILL the process; the pending request fails with ``reason``."""
        self._fail(reason)
        self.proc.kill()

    def close_input(self) -> None:
        """Close the worker's input: it exits when it is idle."""
        self._stop_watching()
        with contextlib.suppress(OSError):
            os.close(self._in)
        self._in = -1

    async def wait(self) -> int:
        """Wait for the process to exit (reaps it); closes our pipe ends."""
        code = await self.loop.run_in_executor(None, self.proc.wait)
        self._stop_watching()
        for fd in (self._in, self._out):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._in = self._out = -1
        return code


async def _exit_code(proc: WorkerProcess, within_s: float = 2.0) -> int | None:
    """The exit code of a worker whose pipe just closed (it may take a moment
    to be reaped), or None if it is still running after ``within_s``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while (code := proc.poll()) is None and loop.time() < deadline:
        await asyncio.sleep(0.02)
    return code


class _TooManyLongError(Exception):
    """The request was stopped: it ran past its CPU share while every slot
    for long requests was taken."""


@dataclass(eq=False)
class _Job:
    """One request running on one worker."""

    worker: _Worker
    client: str
    may_run_long: bool
    cpu0: float | None
    t0: float
    long: bool = False
    paused: bool = False
    timer: asyncio.TimerHandle | None = None


@dataclass(eq=False)
class _Waiter:
    """A request waiting for a worker."""

    client: str
    seq: int
    future: asyncio.Future[_Worker]


class WorkerPool:
    """Worker processes over one store; :meth:`call` runs a request on a
    worker of its own within a deadline, killing and replacing the worker
    past it.

    Scheduling, so that a short query is answered at once whatever else runs
    (processor sharing with aging, as in a multi-level feedback queue):

    - every request gets a process of its own: ``size`` are kept ready, at
      least :data:`SPARES` stand idle, and the pool grows up to ``max_size``
      under load (starting one takes tens of milliseconds; extras idle for
      :data:`IDLE_S` are let go);
    - a request that has used :data:`SHORT_CPU_S` of CPU is *long*: its worker
      drops to the lowest CPU priority (:mod:`councilkg.server.priority`), so
      requests arriving after it run first, and is retired afterwards;
    - at most ``long_slots`` requests are long at once, so that some
      processes are always left for short requests; a query reaching its CPU
      share when they are all taken is stopped with 503 (whole-store jobs
      such as dumps, ``may_run_long``, are not);
    - of the long requests, as many as there are CPUs run; the others are
      paused (``SIGSTOP``) and resumed first come, first served, so that
      under a burst of long queries some finish within the timeout rather
      than all sharing the CPUs and none finishing;
    - when every process is busy, waiting requests are served fair-share:
      the one whose client (the peer address, :data:`CLIENT`) has the fewest
      requests running goes first, then the one whose client has used the
      workers least lately (process-seconds, halved every
      :data:`USAGE_HALF_LIFE_S`), then the first come; so neither one
      client's many requests nor its long ones make another client wait.
    """

    def __init__(
        self,
        store_path: Path,
        size: int,
        *,
        max_size: int | None = None,
        read_write: bool = False,
        max_memory: int | None = None,
    ) -> None:
        self.store_path = Path(store_path)
        self.read_write = read_write
        self.size = 1 if read_write else max(1, size)
        # A read-write pool is the store's one writer: one process, no spares.
        self.max_size = 1 if read_write else max(self.size, max_size or self.size)
        self.spares = 0 if self.max_size == self.size else min(SPARES, self.max_size - 1)
        # Half the processes (at least one) are kept for short requests.
        self.long_slots = max(1, self.max_size - max(1, self.max_size // 2))
        self.max_memory = max_memory
        self.generation = ""
        self._checked = float("-inf")
        self._reload_lock = asyncio.Lock()
        self._idle: list[_Worker] = []
        self._waiters: list[_Waiter] = []
        self._seq = itertools.count()
        self._all: set[_Worker] = set()
        self._jobs: dict[_Worker, _Job] = {}
        self._running: collections.Counter[str] = collections.Counter()
        self._usage: dict[str, tuple[float, float]] = {}  # client: (seconds, as of)
        self._long = 0
        self._long_running = 0
        self._paused: list[_Job] = []
        self.long_running_slots = max(1, os.cpu_count() or 1)
        self._spawning = 0
        self._retry_at = float("-inf")
        self._retry_delay = 0.1
        self._trim_timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False
        self.respawns = 0

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return sorted(w.pid for w in self._all)

    async def _spawn(self, generation: str | None = None) -> _Worker:
        loop = asyncio.get_running_loop()
        # Started from a thread: forking takes milliseconds, which the event
        # loop (every other client's requests) must not wait for.
        proc = await loop.run_in_executor(
            None,
            functools.partial(
                start_worker,
                self.store_path,
                read_write=self.read_write,
                max_memory=self.max_memory,
            ),
        )
        worker = _Worker(proc, loop)
        worker.generation = self.generation if generation is None else generation
        self._all.add(worker)
        fut: asyncio.Future[tuple[dict[str, Any], bytes]] = loop.create_future()
        worker._pending = fut  # the worker announces itself with a frame
        try:
            async with asyncio.timeout(120):
                header, _ = await fut
        except (TimeoutError, _WorkerDiedError) as exc:
            worker.kill()
            self._all.discard(worker)
            await worker.wait()
            raise RuntimeError(f"query worker did not start ({type(exc).__name__})") from exc
        if header.get("status") != 0:
            self._all.discard(worker)
            await worker.wait()
            raise RuntimeError(str(header.get("message", "query worker did not start")))
        return worker

    async def start(self) -> None:
        """Start the workers (raises if one cannot open the store)."""
        self.generation = store_generation(self.store_path)
        self._checked = asyncio.get_running_loop().time()
        count = max(self.size, self.spares)
        workers = await asyncio.gather(
            *(self._spawn() for _ in range(count)), return_exceptions=True
        )
        errors = [w for w in workers if isinstance(w, BaseException)]
        for w in workers:
            if isinstance(w, _Worker):
                self._release(w)
        if errors:
            await self.close()
            raise errors[0]

    # -- handing workers out ---------------------------------------------------

    def _release(self, worker: _Worker) -> None:
        """Hand ``worker`` to the waiting request that goes first, or make it
        idle; a worker of an older store generation is dismissed instead."""
        if worker.generation != self.generation:
            self._dismiss(worker)
            self._top_up()
            return
        while self._waiters:
            now = asyncio.get_running_loop().time()
            waiter = min(
                self._waiters,
                key=lambda w: (self._running[w.client], self._share_key(w.client, now), w.seq),
            )
            self._waiters.remove(waiter)
            if not waiter.future.done():
                waiter.future.set_result(worker)
                return
        worker.idle_since = asyncio.get_running_loop().time()
        self._idle.append(worker)
        self._schedule_trim()

    async def _acquire(self, client: str, deadline: float, timeout_s: float) -> _Worker:
        """A worker for one request: an idle one, else the next one freed or started."""
        if self._idle:
            return self._idle.pop()  # the most recently used: its caches are warm
        loop = asyncio.get_running_loop()
        waiter = _Waiter(client, next(self._seq), loop.create_future())
        self._waiters.append(waiter)
        self._top_up()
        timer = loop.call_at(deadline, _expire, waiter.future)
        try:
            return await waiter.future
        except TimeoutError:
            raise PoolError(
                503,
                f"all query workers are busy: no worker was free within {timeout_s:g} s; "
                "try again later",
                [("Retry-After", "1")],
            ) from None
        except BaseException:
            fut = waiter.future
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                self._release(fut.result())
            raise
        finally:
            timer.cancel()
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    # -- growing and shrinking -------------------------------------------------

    def _top_up(self) -> None:
        """Start workers so that ``size`` exist, :data:`SPARES` stand idle and
        every waiting request has one coming, within ``max_size``."""
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        if loop.time() < self._retry_at:
            return  # starting one just failed: wait before trying again
        coming = len(self._idle) + self._spawning
        need = max(self.size - len(self._all), self.spares + len(self._waiters) - coming)
        # A few at a time: starting a worker is CPU work, and a burst of
        # starts shared among the CPUs would make the first one ready late.
        need = min(need, MAX_STARTING - self._spawning)
        for _ in range(min(need, self.max_size - len(self._all))):
            self._spawning += 1
            task = loop.create_task(self._grow())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _grow(self) -> None:
        """Start one worker and hand it out (the pool must not shrink for
        good: a failure is retried after a growing delay)."""
        try:
            if not self.read_write and store_generation(self.store_path) != self.generation:
                # The store moved on: a lone new worker would see another
                # graph than the rest.  The whole pool moves instead.
                self._checked = float("-inf")
                await self.follow_store()
                return
            try:
                worker = await self._spawn()
            except Exception as exc:
                log.error("cannot start a query worker: %s", exc)
                loop = asyncio.get_running_loop()
                self._retry_at = loop.time() + self._retry_delay
                loop.call_later(self._retry_delay, self._top_up)
                self._retry_delay = min(self._retry_delay * 2, 5.0)
                return
        finally:
            self._spawning -= 1
        self._retry_delay = 0.1
        if self._closed:
            worker.kill()
            self._all.discard(worker)
            await worker.wait()
            return
        self.respawns += 1
        self._release(worker)
        self._top_up()  # the next start, if still needed

    def _schedule_trim(self) -> None:
        if self._trim_timer is None and len(self._all) > max(self.size, self.spares):
            loop = asyncio.get_running_loop()
            self._trim_timer = loop.call_later(IDLE_S, self._trim)

    def _trim(self) -> None:
        """Let go of workers beyond the pool's resting size idle for :data:`IDLE_S`."""
        self._trim_timer = None
        now = asyncio.get_running_loop().time()
        keep = max(self.size, self.spares)
        while len(self._all) > keep and self._idle and now - self._idle[0].idle_since >= IDLE_S:
            self._dismiss(self._idle.pop(0))
        self._schedule_trim()

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` (the only way to stop what it runs) and start
        another in the background if the pool needs one."""
        worker.kill()
        self._all.discard(worker)
        task = asyncio.get_running_loop().create_task(worker.wait())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._top_up()

    def _dismiss(self, worker: _Worker) -> None:
        """Let ``worker`` go without a replacement (its input closed: it exits
        when idle; killed if it lingers)."""
        self._all.discard(worker)
        worker.close_input()

        async def reap() -> None:
            try:
                async with asyncio.timeout(2.0):
                    await asyncio.shield(worker.wait())
            except TimeoutError:
                worker.kill()
                await worker.wait()

        task = asyncio.get_running_loop().create_task(reap())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def follow_store(self) -> None:
        """Move to a new store generation, all workers together.

        Consistency model: every worker opens the store read-only, and a
        read-only handle sees the store as it was when opened.  The pool
        therefore serves one generation at a time: when an ingest commits
        (:meth:`councilkg.store.GraphStore.flush` writes a new token), a
        full set of workers is started on the new graph and swapped in at
        once; requests then running finish on the old graph, and no two
        answers after the swap come from different generations (a worker
        started later joins the current one).  Checked at most every
        :data:`FOLLOW_INTERVAL_S`, so a commit is served within that.
        Requests that arrive while the new set starts wait for it, so a client
        never sees the new graph and then the old.  A read-write pool
        (``--allow-update``) is the store's only writer and has nothing to
        follow.
        """
        if self.read_write or self._closed:
            return
        if self._reload_lock.locked():  # a move under way: wait, then use the new set
            async with self._reload_lock:
                return
        loop = asyncio.get_running_loop()
        if loop.time() - self._checked < FOLLOW_INTERVAL_S:
            return
        self._checked = loop.time()
        current = store_generation(self.store_path)
        if current == self.generation:
            return
        async with self._reload_lock:
            if current == self.generation or self._closed:
                return
            count = max(self.size, self.spares)
            started = await asyncio.gather(
                *(self._spawn(current) for _ in range(count)), return_exceptions=True
            )
            fresh = [w for w in started if isinstance(w, _Worker)]
            if len(fresh) < count:  # keep serving the old generation whole
                for w in fresh:
                    self._dismiss(w)
                log.error("cannot start workers on the new store generation: %s", started)
                return
            self.generation = current
            old, self._idle = self._idle, []
            for w in old:
                self._dismiss(w)
            for w in fresh:
                self._release(w)

    # -- running a request -----------------------------------------------------

    def _check(self, job: _Job) -> None:
        """Called while ``job`` runs: once it has used its CPU share, demote
        its worker, or stop it if every long slot is taken."""
        if self._jobs.get(job.worker) is not job:
            return
        loop = asyncio.get_running_loop()
        now_cpu = cpu_seconds(job.worker.pid)
        if now_cpu is not None and job.cpu0 is not None:
            used = now_cpu - job.cpu0
        else:
            used = loop.time() - job.t0
        if used < SHORT_CPU_S:
            job.timer = loop.call_later(max(0.01, SHORT_CPU_S - used), self._check, job)
            return
        if self._long >= self.long_slots and not job.may_run_long:
            job.worker.stop(_TooManyLongError())
            return
        job.long = True
        self._long += 1
        demote(job.worker.pid)
        if self._long_running < self.long_running_slots:
            self._long_running += 1
        else:
            # Paused until a long request ends: sharing the CPUs among all
            # of them would make every one miss its deadline.
            job.paused = True
            self._paused.append(job)
            pause(job.worker.pid)

    async def call(
        self, request: dict[str, Any], timeout_s: float, *, may_run_long: bool = False
    ) -> tuple[dict[str, Any], bytes]:
        """Run ``request`` on a worker; the whole call (waiting for a worker
        included) must end within ``timeout_s``.  The reply header gains
        ``queue_ms``, the time spent waiting for a worker.

        Raises:
            PoolError: 503 busy, timed out or stopped as a long query too
                many; 500 worker died.
        """
        if self._closed:
            raise PoolError(503, "the server is shutting down")
        await self.follow_store()
        payload = json.dumps(request).encode("utf-8")
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        deadline = arrived + timeout_s
        client = CLIENT.get()
        worker = await self._acquire(client, deadline, timeout_s)
        started = loop.time()
        # The CPU the worker had used when it last answered: it has not run
        # since (idle workers wait on their pipe).
        job = _Job(worker, client, may_run_long, worker.cpu, started)
        self._jobs[worker] = job
        self._running[client] += 1
        self._top_up()
        job.timer = loop.call_later(SHORT_CPU_S, self._check, job)
        reply = worker.send(payload)
        timer = loop.call_at(deadline, _expire, reply)
        try:
            header, body = await reply
        except TimeoutError:
            self._retire(worker)
            raise PoolError(
                503,
                f"query timed out after {timeout_s:g} s and was stopped (the endpoint's "
                "per-query limit); make it more selective, or page it with LIMIT/OFFSET",
            ) from None
        except _TooManyLongError:
            self._retire(worker)
            raise PoolError(
                503,
                f"the endpoint is running as many long queries as it allows "
                f"({self.long_slots}), and this one needed more than "
                f"{SHORT_CPU_S * 1000:g} ms of CPU, so it was stopped; try again later",
                [("Retry-After", "1")],
            ) from None
        except (_WorkerDiedError, OSError) as exc:
            code = await _exit_code(worker.proc)
            self._retire(worker)
            if self.max_memory is not None and code is not None and code < 0:
                # Killed by a signal: a failed allocation under the memory cap
                # aborts the worker (Rust's allocator does not return null).
                raise PoolError(
                    503,
                    f"the query needed more memory than a query worker may use "
                    f"({self.max_memory // 2**20} MB) and was stopped; make it more "
                    "selective, or page it with LIMIT/OFFSET",
                ) from None
            raise PoolError(
                500, f"the query worker died while running the request ({type(exc).__name__})"
            ) from None
        except BaseException:
            # Cancelled (or anything else) mid-call: the channel is out of step.
            self._retire(worker)
            raise
        finally:
            timer.cancel()
            self._end(job)
        if job.long:
            self._dismiss(worker)  # its priority cannot be raised again
            self._top_up()
        else:
            self._release(worker)
        header["queue_ms"] = round(1000 * (started - arrived), 3)
        return header, body

    def _share_key(self, client: str, now: float) -> float:
        """How far back ``client``'s waiting requests go: a client whose recent
        use is under :data:`SHORT_CPU_S` counts as having used nothing (a few
        quick queries do not put a client behind a newcomer)."""
        used = self._used(client, now)
        return used if used >= SHORT_CPU_S else 0.0

    def _used(self, client: str, now: float) -> float:
        """``client``'s recent use of the workers, in decayed process-seconds."""
        seconds, since = self._usage.get(client, (0.0, now))
        return float(seconds * 0.5 ** ((now - since) / USAGE_HALF_LIFE_S))

    def _charge(self, client: str, seconds: float) -> None:
        now = asyncio.get_running_loop().time()
        self._usage[client] = (self._used(client, now) + seconds, now)
        if len(self._usage) > MAX_CLIENTS_REMEMBERED:  # forget the long quiet
            for key in [k for k in self._usage if self._used(k, now) < 0.001]:
                del self._usage[key]

    def _end(self, job: _Job) -> None:
        self._charge(job.client, asyncio.get_running_loop().time() - job.t0)
        if job.timer is not None:
            job.timer.cancel()
        if self._jobs.get(job.worker) is job:
            del self._jobs[job.worker]
        self._running[job.client] -= 1
        if self._running[job.client] <= 0:
            del self._running[job.client]
        if job.long:
            self._long -= 1
            if job.paused:
                self._paused.remove(job)
            else:
                self._long_running -= 1
                self._resume_next()

    def _resume_next(self) -> None:
        """Let the longest-paused long request run (first come, first served)."""
        while self._paused and self._long_running < self.long_running_slots:
            job = self._paused.pop(0)
            job.paused = False
            self._long_running += 1
            resume(job.worker.pid)

    async def close(self) -> None:
        """Stop every worker: close its input, then kill it if it lingers."""
        self._closed = True
        if self._trim_timer is not None:
            self._trim_timer.cancel()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.set_exception(PoolError(503, "the server is shutting down"))
        for job in self._paused:
            job.worker.kill()  # stopped: it would not see its input close
        workers = list(self._all)
        for w in workers:
            w.close_input()

        async def _reap(w: _Worker) -> None:
            try:
                async with asyncio.timeout(2.0):
                    await asyncio.shield(w.wait())
            except TimeoutError:
                w.kill()
                await w.wait()

        await asyncio.gather(*(_reap(w) for w in workers), return_exceptions=True)
        self._all.clear()
        self._idle.clear()


def _expire(fut: asyncio.Future[Any]) -> None:
    if not fut.done():
        fut.set_exception(TimeoutError())


class Backend(Protocol):
    """What a route handler needs of the application: the endpoint's
    settings and its worker pool (None until the server has started)."""

    config: ServerConfig
    pool: WorkerPool | None

    async def run_query(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """Run a worker request under the endpoint's timeout."""
        ...

    def on_shutdown(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` when the server stops."""
        ...
