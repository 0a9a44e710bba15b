"""A result in the reader's language: Chinese headers and Chinese values.

Why apart from rendering: the W3C result formats fix neither the headers'
language nor how a boolean reads, and a table or CSV for a Chinese reader
should hold no English: under ``--lang zh`` the headers are the query's
``columns@zh`` (label columns: the Chinese name of their IRI column and
``_ISO3``, ``_名称``, ``_标签``), and booleans read 是 and 否.  IRIs, codes,
numbers, dates and text from the sources are left as they are; labels are
already in the language asked for (:mod:`councilkg.queries.columns`).
"""

from __future__ import annotations

from rdflib import XSD

from councilkg.queries.catalogue import PreparedQuery
from councilkg.queries.results import QueryResult, Term

__all__ = ["BOOLEANS", "header", "localise"]

BOOLEANS = {"zh": {"true": "是", "false": "否", "1": "是", "0": "否"}}
"""How an ``xsd:boolean`` reads, by language (English: as written)."""

_SUFFIXES = {"zh": {"_iso3": "_ISO3", "_name": "_名称", "_label": "_标签"}}
_BOOLEAN = str(XSD.boolean)


def header(query: PreparedQuery, column: str, lang: str) -> str:
    """The header of ``column`` in ``lang``: a declared column by the query's
    header, a label column by its IRI column and suffix, others (the ISO3
    codes of a pivot) as they are."""
    if column in query.columns:
        return query.column_in(column, lang)
    for suffix, name in _SUFFIXES.get(lang, {}).items():
        base = column.removesuffix(suffix)
        if base != column and base in query.columns:
            return query.column_in(base, lang) + name
    return column


def localise(result: QueryResult, query: PreparedQuery, lang: str) -> QueryResult:
    """``result`` with headers and booleans in ``lang`` (unchanged in English)."""
    words = BOOLEANS.get(lang)
    if words is None:
        return result
    rows = [
        tuple(
            Term.literal(words.get(t.value, t.value))
            if t is not None and t.kind == "literal" and t.datatype == _BOOLEAN
            else t
            for t in row
        )
        for row in result.rows
    ]
    variables = tuple(header(query, v, lang) for v in result.variables)
    return QueryResult(variables, rows, result.labels, result.base, result.states)
