"""The store's staged writes: readers see the store before a write or after
all of it, a process killed mid-write leaves the previous version, and the
default graph stays the merge of the named graphs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from councilkg import ingesting, store_dirs
from councilkg import store as store_module
from councilkg.ingesting import load
from councilkg.store import GraphStore, published_digests, store_generation
from councilkg.workers import ordered_map
from tests.storequads import all_quads, default_graph

A = "<urn:a> <urn:p> <urn:x> .\n"
B = "<urn:b> <urn:p> <urn:x> .\n"
C = "<urn:c> <urn:p> <urn:x> .\n"


def test_a_reader_opened_mid_write_sees_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = GraphStore(path)
    store.replace_graph("urn:g1", [A])
    before = store_generation(path)
    with store.staged():
        store.replace_graph("urn:g2", [B])
        store.replace_graph("urn:g3", [C])
        assert store.graphs() == ["urn:g1", "urn:g2", "urn:g3"]  # the writer sees its writes
        reader = GraphStore(path, read_only=True)
        assert reader.graphs() == ["urn:g1"]
        assert default_graph(reader) == {A}
        assert store_generation(path) == before
    assert store_generation(path) != before
    assert reader.graphs() == ["urn:g1"]  # an open reader keeps its version, whole
    assert GraphStore(path, read_only=True).graphs() == ["urn:g1", "urn:g2", "urn:g3"]


def test_a_write_that_fails_publishes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = GraphStore(path)
    store.replace_graph("urn:g1", [A])
    before = store_generation(path)
    with pytest.raises(RuntimeError), store.staged():
        store.replace_graph("urn:g2", [B])
        raise RuntimeError("cut")
    assert store.graphs() == ["urn:g1"]
    assert store_generation(path) == before
    assert not (path / store_dirs.STAGING_FILE).exists()
    assert len(list(path.glob("oxigraph.*"))) <= 2  # the live folder and the one before
    assert GraphStore(path, read_only=True).graphs() == ["urn:g1"]


def test_a_process_killed_mid_write_leaves_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = GraphStore(path)
    store.replace_graph("urn:g1", [A])
    del store
    script = textwrap.dedent(
        f"""
        import os
        from councilkg.store import GraphStore
        store = GraphStore({str(path)!r})
        with store.staged():
            store.replace_graph("urn:g2", [{B!r}])
            store.flush()
            store.oxigraph.flush()
            os.kill(os.getpid(), 9)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], check=False, timeout=120)
    assert proc.returncode == -9
    staged = (path / store_dirs.STAGING_FILE).read_text().strip()
    assert (path / staged).is_dir()  # the killed writer's copy, never published
    assert GraphStore(path, read_only=True).graphs() == ["urn:g1"]
    store = GraphStore(path)
    store.replace_graph("urn:g3", [C])  # the next writer removes what was left
    assert not (path / staged).exists()
    assert store.graphs() == ["urn:g1", "urn:g3"]


@pytest.mark.parametrize("where", ["disk", "memory"])
def test_the_default_graph_is_the_merge(tmp_path: Path, where: str) -> None:
    store = GraphStore(tmp_path / "store") if where == "disk" else GraphStore.in_memory()
    store.replace_graph("urn:g1", [A, B])
    store.replace_graph("urn:g2", [B, C])
    assert store.count() == 3  # B, stated twice, is in the merge once
    store.replace_graph("urn:g1", [A])
    assert default_graph(store) == {A, B, C}
    store.replace_graph("urn:g2", [])  # a source emptied: what only it stated leaves
    assert default_graph(store) == {A}
    assert store.count("urn:g1") == 1 and store.count("urn:g2") == 0


def test_a_store_from_before_the_link_is_moved_behind_it(tmp_path: Path) -> None:
    path = tmp_path / "store"
    (path / "oxigraph").mkdir(parents=True)
    db = ox.Store(str(path / "oxigraph"))
    db.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.NamedNode("urn:x")))
    db.flush()
    del db
    store = GraphStore(path)
    assert (path / "oxigraph").is_symlink()
    assert store.count() == 1
    store.replace_graph("urn:g1", [B])
    assert GraphStore(path, read_only=True).count() == 2


def test_reingesting_the_same_files_publishes_nothing(tmp_path: Path, seed_path: Path) -> None:
    path = tmp_path / "store"
    load([seed_path], GraphStore(path), progress=False)
    generation = store_generation(path)
    live = store_dirs.resolve(path)
    load([seed_path], GraphStore(path), progress=False)
    assert store_generation(path) == generation
    assert store_dirs.resolve(path) == live


def _double(n: int) -> int:
    if n == 3:
        raise ValueError(f"three in process {os.getpid()}")
    return 2 * n


def test_workers_keep_the_order_and_raise_as_one_process_would() -> None:
    assert list(ordered_map(_double, [5, 1, 4, 2, 0, 6], 2)) == [10, 2, 8, 4, 0, 12]
    with pytest.raises(ValueError, match=f"process {os.getpid()}"):
        list(ordered_map(_double, [1, 2, 3, 4], 2))


def test_a_large_file_loaded_in_parts_gives_the_same_store(
    tmp_path: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = load([seed_path], GraphStore(tmp_path / "whole"), progress=False)
    monkeypatch.setattr(ingesting, "STREAM_BYTES", 0)
    monkeypatch.setattr(ingesting, "PART_TRIPLES", 500)
    parts = load([seed_path], GraphStore(tmp_path / "parts"), progress=False)
    assert [f.to_dict() for f in parts.files] == [f.to_dict() for f in whole.files]
    assert all_quads(tmp_path / "parts") == all_quads(tmp_path / "whole")
    # Its digest is that of its parts: the same for the same text (the
    # search index then reads it again only when it changed), and never
    # the digest of the whole graph's lines (which a load of it whole
    # compares, and then writes it again).
    (graph,) = (g.graph for g in parts.files)
    first = published_digests(tmp_path / "parts")[graph]
    load([seed_path], GraphStore(tmp_path / "parts"), progress=False)
    assert first.startswith("parts:") and published_digests(tmp_path / "parts")[graph] == first
    assert first != published_digests(tmp_path / "whole")[graph]


def test_workers_give_the_same_store_and_reports(tmp_path: Path, seed_path: Path) -> None:
    copies = []
    for n in range(3):
        copy = tmp_path / f"copy-{n}.txt"
        copy.write_bytes(seed_path.read_bytes() + b"\n" * n)
        copies.append(copy)
    one = load(copies, GraphStore(tmp_path / "one"), progress=False, workers=1)
    two = load(copies, GraphStore(tmp_path / "two"), progress=False, workers=2)
    # The default for a small input: a worker fewer, and this process
    # ingesting files too.
    helped = load(copies, GraphStore(tmp_path / "helped"), progress=False)
    for run, name in ((two, "two"), (helped, "helped")):
        assert [f.to_dict() for f in run.files] == [f.to_dict() for f in one.files]
        assert all_quads(tmp_path / name) == all_quads(tmp_path / "one")


def test_small_inputs_load_two_batches_at_once_and_large_ones_one(
    tmp_path: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    staged = GraphStore.staged

    def recorded(self: GraphStore, *, loads_at_once: int = 1) -> Any:
        asked.append(loads_at_once)
        return staged(self, loads_at_once=loads_at_once)

    monkeypatch.setattr(GraphStore, "staged", recorded)
    load([seed_path], GraphStore(tmp_path / "small"), progress=False)
    monkeypatch.setattr(ingesting, "POOL_BYTES", 1)
    load([seed_path], GraphStore(tmp_path / "large"), progress=False)
    assert asked == [ingesting.SMALL_INPUT_LOADS, store_module.LOADS_AT_ONCE]
    assert ingesting.SMALL_INPUT_LOADS > store_module.LOADS_AT_ONCE
    assert all_quads(tmp_path / "small") == all_quads(tmp_path / "large")
