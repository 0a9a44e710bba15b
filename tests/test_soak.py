"""Soak: many clients at once, valid and hostile, against ``councilkg serve``
in its own process; and ingests killed at random points.

What must hold: no request is answered 5xx (503 aside: busy or timed out is
the server protecting itself, and is counted), none is cut or refused at the
connection; a plain query sent throughout is answered 200 or 503 (its median
under load is reported against its median before the load, measured in the
same run — a ratio, not a wall-clock bound); the front process's memory
after the run is about what it was before.  Then ingests into a store are
killed with SIGKILL at random moments: every time the store opens and holds
the old graph or the new one, never a part.

CI runs a short variant; ``make soak`` sets ``COUNCILKG_SOAK_REQUESTS``
(requests per client) and ``COUNCILKG_SOAK_KILLS`` and prints the figures.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from councilkg.ingesting import load
from councilkg.resources import sample_path
from councilkg.store import GraphStore

pytestmark = pytest.mark.slow

CLIENTS = 16
REQUESTS = int(os.environ.get("COUNCILKG_SOAK_REQUESTS", "15"))  # per client
KILLS = int(os.environ.get("COUNCILKG_SOAK_KILLS", "4"))
ASK = "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")

VALID = [
    ASK,
    "/sparql?query=" + urllib.parse.quote("SELECT ?s WHERE { ?s a ?c } LIMIT 50"),
    "/",
    "/query",
    "/.well-known/void",
    "/dumps/councilkg.nt",
    "/page/state/CHN",
    "/id/state/CHN",
]
HOSTILE = [
    "/sparql?query=" + urllib.parse.quote("# LOAD\n" + "a." * 4000),
    "/sparql?query=" + urllib.parse.quote("SELECT * " + "{" * 2000 + "}" * 2000),
    "/sparql?query=" + urllib.parse.quote("SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
    "/sparql?update=" + urllib.parse.quote("DROP ALL"),
    "/static/../../etc/passwd",
    "/sparql?query=" + "a" * 40_000,
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """``councilkg serve`` on the sample, in its own process: (base URL, pid)."""
    store = tmp_path_factory.mktemp("soak") / "store"
    load([sample_path()], GraphStore(store), progress=False)
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "councilkg",
            "serve",
            "--store",
            str(store),
            "--port",
            str(port),
            "--timeout",
            "2",
            "--workers",
            "2",
            "--log-level",
            "critical",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + ASK, timeout=5).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("councilkg serve did not start") from None
            time.sleep(0.2)
    try:
        yield url, proc.pid
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


def _get(url: str) -> tuple[int, float]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0  # refused or cut: counted against the server
    return status, time.perf_counter() - start


def test_many_clients_valid_and_hostile(served: tuple[str, int]) -> None:
    url, pid = served
    baseline = [_get(url + ASK)[1] for _ in range(20)]
    rss_before = _rss_kb(pid)
    valid: Counter[int] = Counter()
    hostile: Counter[int] = Counter()
    latencies: list[float] = []
    probe: list[float] = []
    lock = threading.Lock()
    done = threading.Event()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(REQUESTS):
            bad = rng.random() < 0.3
            path = rng.choice(HOSTILE if bad else VALID)
            status, took = _get(url + path)
            with lock:
                (hostile if bad else valid)[status] += 1
                if not bad:
                    latencies.append(took)

    probe_status: Counter[int] = Counter()

    def prober() -> None:
        while not done.is_set():
            status, took = _get(url + ASK)
            with lock:
                probe_status[status] += 1
                if status == 200:
                    probe.append(took)
            time.sleep(0.05)

    watcher = threading.Thread(target=prober)
    watcher.start()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    done.set()
    watcher.join(timeout=60)
    rss_after = _rss_kb(pid)

    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else 0.0
    ratio = statistics.median(probe or [0.0]) / max(statistics.median(baseline), 1e-4)
    print(
        f"\nsoak: {sum(valid.values())} valid ({dict(valid)}), {sum(hostile.values())} hostile "
        f"({dict(hostile)}); valid p95 {p95 * 1000:.0f} ms; plain query median under load "
        f"{statistics.median(probe or [0.0]) * 1000:.1f} ms = {ratio:.1f}× its median before "
        f"({statistics.median(baseline) * 1000:.1f} ms), its answers {dict(probe_status)}; "
        f"front RSS {rss_before} → {rss_after} kB"
    )
    server_errors = {s: n for s, n in valid.items() if (s >= 500 and s != 503) or s == 0}
    assert not server_errors, valid
    assert not {s: n for s, n in hostile.items() if (s >= 500 and s != 503) or s == 0}, hostile
    assert set(probe_status) <= {200, 503} and probe, probe_status
    assert rss_after < rss_before * 1.5 + 20_000, (rss_before, rss_after)


def _graph_state(store: Path) -> tuple[int, ...]:
    """The sizes of the store's named graphs (opened read-only, as a reader)."""
    graphs = GraphStore(store, read_only=True)
    return tuple(graphs.count(g) for g in graphs.graphs())


def test_ingest_killed_at_random_moments_leaves_a_whole_store(tmp_path: Path) -> None:
    """Each trial starts from a copy of a store holding the sample and kills an
    ingest of another section into it: the store must open, holding the old
    graphs or the new ones, never a part."""
    base = tmp_path / "base"
    load([sample_path()], GraphStore(base), progress=False)
    old = _graph_state(base)
    extra = sorted((Path(__file__).parent / "data" / "sections").glob("*.txt"))[0]
    full = tmp_path / "full"
    load([sample_path(), extra], GraphStore(full), progress=False)
    new = _graph_state(full)
    assert old != new
    rng = random.Random(7)
    seen: Counter[str] = Counter()
    for trial in range(KILLS):
        store = tmp_path / f"trial-{trial}"
        shutil.copytree(base, store)
        proc = subprocess.Popen(
            [sys.executable, "-m", "councilkg", "ingest", str(extra), "--store", str(store), "-q"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.1, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        state = _graph_state(store)
        assert state in (old, new), (trial, state)
        seen["new" if state == new else "old"] += 1
        shutil.rmtree(store)
    print(f"\nkill -9 during ingest: {KILLS} times, the store whole every time ({dict(seen)})")
