"""Participation: who took part in which meeting or videoconference, and how.

Why a bipartite graph: actors (States, officials' roles, organizations)
on one side, events on the other, so the projections answer "who sits at
the same table" and the degrees "who is invited most"; each edge says how
the actor took part — invited (and under which rule of the provisional
rules of procedure: 37 for States not members of the Council, 39 and
other for officials and bodies), spoke (in which capacity, in which role)
or was represented by an official.  Speaker groups ("all Council members")
are not actors and are left out (see ``queries/event-participation.rq``).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from councilkg.analytics.source import Source, as_source, local_name, text, value
from councilkg.store import GraphStore

__all__ = ["ACTOR", "EVENT", "participation_graph"]

ACTOR, EVENT = 0, 1  # the ``bipartite`` attribute, networkx's convention


def participation_graph(graph: Source | GraphStore | str, year: int | str | None = None) -> Any:
    """The bipartite actor–event graph of the events held in ``year`` (all if None).

    Actor nodes: ``bipartite`` 0, ``iri``, ``kind`` (``State``, ``Role``,
    ``Organization``), ``label_en``, ``label_zh``, ``iso3`` for States.
    Event nodes: ``bipartite`` 1, ``iri``, ``kind`` (``Meeting``,
    ``Videoconference``), ``date`` (ISO 8601), ``record`` (the symbol of its
    record) and ``item`` (agenda item key) where known, and labels (a
    meeting by its record, a videoconference by its kind and date).
    One edge per actor and event, with ``relations`` (sorted class names:
    ``Invitation``, ``Participation``, ``Representation``), ``invited``,
    ``spoke``, ``rule`` (``Rule37``, ``Rule39AndOther``), ``rule_en``,
    ``rule_zh`` (the rule's labels), ``capacity``, ``in_role`` and
    ``represented_by`` (role IRIs) where the graph says so.
    """
    source = as_source(graph)
    rows = source.run("event-participation", year=year).records()
    events: dict[str, dict[str, Any]] = {}
    actors: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        event, actor = r["event"].value, r["actor"].value
        events.setdefault(
            event,
            {
                "kind_iri": r["eventKind"].value,
                "date": value(r, "date"),
                "record": text(r, "record"),
                "item": text(r, "item"),
            },
        )
        actors.setdefault(
            actor, {"kind": local_name(r["actorKind"].value), "iso3": text(r, "iso3")}
        )
        edge = edges.setdefault((actor, event), {"relations": set()})
        relation = local_name(r["relation"].value)
        edge["relations"].add(relation)
        for key, column in (
            ("rule", "rule"),
            ("capacity", "capacity"),
            ("in_role", "inRole"),
            ("represented_by", "representedBy"),
        ):
            found = text(r, column)
            if found is not None:
                edge.setdefault(key, set()).add(found)
    kinds = {e["kind_iri"] for e in events.values()}
    rules = {rule for e in edges.values() for rule in e.get("rule", ())}
    items = {e["item"] for e in events.values() if e["item"]}
    labels = source.labels([*actors, *kinds, *rules, *items])
    g = nx.Graph(view="participation", year=None if year is None else int(year))
    for iri in sorted(actors):
        a = actors[iri]
        attrs: dict[str, Any] = {"bipartite": ACTOR, "iri": iri, "kind": a["kind"]}
        if a["iso3"]:
            attrs["iso3"] = a["iso3"]
        g.add_node(iri, **attrs, **labels.pair(iri, a["iso3"]))
    for iri in sorted(events):
        e = events[iri]
        attrs = {"bipartite": EVENT, "iri": iri, "kind": local_name(e["kind_iri"])}
        day = e["date"].isoformat() if e["date"] is not None else ""
        if day:
            attrs["date"] = day
        if e["record"]:
            attrs["record"] = e["record"]
        if e["item"]:
            attrs["item"] = local_name(e["item"])
        if e["record"] and attrs["kind"] == "Meeting":
            names = {"label_en": e["record"], "label_zh": e["record"]}
        else:
            names = labels.compose(e["kind_iri"], day)
            if e["item"]:
                item = labels.pair(e["item"])
                names = {k: f"{v} ({item[k]})" for k, v in names.items()}
        g.add_node(iri, **attrs, **names)
    for (actor, event), e in sorted(edges.items()):
        attrs = {
            "relations": sorted(e["relations"]),
            "invited": "Invitation" in e["relations"],
            "spoke": "Participation" in e["relations"],
            "weight": len(e["relations"]),
        }
        if "rule" in e:
            rule = min(e["rule"])
            attrs["rule"] = local_name(rule)
            attrs["rule_en"] = labels.get(rule, "en") or local_name(rule)
            attrs["rule_zh"] = labels.get(rule, "zh") or local_name(rule)
        for key in ("capacity", "in_role", "represented_by"):
            if key in e:
                attrs[key] = " ".join(sorted(e[key]))
        g.add_edge(actor, event, **attrs)
    return g
