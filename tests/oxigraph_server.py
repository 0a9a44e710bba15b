"""Start and stop a real, independent SPARQL server for the tests: the
``oxigraph`` server binary of the PyPI package ``oxigraph`` (not pyoxigraph,
which is the embedded library).

    with oxigraph_server() as server:
        server.query_url   # SPARQL 1.1 Protocol (queries)
        server.store_url   # SPARQL 1.1 Graph Store HTTP Protocol

The server binds 127.0.0.1 on a free port, keeps its data in a temporary
folder (deleted afterwards) and runs with its default settings: queries see
the default graph only (no ``--union-default-graph``), which
:func:`councilkg.push.push` fills with the merge of the named graphs.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.engines import die_with_parent

INSTALL_HINT = "pip install oxigraph==0.5.13 (the server binary of the PyPI package 'oxigraph')"


@dataclass(frozen=True)
class OxigraphServer:
    """A running ``oxigraph serve``."""

    base_url: str
    pid: int
    location: Path

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        """The SPARQL update endpoint."""
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint."""
        return f"{self.base_url}/store"


def find_oxigraph() -> str | None:
    """The ``oxigraph`` executable: beside this Python (the venv), else on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ready(base_url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK {}"})
    request = urllib.request.Request(
        f"{base_url}/query?{query}", headers={"Accept": "application/sparql-results+json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def oxigraph_server(
    binary: str | None = None, *, startup_timeout: float = 30, union_default_graph: bool = False
) -> Iterator[OxigraphServer]:
    """Run ``oxigraph serve`` on 127.0.0.1 until the block ends; with
    ``union_default_graph``, unqualified queries see the union of all graphs
    (one copy of a triple per graph holding it, as Virtuoso and GraphDB).

    Raises:
        FileNotFoundError: no ``oxigraph`` binary (see :data:`INSTALL_HINT`).
        RuntimeError: the server did not start (its stderr is in the message).
    """
    exe = binary or find_oxigraph()
    if exe is None:
        raise FileNotFoundError(f"no 'oxigraph' server binary: {INSTALL_HINT}")
    location = Path(tempfile.mkdtemp(prefix="councilkg-oxigraph-"))
    proc: subprocess.Popen[bytes] | None = None
    try:
        for _attempt in range(3):  # a free port may be taken between probe and bind
            port = _free_port()
            base_url = f"http://127.0.0.1:{port}"
            log = (location / "server.log").open("wb")
            proc = subprocess.Popen(
                [exe, "serve", "--location", str(location / "db"), "--bind", f"127.0.0.1:{port}"]
                + (["--union-default-graph"] if union_default_graph else []),
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )
            log.close()
            deadline = time.monotonic() + startup_timeout
            while time.monotonic() < deadline and proc.poll() is None:
                if _ready(base_url):
                    break
                time.sleep(0.1)
            if proc.poll() is None and _ready(base_url):
                break
            _stop(proc)
            proc = None
        if proc is None:
            text = (location / "server.log").read_text("utf-8", "replace")[-2000:]
            raise RuntimeError(f"oxigraph serve did not start: {text}")
        yield OxigraphServer(base_url, proc.pid, location)
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(location, ignore_errors=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
