"""Every record class has its RDF mapping: a new record type cannot be
dropped silently by ``Mapper.record``'s ``match``."""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest

from councilkg.ingest import rdf, records


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
