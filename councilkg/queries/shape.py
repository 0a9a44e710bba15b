"""A prepared query's result shaped for its reader: label columns, the
query's pivot, and the reader's language.

Why one function: ``councilkg query`` and scripts want the same table for a
format and a language, whichever engine answered.  The steps, in order:

1. with ``labels``, label columns beside the IRI columns for the machine
   formats (CSV, JSON, TSV; :mod:`councilkg.queries.columns`) — the text
   table shows each IRI by its label in place;
2. the pivot the query asks for (``# pivot:``; :mod:`councilkg.queries.pivot`);
3. for CSV and the table, headers and booleans in the language
   (:mod:`councilkg.queries.localise`), unless labels were turned off: then
   the CSV is the query's plain W3C result, English variable names and
   lexical values.

JSON keeps its variable names and typed literals in every language: it is
read by programs.
"""

from __future__ import annotations

from councilkg.queries.catalogue import PreparedQuery
from councilkg.queries.columns import with_labels
from councilkg.queries.localise import localise
from councilkg.queries.pivot import pivot
from councilkg.queries.results import QueryResult

__all__ = ["shape"]


def shape(
    query: PreparedQuery, result: QueryResult, fmt: str, lang: str, *, labels: bool
) -> QueryResult:
    """``result`` of ``query`` as ``fmt`` (``table``, ``csv``, ``json``,
    ``tsv``) shows it in ``lang``; ``labels`` as run (see the module)."""
    out = result
    if labels and fmt != "table":
        out = with_labels(out, lang)
    if query.pivot is not None:
        out = pivot(out, *query.pivot)
    if fmt == "table" or (fmt == "csv" and labels):
        out = localise(out, query, lang)
    return out
