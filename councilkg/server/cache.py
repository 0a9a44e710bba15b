"""Answers the front process keeps: a read-only query asked again, on the
same generation of the store, is answered without the trip to a worker.

Why: on a cheap query most of a request's cost is not the query but the
way to it — the front hands the request to a worker process, the worker
reads it, runs it and writes the answer back, and the front reads that.
Clients repeat queries (dashboards, pages polling, a script run again), and
a read-only store answers a query the same way until an ingest commits a
new generation (:func:`councilkg.store.store_generation`, which the pool
follows): such an answer can be sent again as it is, byte for byte.

What is kept, and when it is dropped:

- only ``SELECT`` and ``ASK`` answers with status 200 (a result-set media
  type), never a graph: a ``CONSTRUCT`` template's blank nodes are new at
  each run, and no error (a timeout is not a property of the query);
- not a query that calls a function whose value changes from one run to
  the next (``RAND``, ``NOW``, ``UUID``, ``STRUUID``, ``BNODE``);
- keyed by everything that decides the answer: the text, the negotiated
  formats, the dataset parameters (the cap is the server's, fixed);
- all of it dropped when the pool moves to a new store generation, so an
  answer is never older than what a worker would give;
- at most :attr:`ResultCache.max_bytes` of bodies, query texts and
  per-entry overhead, the least recently used let go first, and no single
  answer over an eighth of that.

The application uses it only on a read-only endpoint without ``SERVICE``
(:meth:`councilkg.server.config.ServerConfig.result_cache_size`): updates
change the store without a new generation, and a federated query's answer
is another server's.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from councilkg.server.negotiation import RESULTS

CacheKey = tuple[str, str | None, str | None, tuple[str, ...], tuple[str, ...]]
"""The query text, the results and graph formats, the default and named graphs."""

_RESULT_TYPES = frozenset(spec.content_type for spec in RESULTS.values())

_VOLATILE = re.compile(r"\b(?:RAND|NOW|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
"""A call whose value differs between runs (a word in a string or comment
matches too: such a query is only not kept, which is always safe)."""


def cacheable(text: str, header: dict[str, Any]) -> bool:
    """Whether the answer (``header`` from the worker) to ``text`` may be
    sent again while the store's generation holds."""
    return (
        header.get("status") == 200
        and header.get("type") in _RESULT_TYPES
        and _VOLATILE.search(text) is None
    )


class ResultCache:
    """Answers by request, for one store generation at a time (see the module)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 8
        self.generation: str | None = None
        self.size = 0
        self.hits = 0
        self._entries: OrderedDict[CacheKey, tuple[dict[str, Any], bytes]] = OrderedDict()

    def _follow(self, generation: str) -> None:
        if generation != self.generation:
            self._entries.clear()
            self.size = 0
            self.generation = generation

    def get(self, generation: str, key: CacheKey) -> tuple[dict[str, Any], bytes] | None:
        """The kept answer (worker header, body) to ``key`` on ``generation``."""
        self._follow(generation)
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            self.hits += 1
        return found

    def put(self, generation: str, key: CacheKey, header: dict[str, Any], body: bytes) -> None:
        """Keep an answer (the caller checked :func:`cacheable`)."""
        self._follow(generation)
        cost = _cost(key, body)
        if cost > self.max_entry or key in self._entries:
            return
        kept: dict[str, Any] = {
            k: header[k] for k in ("status", "type", "truncated") if k in header
        }
        self._entries[key] = (kept, bytes(body))
        self.size += cost
        while self.size > self.max_bytes and self._entries:
            old_key, (_, old_body) = self._entries.popitem(last=False)
            self.size -= _cost(old_key, old_body)


ENTRY_OVERHEAD = 512
"""Bytes counted for each kept answer beyond its body and its query's text
(the Python objects that hold them), so that many tiny answers cannot hold
much more memory than the budget says."""


def _cost(key: CacheKey, body: bytes) -> int:
    """What an answer counts against the budget: its body, the text of its
    query (a key may be a megabyte of query for an answer of a few bytes)
    and the overhead of an entry."""
    graphs = sum(map(len, key[3])) + sum(map(len, key[4]))
    return len(body) + len(key[0]) + graphs + ENTRY_OVERHEAD
