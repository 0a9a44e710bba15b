"""The seed's graph against its gold facts, through SPARQL on a real store.

Every expectation is read from ``tests/data/000_…gold.yaml``; nothing here
retypes a gold number.  Where the gold is complete for the excerpt (meetings,
videoconferences, votes, documents, footnotes, letters, speakers, mentions),
the graph must hold exactly the gold's facts, so an extra fact fails too.

The graph is read through the shipped fact queries (``queries/facts/``, the
ones ``councilkg facts`` runs), so a drift in them fails here too; the
test-only queries of ``tests/queries/`` read what no shipped query reads
(the text, the provenance, and links that the fact queries reach another
way), and the outcome of a vote is read with the prepared query
``decision-outcome``.  The fact queries read only facts derived from a
passage of the source; :func:`test_fact_nodes_are_derived_from_a_passage`
makes sure no fact is left out that way.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from pyoxigraph import Literal

from councilkg import queries as cq
from councilkg.ingest.pipeline import IngestResult
from councilkg.ingest.rdf import DOC_CLASS, FORMAT, POSITION
from councilkg.ingest.text import fold, strip_spaces
from councilkg.ingest.vocab import CKG
from councilkg.store import GraphStore
from tests.conftest import QUERIES, ROOT, select, select_fact


def _items(gold: dict[str, Any]) -> list[dict[str, Any]]:
    return list(gold["items"])


def _item(gold: dict[str, Any], key: str) -> dict[str, Any]:
    return next(i for i in gold["items"] if i["key"] == key)


def _meeting_records(store: GraphStore) -> dict[str, str]:
    """Meeting IRI → the symbol of its record."""
    return {r["m"]: r["record"] for r in select_fact(store, "meetings")}


def _event_dates(store: GraphStore) -> dict[str, str]:
    """Meeting or videoconference IRI → its date."""
    dates = {r["m"]: r["date"] for r in select_fact(store, "meetings")}
    dates.update({r["vc"]: r["date"] for r in select_fact(store, "videoconferences")})
    return dates


# -- source and layout ---------------------------------------------------------


def test_source_metadata(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    rows = select(seed_store, "source")
    src = gold["source"]
    assert {r["name"] for r in rows} == {src["file"]}
    assert {r["language"] for r in rows} == {src["language"]}
    assert {r["period"] for r in rows} == {str(src["period"])}
    assert {r["job"] for r in rows} == {src["job_number"]}
    stated = {int(r["printed"]) for r in rows if "printed" in r and "inferred" not in r}
    assert sorted(stated) == src["printed_pages_seen"]
    # The other pages' numbers are derived from it: consecutive, one per page.
    numbers = {int(r["index"]): int(r["printed"]) for r in rows if "printed" in r}
    assert len({printed - index for index, printed in numbers.items()}) == 1
    assert sorted(numbers) == list(range(len(numbers)))


def test_page_furniture_never_in_text(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    texts = [strip_spaces(r["text"]) for r in select(seed_store, "all-texts")]
    assert texts
    for furniture in gold["page_furniture"]:
        needle = strip_spaces(furniture)
        assert not [t for t in texts if needle in t], furniture


def test_reassembled_sentences(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    """Each gold sentence comes out whole: inside one paragraph, at sentence bounds."""
    paragraphs = [
        strip_spaces(fold(r["text"]))
        for r in select(seed_store, "passages-of-kind", kind=Literal("paragraph"))
    ]
    for sentence in gold["reassembled_sentences"]:
        target = strip_spaces(fold(sentence))
        hits = [p for p in paragraphs if target in p]
        assert len(hits) == 1, sentence
        at = hits[0].index(target)
        assert at == 0 or hits[0][at - 1] in "。！？”", sentence


# -- items, meetings, videoconferences, decisions ----------------------------------


def test_items(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    rows = {r["key"]: r for r in select_fact(seed_store, "items")}
    for item in _items(gold):
        row = rows[item["key"]]
        assert row["zh"] == item["title_zh"]
        if "title_en" in item:
            assert row["en"] == item["title_en"]
        if "number" in item:
            assert row["number"] == item["number"]
        if "subsection" in item:
            assert row["subsection"] == item["subsection"]
        if "group_title_zh" in item:
            assert row["groupZh"] == item["group_title_zh"]


def test_meetings(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    expected = {
        (
            m["record"],
            m["date"].isoformat(),
            item["key"],
            strip_spaces(m["sub_item_zh"]),
            str(FORMAT[m["format"]]),
        )
        for item in _items(gold)
        for m in item.get("meetings", [])
    }
    got = {
        (
            r["record"],
            r["date"],
            r["item"],
            strip_spaces(r.get("subItemZh", "")),
            r.get("formatConcept", ""),
        )
        for r in select_fact(seed_store, "meetings")
    }
    assert got == expected
    for item in _items(gold):
        if "meetings_in_year" in item:
            assert sum(1 for g in got if g[2] == item["key"]) == item["meetings_in_year"]


@pytest.mark.parametrize("rule", ["rule37", "rule39"])
def test_meeting_invitations(seed_store: GraphStore, gold: dict[str, Any], rule: str) -> None:
    iri = {"rule37": str(CKG.Rule37), "rule39": str(CKG.Rule39AndOther)}[rule]
    records = _meeting_records(seed_store)
    invitations = select_fact(seed_store, "invitations")
    for item in _items(gold):
        for m in item.get("meetings", []):
            rows = [r for r in invitations if records.get(r["event"]) == m["record"]]
            got = sorted(r.get("iso3") or r.get("title", "") for r in rows if r["rule"] == iri)
            assert got == sorted(m[f"{rule}_invitations"])


def test_meeting_speakers_and_notes(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    records = _meeting_records(seed_store)
    table = select_fact(seed_store, "table-speakers")
    for item in _items(gold):
        for m in item.get("meetings", []):
            rows = [r for r in table if records.get(r["event"]) == m["record"]]
            groups = {r["participant"] for r in rows if "participant" in r}
            speakers = m["speakers"]
            assert (str(CKG.AllCouncilMembers) in groups) == speakers.get(
                "all_council_members", False
            )
            assert (str(CKG.AllInvitees) in groups) == speakers.get("all_invitees", False)
            notes = {(r["represented"], r["representedBy"]) for r in rows if "represented" in r}
            assert notes == {(n["state"], n["represented_by"]) for n in speakers.get("notes", [])}


def test_videoconferences(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    rows = select_fact(seed_store, "videoconferences")
    cites: dict[str, set[str]] = defaultdict(set)
    for r in select_fact(seed_store, "record-notes"):
        cites[r["vc"]].add(r["symbol"])
    by_key: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_key[(r["item"], r["date"])].append(r)
    expected_keys = {
        (item["key"], vc["date"].isoformat())
        for item in _items(gold)
        for vc in item.get("videoconferences", [])
    }
    assert set(by_key) == expected_keys
    for item in _items(gold):
        for vc in item.get("videoconferences", []):
            got = by_key[(item["key"], vc["date"].isoformat())]
            if vc["record"] is None:
                assert {r.get("noRecord") for r in got} == {"true"}
                noted = {s for r in got for s in cites.get(r["vc"], {None})}
                assert noted == set(vc.get("record_note_cites", []))
            else:
                assert {r["record"] for r in got} == {vc["record"]}
                assert {r.get("recordClass") for r in got} == {str(DOC_CLASS[vc["record_kind"]])}
                assert {r.get("recordDate") for r in got} == {vc["record_date"].isoformat()}
        if "open_videoconferences_in_year" in item:
            open_vcs = {
                k
                for k, rs in by_key.items()
                if k[0] == item["key"] and any(r.get("open") == "true" for r in rs)
            }
            assert len(open_vcs) == item["open_videoconferences_in_year"]


def test_decisions(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    dates = _event_dates(seed_store)
    got: dict[tuple[str, str], dict[str, str]] = {}
    for r in select_fact(seed_store, "decisions"):
        got[(dates[r["event"]], r["symbol"])] = r
    expected = {}
    for item in _items(gold):
        for event in item.get("meetings", []) + item.get("videoconferences", []):
            for d in event["decisions"]:
                expected[(event["date"].isoformat(), d["symbol"])] = d
    assert set(got) == set(expected)
    for key, d in expected.items():
        row = got[key]
        assert row["class"] == str(DOC_CLASS[d["kind"]])
        if "adopted" in d:
            assert row["adopted"] == str(d["adopted"]).lower()
        if "vote" in d:
            assert (int(row["for"]), int(row["against"]), int(row["abstaining"])) == (
                d["vote"]["for"],
                d["vote"]["against"],
                d["vote"]["abstaining"],
            )
        if "written_procedure_record" in d:
            assert row["writtenProcedure"] == d["written_procedure_record"]
            assert row["modality"] == str(CKG.ByWrittenProcedure)


# -- votes ------------------------------------------------------------------------


def test_votes_member_by_member(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    rows = select_fact(seed_store, "votes")
    got = {(r["draft"], r["date"], r.get("item"), r["iso3"], r["position"]) for r in rows}
    expected = {
        (v["draft"], v["date"].isoformat(), v["item"], iso3, str(POSITION[position]))
        for v in gold["votes"]
        for position in ("for", "against", "abstaining")
        for iso3 in v[position]
    }
    assert got == expected


def test_vote_outcome_follows_article_27(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    from councilkg.ingest import membership

    for v in gold["votes"]:
        bound = cq.bind("decision-outcome", {"symbol": v["draft"]})
        rows = [
            {k: t.value for k, t in r.items()} for r in cq.run_embedded(seed_store, bound).records()
        ]
        assert {r["result"] for r in rows} == {str(CKG.Adopted if v["adopted"] else CKG.NotAdopted)}
        permanent = membership.permanent_members(v["date"].year)
        assert {s for r in rows for s in r.get("permanentMembersAgainst", "").split()} == (
            set(v["against"]) & permanent
        )
        if not v["adopted"] and len(v["for"]) < 9:
            assert str(CKG.InsufficientVotes) in {r.get("reason") for r in rows}


def test_sponsors(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    expected = {(v["draft"], s) for v in gold["votes"] for s in v.get("sponsors", [])}
    assert {(r["draft"], r["iso3"]) for r in select_fact(seed_store, "sponsors")} == expected
    assert {(r["draft"], r["iso3"]) for r in select(seed_store, "sponsor-links")} == expected


# -- documents ----------------------------------------------------------------------


def test_documents(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    assert {r["symbol"] for r in select_fact(seed_store, "documents")} == set(gold["documents"])


def test_document_kinds(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    classes: dict[str, set[str]] = defaultdict(set)
    for r in select_fact(seed_store, "documents"):
        if "class" in r:
            classes[r["symbol"]].add(r["class"])
    for symbol, kind in gold["document_kinds"].items():
        assert classes[symbol] == {str(DOC_CLASS[kind])}, symbol


def test_item_documents_cited(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    ordered: dict[str, set[str]] = defaultdict(set)
    for r in select_fact(seed_store, "item-citations"):
        ordered[r["item"]].update(r["cites"].split())
    for item in _items(gold):
        if "documents_cited" in item:
            assert ordered[item["key"]] == set(item["documents_cited"])
            rows = select(seed_store, "item-documents", item=Literal(item["key"]))
            assert {r["symbol"] for r in rows} == set(item["documents_cited"])


# -- footnotes and letters -------------------------------------------------------------


def _footnotes(store: GraphStore) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for r in select_fact(store, "footnotes"):
        f = out.setdefault(int(r["number"]), {"cites": set(), "text": r["text"]})
        for key in ("states", "continued"):
            if key in r:
                f[key] = r[key]
    for r in select(store, "footnote-links"):
        f = out[int(r["number"])]
        if "cites" in r:
            f["cites"].add(r["cites"])
        if "eventDate" in r:
            f["eventDate"] = r["eventDate"]
    return out


def test_footnote_numbers(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    assert sorted(_footnotes(seed_store)) == sorted(gold["footnotes"])


def test_footnote_citations(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    got = _footnotes(seed_store)
    for number, fn in gold["footnotes"].items():
        assert got[number]["cites"] == set(fn["cites"]), number


def test_footnote_positions(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    got = _footnotes(seed_store)
    for number, fn in gold["footnotes"].items():
        states = fn.get("states", [])
        assert got[number].get("states", "").split() == states, number
        if "event" in fn:
            assert got[number].get("eventDate") == fn["event"].isoformat(), number


def test_footnote_texts_and_continuation(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    got = _footnotes(seed_store)
    for number, fn in gold["footnotes"].items():
        if "text_zh" in fn:
            assert strip_spaces(got[number]["text"]) == strip_spaces(fn["text_zh"]), number
        assert (got[number].get("continued") == "true") == fn.get("continues_after_break", False)


def test_letters(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    got: dict[str, dict[str, Any]] = {}
    # The fact query reads the letters described in a footnote: that is all of them.
    assert not seed_store.query(
        "PREFIX ckg: <https://w3id.org/councilkg/ontology#>\n"
        "ASK { ?l a ckg:Letter ; ckg:sender ?s FILTER NOT EXISTS { ?l ckg:describedIn ?fn } }"
    )
    for r in select_fact(seed_store, "letters"):
        letter = got.setdefault(r["symbol"], {"from": set(), "behalf": set()})
        letter["date"] = r.get("date")
        letter["from"].add(r["sender"])
        if "behalf" in r:
            letter["behalf"].add(r["behalf"])
    expected = {}
    for letter in gold["letters"]:
        senders = letter["from"] if isinstance(letter["from"], list) else [letter["from"]]
        expected[letter["symbol"]] = {
            "date": letter["date"].isoformat(),
            "from": set(senders),
            "behalf": set(letter.get("on_behalf_of", [])),
        }
    assert got == expected


# -- narrative ---------------------------------------------------------------------------


def test_speakers_by_event(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    states: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, set[str]] = defaultdict(set)
    for r in select_fact(seed_store, "speakers"):
        if "iso3" in r:
            states[r["date"]].add(r["iso3"])
        if "role" in r:
            roles[r["date"]].add(r["role"])
    expected = gold["speakers_by_event"]
    assert set(states) | set(roles) == {d.isoformat() for d in expected}
    for date, who in expected.items():
        assert states[date.isoformat()] == set(who["states"]), date
        assert roles[date.isoformat()] == set(who["roles"]), date


def test_briefers(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    briefers = select_fact(seed_store, "briefers")
    for item in _items(gold):
        if "briefers_in_year" not in item:
            continue
        rows = [r for r in briefers if r["item"] == item["key"]]
        got = {(r["role"], r.get("iso3")) for r in rows}
        expected = {
            (b, None) if isinstance(b, str) else (b["role"], b.get("state"))
            for b in item["briefers_in_year"]
        }
        assert got == expected


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("state", "states_mentioned"),
        ("organization", "organizations_mentioned"),
        ("instrument", "instruments_mentioned"),
    ],
)
def test_mentions(seed_store: GraphStore, gold: dict[str, Any], kind: str, key: str) -> None:
    got = {r["id"] for r in select_fact(seed_store, "mentions") if r["kind"] == kind}
    assert got == set(gold[key])


# -- provenance ----------------------------------------------------------------------------


def _subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def test_every_fact_has_exact_provenance(seed_store: GraphStore, seed_result: IngestResult) -> None:
    """What a fact is derived from is a selector of the source: a passage's
    text as read is the characters at its offsets, folded with whitespace
    and page furniture aside; a span in no block quotes the characters at
    its offsets exactly (``oa:exact``); the line and page are those of the
    start; and a fact's own offset (``ckg:offset``) lies in a passage it is
    derived from."""
    source = seed_result.source
    rows = select(seed_store, "all-derivations")
    from councilkg.ingest.records import Footnote, Vote

    assert len(rows) >= sum(isinstance(r, Footnote | Vote) for r in seed_result.records)
    page_of_line = {}
    for block in seed_result.document.blocks:
        for line, page in zip(block.lines, block.line_pages, strict=True):
            page_of_line[line.number] = page
    within: dict[str, bool] = {}
    for r in rows:
        start, end = int(r["start"]), int(r["end"])
        assert 0 <= start < end <= len(source.text)
        assert (r.get("text") is None) != (r.get("exact") is None), r
        if r.get("exact") is not None:
            assert r["exact"] == source.text[start:end], r
        reading = strip_spaces(r.get("text") or r["exact"])
        assert _subsequence(reading, strip_spaces(fold(source.text[start:end]))), r
        assert int(r["line"]) == source.line_at(start)
        if int(r["line"]) in page_of_line:
            assert int(r["pageIndex"]) == page_of_line[int(r["line"])]
        if r.get("offset") is not None:
            inside = start <= int(r["offset"]) < end
            within[r["node"]] = within.get(r["node"], False) or inside
    assert within and all(within.values()), [n for n, ok in within.items() if not ok]


def test_fact_nodes_are_derived_from_a_passage(seed_store: GraphStore) -> None:
    """Every fact node (and every letter with a sender) is derived from a
    passage with a start offset, and the facts whose order in the text is
    part of the record have their own offsets: the fact queries read facts
    through those paths (for their order), so none is left out of the
    comparisons above."""
    query = """
    PREFIX ckg: <https://w3id.org/councilkg/ontology#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX oa: <http://www.w3.org/ns/oa#>
    SELECT ?node WHERE {
      { VALUES ?class { ckg:Meeting ckg:Videoconference ckg:Vote ckg:VoteEvent ckg:Footnote
                        ckg:Position ckg:Participation ckg:Invitation ckg:Sponsorship
                        ckg:ItemBriefing ckg:Representation }
        ?node a ?class . }
      UNION { ?node a ckg:Letter ; ckg:sender ?sender . }
      FILTER NOT EXISTS { ?node prov:wasDerivedFrom/oa:start ?start }
    }"""
    assert [r["node"].value for r in seed_store.query(query)] == []
    ordered = """
    PREFIX ckg: <https://w3id.org/councilkg/ontology#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT DISTINCT ?node WHERE {
      VALUES ?class { ckg:Participation ckg:Invitation ckg:Sponsorship ckg:ItemBriefing
                      ckg:AgendaItem }
      ?node a ?class ; prov:wasDerivedFrom ?from .
      FILTER NOT EXISTS { ?node ckg:offset ?offset }
    }"""
    assert [r["node"].value for r in seed_store.query(ordered)] == []


# -- the queries themselves ------------------------------------------------------------


def _query_body(text: str) -> str:
    """A query without its comments and prefixes, whitespace folded."""
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith(("#", "PREFIX"))]
    return " ".join(" ".join(lines).split())


def test_test_queries_duplicate_no_shipped_query() -> None:
    """``tests/queries/`` holds only what no shipped query reads: neither the
    name nor the text of a query under ``queries/`` comes back there."""
    shipped = {
        p.stem: _query_body(p.read_text(encoding="utf-8")) for p in ROOT.glob("queries/**/*.rq")
    }
    assert "votes" in shipped and "votes-on-draft" in shipped
    for path in sorted(QUERIES.glob("*.rq")):
        assert path.stem not in shipped, path.name
        assert _query_body(path.read_text(encoding="utf-8")) not in shipped.values(), path.name
