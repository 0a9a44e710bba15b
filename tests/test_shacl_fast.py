"""The fast SHACL engine (:mod:`councilkg.shacl`) against pyshacl, the
reference: on the seed graph and on every mutation of ``tests/test_shapes.py``
both give equal :class:`~councilkg.validation.ValidationResult` lists —
rule, focus node, path, value, severity, messages and source location — and
the same conformance.  This is what lets ``councilkg validate`` use the fast
engine by default.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from councilkg import shacl
from councilkg.shacl.components import UnsupportedShapesError, check_supported
from councilkg.validation import ValidationReport, load_shapes, validate
from tests.test_shapes import (  # the fixtures are shared with the mutation table
    MUTATIONS,
    PREFIXES,
    Mutation,
    base_graph,  # noqa: F401
    expand,
    fresh,
    seed_graph,  # noqa: F401
)

pytestmark = pytest.mark.skipif(not shacl.available(), reason="shacl-rust is not installed")


def _same(fast: ValidationReport, reference: ValidationReport) -> None:
    assert fast.conforms is reference.conforms
    assert [r.render() for r in fast.results] == [r.render() for r in reference.results]
    assert fast.results == reference.results
    assert fast.triples == reference.triples
    assert fast.shapes == reference.shapes


def test_seed_graph(seed_graph: Graph) -> None:  # noqa: F811
    fast = validate(seed_graph, engine="fast")
    assert fast.conforms and fast.results == []
    _same(fast, validate(seed_graph))


@pytest.mark.slow
@pytest.mark.parametrize("mutation", MUTATIONS)
def test_mutation_same_as_pyshacl(base_graph: Graph, mutation: Mutation) -> None:  # noqa: F811
    graph = fresh(base_graph)
    graph.update(PREFIXES + expand(mutation.update))
    fast = validate(graph, engine="fast")
    _same(fast, validate(graph))


def test_store_dump_validates_as_the_graph(seed_store: object) -> None:
    """The store's N-Triples (the CLI's input) validate like the graph."""
    from councilkg.store import GraphStore

    assert isinstance(seed_store, GraphStore)
    report = shacl.validate_ntriples(shacl.ntriples_from_store(seed_store))
    assert report.conforms and report.results == []


def test_unsupported_component_is_refused() -> None:
    shapes = load_shapes()
    shape = URIRef("https://w3id.org/councilkg/shapes#AgendaItem-key")
    shapes.add((shape, URIRef("http://www.w3.org/ns/shacl#maxLength"), Literal(3)))
    with pytest.raises(UnsupportedShapesError, match="sh:maxLength"):
        check_supported(shapes)
    with pytest.raises(UnsupportedShapesError):
        validate(Graph(), shapes=shapes, engine="fast")


def test_every_component_of_the_shapes_is_supported() -> None:
    check_supported(load_shapes())
