"""The floor of an answer: what the store needs at least to return R rows
of C bound cells, whatever the graph's layout.

Why: a prepared query over 20 ms at 1M triples is either doing more than
its answer needs (a plan that reads beyond it: rewrite the query) or
returning an answer that costs that much by itself (only a smaller answer
helps).  The floor tells the two apart.  It is what a fully precomputed
answer would cost: R nodes, each holding its cells as single-valued
properties, read through the same path as the prepared queries
(:func:`councilkg.queries.local.select_embedded` on the same store: the
engine, then the rows read into Python terms).

Two queries (``bench/queries-floor/``) are timed at the measured query's
own R, on spans (every graph has tens of thousands at 1M):

``scan``    R spans and their start offset: two cells a row from one
            index scan (the row's node and one value);
``lookup``  the same spans with five more single-valued properties, one
            index lookup a cell (integers, a quote, two IRIs).

so ``per_row = scan / R`` (the row with its first two cells) and
``per_cell = (lookup - scan) / 5R``, and the floor of an answer with
``cells`` bound cells in R rows is ``scan + (cells - 2R) * per_cell``.
When the measured query has an ORDER BY, both are sorted on the start
offset, an integer Oxigraph compares inline: the cheapest order there is.
A graph with fewer spans than R is measured on all of them and scaled to R.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from bench.common import ROOT
from councilkg.queries.local import select_embedded
from councilkg.queries.results import QueryResult
from councilkg.store import GraphStore

FORMS = ROOT / "bench" / "queries-floor"
SCAN_CELLS = 2  # scan.rq: the node and its start offset
LOOKUP_CELLS = 7  # lookup.rq: five more, one lookup each
_ORDER = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


def bound_cells(result: QueryResult) -> int:
    """The answer's cells that hold a value (an unbound one costs a
    precomputed answer nothing)."""
    return sum(1 for row in result.rows for cell in row if cell is not None)


def is_ordered(sparql: str) -> bool:
    """Whether the query sorts its answer (the floor then sorts too)."""
    text = "\n".join(line.split("#", 1)[0] for line in sparql.splitlines())
    return bool(_ORDER.search(text))


def floor_sparql(form: str, rows: int, *, ordered: bool) -> str:
    """``bench/queries-floor/<form>.rq`` for ``rows`` rows, sorted or not."""
    text = (FORMS / f"{form}.rq").read_text(encoding="utf-8").replace("{rows}", str(rows))
    return text + ("ORDER BY ?key\n" if ordered else "")


def run(store: GraphStore, sparql: str) -> int:
    """One timed unit: the query run and its rows read as the runner reads
    them; the number of rows it gave."""
    return len(select_embedded(store, sparql).rows)


@dataclass(frozen=True)
class Probe:
    """The two floor queries of one answer, ready to be timed beside it."""

    rows: int  # the measured answer's rows
    cells: int  # its bound cells
    ordered: bool
    scan_rows: int  # the rows scan.rq gave (fewer than ``rows`` on a small graph)
    lookup_rows: int
    runners: dict[str, Callable[[], object]]


def probe(store: GraphStore, result: QueryResult, sparql: str) -> Probe | None:
    """The floor queries for the answer ``result`` of the query ``sparql``
    (each run once: a warm-up, and the rows each gives); None for an empty
    answer, whose floor is nothing to measure."""
    if not result.rows:
        return None
    ordered = is_ordered(sparql)
    texts = {
        form: floor_sparql(form, len(result.rows), ordered=ordered) for form in ("scan", "lookup")
    }
    got = {form: run(store, text) for form, text in texts.items()}
    if not got["scan"] or not got["lookup"]:
        return None  # a graph without spans: no floor here
    return Probe(
        rows=len(result.rows),
        cells=bound_cells(result),
        ordered=ordered,
        scan_rows=got["scan"],
        lookup_rows=got["lookup"],
        runners={f"floor:{form}": partial(run, store, text) for form, text in texts.items()},
    )


def estimate(p: Probe, scan_runs: list[float], lookup_runs: list[float]) -> dict[str, Any]:
    """The floor of ``p``'s answer from the runs of its two queries (p50 of
    each, scaled to the answer's rows), with its constants."""
    scan = statistics.median(scan_runs) * p.rows / p.scan_rows
    lookup = statistics.median(lookup_runs) * p.rows / p.lookup_rows
    per_row = scan / p.rows
    per_cell = max(lookup - scan, 0.0) / ((LOOKUP_CELLS - SCAN_CELLS) * p.rows)
    extra = p.cells - SCAN_CELLS * p.rows
    floor = scan + extra * per_cell if extra >= 0 else scan * p.cells / (SCAN_CELLS * p.rows)
    return {
        "p50_s": floor,
        "rows": p.rows,
        "cells": p.cells,
        "ordered": p.ordered,
        "scan_p50_s": scan,
        "lookup_p50_s": lookup,
        "per_row_s": per_row,
        "per_cell_s": per_cell,
        "measured_rows": p.lookup_rows,
    }
