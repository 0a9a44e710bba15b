"""Building the search index: ``STORE/search.sqlite``, from the store's graph.

Why a file beside the store, rebuilt whole: the index is derived data (a few
seconds of work at most, measured in :mod:`councilkg.search`), so it is
simplest to write it anew whenever the graph changes than to keep it in step
triple by triple.  It is written to a temporary file in the store's folder
and renamed over the old one, as the store's ``graphs.json`` and
``generation`` are: a reader holds the old file or the new one, never half
of one, and the file is never written once in place (readers open it
``immutable``).  It records the store generation it was built from
(:func:`councilkg.store.store_generation`); an index from another
generation is stale and :func:`refresh_index` builds it again.

How it is built, in memory bounded by the largest resource rather than the
store: the query results are read a batch at a time into a scratch SQLite
file beside it (de-duplicated and sorted there, on disk), then read back in
IRI order one resource at a time into the index.  Gathering every entry in
Python first cost memory in proportion to the corpus (the largest stage of
an ingest of the 1,000x synthetic corpus).

What is indexed (``queries/search/*.rq``), for the data IRIs
(``{base}id/…``): labels and names in every language (zh, en; alternative
and hidden names too), UN symbols, ISO3 codes and keys, titles, the text of
footnotes and source passages, and for the resources with no text of their
own (meetings, videoconferences, votes) the path of their IRI
(``meeting/8733``).  Each entry keeps its text and its normal form
(:func:`councilkg.search.text.normalize`); an FTS5 table with the
``trigram`` tokenizer indexes the normal form, a B-tree the whole of it
(exact and prefix lookups).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

import pyoxigraph as ox

from councilkg.resources import read_text
from councilkg.search.text import normalize
from councilkg.store import GraphStore, store_generation

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
]

INDEX_FILE = "search.sqlite"
"""The index's name in the store's folder."""
SCHEMA_VERSION = "1"
"""Changes when the tables change: an index of another version is rebuilt."""

FIELDS = ("symbol", "code", "label", "name", "title", "id", "text")
"""The kinds of entry, in the order a match in them ranks (a match of a
symbol before one of a label, before one in a passage's text)."""

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
CREATE VIRTUAL TABLE entry_fts USING fts5(
  norm, content='entry', content_rowid='id', tokenize='trigram'
);
"""

_PASSAGE = "https://w3id.org/councilkg/ontology#SourcePassage"
_T = TypeVar("_T")


@dataclass(slots=True)
class IndexStats:
    """What a build wrote."""

    path: Path
    entities: int
    entries: int
    bytes: int
    generation: str


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


def refresh_index(store: GraphStore) -> IndexStats | None:
    """Build the index of an on-disk store its writer holds (the ingest,
    after its flush) unless it is fresh; None when nothing was written
    (fresh, or a store in memory)."""
    if store.path == Path(":memory:") or index_state(store.path) == "fresh":
        return None
    return build_index(store)


def refresh_index_at(store_path: str | Path) -> IndexStats | None:
    """Build the index of the store at ``store_path`` unless it is fresh,
    for a reader (``councilkg search``, a server's worker): from a read-only
    handle opened *after* the generation is read, so the index never holds
    an older graph than the generation it records.

    Raises:
        FileNotFoundError: no store there.
    """
    if index_state(store_path) == "fresh":
        return None
    generation = store_generation(store_path)
    return build_index(GraphStore(store_path, read_only=True), generation=generation)


def build_index(store: GraphStore, *, generation: str | None = None) -> IndexStats:
    """Write the index of ``store`` (on disk) anew, atomically, recording
    ``generation`` (default: the store's, read now: right for the writer,
    whose handle holds what it committed)."""
    if generation is None:
        generation = store_generation(store.path)
    target = index_path(store.path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    stage = target.with_name(f".{target.name}.{os.getpid()}.stage")
    tmp.unlink(missing_ok=True)
    stage.unlink(missing_ok=True)
    try:
        base = _base(store)
        with closing(_scratch(stage)) as staged:
            _collect(store, base + "id/", staged)
            entities, entries = _write(tmp, staged, generation, base)
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
        stage.unlink(missing_ok=True)
    return IndexStats(target, entities, entries, target.stat().st_size, generation)


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
"""Rows of a query result held at once on their way to the staging file."""

_STAGE = """
CREATE TABLE passage(iri TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE raw(iri TEXT NOT NULL, field INTEGER NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL);
"""


def _scratch(path: Path) -> sqlite3.Connection:
    """A database for one build's intermediate rows, never read by anyone
    else (so unjournaled)."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.executescript(_STAGE)
    return db


def _batches(rows: Iterable[_T]) -> Iterator[list[_T]]:
    """``rows`` in lists of at most :data:`BATCH`."""
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        yield batch


def _collect(store: GraphStore, prefix: str, staged: sqlite3.Connection) -> None:
    """Stage the entries of every data IRI (those starting with ``prefix``)
    and which of them are passages, reading each query's result in batches.

    Why staged in a file rather than gathered in a dict: the entries are
    about the size of the store's text; in Python objects they grew with
    the corpus (hundreds of MiB at the 1,000x synthetic corpus), in SQLite
    they are sorted and de-duplicated on disk within its page cache.
    """
    rank = {name: i for i, name in enumerate(FIELDS)}
    id_rank = rank["id"]
    for batch in _batches(store.query(read_text("queries", "search/kinds.rq"))):
        passages: list[tuple[str]] = []
        labelless: list[tuple[str, int, str, str]] = []
        for row in batch:
            iri = row["s"].value
            if not iri.startswith(prefix):
                continue
            if row["type"].value == _PASSAGE:
                passages.append((iri,))
            else:
                labelless.append((iri, id_rank, "", unquote(iri[len(prefix) :])))
        staged.executemany("INSERT OR IGNORE INTO passage VALUES (?)", passages)
        staged.executemany("INSERT INTO raw VALUES (?, ?, ?, ?)", labelless)
    for batch in _batches(store.query(read_text("queries", "search/entries.rq"))):
        entries = [
            (iri, rank[row["field"].value], text.language or "", text.value)
            for row in batch
            if (iri := row["s"].value).startswith(prefix)
            and isinstance(text := row["text"], ox.Literal)
        ]
        staged.executemany("INSERT INTO raw VALUES (?, ?, ?, ?)", entries)
    staged.commit()


def _entities(staged: sqlite3.Connection, prefix_len: int) -> Iterator[_Entity]:
    """The staged entities in IRI order, each with its distinct entries in
    (field, language, text) order: SQLite's BINARY order of UTF-8 text is
    Python's order of ``str``, so this is ``sorted`` of the same sets."""
    rows = staged.execute(
        "SELECT DISTINCT raw.iri, field, lang, text, passage.iri IS NOT NULL FROM raw"
        " LEFT JOIN passage ON passage.iri = raw.iri ORDER BY raw.iri, field, lang, text"
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


def _write(path: Path, staged: sqlite3.Connection, generation: str, base: str) -> tuple[int, int]:
    """Write the tables to a new database at ``path`` from the staged rows,
    one entity at a time; the numbers of entities and entries."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.executescript(_SCHEMA)
        meta = {"schema": SCHEMA_VERSION, "generation": generation, "base": base}
        db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        count = number = 0
        for number, item in enumerate(_entities(staged, len(base + "id/")), start=1):
            en, zh, plain = _labels(item)
            db.execute(
                "INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?, ?)",
                (number, item.iri, item.rest, item.kind, en, zh, plain),
            )
            rows = [(number, f, lg, text, normalize(text)) for f, lg, text in item.entries]
            db.executemany(
                "INSERT INTO entry(entity, field, lang, text, norm) VALUES (?, ?, ?, ?, ?)", rows
            )
            count += len(rows)
        db.execute("INSERT INTO entry_fts(entry_fts) VALUES ('rebuild')")
        db.execute("INSERT INTO entry_fts(entry_fts) VALUES ('optimize')")
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()
    return number, count


def open_index(path: Path) -> sqlite3.Connection:
    """A read-only connection to an index file (never written in place,
    so opened ``immutable``: no locks, no journal)."""
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)
