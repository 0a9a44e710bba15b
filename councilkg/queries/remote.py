"""Prepared queries on a remote SPARQL 1.1 endpoint, through SPARQLWrapper.

Why the same bound text: :func:`councilkg.queries.binding.bind` puts the
validated values in a ``VALUES`` block, so the text sent here is exactly the
one the embedded store runs; an endpoint that holds the same graph (see
:mod:`councilkg.push`: the named graphs and their merge as the default
graph) gives the same answers.  Results are read as SPARQL 1.1 Query
Results JSON and turned into the same
:class:`~councilkg.queries.results.QueryResult` as embedded runs.

Which graph is read: prepared queries read one graph holding every fact
once.  Engines disagree on what an unqualified query sees (the default graph
alone, or the union of all graphs, where a fact stated in two graphs
doubles a row), so the runner names the graph itself, by the protocol's
``default-graph-uri`` (:func:`dataset`): the named merge ``{base}graph/all``
that ``councilkg push`` writes, where the endpoint holds it; else, where the
endpoint's default graph holds no councilkg data but named graphs do (a
dump of named graphs loaded as is), those graphs, whose RDF merge the
protocol then makes the default graph; else the endpoint's default graph.

The endpoint is the query URL: ``http://127.0.0.1:7878/query`` for
``oxigraph serve``, ``http://host:3030/DATASET/sparql`` for Fuseki,
``http://host:7200/repositories/REPO`` for GraphDB, ``http://host:8890/sparql``
for Virtuoso, the server's root URL for QLever.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rdflib import XSD
from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper

from councilkg.ingest.iris import DEFAULT_BASE
from councilkg.ingest.vocab import CKG
from councilkg.queries.labels import collect_labels, collect_states
from councilkg.queries.results import QueryResult, Term, normalise_lists, normalise_values

if TYPE_CHECKING:
    from councilkg.queries.binding import BoundQuery

__all__ = ["RemoteError", "dataset", "run_remote", "select_remote"]

USER_AGENT = "councilkg (SPARQLWrapper)"


class RemoteError(OSError):
    """The endpoint could not be reached, refused the query or answered
    something that is not SPARQL JSON results."""


def select_remote(
    endpoint: str, sparql: str, timeout: float = 30, default_graphs: Sequence[str] = ()
) -> QueryResult:
    """Run SELECT (or ASK) text on ``endpoint``; the solutions as a QueryResult
    (an ASK's answer as one row of one boolean ``?ask``).

    The query is sent by POST (form-encoded), so long ``VALUES`` blocks and
    non-ASCII values travel safely; ``default_graphs`` go with it as
    ``default-graph-uri`` (empty: the endpoint's own default graph).

    Raises:
        RemoteError: unreachable endpoint, HTTP error, bad query, bad answer.
    """
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setQuery(sparql)
    for graph in default_graphs:
        client.addDefaultGraph(graph)
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
    if isinstance(doc, dict) and isinstance(doc.get("boolean"), bool):
        return QueryResult(
            ("ask",), [(Term.literal(str(doc["boolean"]).lower(), str(XSD.boolean)),)]
        )
    try:
        variables = tuple(doc["head"]["vars"])
        rows = [
            tuple(Term.from_json(b[v]) if v in b else None for v in variables)
            for b in doc["results"]["bindings"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise RemoteError(f"{endpoint}: not SPARQL JSON SELECT results ({exc!r})") from exc
    return QueryResult(variables, rows)


def dataset(endpoint: str, timeout: float = 30, base: str = DEFAULT_BASE) -> tuple[str, ...]:
    """The ``default-graph-uri`` values that make ``endpoint`` answer as the
    embedded store: the named merge, else the councilkg named graphs where
    the default graph holds none of their data, else none (see the module).

    Raises:
        RemoteError: see :func:`select_remote`.
    """
    merged = f"{base}graph/all"
    ask = f"ASK {{ GRAPH <{merged}> {{ ?s ?p ?o }} }}"
    if _true(select_remote(endpoint, ask, timeout)):
        return (merged,)
    supplement = f"<{CKG.RepertoireSupplement}>"
    if _true(select_remote(endpoint, f"ASK {{ ?s a {supplement} }}", timeout)):
        return ()
    graphs = select_remote(
        endpoint,
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f'FILTER(STRSTARTS(STR(?g), "{base}graph/")) }} ORDER BY ?g',
        timeout,
    )
    return tuple(g for g in graphs.column("g") if g is not None)


def _true(result: QueryResult) -> bool:
    return bool(result.rows) and result.rows[0][0] is not None and result.rows[0][0].python()


def run_remote(
    endpoint: str,
    bound: BoundQuery,
    timeout: float = 30,
    *,
    labels: bool = False,
    default_graphs: Sequence[str] | None = None,
) -> QueryResult:
    """Run a bound prepared query on the SPARQL endpoint at ``endpoint``.

    ``default_graphs``: the graphs to read (``default-graph-uri``); by
    default the ones :func:`dataset` finds; ``()`` for the endpoint's own
    default graph.  With ``labels``, the labels of the IRIs in the result
    are fetched from the endpoint too, with the ISO3 codes and short names
    of the States (for ``to_table`` and label columns).

    Raises:
        RemoteError: see :func:`select_remote`.
    """
    graphs = dataset(endpoint, timeout) if default_graphs is None else tuple(default_graphs)

    def select(sparql: str) -> QueryResult:
        return select_remote(endpoint, sparql, timeout, graphs)

    result = normalise_values(bound.query, normalise_lists(bound.query, select(bound.sparql)))
    if labels:
        iris = result.iris()
        result.labels = collect_labels(iris, select)
        result.states = collect_states(iris, select)
    return result
