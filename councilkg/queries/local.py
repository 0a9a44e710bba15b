"""Prepared queries on the embedded store (on-disk Oxigraph).

Runs the bound text as it would run remotely, so the embedded answers are the
reference the endpoint tests compare with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from councilkg.queries.binding import BoundQuery
from councilkg.queries.labels import collect_labels
from councilkg.queries.results import QueryResult, Term, normalise_lists

if TYPE_CHECKING:
    from councilkg.store import GraphStore

__all__ = ["run_embedded", "select_embedded"]


def _ox_term(node: Any) -> Term | None:
    if node is None:
        return None
    name = type(node).__name__
    if name == "NamedNode":
        return Term("uri", node.value)
    if name == "BlankNode":
        return Term("bnode", node.value)
    if name == "Literal":
        return Term.literal(node.value, node.datatype.value, node.language)
    raise TypeError(f"unexpected term in a SELECT result: {node!r}")


def select_embedded(store: GraphStore, sparql: str) -> QueryResult:
    """Run SELECT text on the store's default graph (the merge of its graphs)."""
    solutions = store.query(sparql)
    variables = tuple(v.value for v in solutions.variables)
    rows = [tuple(_ox_term(s[v]) for v in variables) for s in solutions]
    return QueryResult(variables, rows)


def run_embedded(store: GraphStore, bound: BoundQuery, *, labels: bool = False) -> QueryResult:
    """Run a bound query on the embedded store.

    With ``labels``, the ``skos:prefLabel``/``rdfs:label`` of every IRI in the
    result are looked up too (for :meth:`QueryResult.to_table`).
    """
    result = normalise_lists(bound.query, select_embedded(store, bound.sparql))
    if labels:
        result.labels = collect_labels(result.iris(), lambda q: select_embedded(store, q))
    return result
