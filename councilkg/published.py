"""A published graph read back through its SPARQL endpoint, into an
in-memory store, so that ``facts`` and ``validate`` check what an endpoint
serves, not only what this machine ingested.

What is read: the graphs :func:`councilkg.queries.remote.dataset` says the
prepared queries read there: the named merge ``{base}graph/all`` that
``councilkg push`` writes, else the councilkg named graphs, else the
endpoint's default graph.  Each is read whole, by pages of ``SELECT ?s ?p
?o`` in a fixed order, because endpoints cap the rows of one answer
(Virtuoso's ``ResultSetMaxRows``, 10,000 as installed) without saying so;
the count of the graph is asked first and a short read is an error.
Blank nodes keep the labels the endpoint gives, which engines keep stable
within a dataset, so a node split across pages stays one node.
"""

from __future__ import annotations

import pyoxigraph as ox

from councilkg.queries.remote import RemoteError, dataset, select_remote
from councilkg.queries.results import Term
from councilkg.store import GraphStore

__all__ = ["read_published"]

PAGE = 5000
"""Triples per request: under every endpoint's row cap seen."""
DEFAULT_GRAPH = "urn:councilkg:default"
"""Where an endpoint's default graph goes in the local store."""


def read_published(endpoint: str, timeout: float = 30, page: int = PAGE) -> GraphStore:
    """The graphs that ``endpoint`` serves to prepared queries, in an
    in-memory store (one graph each; the store's default graph their merge).

    Raises:
        RemoteError: unreachable, refused, or answered fewer triples than
            the graph holds.
    """
    store = GraphStore.in_memory()
    graphs: tuple[str | None, ...] = dataset(endpoint, timeout) or (None,)
    for graph in graphs:
        triples = _read_graph(endpoint, graph, timeout, page)
        store.replace_graph(graph or DEFAULT_GRAPH, triples)
    return store


def _read_graph(endpoint: str, graph: str | None, timeout: float, page: int) -> list[str]:
    pattern = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
    counted = select_remote(endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", timeout)
    expected = int(counted.column("n")[0] or 0)
    lines: set[str] = set()
    offset = 0
    while True:
        result = select_remote(
            endpoint,
            f"SELECT ?s ?p ?o WHERE {{ {pattern} }} ORDER BY ?s ?p ?o LIMIT {page} OFFSET {offset}",
            timeout,
        )
        for s, p, o in result.rows:
            if s is None or p is None or o is None:
                continue
            lines.add(f"{_node(s)} {_node(p)} {_node(o)} .\n")
        offset += page
        if len(result.rows) < page:
            break
    if len(lines) < expected:
        where = f"graph <{graph}>" if graph else "the default graph"
        raise RemoteError(
            f"{endpoint}: {where} holds {expected} triples but {len(lines)} were read "
            "(does the endpoint cap or change the rows of an answer?)"
        )
    return sorted(lines)


def _node(term: Term) -> str:
    if term.kind == "uri":
        return str(ox.NamedNode(term.value))
    if term.kind == "bnode":
        return str(ox.BlankNode("".join(c if c.isalnum() else "_" for c in term.value)))
    datatype = term.datatype
    if term.lang:
        return str(ox.Literal(term.value, language=term.lang))
    if datatype:
        return str(ox.Literal(term.value, datatype=ox.NamedNode(datatype)))
    return str(ox.Literal(term.value))
