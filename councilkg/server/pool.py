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
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from councilkg.server.config import ServerConfig
from councilkg.server.frames import REPLY_HEAD, REQUEST_HEAD
from councilkg.store import store_generation

log = logging.getLogger("councilkg.server")


FOLLOW_INTERVAL_S = 0.25
"""How often the pool looks for a new store generation (a file's contents)."""


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

    def __init__(self, proc: subprocess.Popen[bytes], loop: asyncio.AbstractEventLoop) -> None:
        assert proc.stdin is not None and proc.stdout is not None
        self.proc = proc
        self.pid = proc.pid
        self.loop = loop
        self.generation = ""  # the store generation it opened (see WorkerPool)
        self._in = proc.stdin.fileno()
        self._out = proc.stdout.fileno()
        os.set_blocking(self._in, False)
        os.set_blocking(self._out, False)
        self._buf = bytearray()
        self._pending: asyncio.Future[tuple[dict[str, Any], bytes]] | None = None
        self._unsent = b""
        self.dead = False
        loop.add_reader(self._out, self._on_readable)

    def _on_readable(self) -> None:
        try:
            # 64 KiB: a larger buffer is an mmap per read (slow); big replies
            # just take several reads.
            data = os.read(self._out, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._fail(_WorkerDiedError())
            return
        self._buf += data
        if len(self._buf) < REPLY_HEAD.size:
            return
        head_len, body_len = REPLY_HEAD.unpack_from(self._buf)
        end = REPLY_HEAD.size + head_len + body_len
        if len(self._buf) < end:
            return
        header: dict[str, Any] = json.loads(self._buf[REPLY_HEAD.size : REPLY_HEAD.size + head_len])
        body = bytes(self._buf[REPLY_HEAD.size + head_len : end])
        del self._buf[:end]
        fut, self._pending = self._pending, None
        if fut is not None and not fut.done():
            fut.set_result((header, body))

    def _fail(self, exc: BaseException) -> None:
        self._stop_watching()
        self.dead = True
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
        self._fail(_WorkerDiedError())
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()

    def close_input(self) -> None:
        """Close the worker's input: it exits when it is idle."""
        self._stop_watching()
        with contextlib.suppress(OSError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()

    async def wait(self) -> int:
        """Wait for the process to exit (reaps it); closes our pipe ends."""
        code = await self.loop.run_in_executor(None, self.proc.wait)
        self._stop_watching()
        for f in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                assert f is not None
                f.close()
        return code


async def _exit_code(proc: subprocess.Popen[bytes], within_s: float = 2.0) -> int | None:
    """The exit code of a worker whose pipe just closed (it may take a moment
    to be reaped), or None if it is still running after ``within_s``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while (code := proc.poll()) is None and loop.time() < deadline:
        await asyncio.sleep(0.02)
    return code


class WorkerPool:
    """Worker processes over one store; :meth:`call` runs a request on an idle
    one within a deadline, killing and replacing the worker past it."""

    def __init__(
        self,
        store_path: Path,
        size: int,
        *,
        read_write: bool = False,
        max_memory: int | None = None,
    ) -> None:
        self.store_path = Path(store_path)
        self.size = size
        self.read_write = read_write
        self.max_memory = max_memory
        self.generation = ""
        self._checked = float("-inf")
        self._reload_lock = asyncio.Lock()
        self._idle: list[_Worker] = []
        self._waiters: collections.deque[asyncio.Future[_Worker]] = collections.deque()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False
        self.respawns = 0

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return sorted(w.pid for w in self._all)

    async def _spawn(self, generation: str | None = None) -> _Worker:
        loop = asyncio.get_running_loop()
        args = [sys.executable, "-m", "councilkg.server.worker", str(self.store_path)]
        if self.read_write:
            args.append("--read-write")
        if self.max_memory is not None:
            args += ["--max-memory", str(self.max_memory)]
        args += ["--parent", str(os.getpid())]
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
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
        workers = await asyncio.gather(
            *(self._spawn() for _ in range(self.size)), return_exceptions=True
        )
        errors = [w for w in workers if isinstance(w, BaseException)]
        for w in workers:
            if isinstance(w, _Worker):
                self._release(w)
        if errors:
            await self.close()
            raise errors[0]

    def _release(self, worker: _Worker) -> None:
        """Hand ``worker`` to the first waiting request, or make it idle; a
        worker of an older store generation is dismissed instead."""
        if worker.generation != self.generation:
            self._dismiss(worker)
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` and start a replacement in the background."""
        worker.kill()
        self._all.discard(worker)
        task = asyncio.get_running_loop().create_task(self._replace(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

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
        replaced after a timeout joins the current one).  Checked at most
        every :data:`FOLLOW_INTERVAL_S`, so a commit is served within that.
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
            started = await asyncio.gather(
                *(self._spawn(current) for _ in range(self.size)), return_exceptions=True
            )
            fresh = [w for w in started if isinstance(w, _Worker)]
            if len(fresh) < self.size:  # keep serving the old generation whole
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

    async def _replace(self, old: _Worker) -> None:
        with contextlib.suppress(Exception):
            await old.wait()
        if not self.read_write and store_generation(self.store_path) != self.generation:
            # The store moved on: a lone new worker would see another graph
            # than the rest.  The whole pool moves instead.
            self._checked = float("-inf")
            await self.follow_store()
            return
        delay = 0.1
        while not self._closed:
            try:
                worker = await self._spawn()
            except Exception as exc:  # keep trying: the pool must not shrink for good
                log.error("cannot restart a query worker: %s", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            if self._closed:
                worker.kill()
                self._all.discard(worker)
                await worker.wait()
                return
            self.respawns += 1
            self._release(worker)
            return

    async def call(self, request: dict[str, Any], timeout_s: float) -> tuple[dict[str, Any], bytes]:
        """Run ``request`` on a worker; the whole call (waiting for a worker
        included) must end within ``timeout_s``.

        Raises:
            PoolError: 503 busy or timed out, 500 worker died.
        """
        if self._closed:
            raise PoolError(503, "the server is shutting down")
        await self.follow_store()
        payload = json.dumps(request).encode("utf-8")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        if self._idle:
            worker = self._idle.pop()
        else:
            waiter: asyncio.Future[_Worker] = loop.create_future()
            self._waiters.append(waiter)
            timer = loop.call_at(deadline, _expire, waiter)
            try:
                worker = await waiter
            except TimeoutError:
                raise PoolError(
                    503,
                    f"all query workers are busy: no worker was free within {timeout_s:g} s; "
                    "try again later",
                    [("Retry-After", "1")],
                ) from None
            except BaseException:
                if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                    self._release(waiter.result())
                raise
            finally:
                timer.cancel()
        reply = worker.send(payload)
        timer = loop.call_at(deadline, _expire, reply)
        try:
            result = await reply
        except TimeoutError:
            self._retire(worker)
            raise PoolError(
                503,
                f"query timed out after {timeout_s:g} s and was stopped (the endpoint's "
                "per-query limit); make it more selective, or page it with LIMIT/OFFSET",
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
        self._release(worker)
        return result

    async def close(self) -> None:
        """Stop every worker: close its input, then kill it if it lingers."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(PoolError(503, "the server is shutting down"))
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
