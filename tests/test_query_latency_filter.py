"""``python -m bench query-latency --queries a,b`` times only the queries
named, and refuses a name the catalogue does not have: to measure a few
queries at 1M without the minutes the whole catalogue takes there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import query_latency
from bench.common import child_env


def test_an_unknown_query_name_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        query_latency.main(["--queries", "cited-by,no-such-query"])
    assert stop.value.code == 2
    assert "no-such-query" in capsys.readouterr().err


@pytest.mark.slow
def test_only_the_queries_named_are_timed(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [
            sys.executable, "-m", "bench", "query-latency", "--sizes", "tiny", "--repeat", "1",
            "--engines", "oxigraph-memory", "--no-hand", "--queries", "cited-by,invitations",
            "--out", str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=child_env(COUNCILKG_BENCH_CACHE=str(tmp_path / "cache")),
        check=False,
    )  # fmt: skip
    assert out.exists(), proc.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["queries"] == ["cited-by", "invitations"]
    (result,) = report["results"]
    assert sorted(result["queries"]) == ["cited-by", "invitations"]
    assert all(q["rows"] for q in result["queries"].values())
