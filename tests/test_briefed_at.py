"""``ckg:briefedAt``, the join of a briefing with its item's participations
made at ingest, equals that join made by a query over the graph, on the
seed and on the synthetic corpus; and on the seed's records with meetings
added by hand at which a briefer also speaks under another item and in
another year, neither of which is linked."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bench import synth
from councilkg.ingest.iris import Minter
from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from councilkg.ingest.rdf import to_ntriples
from councilkg.ingest.records import Briefer, Invitee, Meeting, SourceFile, Speaker
from councilkg.ingest.vocab import CKG
from councilkg.ingesting import load
from councilkg.store import GraphStore

# The join briefers-by-item made before the link existed: the events of the
# briefing's item, in its period, with a participation whose participant,
# or the role it spoke in, is the briefer.
JOINED = """PREFIX ckg: <https://w3id.org/councilkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?briefing ?event WHERE {
  ?briefing a ckg:ItemBriefing ; ckg:agendaItem ?item ; ckg:briefer ?briefer ;
            ckg:period ?period .
  ?event ckg:eventItem ?item ; dcterms:date ?date .
  ?participation a ckg:Participation ; ckg:event ?event .
  { ?participation ckg:participant ?briefer } UNION { ?participation ckg:inRole ?briefer }
  FILTER(SUBSTR(STR(?date), 1, 4) = ?period)
}"""

LINKED = """PREFIX ckg: <https://w3id.org/councilkg/ontology#>
SELECT ?briefing ?event WHERE { ?briefing ckg:briefedAt ?event }"""


def _pairs(store: GraphStore, sparql: str) -> list[tuple[str, str]]:
    return sorted((s["briefing"].value, s["event"].value) for s in store.query(sparql))


def _same_join(store: GraphStore) -> list[tuple[str, str]]:
    linked = _pairs(store, LINKED)
    assert linked == _pairs(store, JOINED)
    return linked


def test_the_seeds_links_are_the_join(seed_store: GraphStore) -> None:
    linked = _same_join(seed_store)
    # Briefers heard at one event and at several: the join is not trivially empty.
    events_per_briefing = {b: sum(1 for x, _ in linked if x == b) for b, _ in linked}
    assert {1, 2} <= set(events_per_briefing.values())


@pytest.fixture(scope="module")
def corpus_store(minter: Minter) -> GraphStore:
    corpus = synth.generate(synth.Spec(seed=3, scale=2))
    store = GraphStore.in_memory()
    results: list[IngestResult] = [ingest_bytes(f.data, f.name) for f in corpus.files]
    load(results, store, minter=minter, progress=False)
    return store


def test_the_synthetic_corpus_links_are_the_join(corpus_store: GraphStore) -> None:
    assert _same_join(corpus_store)


def test_a_briefer_heard_under_another_item_or_year_is_not_linked(
    seed_result: IngestResult, minter: Minter
) -> None:
    """The seed's records and, added by hand, meetings at which one of its
    briefers speaks (as a participant, and as the role a State's
    representative spoke in): under the briefing's item in its year, under
    another item, and in another year.  Only the first is linked."""
    records = list(seed_result.records)
    briefer = next(r for r in records if isinstance(r, Briefer))
    meeting = next(r for r in records if isinstance(r, Meeting))
    year = int(next(r for r in records if isinstance(r, SourceFile)).period or 0)

    def held(record: str, item: str, on: dt.date) -> Meeting:
        return dataclasses.replace(
            meeting,
            record=record,
            item_key=item,
            date=on,
            speakers=(),
            rule37=(),
            rule39=(),
            decisions=(),
            other_documents=(),
            sub_item=None,
            sub_item_key=None,
        )

    as_participant = Invitee(kind="role", ref=briefer.role, label="briefer")
    linked = held("S/PV.99001", briefer.item_key, dt.date(year, 3, 2))
    other_item = held("S/PV.99002", "another-item", dt.date(year, 3, 3))
    other_year = held("S/PV.99003", briefer.item_key, dt.date(year - 1, 3, 4))
    in_role = held("S/PV.99004", briefer.item_key, dt.date(year, 3, 5))
    records += [
        dataclasses.replace(linked, speakers=(as_participant,)),
        dataclasses.replace(other_item, speakers=(as_participant,)),
        dataclasses.replace(other_year, speakers=(as_participant,)),
        in_role,
        Speaker(
            prov=meeting.prov,
            event="S/PV.99004",
            kind="state",
            ref="FRA",
            capacity=None,
            state=None,
            role=briefer.role,
        ),
    ]
    lines = to_ntriples(records, minter)
    (node,) = {
        line.split()[0]
        for line in lines
        if f" <{CKG.briefer}> <{minter.role(briefer.role)}> ." in line
        and line.startswith(f"<{minter.item(briefer.item_key)}/")
    }
    events = {
        line.split()[2].strip("<>")
        for line in lines
        if line.startswith(f"{node} <{CKG.briefedAt}>")
    }
    assert str(minter.meeting("S/PV.99001")) in events
    assert str(minter.meeting("S/PV.99004")) in events
    assert not {str(minter.meeting(f"S/PV.9900{n}")) for n in (2, 3)} & events
