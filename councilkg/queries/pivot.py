"""A long result spread into a matrix: one column per value of a column.

Why in Python: SPARQL 1.1 has no pivot, and the columns of the matrix (the
members that voted in the years asked for) are only known from the answer.
A query asks for it in its header (``# pivot: iso3 position``): the rows
that agree on every other column become one row, with a column headed by
each value of the first column (sorted), holding the second column's value,
or its label column (``position_label``) when labels were added
(:mod:`councilkg.queries.columns`); a cell is empty where the pair did not
occur.  Rows keep the order of the query's ``ORDER BY``.
"""

from __future__ import annotations

from councilkg.queries.columns import LABEL_SUFFIXES
from councilkg.queries.results import QueryResult, Row, Term

__all__ = ["pivot"]


def pivot(result: QueryResult, spread: str, value: str) -> QueryResult:
    """``result`` with one column per value of ``spread`` holding ``value``.

    Raises:
        ValueError: ``spread`` or ``value`` is not a column of ``result``.
    """
    if spread not in result.variables or value not in result.variables:
        raise ValueError(f"pivot: no column {spread!r} or {value!r} in {result.variables}")
    derived = {spread, value} | {base + s for base in (spread, value) for s in LABEL_SUFFIXES}
    cell_name = f"{value}_label" if f"{value}_label" in result.variables else value
    at = {v: i for i, v in enumerate(result.variables)}
    keys = [v for v in result.variables if v not in derived]
    table: dict[Row, dict[str, set[Term]]] = {}
    headers: set[str] = set()
    for row in result.rows:
        head, cell = row[at[spread]], row[at[cell_name]]
        key = tuple(row[at[k]] for k in keys)
        cells = table.setdefault(key, {})
        if head is None or cell is None:
            continue
        headers.add(head.value)
        cells.setdefault(head.value, set()).add(cell)
    columns = sorted(headers)
    rows = [(*key, *(_one(cells.get(h, set())) for h in columns)) for key, cells in table.items()]
    return QueryResult((*keys, *columns), rows, result.labels, result.base, result.states)


def _one(cells: set[Term]) -> Term | None:
    """The cell's term; several (a member recorded twice) joined, sorted."""
    if not cells:
        return None
    if len(cells) == 1:
        return next(iter(cells))
    first = min(cells, key=lambda t: t.value)
    return Term.literal(" ".join(sorted(t.value for t in cells)), lang=first.lang)
