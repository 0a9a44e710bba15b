"""The VoID/DCAT description of the dataset (``councilkg.export.void``).

Every figure is recomputed here in Python from the store's quads (not with
the ``queries/void/`` files the description is built with) and must agree;
sources carry the SHA-256 of the ingested file; the description is
deterministic and exports in every format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter, defaultdict
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID

from councilkg.export.formats import EXPORT_FORMATS, FORMATS
from councilkg.export.void import dataset_iri, describe_dataset, store_base
from councilkg.export.writers import export_lines
from councilkg.ingest.iris import DEFAULT_BASE
from councilkg.queries import catalogue
from councilkg.resources import resource_dir
from councilkg.store import GraphStore

CKG = "https://w3id.org/councilkg/ontology#"
ENDPOINT = "http://127.0.0.1:8000/sparql"
DOWNLOADS = "http://127.0.0.1:8000/data/"
DATASET = URIRef(dataset_iri())
EXAMPLE_CLASSES = ("AgendaItem", "Meeting", "Document", "State", "VoteEvent")


@pytest.fixture(scope="module")
def lines(seed_store: GraphStore) -> list[str]:
    return describe_dataset(seed_store, endpoint=ENDPOINT, downloads=DOWNLOADS)


@pytest.fixture(scope="module")
def void(lines: list[str]) -> Graph:
    return Graph().parse(data="".join(lines), format="nt")


@pytest.fixture(scope="module")
def merged(seed_store: GraphStore) -> set[tuple[Any, Any, Any]]:
    """The merge of the named graphs, computed here: each triple once."""
    return {(q.subject, q.predicate, q.object) for q in seed_store.quads()}


def _graph_iri(quad: ox.Quad) -> str | None:
    """The IRI of a quad's named graph (None in the default graph)."""
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None


def integer(graph: Graph, node: URIRef, prop: URIRef) -> int:
    values = list(graph.objects(node, prop))
    assert len(values) == 1, (node, prop, values)
    (value,) = values
    assert isinstance(value, Literal) and value.datatype == XSD.integer, value
    return int(value)


def part_of(graph: Graph, link: URIRef, key: URIRef) -> dict[str, URIRef]:
    """Partitions of the dataset by the class or property they are about."""
    out = {}
    for part in graph.objects(DATASET, link):
        assert isinstance(part, URIRef)
        (what,) = graph.objects(part, key)
        assert str(what) not in out
        out[str(what)] = part
    return out


def test_totals_equal_the_store(void: Graph, seed_store: GraphStore, merged: set[Any]) -> None:
    assert integer(void, DATASET, VOID.triples) == len(merged) == seed_store.count()
    assert integer(void, DATASET, VOID.distinctSubjects) == len({s for s, _, _ in merged})
    assert integer(void, DATASET, VOID.distinctObjects) == len({o for _, _, o in merged})
    assert integer(void, DATASET, VOID.properties) == len({p for _, p, _ in merged})
    space = f"{DEFAULT_BASE}id/"
    entities = {
        s for s, _, _ in merged if isinstance(s, ox.NamedNode) and s.value.startswith(space)
    }
    assert integer(void, DATASET, VOID.entities) == len(entities)
    assert void.value(DATASET, VOID.uriSpace) == Literal(space)


def test_one_subset_per_named_graph(void: Graph, seed_store: GraphStore) -> None:
    per_graph = Counter(_graph_iri(q) for q in seed_store.quads())
    subsets = {str(s) for s in void.objects(DATASET, VOID.subset)}
    assert subsets == set(seed_store.graphs()) == set(per_graph)
    for graph, n in per_graph.items():
        assert graph is not None, "a quad in the default graph"
        node = URIRef(graph)
        assert (node, RDF.type, VOID.Dataset) in void
        assert integer(void, node, VOID.triples) == n == seed_store.count(graph)
        subjects = {q.subject for q in seed_store.quads() if _graph_iri(q) == graph}
        assert integer(void, node, VOID.distinctSubjects) == len(subjects)
    # a triple stated by two graphs is counted once in the whole
    assert sum(per_graph.values()) >= integer(void, DATASET, VOID.triples)


def test_class_partitions_equal_the_store(void: Graph, merged: set[Any]) -> None:
    rdf_type = ox.NamedNode(str(RDF.type))
    instances: dict[str, set[Any]] = defaultdict(set)
    for s, p, o in merged:
        if p == rdf_type and isinstance(o, ox.NamedNode):
            instances[o.value].add(s)
    about: Counter[Any] = Counter(s for s, _, _ in merged)
    parts = part_of(void, VOID.classPartition, VOID["class"])
    assert set(parts) == set(instances)
    assert len(parts) > 50
    for cls, members in instances.items():
        assert integer(void, parts[cls], VOID.entities) == len(members), cls
        assert integer(void, parts[cls], VOID.triples) == sum(about[m] for m in members), cls
    assert integer(void, DATASET, VOID.classes) == len(instances)
    meetings = instances[CKG + "Meeting"]
    assert meetings and integer(void, parts[CKG + "Meeting"], VOID.entities) == len(meetings)


def test_property_partitions_equal_the_store(void: Graph, merged: set[Any]) -> None:
    triples: Counter[str] = Counter(p.value for _, p, _ in merged)
    subjects: dict[str, set[Any]] = defaultdict(set)
    objects: dict[str, set[Any]] = defaultdict(set)
    for s, p, o in merged:
        subjects[p.value].add(s)
        objects[p.value].add(o)
    parts = part_of(void, VOID.propertyPartition, VOID.property)
    assert set(parts) == set(triples)
    for prop, n in triples.items():
        assert integer(void, parts[prop], VOID.triples) == n, prop
        assert integer(void, parts[prop], VOID.distinctSubjects) == len(subjects[prop])
        assert integer(void, parts[prop], VOID.distinctObjects) == len(objects[prop])


def test_sources_and_their_hashes(void: Graph, seed_store: GraphStore, seed_path: Any) -> None:
    sha = hashlib.sha256(seed_path.read_bytes()).hexdigest()
    source_graphs = [g for g in seed_store.graphs() if "/graph/source/" in g]
    assert len(source_graphs) == 1
    (source,) = void.objects(URIRef(source_graphs[0]), DCTERMS.source)
    assert isinstance(source, URIRef), source
    assert void.value(source, URIRef(CKG + "sha256")) == Literal(sha)
    assert void.value(source, RDFS.label) == Literal(seed_path.name)
    assert integer(void, source, URIRef(CKG + "byteSize")) == len(seed_path.read_bytes())
    assert (source, RDF.type, URIRef(CKG + "SourceFile")) in void
    # the reference and ontology graphs have no source file
    for graph in set(seed_store.graphs()) - set(source_graphs):
        assert void.value(URIRef(graph), DCTERMS.source) is None


def test_endpoint_and_service(void: Graph) -> None:
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(ENDPOINT)
    (service,) = void.subjects(RDF.type, DCAT.DataService)
    assert void.value(service, DCAT.endpointURL) == URIRef(ENDPOINT)
    assert void.value(service, DCAT.servesDataset) == DATASET


def test_distributions_for_every_format(void: Graph) -> None:
    dumps = {str(d) for d in void.objects(DATASET, VOID.dataDump)}
    media = set()
    for dist in void.objects(DATASET, DCAT.distribution):
        assert (dist, RDF.type, DCAT.Distribution) in void
        url = void.value(dist, DCAT.downloadURL)
        if url is None:  # the SPARQL endpoint's distribution
            assert void.value(dist, DCAT.accessURL) == URIRef(ENDPOINT)
            continue
        assert str(url) in dumps and str(url).startswith(DOWNLOADS)
        media.add(str(void.value(dist, DCAT.mediaType)).rsplit("/", 1)[1])
    assert len(dumps) == len(EXPORT_FORMATS)
    assert {FORMATS[f].media_type.split("/")[1] for f in EXPORT_FORMATS} == media


def test_example_resources_follow_the_rule(void: Graph, merged: set[Any]) -> None:
    """Per class, the instance most referred to (ties by IRI), if any is."""
    rdf_type = ox.NamedNode(str(RDF.type))
    refs: Counter[Any] = Counter(o for _, _, o in merged)
    expected = set()
    for name in EXAMPLE_CLASSES:
        members = [s for s, p, o in merged if p == rdf_type and o == ox.NamedNode(CKG + name)]
        if members:
            best = min(members, key=lambda m: (-refs[m], m.value))
            if refs[best]:
                expected.add(best.value)
    examples = {str(e) for e in void.objects(DATASET, VOID.exampleResource)}
    assert examples == expected
    assert len(examples) >= 3  # a meeting, a document, a State at least


def test_vocabularies_are_the_namespaces_used(void: Graph, merged: set[Any]) -> None:
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert CKG in vocabularies
    used = {p.value for _, p, _ in merged} | {
        o.value for _, p, o in merged if p.value == str(RDF.type) and isinstance(o, ox.NamedNode)
    }
    assert all(any(term.startswith(v) for term in used) for v in vocabularies)
    assert all(any(term.startswith(v) for v in vocabularies) for term in used)


def test_no_data_licence_is_asserted_and_the_terms_are_stated_apart(void: Graph) -> None:
    """The data is extracted from a UN publication: no licence is claimed for
    it unless the publisher gives one; the ontology's licence (the project's
    own work) stands on the ontology, and the rights say whose the text is."""
    assert list(void.objects(DATASET, DCTERMS.license)) == []
    ontology = void.value(DATASET, DCTERMS.conformsTo)
    assert ontology == URIRef("https://w3id.org/councilkg/ontology")
    assert void.value(ontology, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    rights = {
        r.language: str(r) for r in void.objects(DATASET, DCTERMS.rights) if isinstance(r, Literal)
    }
    assert set(rights) == {"en", "zh"}
    assert "United Nations" in rights["en"] and "asserts no licence" in rights["en"]
    assert "MIT" in rights["en"] and "联合国" in rights["zh"]
    source = void.value(DATASET, DCTERMS.source)
    assert source == URIRef("https://www.un.org/securitycouncil/content/repertoire")
    assert list(void.objects(source, DCTERMS.license)) == []
    licensed = {s for s, _, _ in void.triples((None, DCTERMS.license, None))}
    assert licensed == {ontology}


def test_the_publisher_sets_the_data_licence(seed_store: GraphStore) -> None:
    given = "https://creativecommons.org/publicdomain/zero/1.0/"
    g = Graph().parse(data="".join(describe_dataset(seed_store, license=given)), format="nt")
    assert list(g.objects(DATASET, DCTERMS.license)) == [URIRef(given)]
    ontology = g.value(DATASET, DCTERMS.conformsTo)
    assert g.value(ontology, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )


def test_licence_titles_and_period(void: Graph, merged: set[Any]) -> None:
    titles = {t.language for t in void.objects(DATASET, DCTERMS.title) if isinstance(t, Literal)}
    assert titles == {"en", "zh"}
    descriptions = void.objects(DATASET, DCTERMS.description)
    assert {d.language for d in descriptions if isinstance(d, Literal)} == {"en", "zh"}
    assert (DATASET, RDF.type, DCAT.Dataset) in void
    assert void.value(DATASET, DCTERMS.modified) is None, "no date from the clock"
    dates = [
        o.value
        for _, p, o in merged
        if p.value == str(DCTERMS.date) and o.datatype.value == str(XSD.date)
    ]
    period = void.value(DATASET, DCTERMS.temporal)
    assert str(void.value(period, DCAT.startDate)) == min(dates)
    assert str(void.value(period, DCAT.endDate)) == max(dates)


def test_options(seed_store: GraphStore) -> None:
    g = Graph().parse(
        data="".join(
            describe_dataset(
                seed_store,
                base="https://example.org/kg/",
                license="https://example.org/licence",
                publisher="https://example.org/us",
                modified=dt.date(2026, 1, 2),
            )
        ),
        format="nt",
    )
    ds = URIRef("https://example.org/kg/dataset")
    assert list(g.objects(ds, DCTERMS.license)) == [URIRef("https://example.org/licence")]
    assert g.value(ds, DCTERMS.publisher) == URIRef("https://example.org/us")
    assert g.value(ds, DCTERMS.modified) == Literal("2026-01-02", datatype=XSD.date)
    assert g.value(ds, VOID.uriSpace) == Literal("https://example.org/kg/id/")
    assert g.value(ds, VOID.entities) == Literal(0)  # the seed was minted below another base
    assert g.value(ds, VOID.sparqlEndpoint) is None
    assert list(g.objects(ds, DCAT.distribution)) == []


def test_base_is_read_from_the_store(seed_store: GraphStore, lines: list[str]) -> None:
    assert store_base(seed_store) == DEFAULT_BASE
    other = GraphStore.in_memory()
    other.replace_graph(
        "https://example.org/kg/graph/reference",
        ["<https://example.org/kg/id/state/FRA> <http://example.org/q> <urn:y> .\n"],
    )
    other.replace_graph(
        "https://example.org/kg/graph/source/0",
        ["<https://example.org/kg/id/state/FRA> <http://example.org/p> <urn:x> .\n"],
    )
    assert store_base(other) == "https://example.org/kg/"
    g = Graph().parse(data="".join(describe_dataset(other)), format="nt")
    ds = URIRef("https://example.org/kg/dataset")
    assert g.value(ds, VOID.uriSpace) == Literal("https://example.org/kg/id/")
    assert g.value(ds, VOID.entities) == Literal(1)


def test_deterministic_and_sorted(seed_store: GraphStore, lines: list[str]) -> None:
    assert lines == sorted(set(lines))
    assert describe_dataset(seed_store, endpoint=ENDPOINT, downloads=DOWNLOADS) == lines


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_description_exports_in_every_format(lines: list[str], fmt: str) -> None:
    buffer = io.BytesIO()
    export_lines(lines, fmt, buffer)
    fmt_ox = {
        "jsonld": ox.RdfFormat.JSON_LD,
        "nquads": ox.RdfFormat.N_QUADS,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "trig": ox.RdfFormat.TRIG,
        "turtle": ox.RdfFormat.TURTLE,
    }[fmt]
    got = {
        f"{q.subject} {q.predicate} {q.object} .\n"
        for q in ox.parse(buffer.getvalue(), format=fmt_ox)
    }
    assert got == set(lines)


def test_void_queries_stay_out_of_the_prepared_catalogue() -> None:
    names = {f.name.removesuffix(".rq") for f in resource_dir("queries").joinpath("void").iterdir()}
    assert {"totals", "classes", "properties", "graphs", "sources", "examples"} <= names
    assert not names & {q.name for q in catalogue()}


def test_export_data_licence_option(sample_store_path: Any, tmp_path: Any) -> None:
    """``councilkg export --void --data-licence IRI`` states the publisher's
    licence; without it none; the option describes the dataset only."""
    from click.testing import CliRunner

    from councilkg.cli import main

    given = "https://creativecommons.org/publicdomain/zero/1.0/"
    graphs = {}
    for name, extra in (("none", []), ("given", ["--data-licence", given])):
        out = tmp_path / f"{name}.nt"
        args = ["export", "--void", "--store", str(sample_store_path), "--out", str(out), *extra]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        graphs[name] = Graph().parse(out, format="nt")
    assert list(graphs["none"].objects(DATASET, DCTERMS.license)) == []
    assert list(graphs["given"].objects(DATASET, DCTERMS.license)) == [URIRef(given)]
    refused = CliRunner().invoke(
        main, ["export", "--store", str(sample_store_path), "--data-licence", given]
    )
    assert refused.exit_code == 2 and "--void only" in refused.output
