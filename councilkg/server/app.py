"""The ASGI application and its route table: which path is served by which
handler, for which methods.

Every path the endpoint answers is one row of :func:`route_table`, and the
dispatch is derived from it: a path no row matches is **404**; ``OPTIONS``
is the CORS preflight, its ``Allow`` the row's methods; a method the row
does not list is **405** with that same ``Allow``; anything else goes to the
row's handler.  The size limits come before the method (they protect the
server whatever is asked), and ``HEAD`` runs the ``GET`` handler and sends
no body.

The handlers live below this module: :mod:`councilkg.server.sparql` (the
SPARQL 1.1 Protocol) and :mod:`councilkg.server.linked_data` (IRIs, pages,
data, dumps, the query page).  They see the application only as a
:class:`~councilkg.server.pool.Backend` (its settings and worker pool), so
the imports go one way: this module imports them, never the reverse.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from councilkg.server.config import ServerConfig
from councilkg.server.http import (
    Handler,
    Receive,
    Response,
    Scope,
    Send,
    cors_headers,
    preflight,
    read_request,
    request_headers,
    send_response,
)
from councilkg.server.linked_data import LinkedDataRoutes
from councilkg.server.pool import CLIENT, PoolError, WorkerPool
from councilkg.server.sparql import SparqlProtocol
from councilkg.web.templating import compile_all

QUERY = ("GET", "HEAD", "POST", "OPTIONS")
"""A SPARQL endpoint's methods: a query by URL or in a body."""
READ = ("GET", "HEAD", "OPTIONS")
"""A document's methods."""
SUBMIT = ("POST", "OPTIONS")
"""A helper that reads what is posted to it."""


@dataclass(frozen=True)
class Route:
    """One row of the route table."""

    pattern: str
    """A path (``/sparql``), or, ending in ``*``, every path that starts
    with what comes before it (``/id/*``)."""
    methods: tuple[str, ...]
    """The methods answered, in the order the ``Allow`` header lists them."""
    handler: Handler
    serves: str
    """What the route serves, in a few words."""

    @property
    def prefix(self) -> str | None:
        """The path prefix of a ``*`` pattern (None for one path)."""
        return self.pattern[:-1] if self.pattern.endswith("*") else None

    @property
    def allow(self) -> str:
        """The ``Allow`` header: the route's methods."""
        return ", ".join(self.methods)


def route_table(sparql: SparqlProtocol, pages: LinkedDataRoutes | None) -> tuple[Route, ...]:
    """Every route of an application: the SPARQL endpoint and, unless
    ``pages`` is None, the linked-data routes."""
    endpoint = (
        Route(
            "/sparql",
            QUERY,
            sparql.handle,
            "the SPARQL 1.1 Protocol; without a query, the service description",
        ),
    )
    if pages is None:
        return endpoint
    return (
        *endpoint,
        Route("/", READ, pages.index, "the home page: counts and entry points"),
        Route("/id/*", READ, pages.resolve, "a thing's IRI: 303 to its page or its data"),
        Route("/page/*", READ, pages.page, "a thing's HTML page"),
        Route("/data/*", READ, pages.data, "a thing's description, by Accept or extension"),
        Route("/graph/*", READ, pages.graph, "a named graph of the store, as a file"),
        Route("/dataset*", READ, pages.dataset, "the dataset's IRIs: 303 to their description"),
        Route("/.well-known/void", READ, pages.void, "the dataset's VoID/DCAT description"),
        Route("/dumps/*", READ, pages.dumps, "the whole dataset as a file, in each format"),
        Route("/search", READ, pages.search, "resources by name, symbol or words, ranked"),
        Route("/query", READ, pages.query_page, "the SPARQL editor with the prepared queries"),
        Route("/query/prepared", READ, pages.prepared_query, "a prepared query, values bound"),
        Route("/query/labels", SUBMIT, pages.labels, "the labels of the IRIs posted"),
        Route("/context.jsonld", READ, pages.context, "the published JSON-LD context"),
        Route("/static/*", READ, pages.static, "the package's style sheets and scripts"),
    )


class CouncilApp:
    """The ASGI application: the route table, the lifespan, the worker pool."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.pool: WorkerPool | None = None
        self.startup_error: BaseException | None = None
        self._on_shutdown: list[Callable[[], object]] = []
        pages = LinkedDataRoutes(self, config.base) if config.linked_data else None
        self.routes = route_table(SparqlProtocol(self), pages)
        self._paths = {r.pattern: r for r in self.routes if r.prefix is None}
        self._prefixes = sorted(
            ((r.prefix, r) for r in self.routes if r.prefix is not None),
            key=lambda pr: len(pr[0]),
            reverse=True,
        )

    def on_shutdown(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` when the server stops (cleaning up caches)."""
        self._on_shutdown.append(callback)

    def route_for(self, path: str) -> Route | None:
        """The route serving ``path``: the row naming it, else the row with
        the longest prefix of it (None: no row)."""
        found = self._paths.get(path)
        if found is not None:
            return found
        for prefix, route in self._prefixes:
            if path.startswith(prefix):
                return route
        return None

    # -- lifecycle --------------------------------------------------------

    async def startup(self) -> None:
        """Start the worker pool."""
        pool = WorkerPool(
            self.config.store_path,
            self.config.worker_count(),
            max_size=self.config.worker_limit(),
            read_write=self.config.allow_update,
            max_memory=self.config.worker_memory(),
        )
        await pool.start()
        self.pool = pool
        if self.config.linked_data:
            compile_all()
        # Everything loaded so far lives as long as the server: move it out
        # of the collector's way, so that a full collection scans only what
        # requests allocate (tens of milliseconds less on the event loop).
        gc.collect()
        gc.freeze()

    async def shutdown(self) -> None:
        """Stop the worker pool and run the shutdown callbacks."""
        if self.pool is not None:
            await self.pool.close()
        for callback in self._on_shutdown:
            callback()

    async def run_query(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """Run a worker request (see :mod:`councilkg.server.worker`) under the
        endpoint's timeout; every handler's queries go through here."""
        if self.pool is None:
            raise PoolError(503, "the server is starting")
        return await self.pool.call(request, self.config.timeout_s)

    # -- ASGI ------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    self.startup_error = exc
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        method: str = scope["method"]
        headers = request_headers(scope)
        response = await self._respond(scope, method, headers, receive)
        extra = cors_headers(self.config.cors_origin)
        await send_response(send, response, extra, head=method == "HEAD")

    async def _respond(
        self, scope: Scope, method: str, headers: dict[str, str], receive: Receive
    ) -> Response:
        path: str = scope["path"]
        peer = scope.get("client")
        CLIENT.set(str(peer[0]) if peer else "")
        if not self.config.host_allowed(headers.get("host")):
            return Response.text(400, "this server does not answer for that Host")
        route = self.route_for(path)
        if route is None:
            return Response.text(
                404, f"not found: {path} (the SPARQL endpoint is /sparql; pages start at /)"
            )
        if method == "OPTIONS" and method in route.methods:
            return preflight(route.allow, self.config.cors_origin, headers)
        request = await read_request(
            scope,
            headers,
            receive,
            self.config.max_request_bytes,
            body_timeout_s=self.config.limits.body_timeout_s,
        )
        if isinstance(request, Response):
            return request
        if method not in route.methods:
            return Response.text(405, f"method {method} not allowed", [("Allow", route.allow)])
        try:
            return await route.handler(request)
        except PoolError as exc:
            return Response.text(exc.status, exc.message, exc.headers)


def create_app(config: ServerConfig) -> CouncilApp:
    """The ASGI application for ``config`` (its pool starts with the lifespan):
    the SPARQL endpoint and, unless ``config.linked_data`` is off, the
    linked-data routes (:mod:`councilkg.server.linked_data`)."""
    return CouncilApp(config)
