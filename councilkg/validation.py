"""SHACL validation of the councilkg graph, with each result traced back to
the characters of the Repertoire that stated the offending fact.

Why pyshacl over an rdflib graph, not over the Oxigraph store: pyshacl's
Oxigraph backend is two orders of magnitude slower and reports false
``sh:in`` violations on string literals (oxrdflib returns every simple
literal typed ``xsd:string``; see bench/README.md), so the
store is dumped (N-Quads) and parsed into an in-memory rdflib graph first.

Why the union of the named graphs: the store keeps one named graph per
source file plus the reference graph, but the Council's rules cross them (a
vote in a source graph is checked against membership terms in the reference
graph).  pyshacl given a Dataset validates each named graph on its own, so
:func:`validate` merges a Dataset into one graph before validating.

Why the ontology mixed in: shapes target classes such as
``ckg:CouncilEvent`` and ``ckg:Document`` whose instances are typed with
subclasses (``ckg:Meeting``, ``ckg:Resolution``); SHACL finds them through
``rdfs:subClassOf`` triples, which live in the ontology.  It also brings the
controlled values (``ckg:InFavour a ckg:VotePosition`` …) that ``sh:class``
checks rely on.  This is what pyshacl's ``ont_graph`` does; it is done here,
on a copy, so that pyshacl validates a graph that prepares each SPARQL
query once (see :class:`_PreparedQueryGraph`).  No inference is run
(``inference="none"``): the graph is validated as stored.

Two engines give the same results: pyshacl (:func:`validate`'s default
here, the reference the tests hold everything to) and the fast engine of
:mod:`councilkg.shacl` (``engine="fast"``, what ``councilkg validate`` runs
by default), whose report goes through the same
:func:`results_from_report`.

Why a source location per result: a violation is only useful if someone
can open the Repertoire at the right page and read the passage.  Every
fact-bearing node is ``prov:wasDerivedFrom`` the passage that states it;
nodes that are derived from none (a vote count, a cited document) are
located through the node they belong to.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import PROV
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor
from rdflib.query import Result as QueryResult
from rdflib.term import Identifier, Node

from councilkg import shacl
from councilkg.export.formats import EXPORT_FORMATS, FORMATS, format_of
from councilkg.resources import ontology_text, resource_files
from councilkg.store import GraphStore

__all__ = [
    "SourceLocation",
    "ValidationReport",
    "ValidationResult",
    "graph_from_file",
    "graph_from_store",
    "load_ontology",
    "load_shapes",
    "locate",
    "results_from_report",
    "validate",
    "validate_ntriples",
]

SH = Namespace("http://www.w3.org/ns/shacl#")
CKG = Namespace("https://w3id.org/councilkg/ontology#")
CKGSH = Namespace("https://w3id.org/councilkg/shapes#")
OA = Namespace("http://www.w3.org/ns/oa#")
CITO = Namespace("http://purl.org/spar/cito/")

# Prefixes used to write vocabulary terms compactly in reports.  Data IRIs
# (``https://w3id.org/councilkg/id/…``) are written in full: they are what a
# reader pastes into a query.
PREFIXES = {
    "ckg": str(CKG),
    "ckgsh": str(CKGSH),
    "sh": str(SH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": str(PROV),
    "oa": str(OA),
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "cito": str(CITO),
}

_NSM = Graph().namespace_manager
for _prefix, _namespace in PREFIXES.items():
    _NSM.bind(_prefix, _namespace, override=True)

_SEVERITY = {str(SH.Violation): "Violation", str(SH.Warning): "Warning", str(SH.Info): "Info"}
_QUOTE_LIMIT = 160  # characters of a passage's text shown as its quote


# ---------------------------------------------------------------------------
# Loading shapes, ontology and data
# ---------------------------------------------------------------------------


def load_shapes() -> Graph:
    """Every ``shapes/*.ttl`` file, merged into one shapes graph.

    Read through :mod:`councilkg.resources` so that the same shapes are used
    from a source checkout and from an installed wheel.
    """
    graph = Graph()
    for file in resource_files("shapes", ".ttl"):
        graph.parse(data=file.read_text(encoding="utf-8"), format="turtle")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def load_ontology() -> Graph:
    """The councilkg ontology, for ``rdfs:subClassOf`` targets and code lists."""
    graph = Graph()
    graph.parse(data=ontology_text(), format="turtle")
    return graph


@cache
def _cached_shapes() -> Graph:
    return load_shapes()


@cache
def _cached_ontology() -> Graph:
    return load_ontology()


def union_graph(data: Graph) -> Graph:
    """The union of every graph of a Dataset (or ``data`` itself if it is a
    plain Graph), without duplicates."""
    if not isinstance(data, ConjunctiveGraph):
        return data
    merged = Graph()
    for prefix, namespace in data.namespaces():
        merged.bind(prefix, namespace, override=False)
    for s, p, o, _ in data.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def graph_from_store(store: GraphStore) -> Graph:
    """The union of all named graphs of ``store`` as an in-memory rdflib graph.

    The store's N-Quads dump is rewritten as N-Triples by pyoxigraph (which
    drops the graph names) because rdflib parses N-Triples several times
    faster than N-Quads; duplicates across graphs collapse in the Graph.
    """
    quads = ox.parse(store.dump_nquads(), format=ox.RdfFormat.N_QUADS)
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph = Graph()
    if ntriples:
        graph.parse(data=ntriples.decode("utf-8"), format="nt")
    return graph


def graph_from_file(path: str | Path) -> Graph:
    """An RDF file as one graph (the union of its graphs for quad formats).

    The format follows the extension, as for every graph file
    (:func:`councilkg.export.formats.format_of`): ``.nt``, ``.nq``,
    ``.ttl``, ``.trig``, ``.jsonld``.

    Raises:
        ValueError: the extension is not one of those.
    """
    path = Path(path)
    try:
        spec, _ = format_of(path, gzip=False)
    except ValueError:
        expected = ", ".join(FORMATS[name].extension for name in EXPORT_FORMATS)
        raise ValueError(
            f"cannot tell the RDF format of {path.name!r}; expected one of {expected}"
        ) from None
    # rdflib names its parsers by media type too.
    if not spec.quads:  # triple formats: no named graphs to merge
        return Graph().parse(path, format=spec.media_type)
    dataset = Dataset()
    dataset.parse(path, format=spec.media_type)
    return union_graph(dataset)


class _PreparedQueryGraph(Graph):
    """The graph pyshacl validates: parses each distinct SPARQL text once.

    Why: pyshacl runs a SHACL-SPARQL constraint once per focus node with the
    same query text (only ``$this`` differs, as an initial binding), and
    rdflib parses the text every time: parsing, not evaluation, was ~80 % of
    the validation time (about 90 ms per call).  Queries are prepared once
    per process and reused with the focus node bound.
    """

    def query(
        self,
        query_object: str | Query,
        processor: str | Processor = "sparql",
        result: str | type[QueryResult] = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 (rdflib's name)
        initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> QueryResult:
        if isinstance(query_object, str) and processor == "sparql":
            prepared = _PREPARED.get(query_object)
            if prepared is None:
                prepared = prepareQuery(query_object, initNs=dict(initNs or self.namespaces()))
                _PREPARED[query_object] = prepared
            query_object = prepared
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


_PREPARED: dict[str, Query] = {}


def _working_graph(data: Graph, ontology: Graph) -> _PreparedQueryGraph:
    """A copy of ``data`` with ``ontology`` mixed in (what pyshacl's
    ``ont_graph`` does), as a :class:`_PreparedQueryGraph`; ``data`` is not
    modified."""
    work = _PreparedQueryGraph()
    for prefix, namespace in data.namespaces():
        work.bind(prefix, namespace, override=False)
    work.addN((s, p, o, work) for s, p, o in data)
    work.addN((s, p, o, work) for s, p, o in ontology)
    return work


# ---------------------------------------------------------------------------
# Source locations
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where in a source file a fact is stated.

    ``page_index`` is 0-based within the file; ``printed_page`` is the
    number printed in the footer, when the extractor recovered it.
    """

    file: str | None
    line: int | None
    page_index: int | None = None
    printed_page: int | None = None
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    anchor: str | None = None  # the span (or passage) IRI the location was read from

    def render(self) -> str:
        """``file:line (page N)``: the printed page number when the footer
        gave one, else the page's position in the file (1-based)."""
        text = self.file or "?"
        if self.line is not None:
            text += f":{self.line}"
        if self.printed_page is not None:
            text += f" (page {self.printed_page})"
        elif self.page_index is not None:
            text += f" (page {self.page_index + 1} of the file)"
        return text

    def as_dict(self) -> dict[str, Any]:
        """The location as JSON-ready data."""
        return {
            "file": self.file,
            "line": self.line,
            "page_index": self.page_index,
            "printed_page": self.printed_page,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "anchor": self.anchor,
        }


def _int(value: Node | None) -> int | None:
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, int) and not isinstance(python, bool):
            return python
    return None


def _str(value: Node | None) -> str | None:
    return str(value) if isinstance(value, Literal) else None


def _page(graph: Graph, node: Node) -> tuple[int | None, int | None]:
    page = graph.value(node, CKG.onPage)
    if page is None:
        return None, None
    return _int(graph.value(page, CKG.pageIndex)), _int(graph.value(page, CKG.printedPage))


def _span_location(graph: Graph, span: Node) -> SourceLocation:
    """What a fact is derived from is its own selector: a passage (located
    as a block, with its offsets) or a span in no block (its offsets, the
    source's characters quoted, its source file)."""
    start = _int(graph.value(span, OA.start))
    end = _int(graph.value(span, OA.end))
    block = _block_location(graph, span)
    if block is not None:
        return replace(block, start=start, end=end)
    source = graph.value(span, OA.hasSource)
    page_index, printed = _page(graph, span)
    return SourceLocation(
        file=_str(graph.value(source, RDFS.label)) if source is not None else None,
        line=_int(graph.value(span, CKG.lineNumber)),
        page_index=page_index,
        printed_page=printed,
        quote=_str(graph.value(span, OA.exact)),
        start=start,
        end=end,
        anchor=str(span),
    )


def _block_location(graph: Graph, node: Node) -> SourceLocation | None:
    """A passage or page locates itself (it has ``ckg:ofSource``)."""
    source = graph.value(node, CKG.ofSource)
    if source is None:
        return None
    text = _str(graph.value(node, CKG.text))
    if text is not None and len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 1] + "…"
    if (node, RDF.type, CKG.Page) in graph:
        page_index, printed = (
            _int(graph.value(node, CKG.pageIndex)),
            _int(graph.value(node, CKG.printedPage)),
        )
    else:
        page_index, printed = _page(graph, node)
    return SourceLocation(
        file=_str(graph.value(source, RDFS.label)),
        line=_int(graph.value(node, CKG.lineNumber)),
        page_index=page_index,
        printed_page=printed,
        quote=text,
        anchor=str(node),
    )


def _span_order(graph: Graph, span: Node) -> tuple[int, str]:
    line = _int(graph.value(span, CKG.lineNumber))
    return (line if line is not None else 1 << 62, str(span))


def _owners(graph: Graph, node: Node) -> Iterator[Node]:
    """Nodes that ``node`` belongs to, nearest first: the vote event of a
    count, the footnote of a position, the meeting of a sub-item, the event
    or citing footnote/passage of a document, the source file of a
    supplement, then the IRI's parents (minted child nodes such
    as ``…/vote-event/S/2020/797/count/for`` live below their parent)."""
    for prop in (CKG["count"], CKG.subItemConcept, CKG.record, CKG.decision):
        yield from sorted(graph.subjects(prop, node), key=str)
    for prop in (CKG.statedIn, CKG.describedIn, CKG.inVoteEvent):
        yield from sorted(graph.objects(node, prop), key=str)
    yield from sorted(graph.subjects(CITO.cites, node), key=str)
    yield from sorted(graph.subjects(CKG.supplement, node), key=str)
    if isinstance(node, URIRef):
        iri = str(node)
        while "/" in iri.rstrip("/"):
            iri = iri.rstrip("/").rsplit("/", 1)[0]
            if iri.endswith(("/id", ":/", "/")):
                break
            parent = URIRef(iri)
            if (parent, None, None) in graph:
                yield parent


def locate(graph: Graph, node: Node | None, *, _depth: int = 0) -> SourceLocation | None:
    """The source location of ``node``: the first passage (by line) it is
    derived from, its own block or page location, or that of a node it
    belongs to."""
    if node is None or isinstance(node, Literal):
        return None
    if (None, PROV.wasDerivedFrom, node) in graph:  # a passage, or a span in no block
        return _span_location(graph, node)
    spans = sorted(graph.objects(node, PROV.wasDerivedFrom), key=lambda s: _span_order(graph, s))
    if spans:
        return _span_location(graph, spans[0])
    block = _block_location(graph, node)
    if block is not None:
        return block
    if (node, RDF.type, CKG.SourceFile) in graph:
        return SourceLocation(file=_str(graph.value(node, RDFS.label)), line=None)
    if _depth >= 3:
        return None
    for owner in _owners(graph, node):
        if owner == node:
            continue
        found = locate(graph, owner, _depth=_depth + 1)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------------------
# Results and the report
# ---------------------------------------------------------------------------


def compact(term: Node | None) -> str | None:
    """A vocabulary term as ``prefix:local``; anything else in N-Triples form
    (data IRIs in full, literals with their datatype or language)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and "/" not in iri[len(namespace) :]:
                return f"{prefix}:{iri[len(namespace) :]}"
        return f"<{iri}>"
    if isinstance(term, Literal):
        return term.n3(_NSM)
    return f"_:{term}"


def render_path(graph: Graph, path: Node | None) -> str | None:
    """A SHACL property path in SPARQL syntax (``^ckg:inVoteEvent``, ``(a|b)``)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return compact(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{render_path(graph, inverse)}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        parts = [render_path(graph, p) or "?" for p in Collection(graph, alternatives)]
        return "(" + "|".join(parts) + ")"
    for prop, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = graph.value(path, prop)
        if inner is not None:
            return f"({render_path(graph, inner)}){suffix}"
    if graph.value(path, RDF.first) is not None:
        return "/".join(render_path(graph, p) or "?" for p in Collection(graph, path))
    return compact(path)


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """One SHACL validation result, with where the fact comes from.

    ``rule`` names what was broken: the SPARQL constraint for SHACL-SPARQL
    rules (``ckgsh:Article27Outcome``), else the (property) shape
    (``ckgsh:Vote-position``).  Every shape of ``shapes/`` has an IRI, so
    the name is stable across runs.
    """

    severity: str
    focus_node: Node
    result_path: str | None
    value: Node | None
    message: str
    source_shape: Node
    source_constraint: Node | None
    constraint_component: Node
    location: SourceLocation | None = None
    messages: tuple[tuple[str, str], ...] = ()
    details: tuple[str, ...] = ()

    @property
    def rule(self) -> str:
        """The constraint (SHACL-SPARQL) or shape this result comes from, compacted."""
        node = self.source_constraint if self.source_constraint is not None else self.source_shape
        return compact(node) or "?"

    @property
    def component(self) -> str:
        """The constraint component, compacted (``sh:MinCountConstraintComponent``)."""
        return compact(self.constraint_component) or "?"

    def sort_key(self) -> tuple[str, str, str, str, str, str]:
        """Focus node, path, shape, component, value, message: the report's
        order (the message last, so that results differing only by it, such
        as two reasons of one SPARQL rule, come in one order whatever the
        engine's)."""
        return (
            str(self.focus_node),
            self.result_path or "",
            self.rule,
            self.component,
            str(self.value) if self.value is not None else "",
            self.message,
        )

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return {
            "severity": self.severity,
            "rule": self.rule,
            "focus_node": str(self.focus_node),
            "result_path": self.result_path,
            "value": compact(self.value),
            "message": self.message,
            "messages": dict(self.messages),
            "source_shape": compact(self.source_shape),
            "source_constraint": compact(self.source_constraint),
            "constraint_component": self.component,
            "location": self.location.as_dict() if self.location else None,
            "details": list(self.details),
        }

    def render(self) -> str:
        """A readable block: severity and rule, focus, path, value, message,
        ``file:line (page N)`` and the quoted source text."""
        lines = [f"{self.severity}: {self.rule} ({self.component})"]
        lines.append(f"  focus:   {compact(self.focus_node)}")
        if self.result_path:
            lines.append(f"  path:    {self.result_path}")
        if self.value is not None:
            lines.append(f"  value:   {compact(self.value)}")
        lines.append(f"  message: {self.message}")
        lines.extend(f"  detail:  {detail}" for detail in self.details)
        if self.location is not None:
            lines.append(f"  source:  {self.location.render()}")
            if self.location.quote:
                quote = " ".join(self.location.quote.split())
                lines.append(f"  quote:   「{quote}」")
        else:
            lines.append("  source:  (no provenance: reference data or a node without a span)")
        return "\n".join(lines)


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`.

    ``conforms`` is false iff there is a result of severity Violation
    (warnings and infos are reported but allowed).  ``triples`` is the size
    of the validated data graph (without the ontology) and ``seconds`` the
    time pyshacl took.
    """

    conforms: bool
    results: list[ValidationResult]
    report_graph: Graph
    triples: int = 0
    seconds: float = 0.0
    shapes: int = field(default=0)

    @property
    def violations(self) -> list[ValidationResult]:
        """Results of severity Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        """Results of severity Warning."""
        return [r for r in self.results if r.severity == "Warning"]

    def summary(self) -> str:
        """One line: conformance, counts, graph size and time."""
        verdict = "conforms" if self.conforms else "does not conform"
        return (
            f"{verdict}: {len(self.violations)} violations, {len(self.warnings)} warnings, "
            f"{len(self.results) - len(self.violations) - len(self.warnings)} infos "
            f"({self.triples} triples, {self.shapes} shapes, {self.seconds:.2f} s)"
        )

    def render_text(self) -> str:
        """The summary line, then one block per result, in report order."""
        blocks = [self.summary()]
        blocks.extend(result.render() for result in self.results)
        return "\n\n".join(blocks) + "\n"

    def render_json(self) -> str:
        """The report as JSON (UTF-8 text, Chinese kept as is)."""
        data = {
            "conforms": self.conforms,
            "triples": self.triples,
            "shapes": self.shapes,
            "seconds": round(self.seconds, 3),
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [result.as_dict() for result in self.results],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def render_turtle(self) -> str:
        """The SHACL validation report graph in Turtle (it is small)."""
        for prefix, namespace in PREFIXES.items():
            self.report_graph.bind(prefix, namespace)
        text: str = self.report_graph.serialize(format="turtle")
        return text


_IRI_IN_TEXT = re.compile(r"<?(https?://[^\s<>\"{}|\\^`]+)>?")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _compact_text(text: str) -> str:
    """Vocabulary IRIs inside a message written as ``prefix:local``."""

    def shorten(m: re.Match[str]) -> str:
        term = compact(URIRef(m.group(1)))
        return term if term is not None and not term.startswith("<") else m.group(0)

    return _IRI_IN_TEXT.sub(shorten, text)


def _messages(report: Graph, node: Node) -> tuple[tuple[str, str], ...]:
    """The result's messages as (language, text) pairs.

    pyshacl drops the language tag of a SHACL-SPARQL message when it fills
    in the ``{?var}`` placeholders, so an untagged message is tagged ``zh``
    when it contains CJK characters and ``en`` otherwise.
    """
    pairs = set()
    for message in report.objects(node, SH.resultMessage):
        text = _compact_text(str(message))
        lang = getattr(message, "language", None) or ("zh" if _CJK.search(text) else "en")
        pairs.add((lang, text))
    return tuple(sorted(pairs))


def _pick_message(messages: Iterable[tuple[str, str]], component: str) -> str:
    """The English message (there may be several languages), else any."""
    ordered = sorted(messages)
    for lang, text in ordered:
        if lang == "en":
            return text
    if ordered:
        return ordered[0][1]
    return f"violates {component}"


def results_from_report(report: Graph, data: Graph) -> list[ValidationResult]:
    """The top-level results of the SHACL report graph ``report``, located in
    ``data``, in report order (both engines' reports go through here).

    The top-level results of the report (nested ``sh:detail`` results,
    such as why a value failed an ``sh:node`` shape, are folded into their
    parent's ``details``)."""
    results = []
    top = [
        r
        for v in report.subjects(RDF.type, SH.ValidationReport)
        for r in report.objects(v, SH.result)
    ]
    for node in top:
        component = report.value(node, SH.sourceConstraintComponent)
        messages = _messages(report, node)
        focus = report.value(node, SH.focusNode)
        shape = report.value(node, SH.sourceShape)
        assert focus is not None and shape is not None and component is not None
        results.append(
            ValidationResult(
                severity=_SEVERITY.get(str(report.value(node, SH.resultSeverity)), "Violation"),
                focus_node=focus,
                result_path=render_path(report, report.value(node, SH.resultPath)),
                value=report.value(node, SH.value),
                message=_pick_message(messages, compact(component) or "?"),
                source_shape=shape,
                source_constraint=report.value(node, SH.sourceConstraint),
                constraint_component=component,
                location=locate(data, focus),
                messages=messages,
                details=tuple(
                    sorted(
                        _pick_message(_messages(report, d), "")
                        for d in report.objects(node, SH.detail)
                    )
                ),
            )
        )
    results.sort(key=ValidationResult.sort_key)
    return results


def validate(
    data: Graph | Dataset,
    *,
    ontology: Graph | None = None,
    shapes: Graph | None = None,
    engine: str = "pyshacl",
) -> ValidationReport:
    """Validate ``data`` against the shapes of ``shapes/``.

    ``engine="pyshacl"`` (the default here: the reference the tests hold
    every engine to) or ``"fast"`` (:mod:`councilkg.shacl`: the same
    results, whole-graph engines; raises if ``shacl-rust`` is missing or the
    shapes use a feature it does not run).

    Args:
        data: the graph to validate; a Dataset is merged into the union of
            its graphs first (the rules cross source and reference graphs).
        ontology: the ontology to mix into the data, as pyshacl's
            ``ont_graph`` would (default: the packaged
            ``ontology/councilkg.ttl``).  It is mixed into a copy, so
            ``data`` is left untouched.
        shapes: a shapes graph to use instead of ``shapes/*.ttl`` (tests).
    """
    graph = union_graph(data)
    if engine == "fast":
        setup = None
        if shapes is not None or ontology is not None:
            setup = shacl.prepare(
                shapes if shapes is not None else _cached_shapes(),
                ontology if ontology is not None else _cached_ontology(),
            )
        return validate_ntriples(shacl.ntriples_from_graph(graph), setup=setup)
    if engine != "pyshacl":
        raise ValueError(f"unknown SHACL engine {engine!r}: pyshacl or fast")
    shapes_graph = shapes if shapes is not None else _cached_shapes()
    ont_graph = ontology if ontology is not None else _cached_ontology()
    started = time.perf_counter()
    # The ontology is mixed in here rather than passed as ``ont_graph`` so
    # that pyshacl validates our query-caching graph in place.
    work = _working_graph(graph, ont_graph)
    conforms, report_graph, _ = pyshacl.validate(
        work,
        shacl_graph=shapes_graph,
        ont_graph=None,
        inference="none",
        inplace=True,
        advanced=False,
        allow_warnings=True,
        allow_infos=True,
        abort_on_first=False,
    )
    seconds = time.perf_counter() - started
    assert isinstance(report_graph, Graph)
    results = results_from_report(report_graph, graph)
    return ValidationReport(
        conforms=bool(conforms),
        results=results,
        report_graph=report_graph,
        triples=len(graph),
        seconds=seconds,
        shapes=count_shapes(shapes_graph),
    )


@cache
def fast_setup() -> shacl.Prepared:
    """The packaged shapes and ontology prepared for the fast engine, once
    per process.

    Raises:
        UnsupportedShapesError: the shapes use a feature it does not run.
    """
    return shacl.prepare(_cached_shapes(), _cached_ontology())


def validate_ntriples(data: bytes, *, setup: shacl.Prepared | None = None) -> ValidationReport:
    """Validate the N-Triples ``data`` with the fast engine
    (:mod:`councilkg.shacl`), ontology mixed in: the report
    :func:`validate` gives with pyshacl, located the same way.

    Raises:
        EngineUnavailableError: ``shacl-rust`` is not installed.
        UnsupportedShapesError: see :func:`fast_setup`.
    """
    run = shacl.validate_ntriples(data, setup or fast_setup())
    return ValidationReport(
        conforms=run.conforms,
        results=results_from_report(run.report_graph, run.data_graph),
        report_graph=run.report_graph,
        triples=run.triples,
        seconds=run.seconds,
        shapes=run.shapes,
    )


def count_shapes(shapes: Graph) -> int:
    """The node and property shapes declared in ``shapes``."""
    return len(set(shapes.subjects(RDF.type, SH.NodeShape))) + len(
        set(shapes.subjects(RDF.type, SH.PropertyShape))
    )
