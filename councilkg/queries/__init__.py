"""Prepared queries: one SPARQL file per question, with typed parameters.

Why files with a header: scripts, notebooks and the command line ask the
graph the same questions by name (``votes-on-draft``, ``co-voting``), so
each question is one reviewed ``queries/<name>.rq`` file, standard SPARQL
1.1 (it runs on Oxigraph, Fuseki, GraphDB, Virtuoso, QLever), whose leading
``#`` lines describe it::

    # title: Votes on a draft resolution
    # title@zh: 决议草案的表决情况
    # description: Each member's position …
    # description@zh: 各成员 …
    # param: symbol | symbol | required | S/2020/797 | The draft's symbol
    # columns: member iso3 position permanent date

A ``param`` line is ``name | type | required|optional | example | text``;
the parameter is the query variable of the same name.  Types:
``symbol`` (a UN document symbol, bound as its canonical key, the value of
``ckg:symbol``), ``meeting`` (an ``S/PV`` symbol), ``state`` (ISO3 or a
Chinese/English name, bound as the ISO3 code, the value of ``ckg:iso3``),
``year``, ``item`` (curated key or title, bound as the ``ckg:key``),
``iri``, ``date``, ``string`` and ``integer``.

Why values are bound with ``VALUES``: user text is validated and turned
into an RDF term by a proper encoder (:func:`councilkg.ingest.ntriples.term`), and the
terms go into a ``VALUES`` block placed at the top of the query's outermost
``WHERE`` group, never into the query's own text.  The same bound text runs
on the embedded store and on any remote endpoint, so both give the same
answers (pyoxigraph's ``substitutions`` would only reach projected
variables, and no remote protocol has them).  A parameter left unset is
simply not bound: queries are written so that an unbound parameter does not
filter (it is matched like any variable, or tested with ``!BOUND``).

The package, by job: :mod:`~councilkg.queries.catalogue` (the ``.rq`` files
and their headers), :mod:`~councilkg.queries.binding` (typed parameters),
:mod:`~councilkg.queries.text` (SPARQL text: the ``WHERE`` group, ``VALUES``),
:mod:`~councilkg.queries.results` (terms, tables, W3C result formats),
:mod:`~councilkg.queries.labels`, :mod:`~councilkg.queries.local` (the
embedded store), :mod:`~councilkg.queries.remote` (any SPARQL 1.1 endpoint)
and :mod:`~councilkg.queries.execute` (the choice between them).  The names
below are the public interface; import them from here.
"""

from __future__ import annotations

from councilkg.queries.binding import BoundQuery, bind, inject_values, parse_params
from councilkg.queries.catalogue import (
    FORMATS,
    LANGS,
    PARAM_TYPES,
    Param,
    PreparedQuery,
    QueryError,
    catalogue,
    describe,
    format_catalogue,
    from_text,
    get,
)
from councilkg.queries.execute import run
from councilkg.queries.labels import collect_labels, label_query
from councilkg.queries.local import run_embedded, select_embedded
from councilkg.queries.results import QueryResult, Row, Term, normalise_lists, render
from councilkg.queries.text import bind_text, where_brace

__all__ = [
    "FORMATS",
    "LANGS",
    "PARAM_TYPES",
    "BoundQuery",
    "Param",
    "PreparedQuery",
    "QueryError",
    "QueryResult",
    "Row",
    "Term",
    "bind",
    "bind_text",
    "catalogue",
    "collect_labels",
    "describe",
    "format_catalogue",
    "from_text",
    "get",
    "inject_values",
    "label_query",
    "normalise_lists",
    "parse_params",
    "render",
    "run",
    "run_embedded",
    "select_embedded",
    "where_brace",
]
