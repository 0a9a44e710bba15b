"""The floor of an answer (``bench/floor.py``): computed from the measured
query's own rows and bound cells, timed beside it on the same store, and
never above the query it bounds (a floor is what any answer of that shape
costs, so a query that beats its floor means the floor measures something
else: too many rows, cells that are not the answer's, another store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import floor
from councilkg import queries as cq
from councilkg.queries.results import QueryResult, Term
from councilkg.store import GraphStore
from tests.benchrun import run_bench

# Queries of the catalogue whose work is well above their answer's on the
# bench's smallest graph (several patterns a row), so the comparison with
# their floor holds on a busy machine too.
BOUNDED = ("state-activity", "positions-of-state", "letters-by-state")


def test_bound_cells_count_only_values() -> None:
    one = Term("literal", "1")
    result = QueryResult(("a", "b", "c"), [(one, None, one), (None, None, one)])
    assert floor.bound_cells(result) == 3


def test_an_order_by_is_seen_outside_comments_only() -> None:
    assert floor.is_ordered("SELECT * WHERE { ?s ?p ?o }\norder  by ?s")
    assert not floor.is_ordered("# ORDER BY ?s\nSELECT * WHERE { ?s ?p ?o }")


def test_the_floor_queries_take_the_rows_and_the_order() -> None:
    scan = floor.floor_sparql("scan", 375, ordered=True)
    assert "LIMIT 375" in scan and scan.rstrip().endswith("ORDER BY ?key")
    lookup = floor.floor_sparql("lookup", 10, ordered=False)
    assert "LIMIT 10" in lookup and not floor.is_ordered(lookup)


def test_the_estimate_is_the_scan_plus_a_lookup_per_further_cell() -> None:
    probe = floor.Probe(
        rows=100, cells=500, ordered=False, scan_rows=50, lookup_rows=50, runners={}
    )
    # 50 rows measured: 1 ms scanned, 6 ms with five lookups a row → 100 rows:
    # 2 ms and 12 ms; 20 µs a cell; 500 cells = 200 from the scan + 300 more.
    est = floor.estimate(probe, [0.001, 0.001, 0.001], [0.006, 0.006, 0.006])
    assert est["per_row_s"] == pytest.approx(2e-5)
    assert est["per_cell_s"] == pytest.approx(2e-5)
    assert est["p50_s"] == pytest.approx(0.002 + 300 * 2e-5)


def test_a_probe_reads_spans_on_a_real_store(seed_store: GraphStore) -> None:
    result = cq.run_embedded(seed_store, cq.bind("vote-positions", {}))
    probe = floor.probe(seed_store, result, cq.bind("vote-positions", {}).sparql)
    assert probe is not None
    assert probe.rows == len(result.rows) and probe.cells == floor.bound_cells(result)
    assert probe.ordered
    assert 0 < probe.lookup_rows <= probe.scan_rows <= probe.rows
    assert set(probe.runners) == {"floor:scan", "floor:lookup"}
    empty = QueryResult(result.variables, [])
    assert floor.probe(seed_store, empty, "SELECT * WHERE { ?s ?p ?o }") is None


@pytest.mark.slow
def test_query_latency_reports_each_querys_floor_below_it(tmp_path: Path) -> None:
    report = run_bench(
        tmp_path, "query-latency", "--sizes", "tiny", "--repeat", "5",
        "--engines", "oxigraph-disk", "--no-hand", "--queries", ",".join(BOUNDED),
    )  # fmt: skip
    (result,) = report["results"]
    for name in BOUNDED:
        q = result["queries"][name]
        est = q["floor"]
        assert est["rows"] == q["rows"] > 0, name
        columns = len(cq.get(name).columns)
        assert q["rows"] <= est["cells"] <= q["rows"] * columns, name
        assert 0 < q["floor_p50_s"] <= q["engines"]["oxigraph-disk"]["p50_s"], name
        assert q["prepared_over_floor_p50"] >= 1, name
    assert "| floor ms |" in report["target_markdown"]
    assert result["floor_over_target"] == []  # tiny answers cost well under 20 ms
