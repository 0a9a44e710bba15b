"""What the graphs of one load state, gathered for the search index while
the load runs (:class:`StagedIndex`).

Why: an ingest holds each graph's lines before the store does, so the
index need not read those graphs back from the store once the load is
published (on disk, every term of a result is a lookup of its string:
half of a first build's time), and the index of a new store is written
while the store loads its last batch instead of after it.

How the rows stay the store's: the index's own queries
(``search/kinds.rq``, ``search/entries.rq``) say what a line gives — read
as a table of classes and predicates where they have the shape the table
knows and a line is one it reads exactly, else run over the lines in a
store in memory (:func:`stated_of_lines`); and the rows staged for a graph
serve an index only while the store holds the lines they were read from
(the same digest, :meth:`~councilkg.store.GraphStore.digest`).  Any other
graph is read from the store, as without a staging.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from councilkg.ingest.ntriples import unescape
from councilkg.resources import read_text
from councilkg.search.build import (
    FIELDS,
    INDEX_FILE,
    MARKS,
    STATED_INDEXES,
    Stated,
    changed_graphs,
    connect,
    fill,
    stated_rows,
    write_meta,
)

__all__ = ["StagedIndex", "stated_of_lines"]

_QUERIES = ("search/kinds.rq", "search/entries.rq")
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_PREFIX = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*|):\s*<([^>]*)>", re.MULTILINE | re.IGNORECASE)
_COMMENT = re.compile(r"(?:^|(?<=\s))#.*$", re.MULTILINE)
_PREFIXED = re.compile(r"(?<![\w<])([A-Za-z][\w.-]*|):([A-Za-z_][\w-]*)")
_IRI = re.compile(r"<[^<>\s]*>")
_LOCAL = ox.NamedNode("urn:councilkg:staged")


def _parts(name: str) -> tuple[dict[str, str], str]:
    """A query's prefixes and its body without them and its comments, its
    whitespace runs made single spaces."""
    text = read_text("queries", name)
    body = _COMMENT.sub("", _PREFIX.sub("", text))
    return dict(_PREFIX.findall(text)), " ".join(body.split())


@cache
def _named() -> frozenset[str]:
    """Every IRI the index's queries name, as N-Triples text, with
    ``rdf:type`` (their ``a``): a line whose predicate is none of these
    cannot give a row, since the queries name each predicate they read."""
    names = {_RDF_TYPE}
    for name in _QUERIES:
        prefixes, body = _parts(name)
        names.update(_IRI.findall(body))
        prefixed = _PREFIXED.findall(body)
        names.update(f"<{prefixes[p]}{local}>" for p, local in prefixed if p in prefixes)
    return frozenset(names)


_KINDS = re.compile(
    r"SELECT \?g \?s \?type WHERE \{ VALUES \?type \{ (?P<values>[^{}]*) \} "
    r"GRAPH \?g \{ \?s a \?type \. \} \}"
)
_ENTRIES = re.compile(
    r"SELECT \?g \?s \?field \?text WHERE \{ VALUES \(\?p \?field\) \{ "
    r"(?P<values>(?:\( ?[^\s()]+ \"\w+\" ?\) ?)*)\} GRAPH \?g \{ \?s \?p \?text \. \} \}"
)
_PAIR = re.compile(r'\( ?([^\s()]+) "(\w+)" ?\)')


@dataclass(frozen=True, slots=True)
class _Table:
    """The index's queries as a table, for reading lines without a store:
    the classes ``search/kinds.rq`` asks for (each with its mark, None for
    the resource's own id entry) and the predicates ``search/entries.rq``
    reads (each with its field)."""

    classes: Mapping[str, int | None]
    fields: Mapping[str, int]


def _iri(token: str, prefixes: Mapping[str, str]) -> str | None:
    """A query's IRI token (``<…>`` or a prefixed name) as N-Triples text."""
    if token.startswith("<") and token.endswith(">"):
        return token
    head, colon, local = token.partition(":")
    return f"<{prefixes[head]}{local}>" if colon and head in prefixes else None


@cache
def _table() -> _Table | None:
    """The queries read as a :class:`_Table`, when each has the one shape
    this reader knows (a ``VALUES`` list and one triple pattern; layout,
    comments and prefixes aside); None when either has another, and then
    the queries run over the lines in a store in memory instead."""
    found = []
    for name, shape in zip(_QUERIES, (_KINDS, _ENTRIES), strict=True):
        prefixes, body = _parts(name)
        match = shape.fullmatch(body)
        if match is None:
            return None
        found.append((match.group("values"), prefixes))
    (kinds, kind_prefixes), (entries, entry_prefixes) = found
    rank = {name: i for i, name in enumerate(FIELDS)}
    classes: dict[str, int | None] = {}
    for token in kinds.split():
        if (cls := _iri(token, kind_prefixes)) is None:
            return None
        classes[cls] = MARKS.get(cls[1:-1])
    fields: dict[str, int] = {}
    for token, field in _PAIR.findall(entries):
        if (predicate := _iri(token, entry_prefixes)) is None or field not in rank:
            return None
        fields[predicate] = rank[field]
    return _Table(classes, fields)


_PLAIN = ("", "^^<http://www.w3.org/2001/XMLSchema#string>")


def stated_of_lines(lines: Iterable[str], prefix: str) -> list[Stated]:
    """What a graph of these N-Triples ``lines`` (each one statement, as
    the ingest writes them) states of the data IRIs (those starting with
    ``prefix``): the rows the index reads of it from the store
    (:func:`~councilkg.search.build.stated_rows`), read from the lines.

    Why two ways: a line is read as the queries' table says
    (:func:`_table`) where that is exact — a subject IRI written as it is,
    a string or language-tagged literal; a line of another kind (a literal
    of another datatype, whose value a store may give in its canonical
    form; an escape in an IRI), and every line when the queries have a
    shape the table does not know, goes through the queries themselves,
    in a store in memory.  Both give the store's rows
    (``tests/test_search_staged.py``); the table in a fraction of the time.
    """
    table = _table()
    if table is None:
        return _queried(lines, prefix)
    id_field = FIELDS.index("id")
    start = len(prefix)
    classes, fields = table.classes, table.fields
    rows: list[Stated] = []
    hard: list[str] = []
    for line in lines:
        i = line.find(" ")
        j = line.find(" ", i + 1)
        predicate = line[i + 1 : j]
        field = fields.get(predicate)
        if field is None and predicate != _RDF_TYPE:
            continue
        if line[0] != "<" or "\\" in line[:i] or not line.endswith(" .\n"):
            if not line.startswith("_:"):
                hard.append(line)  # a blank node gives no row; the store decides the rest
            continue
        subject = line[1 : i - 1]
        if not subject.startswith(prefix):
            continue
        obj = line[j + 1 : -3]
        if field is None:  # rdf:type
            if obj in classes:
                mark = classes[obj]
                if mark is None:
                    rows.append((subject, id_field, "", unquote(subject[start:])))
                else:
                    rows.append((subject, mark, "", ""))
            continue
        if not obj.startswith('"'):
            continue  # an IRI or a blank node: no entry
        close = obj.rfind('"')
        suffix = obj[close + 1 :]
        if suffix.startswith("@") and "--" not in suffix:  # (a base direction: the store's)
            lang = suffix[1:].lower()
        elif suffix in _PLAIN:
            lang = ""
        else:
            hard.append(line)
            continue
        rows.append((subject, field, lang, unescape(obj[1:close])))
    if hard:
        rows += _queried(hard, prefix)
    return rows


def _queried(lines: Iterable[str], prefix: str) -> list[Stated]:
    """:func:`stated_of_lines` by the index's queries, over the lines in a
    store in memory (those whose predicate the queries name)."""
    names = _named()
    picked = [line for line in lines if line.split(" ", 2)[1] in names]
    if not picked:
        return []
    memory = ox.Store()
    memory.load("".join(picked).encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=_LOCAL)
    return [row[1:] for row in stated_rows(memory.query, prefix)]


class StagedIndex:
    """An index file of the graphs one load writes, filled as each is
    queued (:meth:`stage`) and given its searched tables once the last is
    (:meth:`prepare`); :func:`~councilkg.search.build.refresh_index` takes
    from it what the store holds unchanged instead of reading it.

    The file is the load's alone (its process id in its name) and is
    removed by :meth:`discard`, or renamed to be the index.  One left by
    a load that was killed is removed by the next: a store has one writer
    at a time (:class:`~councilkg.store.GraphStore` holds its lock), so
    no other load is filling one.
    """

    def __init__(self, store_path: str | Path, base: str) -> None:
        self.store_path = Path(store_path)
        self.base = base
        self.prefix = base + "id/"
        for left in self.store_path.glob(f".{INDEX_FILE}.*.staged"):
            left.unlink(missing_ok=True)
        self.path = self.store_path / f".{INDEX_FILE}.{os.getpid()}.staged"
        self._db: sqlite3.Connection | None = connect(self.path, schema=True)
        self._ids: dict[str, int] = {}
        self._indexed = False  # table ``stated`` indexed (for :meth:`rows`)
        self.prepared = False

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError(f"{self.path}: the staged index is closed")
        return self._db

    def stage(self, graph: str, digest: str, rows: Iterable[Stated], *, more: bool = False) -> None:
        """Record that ``graph``, of the lines ``digest`` describes (""
        none), states ``rows``; with ``more``, these besides those staged
        for it before (a graph loaded in parts)."""
        db = self._open()
        self.prepared = False
        number = self._ids.get(graph)
        if number is None:
            cursor = db.execute("INSERT INTO graph(name, digest) VALUES (?, ?)", (graph, digest))
            assert cursor.lastrowid is not None
            number = self._ids[graph] = cursor.lastrowid
        else:
            db.execute("UPDATE graph SET digest = ? WHERE id = ?", (digest, number))
            if not more:
                db.execute("DELETE FROM stated WHERE graph = ?", (number,))
        db.executemany(
            "INSERT INTO stated VALUES (?, ?, ?, ?, ?)",
            [(number, iri, field, lang, text) for iri, field, lang, text in rows],
        )

    def rows(self, graph: str, digest: str) -> list[Stated] | None:
        """What ``graph`` states, if it was staged from the lines ``digest``
        describes; None otherwise (read it from the store)."""
        number = self._ids.get(graph)
        if number is None or not digest or self._db is None:
            return None
        if not self._indexed:
            # Once the graphs are staged (indexed while it filled, the table
            # took twice the time to write): an update looks them up now.
            self._db.executescript(STATED_INDEXES)
            self._indexed = True
        found = self._db.execute("SELECT digest FROM graph WHERE id = ?", (number,)).fetchone()
        if found is None or found[0] != digest:
            return None
        rows = self._db.execute(
            "SELECT iri, field, lang, text FROM stated WHERE graph = ?", (number,)
        ).fetchall()
        return [(str(i), int(f), str(lg), str(t)) for i, f, lg, t in rows]

    def prepare(self, digests: Mapping[str, str]) -> bool:
        """Write the searched tables of the staged graphs now, unless the
        store has an index that an update will start from (then the staged
        rows serve that update), judged by the store's graph ``digests``
        (:meth:`~councilkg.store.GraphStore.graph_digests`); whether they
        were written."""
        if changed_graphs(self.store_path / INDEX_FILE, digests) is not None:
            return False
        db = self._open()
        write_meta(db, "", self.base)
        fill(db, len(self.prefix))
        self.prepared = True
        return True

    def changed(self, graphs: Mapping[str, str]) -> set[str] | None:
        """The graphs (``graphs``: the store's, with their digests) that
        the prepared tables do not hold as the store does; None when they
        are not prepared or most graphs differ (then built whole)."""
        if not self.prepared:
            return None
        return changed_graphs(self.path, graphs)

    def move_to(self, target: Path) -> None:
        """Rename the file to ``target`` (closed first): it becomes the
        index written there."""
        self.close()
        self.path.replace(target)
        self.prepared = False

    def close(self) -> None:
        """Close the database (its rows are no longer served)."""
        if self._db is not None:
            self._db.commit()
            self._db.close()
            self._db = None

    def discard(self) -> None:
        """Close and remove the file, if it is still there."""
        self.close()
        self.path.unlink(missing_ok=True)
