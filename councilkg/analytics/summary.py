"""Short text summaries of the analytics graphs (``councilkg analyze``, notebooks).

Why text tables: the command prints, next to the files it writes, the few
rows a reader looks for first — the most and least aligned pairs, the most
cited documents, the strongest ties, the most present actors — rendered
like ``councilkg query`` tables (labels in the chosen language).
"""

from __future__ import annotations

from typing import Any

from councilkg.analytics.citations import most_cited
from councilkg.queries import QueryResult, Term

__all__ = ["summary_line", "summary_table"]

_NOUNS = {
    "covoting": ("members", "pairs"),
    "citations": ("nodes", "citations"),
    "coalitions": ("States", "ties"),
    "participation": ("nodes", "links"),
}


def summary_line(g: Any) -> str:
    """``coalitions, 2020: 15 States, 86 ties``."""
    view = g.graph.get("view", "graph")
    nodes, edges = _NOUNS.get(view, ("nodes", "edges"))
    year = g.graph.get("year")
    when = f", {year}" if year is not None else ", all years"
    return f"{view}{when}: {g.number_of_nodes()} {nodes}, {g.number_of_edges()} {edges}"


def _label(attrs: dict[str, Any], lang: str) -> str:
    return str(attrs.get(f"label_{lang}") or attrs.get("label_en") or "")


def _cell(value: Any) -> Term | None:
    if value is None:
        return None
    if isinstance(value, float):
        return Term.literal(f"{value:.3f}")
    return Term.literal(str(value))


def _table(columns: tuple[str, ...], rows: list[tuple[Any, ...]], lang: str) -> str:
    cells = [tuple(_cell(v) for v in row) for row in rows]
    return QueryResult(columns, list(cells)).to_table(lang)


def summary_table(g: Any, lang: str = "en", top: int = 10) -> str:
    """The first ``top`` rows that matter for the graph's view, as a text table."""
    view = g.graph.get("view")
    nodes = g.nodes
    if view == "covoting":
        pairs = sorted(
            g.edges(data=True),
            key=lambda e: (-e[2]["agreement"], nodes[e[0]]["iso3"], nodes[e[1]]["iso3"]),
        )
        rows: list[tuple[Any, ...]] = [
            (
                _label(nodes[u], lang),
                _label(nodes[v], lang),
                a["events"],
                a["agreement"],
                a["kappa"],
            )
            for u, v, a in pairs[:top]
        ]
        return _table(("memberA", "memberB", "events", "agreement", "kappa"), rows, lang)
    if view == "citations":
        rows = [(d.symbol, d.kind, d.in_degree, d.pagerank) for d in most_cited(g, top)]
        return _table(("document", "kind", "citedBy", "pagerank"), rows, lang)
    if view == "coalitions":
        ties = sorted(
            g.edges(data=True),
            key=lambda e: (-e[2]["weight"], nodes[e[0]]["iso3"], nodes[e[1]]["iso3"]),
        )
        rows = [
            (_label(nodes[u], lang), _label(nodes[v], lang), a["weight"]) for u, v, a in ties[:top]
        ]
        return _table(("stateA", "stateB", "positions"), rows, lang)
    if view == "participation":
        actors = [v for v, a in nodes(data=True) if a.get("bipartite") == 0]
        actors.sort(key=lambda v: (-g.degree(v), str(v)))
        rows = [
            (
                _label(nodes[v], lang),
                nodes[v]["kind"],
                g.degree(v),
                sum(1 for _, _, a in g.edges(v, data=True) if a.get("invited")),
            )
            for v in actors[:top]
        ]
        return _table(("actor", "kind", "events", "invited"), rows, lang)
    raise ValueError(f"no summary for a graph of view {view!r}")
