"""The one loader: Repertoire text into a store, the way ``councilkg ingest`` does it.

Every path that puts ingested files into a store goes through :func:`load`:
the command line, the tests' store fixtures and the benchmarks, so a store
built anywhere holds the same graphs.  Each file becomes one named graph
(replaced as a whole on re-ingest), the reference tables and the ontology
one more each, and the links between editions (:mod:`councilkg.alignment`)
one more; records and triples can also be written out as JSON lines and
sorted N-Triples/N-Quads for review and diffing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any, TextIO

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDFS
from tqdm import tqdm

from councilkg import heap
from councilkg.alignment import counterpart_lines
from councilkg.ingest.errors import Diagnostic, IngestError
from councilkg.ingest.fact_yield import FactYield, fact_yield
from councilkg.ingest.iris import Minter, source_id
from councilkg.ingest.ntriples import (
    nquads_lines,
    nquads_of_lines,
    ntriples_lines,
    triples_of_lines,
)
from councilkg.ingest.parts import Part, parts_of, read_part
from councilkg.ingest.pipeline import Coverage, IngestResult, ingest_source
from councilkg.ingest.rdf import Mapper, Triple, to_ntriples
from councilkg.ingest.records import Record, to_json
from councilkg.ingest.reference import reference_triples
from councilkg.ingest.vocab import CKG
from councilkg.resources import ontology_lines
from councilkg.search import refresh_index
from councilkg.search.build import Stated
from councilkg.search.staged import StagedIndex, stated_of_lines
from councilkg.store import LOADS_AT_ONCE, GraphStore, encoded_blocks
from councilkg.workers import default_workers, ordered_map

LARGE_INPUT = 1_000_000  # bytes: show a progress bar from here on
STREAM_BYTES = 4_000_000
"""Bytes of text above which a file's graph is mapped and loaded in parts
(its triples cost some 100 bytes of memory per byte of text)."""
PART_TRIPLES = 200_000
"""Triples per part of a large file's graph."""
POOL_BYTES = 1_500_000
"""Bytes of input from which files are ingested in worker processes alone
when a store is written (as many as :func:`~councilkg.workers.default_workers`),
this process loading the store.  Below, this process ingests files too,
beside one worker fewer (:func:`~councilkg.workers.ordered_map` with
``help_here``): a whole pool and this process loading only cost more than
the CPUs win on small inputs (2 CPUs, ratio to ``bulk_load`` in the same
run: 30 files of 24 kB, one process 2.89×, two workers 3.13×), while one
worker and this process between its loads share the work as fast as each
goes (30 files, two alternations of 14 runs: median 2.08 → 1.92 s and
2.43 → 2.07 s).  Above, two workers beat one process (the 100× corpus, 2.3
MB: 2.31× against 2.51×), one worker helped by this process measured the
same within the noise, and a file's records in this process come on top
of the store's caches and batches, which the memory target counts (there,
a peak of 180 MiB against 167)."""

SMALL_INPUT_LOADS = 2
"""Bulk loads run at once below :data:`POOL_BYTES` (above, one:
:data:`~councilkg.store.LOADS_AT_ONCE`).  A bulk load works on one CPU,
so one at a time they ended 0.2 s after the last of 30 files was mapped,
each waiting for the one before; two at a time, 30 files took 2.7-4.5 %
less time (one process running both ways alternately, paired medians).
Few batches are held then, where above it two loads at once raised the
1,000× corpus's peak from 229-236 MiB to 335-342."""


@dataclass(slots=True)
class FileReport:
    """What ingesting one file produced."""

    path: str
    sha256: str
    graph: str
    records: int
    triples: int
    coverage: Coverage
    diagnostics: list[Diagnostic]  # the ingest's, and one W012 per fact shortfall
    fact_yield: FactYield
    language: str = "zh"  # the code of the lexicon the file was read with
    document: Part | None = None
    """Which document of a file that holds several this is
    (:mod:`councilkg.ingest.parts`); None for a file that is one."""

    @property
    def shown(self) -> str:
        """The file, and which of its documents this is where it holds several."""
        label = self.document.label if self.document is not None else None
        return f"{self.path}, {label}" if label else self.path

    @property
    def warnings(self) -> list[Diagnostic]:
        """Diagnostics of gaps (codes ``W…``)."""
        return [d for d in self.diagnostics if not d.code.value.startswith("E")]

    @property
    def contradictions(self) -> list[Diagnostic]:
        """Diagnostics of contradictions in the source (codes ``E…``)."""
        return [d for d in self.diagnostics if d.code.value.startswith("E")]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (``councilkg ingest --format json``)."""
        return {
            "path": self.path,
            "document": _document_dict(self.document),
            "language": self.language,
            "sha256": self.sha256,
            "graph": self.graph,
            "fact_yield": self.fact_yield.to_dict(),
            "records": self.records,
            "triples": self.triples,
            "unparsed": [
                {"line": u.line, "reason": u.reason, "text": u.text} for u in self.coverage.unparsed
            ],
            "warnings": len(self.warnings),
            "contradictions": len(self.contradictions),
            "diagnostics": [
                {"code": d.code.value, "line": d.line, "message": d.message}
                for d in self.diagnostics
            ],
        }


@dataclass(slots=True)
class IngestRun:
    """What one ``ingest`` call produced."""

    files: list[FileReport] = field(default_factory=list)
    reference_triples: int = 0
    quads: list[str] = field(default_factory=list)  # sorted N-Quads, when asked for


def load(
    inputs: Iterable[str | Path | IngestResult],
    store: GraphStore | None,
    *,
    minter: Minter | None = None,
    language: str = "zh",
    records_out: TextIO | None = None,
    ntriples_out: TextIO | None = None,
    nquads_out: TextIO | None = None,
    progress: bool | None = None,
    keep_quads: bool = False,
    workers: int | None = None,
) -> IngestRun:
    """Ingest each input and load its graph into ``store`` (when given), with
    the reference and ontology graphs; flush the store and, when its graph
    changed, write its search index anew (:mod:`councilkg.search`), taking
    what each graph of the load states from its lines
    (:mod:`councilkg.search.staged`) rather than reading it from the store.

    An input is a text file's path, or a file already ingested (an
    :class:`~councilkg.ingest.pipeline.IngestResult`, e.g. from
    :func:`~councilkg.ingest.pipeline.ingest_bytes`), which is loaded as is.
    A file that holds several documents (:mod:`councilkg.ingest.parts`) is
    ingested document by document, each a source and a graph of its own,
    with a report each.
    ``language`` is the code of the edition's language, or ``auto``: each
    file's own (:func:`~councilkg.ingest.language.detect_language`).
    ``minter`` mints the IRIs (default: the default base).  ``progress``
    shows a bar; None: for several files or large ones.  ``keep_quads``
    keeps the sorted N-Quads in the result (:attr:`IngestRun.quads`).
    ``workers``: processes that ingest files while this one loads the
    store (default :func:`~councilkg.workers.default_workers`; below
    :data:`POOL_BYTES` of input, when a store is written, one fewer and
    this process ingesting files too); the result is the same with any
    number.

    Raises:
        councilkg.ingest.errors.IngestError: on the first file that is not Repertoire text.
    """
    minter = minter if minter is not None else Minter()
    items = [
        part for i in inputs for part in ([i] if isinstance(i, IngestResult) else parts_of(Path(i)))
    ]
    size = sum(_size(i) for i in items)
    show = progress if progress is not None else (len(items) > 1 or size > LARGE_INPUT)
    run = IngestRun()
    all_lines: set[str] = set()  # the N-Triples output's, when asked for
    quads: list[str] = []
    ref, ref_lines, _ = _fixed_graphs(minter)
    run.reference_triples = len(ref_lines)
    want_quads = nquads_out is not None or keep_quads
    if want_quads:
        quads.extend(nquads_lines(ref, minter.reference_graph()))
    keep = records_out is not None or ntriples_out is not None or want_quads
    # What each graph states for the search index, read from its lines as
    # they are mapped (:mod:`councilkg.search.staged`), for a store on disk.
    staging = None
    if store is not None and store.path != Path(":memory:"):
        staging = StagedIndex(store.path, minter.base)
    prefix = None if staging is None else staging.prefix
    task = partial(_ingest_one, language=language, minter=minter, keep=keep, stage=prefix)
    try:
        # Workers only for paths whose records and triples are not wanted here:
        # then what crosses back is a report and the graph's text in blocks.
        pooled = not keep and all(isinstance(i, Part) for i in items)
        # Files too large to hold all their triples and lines at once: streamed.
        large = [
            n
            for n, i in enumerate(items)
            if store is not None and not keep and isinstance(i, Part) and _size(i) > STREAM_BYTES
        ]
        streamed = set(large)
        small = [i for n, i in enumerate(items) if n not in streamed]
        reports: list[tuple[int, FileReport]] = []
        small_input = size < POOL_BYTES
        help_here = False
        if workers is None:
            workers = default_workers()
            if store is not None and small_input:
                workers, help_here = workers - 1, True
        n_workers = workers if pooled else 0
        held = _HeldSources(store)
        trimmer = heap.Trimmer()
        with ExitStack() as staged:
            if store is not None:
                # Every graph of this load is published at once, or none is.
                loads = SMALL_INPUT_LOADS if small_input else LOADS_AT_ONCE
                staged.enter_context(store.staged(loads_at_once=loads))
                for graph, lines in _fixed_lines(minter):
                    store.replace_graph_if_changed(graph, list(lines))
                    if staging is not None:
                        rows = _fixed_stated(minter, graph, staging.prefix)
                        staging.stage(graph, store.digest(graph), rows)
            bar = tqdm(total=len(items), unit="file", disable=not show, leave=False)
            for n in large:
                # One at a time, here, its graph mapped and loaded in parts.
                big = items[n]
                assert store is not None and isinstance(big, Part)
                reports.append((n, _load_large(big, store, minter, language, held, staging)))
                bar.update()
            positions = iter(n for n in range(len(items)) if n not in streamed)
            for done in ordered_map(task, small, n_workers, help_here=help_here):
                bar.set_postfix_str(Path(done.report.path).name)
                bar.update()
                held.claim(done.report.path, done.report.sha256)
                if store is not None:
                    held.drop_stale(store, done.report.sha256, done.report.graph)
                    store.replace_blocks_if_changed(done.report.graph, done.blocks)
                    if staging is not None and done.stated is not None:
                        graph = done.report.graph
                        staging.stage(graph, store.digest(graph), done.stated)
                if records_out is not None and done.records is not None:
                    for record in done.records:
                        records_out.write(to_json(record) + "\n")
                if done.lines is not None:
                    if ntriples_out is not None:
                        all_lines.update(done.lines)
                    if want_quads:
                        quads.extend(nquads_of_lines(done.lines, done.report.graph))
                reports.append((next(positions), done.report))
                # Nothing of this file is kept past its report: the next one
                # starts from the same heap, given back to the system once a
                # few megabytes of graphs were freed (a trim's cost is fixed).
                freed = sum(len(block) for block in done.blocks)
                del done
                trimmer.freed(freed)
            bar.close()
            run.files = [report for _, report in sorted(reports, key=lambda nr: nr[0])]
            if staging is not None:
                # The index of this load's graphs, written while the store
                # loads the last batch (none of it reads the store).
                assert store is not None
                store.start_loading()
                staging.prepare(store.graph_digests())
            if store is not None:
                # The links between editions, from what the store now holds (the
                # files of this load and those loaded before).
                store.replace_graph_if_changed(
                    str(minter.alignment_graph()), _alignment_lines(store)
                )
        if ntriples_out is not None:
            # The lines of the union of the graphs: the sorted union of their lines.
            all_lines.update(ref_lines)
            ntriples_out.writelines(sorted(all_lines))
        if want_quads:
            run.quads = sorted(set(quads))
        if nquads_out is not None:
            nquads_out.writelines(run.quads)
        if store is not None:
            store.flush()
            # After the swap, whose new generation the index records: a reader
            # that sees the new graph and an index of the old one rebuilds it.
            refresh_index(store, staging)
    finally:
        if staging is not None:
            staging.discard()
    return run


def _alignment_lines(store: GraphStore) -> list[str]:
    """The alignment graph's lines (:func:`~councilkg.alignment.counterpart_lines`),
    computed only when the store holds two editions of one supplement.

    Why the check: counterparts are passages of two editions of the same
    supplement, so with one edition per supplement (the usual store) the
    graph is empty, and finding that out from the sources' two properties
    costs milliseconds where the alignment's queries read every passage.
    """
    source = store.oxigraph
    default = ox.DefaultGraph()
    supplement = {
        q.subject: q.object
        for q in source.quads_for_pattern(None, ox.NamedNode(str(CKG.supplement)), None, default)
    }
    editions: dict[Any, set[Any]] = {}
    for q in source.quads_for_pattern(None, ox.NamedNode(str(DCTERMS.language)), None, default):
        if q.subject in supplement:
            editions.setdefault(supplement[q.subject], set()).add(q.object)
    if all(len(languages) < 2 for languages in editions.values()):
        return []
    return counterpart_lines(store)


def _load_large(
    item: Part,
    store: GraphStore,
    minter: Minter,
    language: str,
    held: _HeldSources,
    staging: StagedIndex | None,
) -> FileReport:
    """Ingest a large document and load its graph part by part
    (:func:`_line_parts`): its triples and lines are never all held; what
    each part states for the search index is staged with it."""
    result = ingest_source(read_part(item), language=language)
    held.claim(item.path, result.source.sha256)
    graph = str(minter.graph(result.source.sha256))
    held.drop_stale(store, result.source.sha256, graph)

    def parts() -> Iterator[list[str]]:
        for n, part in enumerate(_line_parts(result.records, minter)):
            lines = sorted(part)
            if staging is not None:
                # No digest until the last part is written: none matches.
                staging.stage(graph, "", stated_of_lines(lines, staging.prefix), more=n > 0)
            yield lines

    count = store.replace_graph_in_parts(graph, parts())
    if staging is not None:
        staging.stage(graph, store.digest(graph), [], more=True)
    return _report(result, item, graph, count)


class _HeldSources:
    """The full SHA-256 behind each source id (:func:`~councilkg.ingest.iris.source_id`)
    of this load and of the store, so that two different texts never share
    one source's IRIs and graph.

    Why a check at all: a source is named in IRIs by 64 bits of its digest;
    two texts that agree on those would silently replace each other's graph
    (odds of about n²/2⁶⁵, but a wrong graph is never acceptable).  The
    store's sources are read once, before the load queues anything: a read
    during the load would wait for the queued graphs to be written, one bulk
    load per file instead of one per batch.
    """

    def __init__(self, store: GraphStore | None) -> None:
        self.held: dict[str, tuple[str, str]] = {}  # id → (full digest, file)
        # full digest → the graphs that hold a source of that text
        self.graphs: dict[str, set[str]] = {}
        if store is None:
            return
        graphs = store.oxigraph
        label = ox.NamedNode(str(RDFS.label))
        for quad in graphs.quads_for_pattern(None, ox.NamedNode(CKG.sha256), None):
            if not isinstance(quad.object, ox.Literal) or not isinstance(
                quad.graph_name, ox.NamedNode
            ):
                continue
            names = graphs.quads_for_pattern(quad.subject, label, None, quad.graph_name)
            name = next((q.object.value for q in names if isinstance(q.object, ox.Literal)), "")
            digest = quad.object.value
            self.graphs.setdefault(digest, set()).add(quad.graph_name.value)
            self.held.setdefault(source_id(digest), (digest, name or str(quad.subject)))

    def drop_stale(self, store: GraphStore, sha256: str, graph: str) -> None:
        """Drop the store's other graphs of the text of digest ``sha256``,
        which its graph ``graph`` replaces: graphs named by another form of
        its source id (a store written when ids had another length), which
        would otherwise hold its facts a second time."""
        for stale in sorted(self.graphs.get(sha256, set()) - {graph}):
            store.drop_graph(stale)

    def claim(self, path: str, sha256: str) -> None:
        """Record that ``path`` (of digest ``sha256``) takes its source id.

        Raises:
            IngestError: when a different full digest already holds the id,
                in this load or in the store.
        """
        key = source_id(sha256)
        other = self.held.setdefault(key, (sha256, path))
        if other[0] != sha256:
            raise IngestError(
                f"{path}: its source id {key} (SHA-256 {sha256}) is already held by "
                f"{other[1]} (SHA-256 {other[0]}); two different texts cannot share "
                "one source's IRIs and graph"
            )


def _line_parts(records: list[Record], minter: Minter) -> Iterator[set[str]]:
    """The N-Triples lines of :func:`~councilkg.ingest.rdf.to_ntriples`, in
    parts of about :data:`PART_TRIPLES` (a line may occur in two parts).

    The same :class:`~councilkg.ingest.rdf.Mapper` steps as ``run``: its
    output set is taken whenever it has grown large enough.
    """
    mapper = Mapper(minter, records)
    for record in records:
        mapper.record(record)
        if len(mapper.out) >= PART_TRIPLES:
            yield mapper.out
            mapper.out = set()
    mapper.vote_events()
    yield mapper.out


@dataclass(slots=True)
class _Ingested:
    """One file ingested: its report and its graph's N-Triples in UTF-8
    blocks (:func:`~councilkg.store.encoded_blocks`), and its records and
    sorted lines when the caller writes them out.

    Why blocks of bytes: a large file's graph sent back from a worker as
    one string was held here three times at once (the pipe's pickle, the
    string, and its UTF-8 copy hashed and queued by the store), each as
    large as the graph's text; as blocks it is held as the pickle and the
    blocks only, and the store hashes and queues the blocks as they are.
    """

    report: FileReport
    blocks: list[bytes]
    records: list[Record] | None
    lines: list[str] | None
    stated: list[Stated] | None = None
    """What the graph states for the search index, when asked for."""

    @property
    def triples(self) -> set[Triple] | None:
        """The graph as rdflib terms, when its lines were kept."""
        return None if self.lines is None else triples_of_lines(self.lines)


def _ingest_one(
    item: Part | IngestResult,
    *,
    language: str,
    minter: Minter,
    keep: bool,
    stage: str | None = None,
) -> _Ingested:
    """Ingest one input and map it to N-Triples (in a worker, or here);
    with ``stage`` (the data IRIs' prefix), read what its graph states for
    the search index from its lines too."""
    if isinstance(item, IngestResult):
        result = item
    else:
        result = ingest_source(read_part(item), language=language)
    lines = to_ntriples(result.records, minter)
    graph = str(minter.graph(result.source.sha256))
    report = _report(result, item, graph, len(lines))
    # Blocks of about a megabyte, not a list of lines: a fraction of the
    # memory, and quick to send back from a worker.
    blocks = list(encoded_blocks(lines))
    stated = None if stage is None else stated_of_lines(lines, stage)
    if not keep:
        return _Ingested(report, blocks, None, None, stated)
    return _Ingested(report, blocks, result.records, lines, stated)


def _report(
    result: IngestResult, item: Part | IngestResult, graph: str, triples: int
) -> FileReport:
    """What one file (or document of a file) yielded, with one W012
    diagnostic per fact shortfall."""
    yielded = fact_yield(result)
    diagnostics = sorted(
        [*result.diagnostics, *yielded.diagnostics()],
        key=lambda d: (d.start, d.code.value, d.message),
    )
    return FileReport(
        result.source.path,
        result.source.sha256,
        graph,
        len(result.records),
        triples,
        result.coverage,
        diagnostics,
        yielded,
        result.language,
        item if isinstance(item, Part) and item.count > 1 else None,
    )


def _document_dict(part: Part | None) -> dict[str, Any] | None:
    """Where in its file a document is, for ``--format json``."""
    if part is None:
        return None
    return {
        "index": part.index,
        "count": part.count,
        "job_number": part.job,
        "first_line": part.first_line,
        "start_byte": part.start,
        "end_byte": part.end,
    }


@cache
def _fixed_graphs(
    minter: Minter,
) -> tuple[frozenset[Triple], tuple[str, ...], tuple[str, ...]]:
    """The graphs every load carries, computed once per base IRI: the
    reference triples and their N-Triples lines, and the ontology's lines."""
    ref = frozenset(reference_triples(minter))
    return ref, tuple(ntriples_lines(ref)), tuple(ontology_lines())


def _fixed_lines(minter: Minter) -> list[tuple[str, tuple[str, ...]]]:
    """The reference and ontology graphs, by name, with their lines."""
    _, ref_lines, onto_lines = _fixed_graphs(minter)
    return [(str(minter.reference_graph()), ref_lines), (str(minter.ontology_graph()), onto_lines)]


@cache
def _fixed_stated(minter: Minter, graph: str, prefix: str) -> tuple[Stated, ...]:
    """What the reference or ontology graph states of the data IRIs (those
    starting with ``prefix``) for the search index
    (:func:`~councilkg.search.staged.stated_of_lines`), computed once."""
    lines = dict(_fixed_lines(minter))[graph]
    return tuple(stated_of_lines(lines, prefix))


def _size(item: Part | IngestResult) -> int:
    """Bytes of an input (0 for a missing file: ingesting it reports the error)."""
    if isinstance(item, IngestResult):
        return item.source.size
    return item.size
