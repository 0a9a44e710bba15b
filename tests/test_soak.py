"""Soak: many clients at once, valid and hostile, against ``councilkg serve``
in its own process; and ingests killed at random points.

What must hold: no valid request is answered 5xx (503 included) or cut at
the connection, and no hostile one 5xx other than 503 (timed out, too long,
too big: the server protecting itself); a plain query sent every 50 ms
throughout is answered 200 within 100 ms (see :data:`STRICT`); the front
process's memory after the run is about what it was before; one client's
``Host`` reaches no other's dataset description.  Then ingests into a store
are killed with SIGKILL at random moments: every time the store opens and
holds the old graph or the new one, never a part.

CI runs a short variant; ``make soak`` sets ``COUNCILKG_SOAK_REQUESTS``
(requests per client), ``COUNCILKG_SOAK_KILLS`` and
``COUNCILKG_SOAK_STRICT`` and prints the figures.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
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

REQUESTS = int(os.environ.get("COUNCILKG_SOAK_REQUESTS", "15"))  # per client
KILLS = int(os.environ.get("COUNCILKG_SOAK_KILLS", "4"))
STRICT = os.environ.get("COUNCILKG_SOAK_STRICT") == "1"
"""``make soak`` runs alone on the machine: the plain query's 100 ms bound is
then asserted on the time the client saw.  The CI variant shares the
machine with the rest of the suite, where no time is meaningful: it asserts
every answer and prints the times (the scheduling that keeps them short is
asserted as orders of events in ``test_scheduling.py``)."""
PROBE_BOUND_MS = 100.0
ASK = "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")


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


def _probe(url: str) -> tuple[int, float, float, str]:
    """The plain query: (status, milliseconds seen by the client, milliseconds
    the server reports in Server-Timing: waiting for a worker and running)."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url + ASK, timeout=60) as response:
            response.read()
            status, timing = response.status, response.headers.get("Server-Timing", "")
    except urllib.error.HTTPError as exc:
        status, timing = exc.code, ""
    except OSError:
        status, timing = 0, ""
    took = 1000 * (time.perf_counter() - start)
    server = sum(float(d) for d in re.findall(r"dur=([0-9.]+)", timing)) if timing else took
    return status, took, server, timing


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def test_many_clients_valid_and_hostile(served: tuple[str, int]) -> None:
    """16 clients, 30 % of their requests hostile (each failure the hardening
    fixed), and a plain query every 50 ms throughout."""
    url, pid = served
    before = [_probe(url)[1] for _ in range(20)]
    rss_before = _rss_kb(pid)
    load = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("soakload.py")), url, str(REQUESTS)],
        stdout=subprocess.PIPE,
        preexec_fn=lambda: os.nice(10),  # see soakload: measure the server, not the load
    )
    probes: list[tuple[int, float, float, str]] = []
    while load.poll() is None:
        probes.append(_probe(url))
        time.sleep(0.05)
    out, _ = load.communicate(timeout=60)
    assert load.returncode == 0
    result = json.loads(out)
    rss_after = _rss_kb(pid)
    valid = {int(k): v for k, v in result["valid"].items()}
    hostile = {int(k): v for k, v in result["hostile"].items()}
    seen = [p[1] for p in probes if p[0] == 200]
    served_ms = [p[2] for p in probes if p[0] == 200]
    print(
        f"\nsoak: {sum(valid.values())} valid {valid}, {sum(hostile.values())} hostile "
        f"{hostile}; valid p95 {1000 * _quantile(result['latencies'], 0.95):.0f} ms; "
        f"plain query x{len(probes)} {Counter(p[0] for p in probes)}: as the client saw it "
        f"median {statistics.median(seen or [0]):.1f} ms, p99 {_quantile(seen, 0.99):.1f}, "
        f"max {max(seen or [0]):.1f} (before the load: median "
        f"{statistics.median(before):.1f} ms); as the server reports it max "
        f"{max(served_ms or [0]):.1f} ms; front RSS {rss_before} -> {rss_after} kB"
    )
    assert set(valid) <= {200, 303}, valid  # no 5xx at all, 503 included
    assert {s for s in hostile if (s >= 500 and s != 503) or s == 0} == set(), hostile
    assert probes and {p[0] for p in probes} == {200}, Counter(p[0] for p in probes)
    if STRICT:  # alone on the machine: the bound as the client sees it
        slowest = sorted(((p[1], i, p[3]) for i, p in enumerate(probes)))[-5:]
        assert max(seen) < PROBE_BOUND_MS, slowest
    assert rss_after < rss_before * 1.5 + 20_000, (rss_before, rss_after)
    # the Host sent by one client is in nobody else's dataset description
    with urllib.request.urlopen(url + "/.well-known/void", timeout=60) as response:
        assert b"evil.example" not in response.read()


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
