"""``python -m bench query-latency --queries a,b`` times only the queries
named, and refuses a name the catalogue does not have: to measure a few
queries at 1M without the minutes the whole catalogue takes there."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import query_latency
from tests.benchrun import run_bench


def test_an_unknown_query_name_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        query_latency.main(["--queries", "cited-by,no-such-query"])
    assert stop.value.code == 2
    assert "no-such-query" in capsys.readouterr().err


@pytest.mark.slow
def test_only_the_queries_named_are_timed(tmp_path: Path) -> None:
    report = run_bench(
        tmp_path, "query-latency", "--sizes", "tiny", "--repeat", "1",
        "--engines", "oxigraph-memory", "--no-hand", "--queries", "cited-by,invitations",
    )  # fmt: skip
    assert report["queries"] == ["cited-by", "invitations"]
    (result,) = report["results"]
    assert sorted(result["queries"]) == ["cited-by", "invitations"]
    assert all(q["rows"] for q in result["queries"].values())
