"""Graph files in and out: the format follows the file's extension.

Serialisation goes through pyoxigraph (rdflib's Turtle writer is
superlinear, see the project's RDF-STACK notes); N-Triples and N-Quads come
out sorted, so the same graph gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from councilkg.store import GraphStore

FORMATS = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
_WITHOUT_GRAPHS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE)


def format_of(path: Path) -> ox.RdfFormat:
    """The RDF format of a file name.

    Raises:
        ValueError: an extension that is not one of :data:`FORMATS`.
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"{path}: unknown RDF file extension {path.suffix!r}; expected one of "
            + ", ".join(sorted(FORMATS))
        )
    return fmt


def write_graph_file(path: Path, nquads: list[str]) -> None:
    """Write sorted N-Quads lines to ``path`` in the format its extension names.

    Formats without named graphs (.nt, .ttl) get the merge of the graphs.
    """
    fmt = format_of(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt is ox.RdfFormat.N_QUADS:
        path.write_text("".join(nquads), encoding="utf-8", newline="\n")
        return
    quads = ox.parse("".join(nquads), format=ox.RdfFormat.N_QUADS)
    if fmt in _WITHOUT_GRAPHS:
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
        data = ox.serialize(
            triples, format=fmt, prefixes=PREFIXES if fmt is ox.RdfFormat.TURTLE else None
        )
    else:
        data = ox.serialize(
            list(quads), format=fmt, prefixes=PREFIXES if fmt is ox.RdfFormat.TRIG else None
        )
    assert data is not None
    path.write_bytes(data)


def load_graph_file(path: Path) -> GraphStore:
    """A file of RDF (any format of :data:`FORMATS`) in an in-memory store."""
    fmt = format_of(path)
    store = GraphStore.in_memory()
    quads = list(ox.parse(path=str(path), format=fmt))
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


PREFIXES = {
    "ckg": "https://w3id.org/councilkg/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "cito": "http://purl.org/spar/cito/",
    "time": "http://www.w3.org/2006/time#",
}
