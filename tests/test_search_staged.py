"""The search index of a load is written from what the load's graphs state,
read from their lines as they are mapped (:mod:`councilkg.search.staged`),
not read back from the store: these tests hold it to the rows the store
gives — graph by graph, for any lines (escapes, tags, datatypes, blank
nodes, IRIs outside the data), and as a whole index equal to one built
from the store after every kind of load (new store, both editions, update,
a file loaded in parts, a failed load).
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from councilkg import ingesting
from councilkg.ingest.errors import IngestError
from councilkg.ingest.iris import Minter
from councilkg.ingesting import load
from councilkg.resources import read_text, sample_path
from councilkg.search import build, staged
from councilkg.search.staged import StagedIndex, stated_of_lines
from councilkg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
EN = ROOT / "tests" / "data" / "en" / "non-proliferation-2020.en.txt"
BASE = Minter().base
PREFIX = BASE + "id/"
CKG = "https://w3id.org/councilkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _from_store(store: ox.Store, graph: str) -> list[build.Stated]:
    """What ``graph`` states by the index's queries on the store itself."""
    bound: dict[ox.Variable, Any] = {ox.Variable("g"): ox.NamedNode(graph)}
    rows = build.stated_rows(lambda q: store.query(q, substitutions=bound), PREFIX)
    return sorted(row[1:] for row in rows)


def _lines(store: ox.Store, graph: str) -> list[str]:
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    return [f"{q.subject} {q.predicate} {q.object} .\n" for q in quads]


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("staged") / "store"
    load([sample_path(), EN], GraphStore(path), minter=Minter(), language="auto", progress=False)
    return path


@pytest.fixture(params=["table", "queries"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way of reading lines: by the queries' table (the shipped
    queries have its shape), and by the queries in a store in memory."""
    assert staged._table() is not None
    if request.param == "queries":
        monkeypatch.setattr(staged, "_table", lambda: None)
    return str(request.param)


def test_the_rows_of_each_graph_s_lines_are_the_store_s(two_editions: Path, reading: str) -> None:
    store = GraphStore(two_editions, read_only=True).oxigraph
    graphs = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    assert len(graphs) >= 5  # two sources, reference, ontology, alignment
    for graph in graphs:
        assert sorted(stated_of_lines(_lines(store, graph), PREFIX)) == _from_store(store, graph)


HAND = f"""\
<{PREFIX}state/XYZ> <{SKOS}prefLabel> "Quote \\" and \\\\ and\\nline"@en .
<{PREFIX}state/XYZ> <{SKOS}prefLabel> "\\u00E9t\\u00E9 \\U0001F600"@fr .
<{PREFIX}state/XYZ> <{CKG}iso3> "XYZ"^^<http://www.w3.org/2001/XMLSchema#token> .
<{PREFIX}state/XYZ> <{CKG}key> "k"^^<http://www.w3.org/2001/XMLSchema#string> .
<{PREFIX}state/XYZ> <http://www.w3.org/2000/01/rdf-schema#comment> "not an entry"@en .
<{PREFIX}doc/S%2F2020%2F1> <{CKG}symbol> "S/2020/1" .
<{PREFIX}meeting/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CKG}Meeting> .
<{PREFIX}meeting/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CKG}Event> .
<{PREFIX}passage/p1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CKG}SourcePassage> .
<{PREFIX}passage/p1> <{CKG}text> "第一段 <{CKG}text> 文字"@zh .
<{PREFIX}cite/c1> {TYPE} <http://purl.org/spar/cito/Citation> .
<{PREFIX}cite/c1> <{CKG}text> "cited" .
<http://example.org/other> <{CKG}text> "outside the data" .
_:b1 <{CKG}text> "a blank node" .
<{PREFIX}state/XYZ> <{CKG}symbol> <{PREFIX}not-a-literal> .
<{PREFIX}state/XYZ> <{SKOS}altLabel> "Upper-case tag"@EN-GB .
<{PREFIX}state/XYZ> <{CKG}key> "007"^^<http://www.w3.org/2001/XMLSchema#integer> .
<{PREFIX}state/\\u0041BC> <{CKG}iso3> "ABC" .
<{PREFIX}state/XYZ> <{CKG}text> "ends in a quote \\""@en .
"""


def test_hand_written_lines_give_the_store_s_rows(reading: str) -> None:
    """Escapes (in a literal, at its end, in an IRI), language tags (one
    in capitals), datatypes (one the store writes canonically), marks, an
    IRI outside the data, a blank node, an IRI object, a predicate no
    query names, and a predicate's IRI inside a literal."""
    graph = "urn:test:hand"
    store = ox.Store()
    store.load(HAND.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    expected = _from_store(store, graph)
    assert len(expected) == 14
    assert ("https://w3id.org/councilkg/id/state/ABC", 1, "", "ABC") in expected
    assert ("https://w3id.org/councilkg/id/state/XYZ", 2, "fr", "été 😀") in expected
    assert sorted(stated_of_lines(HAND.splitlines(keepends=True), PREFIX)) == expected
    # The filter is on the predicate alone: a line whose predicate no query
    # names gives nothing, whatever its object.
    assert stated_of_lines([f"<{PREFIX}x> <{CKG}other> <{CKG}Meeting> .\n"], PREFIX) == []


def test_queries_of_another_shape_are_run_not_read_as_a_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The table is read from the queries only when each has the one shape
    it knows: with a filter more in a query, the lines are read by the
    queries themselves, and still give what the store gives."""
    real = read_text

    def changed(kind: str, name: str) -> str:
        text = real(kind, name)
        if name == "search/entries.rq":
            return text.replace(
                "GRAPH ?g { ?s ?p ?text . }",
                "GRAPH ?g { ?s ?p ?text . }\n  FILTER(STRLEN(?text) > 3)",
            )
        return text

    monkeypatch.setattr(staged, "read_text", changed)
    monkeypatch.setattr(build, "read_text", changed)
    staged._table.cache_clear()
    staged._named.cache_clear()
    try:
        assert staged._table() is None
        graph = "urn:test:hand"
        store = ox.Store()
        store.load(HAND.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
        expected = _from_store(store, graph)
        assert ("https://w3id.org/councilkg/id/state/XYZ", 1, "", "XYZ") not in expected
        assert sorted(stated_of_lines(HAND.splitlines(keepends=True), PREFIX)) == expected
    finally:
        staged._table.cache_clear()
        staged._named.cache_clear()


def _content(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    """The index's rows without their ids, after checking its trigram index."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("INSERT INTO entry_fts(entry_fts) VALUES ('integrity-check')")
        tables = (
            "SELECT iri, rest, kind, label_en, label_zh, label FROM entity ORDER BY iri",
            "SELECT n.iri, e.field, e.lang, e.text, e.norm FROM entry AS e"
            " JOIN entity AS n ON n.id = e.entity ORDER BY n.iri, e.field, e.lang, e.text",
            "SELECT g.name, g.digest, s.iri, s.field, s.lang, s.text FROM stated AS s"
            " JOIN graph AS g ON g.id = s.graph ORDER BY 1, 3, 4, 5, 6",
        )
        return tuple(db.execute(sql).fetchall() for sql in tables)


def _whole(store_path: Path, tmp_path: Path) -> tuple[list[tuple[object, ...]], ...]:
    """The rows of the index built whole from the store (in a copy)."""
    copy = tmp_path / "whole"
    shutil.copytree(store_path, copy, symlinks=True)
    (copy / build.INDEX_FILE).unlink(missing_ok=True)
    stats = build.build_index(GraphStore(copy, read_only=True))
    assert stats.whole and stats.graphs_staged == 0
    return _content(stats.path)


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[build.IndexStats]:
    stats: list[build.IndexStats] = []
    real = build.update_index

    def update(*args: object, **kwargs: object) -> build.IndexStats:
        stats.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return stats[-1]

    monkeypatch.setattr(build, "update_index", update)
    return stats


def _leftovers(store_path: Path) -> list[str]:
    return sorted(p.name for p in store_path.iterdir() if p.name.startswith(".search"))


def test_a_new_store_s_index_is_the_staged_one_and_equals_a_whole_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both editions into a new store: every graph but the alignment (which
    links them, computed from the store) comes from the staging."""
    stats = _recording(monkeypatch)
    path = tmp_path / "store"
    load([sample_path(), EN], GraphStore(path), minter=Minter(), language="auto", progress=False)
    (last,) = stats
    graphs = GraphStore(path, read_only=True).graphs()
    alignment = str(Minter().alignment_graph())
    assert alignment in graphs
    assert last.whole and last.graphs_read == len(graphs)
    assert last.graphs_staged == len(graphs) - 1
    assert _content(last.path) == _whole(path, tmp_path)
    assert _leftovers(path) == []


def test_an_update_takes_the_loaded_graph_from_the_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stats = _recording(monkeypatch)
    path = tmp_path / "store"
    load([sample_path()], GraphStore(path), minter=Minter(), progress=False)
    monkeypatch.setattr(build, "WHOLE_SHARE", 1.0)  # updated in place
    load([EN], GraphStore(path), minter=Minter(), language="en", progress=False)
    last = stats[-1]
    assert not last.whole
    # The English text's graph from the staging; the alignment, which now
    # links the two editions, from the store.
    assert (last.graphs_read, last.graphs_staged) == (2, 1)
    assert _content(last.path) == _whole(path, tmp_path)
    assert _leftovers(path) == []


def test_a_load_that_changes_most_graphs_starts_from_its_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index there whose graphs all changed is not updated: the staged
    graphs' tables are written during the load, and the store's other
    graphs are read into them."""
    stats = _recording(monkeypatch)
    path = tmp_path / "store"
    load([sample_path()], GraphStore(path), minter=Minter(), progress=False)
    with closing(sqlite3.connect(path / build.INDEX_FILE)) as db:
        db.execute("UPDATE graph SET digest = 'other'")
        db.commit()
    load([EN], GraphStore(path), minter=Minter(), language="en", progress=False)
    last = stats[-1]
    graphs = GraphStore(path, read_only=True).graphs()
    # Staged: the reference, the ontology and the English text; read: the
    # Chinese text and the alignment.
    assert last.whole and (last.graphs_read, last.graphs_staged) == (len(graphs), 3)
    assert len(graphs) == 5
    assert _content(last.path) == _whole(path, tmp_path)


def test_a_file_loaded_in_parts_is_staged_part_by_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stats = _recording(monkeypatch)
    monkeypatch.setattr(ingesting, "STREAM_BYTES", 0)
    monkeypatch.setattr(ingesting, "PART_TRIPLES", 300)
    path = tmp_path / "store"
    load([sample_path()], GraphStore(path), minter=Minter(), progress=False)
    (last,) = stats
    assert last.whole and last.graphs_staged == last.graphs_read
    assert _content(last.path) == _whole(path, tmp_path)


def test_staged_rows_serve_only_the_lines_they_were_read_from(tmp_path: Path) -> None:
    """The index takes what is staged for a graph of the store's digest (the
    rows below are not the graph's: they show which were taken), and reads
    a graph of another digest from the store."""
    path = tmp_path / "store"
    load([sample_path()], GraphStore(path), minter=Minter(), progress=False)
    store = GraphStore(path, read_only=True)
    source = next(g for g in store.graphs() if "/graph/source/" in g)
    reference = str(Minter().reference_graph())
    digests = store.graph_digests()
    staged = StagedIndex(tmp_path, BASE)
    try:
        marker = (PREFIX + "state/ZZZ", build.FIELDS.index("label"), "en", "Staged only")
        staged.stage(source, digests[source], [marker])
        staged.stage(reference, "another digest", [marker])
        ontology = str(Minter().ontology_graph())
        staged.stage(ontology, digests[ontology], _from_store(store.oxigraph, ontology))
        assert staged.rows(source, digests[source]) == [marker]
        assert staged.rows(reference, digests[reference]) is None
        (path / build.INDEX_FILE).unlink()
        assert staged.prepare(digests)
        stats = build.update_index(store, staged=staged)
    finally:
        staged.discard()
    # The source and the ontology staged; the reference read again.
    assert stats.whole and (stats.graphs_read, stats.graphs_staged) == (3, 2)
    entities = {str(e[0]) for e in _content(stats.path)[0]}
    assert PREFIX + "state/ZZZ" in entities  # the staged rows, not the store's
    assert PREFIX + "state/USA" in entities  # the reference, from the store
    assert not any("/passage/" in iri for iri in entities)  # the source's own rows unread
    assert list(tmp_path.glob("*.staged")) == []


def test_a_failed_load_leaves_no_staging_and_the_index_as_it_was(tmp_path: Path) -> None:
    """Nor does a load after one that was killed (its file is left)."""
    path = tmp_path / "store"
    load([sample_path()], GraphStore(path), minter=Minter(), progress=False)
    before = _content(path / build.INDEX_FILE)
    (path / f".{build.INDEX_FILE}.999999999.staged").write_bytes(b"left by a killed load")
    bad = tmp_path / "bad.txt"
    bad.write_text("not the Repertoire\n", encoding="utf-8")
    with pytest.raises(IngestError):
        load([EN, bad], GraphStore(path), minter=Minter(), language="auto", progress=False)
    assert _leftovers(path) == []
    assert _content(path / build.INDEX_FILE) == before
