"""How the store queues and bulk-loads graphs: one load per batch (not per
graph), run beside the caller, one at a time or as many at once as a
staged block allows, and whose failure is raised by the write and
publishes nothing."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar

import pytest

from councilkg import store as store_module
from councilkg.ingesting import load
from councilkg.store import GraphStore, store_generation
from tests.storequads import all_quads, default_graph

A = "<urn:a> <urn:p> <urn:x> .\n"
B = "<urn:b> <urn:p> <urn:x> .\n"


class _CountedLoad(store_module._Load):
    made = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        type(self).made += 1
        super().__init__(*args, **kwargs)


def _copies(seed_path: Path, folder: Path, n: int) -> list[Path]:
    out = []
    for i in range(n):
        copy = folder / f"copy-{i}.txt"
        copy.write_bytes(seed_path.read_bytes() + b"\n" * i)
        out.append(copy)
    return out


def test_the_graphs_of_a_load_are_gathered_into_one_bulk_load(
    tmp_path: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "_Load", _CountedLoad)
    _CountedLoad.made = 0
    run = load(_copies(seed_path, tmp_path, 3), GraphStore(tmp_path / "store"), progress=False)
    # Three sources, the reference, ontology and alignment graphs: one batch.
    assert len(run.files) == 3
    assert _CountedLoad.made == 1


def test_batches_loaded_beside_the_caller_give_the_same_store(
    tmp_path: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _copies(seed_path, tmp_path, 3)
    load(files, GraphStore(tmp_path / "one"), progress=False, workers=1)
    monkeypatch.setattr(store_module, "LOAD_BATCH", 50_000)  # many loads, two under way at a time
    monkeypatch.setattr(store_module, "_Load", _CountedLoad)
    _CountedLoad.made = 0
    load(files, GraphStore(tmp_path / "many"), progress=False, workers=1)
    assert _CountedLoad.made > 3
    assert all_quads(tmp_path / "many") == all_quads(tmp_path / "one")


def test_a_graph_replaced_while_its_load_is_under_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "LOAD_BATCH", 1)  # every graph starts a load
    store = GraphStore(tmp_path / "store")
    with store.staged():
        store.replace_graph("urn:g1", [A])
        store.replace_graph("urn:g1", [B])
    assert store.graphs() == ["urn:g1"]
    assert default_graph(store) == {B}


def test_a_bulk_load_that_fails_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store"
    store = GraphStore(path)
    store.replace_graph("urn:g1", [A])
    before = store_generation(path)
    monkeypatch.setattr(store_module, "LOAD_BATCH", 1)
    with pytest.raises(SyntaxError), store.staged():
        store.replace_graph("urn:g2", ["<urn:b> <urn:p> no-term .\n"])  # loaded beside us
        store.replace_graph("urn:g3", [B])  # loaded beside that one; the block raises its error
    assert store_generation(path) == before
    assert GraphStore(path, read_only=True).graphs() == ["urn:g1"]
    assert store.graphs() == ["urn:g1"]


def test_a_last_bulk_load_that_fails_publishes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = GraphStore(path)
    store.replace_graph("urn:g1", [A])
    before = store_generation(path)
    with pytest.raises(SyntaxError), store.staged():
        store.replace_graph("urn:g2", ["<urn:b> <urn:p> no-term .\n"])  # loaded at the end
    assert store_generation(path) == before
    assert GraphStore(path, read_only=True).graphs() == ["urn:g1"]
    store.replace_graph("urn:g3", [B])  # the store takes the next write
    assert GraphStore(path, read_only=True).graphs() == ["urn:g1", "urn:g3"]


class _RecordedLoad(store_module._Load):
    """A load that keeps the lines it was given for the default graph."""

    default_lines: ClassVar[list[bytes]] = []

    def __init__(self, store: Any, pieces: list[bytes], graphs: set[str], *after: Any) -> None:
        for piece in pieces:
            type(self).default_lines += [
                line for line in piece.split(b"\n") if line and line.count(b"> <") < 3
            ]
        super().__init__(store, pieces, graphs, *after)


C = "<urn:c> <urn:p> <urn:x> .\n"


@pytest.mark.parametrize("batch", [1 << 20, 1])
def test_a_triple_several_graphs_state_is_queued_once_a_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """Sources share triples (two editions of a supplement: their meetings,
    decisions and votes): the default graph's copy goes into a batch once,
    and the merge is the same whether the graphs share a batch or not."""
    monkeypatch.setattr(store_module, "LOAD_BATCH", batch)
    monkeypatch.setattr(store_module, "_Load", _RecordedLoad)
    _RecordedLoad.default_lines = []
    store = GraphStore(tmp_path / "store")
    with store.staged():
        store.replace_graph("urn:g1", [A, B])
        store.replace_graph("urn:g2", [B, C])
        store.replace_graph("urn:g3", [A, B, C])
    assert default_graph(store) == {A, B, C}
    assert store.count("urn:g1") == 2 and store.count("urn:g3") == 3
    queued = sorted(_RecordedLoad.default_lines)
    if batch > 1:  # one batch: each line once
        assert queued == sorted(line.encode().rstrip(b"\n") for line in (A, B, C))
    else:  # a batch a graph: each graph's lines
        assert len(queued) == 7


def test_a_shared_triple_stays_when_one_of_its_graphs_is_replaced_in_the_load(
    tmp_path: Path,
) -> None:
    store = GraphStore(tmp_path / "store")
    with store.staged():
        store.replace_graph("urn:g1", [A, B])
        store.replace_graph("urn:g2", [B])
        store.replace_graph("urn:g1", [C])  # B stays: g2 states it
        store.replace_graph("urn:g2", [A])  # B goes: no graph states it; A again
    assert default_graph(store) == {A, C}
    assert store.graphs() == ["urn:g1", "urn:g2"]


class _GatedLoad(store_module._Load):
    """A load that starts writing only once its gate is open: the first
    one made after the gate was closed (the others load beside it)."""

    gate = threading.Event()
    made = 0

    def __init__(self, *args: Any) -> None:
        self.held = not type(self).gate.is_set() and type(self).made == 0
        type(self).made += 1
        super().__init__(*args)

    def _run(self, store: Any, box: list[bytes]) -> None:
        if self.held:
            assert type(self).gate.wait(timeout=30), "the test never opened the gate"
        super()._run(store, box)


@pytest.fixture
def gated(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    monkeypatch.setattr(store_module, "_Load", _GatedLoad)
    gate = _GatedLoad.gate = threading.Event()
    _GatedLoad.made = 0
    return gate


@pytest.mark.parametrize("at_once", [1, 2])
def test_a_queue_handed_over_during_a_load_is_loaded_without_waiting(
    tmp_path: Path, gated: threading.Event, at_once: int
) -> None:
    """One load at a time: the queue's load starts once the one under way
    ends, in its own thread; two: it starts at once, beside it."""
    store = GraphStore(tmp_path / "store")
    with store.staged(loads_at_once=at_once):
        store.replace_graph("urn:g1", [A])
        store.start_loading()
        (first,) = store._loads
        store.replace_graph("urn:g2", [B, C])
        store.start_loading()  # returns while the first load is still held
        assert first.thread.is_alive()
        second = store._loads[-1]
        assert second is not first
        second.thread.join(timeout=30 if at_once > 1 else 0.5)
        assert second.thread.is_alive() == (at_once == 1)  # waits for the first, or not
        assert first.thread.is_alive()
        gated.set()
    assert store.graphs() == ["urn:g1", "urn:g2"]
    assert default_graph(store) == {A, B, C}


def test_a_write_waits_while_as_many_loads_as_allowed_are_under_way(
    tmp_path: Path, gated: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batches a write may leave to loads are bounded: with as many
    under way as the staged block allows, the next batch waits for the
    oldest."""
    monkeypatch.setattr(store_module, "LOAD_BATCH", 1)  # every graph starts a load
    store = GraphStore(tmp_path / "store")
    at_once = 2
    with store.staged(loads_at_once=at_once):
        for n in range(at_once):
            store.replace_graph(f"urn:g{n}", [A])
        writer = threading.Thread(target=store.replace_graph, args=("urn:next", [B]))
        writer.start()
        writer.join(timeout=1.0)
        assert writer.is_alive()  # the oldest load is held, so the write waits
        assert _GatedLoad.made == at_once  # and its batch is not loading
        gated.set()
        writer.join(timeout=30)
        assert not writer.is_alive()
    assert store.graphs() == ["urn:g0", "urn:g1", "urn:next"]


def test_a_graph_of_a_load_queued_behind_another_is_replaced_whole(
    tmp_path: Path, gated: threading.Event
) -> None:
    """The graphs of every load under way count as loading: a graph still
    in the first load, replaced while the second waits, is removed once
    both are in, not stored beside its new lines."""
    store = GraphStore(tmp_path / "store")
    with store.staged():
        store.replace_graph("urn:g1", [A])
        store.start_loading()
        store.replace_graph("urn:g2", [B])
        store.start_loading()
        opener = threading.Timer(0.2, gated.set)  # the replace below waits for both loads
        opener.start()
        store.replace_graph("urn:g1", [C])
        opener.join()
    assert store.count("urn:g1") == 1
    assert default_graph(store) == {B, C}


@pytest.mark.parametrize("at_once", [1, 2])
def test_a_failed_load_with_another_beside_or_behind_it_publishes_nothing(
    tmp_path: Path, gated: threading.Event, at_once: int
) -> None:
    path = tmp_path / "store"
    store = GraphStore(path)
    gated.set()
    store.replace_graph("urn:g0", [A])
    gated.clear()
    _GatedLoad.made = 0  # the next load is held
    before = store_generation(path)
    with pytest.raises(SyntaxError), store.staged(loads_at_once=at_once):
        store.replace_graph("urn:g1", ["<urn:b> <urn:p> no-term .\n"])
        store.start_loading()
        store.replace_graph("urn:g2", [B])
        store.start_loading()
        (held, other) = store._loads
        if at_once > 1:
            other.thread.join(timeout=30)  # g2 is loaded, then g1's load fails
            assert held.thread.is_alive() and other.error is None
        gated.set()  # the held load's error, raised as the block ends
    assert store_generation(path) == before
    assert GraphStore(path, read_only=True).graphs() == ["urn:g0"]
    store.replace_graph("urn:g3", [C])  # the store takes the next write
    assert GraphStore(path, read_only=True).graphs() == ["urn:g0", "urn:g3"]
