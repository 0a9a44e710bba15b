"""The SPARQL endpoint and linked-data server: ``councilkg serve`` serves the
store over the SPARQL 1.1 Protocol at ``/sparql``, and its IRIs, pages,
data and dumps beside it.

Design (chosen by measurement, see ``bench/endpoint.py`` and
``bench/README.md``): a plain ASGI application (no framework) run by uvicorn
(httptools + uvloop when installed) in one process, in front of a pool of
worker processes (:mod:`councilkg.server.worker`) that each open the store
read-only and run one query at a time.  Queries run in processes because a
pyoxigraph query cannot be cancelled from Python: a query past the timeout
is stopped by killing its worker, and a fresh worker takes its place.

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
and, at one client, the hop to the worker process.

The store is opened read-only by each worker (updates disabled), so restart
the server after ``councilkg ingest`` to serve the new data (Oxigraph does not
support reading a store that another process writes).

The modules, each importing only those listed before it:

- :mod:`~councilkg.server.config`: :class:`ServerConfig`, the settings and limits;
- :mod:`~councilkg.server.negotiation`: media types and content negotiation;
- :mod:`~councilkg.server.policy`: what a SPARQL request asks for, and what
  the endpoint refuses;
- :mod:`~councilkg.server.http`: :class:`Request`, :class:`Response`,
  reading requests within the limits, CORS, sending;
- :mod:`~councilkg.server.worker`: the worker process (run by the pool);
- :mod:`~councilkg.server.pool`: :class:`WorkerPool` and :class:`PoolError`;
- :mod:`~councilkg.server.sparql`: the SPARQL 1.1 Protocol at ``/sparql``
  (formats, policy and limits are documented there);
- :mod:`~councilkg.server.linked_data`: ``/id``, ``/page``, ``/data``,
  ``/graph``, dumps, the query page, the dataset description;
- :mod:`~councilkg.server.app`: :class:`CouncilApp`, the ASGI application,
  and its route table (every path, its methods and handler);
- :mod:`~councilkg.server.run`: :func:`serve` and :func:`start_server`.

This package re-exports what other code uses.  In-process use (tests,
benchmarks)::

    with start_server(store_path, timeout_s=1.0) as server:
        urllib.request.urlopen(server.endpoint + "?query=ASK%7B%7D")
"""

from __future__ import annotations

from councilkg.server.app import CouncilApp, Route, create_app
from councilkg.server.config import ServerConfig
from councilkg.server.http import Request, Response
from councilkg.server.pool import PoolError, WorkerPool
from councilkg.server.run import RunningServer, serve, start_server, uvicorn_options

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
