"""The dataset's own description, in VoID and DCAT: what it holds, how big
it is, where it comes from, under which terms, and where to get it.

Why no licence by default: the data is extracted from a UN publication, and
the terms of its text are the UN's, not the project's to grant.  The
description says so (``dcterms:rights``, ``dcterms:source``), states the
licence of the project's own work where it applies (the ontology's
``dcterms:license``, on the ontology), and leaves the dataset's
``dcterms:license`` to the publisher (``license``, the commands'
``--data-licence``).

Why from the store and not from a file: every figure (triples, entities,
distinct subjects and objects, one partition per class and per property,
one subset per named graph, the period covered) is counted by the SPARQL
files in ``queries/void/`` on the store itself, so the description is true
of the data it is served with and is deterministic (no clock: dates come
from the data; ``modified`` only when the caller gives it).  The fixed text
(titles, descriptions, keywords, rights) is the template
``queries/void/dataset.rq``, with the ontology's creator, version and
licence read from the ontology graph.

IRIs of the description (below ``dataset``, by default ``{base}dataset``):

- ``{dataset}/class/{class}``, ``{dataset}/property/{property}``: partitions,
  named by the class's or property's compact IRI (``ckg:Meeting``), or its
  IRI percent-encoded when no prefix of the published context fits;
- ``{dataset}/distribution/{format}``: one DCAT distribution per export
  format (when ``downloads`` is given) and ``…/distribution/sparql``;
- ``{dataset}/service/sparql``: the SPARQL endpoint as a DCAT data service;
- ``{dataset}/temporal``: the period covered.

A named graph's subset is the graph itself (``graph/source/{id}`` is a
``void:Dataset`` whose triples are that graph's), with ``dcterms:source`` its
source file and the file's name, SHA-256, size and language.

Example resources are chosen by a rule, not by hand: for each of a few
classes (``queries/void/examples.rq``), the instance most referred to, ties
broken by IRI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import DCAT, DCTERMS, VOID

from councilkg.export.formats import EXPORT_FORMATS, FORMATS, dump_name
from councilkg.export.serializers import compact_iri
from councilkg.ingest.iris import DEFAULT_BASE
from councilkg.ingest.vocab import CKG
from councilkg.queries import bind_text
from councilkg.resources import resource_dir
from councilkg.store import GraphStore

__all__ = ["SPARQL_PROTOCOL", "dataset_iri", "describe_dataset", "store_base", "void_query"]

SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
_PCHAR = "!$&'()*+,;=:@-._~"


def void_query(name: str) -> str:
    """The text of ``queries/void/<name>.rq``."""
    path = resource_dir("queries").joinpath("void", f"{name}.rq")
    return path.read_text(encoding="utf-8")


def store_base(store: GraphStore) -> str:
    """The base IRI the store's data was minted with: read from the name of
    its reference graph (``{base}graph/reference``), else the default."""
    found = sorted(
        g.removesuffix("graph/reference") for g in store.graphs() if g.endswith("graph/reference")
    )
    return found[0] if found else DEFAULT_BASE


def dataset_iri(base: str = DEFAULT_BASE) -> str:
    """The IRI of the dataset described (``{base}dataset``)."""
    return f"{base}dataset"


def describe_dataset(
    store: GraphStore,
    *,
    base: str | None = None,
    endpoint: str | None = None,
    downloads: str | None = None,
    dataset: str | None = None,
    license: str | None = None,
    publisher: str | None = None,
    modified: dt.date | None = None,
) -> list[str]:
    """The VoID and DCAT description of the store's dataset, as sorted
    N-Triples lines (write them in any format with
    :func:`councilkg.export.writers.export_lines`).

    Args:
        base: the base of the data's IRIs (default: :func:`store_base`);
            the URI space is ``{base}id/``.
        endpoint: the SPARQL endpoint's URL (``void:sparqlEndpoint``, a
            ``dcat:DataService``); none when not given.
        downloads: URL prefix of the dumps: the distribution of format F is
            ``{downloads}`` + :func:`councilkg.export.formats.dump_name` (F), e.g.
            ``https://host/data/councilkg.nq``; no dumps when not given.
        dataset: the dataset's IRI (default :func:`dataset_iri`).
        license: the data's licence, as its publisher gives it (an IRI,
            ``dcterms:license`` of the dataset); none when not given.  The
            ontology's own licence is stated on the ontology, and the
            source text's terms (the UN's) in ``dcterms:rights``: the
            project licenses its own work, not the UN's text.
        publisher: the publisher's IRI (``dcterms:publisher``).
        modified: the date of the last change (``dcterms:modified``);
            never taken from the clock.
    """
    base = base if base is not None else store_base(store)
    ds = ox.NamedNode(dataset or dataset_iri(base))
    out = _Triples()
    for t in store.query(bind_text(void_query("dataset"), [("dataset", URIRef(ds.value))])):
        out.add(t.subject, t.predicate, t.object)
    if license is not None:
        out.iri(ds, DCTERMS.license, license)
    if publisher is not None:
        out.iri(ds, DCTERMS.publisher, publisher)
    if modified is not None:
        out.lit(ds, DCTERMS.modified, modified.isoformat(), XSD.date)
    space = f"{base}id/"
    out.lit(ds, VOID.uriSpace, space)
    _totals(store, out, ds, space)
    vocabularies = _partitions(store, out, ds)
    for ns in sorted(vocabularies):
        out.iri(ds, VOID.vocabulary, ns)
    _subsets(store, out, ds)
    _examples(store, out, ds)
    _temporal(store, out, ds)
    if endpoint is not None:
        _service(out, ds, endpoint)
    if downloads is not None:
        _distributions(out, ds, downloads)
    return out.lines()


class _Triples:
    """The description being built: a set of triples, written out sorted."""

    def __init__(self) -> None:
        self.triples: set[ox.Triple] = set()

    def add(self, s: Any, p: Any, o: Any) -> None:
        self.triples.add(ox.Triple(s, p, o))

    def iri(self, s: ox.NamedNode, p: str, o: str) -> None:
        self.add(s, ox.NamedNode(p), ox.NamedNode(o))

    def lit(self, s: ox.NamedNode, p: str, value: str, datatype: str | None = None) -> None:
        literal = ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None)
        self.add(s, ox.NamedNode(p), literal)

    def lang(self, s: ox.NamedNode, p: str, value: str, language: str) -> None:
        self.add(s, ox.NamedNode(p), ox.Literal(value, language=language))

    def count(self, s: ox.NamedNode, p: str, term: Any) -> None:
        """``p`` with the integer ``term`` (a count of a query's row)."""
        self.lit(s, p, str(int(term.value)), XSD.integer)

    def lines(self) -> list[str]:
        data = ox.serialize(self.triples, format=ox.RdfFormat.N_TRIPLES) or b""
        return sorted(set(data.decode("utf-8").splitlines(keepends=True)))


def _rows(store: GraphStore, name: str, values: Iterable[tuple[str, Any]] = ()) -> Iterator[Any]:
    yield from store.query(bind_text(void_query(name), list(values)))


def _totals(store: GraphStore, out: _Triples, ds: ox.NamedNode, space: str) -> None:
    for row in _rows(store, "totals", [("space", RdfLiteral(space))]):
        for name in ("triples", "entities", "distinctSubjects", "properties", "distinctObjects"):
            out.count(ds, VOID[name], row[name])


def _partitions(store: GraphStore, out: _Triples, ds: ox.NamedNode) -> set[str]:
    """Class and property partitions; returns the namespaces they use."""
    namespaces: set[str] = set()
    classes = 0
    for row in _rows(store, "classes"):
        cls = row["class"]
        if not isinstance(cls, ox.NamedNode):
            continue
        classes += 1
        part = _part(ds, "class", cls.value)
        out.iri(ds, VOID.classPartition, part.value)
        out.iri(part, VOID["class"], cls.value)
        out.count(part, VOID.entities, row["entities"])
        out.count(part, VOID.triples, row["triples"])
        namespaces.add(_namespace(cls.value))
    out.lit(ds, VOID.classes, str(classes), XSD.integer)
    for row in _rows(store, "properties"):
        prop = row["property"]
        part = _part(ds, "property", prop.value)
        out.iri(ds, VOID.propertyPartition, part.value)
        out.iri(part, VOID.property, prop.value)
        for name in ("triples", "distinctSubjects", "distinctObjects"):
            out.count(part, VOID[name], row[name])
        namespaces.add(_namespace(prop.value))
    return namespaces


def _subsets(store: GraphStore, out: _Triples, ds: ox.NamedNode) -> None:
    for row in _rows(store, "graphs"):
        graph = row["graph"]
        out.iri(ds, VOID.subset, graph.value)
        out.iri(graph, RDF.type, VOID.Dataset)
        for name in ("triples", "distinctSubjects", "distinctObjects"):
            out.count(graph, VOID[name], row[name])
    for row in _rows(store, "sources"):
        graph, source = row["graph"], row["source"]
        out.iri(graph, DCTERMS.source, source.value)
        out.iri(source, RDF.type, CKG.SourceFile)
        out.add(source, ox.NamedNode(CKG.sha256), row["sha256"])
        for var, prop in (
            ("name", RDFS.label),
            ("bytes", CKG.byteSize),
            ("language", DCTERMS.language),
        ):
            if row[var] is not None:
                out.add(source, ox.NamedNode(prop), row[var])


def _examples(store: GraphStore, out: _Triples, ds: ox.NamedNode) -> None:
    seen: set[str] = set()
    for row in _rows(store, "examples"):
        cls = row["class"].value
        if cls not in seen:
            seen.add(cls)
            out.iri(ds, VOID.exampleResource, row["resource"].value)


def _temporal(store: GraphStore, out: _Triples, ds: ox.NamedNode) -> None:
    for row in _rows(store, "temporal"):
        if row["start"] is None or row["end"] is None:
            return
        period = ox.NamedNode(f"{ds.value}/temporal")
        out.iri(ds, DCTERMS.temporal, period.value)
        out.iri(period, RDF.type, DCTERMS.PeriodOfTime)
        out.add(period, ox.NamedNode(DCAT.startDate), row["start"])
        out.add(period, ox.NamedNode(DCAT.endDate), row["end"])


def _service(out: _Triples, ds: ox.NamedNode, endpoint: str) -> None:
    service = ox.NamedNode(f"{ds.value}/service/sparql")
    out.iri(ds, VOID.sparqlEndpoint, endpoint)
    out.iri(service, RDF.type, DCAT.DataService)
    out.iri(service, DCAT.endpointURL, endpoint)
    out.iri(service, DCAT.servesDataset, ds.value)
    out.iri(service, DCTERMS.conformsTo, SPARQL_PROTOCOL)
    out.lang(service, DCTERMS.title, "SPARQL endpoint", "en")
    out.lang(service, DCTERMS.title, "SPARQL 查询端点", "zh")
    dist = ox.NamedNode(f"{ds.value}/distribution/sparql")
    out.iri(ds, DCAT.distribution, dist.value)
    out.iri(dist, RDF.type, DCAT.Distribution)
    out.iri(dist, DCAT.accessURL, endpoint)
    out.iri(dist, DCAT.accessService, service.value)


def _distributions(out: _Triples, ds: ox.NamedNode, downloads: str) -> None:
    for spec in (FORMATS[name] for name in EXPORT_FORMATS):
        url = downloads + dump_name(spec.name)
        dist = ox.NamedNode(f"{ds.value}/distribution/{spec.name}")
        out.iri(ds, DCAT.distribution, dist.value)
        out.iri(ds, VOID.dataDump, url)
        out.iri(ds, VOID.feature, spec.format_iri)
        out.iri(dist, RDF.type, DCAT.Distribution)
        out.iri(dist, DCAT.downloadURL, url)
        out.iri(dist, DCAT.accessURL, url)
        out.iri(dist, DCAT.mediaType, _MEDIA_TYPES + spec.media_type)
        out.iri(dist, DCTERMS.format, spec.format_iri)


def _part(ds: ox.NamedNode, kind: str, iri: str) -> ox.NamedNode:
    """The IRI of the partition of class or property ``iri``."""
    return ox.NamedNode(f"{ds.value}/{kind}/{quote(compact_iri(iri), safe=_PCHAR)}")


def _namespace(iri: str) -> str:
    """The vocabulary of a term: its IRI up to the last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut >= 0 else iri
