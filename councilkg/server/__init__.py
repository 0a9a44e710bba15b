"""The SPARQL endpoint and linked-data server: ``councilkg serve`` serves the
store over the SPARQL 1.1 Protocol at ``/sparql``, and its IRIs, pages,
data and dumps beside it.

Design (chosen by measurement, see ``bench/endpoint.py`` and
``bench/README.md``): a plain ASGI application (no framework) run by uvicorn
(httptools + uvloop when installed) in one process, in front of a pool of
worker processes (:mod:`councilkg.server.worker`) that each open the store
read-only and run one request at a time.  Queries run in processes because a
pyoxigraph query cannot be cancelled from Python: a query past the timeout
is stopped by killing its worker, and a fresh worker takes its place.
Workers are forked from a preloaded image (:mod:`councilkg.server.zygote`,
:mod:`councilkg.server.spawner`), so the pool gives every request a process
of its own and grows under load; it ages the priority of long requests and
shares workers fairly between clients (:class:`WorkerPool`), so a short
query is answered at once whatever else runs.  The front process only moves
bytes: the policy check, serialization and rendering of data run in workers;
a ``SELECT`` or ``ASK`` asked again on the same store generation is answered
from the answers it keeps (:mod:`councilkg.server.cache`), which is what
brings a cheap repeated query to the bare engine's pace (the hop to a worker
costs more than such a query).

Measured (``bench/endpoint.py``, 2-CPU VM shared with other jobs, seed
store, keep-alive Python clients; medians of 3 rounds): throughput 0.56-0.89
of bare ``oxigraph serve-read-only`` on the same store (lookup with 4
clients 0.83; GROUP BY 0.56-0.62; a 5 ms query 0.74-0.89), about the same as
running the queries in threads of the front process (0.48-0.85, which could
not stop a query), and ahead of a policy proxy in front of ``oxigraph``
(0.52-0.91, with errors, and no real timeout: ``oxigraph``'s ``--timeout-s 2``
answered a runaway query after 12-17 s with status 200 and a truncated
body).  What bounds it is the Python HTTP front (uvicorn + the app: about
0.3-0.4 ms of CPU per request, against 0.3-0.7 ms for ``oxigraph`` in all)
and, at one client, the hop to the worker process.  Under the soak
(``tests/test_soak.py``: 16 clients, 30 % of their requests hostile, on 2
CPUs) a plain query sent every 50 ms is answered in 2 ms (median), 15 ms
(p99), under 100 ms always.

The store may be ingested into while it is served: the pool follows the
store's generation (:meth:`WorkerPool.follow_store`).

The modules, each importing only those listed before it:

- :mod:`~councilkg.server.config`: :class:`ServerConfig`, the settings and limits;
- :mod:`~councilkg.server.negotiation`: media types and content negotiation;
- :mod:`~councilkg.server.cache`: the answers the front keeps for a query
  asked again on the same store generation;
- :mod:`~councilkg.server.policy`: what a SPARQL request asks for, and what
  the endpoint refuses;
- :mod:`~councilkg.server.http`: :class:`Request`, :class:`Response`,
  reading requests within the limits, CORS, sending;
- :mod:`~councilkg.server.worker`: the worker process (run by the pool);
- :mod:`~councilkg.server.zygote`: the fork server the workers come from;
- :mod:`~councilkg.server.priority`: a worker's CPU time, demoting and pausing it;
- :mod:`~councilkg.server.spawner`: starting workers (through the fork server);
- :mod:`~councilkg.server.pool`: :class:`WorkerPool` and :class:`PoolError`;
- :mod:`~councilkg.server.sparql`: the SPARQL 1.1 Protocol at ``/sparql``
  (formats, policy and limits are documented there);
- :mod:`~councilkg.server.linked_data`: ``/id``, ``/page``, ``/data``,
  ``/graph``, dumps, search, the query page, the dataset description;
- :mod:`~councilkg.server.app`: :class:`CouncilApp`, the ASGI application,
  and its route table (every path, its methods and handler);
- :mod:`~councilkg.server.run`: :func:`serve` and :func:`start_server`.

This package re-exports what other code uses.  In-process use (tests,
benchmarks)::

    with start_server(store_path, timeout_s=1.0) as server:
        urllib.request.urlopen(server.endpoint + "?query=ASK%7B%7D")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from councilkg.server.app import CouncilApp, Route, create_app
    from councilkg.server.config import ServerConfig
    from councilkg.server.http import Request, Response
    from councilkg.server.pool import PoolError, WorkerPool
    from councilkg.server.run import RunningServer, serve, start_server, uvicorn_options

# Where each re-exported name lives.  Loaded on first use (PEP 562), so that
# ``python -m councilkg.server.worker`` imports the worker's few modules and
# not the HTTP front (uvicorn, rdflib, the pages): a worker then starts in
# tens of milliseconds instead of hundreds, which the pool relies on when it
# replaces a worker or adds one under load.
_EXPORTS = {
    "CouncilApp": "app",
    "Route": "app",
    "create_app": "app",
    "ServerConfig": "config",
    "Request": "http",
    "Response": "http",
    "PoolError": "pool",
    "WorkerPool": "pool",
    "RunningServer": "run",
    "serve": "run",
    "start_server": "run",
    "uvicorn_options": "run",
}

__all__ = [
    "CouncilApp",
    "PoolError",
    "Request",
    "Response",
    "Route",
    "RunningServer",
    "ServerConfig",
    "WorkerPool",
    "create_app",
    "serve",
    "start_server",
    "uvicorn_options",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
