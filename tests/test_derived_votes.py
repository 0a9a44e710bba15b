"""Members' votes derived from a unanimous count or statement, and "did not
participate" kept apart from abstention, through every layer.

Texts are built from the bundled seed by pattern edits (never by line
number): the seed's one decision with counts, draft S/2020/797 ("2-2-11a",
note a listing the members), is turned into an adopted resolution with a
unanimous count and no note, into one with a count that is not unanimous,
or given a note in which a member did not participate.  ``derive_votes`` is
also tested on records alone, so that it stands without the table parser.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from councilkg import analytics as an
from councilkg import queries as cq
from councilkg.facts import facts
from councilkg.ingest import membership
from councilkg.ingest.extract.derived import derive_votes, seats
from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.iris import Minter
from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from councilkg.ingest.rdf import to_triples
from councilkg.ingest.records import Decision, Provenance, Record, Vote
from councilkg.ingest.reference import reference_triples
from councilkg.ingest.vocab import CKG
from councilkg.store import GraphStore
from councilkg.validation import ValidationReport, validate
from tests.conftest import SEED, load_store

RESOLUTION = "S/RES/2531(2020)"
DRAFT = "S/2020/797"
DATE = dt.date(2020, 8, 14)
MEMBERS = membership.members(2020)

# The draft's decisions cell, as the seed prints it (one item a line).
DRAFT_ROW = re.compile(r"决议草案\s*\n\s*S/2020/797\(未通过\)\s*\n\s*2-2-11a[ \t]*\n")
# Table note a of the videoconferences table: the member-by-member vote.
VOTE_NOTE = re.compile(r"\n[ \t]*a[ \t]+赞成：[^。]*。[ \t]*\n")


def edit(text: str, pattern: re.Pattern[str] | str, new: str) -> str:
    """Replace the one match of ``pattern`` (there must be exactly one)."""
    found = re.findall(pattern, text)
    assert len(found) == 1, (pattern, found)
    return re.sub(pattern, lambda _: new, text)


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def resolution_text(count: str, note: str | None = None) -> str:
    """The draft's row replaced by an adopted resolution with ``count``; the
    vote note dropped, or replaced by ``note`` (note letter a)."""
    suffix = "a" if note is not None else ""
    text = edit(seed_text(), DRAFT_ROW, f"第 2531(2020)号决议 \n\n{count}{suffix} \n")
    return edit(text, VOTE_NOTE, f"\n a {note} \n" if note is not None else "\n")


def name_en(iso3: str) -> str:
    return default_gazetteer().get(iso3).name_en


def name_zh(iso3: str) -> str:
    return default_gazetteer().get(iso3).name_zh


def by_name(members: frozenset[str] | set[str]) -> list[str]:
    """Members in the order of their English short names."""
    return sorted(members, key=name_en)


@dataclasses.dataclass(frozen=True)
class Ingested:
    """One edited text: its ingest, its graph (with the reference graph) and store."""

    result: IngestResult
    graph: Graph
    store: GraphStore
    minter: Minter

    def votes(self, draft: str) -> list[Vote]:
        return [v for v in self.result.records if isinstance(v, Vote) and v.draft == draft]

    def decision(self, symbol: str) -> Decision:
        (d,) = (r for r in self.result.records if isinstance(r, Decision) and r.symbol == symbol)
        return d

    def report(self) -> ValidationReport:
        return validate(self.graph)

    def query(self, name: str, **params: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = cq.run_embedded(self.store, cq.bind(name, params)).values()
        return rows

    def vote_facts(self, draft: str) -> dict[str, Any]:
        (entry,) = (v for v in facts(self.store)["votes"] if v["draft"] == draft)
        assert isinstance(entry, dict), entry
        return entry


def ingested_records(result: IngestResult, records: list[Record]) -> Ingested:
    result = dataclasses.replace(result, records=records)
    minter = Minter()
    graph = Graph()
    for triple in to_triples(result.records, minter) | reference_triples(minter):
        graph.add(triple)
    return Ingested(result, graph, load_store(result, minter), minter)


def ingested(text: str) -> Ingested:
    result = ingest_bytes(text.encode("utf-8"), SEED.name)
    return ingested_records(result, result.records)


@pytest.fixture(scope="module")
def unanimous() -> Ingested:
    """S/RES/2531(2020) adopted 15-0-0, no vote note."""
    return ingested(resolution_text("15-0-0"))


# ---------------------------------------------------------------------------
# A unanimous count without a note: fifteen derived votes in favour
# ---------------------------------------------------------------------------


def test_the_text_is_read_as_a_unanimous_resolution(unanimous: Ingested) -> None:
    d = unanimous.decision(RESOLUTION)
    assert (d.kind, d.adopted, d.date, d.vote_note) == ("resolution", True, DATE, None)
    assert (d.votes_for, d.votes_against, d.votes_abstaining) == (15, 0, 0), (
        "the table parser did not read the edited row (ingest/extract/tables.py)"
    )


def test_every_member_votes_in_favour_in_name_order(unanimous: Ingested) -> None:
    votes = unanimous.votes(RESOLUTION)
    assert [v.member for v in votes] == by_name(MEMBERS)
    assert len(votes) == 15
    assert {(v.position, v.basis, v.date) for v in votes} == {("for", "derived", DATE)}
    assert {v.member for v in votes if v.permanent} == membership.permanent_members(2020)
    # The provenance is the decision's: the symbol and its count.
    assert {v.prov for v in votes} == {unanimous.decision(RESOLUTION).prov}
    assert "15-0-0" in votes[0].prov.text
    assert not unanimous.votes(DRAFT)


def test_the_graph_marks_the_votes_derived(unanimous: Ingested) -> None:
    g, m = unanimous.graph, unanimous.minter
    ve = m.vote_event(RESOLUTION)
    count_for = URIRef(f"{ve}/count/for")
    voters = set()
    for vote in g.subjects(CKG.inVoteEvent, ve):
        assert (vote, CKG.basis, CKG.DerivedFromUnanimity) in g
        assert (vote, CKG.position, CKG.InFavour) in g
        assert (vote, CKG.derivedFromCount, count_for) in g
        (term,) = g.objects(vote, CKG.derivedFromMembership)
        assert (term, RDF.type, CKG.CouncilMembership) in g
        voter = g.value(vote, CKG.voter)
        voters.add(str(g.value(voter, CKG.iso3)))
    assert voters == MEMBERS
    assert (count_for, CKG.countValue, Literal(15)) in g
    assert not set(g.subjects(CKG.basis, CKG.ListedInVoteNote))


def test_the_graph_conforms(unanimous: Ingested) -> None:
    report = unanimous.report()
    assert report.conforms, report.render_text()
    assert report.results == [], report.render_text()


def test_prepared_queries_return_the_derived_votes(unanimous: Ingested) -> None:
    rows = unanimous.query("votes-on-draft", symbol=RESOLUTION)
    assert len(rows) == 15
    assert {r["iso3"] for r in rows} == MEMBERS
    assert {r["position"] for r in rows} == {str(CKG.InFavour)}
    assert {r["iso3"] for r in rows if r["permanent"]} == membership.permanent_members(2020)
    positions = unanimous.query("vote-positions", year="2020")
    assert len(positions) == 15
    pairs = unanimous.query("co-voting", year="2020")
    assert len(pairs) == 15 * 14 // 2
    assert {(r["events"], r["agreed"]) for r in pairs} == {(1, 1)}


def test_co_voting_counts_the_unanimous_vote(unanimous: Ingested) -> None:
    g = an.covoting_graph(unanimous.store)
    assert g.graph["drafts"] == [RESOLUTION]
    assert g.number_of_nodes() == 15
    assert g.number_of_edges() == 105
    assert {(e["events"], e["agreed"], e["agreement"]) for *_, e in g.edges(data=True)} == {
        (1, 1, 1.0)
    }


def test_facts_list_the_derived_votes_like_listed_ones(unanimous: Ingested) -> None:
    entry = unanimous.vote_facts(RESOLUTION)
    assert entry == {
        "draft": RESOLUTION,
        "date": DATE,
        "item": "non-proliferation",
        "adopted": True,
        "for": by_name(MEMBERS),
        "against": [],
        "abstaining": [],
        "sponsors": [],
    }


# ---------------------------------------------------------------------------
# Counts that do not say who voted how derive nothing
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", ["14-0-1", "14-1-0", "14-0-0"])
def test_a_count_that_is_not_unanimous_derives_nothing(count: str) -> None:
    result = ingested(resolution_text(count))
    d = result.decision(RESOLUTION)
    assert f"{d.votes_for}-{d.votes_against}-{d.votes_abstaining}" == count
    assert result.votes(RESOLUTION) == []
    assert result.query("votes-on-draft", symbol=RESOLUTION) == []
    assert not [v for v in facts(result.store)["votes"] if v["draft"] == RESOLUTION]
    report = result.report()
    assert report.violations == [], report.render_text()


# ---------------------------------------------------------------------------
# "Did not participate" (未参加表决) is a position of its own
# ---------------------------------------------------------------------------


def test_not_participating_is_kept_apart_from_abstaining() -> None:
    text = edit(seed_text(), r"2-2-11a", "2-2-10a")
    text = edit(text, r"联合王国、越南。", "联合王国；未参加表决：越南。")
    result = ingested(text)
    votes = {v.member: v for v in result.votes(DRAFT)}
    assert len(votes) == 15
    assert votes["VNM"].position == "not-participating"
    assert {v.basis for v in votes.values()} == {"listed"}
    assert (result.minter.vote(DRAFT, "VNM"), CKG.position, CKG.NotParticipating) in result.graph
    entry = result.vote_facts(DRAFT)
    assert entry["not_participating"] == ["VNM"]
    assert "VNM" not in entry["abstaining"] and len(entry["abstaining"]) == 10
    assert "absent" not in entry
    # 2-2-10 agrees with the note: a member that did not participate is in no count.
    report = result.report()
    assert report.conforms and report.results == [], report.render_text()


def test_a_permanent_member_not_participating_does_not_veto() -> None:
    """14-0-0 with Russia not participating: adopted (Article 27 (3) counts a
    permanent member's vote against, not its non-participation)."""
    voters = by_name(MEMBERS - {"RUS"})
    note = "赞成：" + "、".join(name_zh(m) for m in voters) + "；未参加表决：俄罗斯联邦。"
    result = ingested(resolution_text("14-0-0", note))
    votes = {v.member: v.position for v in result.votes(RESOLUTION)}
    assert votes == {**dict.fromkeys(voters, "for"), "RUS": "not-participating"}
    entry = result.vote_facts(RESOLUTION)
    assert entry["for"] == voters
    assert (entry["against"], entry["abstaining"], entry["not_participating"]) == ([], [], ["RUS"])
    assert "absent" not in entry
    report = result.report()
    assert report.conforms and report.results == [], report.render_text()


def test_a_unanimous_count_with_a_note_keeps_the_note() -> None:
    note = "赞成：" + "、".join(name_zh(m) for m in by_name(MEMBERS)) + "。"
    result = ingested(resolution_text("15-0-0", note))
    assert {v.basis for v in result.votes(RESOLUTION)} == {"listed"}
    assert len(result.votes(RESOLUTION)) == 15


# ---------------------------------------------------------------------------
# Stated unanimous without counts ("一致通过"): a vote event without counts
# ---------------------------------------------------------------------------


def test_stated_unanimous_in_the_table() -> None:
    """The row says "一致通过" instead of a count (read by the table parser)."""
    result = ingested(resolution_text("一致通过"))
    d = result.decision(RESOLUTION)
    assert d.unanimous and d.adopted and d.votes_for is None
    votes = result.votes(RESOLUTION)
    assert [v.member for v in votes] == by_name(MEMBERS)
    assert {(v.position, v.basis) for v in votes} == {("for", "derived")}
    assert "一致通过" in votes[0].prov.text
    report = result.report()
    assert report.conforms and report.results == [], report.render_text()
    assert len(result.query("votes-on-draft", symbol=RESOLUTION)) == 15


def test_stated_unanimous_without_counts(unanimous: Ingested) -> None:
    """The decision as the table parser gives it for "一致通过" (no counts,
    ``unanimous``), its votes derived again: graph, rules and queries agree."""
    stated = dataclasses.replace(
        unanimous.decision(RESOLUTION),
        votes_for=None,
        votes_against=None,
        votes_abstaining=None,
        unanimous=True,
    )
    records = [
        stated if isinstance(r, Decision) and r.symbol == RESOLUTION else r
        for r in unanimous.result.records
        if not (isinstance(r, Vote) and r.basis == "derived")
    ]
    derived = derive_votes(records, records)
    assert [v.member for v in derived] == by_name(MEMBERS)
    result = ingested_records(unanimous.result, [*records, *derived])
    g, ve = result.graph, result.minter.vote_event(RESOLUTION)
    assert (ve, CKG.unanimous, Literal(True)) in g
    assert g.value(ve, CKG.votesFor) is None and not set(g.objects(ve, CKG["count"]))
    assert not set(g.subject_objects(CKG.derivedFromCount))
    report = result.report()
    assert report.conforms and report.results == [], report.render_text()
    assert len(result.query("votes-on-draft", symbol=RESOLUTION)) == 15
    assert result.vote_facts(RESOLUTION)["for"] == by_name(MEMBERS)


# ---------------------------------------------------------------------------
# derive_votes on records alone
# ---------------------------------------------------------------------------

PROV = Provenance("f.txt", "0" * 64, 3, None, "table-row", "b00054", 744, 100, 120, "15-0-0")


def decision(symbol: str = RESOLUTION, **changes: Any) -> Decision:
    fields: dict[str, Any] = {
        "prov": PROV,
        "symbol": symbol,
        "kind": "resolution",
        "event": "vc/2020-08-14/non-proliferation",
        "item_key": "non-proliferation",
        "date": DATE,
        "adopted": True,
        "votes_for": 15,
        "votes_against": 0,
        "votes_abstaining": 0,
    }
    fields.update(changes)
    return Decision(**fields)


def listed(member: str, symbol: str = RESOLUTION) -> Vote:
    return Vote(PROV, symbol, DATE, member, "for", member in membership.permanent_members(2020))


def test_derive_from_a_unanimous_count() -> None:
    votes = derive_votes([decision()], [])
    assert [v.member for v in votes] == by_name(MEMBERS)
    assert all(v.basis == "derived" and v.position == "for" and v.prov == PROV for v in votes)
    assert {v.draft for v in votes} == {RESOLUTION}


def test_derive_from_a_unanimous_statement() -> None:
    stated = decision(votes_for=None, votes_against=None, votes_abstaining=None, unanimous=True)
    assert len(derive_votes([stated], [])) == 15
    assert derive_votes([dataclasses.replace(stated, unanimous=False)], []) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"votes_for": 14, "votes_abstaining": 1},
        {"votes_for": 14, "votes_against": 1},
        {"votes_for": 14},  # someone absent, unnamed
        {"vote_note": "a"},  # the note's list is the word, even if it is missing
        {"unanimous": True, "votes_for": 14, "votes_abstaining": 1},  # counts win
        {"kind": "presidential-statement", "votes_for": None, "unanimous": True},
        {"date": dt.date(2005, 3, 1)},  # elected members of 2005 not in the table
    ],
    ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()),
)
def test_derive_nothing(changes: dict[str, Any]) -> None:
    assert derive_votes([decision(**changes)], []) == []


def test_listed_votes_are_never_supplemented() -> None:
    assert derive_votes([decision()], [listed("USA")]) == []
    others = derive_votes([decision(), decision("S/RES/2532(2020)")], [listed("USA")])
    assert {v.draft for v in others} == {"S/RES/2532(2020)"}


def test_each_decision_derived_once_and_other_records_ignored() -> None:
    records: list[Record] = [decision(), decision(), listed("FRA", "S/2020/1")]
    assert len(derive_votes(records, records)) == 15


def test_a_council_of_eleven() -> None:
    """Before 1966 the Council had eleven members: 11-0-0 is unanimous."""
    eleven = frozenset(f"S{i:02d}" for i in range(11))
    votes = derive_votes(
        [decision(date=dt.date(1960, 5, 1), votes_for=11)],
        [],
        members_in=lambda year: eleven,
        permanent_in=lambda year: frozenset({"S00"}),
        name_of=lambda iso3: iso3[::-1],
    )
    assert [v.member for v in votes] == sorted(eleven, key=lambda m: m[::-1])
    assert [v.member for v in votes if v.permanent] == ["S00"]
    assert seats(1965) == 11 and seats(1966) == 15


def test_derive_votes_of_the_seed_is_empty(seed_result: IngestResult) -> None:
    """The seed's one vote has a note: nothing is derived, the gold holds."""
    assert not [v for v in seed_result.records if isinstance(v, Vote) and v.basis != "listed"]
