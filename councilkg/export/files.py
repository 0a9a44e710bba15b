"""Graph files in and out, as ``councilkg ingest --out`` writes them and
``councilkg facts FILE`` reads them: the format follows the file's extension
(any export format of :mod:`councilkg.export.formats`, not gzipped).

Serialisation goes through pyoxigraph (rdflib's Turtle writer takes time
superlinear in the size of the graph); N-Triples and N-Quads come
out sorted, so the same graph gives the same bytes; Turtle and TriG declare
the prefixes of the one prefix table (:mod:`councilkg.prefixes`).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from councilkg.export.formats import format_of
from councilkg.prefixes import prefixes
from councilkg.store import GraphStore


def write_graph_file(path: Path, nquads: list[str]) -> None:
    """Write sorted N-Quads lines to ``path`` in the format its extension names.

    Formats without named graphs (.nt, .ttl) get the merge of the graphs.

    Raises:
        ValueError: an extension that is not one of an export format.
    """
    spec, _ = format_of(path, gzip=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    if spec.name == "nquads":
        path.write_text("".join(nquads), encoding="utf-8", newline="\n")
        return
    quads = ox.parse("".join(nquads), format=ox.RdfFormat.N_QUADS)
    table = dict(prefixes()) if spec.prefixed else None
    if spec.quads:
        data = ox.serialize(list(quads), format=spec.ox, prefixes=table)
    else:
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
        data = ox.serialize(triples, format=spec.ox, prefixes=table)
    assert data is not None
    path.write_bytes(data)


def load_graph_file(path: Path) -> GraphStore:
    """A file of RDF (any export format, by its extension) in an in-memory store.

    Raises:
        ValueError: an extension that is not one of an export format.
    """
    spec, _ = format_of(path, gzip=False)
    store = GraphStore.in_memory()
    quads = list(ox.parse(path=str(path), format=spec.ox))
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        graph = (
            q.graph_name.value
            if isinstance(q.graph_name, ox.NamedNode)
            else "urn:councilkg:default"
        )
        by_graph.setdefault(graph, []).append(f"{q.subject} {q.predicate} {q.object} .\n")
    for graph, lines in sorted(by_graph.items()):
        store.replace_graph(graph, sorted(set(lines)))
    return store
