"""The query commands end to end: `councilkg queries`, `query` on the store and
on a real oxigraph server after `councilkg push`, with the gold's answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from councilkg.cli import main
from councilkg.ingest.rdf import POSITION
from tests.oxigraph_server import oxigraph_server

POSITION_KEY = {str(iri): key for key, iri in POSITION.items()}


def _positions(output: str) -> dict[str, str]:
    doc = json.loads(output)
    return {
        b["iso3"]["value"]: POSITION_KEY[b["position"]["value"]] for b in doc["results"]["bindings"]
    }


def test_queries_lists_the_catalogue() -> None:
    result = CliRunner().invoke(main, ["queries", "-v"])
    assert result.exit_code == 0, result.output
    for name in ("votes-on-draft", "decision-outcome", "co-voting", "item-timeline"):
        assert name in result.output


def test_votes_on_draft_from_the_store_and_from_a_server(
    tmp_path: Path, seed_path: Path, gold: dict[str, Any]
) -> None:
    vote = gold["votes"][0]
    want = {s: k for k in ("for", "against", "abstaining") for s in vote[k]}
    store = tmp_path / "store"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["ingest", str(seed_path), "--store", str(store), "-q"]).exit_code == 0
    )
    args = ["query", "votes-on-draft", "--param", f"symbol={vote['draft']}", "--format", "json"]
    local = runner.invoke(main, [*args, "--store", str(store)])
    assert local.exit_code == 0, local.output
    assert _positions(local.output) == want
    with oxigraph_server() as server:
        pushed = runner.invoke(
            main, ["push", "--endpoint", server.store_url, "--store", str(store)]
        )
        assert pushed.exit_code == 0, pushed.output
        remote = runner.invoke(main, [*args, "--endpoint", server.query_url])
        assert remote.exit_code == 0, remote.output
        assert _positions(remote.output) == want
        assert json.loads(remote.output) == json.loads(local.output)


def test_bad_parameters_are_one_line_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    for args, fragment in (
        (["query", "no-such-query"], "no-such-query"),
        (["query", "votes-on-draft", "--param", "symbol=S/2020/x"], "symbol"),
        (["query", "votes-on-draft", "--param", "colour=red"], "colour"),
    ):
        result = runner.invoke(main, [*args, "--store", str(tmp_path / "none")])
        assert result.exit_code == 2, result.output
        assert result.output.startswith("error:") and fragment in result.output
