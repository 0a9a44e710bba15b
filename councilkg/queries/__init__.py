"""Prepared queries: one SPARQL file per question, with typed parameters,
run on the embedded store or on any SPARQL 1.1 endpoint.

Why a package of small modules: a question goes through distinct steps, each
with its own reason to change, and each step is one module that imports the
ones below it directly (never this package), so there is no import cycle:

- :mod:`~councilkg.queries.errors`: :class:`QueryError`, the one error a
  caller catches;
- :mod:`~councilkg.queries.inject`: values put into SPARQL text, a ``VALUES``
  block at the top of the outermost ``WHERE`` group (:func:`bind_text`);
- :mod:`~councilkg.queries.catalogue`: the ``queries/*.rq`` files and their
  headers (:func:`catalogue`, :func:`get`, :class:`PreparedQuery`);
- :mod:`~councilkg.queries.guards`: lines of a query kept only when a
  parameter is bound (``#if years: …``), a key to start from;
- :mod:`~councilkg.queries.binding`: user text validated by parameter type
  and bound as RDF terms (:func:`bind`, :class:`BoundQuery`);
- :mod:`~councilkg.queries.results`: engine-neutral :class:`Term` and
  :class:`QueryResult`, rendered as SPARQL JSON, CSV, TSV or a table;
- :mod:`~councilkg.queries.labels`: labels of the IRIs of a result, and the
  ISO3 codes and short names of its States;
- :mod:`~councilkg.queries.columns`: label columns beside the IRI columns;
- :mod:`~councilkg.queries.pivot`: a long result spread into a matrix;
- :mod:`~councilkg.queries.localise`: headers and booleans in Chinese;
- :mod:`~councilkg.queries.shape`: those three, as a format and language ask;
- :mod:`~councilkg.queries.local` and :mod:`~councilkg.queries.remote`: the
  embedded store and a SPARQL endpoint;
- :mod:`~councilkg.queries.execute`: :func:`run`, which picks one of them.

This module only gathers their public names, so callers write::

    from councilkg import queries as cq
    result = cq.run(cq.bind("votes-on-draft", {"symbol": "S/2020/797"}), store=store)
    print(cq.render(result, "table", "zh"))
"""

from __future__ import annotations

from councilkg.queries.binding import (
    MAX_YEAR,
    MIN_YEAR,
    BoundQuery,
    bind,
    inject_values,
    parse_params,
)
from councilkg.queries.catalogue import (
    PARAM_TYPES,
    Param,
    PreparedQuery,
    catalogue,
    describe,
    format_catalogue,
    get,
    parse_query,
)
from councilkg.queries.columns import LABEL_SUFFIXES, with_labels
from councilkg.queries.errors import QueryError
from councilkg.queries.execute import run
from councilkg.queries.inject import bind_text, where_brace
from councilkg.queries.labels import collect_labels, collect_states, label_query, state_query
from councilkg.queries.local import run_embedded, select_embedded
from councilkg.queries.localise import localise
from councilkg.queries.pivot import pivot
from councilkg.queries.remote import RemoteError, run_remote, select_remote
from councilkg.queries.results import (
    FORMATS,
    QueryResult,
    Row,
    StateName,
    Term,
    normalise_lists,
    render,
)
from councilkg.queries.shape import shape

__all__ = [
    "FORMATS",
    "LABEL_SUFFIXES",
    "MAX_YEAR",
    "MIN_YEAR",
    "PARAM_TYPES",
    "BoundQuery",
    "Param",
    "PreparedQuery",
    "QueryError",
    "QueryResult",
    "RemoteError",
    "Row",
    "StateName",
    "Term",
    "bind",
    "bind_text",
    "catalogue",
    "collect_labels",
    "collect_states",
    "describe",
    "format_catalogue",
    "get",
    "inject_values",
    "label_query",
    "localise",
    "normalise_lists",
    "parse_params",
    "parse_query",
    "pivot",
    "render",
    "run",
    "run_embedded",
    "run_remote",
    "select_embedded",
    "select_remote",
    "shape",
    "state_query",
    "where_brace",
    "with_labels",
]
