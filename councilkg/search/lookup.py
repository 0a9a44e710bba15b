"""Looking text up in the search index: the hits, ranked, one per resource.

Ranking, in this order: a resource whose symbol, code, label or name *is*
the query (``S/2020/797``, ``China``, ``CHN``, ``中国``); then one where such
an entry starts with it; then the rest by FTS5's bm25 rank; within a tier, a
match in a symbol before a label, before a passage's text
(:data:`councilkg.search.build.FIELDS`), then the IRI (so equal queries
give equal answers).

Every term of the query must occur in one entry of the resource.  Terms of
three characters or more are looked up in the trigram index; shorter ones
(``中国``, ``英``, ``15``), which no trigram holds, with ``LIKE`` over the
entries: alone, that is a scan of the table (measured in
:mod:`councilkg.search`), and with a longer term it only filters that
term's matches.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from councilkg.search.build import FIELDS, index_path, open_index
from councilkg.search.text import SHORT, like_pattern, normalize, snippet, terms

__all__ = ["MAX_LIMIT", "Hit", "search", "search_index"]

MAX_LIMIT = 200
"""The most hits one search returns."""
_CANDIDATES = 2000
"""Matching entries read per tier before ranking: enough for every resource
a page of hits could show, few enough to stay in milliseconds."""
_EXACT, _PREFIX, _OTHER = 0, 1, 2
_NAMES = tuple(FIELDS.index(f) for f in ("symbol", "code", "label", "name", "title", "id"))


@dataclass(frozen=True, slots=True)
class Hit:
    """One resource found."""

    iri: str
    rest: str
    """The IRI's path below ``{base}id/`` (its page is ``/page/{rest}``)."""
    kind: str
    """The first segment of that path (``state``, ``document``), or ``passage``."""
    label: str | None
    """Its name in the language asked for, else an untagged one (a
    symbol), else in the other language; None for a resource without one
    (a passage, a meeting)."""
    field: str
    """What matched: one of :data:`~councilkg.search.build.FIELDS`."""
    match: str
    """``exact``, ``prefix`` or ``text``."""
    snippet: str
    """The matching text, cut around the match when long."""

    def to_dict(self) -> dict[str, Any]:
        """The hit as plain data (JSON output)."""
        return asdict(self)


def search(store_path: str | Path, query: str, *, lang: str = "en", limit: int = 20) -> list[Hit]:
    """The hits for ``query`` in the index of the store at ``store_path``
    (which must exist: see :func:`councilkg.search.build.refresh_index`)."""
    with closing(open_index(index_path(store_path))) as db:
        return search_index(db, query, lang=lang, limit=limit)


def search_index(db: sqlite3.Connection, query: str, *, lang: str, limit: int) -> list[Hit]:
    """The hits for ``query`` in an open index (ranked; at most ``limit``,
    capped at :data:`MAX_LIMIT`)."""
    words = terms(query)
    if not words or limit < 1:
        return []
    whole = normalize(query)
    # entity -> (key, its IRI, entry, match)
    best: dict[int, tuple[tuple[Any, ...], str, int, str]] = {}

    def offer(rows: list[tuple[int, int, int, float, str]], tier: int) -> None:
        # Rows come in (score, IRI, field, language, text) order, so of an
        # entity's entries that rank alike the first is the same whatever
        # the ids (which an index updated in place assigns in its own order).
        for entry, entity, fld, score, iri in rows:
            match = ("exact", "prefix", "text")[tier]
            key = (tier, fld if tier < _OTHER or fld in _NAMES else len(FIELDS), score)
            if entity not in best or key < best[entity][0]:
                best[entity] = (key, iri, entry, match)

    names = ",".join(str(f) for f in _NAMES)
    offer(
        db.execute(
            f"SELECT e.id, e.entity, e.field, 0, n.iri {_FROM} "
            f"WHERE e.norm = ? AND e.field IN ({names}) ORDER BY {_TIES}",
            (whole,),
        ).fetchall(),
        _EXACT,
    )
    offer(
        db.execute(
            f"SELECT e.id, e.entity, e.field, length(e.norm) AS score, n.iri {_FROM} "
            f"WHERE e.norm > ? AND e.norm < ? AND e.field IN ({names}) "
            f"ORDER BY score, {_TIES} LIMIT ?",
            (whole, whole + "\U0010ffff", _CANDIDATES),
        ).fetchall(),
        _PREFIX,
    )
    offer(_matches(db, words), _OTHER)
    ranked = sorted(best.items(), key=lambda kv: (kv[1][0], kv[1][1]))[: min(limit, MAX_LIMIT)]
    return [_hit(db, entity, entry, match, lang, words) for entity, (_, _, entry, match) in ranked]


_FROM = "FROM entry AS e JOIN entity AS n ON n.id = e.entity"
_TIES = "n.iri, e.field, e.lang, e.text"
"""Entries that rank alike, in the order of what they are, not of their ids."""


def _matches(db: sqlite3.Connection, words: list[str]) -> list[tuple[int, int, int, float, str]]:
    """(entry, entity, field, score, entity IRI) of the entries holding
    every term; score: bm25 (lower is better), or without a long term the
    length."""
    long = [w for w in words if len(w) >= SHORT]
    short = [w for w in words if len(w) < SHORT]
    likes = "".join(" AND e.norm LIKE ? ESCAPE '\\'" for _ in short)
    patterns = [like_pattern(w) for w in short]
    if long:
        expression = " AND ".join('"' + w.replace('"', '""') + '"' for w in long)
        sql = (
            "SELECT e.id, e.entity, e.field, bm25(entry_fts) AS score, n.iri "
            "FROM entry_fts JOIN entry AS e ON e.id = entry_fts.rowid "
            "JOIN entity AS n ON n.id = e.entity "
            f"WHERE entry_fts MATCH ?{likes} ORDER BY score, {_TIES} LIMIT ?"
        )
        return db.execute(sql, (expression, *patterns, _CANDIDATES)).fetchall()
    sql = (
        f"SELECT e.id, e.entity, e.field, length(e.norm) AS score, n.iri {_FROM} "
        f"WHERE 1{likes} ORDER BY score, {_TIES} LIMIT ?"
    )
    return db.execute(sql, (*patterns, _CANDIDATES)).fetchall()


def _hit(
    db: sqlite3.Connection, entity: int, entry: int, match: str, lang: str, words: list[str]
) -> Hit:
    iri, rest, kind, en, zh, plain = db.execute(
        "SELECT iri, rest, kind, label_en, label_zh, label FROM entity WHERE id = ?", (entity,)
    ).fetchone()
    fld, text = db.execute("SELECT field, text FROM entry WHERE id = ?", (entry,)).fetchone()
    mine, other = (zh, en) if lang == "zh" else (en, zh)
    return Hit(
        iri=iri,
        rest=rest,
        kind=kind,
        label=mine or plain or other,
        field=FIELDS[fld],
        match=match,
        snippet=snippet(text, words),
    )
