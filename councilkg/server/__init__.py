"""The SPARQL endpoint: ``councilkg serve`` serves the store over the SPARQL
1.1 Protocol at ``/sparql``.

Design (chosen by measurement, see ``bench/endpoint.py`` and
``bench/README.md``): a plain ASGI application (no framework) run by uvicorn
(httptools + uvloop when installed) in one process, in front of a pool of
worker processes (:mod:`councilkg.server.worker`) that each open the store
read-only and run one query at a time.  Queries run in processes because a
pyoxigraph query cannot be cancelled from Python: a query past the timeout
is stopped by killing its worker, and a fresh worker takes its place.

Measured (``bench/endpoint.py``, 2-CPU VM shared with other jobs, seed
store, keep-alive Python clients; medians of 3 rounds): throughput 0.56-0.89
of bare ``oxigraph serve-read-only`` on the same store (lookup with 4
clients 0.83; GROUP BY 0.56-0.62; a 5 ms query 0.74-0.89), about the same as
running the queries in threads of the front process (0.48-0.85, which could
not stop a query), and ahead of a policy proxy in front of ``oxigraph``
(0.52-0.91, with errors, and no real timeout: ``oxigraph``'s ``--timeout-s 2``
answered a runaway query after 12-17 s with status 200 and a truncated
body).  What bounds it is the Python HTTP front (uvicorn + the app: about
0.3-0.4 ms of CPU per request, against 0.3-0.7 ms for ``oxigraph`` in all)
and, at one client, the hop to the worker process.

Protocol
    ``GET /sparql?query=...``; ``POST /sparql`` with an
    ``application/sparql-query`` body or an ``application/x-www-form-urlencoded``
    ``query=...``; ``default-graph-uri`` and ``named-graph-uri`` as in the
    protocol.  ``GET /sparql`` without a query returns the SPARQL 1.1 Service
    Description (Turtle, or N-Triples / JSON-LD / RDF/XML by Accept).
    ``OPTIONS`` answers CORS preflight requests, and every response carries
    ``Access-Control-Allow-Origin`` (``cors_origin``; None to send none).

Formats
    By the ``format`` (or ``output``) parameter, else the ``Accept`` header:
    ``SELECT``/``ASK`` as ``application/sparql-results+json`` (default),
    ``+xml``, ``text/csv``, ``text/tab-separated-values``; ``CONSTRUCT`` and
    ``DESCRIBE`` as ``text/turtle`` (default), ``application/n-triples``,
    ``application/ld+json``, ``application/rdf+xml``.  No acceptable format:
    406.

Policy and limits (status, then the start of the plain-text message)
    - SPARQL Update (``update=``, ``application/sparql-update``, or update
      text sent as a query): **403** ``SPARQL Update is disabled`` unless
      ``allow_update``.  Then the single worker opens the store read-write
      (Oxigraph allows no reader beside a writer), and ``LOAD`` is still
      refused (**403** ``LOAD is disabled``) unless ``allow_load``.
    - ``SERVICE``: **403** ``SERVICE (federated query) is disabled`` unless
      ``allow_service``.  Found by lexing the request
      (:mod:`councilkg.server.policy`): the word in a string, comment, IRI or
      name is not refused.
    - Malformed query: **400** ``malformed query: `` + Oxigraph's message.
    - Timeout (``timeout_s``, counted from the request's arrival at the
      pool, so waiting for a free worker counts): **503** ``query timed out
      after N s and was stopped``; the worker is killed, so the query stops
      using CPU at once.  If no worker frees up in time, **503** ``all query
      workers are busy`` with ``Retry-After: 1``.
    - Result-size cap (``max_results`` solutions, or triples for
      ``CONSTRUCT``/``DESCRIBE``): the result is **truncated** to the first
      ``max_results`` and sent with status 200 and the headers
      ``X-Councilkg-Truncated: true``, ``X-Councilkg-Max-Results: N`` and
      ``Warning: 199 councilkg "results truncated..."``.  (Add ``LIMIT``/
      ``OFFSET`` to page through a large result.)
    - Request-size cap (``max_request_bytes``, the body or the query string):
      **413** ``request body too large`` (or **414** for a URL too long).
    - A worker that dies mid-query: **500**; it is replaced.
    - Other errors: 404 (unknown path), 405 (method), 406 (no acceptable
      format), 415 (POST Content-Type), 400 (bad parameters, two queries...),
      500 ``query evaluation failed: ...`` (an error raised while evaluating).

Every query response carries ``Server-Timing: query;dur=MS`` (the worker's
time on it), and errors are plain text with CORS headers (a browser page can
read them).

The store is opened read-only by each worker (updates disabled), so restart
the server after ``councilkg ingest`` to serve the new data (Oxigraph does not
support reading a store that another process writes).

The application routes by path (:meth:`CouncilApp.route`), so later pages
(``/id/...``, ``/page/...``, ``/.well-known/void``...) are further handlers
on the same app and share its worker pool (:meth:`CouncilApp.run_query`).

In-process use (tests, benchmarks)::

    with start_server(store_path, timeout_s=1.0) as server:
        urllib.request.urlopen(server.endpoint + "?query=ASK%7B%7D")
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

from councilkg.server.negotiation import (
    GRAPH_FORMATS,
    FormatError,
    formats_from_param,
    negotiate_graph,
    negotiate_results,
)
from councilkg.server.policy import RequestShape, inspect_request, quick_inspect
from councilkg.server.worker import REPLY_HEAD, REQUEST_HEAD

log = logging.getLogger("councilkg.server")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
TRUNCATED_HEADER = "X-Councilkg-Truncated"
MAX_RESULTS_HEADER = "X-Councilkg-Max-Results"
_HOST_RE = re.compile(r"^[A-Za-z0-9.\-]+(?::[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?$")


# --------------------------------------------------------------------------
# Configuration


@dataclass(frozen=True)
class ServerConfig:
    """Settings of one endpoint (see the module docstring for their effect)."""

    store_path: Path
    timeout_s: float = 10.0
    max_results: int = 100_000
    max_request_bytes: int = 1_000_000
    allow_update: bool = False
    allow_service: bool = False
    allow_load: bool = False
    cors_origin: str | None = "*"
    workers: int | None = None
    """Query worker processes; default: the number of CPUs (2 to 8).
    Forced to 1 when ``allow_update`` (one read-write handle)."""
    base: str | None = None
    """The base IRI the data was minted with (``{base}id/...`` resolves at
    ``/id/...``); default: read from the store's reference graph."""
    linked_data: bool = True
    """Serve the linked-data routes (:mod:`councilkg.server.linked_data`) beside /sparql."""

    def worker_count(self) -> int:
        """The number of worker processes to run."""
        if self.allow_update:
            return 1
        if self.workers is not None:
            return max(1, self.workers)
        return min(8, max(2, os.cpu_count() or 2))


# --------------------------------------------------------------------------
# Worker pool


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


class WorkerPool:
    """Worker processes over one store; :meth:`call` runs a request on an idle
    one within a deadline, killing and replacing the worker past it."""

    def __init__(self, store_path: Path, size: int, *, read_write: bool = False) -> None:
        self.store_path = Path(store_path)
        self.size = size
        self.read_write = read_write
        self._idle: list[_Worker] = []
        self._waiters: collections.deque[asyncio.Future[_Worker]] = collections.deque()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False
        self.respawns = 0

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return sorted(w.pid for w in self._all)

    async def _spawn(self) -> _Worker:
        loop = asyncio.get_running_loop()
        args = [sys.executable, "-m", "councilkg.server.worker", str(self.store_path)]
        if self.read_write:
            args.append("--read-write")
        args += ["--parent", str(os.getpid())]
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        worker = _Worker(proc, loop)
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
        """Hand ``worker`` to the first waiting request, or make it idle."""
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

    async def _replace(self, old: _Worker) -> None:
        with contextlib.suppress(Exception):
            await old.wait()
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
            self._retire(worker)
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


# --------------------------------------------------------------------------
# Requests and responses


@dataclass
class Request:
    """An HTTP request as the handlers see it (the body already read)."""

    method: str
    path: str
    query_string: bytes
    headers: dict[str, str]
    body: bytes
    scheme: str = "http"
    server: tuple[str, int] | None = None

    def params(self) -> dict[str, list[str]]:
        """The URL's query parameters (a fresh dict: callers may change it)."""
        return {k: list(v) for k, v in _parse_query_string(self.query_string)}

    def base_url(self) -> str:
        """``scheme://host`` as the client addressed it (Host header if sane)."""
        host = self.headers.get("host", "")
        if not _HOST_RE.match(host):
            if self.server is not None:
                h, p = self.server
                host = f"[{h}]:{p}" if ":" in h else f"{h}:{p}"
            else:
                host = "localhost"
        return f"{self.scheme}://{host}"


@dataclass
class Response:
    """An HTTP response to send."""

    status: int
    body: bytes = b""
    content_type: str | None = "text/plain; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    file: Path | None = None
    """Send this file's bytes instead of ``body`` (streamed: dumps are large)."""

    @classmethod
    def text(
        cls, status: int, message: str, headers: list[tuple[str, str]] | None = None
    ) -> Response:
        """A plain-text response (errors, refusals)."""
        return cls(status, message.encode("utf-8") + b"\n", headers=list(headers or []))


Handler = Callable[[Request], Awaitable[Response]]


@functools.lru_cache(maxsize=512)
def _parse_query_string_cached(qs: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    parsed = parse_qs(qs.decode("latin-1"), keep_blank_values=True, encoding="utf-8")
    return tuple((k, tuple(v)) for k, v in parsed.items())


def _parse_query_string(qs: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Parsed URL parameters; repeated query strings (dashboards, scripts
    polling the same query) are parsed once, as unquoting is a large share
    of a small request's time.  Long strings are not cached."""
    if len(qs) > 8192:
        return _parse_query_string_cached.__wrapped__(qs)
    return _parse_query_string_cached(qs)


def _refusal(shape: RequestShape, *, update: bool, config: ServerConfig) -> str | None:
    """Why the policy refuses this request (None: it does not)."""
    if update or shape.is_update:
        if not config.allow_update:
            what = ""
            if shape.load:
                what = "LOAD is disabled (the endpoint does not fetch remote data), and "
            return (
                f"{what}SPARQL Update is disabled: this endpoint is read-only "
                "(start `councilkg serve` with --allow-update to accept updates)"
            )
        if not update:
            return (
                "SPARQL Update must be sent as an update (POST with update= or "
                "Content-Type application/sparql-update), not as a query"
            )
        if shape.load and not config.allow_load:
            return (
                "LOAD is disabled: the endpoint does not fetch remote data "
                "(start `councilkg serve` with --allow-load to accept it)"
            )
    if shape.service and not config.allow_service:
        return (
            "SERVICE (federated query) is disabled: the endpoint does not query other "
            "endpoints (start `councilkg serve` with --allow-service to accept it)"
        )
    return None


# --------------------------------------------------------------------------
# The application


class CouncilApp:
    """The ASGI application: a path router, the SPARQL handler, the pool."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.pool: WorkerPool | None = None
        self.startup_error: BaseException | None = None
        self._routes: dict[str, Handler] = {}
        self._prefix_routes: list[tuple[str, Handler]] = []
        self._stats: dict[str, Any] | None = None
        self._on_shutdown: list[Callable[[], object]] = []
        self.route("/sparql", self.sparql)

    def on_shutdown(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` when the server stops (cleaning up caches)."""
        self._on_shutdown.append(callback)

    # -- routing ----------------------------------------------------------

    def route(self, path: str, handler: Handler, *, prefix: bool = False) -> None:
        """Serve ``path`` (or every path under ``path`` if ``prefix``) with ``handler``."""
        if prefix:
            self._prefix_routes.append((path, handler))
            self._prefix_routes.sort(key=lambda r: len(r[0]), reverse=True)
        else:
            self._routes[path] = handler

    def _handler(self, path: str) -> Handler | None:
        handler = self._routes.get(path)
        if handler is not None:
            return handler
        for prefix, h in self._prefix_routes:
            if path.startswith(prefix):
                return h
        return None

    # -- lifecycle --------------------------------------------------------

    async def startup(self) -> None:
        """Start the worker pool."""
        pool = WorkerPool(
            self.config.store_path,
            self.config.worker_count(),
            read_write=self.config.allow_update,
        )
        await pool.start()
        self.pool = pool

    async def shutdown(self) -> None:
        """Stop the worker pool and run the shutdown callbacks."""
        if self.pool is not None:
            await self.pool.close()
        for callback in self._on_shutdown:
            callback()

    async def run_query(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """Run a worker request (see :mod:`councilkg.server.worker`) under the
        endpoint's timeout.  For handlers of later routes too."""
        if self.pool is None:
            raise PoolError(503, "the server is starting")
        return await self.pool.call(request, self.config.timeout_s)

    # -- ASGI ------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    self.startup_error = exc
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        method: str = scope["method"]
        headers: dict[str, str] = {}
        for k, v in scope["headers"]:
            key = k.decode("latin-1").lower()
            value = v.decode("latin-1")
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        response = await self._respond(scope, method, headers, receive)
        await self._send(send, response, head=method == "HEAD")

    async def _respond(
        self, scope: Scope, method: str, headers: dict[str, str], receive: Receive
    ) -> Response:
        path: str = scope["path"]
        handler = self._handler(path)
        if handler is None:
            return Response.text(
                404, f"not found: {path} (the SPARQL endpoint is /sparql; pages start at /)"
            )
        if method == "OPTIONS":
            return self._preflight(headers)
        qs: bytes = scope.get("query_string", b"")
        limit = self.config.max_request_bytes
        if len(qs) > limit:
            return Response.text(
                414, f"URL too long: the query string exceeds {limit} bytes; POST the query"
            )
        body = b""
        if method in ("POST", "PUT", "PATCH"):
            declared = headers.get("content-length")
            if declared is not None and declared.strip().isdigit() and int(declared) > limit:
                return Response.text(
                    413, f"request body too large: {int(declared)} bytes, the limit is {limit}"
                )
            chunks: list[bytes] = []
            size = 0
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return Response(499, content_type=None)
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    return Response.text(
                        413, f"request body too large: more than {limit} bytes, the limit"
                    )
                chunks.append(chunk)
                more = message.get("more_body", False)
            body = b"".join(chunks)
        server = scope.get("server")
        request = Request(
            method=method,
            path=path,
            query_string=qs,
            headers=headers,
            body=body,
            scheme=scope.get("scheme", "http"),
            server=(server[0], server[1]) if server else None,
        )
        try:
            return await handler(request)
        except PoolError as exc:
            return Response.text(exc.status, exc.message, exc.headers)

    def _cors_headers(self) -> list[tuple[str, str]]:
        origin = self.config.cors_origin
        if not origin:
            return []
        headers = [
            ("Access-Control-Allow-Origin", origin),
            (
                "Access-Control-Expose-Headers",
                f"{TRUNCATED_HEADER}, {MAX_RESULTS_HEADER}, Warning, Server-Timing",
            ),
        ]
        if origin != "*":
            headers.append(("Vary", "Origin"))
        return headers

    def _preflight(self, headers: dict[str, str]) -> Response:
        out = [("Allow", "GET, HEAD, POST, OPTIONS")]
        if self.config.cors_origin:
            out += [
                ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
                (
                    "Access-Control-Allow-Headers",
                    headers.get("access-control-request-headers") or "Accept, Content-Type",
                ),
                ("Access-Control-Max-Age", "86400"),
            ]
        return Response(204, content_type=None, headers=out)

    async def _send(self, send: Send, response: Response, *, head: bool = False) -> None:
        raw: list[tuple[bytes, bytes]] = []
        if response.content_type is not None:
            raw.append((b"content-type", response.content_type.encode("latin-1")))
        for k, v in (*response.headers, *self._cors_headers()):
            raw.append((k.encode("latin-1"), v.encode("latin-1")))
        if response.file is not None:
            await self._send_file(send, response.file, raw, response.status, head=head)
            return
        body = response.body
        raw.append((b"content-length", str(len(body)).encode("latin-1")))
        await send({"type": "http.response.start", "status": response.status, "headers": raw})
        await send({"type": "http.response.body", "body": b"" if head else body})

    async def _send_file(
        self, send: Send, path: Path, raw: list[tuple[bytes, bytes]], status: int, *, head: bool
    ) -> None:
        size = path.stat().st_size
        raw.append((b"content-length", str(size).encode("latin-1")))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        if head:
            await send({"type": "http.response.body", "body": b""})
            return
        with path.open("rb") as f:
            while chunk := await asyncio.to_thread(f.read, 1 << 20):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    # -- /sparql -----------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        """The SPARQL 1.1 Protocol endpoint."""
        method = request.method
        if method not in ("GET", "HEAD", "POST"):
            return Response.text(
                405, f"method {method} not allowed", [("Allow", "GET, HEAD, POST, OPTIONS")]
            )
        params = request.params()
        queries: list[str] = []
        updates: list[str] = []
        if method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
                except UnicodeDecodeError:
                    return Response.text(400, "the form is not UTF-8")
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
                queries = params.pop("query", [])
                updates = params.pop("update", [])
            elif ctype in ("application/sparql-query", "application/sparql-update"):
                try:
                    text = request.body.decode("utf-8")
                except UnicodeDecodeError:
                    return Response.text(400, "the request body is not UTF-8")
                (queries if ctype == "application/sparql-query" else updates).append(text)
                if "query" in params or "update" in params:
                    return Response.text(
                        400, "a query in the body and one in the URL: send only one"
                    )
            else:
                return Response.text(
                    415,
                    f"unsupported Content-Type {ctype or '(none)'!r}: use "
                    "application/sparql-query, application/sparql-update or "
                    "application/x-www-form-urlencoded",
                )
        else:
            queries = params.pop("query", [])
            updates = params.pop("update", [])
            if updates and self.config.allow_update:
                return Response.text(
                    405, "updates must be sent with POST", [("Allow", "POST, OPTIONS")]
                )
        if queries and updates:
            return Response.text(400, "both a query and an update: send one operation")
        if len(queries) > 1 or len(updates) > 1:
            return Response.text(400, "more than one query (or update) parameter")
        if updates:
            return await self._update(updates[0], request)
        if not queries:
            return await self.service_description(request)
        return await self._query(queries[0], request, params)

    async def _query(self, text: str, request: Request, params: dict[str, list[str]]) -> Response:
        shape = quick_inspect(text)
        refusal = _refusal(shape, update=False, config=self.config)
        if refusal is not None:
            return Response.text(403, refusal)
        fmt_values = params.get("format") or params.get("output")
        if fmt_values:
            try:
                results, graph = formats_from_param(fmt_values[0])
            except FormatError as exc:
                return Response.text(400, str(exc))
        else:
            accept = request.headers.get("accept")
            results, graph = negotiate_results(accept), negotiate_graph(accept)
        if results is None and graph is None:
            return Response.text(
                406,
                "no acceptable format: results are available as application/sparql-results+json, "
                "application/sparql-results+xml, text/csv, text/tab-separated-values, and graphs "
                "as text/turtle, application/n-triples, application/ld+json, application/rdf+xml",
            )
        header, body = await self.run_query(
            {
                "op": "query",
                "text": text,
                "results": results,
                "graph": graph,
                "default_graph": params.get("default-graph-uri", []),
                "named_graph": params.get("named-graph-uri", []),
                "max_results": self.config.max_results,
                "prefixes": shape.prefixes,
            }
        )
        status = int(header["status"])
        if status == 400 and shape.form is None:
            # Update text sent as a query fails to parse: say why, clearly.
            refusal = _refusal(inspect_request(text), update=False, config=self.config)
            if refusal is not None:
                return Response.text(403, refusal)
        extra = [("Vary", "Accept")]
        if "ms" in header:
            extra.append(("Server-Timing", f"query;dur={header['ms']}"))
        if header.get("truncated"):
            cap = self.config.max_results
            extra += [
                (TRUNCATED_HEADER, "true"),
                (MAX_RESULTS_HEADER, str(cap)),
                ("Warning", f'199 councilkg "results truncated to the first {cap}"'),
            ]
        return Response(status, body, str(header["type"]), extra)

    async def _update(self, text: str, request: Request) -> Response:
        shape = inspect_request(text)
        refusal = _refusal(shape, update=True, config=self.config)
        if refusal is not None:
            return Response.text(403, refusal)
        header, body = await self.run_query({"op": "update", "text": text})
        if int(header["status"]) < 300:
            self._stats = None
        return Response(int(header["status"]), body, str(header["type"]))

    # -- service description ---------------------------------------------

    async def _dataset_stats(self) -> dict[str, Any] | None:
        if self._stats is None:
            try:
                header, body = await self.run_query({"op": "stats"})
            except PoolError:
                return None
            if header.get("status") == 200:
                self._stats = json.loads(body)
        return self._stats

    def service_description_turtle(self, endpoint: str, stats: dict[str, Any] | None) -> str:
        """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``."""
        cfg = self.config
        languages = ["sd:SPARQL11Query"] + (["sd:SPARQL11Update"] if cfg.allow_update else [])
        features: list[str] = []
        if cfg.allow_service:
            features.append("sd:BasicFederatedQuery")
        result_formats = [
            "formats:SPARQL_Results_JSON",
            "formats:SPARQL_Results_XML",
            "formats:SPARQL_Results_CSV",
            "formats:SPARQL_Results_TSV",
            "formats:Turtle",
            "formats:N-Triples",
            "formats:JSON-LD",
            "formats:RDF_XML",
        ]
        lines = [
            f"@prefix sd: <{SD}> .",
            f"@prefix formats: <{FORMATS_NS}> .",
            "@prefix void: <http://rdfs.org/ns/void#> .",
            "@prefix dcterms: <http://purl.org/dc/terms/> .",
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
            "",
            f"<{endpoint}> a sd:Service ;",
            f"    sd:endpoint <{endpoint}> ;",
            f"    sd:supportedLanguage {', '.join(languages)} ;",
            f"    sd:resultFormat {', '.join(result_formats)} ;",
        ]
        if features:
            lines.append(f"    sd:feature {', '.join(features)} ;")
        lines += [
            "    sd:defaultEntailmentRegime <http://www.w3.org/ns/entailment/Simple> ;",
            '    dcterms:title "councilkg: UN Security Council practice (SPARQL endpoint)" ;',
            '    dcterms:description "Read-only SPARQL 1.1 endpoint over the councilkg store. '
            "The default graph is the RDF merge of the named graphs (one per source file, "
            f"plus the reference and ontology graphs). Per-query timeout {cfg.timeout_s:g} s; "
            f'results truncated after {cfg.max_results} solutions or triples." ;',
            "    sd:defaultDataset [",
            "        a sd:Dataset ;",
            "        sd:defaultGraph [ a sd:Graph"
            + (f" ; void:triples {int(stats['default'])}" if stats else "")
            + " ]",
        ]
        if stats:
            for name, count in sorted(stats["named"].items()):
                lines.append(
                    f"        ; sd:namedGraph [ a sd:NamedGraph ; sd:name <{name}> ; "
                    f"sd:graph [ a sd:Graph ; void:triples {int(count)} ] ]"
                )
        lines += ["    ] .", ""]
        return "\n".join(lines)

    async def service_description(self, request: Request) -> Response:
        """``GET /sparql`` without a query: the service description."""
        fmt_values = request.params().get("format") or request.params().get("output")
        if fmt_values:
            try:
                graph = formats_from_param(fmt_values[0])[1]
            except FormatError as exc:
                return Response.text(400, str(exc))
        else:
            graph = negotiate_graph(request.headers.get("accept"))
        if graph is None:
            return Response.text(
                406,
                "the service description is RDF: accept text/turtle, "
                "application/n-triples, application/ld+json or application/rdf+xml",
            )
        endpoint = request.base_url() + request.path
        turtle = self.service_description_turtle(endpoint, await self._dataset_stats())
        body = turtle.encode("utf-8")
        if graph != "turtle":
            import pyoxigraph as ox

            from councilkg.server.worker import GRAPH_OX

            triples = ox.parse(body, format=ox.RdfFormat.TURTLE)
            body = ox.serialize(triples, format=GRAPH_OX[graph]) or b""
        return Response(200, body, GRAPH_FORMATS[graph][0], [("Vary", "Accept")])


def create_app(config: ServerConfig) -> CouncilApp:
    """The ASGI application for ``config`` (its pool starts with the lifespan):
    the SPARQL endpoint and, unless ``config.linked_data`` is off, the
    linked-data pages (:mod:`councilkg.server.linked_data`)."""
    app = CouncilApp(config)
    if config.linked_data:
        from councilkg.server.linked_data import LinkedDataRoutes

        LinkedDataRoutes(app, config.base).install()
    return app


# --------------------------------------------------------------------------
# Running it


def _uvicorn_options() -> dict[str, Any]:
    """uvicorn's fastest available HTTP parser and event loop."""
    opts: dict[str, Any] = {"http": "h11", "loop": "asyncio"}
    try:
        import httptools  # noqa: F401

        opts["http"] = "httptools"
    except ImportError:
        pass
    try:
        import uvloop  # noqa: F401

        opts["loop"] = "uvloop"
    except ImportError:
        pass
    return opts


def _check_store(store_path: Path) -> None:
    if not (Path(store_path) / "oxigraph").exists():
        raise FileNotFoundError(f"no store at {store_path} (run `councilkg ingest` first)")


def serve(
    store_path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout_s: float = 10.0,
    max_results: int = 100_000,
    max_request_bytes: int = 1_000_000,
    allow_update: bool = False,
    allow_service: bool = False,
    allow_load: bool = False,
    cors_origin: str | None = "*",
    workers: int | None = None,
    base: str | None = None,
    log_level: str = "info",
    access_log: bool = False,
) -> None:
    """Serve the store at ``http://host:port/sparql`` until interrupted (blocking).

    Raises:
        FileNotFoundError: no store at ``store_path``.
        RuntimeError: the workers could not start.
    """
    import uvicorn

    _check_store(store_path)
    config = ServerConfig(
        store_path=Path(store_path),
        timeout_s=timeout_s,
        max_results=max_results,
        max_request_bytes=max_request_bytes,
        allow_update=allow_update,
        allow_service=allow_service,
        allow_load=allow_load,
        cors_origin=cors_origin,
        workers=workers,
        base=base,
    )
    app = create_app(config)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            lifespan="on",
            log_level=log_level,
            access_log=access_log,
            server_header=False,
            proxy_headers=False,
            **_uvicorn_options(),
        )
    )
    server.run()
    if app.startup_error is not None:
        raise RuntimeError(f"the endpoint did not start: {app.startup_error}")


class RunningServer:
    """An endpoint running in a background thread of this process
    (:func:`start_server`); :meth:`stop` ends it and its workers."""

    def __init__(self, app: CouncilApp, server: Any, thread: threading.Thread, port: int) -> None:
        self.app = app
        self._server = server
        self._thread = thread
        self.host = "127.0.0.1"
        self.port = port
        self.url = f"http://{self.host}:{port}"
        self.endpoint = f"{self.url}/sparql"

    def worker_pids(self) -> list[int]:
        """Process ids of the live query workers."""
        return self.app.pool.pids() if self.app.pool is not None else []

    def stop(self, timeout: float = 15.0) -> None:
        """Stop serving, stop the workers, and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise RuntimeError("the endpoint did not stop in time")

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_server(store_path: Path, *, port: int = 0, **options: Any) -> RunningServer:
    """Start an endpoint on 127.0.0.1 (``port`` 0: a free one) in a thread and
    return once it answers.  ``options`` are those of :class:`ServerConfig`."""
    import uvicorn

    _check_store(store_path)
    config = ServerConfig(store_path=Path(store_path), **options)
    app = create_app(config)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            lifespan="on",
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            **_uvicorn_options(),
        )
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="councilkg-serve", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(10)
            sock.close()
            raise RuntimeError(f"the endpoint did not start: {app.startup_error}")
        time.sleep(0.02)
    return RunningServer(app, server, thread, bound_port)
