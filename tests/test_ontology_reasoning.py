"""The ontology in a second parser, under OWL RL, and as documentation."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from councilkg.ingest.iris import Minter
from councilkg.ingest.ntriples import ntriples_lines
from councilkg.ingest.pipeline import IngestResult
from councilkg.ingest.rdf import to_triples
from councilkg.ingest.vocab import CKG, OPENGOV
from councilkg.resources import ontology_text


def test_parses_in_pyoxigraph() -> None:
    triples = list(ox.parse(ontology_text(), format=ox.RdfFormat.TURTLE))
    g = Graph().parse(data=ontology_text(), format="turtle")
    assert len(triples) == len(g)


def _closure(extra: Graph | None = None) -> Graph:
    g = Graph().parse(data=ontology_text(), format="turtle")
    if extra is not None:
        g += extra
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    return g


def _errors(g: Graph) -> list[str]:
    return sorted(
        str(o) for s in g.subjects(RDF.type, ERRNS.ErrorMessage) for o in g.objects(s, ERRNS.error)
    )


def test_owl_rl_closure_of_ontology_and_seed_is_consistent(
    seed_result: IngestResult, minter: Minter
) -> None:
    data = Graph().parse(
        data="".join(ntriples_lines(to_triples(seed_result.records, minter))), format="nt"
    )
    g = _closure(data)
    assert _errors(g) == []
    assert list(g.subjects(RDF.type, OWL.Nothing)) == []
    # The alignments carry the data into the reused vocabularies.
    assert set(g.subjects(RDF.type, OPENGOV.VoteEvent))
    assert set(g.subjects(RDF.type, OPENGOV.Count))


def test_owl_rl_reports_an_inconsistency() -> None:
    """The check above can fail: a node that is both of two disjoint classes."""
    bad = Graph()
    node = URIRef("urn:example:x")
    bad.add((CKG.Meeting, OWL.disjointWith, CKG.Videoconference))
    bad.add((node, RDF.type, CKG.Meeting))
    bad.add((node, RDF.type, CKG.Videoconference))
    bad.add((node, RDFS.label, Literal("x")))
    assert _errors(_closure(bad))


def test_documentation_builds(tmp_path: Path) -> None:
    from pylode import OntPub

    source = tmp_path / "councilkg.ttl"
    source.write_text(ontology_text(), encoding="utf-8")
    html = OntPub(ontology=str(source)).make_html()
    assert "vote event" in html and "表决" in html
