"""Running queries on the embedded Oxigraph store.

Why a module of its own: the embedded store answers in pyoxigraph's terms;
this is the one place they become the engine-neutral :class:`Term`, so a
result read here equals the result of the same bound query on an endpoint
(:mod:`councilkg.queries.remote`).  Queries run on the store's default
graph, the merge of its named graphs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from councilkg.queries.labels import collect_labels, collect_states
from councilkg.queries.results import QueryResult, Term, canonical, normalise_lists

if TYPE_CHECKING:
    from councilkg.queries.binding import BoundQuery
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


def select_embedded(
    store: GraphStore, sparql: str, types: Mapping[str, str] | None = None
) -> QueryResult:
    """Run SELECT text on the store's default graph (the merge of its graphs).

    Each solution is read by iterating it (its values in the order of the
    variables) and each distinct term is turned into a :class:`Term` once:
    an answer repeats its members, positions and dates on every row, and
    reading a solution by variable name and building a term for every cell
    cost more than the query itself for answers of hundreds of rows (375
    rows: 6.5 ms against 0.5 ms).  With ``types`` (a prepared query's
    declared column types, :attr:`PreparedQuery.types`), every term is also
    made canonical (:func:`~councilkg.queries.results.canonical`) as it is
    first read, which :func:`~councilkg.queries.results.normalise_values`
    would do in a second pass over every cell.
    """
    solutions = store.query(sparql)
    variables = tuple(v.value for v in solutions.variables)
    declared = dict(types or {})
    column_types = [declared.get(v) for v in variables]
    # One memo per declared type: a node read in two columns of one type is
    # converted once.
    memos: dict[str | None, dict[Any, Term | None]] = {}
    columns = [(memos.setdefault(t, {None: None}), t) for t in column_types]
    rows: list[tuple[Term | None, ...]] = []
    for solution in solutions:
        row = []
        for (seen, datatype), node in zip(columns, solution, strict=True):
            try:
                row.append(seen[node])
            except KeyError:
                term = _ox_term(node)
                assert term is not None
                if types is not None:
                    term = canonical(term, datatype)
                seen[node] = term
                row.append(term)
        rows.append(tuple(row))
    return QueryResult(variables, rows)


def run_embedded(store: GraphStore, bound: BoundQuery, *, labels: bool = False) -> QueryResult:
    """Run a bound query on the embedded store.

    With ``labels``, the ``skos:prefLabel``/``rdfs:label`` of every IRI in the
    result are looked up too, and the ISO3 codes and short names of the States among
    them (for :meth:`QueryResult.to_table` and label columns).
    """
    # Canonical as read: the lists' items are sorted afterwards, which
    # leaves them canonical (a list column is plain text).
    result = normalise_lists(
        bound.query, select_embedded(store, bound.sparql, dict(bound.query.types))
    )
    if labels:
        iris = result.iris()
        result.labels = collect_labels(iris, lambda q: select_embedded(store, q))
        result.states = collect_states(iris, lambda q: select_embedded(store, q))
    return result
