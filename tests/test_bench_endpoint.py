"""The endpoint benchmark cannot hang: a server that refuses connections
(here: a port nothing listens on, its process already gone) fails the cell
with the cause and the server's state, within the warm-up bound, instead of
leaving the clients' barrier waiting for ever."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.endpoint import Server, free_port, run_cell


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
    from bench.report import targets

    rows = targets(
        {"endpoint": {"status": "timeout", "scale": "100k", "stderr": "ConnectionRefusedError"}}
    )
    (row,) = [r for r in rows if r["target"].startswith("endpoint")]
    assert row["met"] is False
    assert "stage timeout" in row["measured"] and "ConnectionRefusedError" in row["measured"]
