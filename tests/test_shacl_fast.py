"""The fast SHACL engine (:mod:`councilkg.shacl`) against pyshacl, the
reference: on the seed graph and on every mutation of ``tests/test_shapes.py``
both give equal :class:`~councilkg.validation.ValidationResult` lists —
rule, focus node, path, value, severity, messages and source location — and
the same conformance.  This is what lets ``councilkg validate`` use the fast
engine by default.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from councilkg import shacl
from councilkg.cli import main
from councilkg.shacl.components import UnsupportedShapesError, check_supported
from councilkg.validation import ValidationReport, load_shapes, validate, validate_ntriples
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
    report = validate_ntriples(shacl.ntriples_from_store(seed_store))
    assert report.conforms and report.results == []


def test_unsupported_component_is_refused() -> None:
    shapes = load_shapes()
    shape = URIRef("https://w3id.org/councilkg/shapes#AgendaItem-key")
    shapes.add((shape, URIRef("http://www.w3.org/ns/shacl#maxLength"), Literal(3)))
    with pytest.raises(UnsupportedShapesError, match="sh:maxLength"):
        check_supported(shapes)
    with pytest.raises(UnsupportedShapesError):
        validate(Graph(), shapes=shapes, engine="fast")


def test_a_range_without_a_datatype_is_refused() -> None:
    """A value the bound cannot be compared with violates the range (pyshacl
    says so, shacl-rust does not); the fast engine finds such values through
    the shape's datatype results, so it refuses a range with no datatype."""
    shapes = load_shapes()
    sh = "http://www.w3.org/ns/shacl#"
    shape = URIRef("https://w3id.org/councilkg/shapes#YearKey-year")
    shapes.remove((shape, URIRef(sh + "datatype"), None))
    with pytest.raises(UnsupportedShapesError, match="YearKey-year"):
        validate(Graph(), shapes=shapes, engine="fast")


def test_every_component_of_the_shapes_is_supported() -> None:
    check_supported(load_shapes())


def test_cli_engines_print_the_same_report(tmp_path: Path, seed_path: Path) -> None:
    """``councilkg validate`` (fast by default) and ``--engine pyshacl`` print
    the same JSON report, times aside, on a graph with a violation."""
    store = tmp_path / "store"
    out = tmp_path / "graph.nq"
    ingest = ["ingest", str(seed_path), "--store", str(store), "-q", "--nquads", str(out)]
    assert CliRunner().invoke(main, ingest).exit_code == 0
    # the failed draft marked adopted: Article 27 is broken
    marker = "<http://www.w3.org/2001/XMLSchema#boolean>"
    lines = [
        line.replace(f'"false"^^{marker}', f'"true"^^{marker}')
        if "/id/document/S/2020/797>" in line.split(" ")[0] and "#adopted>" in line
        else line
        for line in out.read_text(encoding="utf-8").splitlines(keepends=True)
    ]
    bad = tmp_path / "bad.nq"
    bad.write_text("".join(lines), encoding="utf-8")
    reports = []
    for engine in ("fast", "pyshacl"):
        result = CliRunner().invoke(
            main, ["validate", str(bad), "--format", "json", "--engine", engine]
        )
        assert result.exit_code == 1, result.output
        data = json.loads(result.output)
        data.pop("seconds")
        reports.append(data)
    assert reports[0]["results"], "the adopted draft is reported"
    assert reports[0] == reports[1]
    on_store = CliRunner().invoke(main, ["validate", "--store", str(store)])
    assert on_store.exit_code == 0, on_store.output
