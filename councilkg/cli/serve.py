"""``councilkg serve``: the store over HTTP (SPARQL protocol, entity pages,
the query page, the dataset description).

A thin layer over :func:`councilkg.server.serve`: the options, their
defaults and their help.
"""

from __future__ import annotations

from pathlib import Path

import click

from councilkg.cli.options import check_licence, data_licence_option, store_option

__all__ = ["serve"]


@click.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--timeout",
    "timeout_s",
    default=10.0,
    show_default=True,
    type=float,
    help="Per-query timeout in seconds; the query is stopped.",
)
@click.option(
    "--max-results",
    default=100_000,
    show_default=True,
    type=int,
    help="Rows (or triples) returned at most; more are cut, with a warning header.",
)
@click.option("--max-request-bytes", default=1_000_000, show_default=True, type=int)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1),
    help="Query worker processes kept ready, one per request at a time (default: 8, or "
    "the CPUs if more).",
)
@click.option(
    "--max-workers",
    default=None,
    type=click.IntRange(1),
    help="Query worker processes at most; the pool grows to this under load, one per "
    "request (default: 32, fewer if 3/4 of memory holds fewer at 256 MB each).",
)
@click.option("--allow-update", is_flag=True, help="Accept SPARQL Update (off: read-only).")
@click.option("--allow-load", is_flag=True, help="Accept LOAD (needs --allow-update).")
@click.option("--allow-service", is_flag=True, help="Accept SERVICE (federated queries).")
@click.option("--cors-origin", default="*", show_default=True)
@click.option(
    "--base",
    default=None,
    help="Base IRI the data was minted with ({base}id/… resolves at /id/…); "
    "default: read from the store.",
)
@click.option(
    "--max-memory",
    default=None,
    type=click.IntRange(0),
    metavar="MB",
    help="Megabytes of data one query worker may hold; a query needing more gets 503 "
    "and its worker is replaced (default: 3/4 of the machine's memory shared by "
    "--max-workers; 0: no cap).",
)
@click.option(
    "--max-connections",
    default=None,
    type=click.IntRange(1),
    help="Open connections at most, in all; more are answered 503 (default: the "
    "open-file limit less a reserve, at most 4096).",
)
@click.option(
    "--max-connections-per-client",
    default=None,
    type=click.IntRange(1),
    help="Open connections at most from one address (default: half of --max-connections).",
)
@click.option(
    "--header-timeout",
    default=None,
    type=click.FloatRange(0.1),
    help="Seconds a client has to send a request's headers; idle or slow: 408 and "
    "closed (default 10).",
)
@click.option(
    "--allowed-hosts",
    default="",
    metavar="NAMES",
    help="Comma-separated host names to answer for (the Host header, port aside); "
    "others get 400.  Default: any.",
)
@click.option(
    "--result-cache",
    "result_cache",
    default=64,
    show_default=True,
    type=click.IntRange(0),
    metavar="MB",
    help="Megabytes of SELECT/ASK answers kept to answer the same query again until the "
    "store changes (0: none; never with --allow-update or --allow-service).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    help="Access and error log detail (uvicorn's levels).",
)
@click.option(
    "--access-log",
    is_flag=True,
    help="Log every request (method, path, status), as uvicorn's access log.",
)
@data_licence_option
def serve(
    store_dir: Path | None,
    host: str,
    port: int,
    timeout_s: float,
    max_results: int,
    max_request_bytes: int,
    workers: int | None,
    max_workers: int | None,
    allow_update: bool,
    allow_load: bool,
    allow_service: bool,
    cors_origin: str,
    base: str | None,
    max_memory: int | None,
    max_connections: int | None,
    max_connections_per_client: int | None,
    header_timeout: float | None,
    allowed_hosts: str,
    result_cache: int,
    log_level: str,
    access_log: bool,
    data_licence: str | None,
) -> None:
    """Serve the store: the SPARQL 1.1 Protocol at /sparql (read-only by default),
    entity pages and data at /id/…, /page/…, /data/…, search at /search, the
    query page at /query and the dataset description at /.well-known/void.
    Prints the store and these addresses once it listens."""
    check_licence(data_licence)
    # Imported here: the server (the ASGI application, uvicorn, the pages)
    # is loaded only to serve.
    from councilkg.server import serve as run_server
    from councilkg.server.protocol import Limits
    from councilkg.store import default_store_path

    run_server(
        store_dir or default_store_path(),
        host=host,
        port=port,
        timeout_s=timeout_s,
        max_results=max_results,
        max_request_bytes=max_request_bytes,
        workers=workers,
        max_workers=max_workers,
        allow_update=allow_update,
        allow_load=allow_load,
        allow_service=allow_service,
        cors_origin=cors_origin,
        base=base,
        allowed_hosts=tuple(h.strip() for h in allowed_hosts.split(",") if h.strip()),
        max_memory=None if max_memory is None else max_memory * 2**20,
        limits=Limits(
            header_timeout_s=header_timeout or Limits.header_timeout_s,
            max_connections=max_connections or Limits.max_connections,
            max_per_client=max_connections_per_client
            or (max_connections // 2 if max_connections else Limits.max_per_client),
        ),
        result_cache_bytes=result_cache * 2**20,
        log_level=log_level,
        access_log=access_log,
        data_licence=data_licence,
    )
