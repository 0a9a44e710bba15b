"""Running the endpoint: under uvicorn until interrupted (:func:`serve`, for
``councilkg serve``), or in a background thread of this process
(:func:`start_server`, for tests, notebooks and benchmarks).

Both check that the store exists before anything starts, build the
application (:func:`councilkg.server.app.create_app`) and run it with
uvicorn's fastest HTTP parser and event loop available; the worker pool
starts and stops with the application's lifespan.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from councilkg.server.app import CouncilApp, create_app
from councilkg.server.config import ServerConfig
from councilkg.server.protocol import Limits, http_protocol

GRACEFUL_S = 5
"""Seconds requests in flight may take to finish when the server stops;
those still running then are cancelled (their workers killed)."""


def uvicorn_options(limits: Limits | None = None) -> dict[str, Any]:
    """uvicorn with httptools (a dependency; :mod:`councilkg.server.protocol`
    adds the 414) and the fastest available event loop: what
    :func:`serve` runs with, and what an app compared with it in a benchmark
    should run with, so the comparison is of the apps alone."""
    opts: dict[str, Any] = {"http": http_protocol(limits or Limits()), "loop": "asyncio"}
    try:
        import uvloop  # noqa: F401

        opts["loop"] = "uvloop"
    except ImportError:
        pass
    return opts


def startup_lines(config: ServerConfig, url: str) -> list[str]:
    """What ``councilkg serve`` prints once it listens at ``url``
    (``http://host:port``): the store, and the addresses a reader opens
    (pages, search, query page) and a program uses (the endpoint, the
    dataset description), so nobody has to know the routes to start."""
    mode = "updates allowed" if config.allow_update else "read-only"
    lines = [f"councilkg serve: store {config.store_path} ({mode})"]
    if config.linked_data:
        lines += [
            f"  pages           {url}/",
            f"  search          {url}/search?q=",
            f"  query page      {url}/query",
        ]
    lines.append(f"  SPARQL endpoint {url}/sparql")
    if config.linked_data:
        lines.append(f"  dataset (VoID)  {url}/.well-known/void")
    return lines


def _url(host: str, port: int) -> str:
    """``http://host:port``, an IPv6 address in brackets."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


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
    max_workers: int | None = None,
    base: str | None = None,
    allowed_hosts: tuple[str, ...] = (),
    max_memory: int | None = None,
    limits: Limits | None = None,
    result_cache_bytes: int = ServerConfig.result_cache_bytes,
    log_level: str = "info",
    access_log: bool = False,
    data_licence: str | None = None,
) -> None:
    """Serve the store at ``http://host:port/sparql`` until interrupted
    (blocking), after printing the store and the addresses served
    (:func:`startup_lines`).  ``access_log``: log every request (uvicorn's
    access log); ``data_licence``: the licence IRI the publisher gives the
    data (the dataset description and the pages' footer name it; none by
    default).

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
        max_workers=max_workers,
        base=base,
        allowed_hosts=allowed_hosts,
        max_memory=max_memory,
        limits=limits or Limits(),
        data_licence=data_licence,
        result_cache_bytes=result_cache_bytes,
    )
    app = create_app(config)

    class Announcing(uvicorn.Server):
        """uvicorn's server, which says where to go once it listens."""

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                bound = self.servers[0].sockets[0].getsockname()[1] if self.servers else port
                print("\n".join(startup_lines(config, _url(host, int(bound)))), flush=True)

    server = Announcing(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            lifespan="on",
            log_level=log_level,
            access_log=access_log,
            server_header=False,
            proxy_headers=False,
            timeout_graceful_shutdown=GRACEFUL_S,
            **uvicorn_options(config.limits),
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
            timeout_graceful_shutdown=GRACEFUL_S,
            **uvicorn_options(config.limits),
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
