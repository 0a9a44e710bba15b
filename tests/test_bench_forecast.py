"""The bench does not start a run its smaller sizes say cannot finish in time.

``bench.common.outgrown`` reads an engine's run at the size below; the SHACL
stage skips an engine (not the two of the issue's SHACL row) and the query
stage an rdflib query whose forecast is over the limit, and say why.  This
is what lets 1M run in ``make bench`` within its time: pyshacl alone spent
its 900 s timeout there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common import Outcome, outgrown
from tests.benchrun import run_bench


def test_a_run_that_scales_past_the_limit_is_not_started() -> None:
    before = Outcome(triples=10_000, seconds=5.0, limit_s=900)
    assert outgrown(before, 100_000, limit_s=40) is not None  # 5 s × 10 > 40 s
    assert outgrown(before, 100_000, limit_s=50) is None  # exactly the limit: run it
    assert outgrown(before, 10_000, limit_s=1) is None  # the same size again: not a forecast
    assert outgrown(None, 1_000_000, limit_s=1) is None  # nothing known: run it


def test_a_run_that_did_not_finish_is_not_started_at_a_larger_size() -> None:
    timed_out = Outcome(triples=100_000, seconds=None, limit_s=900)
    why = outgrown(timed_out, 1_000_000, limit_s=10_000)
    assert why is not None and "did not finish in 900 s" in why
    assert outgrown(timed_out, 50_000, limit_s=40) is None  # smaller: it may finish
    failed = Outcome(triples=10_000, seconds=None, limit_s=900, status="error")
    assert "did not finish (error)" in (outgrown(failed, 100_000, limit_s=40) or "")


@pytest.mark.slow
def test_shacl_skips_other_engines_but_never_the_targets(tmp_path: Path) -> None:
    # A budget no run meets: every forecast past the first size is over it.
    report = run_bench(
        tmp_path, "shacl", "--sizes", "10k,tiny", "--budget", "0.001", "--repeat", "1",
        "--engines", "fast,pyshacl-rdflib",
    )  # fmt: skip
    small, large = report["results"]
    assert small["scale"] == "tiny", "sizes are measured smallest first"
    assert small["engines"]["pyshacl-rdflib"]["status"] == "ok"
    skipped = large["engines"]["pyshacl-rdflib"]
    assert skipped["status"] == "skipped" and "over 0.001 s" in skipped["why"]
    assert large["engines"]["fast"]["status"] == "ok"
    assert large["engines"]["fast"]["faults"]["exact"] is True
    assert report["all_agree"] is True


@pytest.mark.slow
def test_query_latency_skips_rdflib_queries_that_timed_out_below(tmp_path: Path) -> None:
    report = run_bench(
        tmp_path, "query-latency", "--sizes", "tiny,10k", "--repeat", "1", "--no-hand",
        "--engines", "oxigraph-memory,rdflib-memory", "--rdflib-timeout", "0.000001",
    )  # fmt: skip
    small, large = report["results"]
    skipped = [n for n, e in large["queries"].items() if e["engines"]["rdflib-memory"]["n"] == 0]
    assert skipped, "a microsecond's timeout stops rdflib's queries at the first size"
    for name, entry in large["queries"].items():
        rdflib = entry["engines"]["rdflib-memory"]
        below = small["queries"][name]["engines"]["rdflib-memory"]
        if below["n"]:  # a query that answered within a microsecond is forecast again
            continue
        assert rdflib["status"] == "skipped", name
        assert "did not finish" in rdflib["why"]
        assert entry["engines"]["oxigraph-memory"]["status"] == "ok"
    assert "not run" in report["markdown"]
