"""A published graph read back through its SPARQL endpoint, into an
in-memory store, so that ``facts`` and ``validate`` check what an endpoint
serves, not only what this machine ingested.

What is read: the graphs :func:`councilkg.queries.remote.dataset` says the
prepared queries read there: the named merge ``{base}graph/all`` that
``councilkg push`` writes, else the councilkg named graphs, else the
endpoint's default graph.  Each is read whole, in parts small enough for
one answer, because endpoints cap the rows of an answer without saying so
(Virtuoso's ``ResultSetMaxRows``, 10,000 as installed) and refuse to sort
past a limit (so no ``ORDER BY … OFFSET`` paging: Virtuoso's SR353 beyond
10,000 rows): the triples are split by the MD5 of their subject's IRI, one
hex digit more wherever a part is too big, and each part's size is counted
first; a short read is an error.  Blank nodes keep the labels the endpoint
gives, which engines keep stable within a dataset.
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

    def count(condition: str) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} {condition} }}"
        return int(select_remote(endpoint, query, timeout).column("n")[0] or 0)

    expected = count("")
    lines: set[str] = set()

    def read(condition: str) -> None:
        query = f"SELECT ?s ?p ?o WHERE {{ {pattern} {condition} }}"
        for s, p, o in select_remote(endpoint, query, timeout).rows:
            if s is not None and p is not None and o is not None:
                lines.add(f"{_node(s)} {_node(p)} {_node(o)} .\n")

    if expected <= page:
        read("")
    else:
        # Parts of at most `page` triples, split by the MD5 of the subject's
        # IRI (one more hex digit each time a part is too big); blank-node
        # subjects, which have no text to hash, are one part of their own.
        blank = "FILTER(isBLANK(?s))"
        if (size := count(blank)) > page:
            raise RemoteError(
                f"{endpoint}: {size} triples with blank-node subjects, more than "
                f"the {page} an answer may hold"
            )
        if size:
            read(blank)
        prefixes = [""]
        while prefixes:
            prefix = prefixes.pop()
            # (no STRSTARTS with "": Virtuoso 07.20.3233 finds nothing starts so)
            condition = (
                f'FILTER(isIRI(?s) && STRSTARTS(MD5(STR(?s)), "{prefix}"))'
                if prefix
                else "FILTER(isIRI(?s))"
            )
            size = count(condition)
            if size > page:
                prefixes += [prefix + digit for digit in "0123456789abcdef"]
            elif size:
                read(condition)
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
