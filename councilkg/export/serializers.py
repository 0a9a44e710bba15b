"""The writers of the export formats: a graph's N-Triples lines in, one
format's bytes out, the same bytes for the same graph.

Each writer (``Writer``: a binary stream and a :class:`Job` in, the number of
statements written out) reads its graphs' lines *sorted* (code point order,
which is the byte order of UTF-8, so ``LC_ALL=C sort`` agrees) and
de-duplicated: N-Triples and N-Quads are those lines; Turtle and TriG group
them by subject through pyoxigraph's serializer with the prefixes of the
published context (:mod:`councilkg.prefixes`); JSON-LD is compacted with that
context, one node a line, keys and values sorted.  The registry of formats
(:mod:`councilkg.export.formats`) names each format's writer; the entry points
(:mod:`councilkg.export.writers`) give them their lines.

Why an external sort: the whole Repertoire is millions of triples.  Lines
are sorted in chunks of at most ``Job.chunk`` lines (runs spilled to disk)
and merged, and each writer consumes the merged lines one at a time, so
memory is bounded by one chunk whatever the size of the graph.

Why our own JSON-LD compaction: the compaction the published context calls
for is simple (terms by property and coercion, compact IRIs by prefix), and
writing it node by node keeps it streaming; a JSON-LD processor would need
the whole graph in memory.  Values that fit no term (a typed literal on a
language-map property, say) are written under the property's compact IRI as
value objects, so nothing is lost.
"""

from __future__ import annotations

import heapq
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from councilkg.prefixes import context, is_prefix, prefixes

__all__ = [
    "Job",
    "LineSource",
    "Writer",
    "compact_iri",
    "oxigraph_writer",
    "write_jsonld",
    "write_nquads",
    "write_ntriples",
]

_PARSE_BATCH = 20_000
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def compact_iri(iri: str) -> str:
    """``iri`` as the JSON-LD export writes it: shortened with the published
    context's prefixes (``https://w3id.org/councilkg/ontology#Meeting`` →
    ``ckg:Meeting``), or as is when none fits."""
    return _compactor().iri(iri)


# ---------------------------------------------------------------------------
# Sorted lines
# ---------------------------------------------------------------------------


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


LineSource = Callable[[str | None], Iterator[bytes]]


@dataclass(frozen=True, slots=True)
class Job:
    """What a writer needs: the graphs to write in order (None: triples
    without a graph), where their unsorted lines come from, the sort's
    scratch folder and chunk size, and for JSON-LD the URL of the context to
    refer to (None: embed it)."""

    graphs: list[str | None]
    source: LineSource
    tmp: Path
    chunk: int
    context_url: str | None

    def sorted_lines(self, graph: str | None) -> Iterator[bytes]:
        """The lines of ``graph``, sorted and de-duplicated."""
        return _sorted_unique(self.source(graph), self.tmp, self.chunk)


Writer = Callable[[IO[bytes], Job], int]
"""A format's writer: writes the job's graphs to the stream, returns the
number of statements (triples or quads) written."""


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def write_ntriples(out: IO[bytes], job: Job) -> int:
    """Each graph's sorted lines, one graph after the other (the triples
    formats are written from one source: the merge, or one named graph)."""
    n = 0
    for graph in job.graphs:
        for line in job.sorted_lines(graph):
            out.write(line)
            n += 1
    return n


def write_nquads(out: IO[bytes], job: Job) -> int:
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


def oxigraph_writer(fmt: ox.RdfFormat) -> Writer:
    """A writer through pyoxigraph's serializer (Turtle, TriG), fed sorted
    statements, with the context's prefixes."""

    def write(out: IO[bytes], job: Job) -> int:
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
            ox.serialize(quads(), out, fmt, prefixes=dict(prefixes()))
        else:
            ox.serialize(triples(), out, fmt, prefixes=dict(prefixes()))
        return counted[0]

    return write


def write_jsonld(out: IO[bytes], job: Job) -> int:
    """``{"@context": …, "@graph": [nodes of the default graph…, {"@id": G,
    "@graph": [nodes…]}…]}``, one node object a line."""
    compactor = _compactor()
    ctx: Any = job.context_url if job.context_url is not None else dict(context())
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


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")


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
            ((iri, name) for name, iri in ctx.items() if is_prefix(name, iri)),
            key=lambda p: (-len(p[0]), p[1]),
        )
        self.by_property: dict[str, list[_Term]] = {}
        self.classes: dict[str, str] = {}
        for name, definition in sorted(ctx.items()):
            if name.startswith("@") or is_prefix(name, definition):
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


@cache
def _compactor() -> _Compactor:
    return _Compactor(context())


def _one_or_many(items: list[Any]) -> Any:
    return items[0] if len(items) == 1 else items


def _sort_key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
