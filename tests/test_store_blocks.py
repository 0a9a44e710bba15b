"""A graph handed to the store as UTF-8 blocks (as the ingest's workers send
it) is hashed and loaded as the same graph, with the same digest, as its
lines: where the blocks are cut changes nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from councilkg import store as store_module
from councilkg.ingest.iris import Minter
from councilkg.ingest.ntriples import ntriples_lines
from councilkg.ingest.parts import parts_of
from councilkg.ingesting import _ingest_one, load
from councilkg.store import GraphStore, encoded_blocks
from tests.storequads import store_quads

LINES = [f'<urn:s{i}> <urn:p> "值 {i}" .\n' for i in range(50)]
GRAPH = "urn:g"


def digests(path: Path) -> dict[str, str]:
    data: dict[str, str] = json.loads((path / "graphs.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("block_chars", [1, 40, 1_000_000])
def test_blocks_cut_anywhere_give_the_graph_and_digest_of_its_lines(
    tmp_path: Path, block_chars: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_lines = GraphStore(tmp_path / "lines")
    assert by_lines.replace_graph_if_changed(GRAPH, LINES)
    monkeypatch.setattr(store_module, "BLOCK_CHARS", block_chars)
    blocks = list(encoded_blocks(LINES))
    assert all(block.endswith(b" .\n") for block in blocks)
    assert (len(blocks) > 1) == (block_chars < 1_000_000)
    by_blocks = GraphStore(tmp_path / "blocks")
    assert by_blocks.replace_blocks_if_changed(GRAPH, blocks)
    assert store_quads(by_blocks) == store_quads(by_lines)
    whole = hashlib.sha256("".join(LINES).encode("utf-8")).hexdigest()
    assert digests(tmp_path / "blocks") == digests(tmp_path / "lines") == {GRAPH: whole}
    # The same graph again, in other blocks or as lines: nothing is written.
    assert not by_blocks.replace_graph_if_changed(GRAPH, LINES)
    assert not by_lines.replace_blocks_if_changed(GRAPH, blocks)
    assert by_blocks.count(GRAPH) == by_blocks.count() == len(LINES)
    assert by_blocks.count() == sum(
        1 for _ in by_blocks.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())
    )


def test_a_file_ingested_for_the_store_is_its_lines_in_blocks(
    seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "BLOCK_CHARS", 10_000)
    minter = Minter()
    (part,) = parts_of(seed_path)
    kept = _ingest_one(part, language="zh", minter=minter, keep=True)
    sent = _ingest_one(part, language="zh", minter=minter, keep=False)
    assert sent.records is None and sent.triples is None
    assert len(sent.blocks) > 1
    assert all(len(block) < 4 * 10_000 + 4_000 for block in sent.blocks)
    assert sent.blocks == kept.blocks
    assert kept.triples is not None
    assert b"".join(sent.blocks) == "".join(ntriples_lines(kept.triples)).encode("utf-8")


def test_workers_sending_small_blocks_give_the_store_of_one_process(
    tmp_path: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = []
    for i in range(3):
        copy = tmp_path / f"copy-{i}.txt"
        copy.write_bytes(seed_path.read_bytes() + b"\n" * i)
        files.append(copy)
    load(files, GraphStore(tmp_path / "one"), progress=False, workers=1)
    monkeypatch.setattr(store_module, "BLOCK_CHARS", 5_000)  # the workers are forked with it
    load(files, GraphStore(tmp_path / "two"), progress=False, workers=2)
    one = GraphStore(tmp_path / "one", read_only=True)
    two = GraphStore(tmp_path / "two", read_only=True)
    assert store_quads(two) == store_quads(one)
    assert one.dump_nquads() == two.dump_nquads()
    assert digests(tmp_path / "two") == digests(tmp_path / "one")
