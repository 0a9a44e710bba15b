"""Prepared queries: a competency-question suite on the seed, with every
expected answer read from the gold file, plus parameter binding, errors,
the W3C result formats and a smoke run of ``python -m bench queries``.

Each prepared query is also run on rdflib (a second, independent SPARQL 1.1
engine) and must give the embedded store's answers: the queries are
standard SPARQL, not Oxigraph's dialect.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from itertools import combinations
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib

from councilkg import queries as cq
from councilkg.ingest import membership
from councilkg.ingest.iris import Minter
from councilkg.ingest.rdf import POSITION
from councilkg.ingest.vocab import CKG
from councilkg.queries import QueryError, QueryResult, Term
from councilkg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = (
    "votes-on-draft",
    "decision-outcome",
    "failed-drafts",
    "meetings-by-item",
    "videoconferences-by-item",
    "invitations",
    "briefers-by-item",
    "documents-citing",
    "cited-by",
    "positions-of-state",
    "state-activity",
    "letters-by-state",
    "co-voting",
    "source-of",
    "item-timeline",
)
POSITION_KEY = {str(iri): key for key, iri in POSITION.items()}


def run(store: GraphStore, name: str, *, labels: bool = False, **params: str) -> QueryResult:
    return cq.run_embedded(store, cq.bind(name, params), labels=labels)


def item(gold: dict[str, Any], key: str) -> dict[str, Any]:
    return next(i for i in gold["items"] if i["key"] == key)


def the_vote(gold: dict[str, Any]) -> dict[str, Any]:
    votes: list[dict[str, Any]] = gold["votes"]
    assert len(votes) == 1
    return votes[0]


def squash(text: str) -> str:
    return "".join(text.split())


# -- the catalogue ---------------------------------------------------------


def test_catalogue_has_every_named_question() -> None:
    names = [q.name for q in cq.catalogue()]
    assert set(REQUIRED) <= set(names)
    assert names == sorted(names)
    assert "votes" not in names  # queries/facts/ is not part of the catalogue


@pytest.mark.parametrize("query", cq.catalogue(), ids=lambda q: q.name)
def test_header_is_complete_and_bilingual(query: cq.PreparedQuery) -> None:
    assert query.title and query.description
    assert any("\u4e00" <= ch <= "\u9fff" for ch in query.title_zh + query.description_zh)
    assert query.columns
    for p in query.params:
        assert p.type in cq.PARAM_TYPES
        assert p.example and p.description
    assert cq.describe(query, "zh").startswith(f"{query.name}: {query.title_zh}")


@pytest.mark.parametrize("query", cq.catalogue(), ids=lambda q: q.name)
def test_example_runs_and_returns_the_declared_columns(
    seed_store: GraphStore, query: cq.PreparedQuery
) -> None:
    result = cq.run_embedded(seed_store, cq.bind(query, query.examples()))
    assert result.variables == query.columns
    assert len(result) > 0, "every example answers something on the seed"


def _rdflib_graph(store: GraphStore) -> rdflib.Graph:
    triples = (
        q.triple for q in store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())
    )
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    graph = rdflib.Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def _rdflib_term(node: Any) -> Term | None:
    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return Term("uri", str(node))
    if isinstance(node, rdflib.BNode):
        return Term("bnode", str(node))
    return Term.literal(str(node), str(node.datatype) if node.datatype else None, node.language)


def comparable(result: QueryResult) -> Counter[tuple[Any, ...]]:
    """Rows as a multiset of plain values (numbers compared as numbers)."""

    def plain(t: Term | None) -> Any:
        if t is None:
            return None
        if t.datatype and t.datatype.endswith(("#integer", "#decimal", "#double")):
            return ("number", Decimal(t.value).normalize())
        return (t.kind, t.value, t.datatype, t.lang)

    return Counter(tuple(plain(t) for t in row) for row in result.rows)


@pytest.fixture(scope="module")
def rdflib_graph(seed_store: GraphStore) -> rdflib.Graph:
    return _rdflib_graph(seed_store)


@pytest.mark.parametrize("query", cq.catalogue(), ids=lambda q: q.name)
def test_rdflib_gives_the_same_answers(
    seed_store: GraphStore, rdflib_graph: rdflib.Graph, query: cq.PreparedQuery
) -> None:
    bound = cq.bind(query, query.examples())
    embedded = cq.run_embedded(seed_store, bound)
    rows = rdflib_graph.query(bound.sparql)
    names = list(rows.vars or ())
    other = QueryResult(
        tuple(str(v) for v in names),
        [tuple(_rdflib_term(r[v]) for v in names) for r in rows],  # type: ignore[index, call-overload]
    )
    cq.normalise_lists(query, other)
    assert other.variables == embedded.variables
    assert comparable(other) == comparable(embedded)


# -- competency questions --------------------------------------------------


def test_votes_on_draft(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    vote = the_vote(gold)
    result = run(seed_store, "votes-on-draft", symbol=vote["draft"])
    rows = result.records()
    assert len(rows) == 15
    got = {r["iso3"].value: POSITION_KEY[r["position"].value] for r in rows}
    want = {iso3: key for key in ("for", "against", "abstaining") for iso3 in vote[key]}
    assert got == want
    permanent = membership.permanent_members(vote["date"].year)
    assert {r["iso3"].value for r in rows if r["permanent"].value == "true"} == permanent
    assert {r["date"].value for r in rows} == {vote["date"].isoformat()}


def test_votes_on_draft_accepts_any_written_form_of_the_symbol(
    seed_store: GraphStore, gold: dict[str, Any]
) -> None:
    draft = the_vote(gold)["draft"]
    spaced = draft.replace("/", " / ").replace("S", "Ｓ", 1)  # full-width, spaces
    a = run(seed_store, "votes-on-draft", symbol=draft)
    b = run(seed_store, "votes-on-draft", symbol=spaced)
    assert a.rows == b.rows


def test_decision_outcome(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    vote = the_vote(gold)
    decision = next(
        d
        for i in gold["items"]
        for vc in i.get("videoconferences", [])
        for d in vc["decisions"]
        if d["symbol"] == vote["draft"]
    )
    (row,) = run(seed_store, "decision-outcome", symbol=vote["draft"]).values()
    assert row["adopted"] is vote["adopted"] is decision["adopted"]
    assert (row["votesFor"], row["votesAgainst"], row["votesAbstaining"]) == (
        decision["vote"]["for"],
        decision["vote"]["against"],
        decision["vote"]["abstaining"],
    )
    assert row["result"] == str(CKG.NotAdopted)
    permanent = membership.permanent_members(vote["date"].year)
    against = set(vote["against"]) & permanent
    assert set(str(row["permanentMembersAgainst"]).split()) == against
    if len(vote["for"]) < 9:  # Article 27: fewer than nine in favour
        assert row["reason"] == str(CKG.InsufficientVotes)
        assert "vetoedBy" not in row
    assert row["writtenProcedureRecord"] == decision["written_procedure_record"]
    assert row["modality"] == str(CKG.ByWrittenProcedure)
    assert row["kind"] == str(CKG.DraftResolution)


def test_decision_outcome_of_a_presidential_statement(
    seed_store: GraphStore, gold: dict[str, Any]
) -> None:
    symbol, kind = next(
        (d["symbol"], d["kind"])
        for i in gold["items"]
        for vc in i.get("videoconferences", [])
        for d in vc["decisions"]
        if d["kind"] == "presidential-statement"
    )
    (row,) = run(seed_store, "decision-outcome", symbol=symbol).values()
    assert kind == "presidential-statement"
    assert row["kind"] == str(CKG.PresidentialStatement)
    assert row["modality"] == str(CKG.WithoutVote)
    assert "votesFor" not in row


def test_failed_drafts(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    failed = [v for v in gold["votes"] if v["adopted"] is False]
    year = str(failed[0]["date"].year)
    rows = run(seed_store, "failed-drafts", year=year).values()
    assert [r["symbol"] for r in rows] == [v["draft"] for v in failed]
    assert rows[0]["item"].endswith("/" + failed[0]["item"])
    assert rows[0]["votesFor"] == len(failed[0]["for"])
    assert run(seed_store, "failed-drafts", year=str(int(year) - 1)).rows == []
    unset = run(seed_store, "failed-drafts")
    assert unset.rows == run(seed_store, "failed-drafts", year=year).rows


def test_meetings_by_item(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    for entry in gold["items"]:
        want = entry.get("meetings", [])
        result = run(seed_store, "meetings-by-item", labels=True, item=entry["key"])
        rows = result.records()
        assert [r["record"].value for r in rows] == [m["record"] for m in want]
        assert [r["date"].value for r in rows] == [m["date"].isoformat() for m in want]
        for r, m in zip(rows, want, strict=True):
            assert squash(r["subItemText"].value) == squash(m["sub_item_zh"])
            assert result.label(r["subItem"].value, "en") == m["sub_item_en"]
            assert result.label(r["format"].value, "en") == m["format"]
            assert r["item"].value == entry["key"]


def test_meetings_by_item_title_in_either_language(
    seed_store: GraphStore, gold: dict[str, Any]
) -> None:
    entry = item(gold, "non-proliferation")
    by_key = run(seed_store, "meetings-by-item", item=entry["key"]).rows
    assert by_key
    assert run(seed_store, "meetings-by-item", item=entry["title_zh"]).rows == by_key
    assert run(seed_store, "meetings-by-item", item=entry["title_en"].upper()).rows == by_key
    year = entry["meetings"][0]["date"].year
    assert run(seed_store, "meetings-by-item", item=entry["key"], year=str(year)).rows == by_key
    assert run(seed_store, "meetings-by-item", item=entry["key"], year=str(year + 1)).rows == []
    # optional parameters left unset do not filter
    every = run(seed_store, "meetings-by-item").rows
    assert len(every) == sum(len(i.get("meetings", [])) for i in gold["items"])


def test_videoconferences_by_item(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    total = 0
    for entry in gold["items"]:
        want = entry.get("videoconferences", [])
        total += len(want)
        rows = run(seed_store, "videoconferences-by-item", item=entry["key"]).values()
        assert [r["date"] for r in rows] == [v["date"] for v in want]
        for r, v in zip(rows, want, strict=True):
            assert r.get("record") == v["record"]
            assert r.get("recordDate") == v.get("record_date")
            assert str(r.get("decisions", "")).split() == [d["symbol"] for d in v["decisions"]]
            if v["record"] is None:
                assert "recordNote" in r
        if entry.get("open_videoconferences_in_year"):
            assert sum(bool(r.get("open")) for r in rows) == entry["open_videoconferences_in_year"]
    assert len(run(seed_store, "videoconferences-by-item")) == total


def test_invitations(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    minter = Minter()
    for entry in gold["items"]:
        for m in entry.get("meetings", []):
            result = run(seed_store, "invitations", labels=True, meeting=m["record"])
            rows = result.records()
            for rule, key in (
                (CKG.Rule37, "rule37_invitations"),
                (CKG.Rule39AndOther, "rule39_invitations"),
            ):
                got = sorted(
                    r["iso3"].value if "iso3" in r else str(result.label(r["invitee"].value, "en"))
                    for r in rows
                    if r["rule"].value == str(rule)
                )
                assert got == sorted(m[key])
            assert {r["event"].value for r in rows} == {str(minter.meeting(m["record"]))}
            assert {r["date"].value for r in rows} == {m["date"].isoformat()}
            by_item = run(seed_store, "invitations", item=entry["key"])
            assert comparable(by_item) == comparable(result)


def test_invitations_to_a_meeting_of_another_item_are_not_listed(
    seed_store: GraphStore, gold: dict[str, Any]
) -> None:
    with_meetings = [i for i in gold["items"] if i.get("meetings")]
    without = [i for i in gold["items"] if not i.get("meetings")]
    assert with_meetings and without
    record = with_meetings[0]["meetings"][0]["record"]
    assert run(seed_store, "invitations", meeting=record, item=without[0]["key"]).rows == []


def test_briefers_by_item(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    entry = item(gold, "non-proliferation")
    result = run(seed_store, "briefers-by-item", labels=True, item=entry["key"])
    rows = result.records()
    named: list[Any] = []
    for r in rows:
        role = result.label(r["briefer"].value, "en")
        state = result.label(r["state"].value, "en") if "state" in r else None
        b = {"role": role, "state": r["state"].value.rsplit("/", 1)[1]} if state else role
        if b not in named:
            named.append(b)
    assert named == entry["briefers_in_year"]
    # each briefing is dated by the events at which the briefer spoke
    speakers = gold["speakers_by_event"]
    for r in rows:
        assert "date" in r, r
        spoke = speakers[Term.literal(r["date"].value, r["date"].datatype).python()]
        role = result.label(r["briefer"].value, "en")
        state = r["state"].value.rsplit("/", 1)[1] if "state" in r else None
        assert role in spoke["roles"] or state in spoke["states"]


def test_cited_by(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    """Where the Repertoire cites each document: its footnotes and passages,
    with the printed page; no row for a page's link list or the supplement
    (they cite everything the pages name)."""
    source = gold["source"]["file"]
    for symbol in gold["documents"]:
        rows = run(seed_store, "cited-by", symbol=symbol).values()
        footnotes = {r["footnote"] for r in rows if r["kind"] == str(CKG.Footnote)}
        want = {n for n, fn in gold["footnotes"].items() if symbol in fn["cites"]}
        assert footnotes == want, symbol
        kinds = {r["kind"] for r in rows}
        assert kinds <= {str(CKG.Footnote), str(CKG.SourcePassage), str(CKG.Videoconference)}
        assert {r["file"] for r in rows if "file" in r} <= {source}
        for r in rows:
            if r["kind"] != str(CKG.Videoconference):
                assert isinstance(r["printedPage"], int) and isinstance(r["filePage"], int), r


def test_cited_by_a_videoconference_is_one_row(seed_store: GraphStore) -> None:
    """A videoconference whose record note cites a document is one row, with
    no page: it has none (the page's OPTIONALs once matched every page of
    the graph for it, one row per page, each with that page's numbers)."""
    symbol = "A/75/2"
    rows = run(seed_store, "cited-by", symbol=symbol).values()
    conferences = [r for r in rows if r["kind"] == str(CKG.Videoconference)]
    assert conferences
    assert len({r["citing"] for r in conferences}) == len(conferences)
    for r in conferences:
        assert "printedPage" not in r and "filePage" not in r and "line" not in r, r
        assert symbol in squash(str(r["text"])), r


def test_cited_by_a_resolution_lists_passages(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    symbol = "S/RES/2231(2015)"
    assert symbol in gold["documents"]
    rows = run(seed_store, "cited-by", symbol=symbol).values()
    passages = [r for r in rows if r["kind"] == str(CKG.SourcePassage)]
    assert passages
    number = symbol.removeprefix("S/RES/").split("(")[0]
    for r in passages:
        assert number in squash(str(r["text"]))
        assert isinstance(r["line"], int) and r["filePage"] >= 1
    (footnote,) = [r for r in rows if r["kind"] == str(CKG.Footnote)]
    assert footnote["passage"]  # the paragraph that carries the footnote's marker
    # each row quotes the sentence that cites it: one sentence, naming it
    for r in rows:
        sentence = squash(str(r["sentence"]))
        assert number in sentence, r
        assert "。" not in sentence.rstrip("。"), r
        assert sentence in squash(str(r["text"])), r


@pytest.mark.parametrize("given", ["CHN", "chn", "中国", "China", "the People's Republic of China"])
def test_positions_of_state(seed_store: GraphStore, gold: dict[str, Any], given: str) -> None:
    rows = run(seed_store, "positions-of-state", state=given).values()
    want = {n: fn for n, fn in gold["footnotes"].items() if "CHN" in fn.get("states", [])}
    assert [r["footnote"] for r in rows] == sorted(want, key=lambda n: (want[n]["event"], n))
    for r in rows:
        fn = want[r["footnote"]]
        assert r["date"] == fn["event"]
        assert r["states"] == " ".join(fn["states"])
        assert r["footnoteText"] and r["passageText"]
        assert r["file"] == gold["source"]["file"]


def test_positions_of_every_state(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    states = {s for fn in gold["footnotes"].values() for s in fn.get("states", [])}
    for iso3 in states:
        rows = run(seed_store, "positions-of-state", state=iso3).values()
        want = {n for n, fn in gold["footnotes"].items() if iso3 in fn.get("states", [])}
        assert {r["footnote"] for r in rows} == want, iso3


def test_state_activity(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    vote = the_vote(gold)
    iso3 = "USA"
    assert iso3 in vote["sponsors"]
    rows = run(seed_store, "state-activity", state="美国").values()
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_kind.setdefault(str(r["kind"]), []).append(r)
    (v,) = by_kind[str(CKG.Vote)]
    assert POSITION_KEY[str(v["detail"])] == next(
        k for k in ("for", "against", "abstaining") if iso3 in vote[k]
    )
    (s,) = by_kind[str(CKG.Sponsorship)]
    assert s["document"].endswith("/" + vote["draft"])
    positions = {int(str(r["detail"]).rsplit("/", 1)[1]) for r in by_kind[str(CKG.Position)]}
    assert positions == {n for n, fn in gold["footnotes"].items() if iso3 in fn.get("states", [])}
    spoke = {r["date"] for r in by_kind[str(CKG.Participation)]}
    assert spoke == {d for d, e in gold["speakers_by_event"].items() if iso3 in e["states"]}
    dates = [r["date"] for r in rows if "date" in r]
    assert dates == sorted(dates)


def test_state_activity_of_a_letter_writer(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    rows = run(seed_store, "state-activity", state="RUS").values()
    letters = {
        r["document"].rsplit("/document/", 1)[1] for r in rows if r["kind"] == str(CKG.Letter)
    }
    want = {
        lt["symbol"]
        for lt in gold["letters"]
        if "RUS" in ([lt["from"]] if isinstance(lt["from"], str) else lt["from"])
        or "RUS" in lt.get("on_behalf_of", [])
    }
    assert letters == want


def _senders(letter: dict[str, Any]) -> list[str]:
    return [letter["from"]] if isinstance(letter["from"], str) else list(letter["from"])


def test_letters_by_state(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    rows = run(seed_store, "letters-by-state", state="RUS").values()
    want = [lt for lt in gold["letters"] if "RUS" in _senders(lt)]
    assert sorted(r["symbol"] for r in rows) == sorted(lt["symbol"] for lt in want)
    assert all(r["role"] == str(CKG.sender) for r in rows)
    dates = {lt["symbol"]: lt["date"] for lt in want}
    assert all(r["date"] == dates[r["symbol"]] for r in rows)


def test_letters_of_every_state(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    states = {s for lt in gold["letters"] for s in [*_senders(lt), *lt.get("on_behalf_of", [])]}
    for iso3 in states:
        rows = run(seed_store, "letters-by-state", state=iso3).values()
        sent = {r["symbol"] for r in rows if r["role"] == str(CKG.sender)}
        behalf = {r["symbol"] for r in rows if r["role"] == str(CKG.onBehalfOf)}
        assert sent == {lt["symbol"] for lt in gold["letters"] if iso3 in _senders(lt)}, iso3
        assert behalf == {
            lt["symbol"] for lt in gold["letters"] if iso3 in lt.get("on_behalf_of", [])
        }, iso3
        for r in rows:
            lt = next(x for x in gold["letters"] if x["symbol"] == r["symbol"])
            assert str(r["senders"]).split() == sorted(_senders(lt))
            assert str(r.get("onBehalfOf", "")).split() == sorted(lt.get("on_behalf_of", []))


def test_co_voting(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    vote = the_vote(gold)
    position = {s: k for k in ("for", "against", "abstaining") for s in vote[k]}
    year = str(vote["date"].year)
    rows = run(seed_store, "co-voting", year=year).values()
    assert len(rows) == len(list(combinations(position, 2)))
    got = {(r["iso3A"], r["iso3B"]): r for r in rows}
    for a, b in combinations(sorted(position), 2):
        r = got[(a, b)]
        same = position[a] == position[b]
        assert r["events"] == 1
        assert r["agreed"] == int(same)
        assert r["agreement"] == float(same)
    assert got[("DEU", "FRA")]["agreement"] == 1.0
    assert got[("CHN", "USA")]["agreement"] == 0.0
    assert run(seed_store, "co-voting", year=str(int(year) + 1)).rows == []
    assert comparable(run(seed_store, "co-voting")) == comparable(
        run(seed_store, "co-voting", year=year)
    )


def test_source_of_a_meeting(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    meeting = item(gold, "non-proliferation")["meetings"][0]
    iri = str(Minter().meeting(meeting["record"]))
    (row,) = run(seed_store, "source-of", iri=iri).values()
    assert row["file"] == gold["source"]["file"]
    assert row["blockKind"] == "table-row"
    quote = squash(str(row["quote"]))
    assert meeting["record"] in quote
    assert squash(meeting["sub_item_zh"]) in quote
    assert isinstance(row["line"], int) and isinstance(row["pageIndex"], int)
    assert int(row["end"]) - int(row["start"]) >= len(quote)


def test_source_of_speakers_gives_where_the_passage_names_them(
    seed_store: GraphStore, gold: dict[str, Any]
) -> None:
    """Speakers are derived from their passage and named at their own
    offsets in it, in the order they spoke (the gold's order)."""
    date, event = next(
        (d, e) for d, e in gold["speakers_by_event"].items() if len(e["states"]) >= 2
    )
    found = {
        r["iso3"].value: r["p"].value
        for r in seed_store.query(
            "PREFIX ckg: <https://w3id.org/councilkg/ontology#> "
            "PREFIX dcterms: <http://purl.org/dc/terms/> "
            "SELECT ?p ?iso3 WHERE { ?p a ckg:Participation ; ckg:participant/ckg:iso3 ?iso3 ; "
            f'ckg:event/dcterms:date "{date}"^^<http://www.w3.org/2001/XMLSchema#date> . '
            'FILTER(CONTAINS(STR(?p), "/speaker/")) }'
        )
    }
    offsets = []
    for iso3 in event["states"]:
        rows = run(seed_store, "source-of", iri=found[iso3]).values()
        named = [r for r in rows if r["offset"] is not None]
        assert named, iso3
        assert all(r["start"] <= r["offset"] < r["end"] for r in named)
        offsets.append(min(r["offset"] for r in named))
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)


def test_source_of_a_footnote_quotes_its_text(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    number, fn = next((n, f) for n, f in gold["footnotes"].items() if "text_zh" in f)
    iri = str(Minter().footnote(gold["source"]["period"], number))
    rows = run(seed_store, "source-of", iri=iri).values()
    assert any(squash(fn["text_zh"]) in squash(str(r["quote"])) for r in rows)


def test_item_timeline(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    for entry in gold["items"]:
        rows = run(seed_store, "item-timeline", item=entry["key"]).values()
        dates = [r["date"] for r in rows]
        assert dates == sorted(dates)
        meetings = [r["record"] for r in rows if r["kind"] == str(CKG.Meeting)]
        assert meetings == [m["record"] for m in entry.get("meetings", [])]
        vcs = [r["date"] for r in rows if r["kind"] == str(CKG.Videoconference)]
        assert vcs == [v["date"] for v in entry.get("videoconferences", [])]
        events = [*entry.get("meetings", []), *entry.get("videoconferences", [])]
        decisions = [
            d["symbol"] for e in sorted(events, key=lambda e: e["date"]) for d in e["decisions"]
        ]
        assert [r["symbol"] for r in rows if "symbol" in r] == decisions
        for i, r in enumerate(rows):
            if "symbol" in r:  # right after the event (or decisions) it was taken at
                assert rows[i - 1]["event"] == r["event"]


# -- binding and errors ----------------------------------------------------


def test_unknown_query_suggests_a_name() -> None:
    with pytest.raises(QueryError, match=r"unknown query 'votes-on-drafts'.*'votes-on-draft'"):
        cq.get("votes-on-drafts")
    with pytest.raises(QueryError, match="co-voting"):
        cq.bind("nothing-like-it", {})


def test_unknown_parameter_lists_the_parameters() -> None:
    with pytest.raises(QueryError, match=r"no parameter 'draft'.*symbol \(symbol, required"):
        cq.bind("votes-on-draft", {"draft": "S/2020/797"})


def test_missing_required_parameter() -> None:
    with pytest.raises(QueryError, match=r"needs parameter 'symbol'.*--param symbol=S/2020/797"):
        cq.bind("votes-on-draft", {})
    with pytest.raises(QueryError, match="needs parameter 'state'"):
        cq.bind("letters-by-state", {"state": "  "})


@pytest.mark.parametrize(
    ("name", "params", "pattern"),
    [
        (
            "votes-on-draft",
            {"symbol": "S/twenty/797"},
            r"parameter 'symbol'.*not a UN document symbol",
        ),
        ("votes-on-draft", {"symbol": 'S/2020/797" } ; DROP ALL'}, r"parameter 'symbol'"),
        ("decision-outcome", {"symbol": "S/RES/2231"}, r"includes its year"),
        ("failed-drafts", {"year": "20"}, r"parameter 'year'.*four digits"),
        ("failed-drafts", {"year": "1900"}, r"1946–2100"),
        ("co-voting", {"year": "2020 OR 1=1"}, r"not a year"),
        ("letters-by-state", {"state": "Narnia"}, r"parameter 'state'.*ISO 3166-1 alpha-3"),
        ("letters-by-state", {"state": "XYZ"}, r"not a State"),
        ("item-timeline", {"item": "no-such-item"}, r"parameter 'item'.*curated key"),
        ("source-of", {"iri": "meeting/8733"}, r"parameter 'iri'.*absolute IRI"),
        ("source-of", {"iri": "http://x/> } ; DROP ALL ; <http://y"}, r"absolute IRI"),
        ("invitations", {"meeting": "S/2020/797"}, r"parameter 'meeting'.*S/PV"),
    ],
)
def test_malformed_values_are_clear_errors(name: str, params: dict[str, str], pattern: str) -> None:
    with pytest.raises(QueryError, match=pattern) as info:
        cq.bind(name, params)
    assert "its parameters:" in str(info.value)


def test_values_are_injected_as_terms_never_as_text(seed_store: GraphStore) -> None:
    text = (
        "# title: echo\n# title@zh: 回显\n# description: echo\n# description@zh: 回显\n"
        "# param: s | string | required | x | any text\n"
        "# param: d | date | optional | 2020-08-14 | a day\n"
        "# columns: s d\n"
        "SELECT ?s ?d WHERE { }\n"
    )
    query = cq.parse_query("echo", text)
    nasty = 'a" } ; DROP ALL ; INSERT DATA { <x:a> <x:b> "c'
    bound = cq.bind(query, {"s": nasty, "d": "2020-08-14"})
    assert "VALUES ?s {" in bound.sparql and "VALUES ?d {" in bound.sparql
    (row,) = cq.run_embedded(seed_store, bound).values()
    assert row["s"] == nasty
    assert str(row["d"]) == "2020-08-14"
    unset = cq.bind(query, {"s": "x"})
    assert "VALUES ?s {" in unset.sparql and "VALUES ?d" not in unset.sparql


def test_values_go_into_the_outermost_where_group() -> None:
    bound = cq.bind("failed-drafts", {"year": "2020"})
    before, after = bound.sparql.split("VALUES", 1)
    assert before.rstrip().endswith("WHERE {")
    assert '"2020"^^<http://www.w3.org/2001/XMLSchema#integer>' in after.splitlines()[0]


def test_parse_params() -> None:
    assert cq.parse_params(["symbol=S/2020/797", "year= 2020"]) == {
        "symbol": "S/2020/797",
        "year": " 2020",
    }
    with pytest.raises(QueryError, match="name=value"):
        cq.parse_params(["symbol"])
    with pytest.raises(QueryError, match="twice"):
        cq.parse_params(["a=1", "a=2"])


def test_catalogue_text() -> None:
    text = cq.format_catalogue("zh")
    for name in REQUIRED:
        assert name in text
    assert "决议草案的表决情况" in text
    assert "--param symbol=" in cq.format_catalogue("en", verbose=True)


# -- result formats --------------------------------------------------------


@pytest.fixture(scope="module")
def votes(seed_store: GraphStore) -> QueryResult:
    return run(seed_store, "votes-on-draft", labels=True, symbol="S/2020/797")


def test_json_follows_the_w3c_format(votes: QueryResult, gold: dict[str, Any]) -> None:
    doc = json.loads(votes.to_json())
    assert set(doc) == {"head", "results"}
    assert doc["head"]["vars"] == list(votes.variables)
    bindings = doc["results"]["bindings"]
    assert len(bindings) == 15
    for b in bindings:
        assert b["member"]["type"] == "uri"
        assert b["iso3"] == {"type": "literal", "value": b["iso3"]["value"]}  # simple literal
        assert b["permanent"]["datatype"] == "http://www.w3.org/2001/XMLSchema#boolean"
        assert b["date"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"
    vote = the_vote(gold)
    got = {b["iso3"]["value"]: POSITION_KEY[b["position"]["value"]] for b in bindings}
    assert got == {s: k for k in ("for", "against", "abstaining") for s in vote[k]}


def test_json_language_tags_and_unbound(seed_store: GraphStore) -> None:
    doc = json.loads(run(seed_store, "meetings-by-item", item="non-proliferation").to_json())
    (b,) = doc["results"]["bindings"]
    assert b["subItemText"]["xml:lang"] == "zh"
    assert "datatype" not in b["subItemText"]
    vcs = json.loads(run(seed_store, "videoconferences-by-item", item="rule-of-law").to_json())
    assert any("record" not in b for b in vcs["results"]["bindings"])  # unbound: left out


def test_csv_follows_the_w3c_format(votes: QueryResult, seed_store: GraphStore) -> None:
    text = votes.to_csv()
    assert text.startswith(",".join(votes.variables) + "\r\n")
    assert text.count("\r\n") == 16
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0].startswith("https://w3id.org/councilkg/id/state/")
    assert rows[1][3] in ("true", "false")
    cited = run(seed_store, "positions-of-state", state="CHN").to_csv()
    parsed = list(csv.reader(io.StringIO(cited, newline="")))
    assert all(len(r) == len(parsed[0]) for r in parsed)  # commas and quotes are quoted


def test_tsv_follows_the_w3c_format(votes: QueryResult, seed_store: GraphStore) -> None:
    lines = votes.to_tsv().split("\n")
    assert lines[0] == "\t".join(f"?{v}" for v in votes.variables)
    first = lines[1].split("\t")
    assert first[0].startswith("<https://w3id.org/councilkg/id/state/") and first[0].endswith(">")
    assert first[1].startswith('"') and first[1].endswith('"')
    assert first[3] in ("true", "false")
    assert first[4] == '"2020-08-14"^^<http://www.w3.org/2001/XMLSchema#date>'
    tsv = run(seed_store, "meetings-by-item", item="non-proliferation").to_tsv()
    assert '"@zh' in tsv
    vcs = run(seed_store, "videoconferences-by-item", item="rule-of-law").to_tsv().splitlines()
    assert any("\t\t" in line for line in vcs[1:])  # unbound: empty field


def test_table_shows_labels_in_the_chosen_language(votes: QueryResult) -> None:
    zh = votes.to_table("zh")
    en = votes.to_table("en")
    assert "中国" in zh and "反对" in zh and "弃权" in zh and "(共 15 行)" in zh
    assert "China" in en and "against" in en and "(15 rows)" in en
    assert "https://" not in en
    header, rule = en.splitlines()[:2]
    assert header.split() == list(votes.variables)
    assert set(rule.replace(" ", "")) == {"-"}


def test_render_dispatch(votes: QueryResult) -> None:
    assert cq.render(votes, "json") == votes.to_json()
    assert cq.render(votes, "table", "zh") == votes.to_table("zh")
    with pytest.raises(QueryError, match="unknown format"):
        cq.render(votes, "xml")
    with pytest.raises(QueryError, match="unknown language"):
        cq.render(votes, "table", "fr")


def test_table_shortens_iris_with_the_one_prefix_table() -> None:
    """Unlabelled IRIs: vocabulary by the project's prefixes, data by ``id:``
    of the result's own base."""
    iris = [
        "https://w3id.org/councilkg/ontology#Meeting",
        "https://w3id.org/councilkg/id/state/CHN",
        "http://www.w3.org/2004/02/skos/core#Concept",
        "urn:x:y",
    ]
    result = QueryResult(("s",), [(Term("uri", i),) for i in iris])
    cells = [line.strip() for line in result.to_table().splitlines()[2:-1]]
    assert cells == ["ckg:Meeting", "id:state/CHN", "skos:Concept", "urn:x:y"]
    other = QueryResult(("s",), [(Term("uri", "http://example.org/kg/id/state/CHN"),)])
    other.base = "http://example.org/kg/"
    assert "id:state/CHN" in other.to_table()


def test_terms_from_sparql_json() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert Term.from_json({"type": "literal", "value": "a"}) == Term("literal", "a")
    assert Term.from_json({"type": "literal", "value": "a", "datatype": xsd + "string"}) == Term(
        "literal", "a"
    )
    assert (
        Term.from_json(
            {"type": "typed-literal", "value": "1", "datatype": xsd + "integer"}
        ).python()
        == 1
    )
    assert Term.from_json({"type": "literal", "value": "中国", "xml:lang": "ZH"}).lang == "zh"
    assert Term.from_json({"type": "bnode", "value": "b0"}).n3() == "_:b0"
    assert Term.literal('a"\tb\n', None).n3() == '"a\\"\\tb\\n"'


# -- the benchmark ---------------------------------------------------------


@pytest.mark.slow
def test_bench_queries_smoke(tmp_path: Path) -> None:
    out = tmp_path / "q.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.queries",
            "--sizes",
            "1,2",
            "--repeat",
            "2",
            "--rdflib-repeat",
            "1",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # bench/ is not installed
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "| query |" in proc.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["sizes"] == [1, 2]
    assert {r["size"] for r in report["results"]} == {1, 2}
    engines = set(report["engines"])
    assert engines == {"oxigraph-memory", "oxigraph-disk", "rdflib-memory"}
    names = {q.name for q in cq.catalogue()}
    for r in report["results"]:
        assert set(r["queries"]) == names
        for name, q in r["queries"].items():
            assert q["agree"] is True, (r["size"], name)
            for engine in engines:
                m = q["engines"][engine]
                assert m["p50_s"] > 0 and m["p95_s"] >= m["p50_s"]
    assert (out.with_suffix(".md")).read_text(encoding="utf-8").startswith("#")


def test_one_count_of_citations_everywhere(seed_store: GraphStore) -> None:
    """How often a document is cited is one number: the index page's count,
    `analyze citations`' in-degree and the rows of `cited-by` agree (the
    index once left out videoconference record notes: "cited 3 times" beside
    an in-degree of 4)."""
    from councilkg.analytics.citations import citation_graph, most_cited
    from councilkg.resources import read_text

    index = {
        r["document"].value: int(r["citations"].value)
        for r in seed_store.query(read_text("queries", "pages/index-documents.rq"))
    }
    degrees = {c.iri: c.in_degree for c in most_cited(citation_graph(seed_store), n=None)}
    assert index
    for iri, count in index.items():
        assert degrees[iri] == count, iri
        symbol = iri.split("/document/", 1)[1]
        rows = run(seed_store, "cited-by", symbol=symbol).values()
        assert len({r["citing"] for r in rows}) == count, iri
