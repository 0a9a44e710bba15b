"""Citations: which documents the Repertoire's footnotes and passages cite.

Why a directed graph of citing units → documents: "most cited" is then the
in-degree of a document (how many distinct footnotes, passages and record
notes cite it), and PageRank spreads each citing unit's weight over the
documents it cites, so a footnote listing ten letters counts less for each
than a footnote citing one resolution.  Page-end link lists and the
supplement as a whole are not citing units (see ``queries/citation-network.rq``):
they repeat citations already counted.

PageRank is computed here (power iteration, damping 0.85, dangling nodes
spread uniformly — networkx's definition) because networkx's own needs
SciPy, which the project does not otherwise use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from councilkg.analytics.source import Source, as_source, local_name, text, value
from councilkg.ingest.vocab import CKG
from councilkg.store import GraphStore

__all__ = ["CitedDocument", "citation_graph", "most_cited", "pagerank"]

DAMPING = 0.85
LINE = str(CKG.lineNumber)


@dataclass(frozen=True, slots=True)
class CitedDocument:
    """A document with its citation measures (:func:`most_cited`)."""

    iri: str
    symbol: str
    kind: str
    label_en: str
    label_zh: str
    in_degree: int
    pagerank: float


def pagerank(
    g: Any, alpha: float = DAMPING, tol: float = 1.0e-10, max_iter: int = 1000
) -> dict[Any, float]:
    """PageRank of the nodes of a directed graph (edge weights ignored).

    Power iteration in node order, so equal inputs give equal floats.

    >>> g = nx.DiGraph([("a", "c"), ("b", "c")])
    >>> ranks = pagerank(g)
    >>> ranks["c"] > ranks["a"] == ranks["b"]
    True
    """
    nodes = list(g.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    rank = dict.fromkeys(nodes, 1.0 / n)
    out_degree = {v: g.out_degree(v) for v in nodes}
    for _ in range(max_iter):
        dangling = alpha * sum(rank[v] for v in nodes if out_degree[v] == 0) / n
        base = (1.0 - alpha) / n + dangling
        new = dict.fromkeys(nodes, base)
        for v in nodes:
            if out_degree[v]:
                share = alpha * rank[v] / out_degree[v]
                for w in g.successors(v):
                    new[w] += share
        error = sum(abs(new[v] - rank[v]) for v in nodes)
        rank = new
        if error < n * tol:
            break
    return rank


def citation_graph(graph: Source | GraphStore | str, year: int | str | None = None) -> Any:
    """The citation graph of the supplement covering ``year`` (all if None).

    A directed graph: an edge from each citing unit (footnote, passage,
    videoconference record note) to each document it cites.  Every node has
    ``iri``, ``kind`` (class name: ``Footnote``, ``SourcePassage``,
    ``Videoconference``, ``Resolution``, ``Letter``, ``Document`` …),
    ``role`` (``citing`` or ``document``), ``label_en``, ``label_zh``,
    ``in_degree`` and ``pagerank``; documents also ``symbol``; footnotes
    ``number``, passages ``line``, videoconferences ``date``; citing units ``period`` and ``item``
    (the agenda item's key) where known.  Nodes are added in IRI order.
    """
    source = as_source(graph)
    rows = source.run("citation-network", year=year).records()
    documents: dict[str, dict[str, Any]] = {}
    citing: dict[str, dict[str, Any]] = {}
    edges: set[tuple[str, str]] = set()
    for r in rows:
        doc, unit = r["document"].value, r["citing"].value
        d = documents.setdefault(doc, {"symbol": r["symbol"].value, "kinds": set()})
        kind = text(r, "documentKind")
        if kind:
            d["kinds"].add(local_name(kind))
        citing.setdefault(
            unit,
            {
                "kind_iri": r["citingKind"].value,
                "number": value(r, "number"),
                "line": value(r, "line"),
                "date": value(r, "date"),
                "period": text(r, "period"),
                "item": text(r, "item"),
            },
        )
        edges.add((unit, doc))
    labels = source.labels([*documents, LINE, *(c["kind_iri"] for c in citing.values())])
    g = nx.DiGraph(view="citations", year=None if year is None else int(year))
    for iri in sorted({*documents, *citing}):
        if iri in documents:
            d = documents[iri]
            g.add_node(
                iri,
                iri=iri,
                role="document",
                kind=min(d["kinds"]) if d["kinds"] else "Document",
                symbol=d["symbol"],
                **labels.pair(iri, d["symbol"]),
            )
        else:
            c = citing[iri]
            attrs: dict[str, Any] = {"iri": iri, "role": "citing"}
            attrs["kind"] = local_name(c["kind_iri"])
            detail, qualifier = local_name(iri), None
            if c["number"] is not None:
                attrs["number"] = c["number"]
                detail = str(c["number"])
            elif c["line"] is not None:
                attrs["line"] = c["line"]
                detail, qualifier = str(c["line"]), LINE
            elif c["date"] is not None:
                attrs["date"] = c["date"].isoformat()
                detail = attrs["date"]
            if c["period"] is not None:
                attrs["period"] = c["period"]
            if c["item"] is not None:
                attrs["item"] = local_name(c["item"])
            g.add_node(iri, **attrs, **labels.compose(c["kind_iri"], detail, qualifier))
    for unit, doc in sorted(edges):
        g.add_edge(unit, doc, weight=1)
    ranks = pagerank(g)
    for v in g.nodes:
        g.nodes[v]["in_degree"] = g.in_degree(v)
        g.nodes[v]["pagerank"] = ranks[v]
    return g


def most_cited(g: Any, n: int | None = 10) -> list[CitedDocument]:
    """The documents of a citation graph, most cited first: by in-degree,
    then PageRank, then symbol; the first ``n`` (all if None)."""
    docs = [
        CitedDocument(
            iri=v,
            symbol=a["symbol"],
            kind=a["kind"],
            label_en=a["label_en"],
            label_zh=a["label_zh"],
            in_degree=a["in_degree"],
            pagerank=a["pagerank"],
        )
        for v, a in g.nodes(data=True)
        if a.get("role") == "document"
    ]
    docs.sort(key=lambda d: (-d.in_degree, -d.pagerank, d.symbol))
    return docs if n is None else docs[:n]
