"""Prepared queries answer alike whatever an engine reads as the default
graph: the merge (what ``councilkg push`` writes), the union of all graphs
(Virtuoso, GraphDB; ``oxigraph serve --union-default-graph``), or nothing
but named graphs (a dump of named graphs loaded as is).

Run on real ``oxigraph serve`` processes, one per reading.  The runner names
the graph to read (``default-graph-uri``, :func:`councilkg.queries.remote.dataset`);
the queries themselves are also written so that a fact stated in two graphs
never doubles a row, for tools that send them without a dataset.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from councilkg import queries as cq
from councilkg.published import read_published
from councilkg.push import merged_graph, push
from councilkg.queries.remote import dataset, run_remote
from councilkg.store import GraphStore
from tests.oxigraph_server import INSTALL_HINT, OxigraphServer, find_oxigraph, oxigraph_server
from tests.test_queries import comparable


def _need_oxigraph() -> None:
    if find_oxigraph() is None:
        if os.environ.get("CI") or os.environ.get("COUNCILKG_REQUIRE_SERVER"):
            pytest.fail(f"no oxigraph server binary: {INSTALL_HINT}")
        pytest.skip(f"no oxigraph server binary: {INSTALL_HINT}")


@pytest.fixture(scope="module")
def union_named_only(seed_store: GraphStore) -> Iterator[OxigraphServer]:
    """Union default graph, the named graphs alone pushed (no merge)."""
    _need_oxigraph()
    with oxigraph_server(union_default_graph=True) as srv:
        push(seed_store, srv.store_url, default_graph=False)
        yield srv


@pytest.fixture(scope="module")
def union_pushed(seed_store: GraphStore) -> Iterator[OxigraphServer]:
    """Union default graph, everything ``push`` writes (merge included)."""
    _need_oxigraph()
    with oxigraph_server(union_default_graph=True) as srv:
        push(seed_store, srv.store_url)
        yield srv


@pytest.fixture(scope="module")
def named_only(seed_store: GraphStore) -> Iterator[OxigraphServer]:
    """The default graph alone, empty: the named graphs only."""
    _need_oxigraph()
    with oxigraph_server() as srv:
        push(seed_store, srv.store_url, default_graph=False)
        yield srv


QUERIES = cq.catalogue()


def test_the_dataset_each_reading_needs(
    union_named_only: OxigraphServer,
    union_pushed: OxigraphServer,
    named_only: OxigraphServer,
    seed_store: GraphStore,
) -> None:
    merged = merged_graph(seed_store.graphs())
    assert dataset(union_pushed.query_url) == (merged,)
    # the union holds the data: read as it is
    assert dataset(union_named_only.query_url) == ()
    # nothing in the default graph: the named graphs, merged by the protocol
    assert dataset(named_only.query_url) == tuple(sorted(seed_store.graphs()))


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_union_of_named_graphs_as_sent(
    union_named_only: OxigraphServer, seed_store: GraphStore, query: cq.PreparedQuery
) -> None:
    """No dataset named: the union, where the reference graph and a source
    graph state some facts twice, gives the embedded store's rows."""
    bound = cq.bind(query, query.examples())
    remote = run_remote(union_named_only.query_url, bound, default_graphs=())
    assert comparable(remote) == comparable(cq.run_embedded(seed_store, bound))


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_union_with_the_merge_pushed(
    union_pushed: OxigraphServer, seed_store: GraphStore, query: cq.PreparedQuery
) -> None:
    bound = cq.bind(query, query.examples())
    remote = run_remote(union_pushed.query_url, bound)
    assert comparable(remote) == comparable(cq.run_embedded(seed_store, bound))


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_named_graphs_only(
    named_only: OxigraphServer, seed_store: GraphStore, query: cq.PreparedQuery
) -> None:
    bound = cq.bind(query, query.examples())
    remote = run_remote(named_only.query_url, bound)
    assert len(remote) > 0
    assert comparable(remote) == comparable(cq.run_embedded(seed_store, bound))


def test_a_published_graph_is_read_whole_in_parts(
    named_only: OxigraphServer, seed_store: GraphStore
) -> None:
    """``facts``/``validate --endpoint`` read every graph whole, in parts
    under an answer's row cap (here 500 triples: split by the subject's hash
    until each part fits), never by sorted paging."""
    read = read_published(named_only.query_url, page=500)
    assert sorted(read.graphs()) == sorted(seed_store.graphs())
    for graph in seed_store.graphs():
        assert _quads(read, graph) == _quads(seed_store, graph), graph


def _quads(store: GraphStore, graph: str) -> set[str]:
    return {str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph))}
