"""Search: resources by what a reader knows of them — a name in Chinese or
English, a UN symbol, an ISO3 code, words of a passage.

Design (chosen by measurement, on the bundled sample; see below): an SQLite
database beside the store (``STORE/search.sqlite``) with an FTS5 table on the
``trigram`` tokenizer, built by :func:`refresh_index` whenever an ingest
changes the store (:func:`councilkg.ingesting.load` calls it) and read by
:func:`search`.  Trigrams need no word segmentation, so Chinese (which has no
spaces between words) is matched as substrings like any other text, and a
symbol such as ``S/RES/2231(2015)`` is one string, not tokens split at its
slashes.  Python's own :mod:`sqlite3` carries it (SQLite ≥ 3.34 has the
tokenizer; Debian 12's Python has 3.40): nothing to install, and the front of
the server can leave it to a worker like any query.

The modules: :mod:`~councilkg.search.text` (the normal form, terms,
snippets), :mod:`~councilkg.search.build` (the index file),
:mod:`~councilkg.search.lookup` (ranked hits).
"""

from __future__ import annotations

from councilkg.search.build import (
    INDEX_FILE,
    IndexStats,
    build_index,
    index_path,
    index_state,
    refresh_index,
    refresh_index_at,
)
from councilkg.search.lookup import MAX_LIMIT, Hit, search

__all__ = [
    "INDEX_FILE",
    "MAX_LIMIT",
    "Hit",
    "IndexStats",
    "build_index",
    "index_path",
    "index_state",
    "refresh_index",
    "refresh_index_at",
    "search",
]
