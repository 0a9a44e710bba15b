"""The integer year key (``ckg:year``) materialised at ingest, and the
``years`` parameter bound to it: the key equals the year of the node's date
on every dated meeting, videoconference, vote event and position, and a
range of years binds one row of ``?years`` per year only where a query
joins it."""

from __future__ import annotations

from collections import Counter

import pytest

from councilkg import queries as cq
from councilkg.queries.results import QueryResult
from councilkg.store import GraphStore

KEYED = (
    "https://w3id.org/councilkg/ontology#Meeting",
    "https://w3id.org/councilkg/ontology#Videoconference",
    "https://w3id.org/councilkg/ontology#VoteEvent",
    "https://w3id.org/councilkg/ontology#Position",
)


def _select(store: GraphStore, sparql: str) -> list[dict[str, str | None]]:
    solutions = store.query(sparql)
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]


def test_every_dated_node_has_its_dates_year_as_an_integer(seed_store: GraphStore) -> None:
    rows = _select(
        seed_store,
        """PREFIX ckg: <https://w3id.org/councilkg/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?node ?kind ?date ?year (DATATYPE(?year) AS ?type) WHERE {
          ?node a ?kind ; dcterms:date ?date .
          VALUES ?kind { ckg:Meeting ckg:Videoconference ckg:VoteEvent ckg:Position }
          OPTIONAL { ?node ckg:year ?year }
        }""",
    )
    kinds = Counter(r["kind"] for r in rows)
    assert set(kinds) >= {KEYED[0], KEYED[2], KEYED[3]}, kinds  # the seed has these three
    for r in rows:
        assert r["year"] == str(r["date"])[:4], r
        assert r["type"] == "http://www.w3.org/2001/XMLSchema#integer", r
    keyed = _select(
        seed_store,
        """PREFIX ckg: <https://w3id.org/councilkg/ontology#>
        SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE { ?node ckg:year ?year }""",
    )
    assert int(str(keyed[0]["n"])) == len({r["node"] for r in rows})


def test_a_range_of_years_binds_each_year_where_the_query_joins_it() -> None:
    bound = cq.bind("co-voting", {"years": "2016-2018"})
    assert "VALUES ?years {" in bound.sparql
    line = next(ln for ln in bound.sparql.splitlines() if "VALUES ?years {" in ln)
    block = line.split("VALUES ?years {", 1)[1].split("}", 1)[0]
    assert block.split() == [
        f'"{y}"^^<http://www.w3.org/2001/XMLSchema#integer>' for y in (2016, 2017, 2018)
    ]
    assert "VALUES ?yearsFrom {" in bound.sparql and "VALUES ?yearsTo {" in bound.sparql
    # citation-network filters by period and never names ?years: no rows of it
    assert "VALUES ?years " not in cq.bind("citation-network", {"years": "2016-2018"}).sparql
    # unset: nothing bound, the key matches every year
    assert "VALUES" not in cq.bind("co-voting", {}).sparql


@pytest.mark.parametrize(
    "name",
    [
        q.name
        for q in cq.catalogue()
        # citation-network's years are the supplement's period, not a date
        if any(p.type == "years" for p in q.params) and q.name != "citation-network"
    ],
)
def test_a_year_filter_gives_the_rows_of_the_dates_in_range(
    seed_store: GraphStore, name: str
) -> None:
    """One year, a range and no year at all: the rows of the years asked for
    are exactly the rows without a year whose dates fall in them."""
    every = cq.run_embedded(seed_store, cq.bind(name, {}))
    assert len(every), name
    for years in ("2020", "2019-2021", "1990-1999"):
        got = cq.run_embedded(seed_store, cq.bind(name, {"years": years}))
        if "date" not in every.variables:  # co-voting: counts; the seed is one year
            assert len(got) == (len(every) if years != "1990-1999" else 0), (name, years)
            continue
        first, _, last = years.partition("-")
        want = _in_years(every, int(first), int(last or first))
        assert Counter(got.rows) == Counter(want.rows), (name, years)


def _in_years(result: QueryResult, first: int, last: int) -> QueryResult:
    at = result.variables.index("date")
    rows = [
        r for r in result.rows if (d := r[at]) is not None and first <= int(d.value[:4]) <= last
    ]
    return QueryResult(result.variables, rows)


def test_citation_network_for_years_gives_the_rows_of_their_periods(
    seed_store: GraphStore,
) -> None:
    """With years asked for, the rows are exactly those of the
    unparameterised answer whose period (a videoconference's: its date's
    year) falls in the years."""
    every = cq.run_embedded(seed_store, cq.bind("citation-network", {}))
    at = every.variables.index("period")
    assert len(every)
    for years in ("2020", "2019-2021", "1990-1999"):
        got = cq.run_embedded(seed_store, cq.bind("citation-network", {"years": years}))
        first, _, last = years.partition("-")
        want = [r for r in every.rows if int(first) <= int(_value(r[at])) <= int(last or first)]
        assert Counter(got.rows) == Counter(want), years
        assert len(got) == (len(every) if years != "1990-1999" else 0), years


def test_every_event_has_its_agenda_items_as_its_item_key(seed_store: GraphStore) -> None:
    """``ckg:eventItem`` is ``ckg:agendaItem`` on meetings and videoconferences,
    and on nothing else."""
    pairs = """PREFIX ckg: <https://w3id.org/councilkg/ontology#>
        SELECT ?node ?item WHERE {{ ?node {p} ?item . {kind} }}"""
    events = "?node a ?kind . VALUES ?kind { ckg:Meeting ckg:Videoconference }"
    items = _select(seed_store, pairs.format(p="ckg:agendaItem", kind=events))
    keys = _select(seed_store, pairs.format(p="ckg:eventItem", kind=""))
    assert items and Counter(map(str, items)) == Counter(map(str, keys))


def test_every_briefing_has_its_agenda_item_as_its_item_key(seed_store: GraphStore) -> None:
    """``ckg:briefingItem`` is ``ckg:agendaItem`` on briefings, and on nothing else."""
    pairs = """PREFIX ckg: <https://w3id.org/councilkg/ontology#>
        SELECT ?node ?item WHERE {{ ?node {p} ?item . {kind} }}"""
    items = _select(seed_store, pairs.format(p="ckg:agendaItem", kind="?node a ckg:ItemBriefing ."))
    keys = _select(seed_store, pairs.format(p="ckg:briefingItem", kind=""))
    assert items and Counter(map(str, items)) == Counter(map(str, keys))


def _value(term: cq.Term | None) -> str:
    """A bound cell's value (the column is never unbound in these answers)."""
    assert term is not None
    return term.value
