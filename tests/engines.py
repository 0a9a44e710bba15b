"""Start and stop real SPARQL engines for the comparison tests: Debian's
Virtuoso 7.2 and Apache Jena 4.5's ARQ (both installed by
``scripts/install-engines.sh``).

    with virtuoso_server() as v:
        v.query_url        # SPARQL 1.1 Protocol: /sparql (anonymous; update granted)
        v.store_url        # Graph Store Protocol: /sparql-graph-crud (anonymous)
        v.auth_store_url   # /sparql-graph-crud-auth (digest auth, dba / v.dba_password)
    with jena_server(union_default_graph=False) as j:
        j.query_url, j.update_url, j.store_url

Virtuoso runs through ``scripts/virtuoso-serve.sh``, the recipe the README
gives users, so the tests exercise exactly that (a throw-away database, Debian's
settings, ``GRANT SPARQL_UPDATE TO "SPARQL"``).  Jena runs
``engines/jena/JenaServer.java`` as a single-file source program with the class
path of :func:`bench.jena.classpath` (Debian's Jena needs it to run at all).
Both bind 127.0.0.1, keep their files in a temporary folder deleted
afterwards, are waited for within a bound, and are stopped when the block
ends, even on error.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from bench import jena as bench_jena

ROOT = Path(__file__).resolve().parents[1]
INSTALL_HINT = "run scripts/install-engines.sh (as root or with sudo)"
VIRTUOSO_SERVE = ROOT / "scripts" / "virtuoso-serve.sh"
JENA_SERVER = ROOT / "engines" / "jena" / "JenaServer.java"
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
_VIRTUOSO_READY = b"virtuoso-serve: ready"
_JENA_READY = re.compile(rb"JenaServer ready on (http://127\.0\.0\.1:\d+) \(Jena ([^,]+),")


def die_with_parent() -> None:
    """In the child before exec: SIGTERM when the process that started it
    dies (Linux's PR_SET_PDEATHSIG), so a test run that is killed, not
    stopped, leaves no server behind (the scripts' traps stop what they
    started).  A no-op where prctl is missing."""
    with suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class EngineMissingError(FileNotFoundError):
    """The engine is not installed; the message names the install script."""


@dataclass(frozen=True)
class VirtuosoServer:
    """A running throw-away Virtuoso (``scripts/virtuoso-serve.sh``)."""

    base_url: str
    isql_port: int
    pid: int
    location: Path
    version: str
    started_in: float  # seconds from launch to ready (database creation included)
    dba_password: str = "dba"  # a new database's built-in DBA password

    @property
    def query_url(self) -> str:
        """The SPARQL endpoint (queries and, with the grant, updates)."""
        return f"{self.base_url}/sparql"

    @property
    def store_url(self) -> str:
        """The anonymous Graph Store Protocol endpoint."""
        return f"{self.base_url}/sparql-graph-crud"

    @property
    def auth_store_url(self) -> str:
        """The Graph Store Protocol endpoint behind HTTP digest authentication."""
        return f"{self.base_url}/sparql-graph-crud-auth"


@dataclass(frozen=True)
class JenaServer:
    """A running ``engines/jena/JenaServer.java``."""

    base_url: str
    pid: int
    location: Path
    version: str
    union_default_graph: bool
    started_in: float  # seconds from launch to ready (compilation included)

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint."""
        return f"{self.base_url}/sparql"

    @property
    def update_url(self) -> str:
        """The SPARQL 1.1 Update endpoint."""
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint (``?default`` or ``?graph=IRI``)."""
        return f"{self.base_url}/data"


def _virtuoso_missing() -> str | None:
    for exe in ("virtuoso-t", "isql-vt"):
        if shutil.which(exe) is None:
            return f"Virtuoso is not installed ({exe} not on PATH): {INSTALL_HINT}"
    if not VIRTUOSO_INI.is_file():
        return f"Debian's {VIRTUOSO_INI} is missing: {INSTALL_HINT}"
    return None


def _jena_missing() -> str | None:
    # A single-file source program needs the JDK's compiler, not only a runtime.
    if shutil.which("java") is None or shutil.which("javac") is None:
        return f"a JDK (java and javac) is needed for JenaServer.java: {INSTALL_HINT}"
    try:
        bench_jena.classpath()
    except bench_jena.JenaMissingError as exc:
        return f"Debian's Jena is not usable ({exc}): {INSTALL_HINT}"
    return None


def engines_available() -> dict[str, str | None]:
    """Each engine's name → None if it can be started, else why not."""
    return {"virtuoso": _virtuoso_missing(), "jena": _jena_missing()}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ask(query_url: str) -> str | None:
    """The ``Server`` header of a successful ``ASK {}``, None if no answer."""
    query = urllib.parse.urlencode({"query": "ASK {}"})
    request = urllib.request.Request(
        f"{query_url}?{query}", headers={"Accept": "application/sparql-results+json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return str(response.headers.get("Server", "")) if response.status == 200 else None
    except (urllib.error.URLError, OSError):
        return None


def _tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_bytes()[-size:].decode("utf-8", "replace")
    except OSError:
        return ""


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL to the process group the server was started in
    (``start_new_session``), so that no engine process outlives the block."""
    if proc.poll() is None:
        proc.terminate()
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # anything of ours still in its group
    if proc.poll() is None:
        proc.wait(timeout=10)


def _virtuoso_version() -> str:
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "virtuoso-opensource-7"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip()


@contextmanager
def virtuoso_server(
    *, startup_timeout: float = 90, max_cost_s: int | None = None
) -> Iterator[VirtuosoServer]:
    """Run ``scripts/virtuoso-serve.sh`` on a new database until the block ends;
    ``max_cost_s``: the longest estimated query time Virtuoso accepts
    (``VIRTUOSO_MAX_COST_S``; default Debian's 400 s).

    Raises:
        EngineMissingError: Virtuoso is not installed (see :data:`INSTALL_HINT`).
        RuntimeError: the server did not start (its output is in the message).
    """
    missing = _virtuoso_missing()
    if missing:
        raise EngineMissingError(missing)
    location = Path(tempfile.mkdtemp(prefix="councilkg-virtuoso-"))
    log_path = location / "serve.log"
    proc: subprocess.Popen[bytes] | None = None
    try:
        for attempt in range(3):  # a free port may be taken between probe and bind
            http_port, isql_port = _free_port(), _free_port()
            data = location / f"db{attempt}"
            started = time.monotonic()
            with log_path.open("ab") as log:
                proc = subprocess.Popen(
                    ["bash", str(VIRTUOSO_SERVE), str(data), str(http_port), str(isql_port)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    preexec_fn=die_with_parent,
                    env={**os.environ, "VIRTUOSO_MAX_COST_S": str(max_cost_s)}
                    if max_cost_s is not None
                    else None,
                )
            base_url = f"http://127.0.0.1:{http_port}"
            server_header = None
            deadline = started + startup_timeout
            while time.monotonic() < deadline and proc.poll() is None:
                if _VIRTUOSO_READY in log_path.read_bytes():
                    server_header = _ask(f"{base_url}/sparql")
                    if server_header is not None:
                        break
                time.sleep(0.1)
            if server_header is not None and proc.poll() is None:
                version = _virtuoso_version() or server_header
                yield VirtuosoServer(
                    base_url,
                    isql_port,
                    proc.pid,
                    data,
                    version,
                    time.monotonic() - started,
                )
                return
            _stop(proc)
            proc = None
        raise RuntimeError(f"Virtuoso did not start: {_tail(log_path)}")
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(location, ignore_errors=True)


@contextmanager
def jena_server(
    union_default_graph: bool = False, *, startup_timeout: float = 90
) -> Iterator[JenaServer]:
    """Run ``engines/jena/JenaServer.java`` (in-memory TDB2) until the block ends.

    The server picks its own free port (``--port 0``) and prints it, so there
    is no race between probing a port and binding it.

    Raises:
        EngineMissingError: Java, javac or Debian's Jena is missing.
        RuntimeError: the server did not start (its output is in the message).
    """
    missing = _jena_missing()
    if missing:
        raise EngineMissingError(missing)
    location = Path(tempfile.mkdtemp(prefix="councilkg-jena-"))
    log_path = location / "server.log"
    command = [
        "java",
        "-cp",
        bench_jena.classpath(),
        str(JENA_SERVER),
        "--port",
        "0",
        *(["--union-default-graph"] if union_default_graph else []),
    ]
    proc: subprocess.Popen[bytes] | None = None
    try:
        started = time.monotonic()
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=location,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        deadline = started + startup_timeout
        found = None
        while time.monotonic() < deadline and proc.poll() is None:
            found = _JENA_READY.search(log_path.read_bytes())
            if found and _ask(f"{found.group(1).decode()}/sparql") is not None:
                break
            found = None
            time.sleep(0.1)
        if found is None or proc.poll() is not None:
            raise RuntimeError(f"JenaServer did not start: {_tail(log_path)}")
        yield JenaServer(
            found.group(1).decode(),
            proc.pid,
            location,
            found.group(2).decode(),
            union_default_graph,
            time.monotonic() - started,
        )
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(location, ignore_errors=True)
