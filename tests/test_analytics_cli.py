"""``councilkg analyze`` end to end with click's CliRunner: on a store built
from the seed and on a ``councilkg serve`` endpoint, files written and
re-loaded, plots, and errors as one line with exit code 2.

The command is tested inside a ``councilkg``-style group (the group class of
``councilkg.cli``, as ``main.add_command(analyze)`` registers it) and on its
own, and through ``councilkg.cli.main`` itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from councilkg import analytics as an
from councilkg import cli
from councilkg.analytics import plot as aplot
from councilkg.cli.analyze import analyze
from councilkg.ingesting import load
from councilkg.server import start_server
from councilkg.store import GraphStore

VIEW_NAMES = ("covoting", "citations", "coalitions", "participation")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Path:
    path = tmp_path_factory.mktemp("analyze") / "store"
    store = GraphStore(path)
    load([seed_path], store, progress=False)
    del store
    return path


@pytest.fixture(scope="module")
def group() -> click.Group:
    """A group like ``councilkg`` with ``analyze`` registered."""
    return cli._Group(name="councilkg", commands={"analyze": analyze})


def invoke(command: click.Command, args: list[str]) -> Result:
    return CliRunner().invoke(command, args, catch_exceptions=False)


def one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


def year(gold: dict[str, Any]) -> str:
    return str(gold["source"]["period"])


@pytest.mark.parametrize("view", VIEW_NAMES)
@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".json"])
def test_writes_a_graph_that_reloads(
    group: click.Group,
    store_dir: Path,
    tmp_path: Path,
    gold: dict[str, Any],
    view: str,
    suffix: str,
) -> None:
    out = tmp_path / f"{view}{suffix}"
    args = ["analyze", view, "--store", str(store_dir), "--year", year(gold), "--out", str(out)]
    result = invoke(group, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{view}, {year(gold)}: ")
    assert f"graph: {out}" in result.stdout
    back = an.read_graph(out)
    built = an.VIEWS[view](GraphStore(store_dir, read_only=True), year=year(gold))
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        built.number_of_nodes(),
        built.number_of_edges(),
    )
    assert back.number_of_nodes() > 0


def test_summary_names_the_most_cited_and_the_strongest_ties(
    group: click.Group, store_dir: Path, gold: dict[str, Any]
) -> None:
    cited = invoke(group, ["analyze", "citations", "--store", str(store_dir), "--top", "1"])
    assert cited.exit_code == 0, cited.output
    assert "S/RES/2231(2015)" in cited.stdout and "(1 row)" in cited.stdout
    ties = invoke(
        group, ["analyze", "coalitions", "--store", str(store_dir), "--lang", "zh", "--top", "3"]
    )
    assert ties.exit_code == 0, ties.output
    assert "(共 3 行)" in ties.stdout and aplot.has_cjk(ties.stdout)
    quiet = invoke(group, ["analyze", "covoting", "--store", str(store_dir), "--top", "0"])
    assert quiet.stdout.count("\n") == 1  # the summary line only


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plots(
    group: click.Group, store_dir: Path, tmp_path: Path, lang: str, request: pytest.FixtureRequest
) -> None:
    if lang == "zh":
        request.getfixturevalue("cjk_font")
    png, svg = tmp_path / "covoting.png", tmp_path / "participation.svg"
    a = invoke(group, ["analyze", "covoting", "--store", str(store_dir), "--plot", str(png)])
    assert a.exit_code == 0, a.output
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    b = invoke(
        group,
        ["analyze", "participation", "--store", str(store_dir), "--plot", str(svg), "--lang", lang],
    )
    assert b.exit_code == 0, b.output
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    if lang == "zh":
        assert "(font: " in b.stdout and "CJK" in b.stdout


@pytest.fixture(scope="module")
def endpoint(store_dir: Path) -> Iterator[str]:
    server = start_server(store_dir, workers=1)
    try:
        yield server.endpoint
    finally:
        server.stop()


@pytest.mark.slow
def test_endpoint_gives_the_same_output(
    group: click.Group, store_dir: Path, endpoint: str, tmp_path: Path
) -> None:
    for view in VIEW_NAMES:
        local = invoke(
            group, ["analyze", view, "--store", str(store_dir), "--out", str(tmp_path / "l.json")]
        )
        remote = invoke(
            group, ["analyze", view, "--endpoint", endpoint, "--out", str(tmp_path / "r.json")]
        )
        assert local.exit_code == remote.exit_code == 0, remote.output
        assert local.stdout.replace("l.json", "") == remote.stdout.replace("r.json", "")
        assert (tmp_path / "l.json").read_bytes() == (tmp_path / "r.json").read_bytes()


def test_errors_are_one_line_with_exit_code_2(
    group: click.Group, store_dir: Path, tmp_path: Path
) -> None:
    store = ["--store", str(store_dir)]
    one_line_error(invoke(group, ["analyze", "covoting", *store, "--year", "20"]), "not a year")
    one_line_error(
        invoke(group, ["analyze", "covoting", *store, "--out", str(tmp_path / "g.csv")]),
        "unknown graph format '.csv'",
    )
    one_line_error(
        invoke(group, ["analyze", "covoting", *store, "--plot", str(tmp_path / "g.pdf")]),
        "unknown plot format '.pdf'",
    )
    one_line_error(
        invoke(group, ["analyze", "covoting", "--store", str(tmp_path / "none")]), "no store at"
    )
    one_line_error(
        invoke(group, ["analyze", "covoting", "--endpoint", "http://127.0.0.1:9/sparql"]),
        "127.0.0.1:9",
    )
    one_line_error(invoke(group, ["analyze", "votes", *store]), "'votes' is not one of")
    assert not (tmp_path / "g.csv").exists()


def test_chinese_plot_without_a_cjk_font_names_the_package(
    group: click.Group, store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aplot, "find_cjk_font", lambda: None)
    plot = tmp_path / "c.png"
    args = ["analyze", "coalitions", "--store", str(store_dir), "--plot", str(plot)]
    one_line_error(invoke(group, [*args, "--lang", "zh"]), "fonts-noto-cjk")
    assert not plot.exists()
    english = invoke(group, args)
    assert english.exit_code == 0, english.output
    assert plot.exists()


def test_on_its_own_errors_look_the_same(store_dir: Path) -> None:
    result = invoke(analyze, ["covoting", "--store", str(store_dir), "--year", "1900"])
    one_line_error(result, "1946–2100")


def test_registered_in_the_councilkg_command() -> None:
    assert cli.main.commands["analyze"] is analyze
    result = CliRunner().invoke(cli.main, ["analyze", "--help"])
    assert result.exit_code == 0
    assert "covoting|citations|coalitions|participation" in result.output
