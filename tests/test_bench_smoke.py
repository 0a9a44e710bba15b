"""Smoke test of ``python -m bench ingest``: it runs and writes the report it promises.

No timing is asserted (performance is reported as ratios by the benchmark,
never judged by the suite); only that the script works end to end on tiny
sizes and that its JSON has the shape ``bench/README.md`` documents.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import child_env

INGEST = [sys.executable, "-m", "bench", "ingest"]
STAGES = ("ingest", "rdf", "store", "full")


@pytest.mark.slow
def test_bench_runs_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    proc = subprocess.run(
        [*INGEST, "--sizes", "1,2", "--repeat", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=child_env(),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "| N |" in proc.stdout

    report = json.loads(out.read_text(encoding="utf-8"))
    assert {
        "schema",
        "seed",
        "sizes",
        "repeat",
        "baseline_n",
        "stages",
        "cold_start_s",
        "reference_triples",
        "per_file",
        "variants_equivalent",
        "stores_agree",
        "environment",
        "results",
        "profile",
        "markdown",
    } <= set(report)
    assert report["sizes"] == [1, 2]
    assert report["repeat"] == 1
    assert report["baseline_n"] == 1
    assert report["variants_equivalent"] is True
    assert report["stores_agree"] is True
    assert report["profile"] is None  # only with --profile

    results = report["results"]
    assert [r["n"] for r in results] == [1, 2]
    for r in results:
        assert {"n", "bytes", "mb", "records", "triples", "stages", "memory"} <= set(r)
        assert r["records"] == r["n"] * report["per_file"]["records"]
        assert r["triples"] == r["n"] * report["per_file"]["triples"]
        assert set(r["stages"]) == set(STAGES)
        for stage in STAGES:
            s = r["stages"][stage]
            assert {
                "seconds",
                "runs",
                "s_per_file",
                "ratio_per_file",
                "mb_per_s",
                "records_per_s",
                "triples_per_s",
            } <= set(s)
            assert len(s["runs"]) == 1
            assert s["seconds"] > 0
        assert {"reference", "graphs", "flush"} == set(r["stages"]["store"]["parts"])
        assert {"rss_base_mib", "rss_peak_mib", "rss_delta_mib"} <= set(r["memory"])
        # The probe ran (a failed probe reports its traceback under "error").
        assert "error" not in r["memory"], r["memory"]["error"]
        assert r["memory"]["rss_peak_mib"] > 0
        assert r["memory"]["mb"] > 0
    # The baseline's ratio is 1 by construction.
    assert all(s["ratio_per_file"] == 1.0 for s in results[0]["stages"].values())


@pytest.mark.slow
def test_bench_corpus_mode(tmp_path: Path) -> None:
    """``--corpus``: the synthetic corpus as input, rates per MB, accuracy."""
    out = tmp_path / "c.json"
    proc = subprocess.run(
        [*INGEST, "--corpus", "--sizes", "1", "--repeat", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=child_env(),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["mode"] == "corpus"
    assert report["sizes"] == [1]
    assert report["corpus"]["1"]["files"] >= 1
    (result,) = report["results"]
    assert result["files"] == report["corpus"]["1"]["files"]
    for stage in STAGES:
        s = result["stages"][stage]
        assert {"s_per_mb", "ratio_per_mb", "mb_per_s"} <= set(s)
        assert s["ratio_per_mb"] == 1.0
    accuracy = result["accuracy"]
    assert accuracy["files"] == accuracy["files_equal"] == result["files"]
    assert accuracy["differences"] == accuracy["unexpected_diagnostics"] == 0
    assert report["dominant"]["stage"] in {"ingest", "rdf", "store"}
    assert "Accuracy" in report["markdown"]
