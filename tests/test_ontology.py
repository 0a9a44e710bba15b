"""The ontology file: bilingual documentation, header metadata, closure, and
agreement with the code that uses it.

Every class, property and individual of the ``ckg:`` namespace carries an
English and a Chinese ``rdfs:label`` and ``skos:definition``; every ``ckg:``
term the ontology points at (as a super-class or super-property) is defined;
``ingest/vocab.py`` is generated from this file and in sync; every
``CKG.<term>`` in ``ingest/`` exists; and both RDF parsers of the project
(rdflib and Oxigraph) read the file.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from councilkg.ingest.language import LANGS

ROOT = Path(__file__).resolve().parents[1]
TTL = ROOT / "ontology" / "councilkg.ttl"
NS = "https://w3id.org/councilkg/ontology#"
ONTOLOGY = URIRef("https://w3id.org/councilkg/ontology")
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
CKG_USE = re.compile(r"\bCKG\.(\w+)")


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    g.parse(TTL, format="turtle")
    return g


def _terms(g: Graph) -> set[URIRef]:
    return {
        s
        for kind in KINDS
        for s in g.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(NS)
    }


def _local(term: Node) -> str:
    return str(term)[len(NS) :]


def test_has_terms(graph: Graph) -> None:
    terms = _terms(graph)
    assert len(terms) > 50
    for kind in KINDS:
        assert any(graph.triples((None, RDF.type, kind))), f"no {kind}"


@pytest.mark.parametrize("prop", [RDFS.label, SKOS.definition], ids=["label", "definition"])
def test_every_term_is_documented_in_english_and_chinese(graph: Graph, prop: URIRef) -> None:
    problems = []
    for term in sorted(_terms(graph)):
        values = [o for o in graph.objects(term, prop) if isinstance(o, Literal)]
        for lang in LANGS:
            texts = [str(v) for v in values if v.language == lang]
            if len(texts) != 1 or not texts[0].strip():
                problems.append(f"ckg:{_local(term)} has {len(texts)} @{lang}")
    assert not problems, "\n".join(problems)


def test_ontology_header(graph: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    version_iri = graph.value(ONTOLOGY, OWL.versionIRI)
    version = graph.value(ONTOLOGY, OWL.versionInfo)
    assert isinstance(version_iri, URIRef)
    assert isinstance(version, Literal) and str(version)
    assert str(version_iri).endswith(str(version)), (version_iri, version)
    assert isinstance(graph.value(ONTOLOGY, DCTERMS.license), URIRef)


def test_version_matches_package(graph: Graph) -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert str(graph.value(ONTOLOGY, OWL.versionInfo)) == project["version"]


@pytest.mark.parametrize("prop", [RDFS.subClassOf, RDFS.subPropertyOf], ids=lambda p: p.n3())
def test_super_terms_in_our_namespace_are_defined(graph: Graph, prop: URIRef) -> None:
    terms = _terms(graph)
    undefined = sorted(
        f"ckg:{_local(s)} -> {o}"
        for s, o in graph.subject_objects(prop)
        if isinstance(o, URIRef) and str(o).startswith(NS) and o not in terms
    )
    assert not undefined, undefined


def test_vocab_is_in_sync() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_vocab.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, (
        "ingest/vocab.py is out of sync with ontology/councilkg.ttl: "
        f"run `python tools/gen_vocab.py`\n{proc.stdout}{proc.stderr}"
    )


def test_every_term_used_by_ingest_exists(graph: Graph) -> None:
    terms = {_local(t) for t in _terms(graph)}
    used: dict[str, list[str]] = {}
    for path in sorted((ROOT / "ingest").rglob("*.py")):
        if path.name == "vocab.py":
            continue
        for name in CKG_USE.findall(path.read_text(encoding="utf-8")):
            used.setdefault(name, []).append(path.relative_to(ROOT).as_posix())
    assert used, "no CKG.<term> found in ingest/"
    missing = {name: sorted(set(where)) for name, where in used.items() if name not in terms}
    assert not missing, f"terms used but not in the ontology: {missing}"


def test_parses_with_oxigraph(graph: Graph) -> None:
    quads = list(ox.parse(TTL.read_bytes(), format=ox.RdfFormat.TURTLE))
    assert len(quads) == len(graph)
