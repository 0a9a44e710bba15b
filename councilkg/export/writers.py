"""Deterministic exports of the store: Turtle, N-Triples, N-Quads, TriG and
JSON-LD, optionally gzipped.

Why deterministic: a published dump is hashed, mirrored and diffed; the same
graph must give the same bytes whatever the order in which it was loaded.
So every format is written from *sorted* N-Triples lines (code point order,
which is the byte order of UTF-8, so ``LC_ALL=C sort`` agrees): N-Triples
and N-Quads are those lines; Turtle and TriG group them by subject with the
fixed prefixes of the published context; JSON-LD is compacted with that
context, one node a line, keys and values sorted; gzip is written with
``mtime=0`` and no file name.  The project mints no blank nodes; a graph
that had some would get the labels the store gives them, which are not
stable.

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

Why streaming with an external sort: the whole Repertoire is millions of
triples.  Lines are dumped by Oxigraph to a temporary file, sorted in chunks
of at most ``chunk_lines`` lines (runs spilled to disk) and merged, and each
writer consumes the merged lines one at a time, so memory is bounded by one
chunk whatever the size of the store.

Why our own JSON-LD compaction: the compaction the published context calls
for is simple (terms by property and coercion, compact IRIs by prefix), and
writing it node by node keeps it streaming; a JSON-LD processor would need
the whole graph in memory.  Values that fit no term (a typed literal on a
language-map property, say) are written under the property's compact IRI as
value objects, so nothing is lost: the tests re-parse every export with
rdflib and pyoxigraph.
"""

from __future__ import annotations

import gzip as gzip_module
import heapq
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol

import pyoxigraph as ox

from councilkg.resources import context_text
from councilkg.store import GraphStore

__all__ = [
    "CHUNK_LINES",
    "CONTEXT_URL",
    "FORMATS",
    "ExportError",
    "ExportFormat",
    "ExportStats",
    "compact_iri",
    "context",
    "dump_name",
    "export_bytes",
    "export_lines",
    "export_store",
    "format_of",
    "jsonld_from_ntriples",
    "prefixes",
]

CHUNK_LINES = 500_000
CONTEXT_URL = "https://w3id.org/councilkg/context.jsonld"
_PARSE_BATCH = 20_000
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class ExportError(ValueError):
    """An export asked for wrongly: unknown format or extension, or a graph
    the store does not have."""


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One export format: its name, file extension, media type, the W3C
    format IRI (``http://www.w3.org/ns/formats/``) and whether it carries
    named graphs."""

    name: str
    extension: str
    media_type: str
    format_iri: str
    quads: bool


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "jsonld", ".jsonld", "application/ld+json", "http://www.w3.org/ns/formats/JSON-LD", True
        ),
        ExportFormat(
            "nquads", ".nq", "application/n-quads", "http://www.w3.org/ns/formats/N-Quads", True
        ),
        ExportFormat(
            "ntriples",
            ".nt",
            "application/n-triples",
            "http://www.w3.org/ns/formats/N-Triples",
            False,
        ),
        ExportFormat(
            "trig", ".trig", "application/trig", "http://www.w3.org/ns/formats/TriG", True
        ),
        ExportFormat("turtle", ".ttl", "text/turtle", "http://www.w3.org/ns/formats/Turtle", False),
    )
}
_BY_EXTENSION = {f.extension: f.name for f in FORMATS.values()}


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


def format_of(name: str | Path) -> tuple[str, bool]:
    """The format named by a file's extension, and whether it is gzipped
    (``graph.nq.gz`` → ``("nquads", True)``).

    Raises:
        ExportError: an extension that is not one of :data:`FORMATS`.
    """
    path = Path(name)
    zipped = path.suffix.lower() == ".gz"
    suffix = Path(path.stem).suffix.lower() if zipped else path.suffix.lower()
    fmt = _BY_EXTENSION.get(suffix)
    if fmt is None:
        raise ExportError(
            f"{name}: unknown RDF file extension {suffix!r}; expected one of "
            + ", ".join(sorted(_BY_EXTENSION))
            + " (optionally followed by .gz)"
        )
    return fmt, zipped


def dump_name(fmt: str, *, gzip: bool = False, stem: str = "councilkg") -> str:
    """The file name of a dump in ``fmt`` (``councilkg.nq``, ``councilkg.ttl.gz``)."""
    return stem + _format(fmt).extension + (".gz" if gzip else "")


@cache
def context() -> dict[str, Any]:
    """The published ``@context`` object (``ontology/context.jsonld``)."""
    data: dict[str, Any] = json.loads(context_text())["@context"]
    return data


def compact_iri(iri: str) -> str:
    """``iri`` shortened with the published context's prefixes
    (``https://w3id.org/councilkg/ontology#Meeting`` → ``ckg:Meeting``), or
    as is when none fits."""
    return _compactor().iri(iri)


def prefixes() -> dict[str, str]:
    """The prefixes of the published context (name → namespace), sorted by name:
    the prefixes of every Turtle and TriG export."""
    return {k: v for k, v in sorted(context().items()) if _is_prefix(k, v)}


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
        fmt: one of :data:`FORMATS`.
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
    spec = _format(fmt)
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
        job = _Job(
            sources, _StoreDumps(store, Path(tmp)).lines, Path(tmp), chunk_lines, context_url
        )
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
    spec = _format(fmt)
    triples = list(ox.parse("".join(lines), format=ox.RdfFormat.N_TRIPLES))
    canonical = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    data = sorted(set(canonical.splitlines(keepends=True)))
    with tempfile.TemporaryDirectory(prefix="councilkg-export-") as tmp:
        job = _Job([None], lambda _graph: iter(data), Path(tmp), max(len(data), 1), context_url)
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
# Sorted lines
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


def _sorted_unique(lines: Iterable[bytes], tmp: Path, chunk: int) -> Iterator[bytes]:
    """``lines`` sorted and de-duplicated, with at most ``chunk`` lines in
    memory: sorted runs are spilled to files in ``tmp`` and merged."""
    runs: list[Path] = []
    buffer: list[bytes] = []
    for line in lines:
        buffer.append(line)
        if len(buffer) >= chunk:
            runs.append(_spill(sorted(buffer), tmp))
            buffer = []
    buffer.sort()
    if not runs:
        yield from _dedupe(buffer)
        return
    if buffer:
        runs.append(_spill(buffer, tmp))
    del buffer
    with ExitStack() as stack:
        files = [stack.enter_context(run.open("rb")) for run in runs]
        yield from _dedupe(heapq.merge(*files))
    for run in runs:
        run.unlink(missing_ok=True)


def _spill(lines: list[bytes], tmp: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=tmp, suffix=".run")
    with os.fdopen(fd, "wb") as f:
        f.writelines(lines)
    return Path(name)


def _dedupe(lines: Iterable[bytes]) -> Iterator[bytes]:
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line


def _triples(lines: Iterable[bytes]) -> Iterator[ox.Triple]:
    """Parse N-Triples lines in batches (one parser call per batch)."""
    batch: list[bytes] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= _PARSE_BATCH:
            yield from ox.parse(b"".join(batch), format=ox.RdfFormat.N_TRIPLES)
            batch = []
    if batch:
        yield from ox.parse(b"".join(batch), format=ox.RdfFormat.N_TRIPLES)


# ---------------------------------------------------------------------------
# Writers
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


LineSource = Callable[[str | None], Iterator[bytes]]


@dataclass(frozen=True, slots=True)
class _Job:
    """What a writer needs: the graphs to write in order (None: triples
    without a graph), where their unsorted lines come from, and the sort's
    scratch folder and chunk size."""

    graphs: list[str | None]
    source: LineSource
    tmp: Path
    chunk: int
    context_url: str | None

    def sorted_lines(self, graph: str | None) -> Iterator[bytes]:
        """The lines of ``graph``, sorted and de-duplicated."""
        return _sorted_unique(self.source(graph), self.tmp, self.chunk)


Writer = Callable[[IO[bytes], _Job], int]


def _write(spec: ExportFormat, out: BinaryIO | Path, job: _Job, *, gzip: bool) -> tuple[int, int]:
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
            statements = _WRITERS[spec.name](buffered, job)
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
    if partial is not None and isinstance(out, Path):
        partial.replace(out)
    return statements, sink.count


def _write_ntriples(out: IO[bytes], job: _Job) -> int:
    n = 0
    for graph in job.graphs:
        for line in job.sorted_lines(graph):
            out.write(line)
            n += 1
    return n


def _write_nquads(out: IO[bytes], job: _Job) -> int:
    """One sort over every graph's lines with its graph term appended, so the
    file is sorted as a whole (subject first) and memory stays one chunk."""

    def quads() -> Iterator[bytes]:
        for graph in job.graphs:
            suffix = f" <{graph}> .\n".encode() if graph is not None else b" .\n"
            for line in job.source(graph):
                yield line[: -len(b" .\n")] + suffix

    n = 0
    for line in _sorted_unique(quads(), job.tmp, job.chunk):
        out.write(line)
        n += 1
    return n


def _rdf_writer(fmt: ox.RdfFormat) -> Writer:
    """A writer through pyoxigraph's serializer (Turtle, TriG), fed sorted
    statements, with the context's prefixes."""

    def write(out: IO[bytes], job: _Job) -> int:
        counted = [0]

        def triples() -> Iterator[ox.Triple]:
            for graph in job.graphs:
                for t in _triples(job.sorted_lines(graph)):
                    counted[0] += 1
                    yield t

        def quads() -> Iterator[ox.Quad]:
            for graph in job.graphs:
                name = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
                for t in _triples(job.sorted_lines(graph)):
                    counted[0] += 1
                    yield ox.Quad(t.subject, t.predicate, t.object, name)

        if fmt.supports_datasets:
            ox.serialize(quads(), out, fmt, prefixes=prefixes())
        else:
            ox.serialize(triples(), out, fmt, prefixes=prefixes())
        return counted[0]

    return write


def _write_jsonld(out: IO[bytes], job: _Job) -> int:
    """``{"@context": …, "@graph": [nodes of the default graph…, {"@id": G,
    "@graph": [nodes…]}…]}``, one node object a line."""
    compactor = _compactor()
    ctx: Any = job.context_url if job.context_url is not None else context()
    out.write(b'{"@context": ' + _json(ctx) + b',\n"@graph": [')
    n = 0
    first = True
    for graph in job.graphs:
        if graph is not None:
            out.write(b"\n" if first else b",\n")
            out.write(b'{"@id": ' + _json(compactor.iri(graph)) + b', "@graph": [')
            first = True
        for node, count in compactor.nodes(_triples(job.sorted_lines(graph))):
            out.write(b"\n" if first else b",\n")
            out.write(_json(node))
            first = False
            n += count
        if graph is not None:
            out.write(b"\n]}")
            first = False
    out.write(b"\n]}\n")
    return n


_WRITERS: dict[str, Writer] = {
    "ntriples": _write_ntriples,
    "nquads": _write_nquads,
    "turtle": _rdf_writer(ox.RdfFormat.TURTLE),
    "trig": _rdf_writer(ox.RdfFormat.TRIG),
    "jsonld": _write_jsonld,
}


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _format(fmt: str) -> ExportFormat:
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ExportError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return spec


# ---------------------------------------------------------------------------
# JSON-LD compaction
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Term:
    name: str
    coercion: str | None  # "@id", "@language", a datatype IRI, or None


class _Compactor:
    """Compacts triples to JSON-LD node objects with the published context.

    A value goes under the term for its property whose coercion it fits
    (an IRI under an ``"@type": "@id"`` term, a literal of datatype D under
    a term typed D, a language-tagged or plain string under a language map,
    a plain string under an uncoerced term); otherwise under an uncoerced
    term or the property's compact IRI, as a value object.  IRIs are
    compacted with the longest matching prefix.
    """

    def __init__(self, ctx: Mapping[str, Any]) -> None:
        self.prefixes: list[tuple[str, str]] = sorted(
            ((iri, name) for name, iri in ctx.items() if _is_prefix(name, iri)),
            key=lambda p: (-len(p[0]), p[1]),
        )
        self.by_property: dict[str, list[_Term]] = {}
        self.classes: dict[str, str] = {}
        for name, definition in sorted(ctx.items()):
            if name.startswith("@") or _is_prefix(name, definition):
                continue
            if isinstance(definition, str):
                self.classes[self.expand(definition)] = name
                continue
            iri = self.expand(definition["@id"])
            if definition.get("@container") == "@language":
                coercion: str | None = "@language"
            elif "@type" in definition:
                kind = definition["@type"]
                coercion = kind if kind == "@id" else self.expand(kind)
            else:
                coercion = None
            self.by_property.setdefault(iri, []).append(_Term(name, coercion))

    def expand(self, value: str) -> str:
        """A compact IRI of the context, expanded."""
        prefix, sep, local = value.partition(":")
        for iri, name in self.prefixes:
            if sep and name == prefix:
                return iri + local
        return value

    def iri(self, value: str) -> str:
        """``value`` as a compact IRI when a prefix matches, else as is."""
        for ns, name in self.prefixes:
            if value.startswith(ns) and len(value) > len(ns):
                local = value[len(ns) :]
                if not local.startswith("//"):
                    return f"{name}:{local}"
        return value

    def _term(self, predicate: str, coercion: str | None) -> str | None:
        for term in self.by_property.get(predicate, ()):
            if term.coercion == coercion:
                return term.name
        return None

    def nodes(self, triples: Iterable[ox.Triple]) -> Iterator[tuple[dict[str, Any], int]]:
        """Node objects, one per run of triples with the same subject, and
        the number of triples each carries."""
        subject: Any = None
        group: list[ox.Triple] = []
        for t in triples:
            if subject is not None and t.subject != subject:
                yield self.node(subject, group), len(group)
                group = []
            subject = t.subject
            group.append(t)
        if group:
            yield self.node(subject, group), len(group)

    def node(self, subject: Any, triples: list[ox.Triple]) -> dict[str, Any]:
        """The node object of ``subject`` with the ``triples`` about it."""
        values: dict[str, list[Any]] = {}
        maps: dict[str, dict[str, list[str]]] = {}
        types: list[str] = []
        for t in triples:
            p, o = t.predicate.value, t.object
            if p == _RDF_TYPE and isinstance(o, ox.NamedNode):
                types.append(self.classes.get(o.value) or self.iri(o.value))
                continue
            if isinstance(o, ox.Literal):
                self._literal(p, o, values, maps)
            else:
                ref = self._ref(o)
                term = self._term(p, "@id")
                if term is not None:
                    values.setdefault(term, []).append(ref)
                else:
                    values.setdefault(self._key(p), []).append({"@id": ref})
        node: dict[str, Any] = {"@id": self._ref(subject)}
        if types:
            node["@type"] = _one_or_many(sorted(set(types)))
        for key, items in values.items():
            node[key] = _one_or_many(sorted(items, key=_sort_key))
        for key, by_lang in maps.items():
            node[key] = {lang: _one_or_many(sorted(v)) for lang, v in sorted(by_lang.items())}
        return node

    def _ref(self, term: Any) -> str:
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return self.iri(term.value)

    def _key(self, predicate: str) -> str:
        """The uncoerced term of ``predicate``, else its compact IRI."""
        return self._term(predicate, None) or self.iri(predicate)

    def _literal(
        self,
        p: str,
        o: ox.Literal,
        values: dict[str, list[Any]],
        maps: dict[str, dict[str, list[str]]],
    ) -> None:
        datatype = o.datatype.value
        if o.language:
            term = self._term(p, "@language")
            if term is not None:
                maps.setdefault(term, {}).setdefault(o.language, []).append(o.value)
            else:
                values.setdefault(self._key(p), []).append(
                    {"@value": o.value, "@language": o.language}
                )
        elif datatype == _XSD_STRING:
            plain = self._term(p, None)
            language_map = self._term(p, "@language")
            if plain is not None:
                values.setdefault(plain, []).append(o.value)
            elif language_map is not None:
                maps.setdefault(language_map, {}).setdefault("@none", []).append(o.value)
            else:
                values.setdefault(self.iri(p), []).append(o.value)
        else:
            term = self._term(p, datatype)
            if term is not None:
                values.setdefault(term, []).append(o.value)
            else:
                values.setdefault(self._key(p), []).append(
                    {"@value": o.value, "@type": self.iri(datatype)}
                )


def _is_prefix(name: str, definition: Any) -> bool:
    """A prefix entry: an absolute namespace IRI, not a term's compact IRI."""
    return (
        not name.startswith("@")
        and isinstance(definition, str)
        and "://" in definition
        and definition.endswith(("/", "#"))
    )


@cache
def _compactor() -> _Compactor:
    return _Compactor(context())


def _one_or_many(items: list[Any]) -> Any:
    return items[0] if len(items) == 1 else items


def _sort_key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
