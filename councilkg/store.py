"""The embedded store: an on-disk Oxigraph database with one named graph per
source file, and a default graph that is their merge.

Why a materialised default graph: Oxigraph's union default graph keeps one
copy of a triple per named graph that holds it, so a fact stated by two
editions (or by a source and the reference tables) would be counted twice.
SPARQL's RDF-merge semantics want it once, so the store keeps the merge as
its default graph, maintained with every write, and queries run on it (as
``oxigraph serve`` on the same folder does).

Why writes go to a staged copy (:mod:`councilkg.store_dirs`): Oxigraph's
bulk loader writes a graph several times faster than a SPARQL update but
gives no transaction, so a reader could see a graph half loaded and a
process killed mid-load would leave one.  Every write therefore goes to a
checkpoint of the database (hard links, milliseconds), which is flushed and
then swapped in by renaming one link: readers see the store before the
writes or after all of them, and a process killed at any point before the
rename leaves the previous version whole.  :func:`councilkg.ingesting.load`
stages a whole ingest this way; a lone :meth:`GraphStore.replace_graph`
stages itself.  Re-ingesting the same file changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from councilkg import heap, store_dirs

DEFAULT_STORE = ".councilkg"
STORE_ENV = "COUNCILKG_STORE"


LOADS_AT_ONCE = 1
"""Bulk loads running at once, each in a thread of its own (the loader
releases the interpreter lock), unless a :meth:`GraphStore.staged` block
asks for more.  One by default because each load holds its batch as it
sorts: two at a time took the 1,000× corpus from a peak of 229-236 MiB
to 335-342, and one 50 MB file from 337 to 504 (the memory target is 400
MiB), for 9-19 % and 11 % less time.  A bulk load works on one CPU (two
loads of halves of the same quads into one store took 0.27 s, one load of
them all 0.51, the same CPU time), so an ingest of small inputs, whose
batches are few, asks for two: 30 files 2.7-4.5 % faster (one process
running both ways alternately, paired medians)."""
LOAD_BATCH = 8 * 1024 * 1024
"""Bytes of N-Quads gathered before a bulk load: large enough that the
store's background compaction has few files to merge (each bulk load
writes files of its own: a 30-file ingest cost 2.6 CPU-s in batches of
8 MB, 3.1 in batches of 1 MB, 3.4 of 0.5 MB), small enough to keep the
ingest's memory flat (the loader holds about three times its input while
it sorts).  A call's own fixed cost is milliseconds."""
BLOCK_CHARS = 1_000_000
"""Characters of a graph's text encoded at a time."""


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
        self._digest_file: Path | None = self.path / DIGEST_FILE
        self._memory_digests: dict[str, str] = {}
        self._pending_digests: dict[str, str] = {}
        self._staged: ox.Store | None = None
        self._batch: list[bytes] = []
        self._batch_bytes = 0
        self._batch_graphs: set[str] = set()
        self._batch_default: set[bytes] = set()
        self._loads: list[_Load] = []  # under way, the oldest first
        self._loads_at_once = LOADS_AT_ONCE
        self._dirty = False
        if read_only:
            if not (self.path / store_dirs.LINK).exists():
                raise FileNotFoundError(f"no store at {self.path} (run `councilkg ingest` first)")
            try:
                self._store = ox.Store.read_only(str(store_dirs.resolve(self.path)))
            except (OSError, RuntimeError) as exc:  # RocksDB's words, e.g. "Corruption: …"
                raise StoreError(
                    f"cannot read the store at {self.path} ({_first_line(exc)}); if an ingest "
                    "is writing it, try again when it has finished"
                ) from None
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            try:
                if store_dirs.is_plain_folder(self.path):
                    # A store from before the link: check its lock, then move it aside once.
                    probe = ox.Store(str(self.path / store_dirs.LINK))
                    del probe
                store_dirs.ensure_link(self.path)
                self._store = ox.Store(str(store_dirs.resolve(self.path)))
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
        self._pending_digests = {}
        self._staged = None
        self._batch = []
        self._batch_bytes = 0
        self._batch_graphs = set()
        self._batch_default = set()
        self._loads = []
        self._loads_at_once = LOADS_AT_ONCE
        self._store = ox.Store()
        return self

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store (for callers that need the full
        API), with every write made through this object in it: while writes
        are staged, the staged copy."""
        self._load_batch()
        return self._target()

    def _target(self) -> ox.Store:
        return self._staged if self._staged is not None else self._store

    @contextmanager
    def staged(self, *, loads_at_once: int = LOADS_AT_ONCE) -> Iterator[None]:
        """Stage every write made inside the block and publish them together
        (:meth:`_staging`); ``loads_at_once``: the bulk loads its writes
        may run at once (:data:`LOADS_AT_ONCE`)."""
        previous, self._loads_at_once = self._loads_at_once, max(1, loads_at_once)
        try:
            with self._staging():
                yield
        finally:
            self._loads_at_once = previous

    @contextmanager
    def _staging(self) -> Iterator[None]:
        """Stage every write made inside the block and publish them together.

        The writes go to a checkpoint of the database (hard links, so it
        costs milliseconds whatever the store's size), where the bulk loader
        may write at full speed; reads through this object see them.  On a
        normal exit the copy is flushed and swapped in by one rename
        (:func:`councilkg.store_dirs.commit`) and a new generation is
        marked; on an exception, or if the process dies, it is dropped and
        the store is as it was.  A block that wrote nothing publishes
        nothing.  In memory, or inside another block, writes go in place.
        """
        if self._staged is not None or self._digest_file is None:
            yield
            return
        folder = store_dirs.start_staging(self.path)
        self._store.flush()
        self._store.backup(str(folder))
        self._staged = ox.Store(str(folder))
        self._dirty = False
        try:
            yield
            self._load_batch()  # the last batch, and the loads under way: their errors too
        except BaseException:
            self._drop_load()
            self._staged = None
            self._batch.clear()
            self._batch_graphs.clear()
            self._batch_default.clear()
            self._pending_digests = {}
            self._dirty = False
            store_dirs.discard(self.path, folder)
            raise
        staged, self._staged = self._staged, None
        if not self._dirty:
            del staged
            store_dirs.discard(self.path, folder)
            return
        staged.flush()
        store_dirs.commit(self.path, folder)
        self._store = staged  # this process keeps the lock of the live database
        self._write_digests({**self._digests(), **self._pending_digests})
        self._pending_digests = {}
        self._mark_generation()

    def replace_graph(self, graph: str, ntriples: Sequence[str]) -> None:
        """Replace named graph ``graph`` and keep the default graph the
        merge of all named graphs.

        ``ntriples`` are N-Triples lines (each ending with `` .\\n``), or
        blocks of such lines,
        bulk-loaded into the named graph and into the default graph (where
        a triple another graph states too is simply written again).  If the
        graph is there already, its triples that no other graph holds leave
        the default graph first.  Outside :meth:`staged` the replacement is
        staged and published on its own.
        """
        if self._staged is None and self._digest_file is not None:
            with self.staged():
                self._write_graph(graph, encoded_blocks(ntriples))
            return
        self._write_graph(graph, encoded_blocks(ntriples))

    def _write_graph(self, graph: str, blocks: Iterable[bytes]) -> None:
        self._dirty = True
        # A graph not in the queue nor in the loads under way is looked up in
        # the store as it is: loading the queue first would cost one bulk
        # load per graph.
        loading = any(graph in load.graphs for load in self._loads)
        if loading or graph in self._batch_graphs or _holds_graph(self._target(), graph):
            self._remove(graph)
        self._add_lines(graph, blocks)

    def _remove(self, graph: str) -> None:
        """Drop ``graph``, and from the default graph its triples that no
        other graph holds (the queue loaded first)."""
        g = f"<{graph}>"
        self.oxigraph.update(
            f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} FILTER NOT EXISTS "
            f"{{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g}) }} }} ;\n"
            f"DROP SILENT GRAPH {g}"
        )

    def _add_lines(self, graph: str, blocks: Iterable[bytes]) -> None:
        """Queue N-Triples ``blocks`` (:func:`encoded_blocks`) for the named graph
        and the default graph, loading the queue whenever it reaches
        :data:`LOAD_BATCH` bytes."""
        # Each line twice: in the named graph with the graph's IRI before its
        # final " .", and in the default graph as it is, unless the batch
        # has it there already (sources share triples: two editions of a
        # supplement their meetings, decisions and votes; the bench's copies
        # of one text half of theirs).  Block by block, so a large graph's
        # text is never all encoded at once.
        suffix = f" <{graph}> .\n".encode()
        self._batch_graphs.add(graph)
        for block in blocks:
            # Every newline ends a statement (literals escape theirs); on
            # bytes, not text: a quarter of the time for non-Latin text.
            # The sets are C's: a few hundred nanoseconds a line.
            named = block.replace(b" .\n", suffix)
            lines = set(block.split(b"\n"))
            lines.discard(b"")
            lines -= self._batch_default
            self._batch_default |= lines
            default = b"\n".join(lines) + b"\n" if lines else b""
            self._batch += (default, named)
            self._batch_bytes += len(default) + len(named)
            if self._batch_bytes >= LOAD_BATCH:
                self._load_batch(wait=False)

    def _load_batch(self, *, wait: bool = True) -> None:
        """Bulk-load the queue in one call (small graphs are gathered:
        :data:`LOAD_BATCH`).

        The load runs in a thread of its own (the loader releases the
        interpreter lock), so the caller goes on mapping and queueing the
        next graphs, and the ingest's workers stay busy, while the store
        writes; as many loads at a time as the staged block allows
        (:data:`LOADS_AT_ONCE` by default), the oldest waited for before
        one more starts, so at most that many batches and one are held (and
        one more after :meth:`start_loading`, until the next write waits).
        ``wait``: return when everything queued is in the store (before any
        read, and at the end of a staged block).
        """
        self._hand_over()
        if wait:
            self._finish_load()

    def start_loading(self) -> None:
        """Hand what is queued to the loader now, without waiting: for a
        caller with work of its own before its next read (the ingest writes
        the search index while the last batch loads).

        The loads under way are not waited for: when as many are under way
        as the block allows, the queue's load starts, in a thread of its
        own, when the last of them ends.  Why: the caller's work and the
        load then end together, where a queue left for the next read waited
        for that work first (0.2 s of a 30-file ingest's 1.9, whenever the
        one before the last batch was still loading as the last file was
        queued).
        """
        self._hand_over(wait=False)

    def _hand_over(self, *, wait: bool = True) -> None:
        """The queue to a new load.  When as many loads are under way as
        the block allows, the caller waits for the oldest first (``wait``),
        or the new load waits, in its thread, for the newest."""
        if self._batch:
            after = None
            if wait:
                while len(self._loads) >= self._loads_at_once:
                    self._loads.pop(0).result()
            elif len(self._loads) >= self._loads_at_once:
                after = self._loads[-1]
            self._loads.append(_Load(self._target(), self._batch, self._batch_graphs, after))
            self._batch = []
            self._batch_graphs = set()
            self._batch_default = set()
            self._batch_bytes = 0

    def _finish_load(self) -> None:
        """Wait for every load under way, raising the first error (once all
        have ended)."""
        loads, self._loads = self._loads, []
        error: BaseException | None = None
        for load in loads:
            try:
                load.result()
            except BaseException as exc:
                error = error or exc
        if error is not None:
            raise error

    def _drop_load(self) -> None:
        """Wait for the loads under way, ignoring their errors (their writes
        are being discarded)."""
        loads, self._loads = self._loads, []
        for load in loads:
            load.thread.join()

    def replace_graph_in_parts(self, graph: str, parts: Iterable[list[str]]) -> int:
        """Replace ``graph`` with the lines of ``parts``, part by part, and
        return how many distinct triples it then holds.

        For a source too large to hold all its lines at once: the parts may
        repeat lines (the store keeps one).  The graph's digest is that of
        its parts in order, marked ``parts:``: the same text gives the same
        parts, so a reader (the search index) can tell whether the graph
        changed, and it never equals the digest of a graph's lines, so a
        load of the graph whole writes it again.  Outside :meth:`staged`
        the whole replacement is staged and published on its own.
        """
        if self._staged is None and self._digest_file is not None:
            with self.staged():
                return self.replace_graph_in_parts(graph, parts)
        hashed = hashlib.sha256()
        first = True
        for lines in parts:
            blocks = _hashed(encoded_blocks(lines), hashed)
            if first:
                self._write_graph(graph, blocks)
                first = False
            else:
                self._add_lines(graph, blocks)
            hashed.update(b"\n")  # where a part ends
        if first:
            self._write_graph(graph, [])
        self._record_digest(graph, "parts:" + hashed.hexdigest())
        return self.count(graph)

    def drop_graph(self, graph: str) -> None:
        """Remove named graph ``graph``, and from the default graph its
        triples that no other graph holds.  Outside :meth:`staged` the
        removal is staged and published on its own."""
        if self._staged is None and self._digest_file is not None:
            with self.staged():
                self.drop_graph(graph)
            return
        if not self.has_graph(graph):
            return
        self._dirty = True
        self._remove(graph)
        self._forget_digest(graph)

    def _forget_digest(self, graph: str) -> None:
        """The next load writes ``graph`` again, whatever its lines."""
        if self._digest_file is None:
            self._memory_digests.pop(graph, None)
        else:
            self._pending_digests[graph] = ""  # matches no digest

    def has_graph(self, graph: str) -> bool:
        """Whether named graph ``graph`` holds a triple."""
        return _holds_graph(self.oxigraph, graph)

    def replace_graph_if_changed(self, graph: str, ntriples: Sequence[str]) -> bool:
        """Replace ``graph`` unless the store already holds exactly these lines.

        The digest of each graph loaded this way is kept beside the database
        (``graphs.json``, written when the write is published), so an
        unchanged graph is not rewritten.  Returns whether the graph was
        written.
        """
        # Encoded once, for the digest and the load.
        return self.replace_blocks_if_changed(graph, list(encoded_blocks(ntriples)))

    def replace_blocks_if_changed(self, graph: str, blocks: Sequence[bytes]) -> bool:
        """:meth:`replace_graph_if_changed` for a graph already in UTF-8
        blocks (:func:`encoded_blocks`: each block whole lines ending in
        `` .\n``).

        Why blocks: a large graph that arrives from a worker process is then
        never one string nor one ``bytes`` object; the blocks are hashed and
        queued as they are.  The digest is that of their concatenation, so
        it does not depend on where the blocks are cut.
        """
        hashed = hashlib.sha256()
        for block in blocks:
            hashed.update(block)
        digest = hashed.hexdigest()
        digests = self._digests()
        if digests.get(graph) == digest and (not blocks or self.has_graph(graph)):
            return False
        if self._staged is None and self._digest_file is not None:
            with self.staged():
                self._write_graph(graph, blocks)
                self._record_digest(graph, digest)
        else:
            self._write_graph(graph, blocks)
            self._record_digest(graph, digest)
        return True

    def _record_digest(self, graph: str, digest: str) -> None:
        """``graph`` now holds what ``digest`` describes (published with the
        staged writes)."""
        if self._digest_file is None:
            self._memory_digests[graph] = digest
        else:
            self._pending_digests[graph] = digest

    def _digests(self) -> dict[str, str]:
        """The published digests, with those of writes staged but not published."""
        return {**self._published_digests(), **self._pending_digests}

    def forget_digests(self) -> None:
        """Record that no digest describes any graph any more, after a write
        made around this class (a SPARQL update on :attr:`oxigraph`, which
        may have changed any graph): the next load writes every graph again,
        and the search index reads every graph again."""
        if self._digest_file is None:
            self._memory_digests.clear()
            return
        published = self._published_digests()
        if any(published.values()):
            self._write_digests(dict.fromkeys(published, ""))

    def digest(self, graph: str) -> str:
        """The digest of ``graph``'s lines as :meth:`graph_digests` gives it,
        "" when none describes them; the staged writes' digest without
        reading the published ones."""
        pending = self._pending_digests.get(graph)
        if pending is not None:
            return pending
        return self._published_digests().get(graph, "")

    def graph_digests(self) -> dict[str, str]:
        """The digest of each named graph as last written through this class
        (:meth:`replace_graph_if_changed`, :meth:`replace_graph_in_parts`),
        by graph IRI; "" or no entry for a graph whose content no digest
        describes (a dropped one, every one after :meth:`forget_digests`, one
        written around this class).  What a reader of the store (the search
        index) compares to know which graphs changed since it last read
        them."""
        return self._digests()

    def _published_digests(self) -> dict[str, str]:
        if self._digest_file is None:
            return dict(self._memory_digests)
        return published_digests(self.path)

    def _write_digests(self, digests: dict[str, str]) -> None:
        if self._digest_file is not None:
            _write_atomically(self._digest_file, json.dumps(digests, indent=1, sort_keys=True))

    def graphs(self) -> list[str]:
        """Named graphs, sorted."""
        return sorted(g.value for g in self.oxigraph.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        """Number of triples: in one named graph, or in the merge of all."""
        target = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
        return sum(1 for _ in self.oxigraph.quads_for_pattern(None, None, None, target))

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any:
        """Run a SPARQL query over the merge of all graphs (the default graph).

        ``bindings`` map variable names to pyoxigraph terms; they are injected
        as values (``substitutions``), never pasted into the query text.
        """
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        return self.oxigraph.query(sparql, substitutions=subs)

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the named graphs (the default graph is derived from them)."""
        for quad in self.oxigraph.quads_for_pattern(None, None, None, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                yield quad

    def dump_nquads(self) -> bytes:
        """The named graphs as N-Quads."""
        out = ox.serialize(self.quads(), format=ox.RdfFormat.N_QUADS)
        assert out is not None
        return out

    def flush(self) -> None:
        """Flush writes to disk and, if the graph changed in place (through
        :attr:`oxigraph`), mark a new generation of the store
        (:func:`store_generation`): a running server then moves all its
        readers to the new graph together.  Staged writes are published when
        their :meth:`staged` block ends."""
        self.oxigraph.flush()
        if self._staged is None and self._dirty:
            self._mark_generation()

    def _mark_generation(self) -> None:
        if self._digest_file is not None:
            _write_atomically(self.path / GENERATION_FILE, f"{time.time_ns()}-{os.getpid()}\n")
        self._dirty = False


DIGEST_FILE = "graphs.json"
"""Beside the database: the digest of each graph's lines, by graph IRI."""


def published_digests(path: str | Path) -> dict[str, str]:
    """The graph digests a writer published beside the store at ``path``
    (:meth:`GraphStore.graph_digests`); empty when there are none.

    Raises:
        StoreError: the file is not the store's digest table.
    """
    digest_file = Path(path) / DIGEST_FILE
    if not digest_file.exists():
        return {}
    try:
        data = json.loads(digest_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(
            f"{digest_file}: not the store's digest table ({exc}); delete the file "
            "and ingest again (the reference graphs are then rewritten once)"
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise StoreError(
            f"{digest_file}: expected an object of graph IRIs to digests; delete "
            "the file and ingest again"
        )
    return data


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


def _hashed(blocks: Iterable[bytes], hashed: Any) -> Iterator[bytes]:
    """``blocks`` as they are, each added to the ``hashed`` digest as it passes."""
    for block in blocks:
        hashed.update(block)
        yield block


class _Load:
    """One bulk load of N-Quads, run in a thread; ``after`` another load,
    which it waits for first (and is not run if that one failed: its error
    is the one raised)."""

    def __init__(
        self, store: ox.Store, pieces: list[bytes], graphs: set[str], after: _Load | None = None
    ) -> None:
        self.after = after
        self.graphs = graphs  # the named graphs it writes
        self.error: BaseException | None = None
        # Joined, so the loader reads bytes without calling back into Python.
        data = b"".join(pieces)
        pieces.clear()
        # Handed over in a list the thread empties, so that nothing else
        # holds the batch once it is loaded (the Thread keeps its args).
        self.thread = threading.Thread(
            target=self._run, args=(store, [data]), name="councilkg-bulk-load", daemon=True
        )
        del data
        self.thread.start()

    def _run(self, store: ox.Store, box: list[bytes]) -> None:
        try:
            if self.after is not None:
                self.after.thread.join()
                if self.after.error is not None:
                    box.clear()
                    return
            store.bulk_load(box.pop(), format=ox.RdfFormat.N_QUADS)
        except BaseException as exc:  # raised again by result(), in the caller's thread
            self.error = exc
        finally:
            heap.trim()  # the batch and the loader's buffers, freed in this thread's arena

    def result(self) -> None:
        """Wait for the load; raise its error, if any."""
        self.thread.join()
        if self.error is not None:
            raise self.error


def encoded_blocks(ntriples: Sequence[str]) -> Iterator[bytes]:
    """The text of N-Triples lines (or blocks of lines) in UTF-8 blocks of
    about :data:`BLOCK_CHARS` characters, each cut at a line end
    (:func:`_blocks`): the form :meth:`GraphStore.replace_blocks_if_changed`
    takes."""
    for block in _blocks(ntriples):
        yield block.encode("utf-8")


def _blocks(ntriples: Sequence[str]) -> Iterator[str]:
    """The text of ``ntriples`` in blocks of about :data:`BLOCK_CHARS`, cut
    at line ends.  An item may hold many lines (a graph's whole text)."""
    gathered: list[str] = []
    size = 0
    for item in ntriples:
        if not item.endswith(" .\n"):
            item = _statement(item) + " .\n"  # one line, ended the usual way
        start = 0
        while len(item) - start > BLOCK_CHARS:
            cut = item.find("\n", start + BLOCK_CHARS) + 1 or len(item)
            yield item[start:cut]
            start = cut
        rest = item[start:] if start else item
        if rest:
            gathered.append(rest)
            size += len(rest)
        if size >= BLOCK_CHARS:
            yield "".join(gathered)
            gathered, size = [], 0
    if gathered:
        yield "".join(gathered)


def _statement(line: str) -> str:
    """An N-Triples line without its final `` .`` and newline."""
    if line.endswith(" .\n"):
        return line[:-3]
    return line.rstrip().removesuffix(".").rstrip()


def _holds_graph(store: ox.Store, graph: str) -> bool:
    """Whether ``store`` holds a triple in named graph ``graph``."""
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    return next(iter(quads), None) is not None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
