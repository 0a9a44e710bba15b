"""Guarded lines of a prepared query (``#if NAME: TEXT``): kept as a pattern
when the parameter is bound, left a comment when it is not, so a query can
start from a key that does not cover its unparameterised answer
(``position-states``: undated positions have no year key)."""

from __future__ import annotations

import pytest

from councilkg import queries as cq
from councilkg.ingest.iris import Minter
from councilkg.ingest.pipeline import IngestResult
from councilkg.queries.guards import apply_guards, guarded_params
from tests.conftest import load_store

HEADER = (
    "# title: T\n# title@zh: T\n# description: D\n# description@zh: D\n"
    "# param: years | years | optional | 2020 | Years\n# columns: p\n"
)


def test_a_guarded_line_is_kept_only_when_its_parameter_is_bound() -> None:
    text = "SELECT ?p WHERE {\n\t  #if years: ?p <urn:year> ?years .\n  #if other: ?p ?q ?r .\n}\n"
    assert guarded_params(text) == ["years", "other"]
    assert apply_guards(text, {"years": ""}) == (
        "SELECT ?p WHERE {\n\t  ?p <urn:year> ?years .\n  #if other: ?p ?q ?r .\n}\n"
    )
    assert apply_guards(text, {}) == text
    # not a guard: no colon, no space after it, or text before the '#'
    for line in ("#if years ?p ?q ?r .", "#if years:?p ?q ?r .", "?p ?q ?r . #if years: ?x"):
        assert guarded_params(line) == [], line


def test_a_guard_naming_no_parameter_is_refused() -> None:
    body = "SELECT ?p WHERE {\n  #if year: ?p <urn:year> ?years .\n  ?p ?q ?yearsFrom, ?yearsTo }\n"
    with pytest.raises(ValueError, match="a guard names 'year', no parameter"):
        cq.parse_query("t", HEADER + body)
    query = cq.parse_query("t", HEADER + body.replace("#if year:", "#if years:"))
    assert "?p <urn:year> ?years ." in cq.bind(query, {"years": "2020"}).sparql
    assert "#if years: ?p <urn:year> ?years ." in cq.bind(query, {}).sparql


def test_position_states_starts_from_the_year_key_only_with_years() -> None:
    bound = cq.bind("position-states", {"years": "2016-2020"}).sparql
    unset = cq.bind("position-states", {}).sparql
    key = "?position ckg:year ?years ."
    assert f"\n  {key}\n" in bound and "VALUES ?years {" in bound
    assert f"#if years: {key}" in unset and f"\n  {key}" not in unset


def test_an_undated_position_is_kept_without_years_and_left_out_with_them(
    seed_result: IngestResult, minter: Minter
) -> None:
    """The seed's positions are all dated: one loses its date (and so its
    key) here, as a position whose footnote gives no date has none."""
    store = load_store(seed_result, minter)
    every = cq.run_embedded(store, cq.bind("position-states", {}))
    at = every.variables.index("position")
    undated = _value(every.rows[0][at])
    store.oxigraph.update(
        "PREFIX ckg: <https://w3id.org/councilkg/ontology#> "
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        f"DELETE {{ ?p dcterms:date ?d ; ckg:year ?y }} WHERE {{ VALUES ?p {{ <{undated}> }} "
        "?p dcterms:date ?d ; ckg:year ?y }"
    )
    after = cq.run_embedded(store, cq.bind("position-states", {}))
    assert len(after) == len(every)
    assert any(_value(r[at]) == undated for r in after.rows)
    year = _value(next(r for r in every.rows if _value(r[at]) == undated)[4])[:4]
    with_years = cq.run_embedded(store, cq.bind("position-states", {"years": year}))
    assert len(with_years) and all(_value(r[at]) != undated for r in with_years.rows)


def test_a_values_line_is_the_parameters_values_block_where_it_is_bound() -> None:
    body = (
        "SELECT ?p WHERE {\n  ?p ?q ?yearsFrom, ?yearsTo .\n"
        "  OPTIONAL {\n    #values years\n    ?p <urn:year> ?years }\n}\n"
    )
    query = cq.parse_query("t", HEADER + body)
    bound = cq.bind(query, {"years": "2019-2020"}).sparql
    block = next(ln for ln in bound.splitlines() if ln.startswith("    VALUES"))
    integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
    assert block.strip().startswith(
        f'VALUES ?yearsFrom {{ "2019"{integer} }} VALUES ?yearsTo {{ "2020"{integer} }}'
    )
    assert "?years {" in block and block.count("VALUES") == 3
    assert "    #values years\n" in cq.bind(query, {}).sparql
    with pytest.raises(ValueError, match="a guard names 'item', no parameter"):
        cq.parse_query("t", HEADER + body.replace("#values years", "#values item"))


def test_briefers_by_item_reads_its_keys_not_every_participation() -> None:
    """The item's briefings by their key on briefings alone and their events
    by the link made at ingest; no subquery (one would be evaluated over
    every briefing of the graph) and no walk through the participations."""
    text = cq.get("briefers-by-item").body.splitlines()
    body = "\n".join(line for line in text if not line.lstrip().startswith("#"))
    assert "ckg:briefingItem ?itemNode" in body and "ckg:briefedAt ?event" in body
    assert body.count("SELECT") == 1
    assert "ckg:Participation" not in body and "ckg:agendaItem" not in body


def _value(term: cq.Term | None) -> str:
    """A bound cell's value (the column is never unbound in these answers)."""
    assert term is not None
    return term.value


def test_co_voting_gives_its_years_to_the_pairs_optional() -> None:
    """The other vote of a pair is an OPTIONAL evaluated once and
    hash-joined: the years inside it give it its start, and the FILTER on
    its binding makes it the join Virtuoso 7 estimates as such."""
    bound = cq.bind("co-voting", {"years": "2016-2018"}).sparql
    optional = bound[bound.index("OPTIONAL {") :]
    assert "\n    VALUES ?yearsFrom {" in optional and "VALUES ?years {" in optional
    assert "FILTER(BOUND(?memberB))" in optional
    assert "#values years" in cq.get("co-voting").body


def test_citation_network_filters_its_citations_before_the_optionals() -> None:
    """The citations and their filters are a group of their own, with the
    parameters' values again, so that the OPTIONALs after it are looked up
    for the rows kept, not for every citation of the graph."""
    bound = cq.bind("citation-network", {"years": "2016-2020", "edition": "zh"}).sparql
    where = bound.index("WHERE {")
    group = bound[bound.index("\n  {\n", where) : bound.index("\n  OPTIONAL {", where)]
    assert "VALUES ?yearsFrom {" in group and "VALUES ?edition {" in group
    assert "FILTER(!BOUND(?yearsFrom)" in group and "FILTER(!BOUND(?edition)" in group
    body = cq.get("citation-network").body
    assert "#values years" in body and "#values edition" in body
