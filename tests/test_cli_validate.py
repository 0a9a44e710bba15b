"""``councilkg validate`` on the store and on files: exit codes, formats, and
results that point back into the source."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph

from councilkg.cli import main


def _ingest(tmp_path: Path, seed_path: Path) -> tuple[Path, Path]:
    store = tmp_path / "store"
    out = tmp_path / "graph.nq"
    result = CliRunner().invoke(
        main, ["ingest", str(seed_path), "--store", str(store), "-q", "--nquads", str(out)]
    )
    assert result.exit_code == 0, result.output
    return store, out


def test_seed_store_conforms(tmp_path: Path, seed_path: Path) -> None:
    store, _ = _ingest(tmp_path, seed_path)
    result = CliRunner().invoke(main, ["validate", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_violation_exits_1_and_names_the_source(tmp_path: Path, seed_path: Path) -> None:
    _, out = _ingest(tmp_path, seed_path)
    text = out.read_text(encoding="utf-8")
    # Mark the failed draft adopted: Article 27 is broken.
    marker = "<http://www.w3.org/2001/XMLSchema#boolean>"
    lines = [
        line.replace(f'"false"^^{marker}', f'"true"^^{marker}')
        if "/id/document/S/2020/797>" in line.split(" ")[0] and "#adopted>" in line
        else line
        for line in text.splitlines(keepends=True)
    ]
    assert lines != text.splitlines(keepends=True)
    bad = tmp_path / "bad.nq"
    bad.write_text("".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1, result.output
    assert "S/2020/797" in result.output
    assert "000_e9c79a4311407cd1.txt:" in result.output  # file:line of the fact
    as_json = CliRunner().invoke(main, ["validate", str(bad), "--format", "json"])
    assert as_json.exit_code == 1
    data = json.loads(as_json.output)
    assert data
    as_turtle = CliRunner().invoke(main, ["validate", str(bad), "--format", "turtle"])
    assert len(Graph().parse(data=as_turtle.output, format="turtle")) > 0
