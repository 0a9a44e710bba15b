"""A source is named in IRIs by the first hexadecimal digits of its SHA-256.

The IRIs below a source and its graph carry the short id; the full digest
stays on the source node; two different texts whose digests agree on
those digits (a collision, made here by patching the digest the ingest
computes) are refused with both digests named, leaving the store as it was;
and a store whose graph for a text is named otherwise (by an id of another
length) loses that graph when the text is ingested again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyoxigraph as ox
import pytest

from councilkg.ingest import source as source_module
from councilkg.ingest.errors import IngestError
from councilkg.ingest.iris import SOURCE_ID_DIGITS, Minter, source_id
from councilkg.ingest.vocab import CKG
from councilkg.ingesting import load
from councilkg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
ZH = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
EN = ROOT / "tests" / "data" / "en" / "non-proliferation-2020.en.txt"
PREFIX = "0123456789abcdef"


def _colliding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every text's SHA-256 start with :data:`PREFIX` (the rest its own)."""

    def sha256(data: bytes) -> Any:
        real = hashlib.sha256(data).hexdigest()
        return SimpleNamespace(hexdigest=lambda: PREFIX + real[16:])

    monkeypatch.setattr(source_module, "hashlib", SimpleNamespace(sha256=sha256))


def _digest(path: Path) -> str:
    return PREFIX + hashlib.sha256(path.read_bytes()).hexdigest()[16:]


def test_source_iris_carry_the_short_id_and_the_node_the_full_digest() -> None:
    store = GraphStore.in_memory()
    load([ZH], store, progress=False)
    sha = hashlib.sha256(ZH.read_bytes()).hexdigest()
    minter = Minter()
    graph = str(minter.graph(sha))
    short = sha[:SOURCE_ID_DIGITS]
    assert graph.endswith("/graph/source/" + short)
    assert source_id(sha) == short == source_id(short)
    assert graph in store.graphs()
    node = ox.NamedNode(str(minter.source(sha)))
    assert node.value.endswith("/id/source/" + short)
    digests = store.oxigraph.quads_for_pattern(
        node, ox.NamedNode(CKG.sha256), None, ox.NamedNode(graph)
    )
    assert [str(q.object) for q in digests] == [f'"{sha}"']
    for quad in store.quads():
        assert sha not in str(quad.subject)  # never the full digest in an IRI


def test_two_texts_sharing_a_source_id_in_one_load_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _colliding(monkeypatch)
    store = GraphStore(tmp_path / "store")
    with pytest.raises(IngestError) as raised:
        load([ZH, EN], store, progress=False, workers=1, language="auto")
    message = str(raised.value)
    assert _digest(ZH) in message and _digest(EN) in message
    assert PREFIX in message
    assert not [g for g in store.graphs() if "/graph/source/" in g]


def test_a_text_whose_source_id_the_store_holds_for_another_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _colliding(monkeypatch)
    store = GraphStore(tmp_path / "store")
    load([ZH], store, progress=False)
    before = store.dump_nquads()
    load([ZH], store, progress=False)  # the same text again: its own id, fine
    assert store.dump_nquads() == before
    with pytest.raises(IngestError) as raised:
        load([EN], store, progress=False, language="auto")
    message = str(raised.value)
    assert _digest(ZH) in message and _digest(EN) in message and ZH.name in message
    assert store.dump_nquads() == before


def test_a_graph_of_the_same_text_named_by_another_id_is_replaced(tmp_path: Path) -> None:
    """A store written when source ids had another length holds the text's
    graph under another name: ingesting the text again removes it, so the
    store holds each fact once, as a fresh ingest does."""
    fresh = GraphStore(tmp_path / "fresh")
    load([ZH], fresh, progress=False)
    sha = hashlib.sha256(ZH.read_bytes()).hexdigest()
    graph = str(Minter().graph(sha))
    longer = graph + sha[SOURCE_ID_DIGITS : SOURCE_ID_DIGITS + 4]
    store = GraphStore(tmp_path / "store")
    lines = [
        f"{q.subject} {q.predicate} {q.object} .\n"
        for q in fresh.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    ]
    store.replace_graph(longer, lines)
    assert store.graphs() == [longer]
    load([ZH], store, progress=False)
    assert longer not in store.graphs()
    assert store.dump_nquads() == fresh.dump_nquads()
