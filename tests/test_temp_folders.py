"""Nothing is left in the temporary folder once its owner is done.

The server keeps the dumps it wrote in a ``councilkg-serve-*`` folder,
``export`` sorts in a ``councilkg-export-*`` one; left behind, they pile up
run after run (a dump is the whole graph).  Each command here runs as a
real process with ``TMPDIR`` pointed at a fresh folder, which must be empty
when it has exited: an ingest, exports to files and to a reader that stops
early, and ``councilkg serve`` answering dump downloads, then stopped as a
terminal (SIGINT) or a service manager (SIGTERM) stops it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from councilkg.cli import EXIT_BROKEN_PIPE

ROOT = Path(__file__).resolve().parents[1]
ASK = "/sparql?query=ASK%7B%7D"
DUMPS = ("/dumps/councilkg.nq.gz", "/dumps/councilkg.ttl", "/dumps/councilkg.jsonld")


@pytest.fixture()
def tmpdir_env(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A fresh temporary folder, and the environment that points ``TMPDIR`` at it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder, {**os.environ, "TMPDIR": str(folder), "PYTHONPATH": str(ROOT)}


def councilkg(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "councilkg", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def left_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def store(tmp_path: Path, tmpdir_env: tuple[Path, dict[str, str]]) -> Path:
    """The sample ingested by ``councilkg ingest``, which leaves nothing behind."""
    tmp, env = tmpdir_env
    path = tmp_path / "store"
    councilkg("ingest", "--sample", "--store", path, "-q", env=env)
    assert left_in(tmp) == []
    return path


def test_export_leaves_nothing(
    store: Path, tmp_path: Path, tmpdir_env: tuple[Path, dict[str, str]]
) -> None:
    tmp, env = tmpdir_env
    for name in ("graph.nq", "graph.ttl", "graph.jsonld", "graph.nt.gz"):
        councilkg("export", "--store", store, "--out", tmp_path / name, env=env)
        assert (tmp_path / name).stat().st_size > 0
        assert left_in(tmp) == [], name
    councilkg("export", "--store", store, "--void", "--format", "turtle", env=env)
    assert left_in(tmp) == []


def test_export_to_a_reader_that_stops_early_leaves_nothing(
    store: Path, tmpdir_env: tuple[Path, dict[str, str]]
) -> None:
    """``councilkg export --format turtle | head -1``: the command stops at
    the closed pipe in the middle of writing from its sort folder, and still
    removes it."""
    tmp, env = tmpdir_env
    proc = subprocess.Popen(
        [sys.executable, "-m", "councilkg", "export", "--store", str(store), "--format", "turtle"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()
    proc.stdout.close()
    assert proc.stderr.read() == b""
    assert proc.wait(timeout=120) in (EXIT_BROKEN_PIPE, 0)
    assert left_in(tmp) == []


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_removes_its_dump_cache_when_stopped(
    store: Path, tmpdir_env: tuple[Path, dict[str, str]], stop: signal.Signals
) -> None:
    tmp, env = tmpdir_env
    port = _free_port()
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "councilkg", "serve", "--store", str(store)),
            *("--port", str(port), "--workers", "1", "--log-level", "critical"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url + ASK, timeout=5).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        for path in DUMPS:
            with urllib.request.urlopen(url + path, timeout=120) as response:
                assert response.status == 200 and response.read(), path
        cached = [p.name for p in tmp.iterdir()]
        assert len(cached) == 1 and cached[0].startswith("councilkg-serve-")  # the dumps are there
        proc.send_signal(stop)
        proc.wait(timeout=60)  # its code is uvicorn's way of ending on a signal, not asserted here
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.stderr is not None and b"Traceback" not in proc.stderr.read()
    assert left_in(tmp) == []
