"""The order of ``vote-matrix`` and ``vote-positions`` is part of their
interface: by date, then the draft's symbol (an event with none first),
then the vote event's IRI, then the member's ISO3 code.

The queries sort on a computed key (the symbol, a tab, the event's IRI)
because Oxigraph compares a stored string too long to be inlined by reading
it from disk at every comparison.  These tests hold the rows to the order
the interface states, on the seed and on a graph given the events that tell
a key apart from the columns it stands for: a symbol that begins another
(``S/2020/797``, ``S/2020/797/Add.1``), an event with no draft, and two
events on one draft on the same day.
"""

from __future__ import annotations

import pytest

from councilkg import queries as cq
from councilkg.ingest.iris import Minter
from councilkg.ingest.pipeline import IngestResult
from councilkg.queries.results import QueryResult, Term
from councilkg.store import GraphStore
from tests.conftest import load_store

QUERIES = ("vote-matrix", "vote-positions")

# Three more vote events on the seed's draft S/2020/797, the same day, each
# with the members' votes of the seed's event: one on a draft whose symbol
# begins with the seed's, one with no draft, one on the same draft.
MORE_EVENTS = """
PREFIX ckg: <https://w3id.org/councilkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
INSERT {
  ?addendum ckg:symbol "S/2020/797/Add.1" .
  ?onAddendum a ckg:VoteEvent ; ckg:year ?year ; dcterms:date ?date ; ckg:onDraft ?addendum .
  ?noDraft a ckg:VoteEvent ; ckg:year ?year ; dcterms:date ?date .
  ?again a ckg:VoteEvent ; ckg:year ?year ; dcterms:date ?date ; ckg:onDraft ?draft .
  ?v1 ckg:inVoteEvent ?onAddendum ; ckg:voter ?member ; ckg:position ?position .
  ?v2 ckg:inVoteEvent ?noDraft ; ckg:voter ?member ; ckg:position ?position .
  ?v3 ckg:inVoteEvent ?again ; ckg:voter ?member ; ckg:position ?position .
}
WHERE {
  ?event a ckg:VoteEvent ; ckg:year ?year ; dcterms:date ?date ;
         ckg:onDraft ?draft .
  ?draft ckg:symbol "S/2020/797" .
  ?vote ckg:inVoteEvent ?event ; ckg:voter ?member ; ckg:position ?position .
  BIND(IRI(CONCAT(STR(?draft), "/Add.1")) AS ?addendum)
  BIND(IRI(CONCAT(STR(?event), "/Add.1")) AS ?onAddendum)
  BIND(IRI(CONCAT(STR(?event), "-no-draft")) AS ?noDraft)
  BIND(IRI(CONCAT(STR(?event), "-again")) AS ?again)
  BIND(IRI(CONCAT(STR(?vote), "/Add.1")) AS ?v1)
  BIND(IRI(CONCAT(STR(?vote), "-no-draft")) AS ?v2)
  BIND(IRI(CONCAT(STR(?vote), "-again")) AS ?v3)
}
"""


def interface_order(result: QueryResult) -> list[tuple[Term | None, ...]]:
    """The rows sorted as the interface states (unbound before bound; dates
    are ISO 8601, so their text sorts as they do)."""
    col = {name: i for i, name in enumerate(result.variables)}

    def key(row: tuple[Term | None, ...]) -> tuple[tuple[int, str], ...]:
        def value(name: str) -> tuple[int, str]:
            term = row[col[name]]
            return (0, "") if term is None else (1, term.value)

        return (value("date"), value("symbol"), value("voteEvent"), value("iso3"))

    return sorted(result.rows, key=key)


@pytest.fixture(scope="module")
def more_events(seed_result: IngestResult, minter: Minter) -> GraphStore:
    store = load_store(seed_result, minter)
    store.oxigraph.update(MORE_EVENTS)
    return store


@pytest.mark.parametrize("name", QUERIES)
@pytest.mark.parametrize("params", [{}, {"years": "2020"}])
def test_rows_in_the_interface_order_on_the_seed(
    seed_store: GraphStore, name: str, params: dict[str, str]
) -> None:
    result = cq.run_embedded(seed_store, cq.bind(name, params))
    assert result.rows
    assert result.rows == interface_order(result)


@pytest.mark.parametrize("name", QUERIES)
def test_rows_in_the_interface_order_with_events_the_key_must_tell_apart(
    more_events: GraphStore, name: str
) -> None:
    result = cq.run_embedded(more_events, cq.bind(name, {"years": "2020"}))
    events = {row[result.variables.index("voteEvent")] for row in result.rows}
    symbols = {row[result.variables.index("symbol")] for row in result.rows}
    assert len(events) == 4
    assert None in symbols and len(symbols) == 3  # no draft, S/2020/797, its addendum
    assert result.rows == interface_order(result)
