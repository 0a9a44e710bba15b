"""The search index is built from query results read a batch at a time and
staged on disk (:mod:`councilkg.search.build`), so its build holds no more
than one batch and one resource's entries however large the store; and what
it holds is what the store says: every data IRI with a text entry or a page
of its own, its distinct entries sorted, its kind and names — the same rows
as gathering every entry in memory first (the reference here), on a store of
both editions, with batches small enough that every result spans many.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections import defaultdict
from contextlib import closing
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox
import pytest

from councilkg.ingest.iris import Minter
from councilkg.ingesting import load
from councilkg.resources import read_text, sample_path
from councilkg.search import build, search
from councilkg.search.text import normalize
from councilkg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
EN = ROOT / "tests" / "data" / "en" / "non-proliferation-2020.en.txt"
PASSAGE = "https://w3id.org/councilkg/ontology#SourcePassage"
CITATION = "http://purl.org/spar/cito/Citation"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search-build") / "store"
    load([sample_path(), EN], GraphStore(path), minter=Minter(), language="auto", progress=False)
    return path


Entity = tuple[str, str, str, str | None, str | None, str | None]
Entry = tuple[int, int, str, str, str]


def _expected(store: GraphStore) -> tuple[list[Entity], list[Entry]]:
    """The index's rows from every entry gathered at once, in memory."""
    prefix = build._base(store) + "id/"
    rank = {name: i for i, name in enumerate(build.FIELDS)}
    passages: set[str] = set()
    cited: set[tuple[str, str]] = set()  # (graph, citation): no entries of it there
    entries: dict[str, set[tuple[int, str, str]]] = defaultdict(set)
    for row in store.query(read_text("queries", "search/kinds.rq")):
        iri = row["s"].value
        if iri.startswith(prefix):
            if row["type"].value == PASSAGE:
                passages.add(iri)
            elif row["type"].value == CITATION:
                cited.add((row["g"].value, iri))
            else:
                entries[iri].add((rank["id"], "", unquote(iri[len(prefix) :])))
    for row in store.query(read_text("queries", "search/entries.rq")):
        iri, text = row["s"].value, row["text"]
        if (
            iri.startswith(prefix)
            and isinstance(text, ox.Literal)
            and (row["g"].value, iri) not in cited
        ):
            entries[iri].add((rank[row["field"].value], text.language or "", text.value))
    entity_rows: list[Entity] = []
    entry_rows: list[Entry] = []
    for number, iri in enumerate(sorted(entries), start=1):
        rest = iri[len(prefix) :]
        kind = "passage" if iri in passages else unquote(rest).split("/", 1)[0]
        ordered = sorted(entries[iri])
        labels = build._labels(build._Entity(iri, rest, kind, ordered))
        entity_rows.append((iri, rest, kind, *labels))
        entry_rows += [(number, f, lang, text, normalize(text)) for f, lang, text in ordered]
    return entity_rows, entry_rows


def _rows(path: Path) -> tuple[list[Entity], list[Entry]]:
    with closing(build.open_index(path)) as db:
        entities = db.execute(
            "SELECT iri, rest, kind, label_en, label_zh, label FROM entity ORDER BY id"
        ).fetchall()
        entries = db.execute(
            "SELECT entity, field, lang, text, norm FROM entry ORDER BY id"
        ).fetchall()
    return entities, entries


def test_batched_build_equals_the_in_memory_reference(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "BATCH", 7)
    store = GraphStore(store_path, read_only=True)
    stats = build.build_index(store)
    entities, entries = _rows(stats.path)
    assert (entities, entries) == _expected(store)
    assert (stats.entities, stats.entries) == (len(entities), len(entries))
    # Both editions are there: passages, labels in zh and en.
    kinds = {e[2] for e in entities}
    assert {"passage", "state", "document", "meeting"} <= kinds
    assert any(e[3] and e[4] for e in entities)
    # A citation's sentence is its footnote's or passage's text again: the
    # citations (there are some) are not hits of their own.
    typed = ox.NamedNode(RDF_TYPE), ox.NamedNode(CITATION)
    citations = {
        q.subject.value
        for q in store.oxigraph.quads_for_pattern(None, *typed, None)
        if isinstance(q.subject, ox.NamedNode)
    }
    assert citations and not citations & {e[0] for e in entities}


def test_the_build_leaves_only_the_index(store_path: Path) -> None:
    build.build_index(GraphStore(store_path, read_only=True))
    leftovers = [p.name for p in store_path.iterdir() if p.name.startswith(".search")]
    assert leftovers == []
    with closing(build.open_index(store_path / build.INDEX_FILE)) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "raw" not in tables and "passage" not in tables


def test_the_trigram_index_matches_the_entries(store_path: Path) -> None:
    build.build_index(GraphStore(store_path, read_only=True))
    with closing(sqlite3.connect(store_path / build.INDEX_FILE)) as db:
        db.execute("INSERT INTO entry_fts(entry_fts) VALUES ('integrity-check')")


# --------------------------------------------------------------------------
# Updated graph by graph


def _content(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The index's rows without their ids (which an update assigns in its
    own order), after checking the trigram index against the entries."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("INSERT INTO entry_fts(entry_fts) VALUES ('integrity-check')")
        entities = db.execute(
            "SELECT iri, rest, kind, label_en, label_zh, label FROM entity ORDER BY iri"
        ).fetchall()
        entries = db.execute(
            "SELECT n.iri, e.field, e.lang, e.text, e.norm FROM entry AS e"
            " JOIN entity AS n ON n.id = e.entity ORDER BY n.iri, e.field, e.lang, e.text"
        ).fetchall()
    return entities, entries


def _whole(store_path: Path, tmp_path: Path) -> tuple[list[tuple[object, ...]], ...]:
    """The rows of the index built whole from the same store (in a copy)."""
    copy = tmp_path / "whole"
    shutil.copytree(store_path, copy, symlinks=True)
    (copy / build.INDEX_FILE).unlink()
    stats = build.build_index(GraphStore(copy, read_only=True))
    assert stats.whole
    return _content(stats.path)


def _variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = sample_path().read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_an_update_reads_the_changed_graphs_alone_and_equals_a_whole_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each load updates the index from the one there, reading only the
    graphs it wrote; after each the rows are those of a whole build of the
    same store: a second edition, a second text stating the same resources
    with one passage changed, and a text dropped."""
    store_path = tmp_path / "store"
    stats: list[build.IndexStats] = []
    real = build.update_index
    monkeypatch.setattr(build, "update_index", lambda *a, **k: stats.append(real(*a, **k)))
    load([sample_path()], GraphStore(store_path), minter=Minter(), progress=False)
    assert stats[-1].whole
    graphs = len(GraphStore(store_path, read_only=True).graphs())
    monkeypatch.setattr(build, "WHOLE_SHARE", 1.0)  # every update in place below
    for step, files in enumerate(
        ([EN], [_variant(tmp_path, "variant.txt", "缓和紧张局势", "缓和紧张局势与青金石碑")])
    ):
        load(files, GraphStore(store_path), minter=Minter(), language="auto", progress=False)
        assert not stats[-1].whole
        # The text's graph, and the alignment graph where it now has a second edition.
        assert 1 <= stats[-1].graphs_read <= 2 < graphs
        assert _content(stats[-1].path) == _whole(store_path, tmp_path / f"step{step}")
    assert search(store_path, "青金石碑")[0].kind == "passage"
    writer = GraphStore(store_path)
    variant = next(
        g
        for g in writer.graphs()
        if g.startswith(build._base(writer) + "graph/source/")
        and g not in _graphs_of(sample_path(), EN)
    )
    writer.drop_graph(variant)
    writer.flush()
    assert build.refresh_index(writer) is None  # the monkeypatched update returns nothing
    assert not stats[-1].whole and stats[-1].graphs_read == 0
    del writer
    assert _content(stats[-1].path) == _whole(store_path, tmp_path / "dropped")
    assert search(store_path, "青金石碑") == []


def _graphs_of(*paths: Path) -> set[str]:
    """The source graphs the texts at ``paths`` are loaded into."""
    from councilkg.ingest.source import read_source

    minter = Minter()
    return {str(minter.graph(read_source(p).sha256)) for p in paths}


def test_an_index_of_another_version_or_most_graphs_changed_is_built_whole(
    tmp_path: Path,
) -> None:
    store_path = tmp_path / "store"
    load([sample_path()], GraphStore(store_path), minter=Minter(), progress=False)
    index = store_path / build.INDEX_FILE
    with closing(sqlite3.connect(index)) as db:
        db.execute("UPDATE meta SET value = 'other' WHERE key = 'schema'")
        db.commit()
    store = GraphStore(store_path, read_only=True)
    assert build.update_index(store).whole
    assert not build.update_index(store).whole  # nothing changed: read nothing
    with closing(sqlite3.connect(index)) as db:
        db.execute("UPDATE graph SET digest = 'other'")
        db.commit()
    assert build.update_index(store).whole
    index.write_bytes(b"not a database")
    assert build.update_index(store).whole
