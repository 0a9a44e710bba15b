"""Run a bound query where the user points: an endpoint, else the store.

The one choice the command line and the notebooks make
(``councilkg query --store DIR | --endpoint URL``), kept above both runners
so that neither knows the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from councilkg.queries.binding import BoundQuery
from councilkg.queries.catalogue import QueryError
from councilkg.queries.local import run_embedded
from councilkg.queries.remote import run_remote
from councilkg.queries.results import QueryResult

if TYPE_CHECKING:
    from councilkg.store import GraphStore

__all__ = ["run"]


def run(
    bound: BoundQuery,
    *,
    store: GraphStore | None = None,
    endpoint: str | None = None,
    labels: bool = False,
    timeout: float = 30,
) -> QueryResult:
    """Run ``bound`` on ``endpoint`` (a SPARQL query URL) if given, else on
    ``store`` (``councilkg query --store DIR | --endpoint URL``)."""
    if endpoint is not None:
        return run_remote(endpoint, bound, timeout, labels=labels)
    if store is None:
        raise QueryError("run a query on a store or an endpoint")
    return run_embedded(store, bound, labels=labels)
