"""``councilkg facts``: the graph's facts, read back through SPARQL, equal the
gold for the keys the gold states; and the comparison itself can fail."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner

from councilkg.cli import main
from councilkg.facts import GOLD_KEYS, compare, facts
from councilkg.store import GraphStore
from tests.conftest import GOLD


@pytest.fixture(scope="module")
def seed_facts(seed_store: GraphStore) -> dict[str, Any]:
    return facts(seed_store)


def test_seed_facts_equal_the_gold(seed_facts: dict[str, Any], gold: dict[str, Any]) -> None:
    assert compare(seed_facts, gold) == []


@pytest.mark.parametrize("key", GOLD_KEYS)
def test_every_gold_key_is_produced(seed_facts: dict[str, Any], key: str) -> None:
    assert seed_facts[key]


def _mutations(gold: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    g = copy.deepcopy(gold)
    g["votes"][0]["for"] = list(reversed(g["votes"][0]["for"]))
    out.append(("vote order", g))
    g = copy.deepcopy(gold)
    g["documents"] = g["documents"][1:]
    out.append(("a document fewer", g))
    g = copy.deepcopy(gold)
    first = next(iter(g["footnotes"]))
    g["footnotes"][first]["cites"] = ["S/2020/1"]
    out.append(("a footnote's citation", g))
    g = copy.deepcopy(gold)
    g["letters"][0]["date"] = dt.date(2019, 1, 1)
    out.append(("a letter's date", g))
    g = copy.deepcopy(gold)
    date = next(iter(g["speakers_by_event"]))
    g["speakers_by_event"][date]["states"].append("FRA")
    out.append(("a speaker", g))
    g = copy.deepcopy(gold)
    item = next(i for i in g["items"] if i.get("meetings"))
    item["meetings"][0]["rule39_invitations"].pop()
    out.append(("an invitee", g))
    return out


def test_the_comparison_fails_on_any_difference(
    seed_facts: dict[str, Any], gold: dict[str, Any]
) -> None:
    for name, mutated in _mutations(gold):
        assert compare(seed_facts, mutated), name


def _ingest(tmp_path: Path, seed_path: Path, *extra: str) -> Path:
    store = tmp_path / "store"
    result = CliRunner().invoke(
        main, ["ingest", str(seed_path), "--store", str(store), "-q", *extra]
    )
    assert result.exit_code == 0, result.output
    return store


def test_cli_facts_compare(tmp_path: Path, seed_path: Path) -> None:
    store = _ingest(tmp_path, seed_path)
    result = CliRunner().invoke(main, ["facts", "--store", str(store), "--compare", str(GOLD)])
    assert result.exit_code == 0, result.output
    bad = tmp_path / "bad.yaml"
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    gold["documents"].append("S/2099/1")
    bad.write_text(yaml.safe_dump(gold, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["facts", "--store", str(store), "--compare", str(bad)])
    assert result.exit_code == 1
    assert "documents" in result.output


@pytest.mark.parametrize("suffix", [".nt", ".nq", ".ttl", ".trig", ".jsonld"])
def test_ingest_out_formats_round_trip(tmp_path: Path, seed_path: Path, suffix: str) -> None:
    out = tmp_path / f"graph{suffix}"
    _ingest(tmp_path, seed_path, "--out", str(out), "--nquads", str(tmp_path / "ref.nq"))
    reference = list(ox.parse(path=str(tmp_path / "ref.nq"), format=ox.RdfFormat.N_QUADS))
    fmt = {
        ".nt": ox.RdfFormat.N_TRIPLES,
        ".nq": ox.RdfFormat.N_QUADS,
        ".ttl": ox.RdfFormat.TURTLE,
        ".trig": ox.RdfFormat.TRIG,
        ".jsonld": ox.RdfFormat.JSON_LD,
    }[suffix]
    parsed = list(ox.parse(path=str(out), format=fmt))
    triples = {(q.subject, q.predicate, q.object) for q in reference}
    assert {(q.subject, q.predicate, q.object) for q in parsed} == triples
    if suffix in (".nq", ".trig", ".jsonld"):
        assert {q.graph_name for q in parsed} == {q.graph_name for q in reference}


def test_facts_from_a_file_and_as_json(
    tmp_path: Path, seed_path: Path, gold: dict[str, Any]
) -> None:
    out = tmp_path / "graph.trig"
    _ingest(tmp_path, seed_path, "--out", str(out))
    result = CliRunner().invoke(main, ["facts", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"] == sorted(gold["documents"])
    assert data["states_mentioned"] == sorted(gold["states_mentioned"])


def test_unknown_extension_is_a_one_line_error(tmp_path: Path, seed_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["ingest", str(seed_path), "--no-store", "--out", str(tmp_path / "g.xyz")]
    )
    assert result.exit_code == 2
    assert "unknown RDF file extension" in result.output


def test_two_sources_of_the_same_facts_land_on_the_same_nodes(
    tmp_path: Path, seed_bytes: bytes, gold: dict[str, Any]
) -> None:
    """Two files stating the same facts (here the seed and a copy with other
    line endings, as two editions would) give one node per fact: the facts
    read from the merged graph are still exactly the gold's, nothing doubled."""
    first = tmp_path / "a.txt"
    second = tmp_path / "b.txt"
    first.write_bytes(seed_bytes)
    second.write_bytes(seed_bytes.replace(b"\n", b"\r\n"))
    store_dir = tmp_path / "store"
    result = CliRunner().invoke(
        main, ["ingest", str(first), str(second), "--store", str(store_dir), "-q"]
    )
    assert result.exit_code == 0, result.output
    store = GraphStore(store_dir, read_only=True)
    assert len([g for g in store.graphs() if "/graph/source/" in g]) == 2
    assert compare(facts(store), gold) == []
