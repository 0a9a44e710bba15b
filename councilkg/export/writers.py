"""Deterministic exports of the store, or of a graph given as N-Triples, in
any export format of :mod:`councilkg.export.formats`, optionally gzipped.

Why deterministic: a published dump is hashed, mirrored and diffed; the same
graph must give the same bytes whatever the order in which it was loaded.
So every format is written by its writer (:mod:`councilkg.export.serializers`)
from *sorted* N-Triples lines, and gzip is written with ``mtime=0`` and no
file name.  The project mints no blank nodes; a graph that had some would get
the labels the store gives them, which are not stable.

What each format carries:

- ``nquads``, ``trig``, ``jsonld`` carry named graphs: every named graph of
  the store (one per source file, ``graph/reference``, ``graph/ontology``),
  or only ``graph``.  The store's default graph is *not* written: it is the
  merge of the named graphs, derived from them (see
  :mod:`councilkg.store`), so loading the named graphs gives it back (with
  ``councilkg push``, or a server's union default graph) and writing it
  would double the dump.
- ``turtle`` and ``ntriples`` have no graphs: they carry the triples of the
  default graph (the merge, each triple once), or of the named graph
  ``graph``.

Why streaming: the whole Repertoire is millions of triples.  Each graph's
lines are dumped by Oxigraph to a temporary file and read back one at a time
into the writers' external sort (at most ``chunk_lines`` lines in memory), and
a file is written through a temporary file renamed at the end, so no
half-written file is left.  The tests re-parse every export with rdflib and
pyoxigraph.
"""

from __future__ import annotations

import gzip as gzip_module
import io
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import pyoxigraph as ox

from councilkg.export.formats import ExportError, Format, export_format
from councilkg.export.serializers import Job
from councilkg.store import GraphStore

__all__ = [
    "CHUNK_LINES",
    "CONTEXT_URL",
    "ExportStats",
    "export_bytes",
    "export_lines",
    "export_store",
    "jsonld_from_ntriples",
]

CHUNK_LINES = 500_000
CONTEXT_URL = "https://w3id.org/councilkg/context.jsonld"


@dataclass(frozen=True, slots=True)
class ExportStats:
    """What one export wrote.

    ``graphs`` are the named graphs written as such (quad formats); empty
    for Turtle and N-Triples, whose triples come from ``source`` (a named
    graph, or None: the merged default graph).  ``statements`` counts the
    triples (or quads) written, ``bytes`` the bytes after compression.
    """

    format: str
    graphs: tuple[str, ...]
    source: str | None
    statements: int
    bytes: int
    gzip: bool


# ---------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------


def export_store(
    store: GraphStore,
    fmt: str,
    out: BinaryIO | Path,
    *,
    graph: str | None = None,
    gzip: bool = False,
    context_url: str | None = None,
    chunk_lines: int = CHUNK_LINES,
) -> ExportStats:
    """Write the store's graphs to ``out`` (a binary stream, or a path written
    through a temporary file and renamed, so no half-written file is left).

    Args:
        fmt: an export format (:data:`councilkg.export.formats.EXPORT_FORMATS`).
        graph: one named graph only; by default every named graph (quad
            formats) or the merged default graph (Turtle, N-Triples).
        gzip: compress (deterministic bytes: no time stamp, no file name).
        context_url: JSON-LD only: refer to the context at this URL (e.g.
            :data:`CONTEXT_URL`) instead of embedding it, which keeps the
            file self-contained (parsable offline).
        chunk_lines: lines sorted in memory at a time.

    Raises:
        ExportError: unknown format, or ``graph`` is not a graph of the store.
    """
    spec = export_format(fmt)
    named = store.graphs()
    if graph is not None and graph not in named:
        raise ExportError(
            f"the store has no graph {graph!r}; its graphs: {', '.join(named) or 'none'}"
        )
    if spec.quads:
        sources: list[str | None] = [graph] if graph is not None else list(named)
    else:
        sources = [graph]
    with tempfile.TemporaryDirectory(prefix="councilkg-export-") as tmp:
        job = Job(sources, _StoreDumps(store, Path(tmp)).lines, Path(tmp), chunk_lines, context_url)
        statements, size = _write(spec, out, job, gzip=gzip)
    return ExportStats(
        format=spec.name,
        graphs=tuple(g for g in sources if g is not None) if spec.quads else (),
        source=None if spec.quads else graph,
        statements=statements,
        bytes=size,
        gzip=gzip,
    )


def export_lines(
    lines: Iterable[str],
    fmt: str,
    out: BinaryIO | Path,
    *,
    gzip: bool = False,
    context_url: str | None = None,
) -> ExportStats:
    """Write a graph given as N-Triples lines (such as the VoID description
    of :func:`councilkg.export.void.describe_dataset`) in ``fmt``: the same writers,
    the same determinism; in the quad formats the triples are in the default
    graph.

    Raises:
        ExportError: unknown format.
        SyntaxError: a line that is not N-Triples.
    """
    spec = export_format(fmt)
    triples = list(ox.parse("".join(lines), format=ox.RdfFormat.N_TRIPLES))
    canonical = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    data = sorted(set(canonical.splitlines(keepends=True)))
    with tempfile.TemporaryDirectory(prefix="councilkg-export-") as tmp:
        job = Job([None], lambda _graph: iter(data), Path(tmp), max(len(data), 1), context_url)
        count, size = _write(spec, out, job, gzip=gzip)
    return ExportStats(spec.name, (), None, count, size, gzip)


def jsonld_from_ntriples(ntriples: bytes | str, *, context_url: str | None = None) -> bytes:
    """N-Triples (a ``DESCRIBE`` or ``CONSTRUCT`` result, say) as JSON-LD
    compacted with the published context, deterministically (the writer of
    the JSON-LD export).

    Raises:
        SyntaxError: the input is not N-Triples.
    """
    text = ntriples.decode("utf-8") if isinstance(ntriples, bytes) else ntriples
    buffer = io.BytesIO()
    export_lines([text], "jsonld", buffer, context_url=context_url)
    return buffer.getvalue()


def export_bytes(store: GraphStore, fmt: str, **options: Any) -> bytes:
    """:func:`export_store` into memory (small graphs, tests)."""
    buffer = io.BytesIO()
    export_store(store, fmt, buffer, **options)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# The store's lines
# ---------------------------------------------------------------------------


class _StoreDumps:
    """The N-Triples lines of one graph of the store, dumped by Oxigraph to a
    temporary file and read back line by line (unsorted)."""

    def __init__(self, store: GraphStore, tmp: Path) -> None:
        self.store = store
        self.tmp = tmp
        self.n = 0

    def lines(self, graph: str | None) -> Iterator[bytes]:
        self.n += 1
        path = self.tmp / f"dump-{self.n}.nt"
        target = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
        with path.open("wb") as f:
            self.store.oxigraph.dump(f, ox.RdfFormat.N_TRIPLES, from_graph=target)
        try:
            with path.open("rb") as f:
                yield from f
        finally:
            path.unlink(missing_ok=True)


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


class _Writable(Protocol):
    def write(self, data: bytes, /) -> int | None: ...


class _Sink(io.RawIOBase):
    """A raw stream writing to ``sink``, counting bytes, and leaving ``sink``
    open when closed (a caller's stream stays the caller's)."""

    def __init__(self, sink: _Writable) -> None:
        self.sink = sink
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.sink.write(data)
        n = len(data)
        self.count += n
        return n


def _write(spec: Format, out: BinaryIO | Path, job: Job, *, gzip: bool) -> tuple[int, int]:
    """Run the writer of ``spec`` into ``out``; returns (statements, bytes)."""
    if job.chunk < 1:
        raise ExportError(f"chunk_lines must be positive, not {job.chunk}")
    partial: Path | None = None
    try:
        with ExitStack() as stack:
            if isinstance(out, Path):
                out.parent.mkdir(parents=True, exist_ok=True)
                partial = out.with_name(out.name + ".part")
                target: _Writable = stack.enter_context(partial.open("wb"))
            else:
                target = out
            sink = _Sink(target)
            raw: _Writable = sink
            if gzip:
                raw = stack.enter_context(
                    gzip_module.GzipFile(filename="", mode="wb", fileobj=sink, mtime=0)
                )
            buffered = stack.enter_context(io.BufferedWriter(_Sink(raw), 1 << 16))
            assert spec.writer is not None
            statements = spec.writer(buffered, job)
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
    if partial is not None and isinstance(out, Path):
        partial.replace(out)
    return statements, sink.count
