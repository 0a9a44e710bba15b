"""The English narrative: who spoke, who briefed, who sponsored, how many
meetings, which positions and names, read from hand-written English
paragraphs (other items, other years than the bundled sample).

Why these and not the sample: the narrative attaches speakers to the events
of the item's tables; here the events are given directly (a table result
built by hand), so the English prose patterns are tested on sentences whose
events can be seen, whatever the English tables' reading does.
"""

from __future__ import annotations

import datetime as dt

import pytest

from councilkg.ingest.extract.context import Context, build_context
from councilkg.ingest.extract.footnotes import _stances, position_states
from councilkg.ingest.extract.mentions import extract_mentions
from councilkg.ingest.extract.narrative import NarrativeResult, extract_narrative
from councilkg.ingest.extract.tables import TableResult
from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.lang import get
from councilkg.ingest.layout import recover_layout
from councilkg.ingest.lexicon import load_lexicon
from councilkg.ingest.records import Briefer, Decision, Mention, Speaker, Sponsor
from councilkg.ingest.source import source_from_bytes

HEADER = "Repertoire of the Practice of the Security Council, 2018\n\n"
HEADING = "12. The situation in Mali\n\nThe item is considered below.\n\n"


def _context(body: str) -> Context:
    """The context of an English text: running header, an item, ``body``."""
    lx = load_lexicon("en")
    doc = recover_layout(source_from_bytes((HEADER + HEADING + body).encode(), "t.txt"), lx)
    return build_context(doc, lx)


def _narrative(
    body: str,
    events: dict[str, dt.date],
    drafts: dict[str, str] | None = None,
    meetings: tuple[str, ...] = (),
    vcs: tuple[str, ...] = (),
) -> tuple[Context, NarrativeResult]:
    """The narrative of ``body`` with the item's events (key → date), drafts
    voted at them (event → symbol) and its meetings and videoconferences."""
    ctx = _context(body)
    item = next(iter(ctx.item_of.values())).key
    tables = TableResult()
    tables.events_by_item[item] = sorted((d, e) for e, d in events.items())
    for event, symbol in (drafts or {}).items():
        tables.decisions_by_event[event] = [
            Decision(
                prov=ctx.prov(ctx.doc.blocks[0]),
                symbol=symbol,
                kind="draft-resolution",
                event=event,
                item_key=item,
                date=events[event],
                adopted=True,
            )
        ]
    tables.meetings_by_item[item] = list(meetings)
    tables.vcs_by_item[item] = list(vcs)
    return ctx, extract_narrative(ctx, tables)


def _speakers(result: NarrativeResult) -> set[tuple[str, str, str, str | None]]:
    """(event, ref, capacity or role's state, role) of each speaker."""
    return {
        (r.event, r.ref, r.capacity or r.state or "", r.role)
        for r in result.records
        if isinstance(r, Speaker)
    }


def test_capacity_before_the_states() -> None:
    """English writes the capacity first: "the representative of <State>",
    "the Permanent Representative of <State>", "the Secretary of State of
    <State>"; several States may share one subject, with or without
    articles."""
    body = (
        "On 5 March 2018, the Council held a meeting under the item. "
        "The representatives of France and the Niger said that the elections were a "
        "turning point. By contrast, the Permanent Representative of the Russian Federation "
        "noted progress. The Secretary of State of the United States stated that sanctions "
        "would follow.\n\n"
        "On 9 June, the representative of Viet Nam welcomed the report.\n"
    )
    _, result = _narrative(
        body, {"S/PV.8200": dt.date(2018, 3, 5), "S/PV.8260": dt.date(2018, 6, 9)}
    )
    assert _speakers(result) == {
        ("S/PV.8200", "FRA", "representative", None),
        ("S/PV.8200", "NER", "representative", None),
        ("S/PV.8200", "RUS", "permanent-representative", None),
        ("S/PV.8200", "USA", "secretary-of-state", None),
        ("S/PV.8260", "VNM", "representative", None),
    }


def test_lists_of_three_states() -> None:
    """A subject listing three States with commas and "and"."""
    body = (
        "On 2 May, the representatives of France, Germany and the United Kingdom "
        "stressed that the agreement held.\n"
    )
    _, result = _narrative(body, {"vc/2018-05-02": dt.date(2018, 5, 2)})
    assert {r[1] for r in _speakers(result)} == {"FRA", "DEU", "GBR"}


def test_possessives_and_objects_are_not_speakers() -> None:
    """A letter from an official, a State as the subject of another verb or
    as an object, a President of the Council: none of them speaks."""
    body = (
        "On 5 March, she referred to a letter from the Minister for Foreign Affairs of "
        "the Islamic Republic of Iran to the Secretary-General. The United States had "
        "reimposed national sanctions. The Council heard the views of the representative "
        "of Mali on the matter. The President of the Council for March noted the "
        "developments.\n"
    )
    _, result = _narrative(body, {"S/PV.8200": dt.date(2018, 3, 5)})
    assert _speakers(result) == set()


def test_officials_full_and_short_titles() -> None:
    """An official's full title, then its short form, resolve to one role."""
    body = (
        "On 5 March, the Council heard a briefing by the High Representative for "
        "Disarmament Affairs. During the meeting, the High Representative underlined the "
        "role of the Treaty on the Non-Proliferation of Nuclear Weapons. The "
        "Under-Secretary-General for Political and Peacebuilding Affairs said that the "
        "talks had stalled. The Under-Secretary-General added that they would resume.\n"
    )
    _, result = _narrative(body, {"S/PV.8200": dt.date(2018, 3, 5)})
    assert _speakers(result) == {
        ("S/PV.8200", "high-representative-for-disarmament-affairs", "", None),
        ("S/PV.8200", "usg-political-and-peacebuilding-affairs", "", None),
    }


def test_facilitator_capacity() -> None:
    """A State's representative speaking in a role the State holds."""
    body = (
        "On 30 June, the representative of Belgium, in his capacity as Facilitator for "
        "the implementation of resolution 2231 (2015), briefed Council members.\n"
    )
    _, result = _narrative(body, {"vc/2018-06-30": dt.date(2018, 6, 30)})
    assert _speakers(result) == {
        ("vc/2018-06-30", "BEL", "representative", "facilitator-resolution-2231")
    }


def test_briefers_of_the_year() -> None:
    """A sentence with no event's date lists who briefed under the item in
    the year, the role a State holds included (and only once)."""
    body = (
        "Under the item, Council members were briefed by the High Representative for "
        "Disarmament Affairs, the representative of Belgium in his capacity as "
        "Facilitator for the implementation of resolution 2231 (2015), and the Head of "
        "the Delegation of the European Union to the United Nations.\n"
    )
    _, result = _narrative(body, {})
    briefers = [(r.role, r.state) for r in result.records if isinstance(r, Briefer)]
    assert sorted(briefers, key=str) == sorted(
        [
            ("high-representative-for-disarmament-affairs", None),
            ("facilitator-resolution-2231", "BEL"),
            ("head-eu-delegation", None),
        ],
        key=str,
    )


def test_sponsors_are_the_list_before_the_verb() -> None:
    """ "On 9 June, the United Kingdom and France submitted a draft
    resolution": both sponsor the one draft voted at that event; a State
    named earlier in the sentence does not."""
    body = (
        "On 9 June, following a letter from Mali to the Council, the United Kingdom and "
        "France submitted "
        "a draft resolution, which was adopted.\n"
    )
    _, result = _narrative(
        body, {"S/PV.8270": dt.date(2018, 6, 9)}, drafts={"S/PV.8270": "S/2018/560"}
    )
    sponsors = [(r.draft, r.state) for r in result.records if isinstance(r, Sponsor)]
    assert sponsors == [("S/2018/560", "GBR"), ("S/2018/560", "FRA")]


def test_counts_in_words() -> None:
    """ "held two meetings …, which took the form of briefings" gives every
    meeting its format; "held three open videoconferences" makes them open."""
    body = (
        "During the period under review, the Council held two meetings in connection "
        'with the item entitled "The situation in Mali", which took the form of '
        "briefings. Council members also held three open videoconferences in connection "
        "with the item.\n"
    )
    meetings = ("S/PV.8200", "S/PV.8300")
    vcs = ("vc/a", "vc/b", "vc/c")
    _, result = _narrative(body, {}, meetings=meetings, vcs=vcs)
    assert result.formats == dict.fromkeys(meetings, "briefing")
    assert result.open_vcs == dict.fromkeys(vcs, True)


@pytest.mark.parametrize(
    ("word", "count"), [("one", 1), ("three", 3), ("twelve", 12), ("12", 12), ("tens", None)]
)
def test_english_numerals(word: str, count: int | None) -> None:
    """English counts are whole words of the lexicon (they do not compose)."""
    assert get("en").numeral(word) == count


def test_position_footnote_and_its_stances() -> None:
    """A position footnote's States (written without articles, as the
    Repertoire's footnotes list them) and the stances of its sentence, in the
    sentence's order."""
    ctx = _context("The Council met.\n")
    text = "Belgium, China, Niger, Saint Vincent and the Grenadines, Viet Nam and United Kingdom."
    assert position_states(ctx, text) == ["BEL", "CHN", "NER", "VCT", "VNM", "GBR"]
    sentence = (
        "A number of Council members regretted the withdrawal of the United States from "
        "the Plan, while affirming their commitment to preserving the agreement"
    )
    assert _stances(ctx, sentence) == ("Regretted", "Committed")
    assert _stances(ctx, "Council members expressed deep concern and called upon all States") == (
        "ExpressedConcern",
        "CalledFor",
    )


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("the Niger", "NER"),
        ("Niger", "NER"),
        ("the Islamic Republic of Iran", "IRN"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Viet Nam", "VNM"),
        ("the United Kingdom", "GBR"),
        ("the United States", "USA"),
        ("United States of America", "USA"),
        ("Saint Vincent and the Grenadines", "VCT"),
        ("the Russian Federation", "RUS"),
    ],
)
def test_english_names(name: str, iso3: str) -> None:
    """English names of States, with and without their article."""
    state = default_gazetteer().lookup(name, "en")
    assert state is not None and state.iso3 == iso3


def test_mentions_of_organizations_and_instruments() -> None:
    """Organizations and instruments are named without marks in English,
    across line breaks and hyphen breaks; the Plan is the Joint Comprehensive
    Plan of Action once it has been named in full."""
    body = (
        "The Council noted the role of the European Union and of the International\n"
        "Atomic Energy Agency under the Joint Comprehensive Plan of Action and the Treaty\n"
        "on the Non-\nProliferation of Nuclear Weapons. The Plan remained the best way to\n"
        "peace, as the Charter of the United Nations and the Comprehensive Nuclear-Test-Ban\n"
        "Treaty recall.\n"
    )
    ctx = _context(body)
    found = {(m.kind, m.ref) for m in extract_mentions(ctx) if isinstance(m, Mention)}
    assert {
        ("organization", "eu"),
        ("organization", "iaea"),
        ("instrument", "jcpoa"),
        ("instrument", "npt"),
        ("instrument", "charter-of-the-united-nations"),
        ("instrument", "ctbt"),
    } <= found
    plans = [m for m in extract_mentions(ctx) if isinstance(m, Mention) and m.surface == "Plan"]
    assert [m.ref for m in plans] == ["jcpoa"]
