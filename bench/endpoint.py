"""Benchmark of the SPARQL endpoint: the candidates for ``councilkg serve``
against bare ``oxigraph serve-read-only`` on the same store, same run.

Usage::

    python -m bench endpoint [--store DIR] [--repeat 3] [--concurrency 1,4,16]
                             [--requests 1500] [--seconds 8]
                             [--candidates councilkg,proxy,inproc]
                             [--out bench/results/endpoint.json]

Candidates (each a server process on a free port of 127.0.0.1):

``oxigraph``   the baseline: the ``oxigraph`` binary from PyPI,
               ``serve-read-only`` on the store folder, without a timeout for
               the throughput cells (see :func:`start_oxigraph`: with one it
               keeps a thread per query for the timeout's length, and dies
               of it under load), with ``--timeout-s T`` for the timeout
               check.  It has no policy (it runs ``SERVICE``), no result cap,
               and its timeout is checked late (see the timeout check).
``councilkg``  candidate (a), what ``councilkg serve`` runs: a plain ASGI app
               on uvicorn (httptools, uvloop) over a pool of worker processes
               that open the store read-only (``councilkg serve``).
``proxy``      candidate (b): the same ASGI app (policy, negotiation, result
               cap) forwarding each query to an ``oxigraph serve-read-only``
               backend over keep-alive HTTP, asking it for TSV / N-Triples so
               it can cap and convert the result.
``inproc``     a reference, not a candidate: the same ASGI app running
               queries in threads of its own process (no way to stop a query
               past the timeout).  Its distance to ``councilkg`` is the price
               of the worker processes.

Workload: client threads on 127.0.0.1, each with one keep-alive
``http.client`` connection, send ``GET ?query=`` requests, with 1, 4 and 16
concurrent clients, for

``lookup``    the votes on one draft (voter and position of each vote);
``groupby``   meetings per agenda item (GROUP BY, COUNT DISTINCT);
``prepared``  the project's prepared ``queries/votes-on-draft.rq`` with
              ``VALUES ?symbol { "S/2020/797" }`` (adds each voter's
              membership on the day: ~5 ms of evaluation, so it shows the
              servers when the query, not HTTP, dominates).

Each cell is bounded by ``--requests`` (``--heavy-requests`` for
``prepared``) and ``--seconds``; cells are run in rounds (``--repeat``), the
candidates in a rotating order within each cell, so drift of a shared
machine hits all alike.  Reported per cell: medians over the rounds of req/s,
p50 and p95 latency (ms), the server processes' CPU per request (µs, process
tree from ``/proc``: front + workers, or proxy + backend) and the ratio to
the baseline (median of the per-round paired ratios).

Then a timeout check: each candidate gets a cross join over all triples with
the server timeout (``--timeout``); reported are the status, the seconds to
the answer, and the server CPU burnt in the 3 s after it (a query that was
really stopped burns ~0).

The target (issue 16): ``councilkg serve`` ≥ 0.9 × the baseline's req/s at
16 clients for every query kind, per store (``target`` in the JSON, and the
last table).  ``--sizes 100k,1M`` runs the cells on the bench graphs of
those sizes one after the other (:mod:`bench.graphs`, cached).
``--workload distinct`` (or ``both``) numbers each request's text with a
comment, so that no answer can come from ``councilkg serve``'s answer cache
(:mod:`councilkg.server.cache`): that measures the way to a worker and back.

With distinct texts the stage then measures each kind's evaluation alone,
in a process of its own (:func:`evaluation_cost`), and sets it beside the
cells' CPU, split into the HTTP front and the workers (:func:`cost_split`:
how much CPU per request the target's ratio leaves for the hop from the
front to a query worker, and what it costs now).

A server whose process died is started again before the next cell, and the
restart is listed (``restarts``: when, exit status, the end of its standard
error); ``councilkg serve`` is started with ``--port 0`` and measured on the
port it says it listens on.

Output: JSON and Markdown (``bench/results/endpoint.json`` and ``.md``, which
git ignores) and the tables on stdout.  Nothing is asserted.

The default store is the bundled seed ingested into a temporary folder
(~7,300 triples): queries take well under a millisecond, so the HTTP path,
which is what differs between the candidates, dominates.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import itertools
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import ROOT, child_env, module_command

SCHEMA = 1
SEED = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
DEFAULT_OUT = ROOT / "bench" / "results" / "endpoint.json"
BASELINE = "oxigraph"
ALL_CANDIDATES = ("councilkg", "proxy", "inproc")

LOOKUP = """PREFIX ckg: <https://w3id.org/councilkg/ontology#>
SELECT ?member ?position
WHERE {
  ?draft ckg:symbol "S/2020/797" ; ckg:voteEvent ?ve .
  ?vote ckg:inVoteEvent ?ve ; ckg:voter ?member ; ckg:position ?position .
}
"""
_PREPARED_FILE = ROOT / "queries" / "votes-on-draft.rq"
PREPARED = (
    _PREPARED_FILE.read_text(encoding="utf-8") + '\nVALUES ?symbol { "S/2020/797" }\n'
    if _PREPARED_FILE.exists()
    else None
)
GROUP_BY = """PREFIX ckg: <https://w3id.org/councilkg/ontology#>
SELECT ?item (COUNT(DISTINCT ?meeting) AS ?meetings)
WHERE { ?meeting a ckg:Meeting ; ckg:agendaItem/ckg:key ?item }
GROUP BY ?item ORDER BY DESC(?meetings) ?item
"""
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUERIES = {"lookup": LOOKUP, "groupby": GROUP_BY}
if PREPARED is not None:
    QUERIES["prepared"] = PREPARED
ACCEPT = "application/sparql-results+json"


# --------------------------------------------------------------------------
# Processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (0 if gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


START_S = 300.0
"""At most this long for a server to start (its process exiting ends the wait
sooner).  Generous on purpose: on a cold machine the first start of
``councilkg serve`` compiles and imports everything and opens the store with
nothing in the page cache."""


@dataclass
class Server:
    name: str
    port: int
    path: str
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    """Where each process's standard error goes: what a server said before
    it died is reported with the cells it failed."""

    def pids(self) -> list[int]:
        return [p for proc in self.procs for p in process_tree(proc.pid)]

    def cpu(self) -> float:
        return sum(cpu_seconds(p) for p in self.pids())

    def cpu_split(self) -> tuple[float, float]:
        """CPU of the first process (the HTTP front: ``councilkg serve``'s
        event loop, the proxy, or oxigraph itself) and of every other
        process of the server (query workers, the proxy's backend)."""
        front = self.procs[0].pid if self.procs else None
        own = rest = 0.0
        for pid in self.pids():
            if pid == front:
                own += cpu_seconds(pid)
            else:
                rest += cpu_seconds(pid)
        return own, rest

    def alive(self) -> bool:
        return all(proc.poll() is None for proc in self.procs)

    def states(self) -> str:
        return ", ".join(
            "running" if proc.poll() is None else f"exited {proc.returncode}" for proc in self.procs
        )

    def last_words(self, size: int = 600) -> str:
        """The end of the processes' standard error."""
        out = []
        for log in self.logs:
            with contextlib.suppress(OSError):
                text = log.read_bytes()[-size:].decode("utf-8", "replace").strip()
                if text:
                    out.append(text)
        return " | ".join(out)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self.logs:
            log.unlink(missing_ok=True)


def _wait_ready(
    port: int, path: str, proc: subprocess.Popen[bytes], limit: float = START_S
) -> None:
    """Until ``path`` on ``port`` answers ``ASK {}`` with 200 (bounded; the
    process exiting ends the wait)."""
    deadline = time.monotonic() + limit
    url = f"{path}?query=" + urllib.parse.quote("ASK {}")
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", url, headers={"Accept": ACCEPT})
            if conn.getresponse().status == 200:
                conn.close()
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not answer in {limit:g} s")


ANNOUNCED = re.compile(rb"SPARQL endpoint http://[^\s]*:([0-9]+)/sparql")
"""The line ``councilkg serve`` prints once it listens, with the port it is
bound to (:func:`councilkg.server.run.startup_lines`)."""


def announced_port(proc: subprocess.Popen[bytes], limit: float = START_S) -> int:
    """The port ``councilkg serve --port 0`` says it listens on.

    Why not a port chosen here: a port found free and then closed is anyone's
    until the server binds it, and ``councilkg serve`` takes seconds to get
    there on a cold machine; asked to bind port 0 it takes one the kernel
    hands it and says which.  Reading stops at the line (the rest of the
    output is drained in a thread, so the server never blocks on a full
    pipe); bounded by ``limit`` and by the process exiting.
    """
    assert proc.stdout is not None
    found: list[int] = []
    done = threading.Event()
    stream = proc.stdout

    def read() -> None:
        for line in iter(stream.readline, b""):
            match = ANNOUNCED.search(line)
            if match and not found:
                found.append(int(match.group(1)))
                done.set()
        done.set()

    threading.Thread(target=read, daemon=True).start()
    if not done.wait(limit) or not found:
        raise RuntimeError(
            f"councilkg serve did not say where it listens within {limit:g} s "
            f"(process {'running' if proc.poll() is None else f'exited {proc.returncode}'})"
        )
    return found[0]


def oxigraph_binary() -> str:
    exe = Path(sys.executable).parent / "oxigraph"
    found = str(exe) if exe.exists() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("the `oxigraph` server binary is missing: pip install oxigraph")
    return found


def _log_file(name: str) -> tuple[Path, Any]:
    fd, path = tempfile.mkstemp(prefix=f"councilkg-bench-{name}-", suffix=".log")
    return Path(path), os.fdopen(fd, "wb")


def start_oxigraph(store: Path, timeout: float | None = None) -> Server:
    """``oxigraph serve-read-only`` on ``store``; with ``--timeout-s`` only if
    ``timeout`` is given.

    Why none for the throughput cells: with ``--timeout-s T`` oxigraph starts
    a thread per query that sleeps for T seconds, so ``req/s × T`` threads
    live at once; at ``--timeout 30`` (the report's) and a few thousand
    requests a second it runs past the kernel's map limit
    (``vm.max_map_count``: 5,491 threads held 22,062 maps here) and aborts
    ("thread 'SPARQL evaluation timeout' panicked … failed to set up
    alternative stack guard page: Cannot allocate memory", exit -6), and
    every later cell's clients are refused.  That was ``make bench``'s
    ``ConnectionRefusedError`` on a fresh (faster) machine.  Without the
    timeout the baseline does less per query than with it, so the ratio is,
    if anything, against ``councilkg serve``; the timeout check starts an
    instance with it.
    """
    port = free_port()
    log, err = _log_file("oxigraph")
    with err:
        proc = subprocess.Popen(
            [
                oxigraph_binary(),
                "serve-read-only",
                "--location",
                str(store / "oxigraph"),
                "--bind",
                f"127.0.0.1:{port}",
                *([] if timeout is None else ["--timeout-s", str(int(max(1, round(timeout))))]),
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    server = Server(BASELINE, port, "/query", [proc], [log])
    try:
        _wait_ready(port, "/query", proc)
    except RuntimeError as exc:
        words = server.last_words()
        server.stop()
        raise RuntimeError(f"{exc}: {words}") from None
    return server


def start(name: str, store: Path, args: argparse.Namespace) -> Server:
    """Start candidate ``name`` on ``store`` and return once it answers."""
    timeout = str(args.timeout)
    if name == BASELINE:
        return start_oxigraph(store)
    server = Server(name, 0, "/sparql")
    if name == "councilkg":
        cmd = module_command("councilkg", "serve", "--store", str(store), "--port", "0")
        cmd += ["--timeout", timeout, "--log-level", "warning"]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
    elif name == "proxy":
        backend = start_oxigraph(store, args.timeout)
        server.procs += backend.procs
        server.logs += backend.logs
        server.port = free_port()
        cmd = module_command("bench.endpoint", "--serve", "proxy", "--port", str(server.port))
        cmd += ["--backend-port", str(backend.port), "--timeout", timeout, "--store", str(store)]
    elif name == "inproc":
        server.port = free_port()
        cmd = module_command("bench.endpoint", "--serve", "inproc", "--port", str(server.port))
        cmd += ["--timeout", timeout, "--store", str(store)]
    else:
        raise SystemExit(f"unknown candidate {name!r}")
    log, err = _log_file(name)
    server.logs.append(log)
    with err:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE if name == "councilkg" else subprocess.DEVNULL,
            stderr=err,
            cwd=str(ROOT),
            env=child_env(),
        )
    server.procs.append(proc)
    try:
        if name == "councilkg":
            server.port = announced_port(proc)
        _wait_ready(server.port, "/sparql", proc)
    except RuntimeError as exc:
        words = server.last_words()
        server.stop()
        raise RuntimeError(f"{name}: {exc}: {words}") from None
    return server


# --------------------------------------------------------------------------
# The two alternative apps (run in their own process by ``--serve``)


def _serve_alternative(kind: str, args: argparse.Namespace) -> None:
    import pyoxigraph as ox
    import uvicorn

    from councilkg.server import (
        CouncilApp,
        PoolError,
        ServerConfig,
        uvicorn_options,
    )
    from councilkg.server.worker import _select, _triples, handle

    config = ServerConfig(store_path=Path(args.store), timeout_s=args.timeout)

    class InProcessApp(CouncilApp):
        """Queries in threads of this process: no way to stop them."""

        async def startup(self) -> None:
            from councilkg.store import GraphStore

            self.store = GraphStore(Path(args.store), read_only=True).oxigraph

        async def shutdown(self) -> None:
            return None

        async def run_query(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
            fut = asyncio.to_thread(handle, self.store, request)
            try:
                async with asyncio.timeout(self.config.timeout_s):
                    return await fut
            except TimeoutError:
                raise PoolError(503, "query timed out (it is still running)") from None

    class ProxyApp(CouncilApp):
        """Policy and formats here; the query runs in an oxigraph server."""

        async def startup(self) -> None:
            self.conns: asyncio.LifoQueue[tuple[asyncio.StreamReader, asyncio.StreamWriter]]
            self.conns = asyncio.LifoQueue()

        async def shutdown(self) -> None:
            while not self.conns.empty():
                self.conns.get_nowait()[1].close()

        async def _fetch(self, path: str) -> tuple[int, str, bytes]:
            try:
                reader, writer = self.conns.get_nowait()
            except asyncio.QueueEmpty:
                reader, writer = await asyncio.open_connection("127.0.0.1", args.backend_port)
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/tab-separated-values, "
                "application/n-triples;q=0.9\r\n\r\n".encode("latin-1")
            )
            status = int((await reader.readline()).split()[1])
            headers: dict[str, str] = {}
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                k, _, v = line.decode("latin-1").partition(":")
                headers[k.strip().lower()] = v.strip()
            if "content-length" in headers:
                body = await reader.readexactly(int(headers["content-length"]))
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                parts = []
                while True:
                    size = int((await reader.readline()).split(b";")[0], 16)
                    if size == 0:
                        await reader.readline()
                        break
                    parts.append(await reader.readexactly(size))
                    await reader.readline()
                body = b"".join(parts)
            else:
                body = await reader.read()
            if headers.get("connection", "").lower() == "close" or reader.at_eof():
                writer.close()
            else:
                self.conns.put_nowait((reader, writer))
            return status, headers.get("content-type", ""), body

        async def run_query(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
            if request["op"] != "query":
                raise PoolError(503, "not supported by the proxy candidate")
            path = "/query?query=" + urllib.parse.quote(request["text"])
            try:
                async with asyncio.timeout(self.config.timeout_s):
                    status, ctype, body = await self._fetch(path)
            except TimeoutError:
                raise PoolError(503, "query timed out (the backend may still run it)") from None
            if status != 200:
                return {"status": status, "type": "text/plain; charset=utf-8"}, body
            if ctype.startswith("application/n-triples"):
                found = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]

                class Triples:  # what the worker's _triples expects of a result
                    def serialize(self, output: Any, format: Any) -> None:
                        ox.serialize(found, output, format=format)

                    def __iter__(self) -> Any:
                        return iter(found)

                return _triples(Triples(), request)
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
            if isinstance(parsed, ox.QueryBoolean):
                fmt = request["results"]
                out = parsed.serialize(
                    format=ox.QueryResultsFormat.JSON
                    if fmt == "json"
                    else ox.QueryResultsFormat.XML
                )
                return {"status": 200, "type": "application/sparql-results+json"}, out or b""
            return _select(parsed, request)

    app = InProcessApp(config) if kind == "inproc" else ProxyApp(config)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        lifespan="on",
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
        **uvicorn_options(),
    )


# --------------------------------------------------------------------------
# Client


_REQUEST_NUMBERS = itertools.count()
"""Numbers the requests of the ``distinct`` workload across every cell of a
run, so no text is sent twice (a number used again in the next round would
find its answer kept)."""

WARMUP_S = 120.0
"""At most this long for every client's warm-up request (the barrier)."""


def run_cell(
    server: Server,
    query: str,
    concurrency: int,
    max_requests: int,
    max_seconds: float,
    *,
    distinct: bool = False,
) -> dict[str, Any]:
    """``concurrency`` threads send ``query`` until ``max_requests`` are done
    or ``max_seconds`` have passed; ``distinct``: each request's text differs
    (a comment numbering it), so no answer can come from a cache.

    Every wait is bounded: a client whose warm-up request fails (the server
    refused the connection, or died) breaks the barrier instead of leaving
    the others and the main thread waiting for ever; the cell is then
    reported failed with the cause and the server's state, and the run goes
    on.
    """
    target = f"{server.path}?query=" + urllib.parse.quote(query)
    numbered = _REQUEST_NUMBERS
    lock = threading.Lock()
    issued = [0]
    latencies: list[float] = []
    errors: list[str] = []
    warmup_errors: list[str] = []
    sizes: list[int] = []
    barrier = threading.Barrier(concurrency + 1)
    stop_at = [0.0]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            # one untimed request: connect and warm the path
            conn.request("GET", target, headers={"Accept": ACCEPT})
            conn.getresponse().read()
            barrier.wait(timeout=WARMUP_S)
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                warmup_errors.append(repr(exc))
            barrier.abort()
            conn.close()
            return
        except threading.BrokenBarrierError:
            conn.close()
            return
        mine: list[float] = []
        while True:
            with lock:
                if issued[0] >= max_requests or time.perf_counter() > stop_at[0]:
                    break
                issued[0] += 1
            url = target + urllib.parse.quote(f"\n# {next(numbered)}\n") if distinct else target
            t0 = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Accept": ACCEPT})
                resp = conn.getresponse()
                body = resp.read()
                if resp.status != 200:
                    errors.append(f"{resp.status} {body[:100]!r}")
                elif not sizes:
                    answer = json.loads(body)  # an ASK's has no rows: one boolean
                    sizes.append(len(answer["results"]["bindings"]) if "results" in answer else 1)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + max_seconds + 3600  # set for real below
    # The clocks start when every client has warmed up and waits, before
    # they are let go: read after, the server's CPU (a walk of /proc, tens
    # of milliseconds) and the start time came late, and a cell of cached
    # answers could end before its clock started (millions of req/s).
    ready_by = time.perf_counter() + WARMUP_S
    while barrier.n_waiting < concurrency and not barrier.broken:
        if time.perf_counter() > ready_by:
            barrier.abort()
            break
        time.sleep(0.001)
    front0, rest0 = server.cpu_split()
    t0 = time.perf_counter()
    stop_at[0] = t0 + max_seconds
    try:
        barrier.wait(timeout=WARMUP_S)
    except threading.BrokenBarrierError:
        stop_at[0] = 0.0
        for t in threads:
            t.join(timeout=5)
        return _failed_cell(server, warmup_errors or ["warm-up did not finish"])
    for t in threads:
        # a request has its own 60 s timeout; past that the thread is stuck
        t.join(timeout=max_seconds + 120)
    wall = time.perf_counter() - t0
    front1, rest1 = server.cpu_split()
    front, rest = front1 - front0, rest1 - rest0
    cpu = front + rest
    n = len(latencies)
    lat = sorted(latencies)
    return {
        "requests": n,
        "errors": len(errors),
        "error_sample": errors[:3],
        "rows": sizes[0] if sizes else None,
        "seconds": round(wall, 3),
        "rps": n / wall if wall > 0 else 0.0,
        "p50_ms": 1000 * lat[n // 2] if n else None,
        "p95_ms": 1000 * lat[min(n - 1, int(n * 0.95))] if n else None,
        "server_cpu_us_per_req": 1e6 * cpu / n if n else None,
        "front_cpu_us_per_req": 1e6 * front / n if n else None,
        "rest_cpu_us_per_req": 1e6 * rest / n if n else None,
        "failed": None,
    }


def _failed_cell(server: Server, causes: list[str]) -> dict[str, Any]:
    """A cell whose clients could not start: the causes and whether the
    server's processes are still running (an exit code says it died)."""
    words = server.last_words()
    return {
        "requests": 0,
        "errors": len(causes),
        "error_sample": causes[:3],
        "rows": None,
        "seconds": 0.0,
        "rps": 0.0,
        "p50_ms": None,
        "p95_ms": None,
        "server_cpu_us_per_req": None,
        "front_cpu_us_per_req": None,
        "rest_cpu_us_per_req": None,
        "failed": f"{causes[0]} (server: {server.states()})"
        + (f"; it said: {words}" if words else ""),
    }


def timeout_check(server: Server, limit: float) -> dict[str, Any]:
    """The slow query once: status, seconds to answer, CPU burnt after it."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=limit)
    target = f"{server.path}?query=" + urllib.parse.quote(SLOW)
    t0 = time.perf_counter()
    status: int | str
    try:
        conn.request("GET", target, headers={"Accept": ACCEPT})
        resp = conn.getresponse()
        body = resp.read()
        status, snippet = resp.status, body[-120:].decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        status, snippet = "client gave up", repr(exc)
    answered = time.perf_counter() - t0
    conn.close()
    cpu0 = server.cpu()
    time.sleep(3.0)
    after = server.cpu() - cpu0
    return {
        "status": status,
        "seconds_to_answer": round(answered, 2),
        "body_end": snippet.strip(),
        "server_cpu_s_in_3s_after": round(after, 2),
    }


# --------------------------------------------------------------------------
# What a distinct request costs to evaluate, without HTTP or a hop


EVALUATE_S = 2.0
"""At most this long per query kind and round of :func:`evaluation_cost`."""


def _evaluate(store: Path, names: list[str], rounds: int = 3, requests: int = 1000) -> None:
    """Child of :func:`evaluation_cost`: print, as JSON, the CPU µs per
    request of each query kind evaluated in this process, each request a new
    text (numbered as the ``distinct`` workload numbers them): ``handle`` is
    what a ``councilkg serve`` worker does with the front's request (policy,
    evaluation, JSON results within the cap); ``pyoxigraph`` is
    ``Store.query`` + ``serialize`` alone.  Medians of ``rounds``, after a
    warm-up, each round bounded by :data:`EVALUATE_S`."""
    import pyoxigraph as ox

    from councilkg.server.config import ServerConfig
    from councilkg.server.worker import handle
    from councilkg.store import GraphStore

    oxstore = GraphStore(store, read_only=True).oxigraph
    config = ServerConfig(store_path=store)
    policy = {
        "allow_update": config.allow_update,
        "allow_load": config.allow_load,
        "allow_service": config.allow_service,
    }
    numbers = itertools.count()

    def by_handle(text: str) -> None:
        request: dict[str, Any] = {
            "op": "query",
            "text": text,
            "results": "json",
            "graph": None,
            "default_graph": [],
            "named_graph": [],
            "max_results": config.max_results,
            "policy": policy,
        }
        header, _ = handle(oxstore, request)
        if header["status"] != 200:
            raise RuntimeError(f"{header}")

    def by_pyoxigraph(text: str) -> None:
        result = oxstore.query(text)
        assert isinstance(result, ox.QuerySolutions)
        result.serialize(format=ox.QueryResultsFormat.JSON)

    out: dict[str, dict[str, float]] = {}
    for name in names:
        query = QUERIES[name]
        out[name] = {}
        for how, call in (("handle", by_handle), ("pyoxigraph", by_pyoxigraph)):
            for _ in range(20):
                call(query + f"\n# {next(numbers)}\n")
            costs = []
            for _ in range(rounds):
                cpu0, wall_end, n = time.process_time(), time.perf_counter() + EVALUATE_S, 0
                while n < requests and time.perf_counter() < wall_end:
                    call(query + f"\n# {next(numbers)}\n")
                    n += 1
                costs.append(1e6 * (time.process_time() - cpu0) / n)
            out[name][how] = round(statistics.median(costs), 1)
    print(json.dumps(out))


def evaluation_cost(store: Path, names: list[str]) -> dict[str, Any]:
    """CPU µs per request of each query kind evaluated in a process of its
    own, as :func:`_evaluate` measures it (``{kind: {"handle": µs,
    "pyoxigraph": µs}}``), or ``{"failed": cause}``.

    Why: a server that answers every new text must at least evaluate it, and
    a front that parses HTTP must at least do what it does for a kept answer;
    set beside oxigraph's whole cost per request, these two say how much CPU
    is left for the way between them (the hop to a query worker) at the
    target's ratio.  A process of its own, so its warm caches measure the
    evaluation alone."""
    cmd = module_command(
        "bench.endpoint", "--evaluate", "--store", str(store), "--queries", ",".join(names)
    )
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=60 + 2 * 3 * EVALUATE_S * len(names),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"failed": "did not finish"}
    if proc.returncode != 0:
        return {"failed": proc.stderr.strip()[-300:] or f"exit {proc.returncode}"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def cost_split(summary: dict[str, Any], evaluation: dict[str, Any]) -> dict[str, Any]:
    """Where a request's CPU goes at :data:`TARGET_CLIENTS` clients, per query
    kind: oxigraph's whole server; ``councilkg serve``'s front and workers
    on the distinct texts and its front on kept answers (the repeated
    texts); the evaluation alone (:func:`evaluation_cost`).  ``left_for_hop``
    is the CPU per request that the target's ratio leaves for the way from
    the front to the evaluation and back if throughput follows server CPU:
    oxigraph's cost ÷ :data:`TARGET_RATIO`, less the front on a kept answer,
    less ``handle``; ``hop_now`` what the distinct texts cost beyond those
    two today."""

    def cell(cand: str, kind: str) -> dict[str, Any]:
        row: dict[str, Any] = summary.get(f"{cand}|{kind}|{TARGET_CLIENTS}") or {}
        return row

    out: dict[str, Any] = {}
    for name, costs in evaluation.items():
        if not isinstance(costs, dict):
            continue
        distinct = name + DISTINCT
        ox_cpu = cell(BASELINE, distinct).get("server_cpu_us_per_req")
        mine = cell("councilkg", distinct)
        kept = cell("councilkg", name).get("server_cpu_us_per_req")
        row: dict[str, Any] = {
            "oxigraph_us": ox_cpu,
            "councilkg_us": mine.get("server_cpu_us_per_req"),
            "councilkg_front_us": mine.get("front_cpu_us_per_req"),
            "councilkg_workers_us": mine.get("rest_cpu_us_per_req"),
            "front_kept_answer_us": kept,
            "handle_us": costs.get("handle"),
            "pyoxigraph_us": costs.get("pyoxigraph"),
            "left_for_hop_us": None,
            "hop_now_us": None,
        }
        if ox_cpu is not None and kept is not None and costs.get("handle") is not None:
            floor = kept + costs["handle"]
            row["left_for_hop_us"] = round(ox_cpu / TARGET_RATIO - floor, 1)
            if row["councilkg_us"] is not None:
                row["hop_now_us"] = round(row["councilkg_us"] - floor, 1)
        out[name] = row
    return out


def cost_markdown(split: dict[str, Any]) -> str:
    """:func:`cost_split` as a table."""
    if not split:
        return ""

    def f(v: float | None) -> str:
        return "—" if v is None else f"{v:,.0f}"

    lines = [
        f"### where a new text's CPU goes ({TARGET_CLIENTS} clients, µs per request)",
        "",
        "| query | oxigraph (whole server) | councilkg: front + workers | front, kept answer "
        "| evaluation alone: worker's handle / pyoxigraph | left for the hop at "
        f"{TARGET_RATIO:g}× | hop now |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in split.items():
        lines.append(
            f"| {name} | {f(r['oxigraph_us'])} | {f(r['councilkg_front_us'])} + "
            f"{f(r['councilkg_workers_us'])} | {f(r['front_kept_answer_us'])} | "
            f"{f(r['handle_us'])} / {f(r['pyoxigraph_us'])} | {f(r['left_for_hop_us'])} | "
            f"{f(r['hop_now_us'])} |"
        )
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Report


def _med(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def summarise(runs: dict[str, list[dict[str, Any]]], candidates: list[str]) -> dict[str, Any]:
    """Medians per (candidate, query, concurrency) and ratios to the baseline."""
    out: dict[str, Any] = {}
    for key, cells in runs.items():
        cand, qname, conc = key.split("|")
        out[key] = {
            "candidate": cand,
            "query": qname,
            "concurrency": int(conc),
            "rps": _med([c["rps"] for c in cells]),
            "p50_ms": _med([c["p50_ms"] for c in cells]),
            "p95_ms": _med([c["p95_ms"] for c in cells]),
            "server_cpu_us_per_req": _med([c["server_cpu_us_per_req"] for c in cells]),
            "front_cpu_us_per_req": _med([c.get("front_cpu_us_per_req") for c in cells]),
            "rest_cpu_us_per_req": _med([c.get("rest_cpu_us_per_req") for c in cells]),
            "errors": sum(c["errors"] for c in cells),
            "failed": [c["failed"] for c in cells if c.get("failed")],
            "rows": cells[0]["rows"],
            "rps_runs": [round(c["rps"], 1) for c in cells],
        }
    for key, row in out.items():
        base = runs.get(f"{BASELINE}|{row['query']}|{row['concurrency']}")
        mine = runs[key]
        if base:
            ratios = [m["rps"] / b["rps"] for m, b in zip(mine, base, strict=False) if b["rps"]]
            row["ratio_to_baseline"] = _med(list(ratios))
    return out


def markdown(summary: dict[str, Any], candidates: list[str], checks: dict[str, Any]) -> str:
    def f(v: float | None, fmt: str) -> str:
        return "—" if v is None else format(v, fmt)

    lines = []

    def order(kind: str) -> tuple[int, str]:
        base = kind.removesuffix(DISTINCT)
        return (list(QUERIES).index(base) if base in QUERIES else len(QUERIES), kind)

    for qname in sorted({r["query"] for r in summary.values()}, key=order):
        lines += [
            f"### {qname}",
            "",
            "| clients | server | req/s | ratio to oxigraph | p50 ms | p95 ms "
            "| server CPU µs/req |",
            "|---:|---|---:|---:|---:|---:|---:|",
        ]
        concs = sorted({r["concurrency"] for r in summary.values() if r["query"] == qname})
        for conc in concs:
            for cand in [BASELINE, *candidates]:
                row = summary.get(f"{cand}|{qname}|{conc}")
                if row is None:
                    continue
                err = f" ({row['errors']} errors)" if row["errors"] else ""
                lines.append(
                    f"| {conc} | {cand}{err} | {f(row['rps'], ',.0f')} | "
                    f"{f(row.get('ratio_to_baseline'), '.2f')} | {f(row['p50_ms'], '.2f')} | "
                    f"{f(row['p95_ms'], '.2f')} | {f(row['server_cpu_us_per_req'], ',.0f')} |"
                )
        lines.append("")
    if checks:
        lines += [
            "### timeout check (cross join over all triples)",
            "",
            "| server | status | seconds to answer | server CPU s in the 3 s after | end of body |",
            "|---|---|---:|---:|---|",
        ]
        for cand, c in checks.items():
            body = c["body_end"].replace("|", "\\|").replace("\n", " ")[:70]
            lines.append(
                f"| {cand} | {c['status']} | {c['seconds_to_answer']} | "
                f"{c['server_cpu_s_in_3s_after']} | {body} |"
            )
        lines.append("")
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for pkg in ("pyoxigraph", "oxigraph", "uvicorn", "httptools", "uvloop"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        commit = ""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_at_start": os.getloadavg(),
        "versions": versions,
        "git_commit": commit,
    }


def build_store(target: Path) -> Path:
    from councilkg.ingest.iris import Minter
    from councilkg.ingesting import load
    from councilkg.store import GraphStore

    store = GraphStore(target)
    load([SEED], store, minter=Minter(), progress=False)
    del store
    return target


TARGET_CLIENTS = 16
TARGET_RATIO = 0.9
"""The target: ``councilkg serve`` at 0.9 of bare ``oxigraph serve-read-only``'s
throughput or better with 16 clients, for every query kind."""

DISTINCT = "-distinct"
"""Suffix of a query kind whose requests each differ (see :func:`run_cell`)."""


def target(summary: dict[str, Any], candidate: str = "councilkg") -> dict[str, Any]:
    """The target read from one store's summary: the candidate's ratio to the
    baseline at :data:`TARGET_CLIENTS` clients per query kind, and per
    workload (``repeat``: the kinds that send one text again and again, the
    issue's measure; ``distinct``: the ``-distinct`` kinds) the lowest and
    the median over its kinds and whether the lowest reaches
    :data:`TARGET_RATIO`.  ``lowest``, ``median`` and ``met`` at the top are
    the ``repeat`` workload's when it was run, else the ``distinct`` one's.
    A kind where either server failed requests is listed under
    ``with_errors``, not compared (and the target is then not met)."""
    by_query: dict[str, float] = {}
    with_errors: list[str] = []
    for row in summary.values():
        if row["candidate"] != candidate or row["concurrency"] != TARGET_CLIENTS:
            continue
        base = summary.get(f"{BASELINE}|{row['query']}|{TARGET_CLIENTS}")
        if row["errors"] or row["failed"] or (base and (base["errors"] or base["failed"])):
            with_errors.append(row["query"])
        elif row.get("ratio_to_baseline") is not None:
            by_query[row["query"]] = round(row["ratio_to_baseline"], 3)

    def reading(kinds: list[str], failed: list[str]) -> dict[str, Any]:
        ratios = [by_query[k] for k in kinds]
        lowest = min(ratios) if ratios else None
        return {
            "lowest": lowest,
            "median": round(statistics.median(ratios), 3) if ratios else None,
            "met": lowest is not None and lowest >= TARGET_RATIO and not failed,
        }

    by_workload: dict[str, Any] = {}
    for workload, is_distinct in (("repeat", False), ("distinct", True)):
        kinds = [k for k in by_query if k.endswith(DISTINCT) == is_distinct]
        failed = [k for k in with_errors if k.endswith(DISTINCT) == is_distinct]
        if kinds or failed:
            by_workload[workload] = reading(kinds, failed)
    main = by_workload.get("repeat") or by_workload.get("distinct") or reading([], [])
    return {
        "clients": TARGET_CLIENTS,
        "threshold": TARGET_RATIO,
        "ratio_by_query": by_query,
        **main,
        "by_workload": by_workload,
        "with_errors": sorted(with_errors),
    }


def run_store(
    store: Path, args: argparse.Namespace, candidates: list[str], kinds: list[tuple[str, str, bool]]
) -> dict[str, Any]:
    """Every cell on one store, in rounds, then the timeout check: the runs,
    the summary, the target and the servers restarted on the way.

    A server found dead before a cell is started again (each restart is
    recorded with the exit status and the end of what it wrote to standard
    error), so one death costs the cells it happened in, not the rest of the
    run; a server that cannot be started fails its cells with the cause."""
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    order = [BASELINE, *candidates]
    servers: dict[str, Server | None] = {}
    runs: dict[str, list[dict[str, Any]]] = {}
    checks: dict[str, Any] = {}
    restarts: list[dict[str, Any]] = []

    def server_for(name: str, where: str) -> Server | None:
        current = servers.get(name)
        if current is not None and current.alive():
            return current
        if current is not None:
            restarts.append(
                {
                    "server": name,
                    "before": where,
                    "state": current.states(),
                    "said": current.last_words(),
                }
            )
            current.stop()
        try:
            servers[name] = start(name, store, args)
        except RuntimeError as exc:
            servers[name] = None
            restarts.append({"server": name, "before": where, "start_failed": str(exc)})
        return servers[name]

    try:
        for name in order:
            server_for(name, "the first cell")
        for rnd in range(args.repeat):
            for kind, query, distinct in kinds:
                base = kind.removesuffix(DISTINCT)
                budget = args.heavy_requests if base == "prepared" else args.requests
                for conc in concurrencies:
                    shift = (rnd + conc) % len(order)
                    for name in order[shift:] + order[:shift]:
                        where = f"round {rnd + 1} {kind} c={conc}"
                        server = server_for(name, where)
                        if server is None:
                            cell = _failed_cell(
                                Server(name, 0, ""), [restarts[-1].get("start_failed", "")]
                            )
                        else:
                            cell = run_cell(
                                server, query, conc, budget, args.seconds, distinct=distinct
                            )
                        runs.setdefault(f"{name}|{kind}|{conc}", []).append(cell)
                        status = f"FAILED: {cell['failed']}" if cell["failed"] else ""
                        print(
                            f"round {rnd + 1} {kind:17} c={conc:<3} {name:10} "
                            f"{cell['rps']:8.0f} req/s  p50 {cell['p50_ms'] or 0:6.2f} ms  "
                            f"errors {cell['errors']} {status}",
                            flush=True,
                        )
        if not args.no_timeout_check:
            limit = max(60.0, 10 * args.timeout)
            for name in order:
                if name == BASELINE:  # an instance that has the timeout
                    timed = start_oxigraph(store, args.timeout)
                    try:
                        checks[name] = timeout_check(timed, limit=limit)
                    finally:
                        timed.stop()
                else:
                    server = server_for(name, "the timeout check")
                    if server is None:
                        continue
                    checks[name] = timeout_check(server, limit=limit)
                print(f"timeout check {name}: {checks[name]}", flush=True)
    finally:
        for server in servers.values():
            if server is not None:
                server.stop()
    summary = summarise(runs, candidates)
    # With the servers stopped: the evaluation alone, for the kinds sent as
    # new texts, beside what the cells cost (cost_split).
    new_texts = [k.removesuffix(DISTINCT) for k, _, is_distinct in kinds if is_distinct]
    evaluation = (
        evaluation_cost(store, new_texts) if new_texts and "councilkg" in candidates else {}
    )
    split = cost_split(summary, evaluation)
    return {
        "summary": summary,
        "runs": runs,
        "timeout_check": checks,
        "restarts": restarts,
        "target": target(summary),
        "evaluation": evaluation,
        "cost_split": split,
        "markdown": markdown(summary, candidates, checks) + "\n" + cost_markdown(split),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.endpoint", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--store", type=Path, default=None, help="an existing store folder")
    parser.add_argument(
        "--sizes",
        default=None,
        help="bench graph sizes to run on, one after the other (100k,1M: bench/graphs.py, "
        "cached); instead of --store",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--requests", type=int, default=1500, help="per cell, lookup and GROUP BY")
    parser.add_argument(
        "--heavy-requests", type=int, default=300, help="per cell, the prepared query"
    )
    parser.add_argument("--seconds", type=float, default=8.0, help="per cell, at most")
    parser.add_argument("--candidates", default=",".join(ALL_CANDIDATES))
    parser.add_argument("--queries", default=",".join(QUERIES), help="a subset of the queries")
    parser.add_argument(
        "--workload",
        choices=("repeat", "distinct", "both"),
        default="repeat",
        help="repeat: every request the same text; distinct: each differs by a comment "
        "(kinds named QUERY-distinct), so no answer can be a cached one; both",
    )
    parser.add_argument("--workers", type=int, default=None, help="councilkg worker processes")
    parser.add_argument("--timeout", type=float, default=2.0, help="server query timeout (s)")
    parser.add_argument("--no-timeout-check", action="store_true")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    # internal: run one of the alternative apps
    parser.add_argument("--serve", choices=("proxy", "inproc"), help=argparse.SUPPRESS)
    parser.add_argument("--evaluate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--backend-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve:
        _serve_alternative(args.serve, args)
        return 0
    if args.evaluate:
        _evaluate(args.store, args.queries.split(","))
        return 0

    candidates = [c for c in args.candidates.split(",") if c and c != BASELINE]
    kinds: list[tuple[str, str, bool]] = []
    for qname in args.queries.split(","):
        if args.workload in ("repeat", "both"):
            kinds.append((qname, QUERIES[qname], False))
        if args.workload in ("distinct", "both"):
            kinds.append((qname + DISTINCT, QUERIES[qname], True))
    tmp = None
    stores: list[tuple[str, Path, int | None]] = []
    if args.sizes:
        from bench.graphs import graph_at

        for size in args.sizes.split(","):
            graph = graph_at(size, flavour="spread")
            stores.append((size, graph.store, int(graph.meta["triples"])))
    elif args.store is not None:
        stores.append((str(args.store), args.store, None))
    else:
        tmp = Path(tempfile.mkdtemp(prefix="councilkg-bench-endpoint-"))
        stores.append(("seed", build_store(tmp / "store"), None))
    env = environment()
    by_size: dict[str, Any] = {}
    try:
        for label, store, triples in stores:
            print(f"== {label}: {store}", flush=True)
            by_size[label] = dict(run_store(store, args, candidates, kinds), triples=triples)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    first = next(iter(by_size.values()))
    md = "\n".join(
        (f"## {label}\n\n" if len(by_size) > 1 else "") + part["markdown"]
        for label, part in by_size.items()
    )
    md += "\n" + target_markdown(by_size)
    report = {
        "schema": SCHEMA,
        "store": "seed (temporary)" if tmp is not None else str(stores[0][1]),
        "queries": QUERIES,
        "workload": args.workload,
        "concurrency": [int(c) for c in args.concurrency.split(",")],
        "repeat": args.repeat,
        "requests": args.requests,
        "heavy_requests": args.heavy_requests,
        "seconds": args.seconds,
        "timeout_s": args.timeout,
        "baseline": BASELINE,
        "candidates": candidates,
        "environment": env,
        "loadavg_at_end": os.getloadavg(),
        # the first (or only) store's, as before
        "summary": first["summary"],
        "runs": first["runs"],
        "timeout_check": first["timeout_check"],
        "restarts": first["restarts"],
        # the target at each size
        "target": {
            "clients": TARGET_CLIENTS,
            "threshold": TARGET_RATIO,
            "candidate": "councilkg",
            "by_size": {label: part["target"] for label, part in by_size.items()},
            "met": all(part["target"]["met"] for part in by_size.values()),
        },
        "by_size": by_size,
        "markdown": md,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    args.out.with_suffix(".md").write_text(md + "\n")
    print()
    print(md)
    print(f"wrote {args.out} and {args.out.with_suffix('.md')}")
    return 0


def target_markdown(by_size: dict[str, Any]) -> str:
    """The target as a table: one row per store."""
    lines = [
        f"### target: councilkg serve ÷ oxigraph req/s at {TARGET_CLIENTS} clients "
        f"(≥ {TARGET_RATIO:g})",
        "",
        "| store | workload | per query kind | lowest | median | met |",
        "|---|---|---|---:|---:|---|",
    ]
    for label, part in by_size.items():
        t = part["target"]
        for workload, w in t["by_workload"].items():
            kinds = ", ".join(
                f"{q} {r:.2f}"
                for q, r in t["ratio_by_query"].items()
                if q.endswith(DISTINCT) == (workload == "distinct")
            )
            failed = [
                q for q in t["with_errors"] if q.endswith(DISTINCT) == (workload == "distinct")
            ]
            if failed:
                kinds += f" (not compared, requests failed: {', '.join(failed)})"
            lowest = "—" if w["lowest"] is None else f"{w['lowest']:.2f}"
            med = "—" if w["median"] is None else f"{w['median']:.2f}"
            met = "yes" if w["met"] else "no"
            lines.append(f"| {label} | {workload} | {kinds} | {lowest} | {med} | {met} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
