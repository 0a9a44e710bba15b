"""SHACL shapes (``shapes/*.ttl``) and :mod:`councilkg.validation`.

The seed's graph (source graph + reference graph) conforms; and every shape
has a negative test: a small mutation of that graph (a SPARQL Update on a
fresh copy) that must produce exactly the expected results, as a set of
(rule, focus node) pairs, where the rule is the SHACL-SPARQL constraint or
the (property) shape that fired.  "Exactly" catches both a rule that does
not fire and a rule that fires where it should not.

A coverage test checks that every shape and every SPARQL constraint of
``shapes/`` fires in at least one mutation.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from councilkg.ingest import membership
from councilkg.ingest.iris import Minter, source_id
from councilkg.ingest.pipeline import IngestResult
from councilkg.ingest.rdf import to_triples
from councilkg.ingest.reference import reference_triples
from councilkg.ingest.symbols import parse_symbol
from councilkg.store import GraphStore
from councilkg.validation import (
    ValidationReport,
    graph_from_file,
    graph_from_store,
    load_shapes,
    locate,
    validate,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
SHA = hashlib.sha256(SEED.read_bytes()).hexdigest()
SID = source_id(SHA)  # the source's id in IRIs
BASE = "https://w3id.org/councilkg/"
ID = BASE + "id/"
SRC = f"{ID}source/{SID}/"
SH = Namespace("http://www.w3.org/ns/shacl#")
_CKG = Namespace("https://w3id.org/councilkg/ontology#")
CKGSH = "https://w3id.org/councilkg/shapes#"

PREFIXES = """
PREFIX ckg: <https://w3id.org/councilkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX cito: <http://purl.org/spar/cito/>
"""

# Rules of severity Warning: a graph with only these still conforms.
WARNING_RULES = {
    "ckgsh:CountsCoverTheCouncil",
    "ckgsh:PositionStatesOnCouncil",
    "ckgsh:MeetingFormatKnown",
    "ckgsh:DecisionSpanQuotesSymbol",
}


def expand(text: str) -> str:
    """``<id:…>`` and ``<src:…>`` in a mutation stand for data IRIs."""
    return text.replace("<id:", f"<{ID}").replace("<src:", f"<{SRC}")


def short(term: Any) -> str:
    """A focus node as written in the table: ``id:…``, ``src:…``, ``ckg:…``."""
    text = str(term)
    if text.startswith(SRC):
        return "src:" + text[len(SRC) :]
    if text.startswith(ID):
        return "id:" + text[len(ID) :]
    if text.startswith("https://w3id.org/councilkg/ontology#"):
        return "ckg:" + text.split("#", 1)[1]
    return text


# ---------------------------------------------------------------------------
# The mutation table
# ---------------------------------------------------------------------------

VE = "<id:vote-event/S/2020/797>"
DRAFT = "<id:document/S/2020/797>"
MEETING = "<id:meeting/8733>"

# The vote on S/2020/797 as a vetoed draft: the eleven abstentions become
# votes in favour (13-2-0), so China's and Russia's votes against are vetoes.
VETO_SCENARIO = f"""
DELETE {{ ?vote ckg:position ckg:Abstaining }} INSERT {{ ?vote ckg:position ckg:InFavour }}
WHERE {{ ?vote ckg:inVoteEvent {VE} ; ckg:position ckg:Abstaining }} ;
DELETE DATA {{
  {VE} ckg:votesFor 2 ; ckg:votesAbstaining 11 ; ckg:failureReason ckg:InsufficientVotes .
  <id:vote-event/S/2020/797/count/for> ckg:countValue 2 .
  <id:vote-event/S/2020/797/count/abstaining> ckg:countValue 11 .
}} ;
INSERT DATA {{
  {VE} ckg:votesFor 13 ; ckg:votesAbstaining 0 ; ckg:failureReason ckg:Veto .
  <id:vote-event/S/2020/797/count/for> ckg:countValue 13 .
  <id:vote-event/S/2020/797/count/abstaining> ckg:countValue 0 .
}}
"""

# Every member votes in favour (15-0-0) and nobody voted against.
UNANIMOUS = f"""
DELETE {{ ?vote ckg:position ?p }} INSERT {{ ?vote ckg:position ckg:InFavour }}
WHERE {{ ?vote ckg:inVoteEvent {VE} ; ckg:position ?p }} ;
DELETE WHERE {{ {VE} ckg:permanentMemberAgainst ?state }} ;
DELETE DATA {{
  {VE} ckg:votesFor 2 ; ckg:votesAgainst 2 ; ckg:votesAbstaining 11 .
  <id:vote-event/S/2020/797/count/for> ckg:countValue 2 .
  <id:vote-event/S/2020/797/count/against> ckg:countValue 2 .
  <id:vote-event/S/2020/797/count/abstaining> ckg:countValue 11 .
}} ;
INSERT DATA {{
  {VE} ckg:votesFor 15 ; ckg:votesAgainst 0 ; ckg:votesAbstaining 0 .
  <id:vote-event/S/2020/797/count/for> ckg:countValue 15 .
  <id:vote-event/S/2020/797/count/against> ckg:countValue 0 .
  <id:vote-event/S/2020/797/count/abstaining> ckg:countValue 0 .
}}
"""


def replace(subject: str, prop: str, old: str, new: str) -> str:
    """Replace one value of ``subject prop``."""
    return f"DELETE DATA {{ {subject} {prop} {old} }} ; INSERT DATA {{ {subject} {prop} {new} }}"


def replace_any(subject: str, prop: str, new: str) -> str:
    """Replace every value of ``subject prop`` by ``new``."""
    return (
        f"DELETE {{ {subject} {prop} ?old }} INSERT {{ {subject} {prop} {new} }} "
        f"WHERE {{ {subject} {prop} ?old }}"
    )


@dataclass(frozen=True)
class Mutation:
    """A change to the conforming seed graph and the results it must give."""

    id: str
    update: str
    expected: frozenset[tuple[str, str]]
    why: str = ""


def m(mid: str, update: str, *expected: tuple[str, str], why: str = "") -> Any:
    """One row of the table, as a pytest param."""
    return pytest.param(Mutation(mid, update, frozenset(expected), why), id=mid)


VE_ID = "id:vote-event/S/2020/797"
ABSTAINING = "<id:vote-event/S/2020/797/count/abstaining>"

# 15-0-0 and adopted, as "unanimous-and-adopted" below.
UNANIMOUS_ADOPTED = (
    UNANIMOUS
    + " ; "
    + replace(VE, "ckg:result", "ckg:NotAdopted", "ckg:Adopted")
    + " ; "
    + replace(DRAFT, "ckg:adopted", "false", "true")
    + f" ; DELETE DATA {{ {VE} ckg:failureReason ckg:InsufficientVotes }}"
)
# Every vote of the vote event derived from unanimity instead of listed, as
# the ingest derives them when a 15-0-0 count has no vote note.
DERIVED = f"""DELETE {{ ?vote ckg:basis ?basis }}
INSERT {{ ?vote ckg:basis ckg:DerivedFromUnanimity }}
WHERE {{ ?vote ckg:inVoteEvent {VE} ; ckg:basis ?basis }}"""
# The counts removed (the table said only "一致通过"), and the vote event
# stated unanimous.
NO_COUNTS = f"""DELETE WHERE {{ {VE} ckg:count ?count . ?count ?p ?o }} ;
DELETE WHERE {{ {VE} ckg:votesFor ?for ; ckg:votesAgainst ?against ;
                ckg:votesAbstaining ?abstaining }}"""
STATED_UNANIMOUS = f"INSERT DATA {{ {VE} ckg:unanimous true }}"
MEMBERS_2020 = sorted(membership.members(2020))

MUTATIONS = [
    # --- the Council's rules (rules.ttl) ---------------------------------------
    m(
        "flip-one-vote",
        replace("<id:vote-event/S/2020/797/DOM>", "ckg:position", "ckg:InFavour", "ckg:Against"),
        ("ckgsh:VoteCountsMatchVotes", VE_ID),
        why="2-2-11 stated, but the list now has 1 for and 3 against",
    ),
    m(
        "adopt-a-failed-draft",
        replace(VE, "ckg:result", "ckg:NotAdopted", "ckg:Adopted")
        + " ; "
        + replace(DRAFT, "ckg:adopted", "false", "true"),
        ("ckgsh:Article27Outcome", VE_ID),
        why="2 votes in favour and two permanent members against: cannot be adopted",
    ),
    m(
        "non-member-votes-too",
        f"""INSERT DATA {{ <id:vote-event/S/2020/797/JPN> a ckg:Vote ; ckg:inVoteEvent {VE} ;
              ckg:voter <id:state/JPN> ; ckg:position ckg:Abstaining }} ;
            INSERT {{ <id:vote-event/S/2020/797/JPN> prov:wasDerivedFrom ?span }}
            WHERE {{ <id:vote-event/S/2020/797/DOM> prov:wasDerivedFrom ?span }}""",
        ("ckgsh:VoterWasCouncilMember", "id:vote-event/S/2020/797/JPN"),
        ("ckgsh:VoteCountsMatchVotes", VE_ID),
        ("ckgsh:AtMostFifteenVotes", VE_ID),
        why="Japan was not on the Council in 2020; a 16th vote; 12 abstentions listed, 11 stated",
    ),
    m(
        "non-member-instead-of-member",
        replace("<id:vote-event/S/2020/797/DOM>", "ckg:voter", "<id:state/DOM>", "<id:state/JPN>"),
        ("ckgsh:VoterWasCouncilMember", "id:vote-event/S/2020/797/DOM"),
    ),
    m(
        "vote-dated-2021",
        replace(VE, "dcterms:date", '"2020-08-14"^^xsd:date', '"2021-08-14"^^xsd:date'),
        ("ckgsh:EventInSupplementPeriod", VE_ID),
        *[
            ("ckgsh:VoterWasCouncilMember", f"id:vote-event/S/2020/797/{iso3}")
            for iso3 in ("BEL", "DEU", "DOM", "IDN", "ZAF")
        ],
        why="outside the 2020 supplement, and the 2019-2020 members had left by then",
    ),
    m(
        "vote-in-a-year-the-reference-table-does-not-cover",
        replace(VE, "dcterms:date", '"2020-08-14"^^xsd:date', '"2000-08-14"^^xsd:date'),
        ("ckgsh:EventInSupplementPeriod", VE_ID),
        why="no elected member of 2000 is in the table: membership is not checked",
    ),
    m(
        "drop-a-footnote",
        "DELETE WHERE { <id:footnote/2020/827> ?p ?o }",
        ("ckgsh:FootnoteMarkerResolves", "src:b00010"),
        why="passage b00010 carries marker 827",
    ),
    m(
        "counterpart-in-the-same-edition",
        "INSERT DATA { <src:b00010> ckg:counterpart <src:b00012> }",
        ("ckgsh:CounterpartIsAnotherEdition", "src:b00010"),
        why="a counterpart is a passage of the other language's edition, linked back",
    ),
    m(
        "marker-zero",
        "INSERT DATA { <src:b00010> ckg:footnoteMarker 0 }",
        ("ckgsh:FootnoteMarkerResolves", "src:b00010"),
        ("ckgsh:SourcePassage-footnoteMarker", "src:b00010"),
    ),
    m(
        "malformed-symbol",
        replace("<id:document/S/2020/644>", "ckg:symbol", '"S/2020/644"', '"S/2020/0644"'),
        ("ckgsh:DocumentSymbol-grammar", "id:document/S/2020/644"),
    ),
    m(
        "resolution-symbol-without-year",
        replace(
            "<id:document/S/RES/2231(2015)>", "ckg:symbol", '"S/RES/2231(2015)"', '"S/RES/2231"'
        ),
        ("ckgsh:DocumentSymbol-grammar", "id:document/S/RES/2231(2015)"),
    ),
    m(
        "display-symbol-in-key-form",
        replace(
            "<id:document/S/RES/2231(2015)>",
            "ckg:displaySymbol",
            '"S/RES/2231 (2015)"',
            '"S/RES/2231(2015)"',
        ),
        ("ckgsh:DocumentSymbol-displayGrammar", "id:document/S/RES/2231(2015)"),
    ),
    m(
        "documents-in-the-wrong-series",
        f"""INSERT DATA {{
              {DRAFT} a ckg:Resolution .
              <id:document/S/2020/644> a ckg:MeetingRecord , ckg:PresidentialStatement ,
                  ckg:Agenda , ckg:GAResolution , ckg:GADocument .
              <id:document/A/75/2> a ckg:DraftResolution . }} ;
            {replace("<id:document/A/75/2>", "ckg:symbol", '"A/75/2"', '"A/75/3"')}""",
        ("ckgsh:ResolutionSeries", "id:document/S/2020/797"),
        ("ckgsh:MeetingRecordSeries", "id:document/S/2020/644"),
        ("ckgsh:PresidentialStatementSeries", "id:document/S/2020/644"),
        ("ckgsh:AgendaSeries", "id:document/S/2020/644"),
        ("ckgsh:GAResolutionSeries", "id:document/S/2020/644"),
        ("ckgsh:GADocumentSeries", "id:document/S/2020/644"),
        ("ckgsh:DraftResolutionSeries", "id:document/A/75/2"),
        ("ckgsh:CouncilAnnualReportSeries", "id:document/A/75/2"),
    ),
    m(
        "ordered-cites-with-commas",
        replace_any("<id:footnote/2020/833>", "ckg:orderedCites", '"S/2020/531,S/2020/1177"'),
        ("ckgsh:FootnoteCites-grammar", "id:footnote/2020/833"),
    ),
    m(
        "position-without-a-state",
        "DELETE WHERE { <id:position/2020/831> ckg:attributedTo ?state }",
        ("ckgsh:PositionNamesAState", "id:position/2020/831"),
    ),
    m(
        "meeting-dated-2019",
        replace(MEETING, "dcterms:date", '"2020-02-26"^^xsd:date', '"2019-02-26"^^xsd:date'),
        ("ckgsh:EventInSupplementPeriod", "id:meeting/8733"),
    ),
    m(
        "videoconference-dated-2021",
        replace(
            "<id:videoconference/2020-12-22/non-proliferation>",
            "dcterms:date",
            '"2020-12-22"^^xsd:date',
            '"2021-01-05"^^xsd:date',
        ),
        ("ckgsh:EventInSupplementPeriod", "id:videoconference/2020-12-22/non-proliferation"),
    ),
    m(
        "vetoed-by-with-too-few-votes",
        f"INSERT DATA {{ {VE} ckg:vetoedBy <id:state/CHN> }}",
        ("ckgsh:VetoListsMatchVotes", VE_ID),
        why="China voted against, but with 2 in favour the draft failed for lack of votes",
    ),
    m(
        "a-consistent-veto",
        VETO_SCENARIO + f" ; INSERT DATA {{ {VE} ckg:vetoedBy <id:state/CHN> , <id:state/RUS> }}",
        why="13-2-0 with China and Russia against: vetoed, and the graph says so",
    ),
    m(
        "vetoed-by-a-wrong-state",
        VETO_SCENARIO + f" ; INSERT DATA {{ {VE} ckg:vetoedBy <id:state/FRA> , <id:state/RUS> }}",
        ("ckgsh:VetoListsMatchVotes", VE_ID),
        why="France voted in favour, not against; China vetoed but is not listed",
    ),
    m(
        "veto-not-recorded",
        VETO_SCENARIO,
        ("ckgsh:VetoListsMatchVotes", VE_ID),
        why="13-2-0 with two permanent members against, but no ckg:vetoedBy",
    ),
    m(
        "permanent-member-against-missing",
        f"DELETE DATA {{ {VE} ckg:permanentMemberAgainst <id:state/RUS> }}",
        ("ckgsh:VetoListsMatchVotes", VE_ID),
    ),
    m(
        "failure-reason-veto-without-votes",
        replace(VE, "ckg:failureReason", "ckg:InsufficientVotes", "ckg:Veto"),
        ("ckgsh:Article27Outcome", VE_ID),
    ),
    m(
        "unanimous-but-not-adopted",
        UNANIMOUS,
        ("ckgsh:Article27Outcome", VE_ID),
        why="15-0-0 must be adopted",
    ),
    m(
        "unanimous-and-adopted",
        UNANIMOUS
        + " ; "
        + replace(VE, "ckg:result", "ckg:NotAdopted", "ckg:Adopted")
        + " ; "
        + replace(DRAFT, "ckg:adopted", "false", "true")
        + f" ; DELETE DATA {{ {VE} ckg:failureReason ckg:InsufficientVotes }}",
        why="15-0-0 and adopted: conforms",
    ),
    # --- votes derived from a unanimous vote (rules.ttl, core.ttl) -------------
    m(
        "derived-votes-of-a-unanimous-vote",
        UNANIMOUS_ADOPTED + " ; " + DERIVED,
        why="15-0-0, no vote note: fifteen derived votes in favour conform, counts included",
    ),
    m(
        "derived-vote-beside-listed-votes",
        replace(
            "<id:vote-event/S/2020/797/DOM>",
            "ckg:basis",
            "ckg:ListedInVoteNote",
            "ckg:DerivedFromUnanimity",
        ),
        ("ckgsh:DerivedVoteHasGround", "id:vote-event/S/2020/797/DOM"),
        why="2-2-11 is not unanimous, and the other votes are listed",
    ),
    m(
        "derived-vote-against",
        UNANIMOUS_ADOPTED
        + " ; "
        + DERIVED
        + " ; "
        + replace("<id:vote-event/S/2020/797/DOM>", "ckg:position", "ckg:InFavour", "ckg:Against"),
        ("ckgsh:DerivedVoteHasGround", "id:vote-event/S/2020/797/DOM"),
        ("ckgsh:VoteCountsMatchVotes", VE_ID),
        why="a unanimous vote derives only votes in favour; 15 in favour stated, 14 derived",
    ),
    m(
        "stated-unanimous-without-counts",
        UNANIMOUS_ADOPTED + " ; " + DERIVED + " ; " + NO_COUNTS + " ; " + STATED_UNANIMOUS,
        why="'一致通过' without counts: a vote event without counts, its votes derived, conforms",
    ),
    m(
        "stated-unanimous-but-not-adopted",
        UNANIMOUS + " ; " + DERIVED + " ; " + NO_COUNTS + " ; " + STATED_UNANIMOUS,
        ("ckgsh:Article27Outcome", VE_ID),
        why="stated unanimous, so every member in favour: must be adopted",
    ),
    m(
        "vote-event-without-counts",
        NO_COUNTS,
        ("ckgsh:VoteEventShape", VE_ID),
        why="no counts, and not stated unanimous",
    ),
    m(
        "derived-votes-without-ground",
        UNANIMOUS_ADOPTED + " ; " + DERIVED + " ; " + NO_COUNTS,
        ("ckgsh:VoteEventShape", VE_ID),
        *(("ckgsh:DerivedVoteHasGround", f"{VE_ID}/{iso3}") for iso3 in MEMBERS_2020),
        why="neither counts nor a statement of unanimity to derive the votes from",
    ),
    m(
        "vote-basis-not-a-basis",
        replace("<id:vote-event/S/2020/797/DOM>", "ckg:basis", "ckg:ListedInVoteNote", "ckg:Veto"),
        ("ckgsh:Vote-basis", "id:vote-event/S/2020/797/DOM"),
    ),
    # --- "did not participate" is its own position, never an abstention -----------
    m(
        "not-participating-is-not-an-abstention",
        replace(f"<{VE_ID}/VNM>", "ckg:position", "ckg:Abstaining", "ckg:NotParticipating"),
        ("ckgsh:VoteCountsMatchVotes", VE_ID),
        why="11 abstentions stated, 10 listed: a member that did not participate is not counted",
    ),
    m(
        "permanent-member-not-participating-is-no-veto",
        UNANIMOUS_ADOPTED
        + " ; "
        + replace(f"<{VE_ID}/RUS>", "ckg:position", "ckg:InFavour", "ckg:NotParticipating")
        + " ; "
        + replace(VE, "ckg:votesFor", "15", "14")
        + " ; "
        + replace("<id:vote-event/S/2020/797/count/for>", "ckg:countValue", "15", "14"),
        why="14-0-0 and adopted, a permanent member not participating: no veto, conforms",
    ),
    m(
        "more-than-fifteen-votes",
        f"""INSERT DATA {{ <id:vote-event/S/2020/797/USA-again> a ckg:Vote ;
              ckg:inVoteEvent {VE} ; ckg:voter <id:state/USA> ; ckg:position ckg:InFavour }} ;
            INSERT {{ <id:vote-event/S/2020/797/USA-again> prov:wasDerivedFrom ?span }}
            WHERE {{ <id:vote-event/S/2020/797/USA> prov:wasDerivedFrom ?span }}""",
        ("ckgsh:AtMostFifteenVotes", VE_ID),
        ("ckgsh:OneVotePerMember", VE_ID),
        ("ckgsh:VoteCountsMatchVotes", VE_ID),
        why="all fifteen members have voted, so a 16th vote repeats a member",
    ),
    m(
        "counts-add-up-to-sixteen",
        replace(VE, "ckg:votesAbstaining", "11", "12")
        + " ; "
        + replace("<id:vote-event/S/2020/797/count/abstaining>", "ckg:countValue", "11", "12"),
        ("ckgsh:AtMostFifteenCounted", VE_ID),
        ("ckgsh:VoteCountsMatchVotes", VE_ID),
    ),
    m(
        "count-node-disagrees",
        replace("<id:vote-event/S/2020/797/count/for>", "ckg:countValue", "2", "3"),
        ("ckgsh:VoteCountNodesMatchCounts", VE_ID),
    ),
    m(
        "count-node-repeats-an-option",
        f"""INSERT DATA {{ {VE} ckg:count <id:vote-event/S/2020/797/count/for-again> .
              <id:vote-event/S/2020/797/count/for-again> a ckg:VoteCount ;
                  ckg:countOption ckg:InFavour ; ckg:countValue 2 . }}""",
        ("ckgsh:VoteCountNodesMatchCounts", VE_ID),
        ("ckgsh:VoteEvent-count", VE_ID),
    ),
    m(
        "sub-item-under-another-item",
        replace_any(
            "<id:item/non-proliferation/sub-item/npt-ahead-of-2020-review-conference>",
            "skos:broader",
            "<id:item/rule-of-law>",
        ),
        ("ckgsh:SubItemUnderMeetingItem", "id:meeting/8733"),
    ),
    m(
        "rule-37-invites-an-official",
        replace(
            "<id:meeting/8733/invitation/rule39/role/high-representative-for-disarmament-affairs>",
            "ckg:invitationRule",
            "ckg:Rule39AndOther",
            "ckg:Rule37",
        ),
        (
            "ckgsh:InvitationShape",
            "id:meeting/8733/invitation/rule39/role/high-representative-for-disarmament-affairs",
        ),
    ),
    # --- warnings (warnings.ttl): reported, but the graph still conforms ------
    m(
        "counts-below-fifteen-without-absentees",
        f"""DELETE WHERE {{ ?vote ckg:inVoteEvent {VE} ; ?p ?o }} ;
            DELETE WHERE {{ {VE} ckg:permanentMemberAgainst ?state }} ;
            {replace(VE, "ckg:votesAbstaining", "11", "10")} ;
            {replace(ABSTAINING, "ckg:countValue", "11", "10")}""",
        ("ckgsh:CountsCoverTheCouncil", VE_ID),
        why="2-2-10 without a list of votes: who was absent?",
    ),
    m(
        "position-attributed-to-a-non-member",
        "INSERT DATA { <id:position/2020/831> ckg:attributedTo <id:state/JPN> }",
        ("ckgsh:PositionStatesOnCouncil", "id:position/2020/831"),
    ),
    m(
        "decision-passage-misquoted",
        """DELETE { ?passage ckg:text ?text } INSERT { ?passage ckg:text "S/PRST/2020/"@zh }
           WHERE { <id:document/S/PRST/2020/13> prov:wasDerivedFrom ?passage .
                   ?passage ckg:text ?text }""",
        ("ckgsh:DecisionSpanQuotesSymbol", "id:document/S/PRST/2020/13"),
    ),
    m(
        "meeting-format-unknown",
        f"DELETE WHERE {{ {MEETING} ckg:format ?format }}",
        ("ckgsh:MeetingFormatKnown", "id:meeting/8733"),
    ),
    # --- structure (core.ttl) ----------------------------------------------------
    m(
        "agenda-item-with-two-chinese-titles",
        'INSERT DATA { <id:item/non-proliferation> skos:prefLabel "不扩散问题"@zh }',
        ("ckgsh:AgendaItem-prefLabel", "id:item/non-proliferation"),
    ),
    m(
        "agenda-item-key-with-spaces",
        replace_any("<id:item/non-proliferation>", "ckg:key", '"Non Proliferation"'),
        ("ckgsh:AgendaItem-key", "id:item/non-proliferation"),
    ),
    m(
        "sub-item-without-key",
        "DELETE WHERE { <id:item/non-proliferation/sub-item/npt-ahead-of-2020-review-conference>"
        " ckg:key ?key }",
        (
            "ckgsh:SubItem-key",
            "id:item/non-proliferation/sub-item/npt-ahead-of-2020-review-conference",
        ),
    ),
    m(
        "item-group-with-a-state",
        "INSERT DATA { <id:item-group/items-relating-to-non-proliferation>"
        " skos:member <id:state/USA> }",
        ("ckgsh:ItemGroup-member", "id:item-group/items-relating-to-non-proliferation"),
    ),
    m(
        "meeting-date-as-a-string",
        replace(MEETING, "dcterms:date", '"2020-02-26"^^xsd:date', '"2020-02-26"'),
        ("ckgsh:CouncilEvent-date", "id:meeting/8733"),
    ),
    m(
        "meeting-year-key-as-a-string",
        replace(MEETING, "ckg:year", "2020", '"2020"'),
        ("ckgsh:YearKey-year", "id:meeting/8733"),
    ),
    m(
        "meeting-without-its-year-key",
        f"DELETE WHERE {{ {MEETING} ckg:year ?year }}",
        ("ckgsh:DatedYearKeyShape", "id:meeting/8733"),
    ),
    m(
        "meeting-without-its-item-key",
        f"DELETE WHERE {{ {MEETING} ckg:eventItem ?item }}",
        ("ckgsh:CouncilEvent-eventItem", "id:meeting/8733"),
    ),
    m(
        "meeting-item-key-not-an-item",
        replace_any(MEETING, "ckg:eventItem", "<id:state/USA>"),
        ("ckgsh:CouncilEvent-eventItem", "id:meeting/8733"),
    ),
    m(
        "meeting-year-key-out-of-range",
        replace(MEETING, "ckg:year", "2020", "1900"),
        ("ckgsh:YearKey-year", "id:meeting/8733"),
    ),
    m(
        "meeting-date-with-a-time-zone",
        replace(MEETING, "dcterms:date", '"2020-02-26"^^xsd:date', '"2020-02-26Z"^^xsd:date'),
        ("ckgsh:CouncilEvent-date", "id:meeting/8733"),
    ),
    m(
        "meeting-format-not-a-format",
        replace_any(MEETING, "ckg:format", "ckg:Adopted"),
        ("ckgsh:Meeting-format", "id:meeting/8733"),
    ),
    m(
        "meeting-record-is-a-letter",
        replace_any(MEETING, "ckg:record", "<id:document/S/2020/644>"),
        ("ckgsh:Meeting-record", "id:meeting/8733"),
    ),
    m(
        "videoconference-with-record-and-no-record",
        "INSERT DATA { <id:videoconference/2020-06-30/non-proliferation> ckg:noRecord true }",
        ("ckgsh:VideoconferenceShape", "id:videoconference/2020-06-30/non-proliferation"),
    ),
    m(
        "document-without-display-symbol",
        f"DELETE WHERE {{ {DRAFT} ckg:displaySymbol ?display }}",
        ("ckgsh:Document-displaySymbol", "id:document/S/2020/797"),
        ("ckgsh:Document-label", "id:document/S/2020/797"),
        why="its printed symbol is its label",
    ),
    m(
        "decision-without-modality",
        "DELETE WHERE { <id:document/S/PRST/2020/13> ckg:modality ?modality }",
        ("ckgsh:Decision-modality", "id:document/S/PRST/2020/13"),
    ),
    m(
        "modality-not-a-modality",
        replace_any("<id:document/S/PRST/2020/13>", "ckg:modality", "ckg:Veto"),
        ("ckgsh:Document-modality", "id:document/S/PRST/2020/13"),
    ),
    m(
        "adopted-as-a-string",
        replace_any("<id:document/S/PRST/2020/13>", "ckg:adopted", '"true"'),
        ("ckgsh:Document-adopted", "id:document/S/PRST/2020/13"),
    ),
    m(
        "vote-result-not-a-result",
        replace(VE, "ckg:result", "ckg:NotAdopted", "ckg:InFavour"),
        ("ckgsh:VoteEvent-result", VE_ID),
    ),
    m(
        "vote-count-of-absentees",
        replace_any("<id:vote-event/S/2020/797/count/for>", "ckg:countOption", "ckg:Absent"),
        ("ckgsh:VoteCount-countOption", "id:vote-event/S/2020/797/count/for"),
    ),
    m(
        "vote-position-not-a-position",
        replace("<id:vote-event/S/2020/797/DOM>", "ckg:position", "ckg:InFavour", "ckg:Adopted"),
        ("ckgsh:Vote-position", "id:vote-event/S/2020/797/DOM"),
        ("ckgsh:VoteCountsMatchVotes", VE_ID),
    ),
    m(
        "invitation-under-an-unknown-rule",
        replace_any(
            "<id:meeting/8733/invitation/rule39/role/high-representative-for-disarmament-affairs>",
            "ckg:invitationRule",
            "ckg:Rule12",
        ),
        (
            "ckgsh:Invitation-invitationRule",
            "id:meeting/8733/invitation/rule39/role/high-representative-for-disarmament-affairs",
        ),
    ),
    m(
        "capacity-not-a-code",
        replace_any(
            "<id:videoconference/2020-08-14/non-proliferation/speaker/state/USA>",
            "ckg:capacity",
            '"Permanent Representative"',
        ),
        (
            "ckgsh:Participation-capacity",
            "id:videoconference/2020-08-14/non-proliferation/speaker/state/USA",
        ),
    ),
    m(
        "speaker-is-a-document",
        replace_any(
            "<id:videoconference/2020-08-14/non-proliferation/speaker/state/USA>",
            "ckg:participant",
            DRAFT,
        ),
        (
            "ckgsh:Participation-participant",
            "id:videoconference/2020-08-14/non-proliferation/speaker/state/USA",
        ),
    ),
    m(
        "represented-by-a-state",
        replace_any("<id:meeting/8733/representation/DEU>", "ckg:representedBy", "<id:state/DEU>"),
        ("ckgsh:Representation-representedBy", "id:meeting/8733/representation/DEU"),
    ),
    m(
        "briefing-period-malformed",
        replace_any(
            "<id:item/non-proliferation/briefing/2020/head-eu-delegation>", "ckg:period", '"20"'
        ),
        ("ckgsh:ItemBriefing-period", "id:item/non-proliferation/briefing/2020/head-eu-delegation"),
    ),
    m(
        "briefing-without-its-item-key",
        "DELETE WHERE { <id:item/non-proliferation/briefing/2020/head-eu-delegation> "
        "ckg:briefingItem ?item }",
        (
            "ckgsh:ItemBriefing-briefingItem",
            "id:item/non-proliferation/briefing/2020/head-eu-delegation",
        ),
    ),
    m(
        "briefed-at-a-state",
        replace_any(
            "<id:item/non-proliferation/briefing/2020/head-eu-delegation>",
            "ckg:briefedAt",
            "<id:state/USA>",
        ),
        (
            "ckgsh:ItemBriefing-briefedAt",
            "id:item/non-proliferation/briefing/2020/head-eu-delegation",
        ),
    ),
    m(
        "sponsorship-without-a-state",
        "DELETE WHERE { <id:document/S/2020/797/sponsorship/USA> ckg:sponsorState ?state }",
        ("ckgsh:Sponsorship-sponsorState", "id:document/S/2020/797/sponsorship/USA"),
    ),
    m(
        "footnote-without-text",
        "DELETE WHERE { <id:footnote/2020/827> ckg:text ?text }",
        ("ckgsh:Footnote-text", "id:footnote/2020/827"),
    ),
    m(
        "footnote-without-supplement",
        "DELETE WHERE { <id:footnote/2020/827> ckg:supplement ?supplement }",
        ("ckgsh:Footnote-supplement", "id:footnote/2020/827"),
    ),
    m(
        "ordered-states-in-lower-case",
        replace_any("<id:position/2020/831>", "ckg:orderedStates", '"usa chn"'),
        ("ckgsh:Position-orderedStates", "id:position/2020/831"),
    ),
    m(
        "supplement-period-malformed",
        replace_any("<id:repertoire/2020>", "ckg:period", '"2020年"'),
        ("ckgsh:RepertoireSupplement-period", "id:repertoire/2020"),
    ),
    # --- provenance (provenance.ttl) ---------------------------------------------
    m(
        "sha256-in-upper-case",
        replace_any(f"<id:source/{SID}>", "ckg:sha256", f'"{SHA.upper()}"'),
        ("ckgsh:SourceFile-sha256", f"id:source/{SID}"),
    ),
    m(
        "printed-page-zero",
        replace_any("<src:page/8>", "ckg:printedPage", "0"),
        ("ckgsh:Page-printedPage", "src:page/8"),
    ),
    m(
        "block-kind-unknown",
        replace_any("<src:b00010>", "ckg:blockKind", '"para"'),
        ("ckgsh:SourcePassage-blockKind", "src:b00010"),
    ),
    m(
        "unparsed-passage-without-reason",
        "INSERT DATA { <src:b00010> a ckg:UnparsedPassage }",
        ("ckgsh:UnparsedPassage-reason", "src:b00010"),
    ),
    m(
        "citation-without-its-document",
        """DELETE { ?c cito:hasCitedEntity ?d }
            WHERE { ?c a cito:Citation ; cito:hasCitingEntity <id:footnote/2020/841> ;
                       cito:hasCitedEntity ?d }""",
        ("ckgsh:Citation-cited", "id:footnote/2020/841/cites/S/RES/2231(2015)"),
    ),
    m(
        "passage-without-text",
        f"""DELETE {{ ?passage ckg:text ?text }}
            WHERE {{ {VE} prov:wasDerivedFrom ?passage . ?passage ckg:text ?text }}""",
        ("ckgsh:SourcePassage-text", "src:b00054"),
    ),
    m(
        "fact-derived-from-an-undescribed-span",
        f"INSERT DATA {{ {VE} prov:wasDerivedFrom <src:span/1-2> }}",
        ("ckgsh:SourceSpanShape", "src:span/1-2"),
        why="what a fact is derived from is a passage or a span in no block, described",
    ),
    m(
        "span-in-no-block-without-quote",
        f"""INSERT DATA {{ <src:finding/W001/0> a ckg:Finding ; ckg:findingCode "W001" ;
              ckg:message "a gap" ; ckg:findingSource <id:source/{SID}> ;
              prov:wasDerivedFrom <src:span/1-2> .
            <src:span/1-2> oa:hasSource <id:source/{SID}> ; oa:start 1 ; oa:end 2 ;
              ckg:lineNumber 1 ; ckg:onPage <src:page/0> }}""",
        ("ckgsh:SourceSpanShape", "src:span/1-2"),
        why="a span in no block is its own selector: it quotes the source (oa:exact)",
    ),
    m(
        "passage-starts-after-it-ends",
        replace_any("<src:b00054>", "oa:start", "20000"),
        ("ckgsh:SourcePassage-start", "src:b00054"),
    ),
    m(
        "empty-passage-text",
        replace_any("<src:b00054>", "ckg:text", '""@zh'),
        ("ckgsh:DecisionSpanQuotesSymbol", "id:document/S/2020/797"),
        why="the passage is the decision's, whose text must show its symbol",
    ),
    m(
        "finding-with-a-malformed-code",
        f"""INSERT DATA {{ <src:finding/E1/0> a ckg:Finding ; ckg:findingCode "E1" ;
              ckg:message "counts disagree" ; ckg:findingSource <id:source/{SID}> ;
              prov:wasDerivedFrom <src:b00054> }}""",
        ("ckgsh:Finding-findingCode", "src:finding/E1/0"),
    ),
    m(
        "vote-without-provenance",
        "DELETE WHERE { <id:vote-event/S/2020/797/DOM> prov:wasDerivedFrom ?span }",
        ("ckgsh:Fact-wasDerivedFrom", "id:vote-event/S/2020/797/DOM"),
    ),
    # --- reference data (reference.ttl) ------------------------------------------
    m(
        "member-and-observer-state",
        "INSERT DATA { <id:state/USA> a ckg:ObserverState }",
        ("ckgsh:StateShape", "id:state/USA"),
    ),
    m(
        "iso3-in-lower-case",
        replace_any("<id:state/JPN>", "ckg:iso3", '"jpn"'),
        ("ckgsh:State-iso3", "id:state/JPN"),
    ),
    m(
        "permanent-as-a-string",
        replace_any("<id:membership/JPN/2016>", "ckg:permanent", '"false"'),
        ("ckgsh:CouncilMembership-permanent", "id:membership/JPN/2016"),
    ),
    m(
        "interval-without-beginning",
        "DELETE WHERE { <id:membership/JPN/2016/interval> time:hasBeginning ?instant }",
        ("ckgsh:Interval-hasBeginning", "id:membership/JPN/2016/interval"),
    ),
    m(
        "instant-date-as-a-string",
        replace_any("<id:day/2027-12-31>", "time:inXSDDate", '"2027-12-31"'),
        ("ckgsh:Instant-inXSDDate", "id:day/2027-12-31"),
    ),
    m(
        "role-without-key",
        "DELETE WHERE { <id:role/facilitator-resolution-2231> ckg:key ?key }",
        ("ckgsh:Role-key", "id:role/facilitator-resolution-2231"),
    ),
    m(
        "organization-with-two-english-names",
        'INSERT DATA { <id:organization/eu> skos:prefLabel "The EU"@en }',
        ("ckgsh:Organization-prefLabel", "id:organization/eu"),
    ),
    m(
        "instrument-without-key",
        "DELETE WHERE { <id:instrument/npt> ckg:key ?key }",
        ("ckgsh:Instrument-key", "id:instrument/npt"),
    ),
    m(
        "scheme-without-label",
        "DELETE WHERE { <id:scheme/agenda-items> skos:prefLabel ?label }",
        ("ckgsh:ConceptSchemeShape", "id:scheme/agenda-items"),
    ),
    m(
        "undeclared-vote-position",
        "INSERT DATA { ckg:Maybe a ckg:VotePosition }",
        ("ckgsh:CodeListValue-inScheme", "ckg:Maybe"),
        ("ckgsh:CodeListValue-label", "ckg:Maybe"),
    ),
]


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def seed_graph(seed_result: IngestResult, minter: Minter) -> Graph:
    """The seed's source graph and the reference graph, merged (built once)."""
    graph = Graph()
    for triple in to_triples(seed_result.records, minter) | reference_triples(minter):
        graph.add(triple)
    return graph


@pytest.fixture(scope="session")
def seed_report(seed_graph: Graph) -> ValidationReport:
    """The seed graph as the mapping makes it, validated once."""
    return validate(seed_graph)


@pytest.fixture(scope="session")
def base_graph(seed_graph: Graph) -> Graph:
    """The graph every mutation starts from: the seed graph, which is clean,
    so that a mutation's results are its own."""
    return fresh(seed_graph)


def fresh(base: Graph) -> Graph:
    """A copy of the base graph to mutate."""
    copy = Graph()
    copy += base
    return copy


def result_set(report: ValidationReport) -> set[tuple[str, str]]:
    """The report as (rule, focus node) pairs."""
    return {(r.rule, short(r.focus_node)) for r in report.results}


# ---------------------------------------------------------------------------
# The seed conforms
# ---------------------------------------------------------------------------


def test_seed_graph_conforms(seed_report: ValidationReport, record_property: Any) -> None:
    """No violation and no warning."""
    record_property("seed_triples", seed_report.triples)
    record_property("seed_validation_seconds", round(seed_report.seconds, 3))
    print(f"\nseed graph: {seed_report.summary()}")
    assert seed_report.conforms, seed_report.render_text()
    assert seed_report.violations == [], seed_report.render_text()
    assert seed_report.results == [], seed_report.render_text()
    assert seed_report.triples > 5000


def test_seed_store_conforms(seed_store: GraphStore) -> None:
    """Validated through the store (N-Quads dump → rdflib), as the CLI will."""
    graph = graph_from_store(seed_store)
    assert len(graph) >= seed_store.count()  # merge of all named graphs
    report = validate(graph)
    assert report.conforms, report.render_text()
    assert report.results == [], report.render_text()


# ---------------------------------------------------------------------------
# Every mutation gives exactly the expected results
# ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("mutation", MUTATIONS)
def test_mutation(base_graph: Graph, mutation: Mutation) -> None:
    graph = fresh(base_graph)
    graph.update(PREFIXES + expand(mutation.update))
    assert set(graph) != set(base_graph), "the mutation changed nothing"
    report = validate(graph)
    assert result_set(report) == set(mutation.expected), report.render_text()
    warnings_only = all(rule in WARNING_RULES for rule, _ in mutation.expected)
    assert report.conforms is warnings_only
    for result in report.results:
        expected = "Warning" if result.rule in WARNING_RULES else "Violation"
        assert result.severity == expected, result.render()


def _rule_owner(shapes: Graph) -> dict[URIRef, URIRef]:
    """Property shape or SPARQL constraint → the shape it belongs to."""
    owner = {}
    for prop in (SH.property, SH.sparql):
        for shape, member in shapes.subject_objects(prop):
            if isinstance(shape, URIRef) and isinstance(member, URIRef):
                owner[member] = shape
    return owner


def test_every_shape_has_a_negative_test() -> None:
    """Each targeted shape with constraints of its own, each property shape
    with a target and each SPARQL constraint fires in some mutation."""
    shapes = load_shapes()
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    constraint_props = (SH.property, SH["or"], SH.xone, SH["and"], SH["not"], SH.path)
    required: set[URIRef] = set()
    for shape in set(shapes.subjects(None, None)):
        if not isinstance(shape, URIRef) or not str(shape).startswith(CKGSH):
            continue
        has_target = any((shape, t, None) in shapes for t in targets)
        if has_target and any((shape, p, None) in shapes for p in constraint_props):
            required.add(shape)
        if (shape, RDF.type, SH.SPARQLConstraint) in shapes:
            required.add(shape)
    owner = _rule_owner(shapes)
    covered: set[URIRef] = set()
    for param in MUTATIONS:
        mutation: Mutation = param.values[0]
        for rule, _ in mutation.expected:
            node = URIRef(CKGSH + rule.removeprefix("ckgsh:"))
            covered.add(node)
            if (node, RDF.type, SH.PropertyShape) in shapes and node in owner:
                covered.add(owner[node])
    missing = sorted(str(s).removeprefix(CKGSH) for s in required - covered)
    assert not missing, f"shapes without a negative test: {missing}"


# ---------------------------------------------------------------------------
# The shapes files
# ---------------------------------------------------------------------------

SHAPES_DIR = ROOT / "shapes"


@pytest.mark.parametrize("path", sorted(SHAPES_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_shapes_file_describes_itself(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    headers = list(graph.subjects(RDF.type, OWL.Ontology))
    assert len(headers) == 1, "one owl:Ontology node per shapes file"
    header = headers[0]
    assert str(header) == f"https://w3id.org/councilkg/shapes/{path.stem}"
    for prop in (RDFS.label, RDFS.comment):
        langs = sorted(
            str(o.language) for o in graph.objects(header, prop) if isinstance(o, Literal)
        )
        assert langs == ["en", "zh"], (prop, langs)


def test_shapes_are_named_and_rules_explained() -> None:
    """Results name their rule, so property shapes and SPARQL constraints have
    IRIs; every SPARQL constraint has an English and a Chinese message."""
    shapes = load_shapes()
    for prop in (SH.property, SH.sparql):
        for shape, member in shapes.subject_objects(prop):
            assert isinstance(member, URIRef), f"{shape} has an anonymous {prop}"
    for constraint in shapes.subjects(RDF.type, SH.SPARQLConstraint):
        langs = {
            m.language for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal)
        }
        assert langs == {"en", "zh"}, constraint
        select = str(shapes.value(constraint, SH.select))
        assert "VALUES" not in select.upper().replace("?VALUE", ""), "SHACL forbids VALUES"


SYMBOL_SHAPES = ("DocumentSymbol-grammar", "DocumentSymbol-displayGrammar", "FootnoteCites-grammar")


def _pattern(name: str) -> str:
    shapes = load_shapes()
    value = shapes.value(URIRef(CKGSH + name), SH.pattern)
    assert value is not None
    return str(value)


@pytest.mark.parametrize("name", SYMBOL_SHAPES)
def test_symbol_patterns_are_xpath_regexes(name: str) -> None:
    """XPath regular expressions have no (?:…), look-around or \\d shorthands
    that differ from Python's; keep to the common subset."""
    pattern = _pattern(name)
    assert "(?" not in pattern and "\\d" not in pattern
    re.compile(pattern)


VALID_SYMBOLS = [
    "S/RES/2231 (2015)",
    "S/PRST/2020/13",
    "S/PV.8733",
    "S/PV.8733 (Resumption 1)",
    "S/2020/797",
    "S/25704",
    "S/Agenda/8733",
    "S/2020/1244/Add.1",
    "A/75/2",
    "A/75/L.1/Rev.1/Corr.2",
    "A/RES/75/1",
    "A/ES-10/L.22",
    "A/S-27/PV.3",
    "A/RES/ES-10/19",
]
INVALID_KEYS = [
    "S/RES/2231",
    "S/RES/2231 (2015)",
    "S/2020/0797",
    "s/2020/797",
    "S/2020/797 ",
    "S/PV.8733(Resumption 1)",
    "S/2020/797/Add.0",
    "S/2020/797/Add1",
    "A/75",
    "X/2020/1",
    "S/PRST/20/13",
]


def test_symbol_grammar_agrees_with_the_parser(base_graph: Graph) -> None:
    """Every key and display form :func:`parse_symbol` produces matches the
    shapes' patterns (the examples and every symbol of the seed graph), and
    malformed keys do not."""
    key = re.compile(_pattern("DocumentSymbol-grammar"))
    display = re.compile(_pattern("DocumentSymbol-displayGrammar"))
    cites = re.compile(_pattern("FootnoteCites-grammar"))
    seed_symbols = [str(o) for o in base_graph.objects(None, URIRef(str(_CKG) + "symbol"))]
    assert len(seed_symbols) > 10
    for text in VALID_SYMBOLS + seed_symbols:
        symbol = parse_symbol(text)
        assert key.search(symbol.key), symbol.key
        assert display.search(symbol.display), symbol.display
    for bad in INVALID_KEYS:
        assert not key.search(bad), bad
    assert cites.search("S/2020/531 S/2020/1177 A/75/2")
    assert not cites.search("S/2020/531  S/2020/1177")


# ---------------------------------------------------------------------------
# Reports: locations and renderings
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jpn_report(base_graph: Graph) -> ValidationReport:
    """The report of the non-member vote mutation."""
    mutation = next(p.values[0] for p in MUTATIONS if p.id == "non-member-votes-too")
    graph = fresh(base_graph)
    graph.update(PREFIXES + expand(mutation.update))
    return validate(graph)


def test_results_are_located_in_the_source(jpn_report: ValidationReport) -> None:
    by_rule = {r.rule: r for r in jpn_report.results}
    voter = by_rule["ckgsh:VoterWasCouncilMember"]
    assert voter.location is not None
    assert voter.location.file == SEED.name
    assert voter.location.line is not None and voter.location.line > 1
    assert voter.location.quote
    text = SEED.read_text(encoding="utf-8")
    loc = voter.location
    assert loc.start is not None and loc.end is not None
    # The vote's passage (its table row), quoted as read: its characters,
    # lines joined, are those at its offsets.
    quote = "".join((loc.quote or "").removesuffix("…").split())
    assert quote and quote in "".join(text[loc.start : loc.end].split())
    assert loc.line == text[: loc.start].count("\n") + 1
    assert "state/JPN" in str(voter.value)
    assert voter.result_path == "ckg:voter"
    assert "JPN" in voter.message and "2020-08-14" in voter.message
    # A rule on the vote event is located where the vote event is stated.
    count = by_rule["ckgsh:AtMostFifteenVotes"]
    assert count.result_path == "^ckg:inVoteEvent"
    assert count.location is not None and count.location.file == SEED.name


def test_nodes_without_a_span_are_located_through_their_owner(base_graph: Graph) -> None:
    count = URIRef(f"{ID}vote-event/S/2020/797/count/for")
    own = locate(base_graph, URIRef(f"{ID}vote-event/S/2020/797"))
    assert own is not None
    assert locate(base_graph, count) == own
    page = locate(base_graph, URIRef(f"{SRC}page/9"))
    assert page is not None and page.printed_page == 130 and page.file == SEED.name
    passage = locate(base_graph, URIRef(f"{SRC}b00010"))
    assert passage is not None and passage.line is not None and passage.quote
    assert locate(base_graph, URIRef(f"{ID}state/USA")) is None  # reference data


def test_results_are_sorted_and_rendered(jpn_report: ValidationReport) -> None:
    keys = [r.sort_key() for r in jpn_report.results]
    assert keys == sorted(keys)
    text = jpn_report.render_text()
    assert text.startswith("does not conform: 3 violations")
    assert f"{SEED.name}:" in text and "quote:" in text
    assert text.count("Violation: ") == 3
    data = json.loads(jpn_report.render_json())
    assert data["conforms"] is False and data["violations"] == 3
    assert {r["rule"] for r in data["results"]} == {
        "ckgsh:VoterWasCouncilMember",
        "ckgsh:VoteCountsMatchVotes",
        "ckgsh:AtMostFifteenVotes",
    }
    located = [r for r in data["results"] if r["location"]]
    assert located and all(r["location"]["file"] == SEED.name for r in located)
    zh = [
        r["messages"].get("zh") for r in data["results"] if r["rule"] != "ckgsh:AtMostFifteenVotes"
    ]
    assert all(zh), "SHACL-SPARQL messages come in Chinese too"
    report = Graph().parse(data=jpn_report.render_turtle(), format="turtle")
    assert len(list(report.subjects(RDF.type, SH.ValidationResult))) == 3


def test_validation_is_deterministic(base_graph: Graph, jpn_report: ValidationReport) -> None:
    mutation = next(p.values[0] for p in MUTATIONS if p.id == "non-member-votes-too")
    graph = fresh(base_graph)
    graph.update(PREFIXES + expand(mutation.update))
    again = validate(graph)
    assert [r.as_dict() for r in again.results] == [r.as_dict() for r in jpn_report.results]


def test_data_graph_is_not_modified(base_graph: Graph) -> None:
    graph = fresh(base_graph)
    before = len(graph)
    validate(graph)
    assert len(graph) == before
    assert (URIRef(str(_CKG) + "Meeting"), RDFS.subClassOf, None) not in graph


# ---------------------------------------------------------------------------
# Loading graphs
# ---------------------------------------------------------------------------


def _sample(base: Graph) -> Iterator[tuple[Any, Any, Any]]:
    """A few hundred triples about the vote (enough to round-trip formats)."""
    ve = URIRef(f"{ID}vote-event/S/2020/797")
    for s, p, o in base:
        if str(s).startswith(str(ve)) or s == URIRef(f"{ID}state/JPN"):
            yield s, p, o


# rdflib's own quad parsers and serializers use its deprecated ConjunctiveGraph API.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("suffix", [".nt", ".nq", ".ttl", ".trig", ".jsonld"])
def test_graph_from_file(tmp_path: Path, base_graph: Graph, suffix: str) -> None:
    sample = Graph()
    for triple in _sample(base_graph):
        sample.add(triple)
    sample.add((URIRef(f"{ID}state/JPN"), SKOS.prefLabel, Literal("日本", lang="zh")))
    path = tmp_path / f"graph{suffix}"
    fmt = {".nt": "nt", ".ttl": "turtle", ".jsonld": "json-ld"}.get(suffix)
    if fmt is not None:
        sample.serialize(path, format=fmt, encoding="utf-8")
    else:
        from rdflib import Dataset

        dataset = Dataset()
        named = dataset.graph(URIRef(BASE + "graph/test"))
        for triple in sample:
            named.add(triple)
        dataset.serialize(path, format="nquads" if suffix == ".nq" else "trig")
    loaded = graph_from_file(path)
    assert set(loaded) == set(sample)


def test_graph_from_file_rejects_unknown_formats(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot tell the RDF format"):
        graph_from_file(tmp_path / "graph.xml")
