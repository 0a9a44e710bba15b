"""One rendering of values whatever engine answered: Virtuoso's stored
booleans (``1``/``0``), Jena's decimals (``1.0``), integer subtypes and
dates with a zone print as the embedded store's do, in tables, CSV and JSON.
And every typed column of a prepared query is declared in its ``# types:``
line, so the declaration cannot fall behind the queries."""

from __future__ import annotations

import pytest

from councilkg import queries as cq
from councilkg.queries.results import QueryResult, Term, canonical, normalise_values
from councilkg.store import GraphStore

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("term", "declared", "value", "datatype"),
    [
        (Term.literal("1", XSD + "integer"), "boolean", "true", "boolean"),
        (Term.literal("0", XSD + "integer"), "boolean", "false", "boolean"),
        (Term.literal("1", XSD + "boolean"), None, "true", "boolean"),
        (Term.literal("true", XSD + "boolean"), "boolean", "true", "boolean"),
        (Term.literal("1.0", XSD + "decimal"), None, "1", "decimal"),
        (Term.literal("0.50", XSD + "decimal"), None, "0.5", "decimal"),
        (Term.literal("-0.0", XSD + "decimal"), None, "0", "decimal"),
        (Term.literal("1", XSD + "decimal"), None, "1", "decimal"),
        (Term.literal("15", XSD + "int"), None, "15", "integer"),
        (Term.literal("15", XSD + "long"), "integer", "15", "integer"),
        (Term.literal("2020-02-26Z", XSD + "date"), None, "2020-02-26", "date"),
        (Term.literal("2020-02-26T00:00:00Z", XSD + "dateTime"), "date", "2020-02-26", "date"),
        (Term.literal("2020-02-26", XSD + "date"), None, "2020-02-26", "date"),
    ],
)
def test_canonical_forms(term: Term, declared: str | None, value: str, datatype: str) -> None:
    got = canonical(term, declared)
    assert (got.value, got.datatype) == (value, XSD + datatype)
    assert canonical(got, declared) == got  # idempotent


def test_what_is_not_its_type_is_left_alone() -> None:
    for term, declared in [
        (Term.literal("maybe", XSD + "integer"), "boolean"),
        (Term.literal("x", XSD + "decimal"), None),
        (Term.literal("2.5", XSD + "integer"), "integer"),
        (Term.literal("中国", None, "zh"), "boolean"),
        (Term("uri", "https://example.org/1"), "boolean"),
    ]:
        assert canonical(term, declared) == term


def test_renderings_agree_across_engines() -> None:
    """The same answer as Virtuoso and Oxigraph give it prints the same."""
    query = cq.get("votes-on-draft")
    member = Term("uri", "https://w3id.org/councilkg/id/state/CHN")
    virtuoso = QueryResult(
        query.columns,
        [(member, Term.literal("CHN"), None, Term.literal("1", XSD + "integer"), None)],
    )
    oxigraph = QueryResult(
        query.columns,
        [(member, Term.literal("CHN"), None, Term.literal("true", XSD + "boolean"), None)],
    )
    a, b = normalise_values(query, virtuoso), normalise_values(query, oxigraph)
    assert a.to_json() == b.to_json() and a.to_csv() == b.to_csv()
    assert a.to_table() == b.to_table() and a.to_tsv() == b.to_tsv()


@pytest.mark.parametrize("query", cq.catalogue(), ids=lambda q: q.name)
def test_typed_columns_are_declared(seed_store: GraphStore, query: cq.PreparedQuery) -> None:
    declared = dict(query.types)
    result = cq.select_embedded(seed_store, cq.bind(query, query.examples()).sparql)
    for row in result.rows:
        for column, term in zip(result.variables, row, strict=True):
            if term is None or term.kind != "literal" or term.datatype is None:
                continue
            kind = term.datatype.removeprefix(XSD)
            if kind in ("boolean", "integer", "decimal", "date"):
                assert declared.get(column) == kind, (query.name, column, kind)
