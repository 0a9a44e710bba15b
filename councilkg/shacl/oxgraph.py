"""A read-only rdflib view of a pyoxigraph store.

Why: :func:`councilkg.validation.locate` finds a result's source span by
walking a few triples around its focus node with rdflib's ``Graph`` API.
The fast engine holds the data in Oxigraph only; parsing a million triples
into rdflib again to locate a handful of results would cost more than the
validation.  This store answers rdflib's triple patterns from Oxigraph,
with the terms rdflib's own parser would give (:mod:`councilkg.shacl.terms`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.store import Store
from rdflib.term import Node

from councilkg.shacl.terms import from_ox, to_ox


class OxigraphView(Store):
    """rdflib ``Store`` reading the default graph of an Oxigraph store."""

    def __init__(self, store: ox.Store) -> None:
        super().__init__()
        self._store = store

    def triples(
        self, triple_pattern: tuple[Node | None, Node | None, Node | None], context: Any = None
    ) -> Iterator[tuple[tuple[Node, Node, Node], Iterator[Any]]]:
        s, p, o = triple_pattern
        try:
            pattern = [None if t is None else to_ox(t) for t in (s, p, o)]
        except TypeError:  # a path or a variable: not a term the data holds
            return
        for quad in self._store.quads_for_pattern(
            pattern[0],  # type: ignore[arg-type]
            pattern[1],  # type: ignore[arg-type]
            pattern[2],
            ox.DefaultGraph(),
        ):
            triple = (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object))
            yield triple, iter(())

    def __len__(self, context: Any = None) -> int:
        return len(self._store)


def graph_view(store: ox.Store) -> Graph:
    """An rdflib ``Graph`` over ``store``'s default graph (read only)."""
    return Graph(store=OxigraphView(store))
