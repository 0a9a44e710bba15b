"""Building the search index: ``STORE/search.sqlite``, from the store's graph.

Why a file beside the store, replaced whole: a reader holds the old file
or the new one, never half of one, and the file is never written once in
place (readers open it ``immutable``).  It is written to a temporary file
in the store's folder and renamed over the old one, as the store's
``graphs.json`` and ``generation`` are.  It records the store generation
it was built from (:func:`councilkg.store.store_generation`); an index
from another generation is stale and :func:`refresh_index` updates it.

Why updated graph by graph: the index keeps what each named graph states
(table ``stated``) and the digest of the graph it read (table ``graph``,
the store's own :meth:`~councilkg.store.GraphStore.graph_digests`).  An
update copies the old file, reads again only the graphs whose digest
changed (or that no digest describes), and rewrites only the resources
those graphs state something about.  Rebuilt whole, the index of a store
of 1M triples took 6.3 of the 6.8 s of ingesting one more text into it
(the trigram index alone 1.4 s).  A store whose graphs mostly changed, an
index of another version, or none at all, is built whole.

How it is built, in memory bounded by the largest resource rather than the
store: the query results are read a batch at a time into the ``stated``
table (on disk), then read back de-duplicated in IRI order one resource at
a time into the tables searched.  Gathering every entry in Python first
cost memory in proportion to the corpus (the largest stage of an ingest of
the 1,000x synthetic corpus).

Why an ingest hands over what its graphs state: it holds each graph's
lines before the store does, and reading the graphs back from the store
after the swap cost half of a first build (on disk, every term of a result
is a lookup of its string).  :mod:`councilkg.search.staged` reads each
graph's lines as they are mapped, as the same queries say, and the index of a new
store is written while the store loads its last batch; a graph is taken
from that staging only while the store holds the lines it was read from
(the same digest), any other is read from the store.

What is indexed (``queries/search/*.rq``), for the data IRIs
(``{base}id/…``): labels and names in every language (zh, en; alternative
and hidden names too), UN symbols, ISO3 codes and keys, titles, the text of
footnotes and source passages, and for the resources with no text of their
own (meetings, videoconferences, votes) the path of their IRI
(``meeting/8733``).  Each entry keeps its text and its normal form
(:func:`councilkg.search.text.normalize`); an FTS5 table with the
``trigram`` tokenizer indexes the normal form, a B-tree the whole of it
(exact and prefix lookups).  A resource's rows are the same whichever way
the index was made; only its ids differ, which no answer depends on
(:mod:`councilkg.search.lookup` orders ties by IRI).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import unquote

import pyoxigraph as ox

from councilkg.resources import read_text
from councilkg.search.text import normalize
from councilkg.store import GraphStore, published_digests, store_generation

__all__ = [
    "FIELDS",
    "INDEX_FILE",
    "SCHEMA_VERSION",
    "IndexStats",
    "build_index",
    "index_path",
    "index_state",
    "open_index",
    "refresh_index",
    "refresh_index_at",
    "update_index",
]

INDEX_FILE = "search.sqlite"
"""The index's name in the store's folder."""
SCHEMA_VERSION = "2"
"""Changes when the tables change: an index of another version is rebuilt."""

FIELDS = ("symbol", "code", "label", "name", "title", "id", "text")
"""The kinds of entry, in the order a match in them ranks (a match of a
symbol before one of a label, before one in a passage's text)."""

PASSAGE_MARK = -1
"""The field of a ``stated`` row that says its resource is a source passage."""
CITATION_MARK = -2
"""The field of a ``stated`` row that says its resource is a citation in
that graph: none of what the graph states of it is an entry (its sentence
is its footnote's or passage's text again)."""

WHOLE_SHARE = 0.5
"""An update that would read more than this share of the store's graphs
again builds the index whole (cheaper then than rewriting in place)."""

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entity(
  id INTEGER PRIMARY KEY,
  iri TEXT NOT NULL UNIQUE,
  rest TEXT NOT NULL,
  kind TEXT NOT NULL,
  label_en TEXT, label_zh TEXT, label TEXT
);
CREATE TABLE entry(
  id INTEGER PRIMARY KEY,
  entity INTEGER NOT NULL REFERENCES entity(id),
  field INTEGER NOT NULL,
  lang TEXT NOT NULL,
  text TEXT NOT NULL,
  norm TEXT NOT NULL
);
CREATE INDEX entry_norm ON entry(norm);
CREATE INDEX entry_entity ON entry(entity);
CREATE VIRTUAL TABLE entry_fts USING fts5(
  norm, content='entry', content_rowid='id', tokenize='trigram'
);
CREATE TABLE graph(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, digest TEXT NOT NULL);
CREATE TABLE stated(
  graph INTEGER NOT NULL REFERENCES graph(id),
  iri TEXT NOT NULL,
  field INTEGER NOT NULL,
  lang TEXT NOT NULL,
  text TEXT NOT NULL
);
"""

STATED_INDEXES = """
CREATE INDEX IF NOT EXISTS stated_graph ON stated(graph);
CREATE INDEX IF NOT EXISTS stated_iri ON stated(iri);
"""

MARKS = {
    "https://w3id.org/councilkg/ontology#SourcePassage": PASSAGE_MARK,
    "http://purl.org/spar/cito/Citation": CITATION_MARK,
}
"""The classes that ``stated`` marks (``search/kinds.rq``), by their mark."""
_T = TypeVar("_T")


Stated = tuple[str, int, str, str]
"""A row of what a graph states of a data IRI: the IRI, the field (an index
in :data:`FIELDS`, or a mark: :data:`PASSAGE_MARK`, :data:`CITATION_MARK`),
the language, the text."""


class Staging(Protocol):
    """What a load's graphs state, gathered while it ran
    (:class:`~councilkg.search.staged.StagedIndex`): what an index build
    takes from it instead of reading the store."""

    base: str

    def rows(self, graph: str, digest: str) -> list[Stated] | None:
        """What ``graph`` states, if staged from the lines ``digest`` describes."""

    def changed(self, graphs: Mapping[str, str]) -> set[str] | None:
        """The graphs its prepared tables do not hold as the store does
        (None: not prepared, or most of them)."""

    def move_to(self, target: Path) -> None:
        """Make its file the index at ``target``."""


@dataclass(slots=True)
class IndexStats:
    """What a build or an update wrote."""

    path: Path
    entities: int
    entries: int
    bytes: int
    generation: str
    graphs_read: int = 0
    """Named graphs read again (all of them when built whole)."""
    whole: bool = True
    """Built whole, not updated from the index there."""
    graphs_staged: int = 0
    """Of the graphs read, those taken from a load's staging
    (:class:`~councilkg.search.staged.StagedIndex`) instead of the store."""


@dataclass(slots=True)
class _Entity:
    """One data IRI and its entries (field, language, text), sorted."""

    iri: str
    rest: str
    kind: str
    entries: list[tuple[int, str, str]]


def index_path(store_path: str | Path) -> Path:
    """Where the index of the store at ``store_path`` is."""
    return Path(store_path) / INDEX_FILE


def index_state(store_path: str | Path) -> str:
    """``fresh``, ``stale`` (built from another generation of the store, or
    by another version), or ``missing``."""
    path = index_path(store_path)
    if not path.exists():
        return "missing"
    try:
        with closing(open_index(path)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return "stale"
    same = meta.get("generation") == store_generation(store_path)
    return "fresh" if same and meta.get("schema") == SCHEMA_VERSION else "stale"


def refresh_index(store: GraphStore, staged: Staging | None = None) -> IndexStats | None:
    """Update the index of an on-disk store its writer holds (the ingest,
    after its flush) unless it is fresh, taking from ``staged`` (what the
    load's graphs state) what the store holds unchanged; None when nothing
    was written (fresh, or a store in memory)."""
    if store.path == Path(":memory:") or index_state(store.path) == "fresh":
        return None
    return update_index(store, staged=staged)


def refresh_index_at(store_path: str | Path) -> IndexStats | None:
    """Update the index of the store at ``store_path`` unless it is fresh,
    for a reader (``councilkg search``, a server's worker): the digests and
    then the generation are read first and the store opened read-only
    after, so the index never holds an older graph than the generation and
    the digests it records (a writer swaps the database in before it writes
    either).

    Raises:
        FileNotFoundError: no store there.
    """
    if index_state(store_path) == "fresh":
        return None
    digests = published_digests(store_path)
    generation = store_generation(store_path)
    store = GraphStore(store_path, read_only=True)
    return update_index(store, generation=generation, digests=digests)


def build_index(
    store: GraphStore,
    *,
    generation: str | None = None,
    digests: Mapping[str, str] | None = None,
) -> IndexStats:
    """Write the index of ``store`` (on disk) anew, atomically, recording
    ``generation`` and the graphs' ``digests`` (default: the store's, read
    now: right for the writer, whose handle holds what it committed)."""
    return _publish(store, generation, digests, None)


def update_index(
    store: GraphStore,
    *,
    generation: str | None = None,
    digests: Mapping[str, str] | None = None,
    staged: Staging | None = None,
) -> IndexStats:
    """Write the index of ``store`` anew from the one there, reading again
    only the named graphs that changed since (:data:`WHOLE_SHARE`); whole
    where there is no index of this version to start from.  ``staged``:
    what a load's graphs state, read instead of the store where the store
    holds them unchanged (an index of them alone, when prepared, is what
    a whole build starts from)."""
    return _publish(store, generation, digests, index_path(store.path), staged)


def _publish(
    store: GraphStore,
    generation: str | None,
    digests: Mapping[str, str] | None,
    previous: Path | None,
    staged: Staging | None = None,
) -> IndexStats:
    """Write the index to a temporary file beside the store, from
    ``previous`` where that is an index to update, else from ``staged``'s
    prepared tables where they hold most graphs, and rename it over the
    index."""
    if generation is None:
        generation = store_generation(store.path)
    digests = dict(store.graph_digests() if digests is None else digests)
    # The graphs there, each with its digest ("": none describes it).
    graphs = {g: digests.get(g, "") for g in store.graphs()}
    target = index_path(store.path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        base = _base(store)
        if staged is not None and staged.base != base:
            staged = None  # rows of other IRIs than the store's
        changed = None if previous is None else changed_graphs(previous, graphs)
        if previous is not None and changed is not None:
            shutil.copyfile(previous, tmp)
            with closing(connect(tmp)) as db:
                entities, entries, taken = _update(
                    db, store, base, graphs, changed, generation, staged
                )
            read, whole = len(changed & graphs.keys()), False
        elif staged is not None and (changed := staged.changed(graphs)) is not None:
            # The load's graphs, indexed while its last batch loaded: what
            # else the store holds (or holds otherwise) is read into it.
            staged.move_to(tmp)
            with closing(connect(tmp)) as db:
                entities, entries, _ = _update(db, store, base, graphs, changed, generation)
            read, whole = len(graphs), True
            taken = len(graphs.keys() - changed)
        else:
            with closing(connect(tmp, schema=True)) as db:
                entities, entries = _build(db, store, base, graphs, generation)
            read, whole, taken = len(graphs), True, 0
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    size = target.stat().st_size
    return IndexStats(target, entities, entries, size, generation, read, whole, taken)


def changed_graphs(previous: Path, graphs: Mapping[str, str]) -> set[str] | None:
    """The graphs to read again (changed, new, gone, or with no digest), or
    None when the index there cannot be updated (missing, not an index, of
    another version) or most graphs changed (another base names every
    graph anew)."""
    indexed = _indexed(previous)
    if indexed is None:
        return None
    changed = {g for g, d in graphs.items() if not d or indexed.get(g) != d}
    changed |= indexed.keys() - graphs.keys()
    if len(changed) > WHOLE_SHARE * max(len(graphs), 1):
        return None
    return changed


def _indexed(previous: Path) -> dict[str, str] | None:
    """The digest of each graph the index at ``previous`` read, or None
    when it is missing, not an index, or of another version."""
    try:
        with closing(open_index(previous)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("schema") != SCHEMA_VERSION:
                return None
            return dict(db.execute("SELECT name, digest FROM graph").fetchall())
    except sqlite3.Error:  # missing, or not an index
        return None


def connect(path: Path, *, schema: bool = False) -> sqlite3.Connection:
    """A connection to a file only this build writes (so unjournaled);
    ``schema``: create the tables."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    if schema:
        db.executescript(_SCHEMA)
    return db


def _base(store: GraphStore) -> str:
    """The base IRI of the store's data (from its reference graph's name)."""
    # Here, not at the top: the ingest package loads rdflib, which a server's
    # workers (importing this module before they fork) must not carry.
    from councilkg.ingest.iris import DEFAULT_BASE

    found = sorted(
        g.removesuffix("graph/reference") for g in store.graphs() if g.endswith("graph/reference")
    )
    return found[0] if found else DEFAULT_BASE


BATCH = 1_000
"""Rows of a query result held at once on their way to the ``stated`` table."""


def _batches(rows: Iterable[_T]) -> Iterator[list[_T]]:
    """``rows`` in lists of at most :data:`BATCH`."""
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        yield batch


def stated_rows(
    query: Callable[[str], Any], prefix: str
) -> Iterator[tuple[str, str, int, str, str]]:
    """What the graphs that ``query`` answers from state of the data IRIs
    (those starting with ``prefix``), as (graph, :data:`Stated`) rows: the
    entries and marks of ``search/kinds.rq`` and ``search/entries.rq``,
    whichever store ``query`` (a query's text to its solutions) reads."""
    rank = {name: i for i, name in enumerate(FIELDS)}
    id_rank = rank["id"]
    for row in query(read_text("queries", "search/kinds.rq")):
        iri = row["s"].value
        if not iri.startswith(prefix):
            continue
        kind = row["type"].value
        if kind in MARKS:
            yield row["g"].value, iri, MARKS[kind], "", ""
        else:
            yield row["g"].value, iri, id_rank, "", unquote(iri[len(prefix) :])
    for row in query(read_text("queries", "search/entries.rq")):
        iri, text = row["s"].value, row["text"]
        if iri.startswith(prefix) and isinstance(text, ox.Literal):
            yield row["g"].value, iri, rank[row["field"].value], text.language or "", text.value


def _stage(
    store: GraphStore,
    prefix: str,
    db: sqlite3.Connection,
    ids: Mapping[str, int],
    graph: str | None,
) -> None:
    """Add to ``stated`` what ``graph`` (every named graph when None) states
    of the data IRIs (those starting with ``prefix``), reading the query
    results in batches.  ``ids``: the number of each graph in table ``graph``."""
    bindings = None if graph is None else {"g": ox.NamedNode(graph)}
    insert = "INSERT INTO stated VALUES (?, ?, ?, ?, ?)"
    for batch in _batches(stated_rows(lambda q: store.query(q, bindings), prefix)):
        db.executemany(insert, [(ids[r[0]], r[1], r[2], r[3], r[4]) for r in batch])


def _build(
    db: sqlite3.Connection,
    store: GraphStore,
    base: str,
    graphs: Mapping[str, str],
    generation: str,
) -> tuple[int, int]:
    """Fill a new index from every graph of the store; the numbers of
    entities and entries."""
    ids = {name: n for n, name in enumerate(sorted(graphs), start=1)}
    db.executemany(
        "INSERT INTO graph VALUES (?, ?, ?)", [(ids[g], g, graphs[g]) for g in sorted(graphs)]
    )
    _stage(store, base + "id/", db, ids, None)
    write_meta(db, generation, base)
    fill(db, len(base + "id/"))
    return _counts(db)


def fill(db: sqlite3.Connection, prefix_len: int) -> None:
    """Write the searched tables (and the trigram index) of a new index
    from what its ``stated`` table holds."""
    # Indexed once filled (an update looks its graphs and resources up),
    # unless a staging's update looked its graphs up already.
    db.executescript(STATED_INDEXES)
    _insert(db, _entities(db, prefix_len, None), first_entity=1, first_entry=1)
    db.execute("INSERT INTO entry_fts(entry_fts) VALUES ('rebuild')")
    db.execute("INSERT INTO entry_fts(entry_fts) VALUES ('optimize')")
    db.commit()


def _update(
    db: sqlite3.Connection,
    store: GraphStore,
    base: str,
    graphs: Mapping[str, str],
    changed: set[str],
    generation: str,
    staged: Staging | None = None,
) -> tuple[int, int, int]:
    """Update a copy of the index: the ``changed`` graphs read again (from
    ``staged`` where it holds them as the store does, else from the
    store), and the resources they stated something about before or state
    now written again from what every graph states; the numbers of
    entities, entries, and graphs taken from ``staged``."""
    prefix = base + "id/"
    from_staged = 0
    db.execute("CREATE TEMP TABLE touched(iri TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute("CREATE TEMP TABLE reread(id INTEGER PRIMARY KEY)")
    known = dict(db.execute("SELECT name, id FROM graph").fetchall())
    db.executemany("INSERT INTO reread VALUES (?)", [(known[g],) for g in changed if g in known])
    touched = "INSERT OR IGNORE INTO touched SELECT iri FROM stated WHERE graph IN reread"
    db.execute(touched)
    db.execute("DELETE FROM stated WHERE graph IN reread")
    db.execute("DELETE FROM graph WHERE id IN reread")
    db.execute("DELETE FROM reread")
    ids: dict[str, int] = {}
    for graph in sorted(changed & graphs.keys()):
        cursor = db.execute("INSERT INTO graph(name, digest) VALUES (?, ?)", (graph, graphs[graph]))
        assert cursor.lastrowid is not None
        ids[graph] = cursor.lastrowid
        db.execute("INSERT INTO reread VALUES (?)", (ids[graph],))
        rows = None if staged is None else staged.rows(graph, graphs[graph])
        if rows is None:
            _stage(store, prefix, db, ids, graph)
        else:
            db.executemany(
                "INSERT INTO stated VALUES (?, ?, ?, ?, ?)", [(ids[graph], *r) for r in rows]
            )
            from_staged += 1
    db.execute(touched)
    # The touched resources leave the searched tables (and the trigram
    # index, which holds a copy of what it indexes of each row) ...
    gone = db.execute(
        "SELECT e.id, e.norm FROM entry AS e JOIN entity AS n ON n.id = e.entity "
        "WHERE n.iri IN touched"
    ).fetchall()
    db.executemany("INSERT INTO entry_fts(entry_fts, rowid, norm) VALUES ('delete', ?, ?)", gone)
    db.execute("DELETE FROM entry WHERE entity IN (SELECT id FROM entity WHERE iri IN touched)")
    db.execute("DELETE FROM entity WHERE iri IN touched")
    # ... and come back as every graph now states them, with new ids.
    first_entity, first_entry = db.execute(
        "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM entity),"
        " (SELECT COALESCE(MAX(id), 0) + 1 FROM entry)"
    ).fetchone()
    _insert(
        db,
        _entities(db, len(prefix), "touched"),
        first_entity=first_entity,
        first_entry=first_entry,
        fts=True,
    )
    write_meta(db, generation, base)
    db.commit()
    return (*_counts(db), from_staged)


def write_meta(db: sqlite3.Connection, generation: str, base: str) -> None:
    meta = {"schema": SCHEMA_VERSION, "generation": generation, "base": base}
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(meta.items()))


def _counts(db: sqlite3.Connection) -> tuple[int, int]:
    entities, entries = db.execute(
        "SELECT (SELECT COUNT(*) FROM entity), (SELECT COUNT(*) FROM entry)"
    ).fetchone()
    return int(entities), int(entries)


def _entities(db: sqlite3.Connection, prefix_len: int, among: str | None) -> Iterator[_Entity]:
    """The resources stated (those in table ``among`` when given) in IRI
    order, each with its distinct entries in (field, language, text) order:
    SQLite's BINARY order of UTF-8 text is Python's order of ``str``, so
    this is ``sorted`` of the same sets.  A resource is one with an entry;
    a passage mark alone makes none, and what a graph states of a resource
    it marks as a citation is no entry."""
    marks_among = rows_among = ""
    if among is not None:
        marks_among, rows_among = f" AND iri IN {among}", f" AND s.iri IN {among}"
    rows = db.execute(
        f"WITH marked AS (SELECT DISTINCT iri FROM stated WHERE field = {PASSAGE_MARK}"
        f"{marks_among}), cited AS (SELECT DISTINCT graph, iri FROM stated"
        f" WHERE field = {CITATION_MARK}{marks_among})"
        " SELECT DISTINCT s.iri, s.field, s.lang, s.text, m.iri IS NOT NULL"
        " FROM stated AS s LEFT JOIN marked AS m ON m.iri = s.iri"
        " LEFT JOIN cited AS c ON c.graph = s.graph AND c.iri = s.iri"
        f" WHERE s.field >= 0 AND c.iri IS NULL{rows_among}"
        " ORDER BY s.iri, s.field, s.lang, s.text"
    )
    for iri, group in groupby(rows, key=itemgetter(0)):
        entries = [(f, lang, text, is_passage) for _, f, lang, text, is_passage in group]
        rest = iri[prefix_len:]
        kind = "passage" if entries[0][3] else unquote(rest).split("/", 1)[0]
        yield _Entity(iri, rest, kind, [e[:3] for e in entries])


def _labels(item: _Entity) -> tuple[str | None, str | None, str | None]:
    """(English, Chinese, untagged) names of an entity, for the hit's title:
    its label in each language, else a name; untagged, its symbol or code."""
    best: dict[str, tuple[int, str]] = {}
    for fld, lang, text in item.entries:
        if FIELDS[fld] in ("label", "name", "symbol", "code"):
            key = lang if lang in ("en", "zh") else ""
            order = ("label", "name", "symbol", "code").index(FIELDS[fld])
            if key not in best or (order, text) < best[key]:
                best[key] = (order, text)
    return tuple(best[k][1] if k in best else None for k in ("en", "zh", ""))  # type: ignore[return-value]


def _insert(
    db: sqlite3.Connection,
    entities: Iterable[_Entity],
    *,
    first_entity: int,
    first_entry: int,
    fts: bool = False,
) -> None:
    """Write ``entities`` and their entries with ids from the ones given,
    :data:`BATCH` entities at a time rather than a statement or two per
    entity (a second cursor: ``entities`` reads the same database); with
    ``fts``, into the trigram index too (a whole build rebuilds that once
    at the end instead)."""
    number, entry = first_entity, first_entry
    for batch in _batches(entities):
        heads: list[tuple[int, str, str, str, str | None, str | None, str | None]] = []
        rows: list[tuple[int, int, int, str, str, str]] = []
        for item in batch:
            heads.append((number, item.iri, item.rest, item.kind, *_labels(item)))
            for f, lg, text in item.entries:
                rows.append((entry, number, f, lg, text, normalize(text)))
                entry += 1
            number += 1
        db.executemany("INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?, ?)", heads)
        db.executemany("INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?)", rows)
        if fts:
            db.executemany(
                "INSERT INTO entry_fts(rowid, norm) VALUES (?, ?)", [(r[0], r[5]) for r in rows]
            )


def open_index(path: Path) -> sqlite3.Connection:
    """A read-only connection to an index file (never written in place,
    so opened ``immutable``: no locks, no journal)."""
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)
