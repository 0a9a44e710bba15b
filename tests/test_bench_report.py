"""Smoke test of ``make bench`` (``python -m bench report``) at the tiniest size.

It runs every stage once (``--quick --sizes tiny``: the seed graph with the
three injected SHACL faults) and checks the report it writes: the JSON has
every stage, every figure it promises, and the cross-checks hold — every
SHACL engine finds the same results as pyshacl over rdflib and exactly the
injected faults, the untyped-shapes probe over Oxigraph differs only by its
false ``sh:in`` results, every prepared query returns the same rows on each
engine, the exports count the triples the graph has.  No timing is
asserted: the benchmark reports, the suite does not judge speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from bench import jena
from bench.common import child_env

STAGES = {"ingest", "memory", "size", "load", "shacl", "queries", "endpoint", "export"}
PROBE = "pyshacl-oxigraph-untyped"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench-report")
    env = child_env(COUNCILKG_BENCH_CACHE=str(out / "cache"))
    cmd = ["-m", "bench", "report", "--quick", "--sizes", "tiny", "--out-dir", str(out)]
    proc = subprocess.run(
        [sys.executable, *cmd],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=out,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# councilkg benchmarks")
    data: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.slow
def test_report_has_every_stage_and_the_targets(report: dict[str, Any]) -> None:
    assert report["schema"] == 1
    assert report["sizes"] == ["tiny"]
    assert set(report["stages"]) == STAGES
    assert {"tiny/spread", "tiny/clean"} <= set(report["graphs"])
    # the issue's seven targets, each with a row (a target read at 1M is "not
    # measured" at this size, never left out)
    keys = [t["key"] for t in report["targets"]]
    assert set(keys) == {
        "ingest",
        "memory",
        "size",
        "shacl",
        "shacl-incremental",
        "queries",
        "endpoint",
    }
    for t in report["targets"]:
        assert t["met"] in (True, False, None) and t["figure"], t
        if t["met"] is not None:
            assert t["baseline"] and t["ratio"], t
    by_key = {t["key"]: t for t in report["targets"]}
    assert by_key["size"]["met"] is not None  # measured at every size
    assert by_key["shacl"]["met"] is None  # read at 1M only
    # the memory stage measured the corpus at 1× and 10× (1,000× outside --quick):
    # peaks shown, not judged below the size the target names
    memory = report["stages"]["memory"]
    assert memory["status"] == "ok", memory.get("stderr")
    assert set(memory["memory"]["peak_mib"]) == {"1", "10"}
    assert by_key["memory"]["met"] is None and "10×" in by_key["memory"]["figure"]
    assert "## Targets" in report["markdown"] and "## Closing note" in report["markdown"]


@pytest.mark.slow
def test_load_and_export_count_the_same_graph(report: dict[str, Any]) -> None:
    load = report["stages"]["load"]["results"][0]
    quads = load["quads"]
    for name in ("rdflib", "oxigraph-memory", "oxigraph-disk", "graphstore-disk"):
        method = load["methods"][name]
        assert method["status"] == "ok", name
        assert method["ratio_to_rdflib"] > 0
        assert method["rss_peak_mib"] > 0
    assert load["methods"]["rdflib"]["stored"] == quads
    assert load["methods"]["oxigraph-memory"]["stored"] == quads
    # the on-disk GraphStore also holds the merge as its default graph
    assert load["methods"]["graphstore-disk"]["stored"] == quads + load["triples"]
    export = report["stages"]["export"]["results"][0]
    assert export["triples"] == load["triples"]
    formats = export["formats"]
    assert {"oxigraph-dump", "ntriples", "turtle", "jsonld", "nquads"} <= set(formats)
    assert formats["ntriples"]["statements"] == load["triples"]
    assert formats["turtle"]["statements"] == load["triples"]
    assert formats["nquads"]["statements"] == quads
    assert all(f["status"] == "ok" and f["bytes"] > 0 for f in formats.values())


@pytest.mark.slow
def test_shacl_engines_find_the_same_violations(report: dict[str, Any]) -> None:
    shacl = report["stages"]["shacl"]
    result = shacl["results"][0]
    faults = result["faults"]
    assert {f["kind"] for f in faults} == {"flip-vote", "non-member-voter", "malformed-symbol"}
    engines = result["engines"]
    expected = ["pyshacl-rdflib", "pyshacl-oxigraph-countonce"]
    if jena.available():
        expected.append("jena")
    for name in expected:
        engine = engines[name]
        assert engine["status"] == "ok", (name, engine.get("error"))
        assert engine["results"] >= len(faults)
        assert engine["deterministic"] is True
        assert engine["faults"]["exact"], (name, engine["faults"])
        if name != "pyshacl-rdflib":
            assert engine["cross_check"]["same"], (name, engine["cross_check"])
    probe = engines[PROBE]
    assert probe["status"] == "ok"
    assert probe["cross_check"]["only_here_n"] > 0  # the false sh:in violations
    assert probe["cross_check"]["only_in_reference_n"] == 0
    assert set(probe["cross_check"]["only_here_components"]) == {"sh:InConstraintComponent"}
    assert shacl["sh_in_probe"]["equal_in_rdflib"] is False
    incremental = result["incremental"]["pyshacl-rdflib"]
    assert incremental["status"] == "ok" and incremental["matches_full"] is True
    assert result["all_agree"] is True and shacl["all_agree"] is True


@pytest.mark.slow
def test_every_prepared_query_agrees_across_engines(report: dict[str, Any]) -> None:
    result = report["stages"]["queries"]["results"][0]
    assert len(result["queries"]) >= 10
    for name, query in result["queries"].items():
        assert query["agree"] is True, name
        memory = query["engines"]["oxigraph-memory"]
        assert memory["status"] == "ok" and memory["p50_s"] <= memory["p95_s"], name
        assert query["engines"]["rdflib-memory"]["status"] in ("ok", "partial", "timeout")
    assert result["all_agree"] is True


@pytest.mark.slow
def test_endpoint_and_ingest_ran(report: dict[str, Any]) -> None:
    endpoint = report["stages"]["endpoint"]
    assert endpoint["status"] == "ok", endpoint.get("stderr")
    cells = endpoint["summary"].values()
    assert {c["candidate"] for c in cells} == {"oxigraph", "councilkg"}
    assert all(c["errors"] == 0 and c["rps"] > 0 for c in cells)
    assert endpoint["target"]["by_size"]["tiny"]["median"] > 0
    ingest = report["stages"]["ingest"]
    assert ingest["status"] == "ok", ingest.get("stderr")
    assert ingest["results"] and ingest["stores_agree"] is True


def test_pyshacl_is_profiled_only_where_it_ends() -> None:
    """The profile runs in the report's own process with no timeout: on the
    smallest size measured, and not at all when that is past 100k (pyshacl
    did not finish 1M within 900 s)."""
    from bench.report import profile_scale

    assert profile_scale(["1M", "10k", "100k"]) == "10k"
    assert profile_scale(["100k"]) == "100k"
    assert profile_scale(["1M"]) is None
    assert profile_scale(["10M", "1M"]) is None


def test_the_query_rows_bound_names_the_misses_at_and_above_their_floor() -> None:
    """The queries' row says, from the run, which misses cost the bound by
    their answer alone (the floor) and which are above a floor under it."""
    from bench import targets

    timed = {"fast": 0.002, "big": 0.150, "slow": 0.060}
    result: dict[str, Any] = {"floor_over_target": ["big"]}
    bound = targets._queries_bound(result, timed, 0.02)
    assert "on this engine" in bound and bound.index("big") < bound.index("above a floor")
    assert bound.endswith("above a floor under 20 ms: slow") and "fast" not in bound
    assert targets._queries_bound({}, timed, 0.02) == (
        "over the bound: big, slow (no floor measured in this run)"
    )
    assert targets._queries_bound(result, {"fast": 0.002}, 0.02) == ""
