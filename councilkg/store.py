"""The embedded store: an on-disk Oxigraph database with one named graph per
source file.

Why replace-by-graph in one SPARQL update: Oxigraph applies an update
atomically, so ``DROP GRAPH`` + ``INSERT DATA`` in one request replaces a
source's graph with no window in which readers see it half written, and a
process that dies mid-load leaves the previous version in place.
Re-ingesting the same file therefore changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

DEFAULT_STORE = ".councilkg"
STORE_ENV = "COUNCILKG_STORE"
_BATCH_LINES = 200_000


def default_store_path() -> Path:
    """``$COUNCILKG_STORE`` if set, else ``.councilkg/`` in the working directory."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


class GraphStore:
    """A small typed surface over :class:`pyoxigraph.Store`."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        db = self.path / "oxigraph"
        if read_only:
            if not db.exists():
                raise FileNotFoundError(f"no store at {self.path} (run `councilkg ingest` first)")
            self._store = ox.Store.read_only(str(db))
        else:
            db.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(db))

    @classmethod
    def in_memory(cls) -> GraphStore:
        """A store that lives in memory (tests, one-off analyses)."""
        self = cls.__new__(cls)
        self.path = Path(":memory:")
        self._store = ox.Store()
        return self

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store (for callers that need the full API)."""
        return self._store

    def replace_graph(self, graph: str, ntriples: list[str]) -> None:
        """Atomically replace the content of named graph ``graph``.

        ``ntriples`` are N-Triples lines (each ending with `` .\\n``).
        """
        if len(ntriples) <= _BATCH_LINES:
            body = "".join(ntriples)
            self._store.update(
                f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"
            )
            return
        # Very large graphs: stage them, then swap in one update.
        staging = f"{graph}#staging"
        self._store.update(f"DROP SILENT GRAPH <{staging}>")
        for i in range(0, len(ntriples), _BATCH_LINES):
            body = "".join(ntriples[i : i + _BATCH_LINES])
            self._store.update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{body}}} }}")
        self._store.update(
            f"DROP SILENT GRAPH <{graph}> ; MOVE SILENT GRAPH <{staging}> TO <{graph}>"
        )

    def replace_graph_if_changed(self, graph: str, ntriples: list[str]) -> bool:
        """Replace ``graph`` unless the store already holds exactly these lines.

        The digest of each graph loaded this way is kept beside the database
        (``graphs.json``), so the reference graph is not rewritten on every
        ingest.  Returns whether the graph was written.
        """
        digest = hashlib.sha256("".join(ntriples).encode("utf-8")).hexdigest()
        digests = self._digests()
        if digests.get(graph) == digest and graph in self.graphs():
            return False
        self.replace_graph(graph, ntriples)
        digests[graph] = digest
        if self.path != Path(":memory:"):
            (self.path / "graphs.json").write_text(json.dumps(digests, indent=1, sort_keys=True))
        else:
            self._memory_digests = digests
        return True

    def _digests(self) -> dict[str, str]:
        if self.path == Path(":memory:"):
            return dict(getattr(self, "_memory_digests", {}))
        file = self.path / "graphs.json"
        if not file.exists():
            return {}
        data: dict[str, str] = json.loads(file.read_text())
        return data

    def graphs(self) -> list[str]:
        """Named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        """Number of quads (in one named graph, or in all)."""
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any:
        """Run a SPARQL query over the union of all graphs.

        ``bindings`` map variable names to pyoxigraph terms; they are injected
        as values (``substitutions``), never pasted into the query text.
        """
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        return self._store.query(sparql, use_default_graph_as_union=True, substitutions=subs)

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad."""
        return iter(self._store.quads_for_pattern(None, None, None, None))

    def dump_nquads(self) -> bytes:
        """All quads as N-Quads."""
        out = self._store.dump(format=ox.RdfFormat.N_QUADS)
        assert out is not None
        return out

    def flush(self) -> None:
        """Flush writes to disk."""
        self._store.flush()
