"""The endpoint benchmark cannot hang: a server that refuses connections
(here: a port nothing listens on, its process already gone) fails the cell
with the cause and the server's state, within the warm-up bound, instead of
leaving the clients' barrier waiting for ever; ``councilkg serve`` is
measured on the port it says it listens on, once it says so; a server that
died is started again; the target is read per query kind at 16 clients."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bench import endpoint
from bench.endpoint import Server, free_port, run_cell, start


def test_a_refusing_server_fails_the_cell_and_the_run_goes_on() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    server = Server("councilkg", free_port(), "/sparql", [proc])
    started = time.monotonic()
    cell = run_cell(server, "ASK {}", concurrency=8, max_requests=100, max_seconds=2)
    assert time.monotonic() - started < 30
    assert cell["failed"] and "ConnectionRefusedError" in cell["failed"]
    assert "exited 0" in cell["failed"]
    assert cell["requests"] == 0 and cell["rps"] == 0.0


def test_a_failed_endpoint_stage_is_a_missed_target_with_its_cause() -> None:
    """The report says a stage failed, and why, instead of leaving it out."""
    from bench.targets import rows

    table = rows(
        {"endpoint": {"status": "timeout", "scale": "100k", "stderr": "ConnectionRefusedError"}}
    )
    (row,) = [r for r in table if r["key"] == "endpoint"]
    assert row["met"] is False
    assert "stage `endpoint` timeout" in row["figure"]
    assert "ConnectionRefusedError" in row["figure"]


def test_serve_is_measured_where_it_says_it_listens_even_from_a_cold_start(
    sample_store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``councilkg serve`` binds a port the kernel gives it (``--port 0``) and
    the bench reads it from the line serve prints once it listens, so no
    port chosen beforehand can be taken meanwhile; a cold start (no compiled
    modules, empty caches) is waited for, and 16 clients' first requests all
    connect."""
    # no compiled module to read: every import is compiled from source
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(tmp_path / "pycache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    args = argparse.Namespace(timeout=5.0, workers=None)
    server = start("councilkg", sample_store_path, args)
    try:
        assert server.port > 0 and server.alive()
        cell = run_cell(server, "ASK {}", concurrency=16, max_requests=200, max_seconds=2)
    finally:
        server.stop()
    assert cell["failed"] is None and cell["errors"] == 0 and cell["requests"] > 0


def test_a_server_that_died_is_started_again_and_the_run_goes_on(
    sample_store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = endpoint.run_cell
    killed: list[int] = []

    def cell_then_die(server: Server, *args: Any, **kwargs: Any) -> dict[str, Any]:
        cell = real(server, *args, **kwargs)
        if not killed:
            killed.append(server.procs[0].pid)
            server.procs[0].kill()
            server.procs[0].wait(timeout=30)
        return cell

    monkeypatch.setattr(endpoint, "run_cell", cell_then_die)
    args = argparse.Namespace(
        timeout=5.0,
        workers=None,
        concurrency="1",
        repeat=2,
        requests=20,
        heavy_requests=5,
        seconds=0.3,
        no_timeout_check=True,
    )
    out = endpoint.run_store(sample_store_path, args, [], [("lookup", "ASK {}", False)])
    (restart,) = out["restarts"]
    assert restart["server"] == "oxigraph" and "exited -9" in restart["state"]
    cells = out["runs"]["oxigraph|lookup|1"]
    assert len(cells) == 2 and all(c["failed"] is None and c["requests"] for c in cells)


def test_the_target_is_read_at_16_clients_per_query_kind() -> None:
    def row(cand: str, query: str, conc: int, ratio: float, errors: int = 0) -> dict[str, Any]:
        return {
            "candidate": cand,
            "query": query,
            "concurrency": conc,
            "ratio_to_baseline": ratio,
            "errors": errors,
            "failed": [],
        }

    rows = [
        row("councilkg", "lookup", 16, 0.95),
        row("councilkg", "groupby", 16, 0.85),
        row("councilkg", "prepared", 16, 1.1),
        row("councilkg", "prepared", 1, 0.1),  # one client: not the target's
        row("councilkg", "slow", 16, 2.0),
        row("oxigraph", "slow", 16, 1.0, errors=3),  # failed requests: not compared
        row("councilkg", "lookup-distinct", 16, 0.4),
    ]
    summary = {f"{r['candidate']}|{r['query']}|{r['concurrency']}": r for r in rows}
    got = endpoint.target(summary)
    assert got["ratio_by_query"] == {
        "lookup": 0.95,
        "groupby": 0.85,
        "prepared": 1.1,
        "lookup-distinct": 0.4,
    }
    assert got["lowest"] == 0.85 and got["median"] == 0.95 and got["with_errors"] == ["slow"]
    assert got["met"] is False and got["clients"] == 16 and got["threshold"] == 0.9
    assert got["by_workload"]["distinct"] == {"lowest": 0.4, "median": 0.4, "met": False}
    del summary["councilkg|slow|16"], summary["councilkg|groupby|16"]
    assert endpoint.target(summary)["met"] is True  # the repeat workload: 0.95 and 1.1


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_the_baseline_keeps_no_thread_per_query(sample_store_path: Path) -> None:
    """With ``--timeout-s T`` oxigraph keeps a thread per query for T
    seconds, and under load it died of them (past ``vm.max_map_count``):
    the throughput baseline runs without it, and its threads stay few."""
    server = endpoint.start_oxigraph(sample_store_path)
    try:
        command = server.procs[0].args
        assert isinstance(command, list) and "--timeout-s" not in command
        cell = run_cell(server, "ASK {}", concurrency=4, max_requests=400, max_seconds=5)
        threads = len(list(Path(f"/proc/{server.procs[0].pid}/task").iterdir()))
    finally:
        server.stop()
    assert cell["failed"] is None and cell["requests"] >= 100
    assert threads < 100, threads


def test_a_new_texts_cost_is_split_into_front_evaluation_and_what_is_left(
    sample_store_path: Path,
) -> None:
    """The evaluation alone is measured in a process of its own on a real
    store (both ways, every round a number), and the split is the arithmetic
    its docstring states: what the target's ratio leaves for the hop is
    oxigraph's cost ÷ 0.9 less the front on a kept answer and the worker's
    evaluation; the hop now is the rest of what a new text costs."""
    measured = endpoint.evaluation_cost(sample_store_path, ["lookup"])
    assert set(measured) == {"lookup"}, measured
    assert set(measured["lookup"]) == {"handle", "pyoxigraph"}
    assert all(v > 0 for v in measured["lookup"].values())

    def cell(cpu: float, front: float | None = None) -> dict[str, Any]:
        rest = None if front is None else cpu - front
        return {
            "server_cpu_us_per_req": cpu,
            "front_cpu_us_per_req": front,
            "rest_cpu_us_per_req": rest,
        }

    summary = {
        "oxigraph|lookup-distinct|16": cell(270.0),
        "councilkg|lookup-distinct|16": cell(600.0, front=150.0),
        "councilkg|lookup|16": cell(70.0),
        "councilkg|lookup-distinct|1": cell(9999.0, front=1.0),  # not the target's clients
    }
    split = endpoint.cost_split(summary, {"lookup": {"handle": 180.0, "pyoxigraph": 170.0}})
    assert split["lookup"] == {
        "oxigraph_us": 270.0,
        "councilkg_us": 600.0,
        "councilkg_front_us": 150.0,
        "councilkg_workers_us": 450.0,
        "front_kept_answer_us": 70.0,
        "handle_us": 180.0,
        "pyoxigraph_us": 170.0,
        "left_for_hop_us": 50.0,
        "hop_now_us": 350.0,
    }
    assert "| lookup | 270 | 150 + 450 | 70 | 180 / 170 | 50 | 350 |" in endpoint.cost_markdown(
        split
    )
    # a failed measurement leaves no row, and the stage goes on
    assert endpoint.cost_split(summary, {"failed": "did not finish"}) == {}
