"""What each kind of page shows, built from the answers of its queries.

Why typed views: the templates only lay out values; every grouping (rows
of one invitation, the States of one position, the vetoes of one vote),
ordering and conversion (counts to integers, ``true`` to a boolean) happens
here, where mypy checks it and tests can reach it.  Each ``load_*``
function runs the page's queries through a :class:`~councilkg.web.gather.Gather`
(which also collects the IRIs to label and the facts to source) and
returns the template's context.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from councilkg.ingest.vocab import CKG
from councilkg.web.gather import Gather
from councilkg.web.sparql import Row, shown_limit

__all__ = [
    "Decision",
    "Vote",
    "VoteRow",
    "load_document",
    "load_event",
    "load_item",
    "load_resource",
    "load_state",
    "rule_number",
]

POSITIONS = (
    str(CKG.InFavour),
    str(CKG.Against),
    str(CKG.Abstaining),
    str(CKG.Absent),
    str(CKG.NotParticipating),
)
"""Vote positions in the order tables and charts show them."""

_MAIN_POSITIONS = POSITIONS[:3]
_RULES = {str(CKG.Rule37): "37", str(CKG.Rule39AndOther): "39"}


def rule_number(rule: str | None) -> str:
    """The number of an invitation rule (``37``, ``39``), for ``data-rule``.

    >>> rule_number("https://w3id.org/councilkg/ontology#Rule39AndOther")
    '39'
    """
    if rule is None:
        return ""
    return _RULES.get(rule, rule.rsplit("#", 1)[-1])


def _bool(value: str | None) -> bool | None:
    return None if value is None else value in ("true", "1")


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() else None


def _unique(values: Iterable[str | None]) -> list[str]:
    """Distinct non-empty values, in first-seen order."""
    return list(dict.fromkeys(v for v in values if v))


def _capped(rows: list[Row], name: str, *, latest_first: bool = False) -> tuple[list[Row], bool]:
    """The rows a page shows from query ``name`` and whether there were more
    (see :func:`~councilkg.web.sparql.shown_limit`); a query that lists the
    latest first is put back in date order."""
    cap = shown_limit(name)
    shown = rows[:cap]
    if latest_first:
        shown.reverse()
    return shown, len(rows) > cap


def _first(rows: Sequence[Row], key: str) -> str | None:
    return next((r[key] for r in rows if r[key] is not None), None)


# ---------------------------------------------------------------------------
# Votes and decisions (shared by events, documents, items and vote events)
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoteRow:
    """One member's vote."""

    vote: str
    member: str
    iso3: str
    position: str
    permanent: bool


@dataclass(frozen=True, slots=True)
class Vote:
    """The vote on a draft: counts, result, reason, member by member."""

    iri: str
    draft: str | None
    date: str | None
    event: str | None
    votes_for: int | None
    votes_against: int | None
    votes_abstaining: int | None
    result: str | None
    reason: str | None
    vetoed_by: tuple[str, ...]
    permanent_against: tuple[str, ...]
    rows: tuple[VoteRow, ...]


async def load_votes(g: Gather, vote_events: Sequence[str], *, members: bool = True) -> list[Vote]:
    """The votes ``vote_events`` (with every member's vote if ``members``)."""
    if not vote_events:
        return []
    calls = [("vote-events", "voteEvent", vote_events)]
    if members:
        calls.append(("votes", "voteEvent", vote_events))
    answers = await g.many(*calls)
    events, votes = answers[0], answers[1] if members else []
    g.name(*POSITIONS, str(CKG.Adopted), str(CKG.NotAdopted))
    out = []
    for ve in sorted({r["voteEvent"] for r in events if r["voteEvent"]}):
        rows = [r for r in events if r["voteEvent"] == ve]
        member_rows = [
            VoteRow(
                vote=r["vote"] or "",
                member=r["member"] or "",
                iso3=r["iso3"] or "",
                position=r["position"] or "",
                permanent=bool(_bool(r["permanent"])),
            )
            for r in votes
            if r["voteEvent"] == ve
        ]
        member_rows.sort(key=lambda v: (not v.permanent, v.iso3, v.member))
        g.fact(ve, *(v.vote for v in member_rows))
        out.append(
            Vote(
                iri=ve,
                draft=_first(rows, "draft"),
                date=_first(rows, "date"),
                event=_first(rows, "event"),
                votes_for=_int(_first(rows, "votesFor")),
                votes_against=_int(_first(rows, "votesAgainst")),
                votes_abstaining=_int(_first(rows, "votesAbstaining")),
                result=_first(rows, "result"),
                reason=_first(rows, "reason"),
                vetoed_by=tuple(sorted(_unique(r["vetoedBy"] for r in rows))),
                permanent_against=tuple(sorted(_unique(r["permanentAgainst"] for r in rows))),
                rows=tuple(member_rows),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision (resolution, presidential statement, draft put to the vote)."""

    iri: str
    kinds: tuple[str, ...]
    symbol: str | None
    adopted: bool | None
    modality: str | None
    taken_at: str | None
    date: str | None
    item: str | None
    written_procedure_record: str | None
    vote: Vote | None


async def load_decisions(
    g: Gather, decisions: Sequence[str], *, members: bool = True
) -> list[Decision]:
    """The decisions ``decisions``, each with its vote (see :func:`load_votes`)."""
    if not decisions:
        return []
    rows = await g.rows("decisions", "decision", decisions)
    votes = {
        v.iri: v
        for v in await load_votes(g, _unique(r["voteEvent"] for r in rows), members=members)
    }
    out = []
    for iri in sorted({r["decision"] for r in rows if r["decision"]}):
        mine = [r for r in rows if r["decision"] == iri]
        ve = _first(mine, "voteEvent")
        g.fact(iri)
        out.append(
            Decision(
                iri=iri,
                kinds=tuple(_unique(r["kind"] for r in mine)),
                symbol=_first(mine, "symbol"),
                adopted=_bool(_first(mine, "adopted")),
                modality=_first(mine, "modality"),
                taken_at=_first(mine, "takenAt"),
                date=_first(mine, "date"),
                item=_first(mine, "item"),
                written_procedure_record=_first(mine, "writtenProcedureRecord"),
                vote=votes.get(ve) if ve else None,
            )
        )
    out.sort(key=lambda d: (d.date or "", d.symbol or "", d.iri))
    return out


# ---------------------------------------------------------------------------
# Meetings and videoconferences
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Invitation:
    """An invitation to an event under a rule."""

    iri: str
    rule: str
    rule_number: str
    invitee: str | None
    invited_as: str | None


@dataclass(frozen=True, slots=True)
class Speaker:
    """Someone who spoke (or a State represented by an official)."""

    fact: str
    kind: str
    participant: str
    capacity: str | None
    in_role: str | None
    held_by_state: str | None
    represented_by: str | None


@dataclass(frozen=True, slots=True)
class CitedDocument:
    """A document named about an event, and how (record, note, footnote …)."""

    iri: str
    vias: tuple[str, ...]
    citing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Position:
    """A position a footnote attributes to States."""

    iri: str
    footnote: str
    number: int | None
    text: str | None
    states: tuple[str, ...]
    date: str | None = None
    event: str | None = None
    item: str | None = None
    statement: str | None = None
    """What the States expressed: the sentence the footnote's marker closes."""


def _positions(rows: Sequence[Row]) -> list[Position]:
    out = []
    for iri in _unique(r["position"] for r in rows):
        mine = [r for r in rows if r["position"] == iri]
        by_iso3 = {r["iso3"]: r["state"] for r in mine if r["iso3"] and r["state"]}
        written = (_first(mine, "orderedStates") or "").split()
        states = [by_iso3[c] for c in written if c in by_iso3]
        states += sorted(s for s in _unique(r["state"] for r in mine) if s not in states)
        out.append(
            Position(
                iri=iri,
                footnote=_first(mine, "footnote") or "",
                number=_int(_first(mine, "footnoteNumber")),
                text=_first(mine, "footnoteText"),
                states=tuple(states),
                date=_first(mine, "date"),
                event=_first(mine, "event"),
                item=_first(mine, "item"),
                statement=_first(mine, "statement"),
            )
        )
    return out


async def load_event(g: Gather, iri: str, types: Sequence[str]) -> dict[str, Any]:
    """A meeting or videoconference: date, item and sub-item, invitations by
    rule, speakers, decisions with their votes, documents, positions, and
    the passages that report it."""
    this = [iri]
    info, invitations, speakers, decided, documents, passages, positions = await g.many(
        ("event", "this", this),
        ("event-invitations", "this", this),
        ("event-participants", "this", this),
        ("event-decisions", "this", this),
        ("event-documents", "this", this),
        ("event-passages", "this", this),
        ("event-positions", "this", this),
    )
    decisions = await load_decisions(g, _unique(r["decision"] for r in decided))
    kind = str(CKG.Meeting) if str(CKG.Meeting) in types else str(CKG.Videoconference)
    g.name(kind, str(CKG.Rule37), str(CKG.Rule39AndOther))
    g.fact(iri)
    invitation_views = [
        Invitation(
            iri=r["invitation"] or "",
            rule=r["rule"] or "",
            rule_number=rule_number(r["rule"]),
            invitee=r["invitee"],
            invited_as=r["invitedAs"],
        )
        for r in invitations
    ]
    speaker_views = [
        Speaker(
            fact=r["fact"] or "",
            kind=r["kind"] or "",
            participant=r["participant"] or "",
            capacity=r["capacity"],
            in_role=r["inRole"],
            held_by_state=r["heldByState"],
            represented_by=r["representedBy"],
        )
        for r in speakers
    ]
    g.fact(*(i.iri for i in invitation_views), *(s.fact for s in speaker_views))
    cited = []
    for doc in _unique(r["document"] for r in documents):
        mine = [r for r in documents if r["document"] == doc]
        vias = tuple(_unique(r["via"] for r in mine))
        cited.append(CitedDocument(doc, vias, tuple(_unique(r["citing"] for r in mine))))
    cited.sort(key=lambda c: ("record" not in c.vias, c.iri))
    g.fact(*(c for d in cited for c in d.citing))
    position_views = _positions(positions)
    g.fact(*(p.iri for p in position_views))
    g.passage(*(r["passage"] for r in passages))
    return {
        "kind": kind,
        "date": _first(info, "date"),
        "items": _unique(r["item"] for r in info),
        "sub_items": _unique(r["subItem"] for r in info),
        "sub_item_texts": _unique(r["subItemText"] for r in info),
        "formats": _unique(r["format"] for r in info),
        "records": _unique(r["record"] for r in info),
        "record_title": _first(info, "recordTitle"),
        "record_note": _first(info, "recordNote"),
        "no_record": _bool(_first(info, "noRecord")),
        "open": _bool(_first(info, "open")),
        "invitations": invitation_views,
        "speakers": [s for s in speaker_views if s.kind == str(CKG.Participation)],
        "representations": [s for s in speaker_views if s.kind == str(CKG.Representation)],
        "decisions": decisions,
        "documents": cited,
        "positions": position_views,
    }


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Citing:
    """Something that cites a document, and where it is."""

    iri: str
    kinds: tuple[str, ...]
    footnote: int | None
    text: str | None
    event: str | None
    item: str | None
    passage: str | None
    page_index: int | None
    printed_page: int | None = None


def _is_decision(d: Decision) -> bool:
    """Whether the graph says anything about a document as a decision (a
    resolution cited in passing is a document, not a decision taken here)."""
    return any(
        v is not None
        for v in (d.taken_at, d.adopted, d.modality, d.vote, d.written_procedure_record)
    )


async def load_document(g: Gather, iri: str, types: Sequence[str]) -> dict[str, Any]:
    """A UN document: kind, symbol, undocs.org link, letters' senders, a
    draft's sponsors and vote, the events it records, and everything that
    cites it and where."""
    this = [iri]
    info, actors, citing, events = await g.many(
        ("document", "this", this),
        ("document-actors", "this", this),
        ("document-citing", "this", this),
        ("document-events", "this", this),
    )
    decisions = await load_decisions(g, this)
    citing, citing_truncated = _capped(citing, "document-citing")
    g.fact(iri)
    g.name(str(CKG.sender), str(CKG.onBehalfOf), str(CKG.sponsor))
    g.name(str(CKG.record), str(CKG.otherDocument), str(CKG.writtenProcedureRecord))
    citing_views = []
    for node in _unique(r["citing"] for r in citing):
        mine = [r for r in citing if r["citing"] == node]
        kinds = tuple(k for k in _unique(r["kind"] for r in mine) if k != str(CKG.Document))
        citing_views.append(
            Citing(
                iri=node,
                kinds=kinds,
                footnote=_int(_first(mine, "footnote")),
                # A passage's text is printed among the sources, once.
                # A document that cites it: the sentence that says so.
                text=None
                if str(CKG.SourcePassage) in kinds
                else _first(mine, "text") or _first(mine, "sentence"),
                event=_first(mine, "event"),
                item=_first(mine, "item"),
                passage=_first(mine, "passage"),
                page_index=_int(_first(mine, "pageIndex")),
                printed_page=_int(_first(mine, "printedPage")),
            )
        )
    citing_views.sort(key=lambda c: (c.footnote is None, c.footnote or 0, c.iri))
    for c in citing_views:
        if str(CKG.SourcePassage) in c.kinds:
            g.passage(c.iri)
        else:
            g.fact(c.iri)
        g.passage(c.passage)
    roles: dict[str, list[str]] = {}
    for r in actors:
        if r["role"] and r["state"]:
            roles.setdefault(r["role"], []).append(r["state"])
    symbol = _first(info, "symbol")
    return {
        "kinds": [t for t in types if t != str(CKG.Document)] or [str(CKG.Document)],
        "symbol": symbol,
        "display_symbol": _first(info, "displaySymbol") or symbol,
        "date": _first(info, "date"),
        "described_in": _first(info, "describedIn"),
        "senders": roles.get(str(CKG.sender), []),
        "on_behalf_of": roles.get(str(CKG.onBehalfOf), []),
        "sponsors": roles.get(str(CKG.sponsor), []),
        "decision": next((d for d in decisions if _is_decision(d)), None),
        "events": [(r["role"], r["node"], r["date"]) for r in events if r["role"] and r["node"]],
        "citing": citing_views,
        "citing_truncated": citing_truncated,
    }


# ---------------------------------------------------------------------------
# States
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StateVote:
    """A State's vote on a draft."""

    vote: str
    draft: str
    date: str | None
    event: str | None
    position: str
    result: str | None


@dataclass(frozen=True, slots=True)
class Membership:
    """A term of Council membership."""

    term: str
    begin: str | None
    end: str | None
    permanent: bool


@dataclass(frozen=True, slots=True)
class Activity:
    """A State's part in an event (speaking, invited, represented, briefing,
    sponsoring)."""

    fact: str
    kind: str
    event: str | None
    date: str | None
    item: str | None
    detail: str | None
    capacity: str | None
    document: str | None


async def load_state(g: Gather, iri: str, types: Sequence[str]) -> dict[str, Any]:
    """A State: its votes (with a chart of its positions), positions
    attributed to it, letters, part in events, and Council membership."""
    this = [iri]
    info, votes, vote_counts, positions, letters, activity, terms = await g.many(
        ("state", "this", this),
        ("state-votes", "this", this),
        ("state-vote-counts", "this", this),
        ("state-positions", "this", this),
        ("state-letters", "this", this),
        ("state-participation", "this", this),
        ("state-memberships", "this", this),
    )
    votes, votes_truncated = _capped(votes, "state-votes", latest_first=True)
    positions, positions_truncated = _capped(positions, "state-positions", latest_first=True)
    letters, letters_truncated = _capped(letters, "state-letters", latest_first=True)
    activity, activity_truncated = _capped(activity, "state-participation", latest_first=True)
    g.fact(iri)
    vote_views = [
        StateVote(
            vote=r["vote"] or "",
            draft=r["draft"] or "",
            date=r["date"],
            event=r["event"],
            position=r["position"] or "",
            result=r["result"],
        )
        for r in votes
    ]
    g.fact(*(v.vote for v in vote_views))
    position_views = _positions([Row({**r, "state": iri}) for r in positions])
    g.fact(*(p.iri for p in position_views))
    letter_rows = []
    for letter in _unique(r["letter"] for r in letters):
        mine = [r for r in letters if r["letter"] == letter]
        letter_rows.append(
            (
                letter,
                tuple(_unique(r["role"] for r in mine)),
                _first(mine, "date"),
                _first(mine, "describedIn"),
            )
        )
    g.fact(*(row[0] for row in letter_rows))
    g.name(str(CKG.sender), str(CKG.onBehalfOf))
    activities = [
        Activity(
            fact=r["fact"] or "",
            kind=r["kind"] or "",
            event=r["event"],
            date=r["date"],
            item=r["item"],
            detail=r["detail"],
            capacity=r["capacity"],
            document=r["document"],
        )
        for r in activity
    ]
    g.fact(*(a.fact for a in activities))
    memberships = [
        Membership(
            term=r["term"] or "",
            begin=r["begin"],
            end=r["end"],
            permanent=bool(_bool(r["permanent"])),
        )
        for r in terms
    ]
    counts = Counter({r["position"]: int(r["votes"] or 0) for r in vote_counts if r["position"]})
    shown = [p for p in POSITIONS if p in _MAIN_POSITIONS or counts[p]]
    shown += sorted(p for p in counts if p not in POSITIONS)
    g.name(*shown)
    return {
        "kinds": [t for t in types if t != str(CKG.State)] or [str(CKG.State)],
        "iso3": _first(info, "iso3"),
        "m49": _first(info, "m49"),
        "same_as": _unique(r["exactMatch"] for r in info),
        "votes": vote_views,
        "votes_truncated": votes_truncated,
        "votes_total": sum(counts.values()),
        "chart_positions": [(p, counts[p]) for p in shown],
        "positions": position_views,
        "positions_truncated": positions_truncated,
        "letters": letter_rows,
        "letters_truncated": letters_truncated,
        "activities": activities,
        "activities_truncated": activity_truncated,
        "memberships": memberships,
    }


# ---------------------------------------------------------------------------
# Agenda items
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """An event under an item, or a decision taken at one."""

    date: str
    kind: str
    event: str
    record: str | None
    decision: Decision | None


@dataclass(frozen=True, slots=True)
class Briefing:
    """Who briefed the Council under an item in a period."""

    fact: str
    briefer: str
    state: str | None
    period: str | None


async def load_item(g: Gather, iri: str, types: Sequence[str]) -> dict[str, Any]:
    """An agenda item: its place in the Repertoire, sub-items and related
    items, who briefed under it, and a timeline of its meetings,
    videoconferences and decisions in date order."""
    this = [iri]
    info, timeline, related = await g.many(
        ("item", "this", this),
        ("item-chronology", "this", this),
        ("item-related", "this", this),
    )
    timeline, timeline_truncated = _capped(timeline, "item-chronology", latest_first=True)
    decisions = {
        d.iri: d
        for d in await load_decisions(g, _unique(r["decision"] for r in timeline), members=False)
    }
    entries = []
    for r in timeline:
        decision = decisions.get(r["decision"] or "")
        if r["decision"] and decision is None:
            continue
        entries.append(
            TimelineEntry(
                date=r["date"] or "",
                kind=r["kind"] or "",
                event=r["event"] or "",
                record=r["record"],
                decision=decision,
            )
        )
    g.fact(iri, *(e.event for e in entries if e.decision is None))
    g.name(str(CKG.Meeting), str(CKG.Videoconference))
    briefings = [
        Briefing(r["fact"] or "", r["node"] or "", r["state"], r["period"])
        for r in related
        if r["role"] == str(CKG.briefer)
    ]
    g.fact(*(b.fact for b in briefings))
    return {
        "key": _first(info, "key"),
        "number": _first(info, "itemNumber"),
        "subsection": _first(info, "subsection"),
        "group": _first(info, "group"),
        "broader": _first(info, "broader"),
        "sub_items": [r["node"] for r in related if r["role"] and r["role"].endswith("#narrower")],
        "related": [r["node"] for r in related if r["role"] and r["role"].endswith("#related")],
        "briefings": briefings,
        "timeline": entries,
        "timeline_truncated": timeline_truncated,
    }


# ---------------------------------------------------------------------------
# Any resource
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Value:
    """An object of a triple: an IRI or a literal with its language or
    datatype."""

    kind: str
    value: str
    lang: str | None = None
    datatype: str | None = None


@dataclass(slots=True)
class Property:
    """A property and its values (outgoing) or subjects (incoming)."""

    iri: str
    values: list[Value] = field(default_factory=list)


async def load_resource(g: Gather, iri: str, types: Sequence[str]) -> dict[str, Any]:
    """Any resource: its types, properties and values as links, what points
    to it, its sources; a vote event also gets its vote table."""
    this = [iri]
    outgoing, incoming = await asyncio.gather(
        g.raw("outgoing", "this", this), g.raw("incoming", "this", this)
    )
    props: dict[str, Property] = {}
    for row in outgoing:
        p = row["p"]["value"]
        o = row["o"]
        props.setdefault(p, Property(p)).values.append(
            Value(
                kind="iri" if o["type"] == "uri" else o["type"],
                value=o["value"],
                lang=o.get("xml:lang"),
                datatype=o.get("datatype"),
            )
        )
    cap = shown_limit("incoming")
    incoming_truncated = len(incoming) > cap
    pointing: dict[str, Property] = {}
    for row in incoming[:cap]:
        p = row["p"]["value"]
        pointing.setdefault(p, Property(p)).values.append(Value("iri", row["s"]["value"]))
    g.fact(iri)
    if str(CKG.SourcePassage) in types:
        g.passage(iri)
    votes = await load_votes(g, this) if str(CKG.VoteEvent) in types else []
    return {
        "properties": sorted(props.values(), key=lambda p: p.iri),
        "incoming": sorted(pointing.values(), key=lambda p: p.iri),
        "incoming_truncated": incoming_truncated,
        "votes": votes,
    }
