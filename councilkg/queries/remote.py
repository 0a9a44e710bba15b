"""Prepared queries on a remote SPARQL 1.1 endpoint, through SPARQLWrapper.

Why the same bound text: :func:`councilkg.queries.binding.bind` puts the
validated values in a ``VALUES`` block, so the text sent here is exactly the
one the embedded store runs; an endpoint that holds the same graph (see
:mod:`councilkg.push`: the named graphs and their merge as the default
graph) gives the same answers.  Results are read as SPARQL 1.1 Query
Results JSON and turned into the same
:class:`~councilkg.queries.results.QueryResult` as embedded runs.

The endpoint is the query URL: ``http://127.0.0.1:7878/query`` for
``oxigraph serve``, ``http://host:3030/DATASET/sparql`` for Fuseki,
``http://host:7200/repositories/REPO`` for GraphDB, ``http://host:8890/sparql``
for Virtuoso, the server's root URL for QLever.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper

from councilkg.queries.labels import collect_labels, collect_states
from councilkg.queries.results import QueryResult, Term, normalise_lists

if TYPE_CHECKING:
    from councilkg.queries.binding import BoundQuery

__all__ = ["RemoteError", "run_remote", "select_remote"]

USER_AGENT = "councilkg (SPARQLWrapper)"


class RemoteError(OSError):
    """The endpoint could not be reached, refused the query or answered
    something that is not SPARQL JSON results."""


def select_remote(endpoint: str, sparql: str, timeout: float = 30) -> QueryResult:
    """Run SELECT text on ``endpoint``; the solutions as a QueryResult.

    The query is sent by POST (form-encoded), so long ``VALUES`` blocks and
    non-ASCII values travel safely.

    Raises:
        RemoteError: unreachable endpoint, HTTP error, bad query, bad answer.
    """
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setQuery(sparql)
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)
    client.setReturnFormat(JSON)
    client.setTimeout(max(1, math.ceil(timeout)))
    try:
        doc: Any = client.queryAndConvert()
    except Exception as exc:  # SPARQLWrapper raises its own, urllib and socket errors
        message = " ".join(str(exc).split())[:500]
        raise RemoteError(f"{endpoint}: {type(exc).__name__}: {message}") from exc
    return parse_json_results(doc, endpoint)


def parse_json_results(doc: Any, endpoint: str = "endpoint") -> QueryResult:
    """A SPARQL 1.1 Query Results JSON document → QueryResult.

    Raises:
        RemoteError: the document is not SELECT results.
    """
    try:
        variables = tuple(doc["head"]["vars"])
        rows = [
            tuple(Term.from_json(b[v]) if v in b else None for v in variables)
            for b in doc["results"]["bindings"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise RemoteError(f"{endpoint}: not SPARQL JSON SELECT results ({exc!r})") from exc
    return QueryResult(variables, rows)


def run_remote(
    endpoint: str, bound: BoundQuery, timeout: float = 30, *, labels: bool = False
) -> QueryResult:
    """Run a bound prepared query on the SPARQL endpoint at ``endpoint``.

    With ``labels``, the labels of the IRIs in the result are fetched from
    the endpoint too, with the ISO3 codes and short names of the States
    (for ``to_table`` and label columns).

    Raises:
        RemoteError: see :func:`select_remote`.
    """
    result = normalise_lists(bound.query, select_remote(endpoint, bound.sparql, timeout))
    if labels:
        iris = result.iris()
        result.labels = collect_labels(iris, lambda q: select_remote(endpoint, q, timeout))
        result.states = collect_states(iris, lambda q: select_remote(endpoint, q, timeout))
    return result
