"""How the endpoint shares its workers: short queries are not held up by
long ones, long ones past their share are paused or refused, clients are
served fair-share, workers come from the fork server.

Every test runs real worker processes on the sample store and asserts an
order of events or a process state (a worker's priority, a paused process,
which request was served first), never a duration: the facts the
scheduling promises, whatever the machine's speed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from councilkg.server import RunningServer, start_server
from councilkg.server.pool import CLIENT, PoolError, WorkerPool
from councilkg.server.priority import LOWEST, cpu_seconds

pytestmark = pytest.mark.slow

# Never finishes on the sample (7,400 triples cubed): a query that only a
# kill stops.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ASK = "ASK { ?s ?p ?o }"


def _state(pid: int) -> tuple[str, int]:
    """(state letter, nice value) of process ``pid`` from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return fields[0], int(fields[16])


def _until(condition: Callable[[], bool], within_s: float = 30.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _get(server: RunningServer, query: str) -> tuple[int, str, str]:
    url = server.endpoint + "?query=" + urllib.parse.quote(query)
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            timing = response.headers.get("Server-Timing", "")
            return response.status, response.read().decode("utf-8"), timing
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8"), ""
    except OSError as exc:  # the server stopped under a request
        return 0, str(exc), ""


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


@pytest.fixture
def small(sample_store_path: Path) -> Iterator[RunningServer]:
    """A server of at most 4 workers: 2 may be long, 2 stay for short queries."""
    with start_server(sample_store_path, timeout_s=120.0, workers=1, max_workers=4) as running:
        yield running


@needs_proc
def test_a_short_query_is_answered_while_long_ones_hold_their_share(
    small: RunningServer,
) -> None:
    pool = small.app.pool
    assert pool is not None and pool.max_size == 4 and pool.long_slots == 2
    answers: list[tuple[int, str, str]] = []
    hogs = [threading.Thread(target=lambda: answers.append(_get(small, ENDLESS))) for _ in range(2)]
    for t in hogs:
        t.start()
    # Both become long: their workers drop to the lowest priority.
    assert _until(lambda: sum(_state(p)[1] == LOWEST for p in small.worker_pids()) == 2)
    # A third long one is one too many: stopped once it has used its share.
    status, body, _ = _get(small, ENDLESS)
    assert status == 503 and "as many long queries as it allows (2)" in body, body
    # A short query is answered, from a worker of its own, while they run.
    status, body, timing = _get(small, ASK)
    assert status == 200 and "true" in body
    assert "queue;dur=" in timing
    assert all(t.is_alive() for t in hogs) and answers == []
    small.stop()
    for t in hogs:
        t.join(timeout=60)


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def _query(text: str) -> dict[str, Any]:
    return {"op": "query", "text": text, "results": "json", "graph": None, "max_results": 10}


@needs_proc
def test_long_requests_beyond_the_cpus_wait_paused(sample_store_path: Path) -> None:
    """With one CPU slot for long requests, the second long one is stopped
    (SIGSTOP) until the first ends, then resumed."""

    async def scenario() -> tuple[str, str]:
        pool = WorkerPool(sample_store_path, 1, max_size=6)
        await pool.start()
        pool.long_running_slots = 1
        try:
            tasks = [asyncio.create_task(pool.call(_query(ENDLESS), 120.0)) for _ in range(2)]
            for _ in range(3000):
                if len(pool._paused) == 1 and sum(j.long for j in pool._jobs.values()) == 2:
                    break
                await asyncio.sleep(0.02)
            paused = pool._paused[0].worker.pid
            for _ in range(500):  # a signal takes effect a moment after it is sent
                if _state(paused)[0] == "T":
                    break
                await asyncio.sleep(0.01)
            before = _state(paused)[0]
            running = next(j for j in pool._jobs.values() if j.long and not j.paused)
            running.worker.kill()  # the running one ends: the paused one goes on
            for _ in range(500):
                if not pool._paused and _state(paused)[0] != "T":
                    break
                await asyncio.sleep(0.02)
            after = _state(paused)[0]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await pool.close()
        return before, after

    before, after = _run(scenario())
    assert before == "T"  # stopped
    assert after in ("R", "S", "D")  # running again


def test_waiting_requests_are_served_fair_share(sample_store_path: Path) -> None:
    """One worker, held by client A's long query; then A queues two more and
    B one: once the worker is free, B (who has used none of it) goes first."""

    async def scenario() -> list[str]:
        pool = WorkerPool(sample_store_path, 1, max_size=1)
        await pool.start()
        order: list[str] = []

        async def as_client(client: str, label: str, text: str, timeout_s: float) -> None:
            CLIENT.set(client)
            with contextlib.suppress(PoolError):
                await pool.call(_query(text), timeout_s)
            order.append(label)

        try:
            hog = asyncio.create_task(as_client("A", "A-long", ENDLESS, 2.0))
            while not pool._jobs:
                await asyncio.sleep(0.01)
            queued = []
            for client in ("A", "A", "B"):
                queued.append(asyncio.create_task(as_client(client, client, ASK, 60.0)))
                await asyncio.sleep(0.05)  # arrive in this order
            await asyncio.gather(hog, *queued)
        finally:
            await pool.close()
        return order

    assert _run(scenario()) == ["A-long", "B", "A", "A"]


def test_the_pool_grows_under_load(sample_store_path: Path) -> None:
    """At rest, one worker kept ready and two idle; four requests at once run
    at once, each in a process of its own."""

    async def scenario() -> tuple[int, int]:
        pool = WorkerPool(sample_store_path, 1, max_size=8)
        await pool.start()
        try:
            resting = len(pool.pids())
            tasks = [asyncio.create_task(pool.call(_query(ENDLESS), 60.0)) for _ in range(4)]
            most = 0
            for _ in range(1500):
                most = max(most, len(pool._jobs))
                if most == 4:
                    break
                await asyncio.sleep(0.02)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await pool.close()
        return resting, most

    assert _run(scenario()) == (2, 4)


@needs_proc
def test_workers_come_from_the_fork_server_and_report_how_they_ended(
    sample_store_path: Path,
) -> None:
    """Workers are children of the fork server, not of the front; a worker
    killed by a signal is reported with that signal (how the pool tells a
    memory-cap death from a failure)."""
    from councilkg.server.spawner import ForkServer

    server = ForkServer()  # its own, not the process's shared one
    proc = server.spawn(sample_store_path, read_write=False, max_memory=None)
    try:
        parent = int(Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        assert parent != os.getpid()
        assert proc.poll() is None
        assert cpu_seconds(proc.pid) is not None
        proc.kill()
        assert proc.wait() == -9
        assert proc.poll() == -9
    finally:
        os.close(proc.requests)
        os.close(proc.replies)
        server.close()


def test_reading_a_large_query_does_not_hold_up_the_front(small: RunningServer) -> None:
    """The policy's lexer reads a query in the worker that runs it, not in
    the front process: a megabyte query whose comment says LOAD (so the
    lexer must read it all) is still being read while a plain query sent
    after it is answered."""
    big = "# LOAD\nSELECT * WHERE { " + "?s <urn:p> ?o . " * 60_000 + "}"
    done: list[str] = []

    def post_big() -> None:
        request = urllib.request.Request(
            small.endpoint,
            data=big.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
        except urllib.error.HTTPError:
            pass
        done.append("big")

    thread = threading.Thread(target=post_big)
    thread.start()
    pool = small.app.pool
    assert pool is not None
    assert _until(lambda: bool(pool._jobs))  # the big one has reached a worker
    status, _, _ = _get(small, ASK)
    done.append("ask")
    thread.join(timeout=120)
    assert status == 200
    assert done == ["ask", "big"]


def test_the_front_process_never_lexes_a_request() -> None:
    """Only the worker reads a request's text with the policy's lexer (its
    time grows with the request): the modules of the front process import
    the policy's switches and refusal wording, never its readers."""
    import ast

    readers = {"keywords", "inspect_request", "quick_inspect", "too_deep"}
    server = Path(__file__).resolve().parent.parent / "councilkg" / "server"
    users = {}
    for path in sorted(server.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "councilkg.server.policy":
                used = readers & {alias.name for alias in node.names}
                if used:
                    users[path.stem] = sorted(used)
    assert set(users) == {"worker"}, users
