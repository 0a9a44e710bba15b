"""Co-voting: Council members linked by how often they voted alike.

Why both an agreement index and Cohen's kappa: the agreement index is what
readers of the Council expect (the share of the vote events both members
took part in where they took the same position) and is defined for any
number of votes; kappa corrects it for the agreement expected by chance
from each member's own habits (a Council that adopts most texts
unanimously agrees "by chance" most of the time), but needs several votes
to mean anything.

Definitions, over the vote events of the period (adopted texts and failed
drafts alike; a member's position is one of in favour, against,
abstaining, absent, not participating — absence is a position, so a
member absent from a vote still shares that event):

- ``events``: vote events in which both members have a recorded vote;
- ``agreed``: those in which their positions were the same;
- ``agreement`` = agreed / events (the edge's ``weight``), in [0, 1];
- ``kappa`` = (p_o − p_e) / (1 − p_e), with p_o = agreement and
  p_e = Σ_c a_c · b_c, a_c and b_c the shares of the common events in
  which each member took position c.  When p_e = 1 — both members took one
  and the same position in every common event (always so for a single
  vote they agreed on) — kappa is 0/0 and is **undefined**: the attribute
  is None in Python and left out of GraphML/GEXF, never NaN.  A single
  vote they disagreed on gives p_e = 0 and kappa = 0.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any

import networkx as nx

from councilkg.analytics.source import Source, as_source, local_name, text
from councilkg.store import GraphStore

__all__ = ["Agreement", "agreement", "cohen_kappa", "covoting_graph"]


@dataclass(frozen=True, slots=True)
class Agreement:
    """How two members voted relative to each other over their common vote events."""

    events: int
    agreed: int
    agreement: float
    kappa: float | None


def cohen_kappa(a: list[str], b: list[str]) -> float | None:
    """Cohen's kappa of two equally long sequences of categories; None when
    undefined (expected agreement 1, see the module docstring) or empty.

    >>> cohen_kappa(["for", "against"], ["for", "against"])
    1.0
    >>> cohen_kappa(["for"], ["against"])
    0.0
    >>> cohen_kappa(["for"], ["for"]) is None
    True
    """
    if len(a) != len(b):
        raise ValueError("the two sequences must be equally long")
    n = len(a)
    if n == 0:
        return None
    observed = Fraction(sum(x == y for x, y in zip(a, b, strict=True)), n)
    ca, cb = Counter(a), Counter(b)
    expected = sum((Fraction(ca[c], n) * Fraction(cb[c], n) for c in ca), Fraction(0))
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


def agreement(a: list[str], b: list[str]) -> Agreement:
    """Agreement of two members' positions over their common vote events
    (the two lists are aligned: one position of each per event)."""
    n = len(a)
    same = sum(x == y for x, y in zip(a, b, strict=True))
    return Agreement(n, same, same / n if n else 0.0, cohen_kappa(a, b))


def covoting_graph(graph: Source | GraphStore | str, year: int | str | None = None) -> Any:
    """The co-voting graph of the members that voted in ``year`` (all years if None).

    Nodes are the members' IRIs with ``iri``, ``kind`` (``State``), ``iso3``,
    ``label_en``, ``label_zh`` and ``votes`` (vote events they voted in);
    one undirected edge per pair with a common vote event, carrying
    ``weight`` (= ``agreement``), ``agreement``, ``agreed``, ``events`` and
    ``kappa`` (None when undefined).  Graph attributes: ``view``, ``index``,
    ``year``, ``vote_events`` and ``drafts`` (the symbols voted on).
    Nodes are added in ISO3 order and edges in ISO3 pair order.
    """
    source = as_source(graph)
    rows = source.run("vote-positions", year=year).records()
    votes: dict[str, dict[str, str]] = {}  # iso3 → vote event → position
    members: dict[str, str] = {}  # iso3 → IRI
    drafts: dict[str, str] = {}  # vote event → symbol
    for r in rows:
        ve, iso3 = r["voteEvent"].value, r["iso3"].value
        votes.setdefault(iso3, {})[ve] = local_name(r["position"].value)
        members[iso3] = r["member"].value
        drafts[ve] = text(r, "symbol") or local_name(ve)
    labels = source.labels(members.values())
    g = nx.Graph(
        view="covoting",
        index="agreement",
        year=None if year is None else int(year),
        vote_events=len(drafts),
        drafts=sorted(set(drafts.values())),
    )
    for iso3 in sorted(members):
        iri = members[iso3]
        g.add_node(
            iri, iri=iri, kind="State", iso3=iso3, votes=len(votes[iso3]), **labels.pair(iri, iso3)
        )
    for x, y in combinations(sorted(members), 2):
        common = sorted(votes[x].keys() & votes[y].keys())
        if not common:
            continue
        result = agreement([votes[x][ve] for ve in common], [votes[y][ve] for ve in common])
        g.add_edge(
            members[x],
            members[y],
            weight=result.agreement,
            agreement=result.agreement,
            agreed=result.agreed,
            events=result.events,
            kappa=result.kappa,
        )
    return g
