"""The links between editions are found one supplement at a time
(:mod:`councilkg.alignment`), and that changes nothing: on a store holding
two bilingual supplements they are exactly the links found from the whole
store's evidence at once, and none crosses from one supplement to the other.

The second supplement is the two editions of the first with every data IRI
moved below ``id/copy/`` (its supplement, sources, passages and footnotes
are then other nodes), so the expected links are known: the first's, and
the same links between the copies.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from councilkg import alignment
from councilkg.ingest.iris import Minter
from councilkg.ingest.ntriples import ntriples_lines
from councilkg.ingest.vocab import CKG
from councilkg.ingesting import load
from councilkg.resources import sample_path
from councilkg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
EN = ROOT / "tests" / "data" / "en" / "non-proliferation-2020.en.txt"
ID = "<https://w3id.org/councilkg/id/"
COPY = "<https://w3id.org/councilkg/id/copy/"


def _graph_lines(store: GraphStore, graph: str) -> list[str]:
    quads = store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    text = ox.serialize(
        (ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES
    )
    assert text is not None
    return text.decode("utf-8").splitlines(keepends=True)


@pytest.fixture(scope="module")
def one() -> GraphStore:
    """Both editions of one supplement."""
    store = GraphStore.in_memory()
    load([sample_path(), EN], store, minter=Minter(), language="auto", progress=False)
    return store


@pytest.fixture(scope="module")
def two(one: GraphStore) -> GraphStore:
    """Both editions of two supplements: ``one``'s source graphs and their
    copies (the alignment graph left out: it is what is computed)."""
    store = GraphStore.in_memory()
    align = str(Minter().alignment_graph())
    for graph in one.graphs():
        if graph == align:
            continue
        lines = _graph_lines(one, graph)
        store.replace_graph(graph, lines)
        if "/graph/source/" in graph:
            store.replace_graph(graph + "-copy", [line.replace(ID, COPY) for line in lines])
    return store


def _whole_store_lines(store: GraphStore) -> list[str]:
    """The links from every row of the evidence read at once (no supplement
    bound): the reference the supplement-by-supplement reading must equal."""

    def rows(name: str) -> list[tuple[str, tuple[str, str], str]]:
        return [
            (r["passage"].value, (r["supplement"].value, r["language"].value), r["key"].value)
            for r in store.query(alignment._query(name))
        ]

    pairs = alignment._by_shared_key(rows("markers"))
    pairs |= alignment._by_shared_key(rows("footnote-blocks"))
    pairs |= alignment._by_same_citations(rows("cites"))
    triples = {(URIRef(a), CKG.counterpart, URIRef(b)) for a, b in pairs}
    triples |= {(URIRef(b), CKG.counterpart, URIRef(a)) for a, b in pairs}
    return ntriples_lines(triples)


def test_the_store_holds_two_bilingual_supplements(two: GraphStore) -> None:
    assert [str(s) for s in alignment._bilingual(two)] == [
        "<https://w3id.org/councilkg/id/copy/repertoire/2020>",
        "<https://w3id.org/councilkg/id/repertoire/2020>",
    ]


def test_one_supplement_at_a_time_equals_the_whole_store(two: GraphStore) -> None:
    lines = alignment.counterpart_lines(two)
    assert lines and lines == _whole_store_lines(two)


def test_each_supplement_keeps_its_links_and_none_crosses(one: GraphStore, two: GraphStore) -> None:
    first = alignment.counterpart_lines(one)
    assert first
    copied = [line.replace(ID, COPY) for line in first]
    assert alignment.counterpart_lines(two) == sorted(first + copied)


def test_one_edition_reads_no_evidence() -> None:
    store = GraphStore.in_memory()
    load([sample_path()], store, minter=Minter(), progress=False)
    assert alignment._bilingual(store) == []
    assert alignment.counterpart_lines(store) == []
