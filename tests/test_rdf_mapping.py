"""Every record class has its RDF mapping: a new record type cannot be
dropped silently by ``Mapper.record``'s ``match``."""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest
from rdflib.namespace import RDF

from councilkg.ingest import rdf, records
from councilkg.ingest.vocab import CKG


def _record_classes() -> set[str]:
    return {
        name
        for name, cls in vars(records).items()
        if inspect.isclass(cls) and issubclass(cls, records.Record) and cls is not records.Record
    }


def _cases() -> list[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(rdf.Mapper.record)))
    return [
        case.pattern.cls.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Match)
        for case in node.cases
        if isinstance(case.pattern, ast.MatchClass) and isinstance(case.pattern.cls, ast.Name)
    ]


def test_every_record_class_is_mapped() -> None:
    cases = _cases()
    assert len(cases) == len(set(cases)), cases
    assert set(cases) == _record_classes()


def test_an_unknown_record_is_an_error() -> None:
    class Stray(records.Record):
        pass

    mapper = rdf.Mapper.__new__(rdf.Mapper)
    with pytest.raises(TypeError, match="Stray"):
        mapper.record(Stray.__new__(Stray))


def _prov(start: int, end: int, text: str, kind: str = "finding") -> records.Provenance:
    return records.Provenance("f.txt", "0" * 64, 0, None, kind, "b", 1, start, end, text)


def test_findings_on_one_span_are_distinct_nodes() -> None:
    """Two contradictions of one code at one offset were one node with two
    messages (a false "exactly one message" and a wrong page)."""
    source = records.SourceFile(
        _prov(0, 20, "", "source"), "f.txt", "0" * 64, 20, "zh", "2020", None, 1, ()
    )
    found = [
        records.Finding(_prov(5, 9, "abcd"), code="E001", message="one thing"),
        records.Finding(_prov(5, 9, "abcd"), code="E001", message="another thing"),
        records.Finding(_prov(5, 12, "abcdefg"), code="E001", message="one thing"),
    ]
    triples = rdf.to_triples([source, *found])
    nodes = {s for s, p, o in triples if p == RDF.type and o == CKG.Finding}
    assert len(nodes) == 3
    for node in nodes:
        assert len({o for s, p, o in triples if s == node and p == CKG.message}) == 1
