"""The embedded store: an on-disk Oxigraph database with one named graph per
source file, and a default graph that is their merge.

Why a materialised default graph: Oxigraph's union default graph keeps one
copy of a triple per named graph that holds it, so a fact stated by two
editions (or by a source and the reference tables) would be counted twice.
SPARQL's RDF-merge semantics want it once, so the store keeps the merge as
its default graph, maintained with every write, and queries run on it (as
``oxigraph serve`` on the same folder does).

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
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

DEFAULT_STORE = ".councilkg"
STORE_ENV = "COUNCILKG_STORE"


class StoreError(OSError):
    """The store cannot be opened or its files are damaged; the message says
    which store or file, and what to do."""


def default_store_path() -> Path:
    """``$COUNCILKG_STORE`` if set, else ``.councilkg/`` in the working directory."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


class GraphStore:
    """A small typed surface over :class:`pyoxigraph.Store`."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self._digest_file: Path | None = self.path / "graphs.json"
        self._memory_digests: dict[str, str] = {}
        self._dirty = False
        db = self.path / "oxigraph"
        if read_only:
            if not db.exists():
                raise FileNotFoundError(f"no store at {self.path} (run `councilkg ingest` first)")
            try:
                self._store = ox.Store.read_only(str(db))
            except (OSError, RuntimeError) as exc:  # RocksDB's words, e.g. "Corruption: …"
                raise StoreError(
                    f"cannot read the store at {self.path} ({_first_line(exc)}); if an ingest "
                    "is writing it, try again when it has finished"
                ) from None
        else:
            db.mkdir(parents=True, exist_ok=True)
            try:
                self._store = ox.Store(str(db))
            except OSError as exc:
                if "lock" not in str(exc).lower():
                    raise StoreError(
                        f"cannot open the store at {self.path}: {_first_line(exc)}"
                    ) from None
                raise StoreError(
                    f"the store at {self.path} is being written by another councilkg process"
                    f"{_writer_pid(self.path)}; wait for it to finish"
                ) from None
            _write_atomically(self.path / WRITER_FILE, f"{os.getpid()}\n")

    @classmethod
    def in_memory(cls) -> GraphStore:
        """A store that lives in memory (tests, one-off analyses)."""
        self = cls.__new__(cls)
        self.path = Path(":memory:")
        self._dirty = False
        self._digest_file = None
        self._memory_digests = {}
        self._store = ox.Store()
        return self

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store (for callers that need the full API)."""
        return self._store

    def replace_graph(self, graph: str, ntriples: list[str]) -> None:
        """Atomically replace named graph ``graph`` and keep the default graph
        the merge of all named graphs.

        ``ntriples`` are N-Triples lines (each ending with `` .\\n``).  One
        SPARQL update does it all, so readers see the old state or the new
        one: triples of the old graph that no other graph holds leave the
        default graph, the named graph is replaced, and the new triples are
        added to the default graph too.
        """
        body = "".join(ntriples)
        g = f"<{graph}>"
        self._dirty = True
        self._store.update(
            f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g}) }} }} ;\n"
            f"DROP SILENT GRAPH {g} ;\n"
            f"INSERT DATA {{\n{body} GRAPH {g} {{\n{body}}} }}"
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
        if self._digest_file is not None:
            _write_atomically(self._digest_file, json.dumps(digests, indent=1, sort_keys=True))
        self._memory_digests = digests
        return True

    def _digests(self) -> dict[str, str]:
        if self._digest_file is None or not self._digest_file.exists():
            return dict(self._memory_digests)
        try:
            data = json.loads(self._digest_file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreError(
                f"{self._digest_file}: not the store's digest table ({exc}); delete the file "
                "and ingest again (the reference graphs are then rewritten once)"
            ) from None
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise StoreError(
                f"{self._digest_file}: expected an object of graph IRIs to digests; delete "
                "the file and ingest again"
            )
        return data

    def graphs(self) -> list[str]:
        """Named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        """Number of triples: in one named graph, or in the merge of all."""
        target = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, target))

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any:
        """Run a SPARQL query over the merge of all graphs (the default graph).

        ``bindings`` map variable names to pyoxigraph terms; they are injected
        as values (``substitutions``), never pasted into the query text.
        """
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        return self._store.query(sparql, substitutions=subs)

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the named graphs (the default graph is derived from them)."""
        for quad in self._store.quads_for_pattern(None, None, None, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                yield quad

    def dump_nquads(self) -> bytes:
        """The named graphs as N-Quads."""
        out = ox.serialize(self.quads(), format=ox.RdfFormat.N_QUADS)
        assert out is not None
        return out

    def flush(self) -> None:
        """Flush writes to disk and, if the graph changed, mark a new
        generation of the store (:func:`store_generation`): a running server
        then moves all its readers to the new graph together."""
        self._store.flush()
        if self._dirty and self._digest_file is not None:
            _write_atomically(self.path / GENERATION_FILE, f"{time.time_ns()}-{os.getpid()}\n")
        self._dirty = False


GENERATION_FILE = "generation"
"""Beside the database: a token that changes whenever a writer commits a
change (:meth:`GraphStore.flush`)."""


def store_generation(path: str | Path) -> str:
    """The store's current generation token ("" before any is written).

    Readers open the database as it is at that moment and see nothing
    written after; comparing tokens tells a long-running reader (the
    server's worker pool) that it should reopen."""
    try:
        return (Path(path) / GENERATION_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


WRITER_FILE = "writer.pid"
"""Beside the database: the process id of the last process that opened it for
writing, so that a second writer is told whom it waits for."""


def _writer_pid(path: Path) -> str:
    """`` (pid N)`` from the store's writer file, or nothing when unknown."""
    try:
        pid = (path / WRITER_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over
    ``path``: a reader, or a process killed mid-write, sees the old file or
    the new one, never a cut one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
