"""Label columns: beside each IRI column of a result, the columns a
statistician reads, so a CSV loads into R or pandas without a join.

Why columns and not replaced values: scripts join results on IRIs (a State,
a vote position, a document), so the IRI columns stay as they are, and the
labels come beside them, in the language asked for:

- a column of States gets ``<column>_iso3`` (unless the result already has a
  column holding the same ISO3 code on every row, as ``votes-on-draft``'s
  ``iso3`` does) and ``<column>_name``, the State's short name
  (``ckg:shortName``: United Kingdom, 英国);
- any other column of IRIs gets ``<column>_label``: the ``skos:prefLabel``
  or ``rdfs:label`` in the language (``against``, ``反对``), else with no
  language, else in any; a column none of whose IRIs has a label in the
  graph (meetings, vote events) gets none.

The labels are those looked up with the result (``labels=True`` when
running: :mod:`councilkg.queries.labels`), from the same graph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from councilkg.queries.results import QueryResult, Row, Term

__all__ = ["LABEL_SUFFIXES", "label_term", "with_labels"]

LABEL_SUFFIXES = ("_iso3", "_name", "_label")
"""The suffixes of label columns, after the name of the IRI column."""

_Cell = Callable[[Row], Term | None]


def label_term(result: QueryResult, iri: str, lang: str) -> Term | None:
    """The label of ``iri`` as a literal tagged with the language it is in
    (``lang``, else untagged, else the first language in order), or None."""
    state = result.states.get(iri)
    if state is not None and state.short:
        tag = lang if lang in state.short else ("en" if "en" in state.short else "")
        return Term.literal(state.name(lang), lang=tag or None)
    labels = result.labels.get(iri)
    if not labels:
        return None
    tag = lang if lang in labels else ("" if "" in labels else sorted(labels)[0])
    return Term.literal(labels[tag], lang=tag or None)


def with_labels(result: QueryResult, lang: str) -> QueryResult:
    """``result`` with label columns beside its IRI columns (see the module)."""
    variables: list[str] = []
    cells: list[_Cell] = []
    for i, var in enumerate(result.variables):
        variables.append(var)
        cells.append(_column(i))
        iris = [t.value for row in result.rows if (t := row[i]) is not None and t.kind == "uri"]
        if not iris:
            continue
        if all(iri in result.states for iri in iris):
            if not _iso3_elsewhere(result, i):
                variables.append(f"{var}_iso3")
                cells.append(_iso3(result, i))
            variables.append(f"{var}_name")
            cells.append(_label(result, i, lang))
        elif any(label_term(result, iri, lang) is not None for iri in iris):
            variables.append(f"{var}_label")
            cells.append(_label(result, i, lang))
    rows = [tuple(cell(row) for cell in cells) for row in result.rows]
    return QueryResult(tuple(variables), rows, result.labels, result.base, result.states)


def _column(i: int) -> _Cell:
    return lambda row: row[i]


def _iso3(result: QueryResult, i: int) -> _Cell:
    def cell(row: Row) -> Term | None:
        t = row[i]
        state = None if t is None else result.states.get(t.value)
        return None if state is None else Term.literal(state.iso3)

    return cell


def _label(result: QueryResult, i: int, lang: str) -> _Cell:
    def cell(row: Row) -> Term | None:
        t = row[i]
        return None if t is None or t.kind != "uri" else label_term(result, t.value, lang)

    return cell


def _iso3_elsewhere(result: QueryResult, i: int) -> bool:
    """True when another column holds the ISO3 code of column ``i``'s State
    on every row where it is bound (``member`` and ``iso3``)."""
    bound: Sequence[Row] = [row for row in result.rows if row[i] is not None]
    for j in range(len(result.variables)):
        if j != i and all(
            (t := row[j]) is not None
            and t.kind == "literal"
            and t.value == result.states[row[i].value].iso3  # type: ignore[union-attr]
            for row in bound
        ):
            return True
    return False
