"""What a test store holds, as sorted text: the store tests compare stores
written different ways (staged, batched, in blocks) by their quads."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from councilkg.store import GraphStore


def default_graph(store: GraphStore) -> set[str]:
    """The merged default graph's triples as N-Triples lines."""
    return {
        f"{q.subject} {q.predicate} {q.object} .\n"
        for q in store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())
    }


def store_quads(store: GraphStore) -> list[str]:
    """Every quad of the store (named and default graphs), sorted."""
    return sorted(str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, None))


def all_quads(path: Path) -> list[str]:
    """Every quad of the store at ``path``, opened read-only."""
    return store_quads(GraphStore(path, read_only=True))
