"""Coalitions: States that the Repertoire lists together as holding a view.

Why footnote positions: the Repertoire attributes views to members in
footnotes that list them ("… (Belgium, China, Estonia …)"); two States
listed in the same footnote position expressed the same view at the same
meeting or videoconference.  The number of positions listing both is the
strength of their tie (the edge's ``weight``): an undirected graph whose
dense clusters are the coalitions of a period.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import networkx as nx

from councilkg.analytics.source import Source, as_source, local_name, text
from councilkg.store import GraphStore

__all__ = ["coalition_graph"]


def coalition_graph(graph: Source | GraphStore | str, year: int | str | None = None) -> Any:
    """States co-listed in the footnote positions dated in ``year`` (all if None).

    Nodes are the States' IRIs with ``iri``, ``kind`` (``State``), ``iso3``,
    ``label_en``, ``label_zh`` and ``positions`` (how many positions list
    the State); an edge joins two States listed in the same position, with
    ``weight`` (the number of such positions) and ``footnotes`` (them, as
    ``period/number``, sorted).  Graph attributes: ``view``, ``year`` and
    ``positions`` (positions counted).
    """
    source = as_source(graph)
    rows = source.run("position-states", year=year).records()
    listed: dict[str, set[str]] = {}  # position → ISO3 codes
    footnote: dict[str, str] = {}  # position → "period/number"
    states: dict[str, str] = {}  # ISO3 → IRI
    for r in rows:
        position, iso3 = r["position"].value, r["iso3"].value
        listed.setdefault(position, set()).add(iso3)
        states[iso3] = r["state"].value
        period = text(r, "period")
        number = r["number"].value
        footnote[position] = f"{period}/{number}" if period else number
    labels = source.labels(states.values())
    g = nx.Graph(view="coalitions", year=None if year is None else int(year), positions=len(listed))
    for iso3 in sorted(states):
        iri = states[iso3]
        g.add_node(
            iri,
            iri=iri,
            kind="State",
            iso3=iso3,
            positions=sum(iso3 in members for members in listed.values()),
            **labels.pair(iri, iso3),
        )
    pairs: dict[tuple[str, str], list[str]] = {}
    for position in sorted(listed):
        for x, y in combinations(sorted(listed[position]), 2):
            pairs.setdefault((x, y), []).append(footnote[position])
    for (x, y), notes in sorted(pairs.items()):
        g.add_edge(
            states[x],
            states[y],
            weight=len(notes),
            footnotes=sorted(notes, key=_footnote_order),
        )
    return g


def _footnote_order(ref: str) -> tuple[str, int, str]:
    period, _, number = ref.rpartition("/")
    return (period, int(number), ref) if number.isdigit() else (period, 0, local_name(ref))
