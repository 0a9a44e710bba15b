"""Exports (``councilkg.export.writers``, ``councilkg export``) and the published
JSON-LD context.

Every format is re-parsed by two engines (pyoxigraph and rdflib) and must
give back exactly the store's graphs; the bytes must not depend on the run
or on the order in which the store was loaded, nor on whether the sort
spilled to disk; gzip output is byte-identical too.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import OWL, RDF, RDFS, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from councilkg.cli import main
from councilkg.cli.export import export
from councilkg.export.formats import EXPORT_FORMATS, FORMATS, ExportError, dump_name, format_of
from councilkg.export.writers import (
    export_bytes,
    export_lines,
    export_store,
    jsonld_from_ntriples,
)
from councilkg.prefixes import context, prefixes
from councilkg.resources import context_path, context_text
from councilkg.store import GraphStore

if "export" not in main.commands:  # until councilkg.cli registers it
    main.add_command(export)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
CKG = "https://w3id.org/councilkg/ontology#"
OX_FORMATS = {
    "jsonld": ox.RdfFormat.JSON_LD,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
}
RDFLIB_FORMATS = {
    "jsonld": "json-ld",
    "nquads": "nquads",
    "ntriples": "nt",
    "trig": "trig",
    "turtle": "turtle",
}
ALL = sorted(EXPORT_FORMATS)


# ---------------------------------------------------------------------------
# Helpers: what the store holds, what a file holds
# ---------------------------------------------------------------------------


def store_statements(store: GraphStore, fmt: str, graph: str | None = None) -> set[str]:
    """The store's content as N-Quads strings, as format ``fmt`` should carry
    it: named graphs for quad formats, triples of the merge (or of ``graph``)
    otherwise."""
    if FORMATS[fmt].quads:
        quads = [
            q
            for q in store.quads()
            if graph is None
            or (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == graph)
        ]
        return {str(q) for q in quads}
    target = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
    return {
        str(ox.Quad(q.subject, q.predicate, q.object))
        for q in store.oxigraph.quads_for_pattern(None, None, None, target)
    }


def ox_statements(data: bytes, fmt: str) -> set[str]:
    """What pyoxigraph reads in ``data``, as N-Quads strings."""
    out = set()
    for q in ox.parse(data, format=OX_FORMATS[fmt]):
        if isinstance(q, ox.Triple):
            q = ox.Quad(q.subject, q.predicate, q.object)
        out.add(str(q))
    return out


def rdflib_graphs(data: bytes, fmt: str) -> dict[str | None, Graph]:
    """What rdflib reads in ``data``: graph name (None: default) → graph."""
    ds = Dataset()
    ds.parse(data=data, format=RDFLIB_FORMATS[fmt])
    out: dict[str | None, Graph] = {}
    for g in ds.graphs():
        if len(g) == 0:
            continue
        name = None if g.identifier == DATASET_DEFAULT_GRAPH_ID else str(g.identifier)
        copy = Graph()
        for t in g:
            copy.add(t)
        out[name] = copy
    return out


def expected_rdflib(
    store: GraphStore, fmt: str, graph: str | None = None
) -> dict[str | None, Graph]:
    """The store's graphs read by rdflib from Oxigraph's own dump (not ours)."""
    if FORMATS[fmt].quads:
        data = store.dump_nquads()
        graphs = rdflib_graphs(data, "nquads")
        return {k: v for k, v in graphs.items() if graph is None or k == graph}
    target = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
    dumped = store.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=target)
    assert dumped is not None
    data = dumped
    return rdflib_graphs(data, "ntriples")


def reloaded(store: GraphStore) -> GraphStore:
    """The same graphs in a new store, loaded in reverse order, lines shuffled."""
    other = GraphStore.in_memory()
    rng = random.Random(20200101)
    for g in reversed(store.graphs()):
        data = store.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))
        assert data is not None
        lines = data.decode("utf-8").splitlines(keepends=True)
        rng.shuffle(lines)
        other.replace_graph(g, lines)
    return other


@pytest.fixture(scope="module")
def exports(seed_store: GraphStore) -> dict[str, bytes]:
    """Every format of the seed store, once."""
    return {fmt: export_bytes(seed_store, fmt) for fmt in ALL}


# ---------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ALL)
def test_round_trip_pyoxigraph(exports: dict[str, bytes], seed_store: GraphStore, fmt: str) -> None:
    got = ox_statements(exports[fmt], fmt)
    expected = store_statements(seed_store, fmt)
    assert len(expected) > 7000
    assert got == expected


@pytest.mark.parametrize("fmt", ALL)
def test_round_trip_rdflib(exports: dict[str, bytes], seed_store: GraphStore, fmt: str) -> None:
    got = rdflib_graphs(exports[fmt], fmt)
    expected = expected_rdflib(seed_store, fmt)
    assert sorted(got, key=str) == sorted(expected, key=str)
    for name, graph in expected.items():
        assert isomorphic(got[name], graph), name


def test_quad_formats_carry_the_named_graphs_not_the_merge(
    exports: dict[str, bytes], seed_store: GraphStore
) -> None:
    for fmt in ("nquads", "trig", "jsonld"):
        graphs = {q.graph_name for q in ox.parse(exports[fmt], format=OX_FORMATS[fmt])}
        assert graphs == {ox.NamedNode(g) for g in seed_store.graphs()}, fmt
    for fmt in ("ntriples", "turtle"):
        assert len(ox_statements(exports[fmt], fmt)) == seed_store.count()


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reloaded_store(seed_store: GraphStore) -> GraphStore:
    return reloaded(seed_store)


@pytest.mark.parametrize("fmt", ALL)
def test_same_bytes_twice_and_whatever_the_load_order(
    exports: dict[str, bytes], seed_store: GraphStore, reloaded_store: GraphStore, fmt: str
) -> None:
    assert export_bytes(seed_store, fmt) == exports[fmt]
    assert export_bytes(reloaded_store, fmt) == exports[fmt]


@pytest.mark.parametrize("fmt", ALL)
def test_spilled_sort_gives_the_same_bytes(
    exports: dict[str, bytes], seed_store: GraphStore, fmt: str
) -> None:
    """A chunk far smaller than the graph makes the sort spill runs to disk
    and merge them: the bytes must not change."""
    assert export_bytes(seed_store, fmt, chunk_lines=97) == exports[fmt]


def test_line_formats_are_sorted_lines(exports: dict[str, bytes]) -> None:
    for fmt in ("ntriples", "nquads"):
        lines = exports[fmt].decode("utf-8").splitlines(keepends=True)
        assert lines == sorted(set(lines)), fmt
        assert all(line.endswith(" .\n") for line in lines)


def test_turtle_groups_each_subject_once(exports: dict[str, bytes]) -> None:
    """Sorted input: each subject opens exactly one block."""
    subjects = [
        line.split(" ", 1)[0]
        for line in exports["turtle"].decode("utf-8").splitlines()
        if line and not line[0].isspace() and not line.startswith("@prefix")
    ]
    assert len(subjects) == len(set(subjects))
    prefix_lines = [ln for ln in exports["turtle"].decode().splitlines() if ln.startswith("@")]
    assert sorted(prefix_lines) == sorted(f"@prefix {p}: <{ns}> ." for p, ns in prefixes().items())


# ---------------------------------------------------------------------------
# Graph selection, errors, files, gzip
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ALL)
def test_one_graph(seed_store: GraphStore, minter: Any, fmt: str) -> None:
    graph = str(minter.reference_graph())
    data = export_bytes(seed_store, fmt, graph=graph)
    expected = store_statements(seed_store, fmt, graph)
    assert ox_statements(data, fmt) == expected
    assert 0 < len(expected) < seed_store.count()
    stats = export_store(seed_store, fmt, io.BytesIO(), graph=graph)
    assert stats.statements == len(expected)
    assert stats.graphs == ((graph,) if FORMATS[fmt].quads else ())
    assert stats.source == (None if FORMATS[fmt].quads else graph)


def test_unknown_graph_is_a_clear_error(seed_store: GraphStore) -> None:
    with pytest.raises(ExportError, match=re.escape("no graph 'https://example.org/nope'")) as err:
        export_bytes(seed_store, "nquads", graph="https://example.org/nope")
    assert isinstance(err.value, ValueError)
    assert "graph/reference" in str(err.value)  # the message lists the graphs


def test_unknown_format_is_a_clear_error(seed_store: GraphStore) -> None:
    with pytest.raises(ExportError, match="unknown export format 'rdfxml'"):
        export_bytes(seed_store, "rdfxml")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("g.nq", ("nquads", False)),
        ("g.NT", ("ntriples", False)),
        ("dir.v1/g.ttl.gz", ("turtle", True)),
        ("g.trig", ("trig", False)),
        ("g.jsonld.gz", ("jsonld", True)),
    ],
)
def test_format_of(name: str, expected: tuple[str, bool]) -> None:
    fmt, zipped = format_of(name)
    assert (fmt.name, zipped) == expected


@pytest.mark.parametrize("name", ["g.rdf", "g.gz", "g", "g.txt.gz"])
def test_format_of_unknown(name: str) -> None:
    with pytest.raises(ExportError, match="unknown RDF file extension"):
        format_of(name)


def test_stats_count_statements_and_bytes(seed_store: GraphStore) -> None:
    buffer = io.BytesIO()
    stats = export_store(seed_store, "ntriples", buffer)
    assert stats.statements == seed_store.count()
    assert stats.bytes == len(buffer.getvalue())
    assert (stats.format, stats.graphs, stats.source, stats.gzip) == ("ntriples", (), None, False)


@pytest.mark.parametrize("fmt", ["nquads", "jsonld"])
def test_gzip_is_deterministic(
    exports: dict[str, bytes], seed_store: GraphStore, tmp_path: Path, fmt: str
) -> None:
    a, b = tmp_path / "a" / dump_name(fmt, gzip=True), tmp_path / "b.gz"
    stats = export_store(seed_store, fmt, a, gzip=True)
    export_store(seed_store, fmt, b, gzip=True)
    data = a.read_bytes()
    assert data == b.read_bytes()
    assert stats.bytes == len(data) and stats.gzip
    assert data[:2] == b"\x1f\x8b"
    assert data[3] & 0x08 == 0, "no file name in the header"
    assert data[4:8] == b"\0\0\0\0", "mtime 0"
    assert gzip.decompress(data) == exports[fmt]
    assert sorted(p.name for p in a.parent.iterdir()) == [a.name], "no partial file left"


def test_a_failed_export_leaves_no_file(seed_store: GraphStore, tmp_path: Path) -> None:
    target = tmp_path / "g.nq"
    with pytest.raises(ExportError):
        export_store(seed_store, "nquads", target, chunk_lines=0)
    assert list(tmp_path.iterdir()) == []


def test_dump_name() -> None:
    assert dump_name("nquads") == "councilkg.nq"
    assert dump_name("turtle", gzip=True, stem="all") == "all.ttl.gz"


# ---------------------------------------------------------------------------
# The published context and JSON-LD compaction
# ---------------------------------------------------------------------------


def test_context_is_in_sync_with_the_ontology() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_context.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, (
        "ontology/context.jsonld is out of sync with ontology/councilkg.ttl: "
        f"run `python tools/gen_context.py`\n{proc.stdout}{proc.stderr}"
    )


def test_context_is_shipped_as_is() -> None:
    assert context_path().read_text(encoding="utf-8") == context_text()
    assert json.loads(context_text())["@context"] == context()
    assert context()["@version"] == 1.1


def test_context_defines_every_ontology_term() -> None:
    onto = Graph()
    onto.parse(ROOT / "ontology" / "councilkg.ttl", format="turtle")
    ctx = context()

    def local(iri: object) -> str:
        return str(iri)[len(CKG) :]

    ckg_terms = {t for t in onto.subjects() if isinstance(t, URIRef) and str(t).startswith(CKG)}
    classes = {local(c) for c in onto.subjects(RDF.type, OWL.Class) if c in ckg_terms}
    objects = {local(p) for p in onto.subjects(RDF.type, OWL.ObjectProperty) if p in ckg_terms}
    datatypes = {p for p in onto.subjects(RDF.type, OWL.DatatypeProperty) if p in ckg_terms}
    assert len(classes) > 40 and len(objects) > 40 and len(datatypes) > 30
    for name in classes:
        assert ctx[name] == f"ckg:{name}"
    for name in objects:
        assert ctx[name] == {"@id": f"ckg:{name}", "@type": "@id"}
    for p in datatypes:
        term = ctx[local(p)]
        assert term["@id"] == f"ckg:{local(p)}"
        rng = str(onto.value(p, RDFS.range))
        if rng.endswith("#langString"):
            assert term["@container"] == "@language"
        elif rng.endswith("#string"):
            assert set(term) == {"@id"}
        else:
            assert term["@type"] == "xsd:" + rng.rsplit("#", 1)[1]
    for name in ("ckg", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "oa", "org"):
        assert name in prefixes()
    for name in ("opengov", "time", "fabio", "cito", "schema", "eli", "doco", "void", "dcat"):
        assert name in prefixes()


def _nodes(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for item in doc["@graph"]:
        out.extend(item.get("@graph", [item]))
    return out


def _expand(iri: str) -> str:
    prefix, _, local = iri.partition(":")
    return prefixes().get(prefix, prefix + ":") + local


def test_jsonld_is_compacted_with_the_context(exports: dict[str, bytes]) -> None:
    doc = json.loads(exports["jsonld"])
    assert doc["@context"] == context()
    nodes = _nodes(doc)
    assert len(nodes) > 900
    keys = {k for n in nodes for k in n}
    assert not [k for k in keys if k.startswith(("http://", "https://"))], "every key compacts"
    assert {"@id", "@type", "label", "prefLabel", "agendaItem", "wasDerivedFrom"} <= keys
    for graph in doc["@graph"]:
        ids = [_expand(n["@id"]) for n in graph["@graph"]]
        assert ids == sorted(set(ids), key=lambda i: f"<{i}>"), "nodes in N-Triples subject order"
    labelled = [n for n in nodes if isinstance(n.get("label"), dict)]
    assert labelled and all(set(n["label"]) <= {"en", "zh", "@none"} for n in labelled)
    # keys sorted, one node a line
    lines = exports["jsonld"].decode("utf-8").splitlines()
    node_lines = [ln.rstrip(",") for ln in lines if ln.startswith('{"@id"') and "@graph" not in ln]
    assert len(node_lines) == len(nodes)
    for line in node_lines[:200]:
        node = json.loads(line)
        assert list(node) == sorted(node)


TRICKY_TURTLE = r"""
@prefix ckg: <https://w3id.org/councilkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/councilkg/id/> .

id:x rdfs:label "5"^^xsd:integer, "plain", "汉"@zh-hans, "a \"q\"\nline\ttab\\"@en ;
    skos:prefLabel "一"@zh, "二"@zh ;
    ckg:text "no language" ;
    ckg:lineNumber 7, "seven" ;
    ckg:agendaItem "a literal", dcterms: ;
    ckg:key id:y ;
    a "not a class", ex:Other, ckg:Meeting ;
    ex:p "x"^^ex:dt, <urn:x:y> ;
    dcterms:date "2020"^^xsd:gYear, "2020-08-14"^^xsd:date .
<urn:isbn:123> rdfs:seeAlso ckg: .
ckg:Meeting a owl:Class .
"""
TRICKY = (
    ox.serialize(ox.parse(TRICKY_TURTLE, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
    or b""
).decode("utf-8")


@pytest.fixture(scope="module")
def tricky_store() -> GraphStore:
    """Values that fit no term of the context, or only some of them."""
    store = GraphStore.in_memory()
    store.replace_graph("https://w3id.org/councilkg/graph/test", TRICKY.splitlines(keepends=True))
    return store


@pytest.mark.parametrize("fmt", ALL)
def test_values_that_fit_no_term_survive(tricky_store: GraphStore, fmt: str) -> None:
    data = export_bytes(tricky_store, fmt)
    assert ox_statements(data, fmt) == store_statements(tricky_store, fmt)
    got, expected = rdflib_graphs(data, fmt), expected_rdflib(tricky_store, fmt)
    assert got.keys() == expected.keys()
    for name, graph in expected.items():
        assert isomorphic(got[name], graph)


def test_language_maps_keep_languages_and_plain_strings(tricky_store: GraphStore) -> None:
    (node, *_) = [
        n
        for n in _nodes(json.loads(export_bytes(tricky_store, "jsonld")))
        if n["@id"] == "https://w3id.org/councilkg/id/x"
    ]
    assert node["label"] == {"@none": "plain", "en": 'a "q"\nline\ttab\\', "zh-hans": "汉"}
    assert node["prefLabel"] == {"zh": ["一", "二"]}
    assert node["rdfs:label"] == {"@type": "xsd:integer", "@value": "5"}
    assert node["text"] == {"@none": "no language"}
    assert node["lineNumber"] == "7" and node["ckg:lineNumber"] == "seven"
    assert node["agendaItem"] == "http://purl.org/dc/terms/"
    assert node["ckg:agendaItem"] == "a literal"
    assert node["key"] == {"@id": "https://w3id.org/councilkg/id/y"}
    assert node["@type"] == ["Meeting", "http://example.org/Other"]
    assert node["date"] == "2020-08-14"
    assert node["dcterms:date"] == {"@type": "xsd:gYear", "@value": "2020"}


def test_jsonld_with_a_context_url(seed_store: GraphStore, exports: dict[str, bytes]) -> None:
    """Referring to the published context (here by file URL) reads the same."""
    url = context_path().as_uri()
    data = export_bytes(seed_store, "jsonld", context_url=url)
    doc = json.loads(data)
    assert doc["@context"] == url
    assert doc["@graph"] == json.loads(exports["jsonld"])["@graph"]
    got, expected = rdflib_graphs(data, "jsonld"), expected_rdflib(seed_store, "jsonld")
    assert got.keys() == expected.keys()
    for name, graph in expected.items():
        assert isomorphic(got[name], graph), name


def test_jsonld_from_ntriples() -> None:
    data = jsonld_from_ntriples(TRICKY.encode("utf-8"))
    assert data == jsonld_from_ntriples("".join(reversed(TRICKY.splitlines(keepends=True))))
    doc = json.loads(data)
    assert {n["@id"] for n in doc["@graph"]} == {
        "https://w3id.org/councilkg/id/x",
        "urn:isbn:123",
        "ckg:Meeting",
    }
    assert ox_statements(data, "jsonld") == ox_statements(TRICKY.encode(), "ntriples")


@pytest.mark.parametrize("fmt", ALL)
def test_export_lines_writes_triples_in_every_format(fmt: str) -> None:
    lines = TRICKY.splitlines(keepends=True)
    buffer = io.BytesIO()
    stats = export_lines(lines[::-1], fmt, buffer)
    assert ox_statements(buffer.getvalue(), fmt) == ox_statements(TRICKY.encode(), "ntriples")
    assert stats.statements == len(ox_statements(TRICKY.encode(), "ntriples"))
    again = io.BytesIO()
    export_lines(lines, fmt, again)
    assert again.getvalue() == buffer.getvalue()


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store with the seed, made by ``councilkg ingest``."""
    path = tmp_path_factory.mktemp("export") / "store"
    result = CliRunner().invoke(main, ["ingest", str(SEED), "--store", str(path), "-q"])
    assert result.exit_code == 0, result.output
    return path


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_stdout_defaults_to_nquads(store_dir: Path) -> None:
    result = run("export", "--store", store_dir)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == export_bytes(GraphStore(store_dir, read_only=True), "nquads")
    assert result.stderr.startswith("exported ") and " quads of 3 named graphs " in result.stderr
    assert run("export", "--store", store_dir, "--out", "-").stdout_bytes == result.stdout_bytes


def test_cli_format_from_extension_and_gzip(store_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "graph.ttl.gz"
    result = run("export", "--store", store_dir, "--out", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b""
    turtle = run("export", "--store", store_dir, "--format", "turtle").stdout_bytes
    assert gzip.decompress(target.read_bytes()) == turtle
    again = tmp_path / "again.ttl.gz"
    run("export", "--store", store_dir, "--format", "turtle", "--gzip", "--out", again)
    assert (
        hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(target.read_bytes()).digest()
    )


def test_cli_graph_and_jsonld(store_dir: Path, minter: Any) -> None:
    graph = str(minter.reference_graph())
    result = run("export", "--store", store_dir, "--format", "jsonld", "--graph", graph)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout_bytes)
    assert [g["@id"] for g in doc["@graph"]] == [graph]
    result = run("export", "--store", store_dir, "--format", "jsonld", "--context", "https://x/c")
    assert json.loads(result.stdout_bytes)["@context"] == "https://x/c"


def test_cli_void(store_dir: Path) -> None:
    result = run(
        "export", "--store", store_dir, "--void", "--format", "turtle",
        "--endpoint", "http://127.0.0.1:8000/sparql",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(data=result.stdout_bytes, format="turtle")
    dataset = URIRef("https://w3id.org/councilkg/dataset")
    void = "http://rdfs.org/ns/void#"
    assert (dataset, RDF.type, URIRef(void + "Dataset")) in graph
    assert graph.value(dataset, URIRef(void + "sparqlEndpoint")) == URIRef(
        "http://127.0.0.1:8000/sparql"
    )
    assert "the VoID description" in result.stderr


@pytest.mark.parametrize(
    ("args", "containing"),
    [
        (["--graph", "https://example.org/nope"], "no graph 'https://example.org/nope'"),
        (["--out", "graph.rdf"], "unknown RDF file extension '.rdf'"),
        (["--format", "rdfxml"], "rdfxml"),
        (["--void", "--graph", "https://example.org/g"], "--void"),
        (["--endpoint", "http://x/sparql"], "--void only"),
    ],
)
def test_cli_errors_are_one_line(store_dir: Path, args: list[str], containing: str) -> None:
    result = run("export", "--store", store_dir, *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert containing in lines[0]


def test_cli_missing_store_is_one_line(tmp_path: Path) -> None:
    result = run("export", "--store", tmp_path / "none")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no store at ")
