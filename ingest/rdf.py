"""Stage 3: typed records → RDF triples (no blank nodes, deterministic).

Why no blank nodes: the same input must give byte-identical sorted
N-Triples and re-ingesting must not duplicate anything, so every node has an
IRI minted from its language-neutral key (:mod:`councilkg.ingest.iris`).  Provenance:
each fact-bearing node is ``prov:wasDerivedFrom`` the block that states it
(``ckg:SourcePassage``: a paragraph, table row or footnote of its source
file), which is its own Web Annotation text-position selector, with its
text as read, line and page (:meth:`Mapper.prov`).

Why the mapping writes N-Triples text, not rdflib terms: what the ingest
stores is N-Triples lines (:func:`to_ntriples`), and building an rdflib
term for each of them only to write it out again cost more than the
mapping itself (a ``Literal`` checks, casts and normalises its value; a
``URIRef`` scans itself for characters an IRI cannot hold; a literal's
hash and every term's equality are Python functions, called for each set
insert).  Each term is the text :func:`~councilkg.ingest.ntriples.term`
writes for it, so the lines are the same bytes; :func:`to_triples` reads
them back as rdflib terms, the same set as before, for the callers that
want a graph.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from rdflib import RDF as _RDF
from rdflib import RDFS as _RDFS
from rdflib import XSD as _XSD
from rdflib import Literal
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import PROV as _PROV
from rdflib.namespace import SKOS as _SKOS
from rdflib.term import Node, URIRef

from councilkg.ingest import membership
from councilkg.ingest.iris import Minter
from councilkg.ingest.ntriples import escape, term, triples_of_lines
from councilkg.ingest.records import (
    Briefer,
    Citation,
    Decision,
    Document,
    DocumentCitation,
    Finding,
    Footnote,
    Invitee,
    Item,
    ItemGroup,
    Letter,
    Meeting,
    Mention,
    Passage,
    Provenance,
    Record,
    Representation,
    SourceFile,
    Speaker,
    Sponsor,
    Unparsed,
    Videoconference,
    Vote,
)
from councilkg.ingest.vocab import CITO as _CITO
from councilkg.ingest.vocab import CKG as _CKG
from councilkg.ingest.vocab import OA as _OA

Triple = tuple[Node, Node, Node]


class _Terms:
    """A namespace's terms as N-Triples text (``<…>``), each looked up once.

    Why: rdflib builds (and, for a closed namespace, checks) a new
    :class:`URIRef` on every attribute access, some microseconds each; the
    mapping reads a term for nearly every triple it writes.  An unknown
    term still raises, from the namespace itself, on first use.
    """

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        value = f"<{getattr(self._namespace, name)}>"
        setattr(self, name, value)
        return value

    def __getitem__(self, name: str) -> str:
        return self.__getattr__(name)


RDF, RDFS, XSD = _Terms(_RDF), _Terms(_RDFS), _Terms(_XSD)
DCTERMS, PROV, SKOS = _Terms(_DCTERMS), _Terms(_PROV), _Terms(_SKOS)
CITO, CKG, OA = _Terms(_CITO), _Terms(_CKG), _Terms(_OA)

_INTEGER = f"^^<{_XSD.integer}>"
_BOOLEAN = f"^^<{_XSD.boolean}>"
_DATE = f"^^<{_XSD.date}>"


def _lit(value: object) -> str:
    """The N-Triples text of ``Literal(value)``: a plain string, an
    ``xsd:boolean`` or an ``xsd:integer`` in rdflib's lexical form (any
    other value is written by rdflib itself)."""
    if type(value) is str:
        return f'"{escape(value)}"'
    if type(value) is bool:
        return f'"{"true" if value else "false"}"{_BOOLEAN}'
    if type(value) is int:
        return f'"{value}"{_INTEGER}'
    return term(Literal(value))


def _text(value: str, lang: str | None) -> str:
    """The N-Triples text of ``Literal(value, lang=lang)``."""
    if lang:
        return f'"{escape(value)}"@{lang}'
    return f'"{escape(value)}"'


def _period_years(period: str) -> range:
    """The years of a supplement's period (``2020``, ``2014-2015``); none
    for a period the text did not state.

    >>> list(_period_years("2014-2015")), list(_period_years("unknown"))
    ([2014, 2015], [])
    """
    first, _, last = period.partition("-")
    if not (first.isdigit() and (last or first).isdigit()):
        return range(0)
    return range(int(first), int(last or first) + 1)


def _date(value: dt.date) -> str:
    """The N-Triples text of an ``xsd:date`` literal."""
    return f'"{value.isoformat()}"{_DATE}'


class _Iris:
    """The minter's IRIs as N-Triples text, each minted once per source.

    Why a memo: a source's graph names the same States, documents, items,
    pages and blocks again and again (a block per fact's span, a State
    per vote); minting builds and checks a ``URIRef`` each time.
    """

    def __init__(self, minter: Minter) -> None:
        self.minter = minter
        self._memo: dict[tuple[Any, ...], str] = {}

    def _term(self, kind: str, *args: Any) -> str:
        key = (kind, *args)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = f"<{getattr(self.minter, kind)(*args)}>"
        return found

    def document(self, symbol: str) -> str:
        return self._term("document", symbol)

    def state(self, iso3: str) -> str:
        return self._term("state", iso3)

    def meeting(self, record: str) -> str:
        return self._term("meeting", record)

    def videoconference(self, date: dt.date, item_key: str) -> str:
        return self._term("videoconference", date, item_key)

    def event(self, key: str) -> str:
        return self._term("event", key)

    def vote_event(self, draft: str) -> str:
        return self._term("vote_event", draft)

    def vote(self, draft: str, iso3: str) -> str:
        return f"<{self.minter.vote(draft, iso3)}>"

    def item(self, key: str) -> str:
        return self._term("item", key)

    def sub_item(self, item_key: str, key: str) -> str:
        return self._term("sub_item", item_key, key)

    def supplement(self, period: str) -> str:
        return self._term("supplement", period)

    def item_group(self, key: str) -> str:
        return self._term("item_group", key)

    def item_scheme(self) -> str:
        return self._term("item_scheme")

    def footnote(self, period: str, number: int) -> str:
        return self._term("footnote", period, number)

    def position(self, period: str, number: int) -> str:
        return self._term("position", period, number)

    def role(self, key: str) -> str:
        return self._term("role", key)

    def organization(self, key: str) -> str:
        return self._term("organization", key)

    def instrument(self, key: str) -> str:
        return self._term("instrument", key)

    def membership(self, iso3: str, first_year: int) -> str:
        return self._term("membership", iso3, first_year)

    def source(self, sha256: str) -> str:
        return self._term("source", sha256)

    def page(self, sha256: str, index: int) -> str:
        return self._term("page", sha256, index)

    def passage(self, sha256: str, block_id: str) -> str:
        return self._term("passage", sha256, block_id)

    def span(self, sha256: str, start: int, end: int) -> str:
        return f"<{self.minter.span(sha256, start, end)}>"

    def finding(self, sha256: str, code: str, start: int, end: int, message: str) -> str:
        return f"<{self.minter.finding(sha256, code, start, end, message)}>"

    def node(self, parent: str, *parts: str) -> str:
        """A node within ``parent`` (an IRI's N-Triples text)."""
        return f"<{self.minter.node(parent[1:-1], *parts)}>"


def below(node: str, path: str) -> str:
    """The IRI ``{node}{path}`` of a node's N-Triples text, as text."""
    return f"{node[:-1]}{path}>"


def _texts(table: dict[str, URIRef]) -> dict[str, str]:
    return {key: f"<{value}>" for key, value in table.items()}


DOC_CLASS = {
    "resolution": _CKG.Resolution,
    "presidential-statement": _CKG.PresidentialStatement,
    "meeting-record": _CKG.MeetingRecord,
    "draft-resolution": _CKG.DraftResolution,
    "letter": _CKG.Letter,
    "report-of-the-secretary-general": _CKG.SecretaryGeneralReport,
    "report-of-the-security-council-to-the-general-assembly": _CKG.CouncilAnnualReport,
    "ga-document": _CKG.GADocument,
    "ga-resolution": _CKG.GAResolution,
    "agenda": _CKG.Agenda,
    "document": _CKG.Document,
}
# The block kinds of a span in no block: it keeps a selector of its own.
_NO_BLOCK = frozenset({"source", "finding"})
POSITION = {
    "for": _CKG.InFavour,
    "against": _CKG.Against,
    "abstaining": _CKG.Abstaining,
    "absent": _CKG.Absent,
    "not-participating": _CKG.NotParticipating,
}
# How a vote is known (Vote.basis): listed by name, or derived from unanimity.
BASIS = {
    "listed": _CKG.ListedInVoteNote,
    "derived": _CKG.DerivedFromUnanimity,
}
FORMAT = {
    "briefing": _CKG.BriefingFormat,
    "debate": _CKG.DebateFormat,
    "open-debate": _CKG.OpenDebateFormat,
    "adoption": _CKG.AdoptionFormat,
    "private": _CKG.PrivateFormat,
}
MODALITY = {
    "vote": _CKG.ByVote,
    "written-procedure": _CKG.ByWrittenProcedure,
    "without-vote": _CKG.WithoutVote,
}
GROUP = {"all-council-members": _CKG.AllCouncilMembers, "all-invitees": _CKG.AllInvitees}
_DOC_CLASS, _POSITION, _BASIS = _texts(DOC_CLASS), _texts(POSITION), _texts(BASIS)
_FORMAT, _MODALITY, _GROUP = _texts(FORMAT), _texts(MODALITY), _texts(GROUP)


class Mapper:
    """Maps the records of one source file to N-Triples lines (:attr:`out`).

    Every term is N-Triples text (``<iri>``, ``"lexical"@lang``,
    ``"lexical"^^<datatype>``), as :func:`~councilkg.ingest.ntriples.term`
    writes it; :attr:`m` mints IRIs as such text.
    """

    def __init__(self, minter: Minter, records: list[Record]) -> None:
        self.m = _Iris(minter)
        self.records = records
        source = next(r for r in records if isinstance(r, SourceFile))
        self.source = source
        self.lang = source.language
        self.period = source.period or "unknown"
        self.out: set[str] = set()
        self.spans: set[tuple[int, int]] = set()
        self._instrument_mentions: list[Mention] | None = None
        self._citations: set[str] = set()
        self._unit_text_cache: dict[str, str] | None = None
        self._spoken: dict[tuple[str, int, str], set[str]] | None = None

    # -- helpers ---------------------------------------------------------
    def add(self, s: str, p: str, o: str | None) -> None:
        """Add the triple's line unless the object is missing."""
        if o is not None:
            self.out.add(f"{s} {p} {o} .\n")

    def text(self, value: str | None) -> str | None:
        """A literal in the edition's language."""
        return _text(value, self.lang) if value else None

    def prov(self, node: str, prov: Provenance, *, ordered: bool = False) -> None:
        """``node prov:wasDerivedFrom`` the passage, table row or footnote
        that states it (its block), or a span of the source in no block.

        The block is the text selector: one per passage, cell or footnote,
        with its offsets in the file (``oa:start``, ``oa:end``), its text as
        read, its first line and page (:meth:`_block`); every fact it states
        points at it.  Why not a span of its own per fact, with its quoted
        characters, line and page: that costs six quads a fact, nearly a third
        of the graph's bytes, while what a reader cites is the page,
        paragraph, table row or footnote.  The typed records
        (``--records``) still give each fact's own characters.

        ``ordered``: the node also gets the offset of its own characters
        (``ckg:offset``), for facts whose order in the text is part of the
        record (who spoke, was invited, briefed or sponsored, in the order
        named).

        A span in no block (a finding about the whole file) keeps its own
        selector: offsets, quoted characters, line, page and its source
        (``oa:hasSource``).
        """
        if ordered:
            # Where the text names it: the order of the speakers, invitees,
            # briefers … that one passage lists is a fact of the record.
            self.add(node, CKG.offset, _lit(prov.start))
        if prov.block_kind not in _NO_BLOCK:
            self.add(node, PROV.wasDerivedFrom, self.m.passage(prov.sha256, prov.block_id))
            return
        span = self.m.span(prov.sha256, prov.start, prov.end)
        self.add(node, PROV.wasDerivedFrom, span)
        if (prov.start, prov.end) in self.spans:
            return
        self.spans.add((prov.start, prov.end))
        self.add(span, OA.start, _lit(prov.start))
        self.add(span, OA.end, _lit(prov.end))
        exact = prov.text if prov.exact is None else prov.exact
        self.add(span, OA.exact, _lit(exact))
        self.add(span, CKG.lineNumber, _lit(prov.line))
        self.add(span, CKG.onPage, self.m.page(prov.sha256, prov.page))
        self.add(span, OA.hasSource, self.m.source(prov.sha256))

    def date(self, value: dt.date | None) -> str | None:
        """An ``xsd:date`` literal."""
        return _date(value) if value else None

    def actor(self, kind: str, ref: str) -> str | None:
        """The node of an invitee/speaker/mention reference."""
        if kind == "state":
            return self.m.state(ref)
        if kind == "role":
            return self.m.role(ref)
        if kind in ("organization", "historical"):
            return self.m.organization(ref)
        if kind == "group":
            return _GROUP.get(ref)
        if kind == "instrument":
            return self.m.instrument(ref)
        return None

    # -- records ---------------------------------------------------------
    def run(self) -> set[str]:
        """Map every record; returns the N-Triples lines (unsorted)."""
        for record in self.records:
            self.record(record)
        self.vote_events()
        return self.out

    def record(self, record: Record) -> None:
        """Map one record with the handler of its class.

        A ``match`` on the record classes rather than a table of bound
        methods: mypy narrows ``record`` in each case, so every handler is
        checked against the class it is given.  A record class without a case
        is a programming error, raised rather than dropped.
        """
        match record:
            case SourceFile():
                self.source_file(record)
            case ItemGroup():
                self.item_group(record)
            case Item():
                self.item(record)
            case Meeting():
                self.meeting(record)
            case Videoconference():
                self.videoconference(record)
            case Decision():
                self.decision(record)
            case Vote():
                self.vote(record)
            case Representation():
                self.representation(record)
            case Speaker():
                self.speaker(record)
            case Briefer():
                self.briefer(record)
            case Sponsor():
                self.sponsor(record)
            case Document():
                self.document(record)
            case Citation():
                self.citation(record)
            case DocumentCitation():
                self.document_citation(record)
            case Footnote():
                self.footnote(record)
            case Letter():
                self.letter(record)
            case Mention():
                self.mention(record)
            case Passage():
                self.passage(record)
            case Unparsed():
                self.unparsed(record)
            case Finding():
                self.finding(record)
            case _:
                raise TypeError(f"no RDF mapping for {type(record).__name__} records")

    def source_file(self, r: SourceFile) -> None:
        src = self.m.source(r.sha256)
        self.add(src, RDF.type, CKG.SourceFile)
        self.add(src, RDFS.label, _lit(r.name))
        self.add(src, CKG.sha256, _lit(r.sha256))
        self.add(src, CKG.byteSize, _lit(r.size))
        self.add(src, DCTERMS.language, _lit(r.language))
        self.add(src, CKG.period, _lit(r.period) if r.period else None)
        self.add(src, CKG.jobNumber, _lit(r.job_number) if r.job_number else None)
        self.add(src, CKG.pageCount, _lit(r.pages))
        supplement = self.m.supplement(self.period)
        self.add(src, CKG.supplement, supplement)
        self.add(supplement, RDF.type, CKG.RepertoireSupplement)
        self.add(supplement, CKG.period, _lit(self.period))
        printed = dict(r.printed_pages)
        for index in range(r.pages):
            page = self.m.page(r.sha256, index)
            self.add(page, RDF.type, CKG.Page)
            self.add(page, CKG.ofSource, src)
            self.add(page, CKG.pageIndex, _lit(index))
            if index in printed:
                self.add(page, CKG.printedPage, _lit(printed[index]))
                if index not in r.stated_pages:
                    self.add(page, CKG.printedPageInferred, _lit(True))

    def item_group(self, r: ItemGroup) -> None:
        node = self.m.item_group(r.key)
        self.add(node, RDF.type, CKG.ItemGroup)
        self.add(node, CKG.key, _lit(r.key))
        self.add(node, SKOS.prefLabel, _text(r.title, r.language))
        if r.title_en:
            self.add(node, SKOS.prefLabel, _text(r.title_en, "en"))
        self.add(node, CKG.itemNumber, _lit(r.number))
        self.prov(node, r.prov)

    def item(self, r: Item) -> None:
        node = self.m.item(r.key)
        self.add(node, RDF.type, CKG.AgendaItem)
        self.add(node, SKOS.inScheme, self.m.item_scheme())
        self.add(node, CKG.key, _lit(r.key))
        self.add(node, CKG.curated, _lit(r.curated))
        self.add(node, SKOS.prefLabel, _text(r.title, r.language))
        if r.title_en:
            self.add(node, SKOS.prefLabel, _text(r.title_en, "en"))
        self.add(node, CKG.itemNumber, _lit(r.number) if r.number else None)
        self.add(node, CKG.subsectionLetter, _lit(r.subsection) if r.subsection else None)
        if r.group_key:
            group = self.m.item_group(r.group_key)
            self.add(node, CKG.itemGroup, group)
            self.add(group, SKOS.member, node)
        self.prov(node, r.prov, ordered=True)

    def _event_common(self, node: str, r: Meeting | Videoconference) -> None:
        self.add(node, DCTERMS.date, self.date(r.date))
        # The year as an integer key: a year filter binds it before the joins.
        self.add(node, CKG.year, _lit(r.date.year) if r.date else None)
        self.add(node, CKG.agendaItem, self.m.item(r.item_key))
        # The item once more, on events alone: a query for an item's events
        # looks them up, where ckg:agendaItem also links every passage,
        # footnote, position and briefing of the item.
        self.add(node, CKG.eventItem, self.m.item(r.item_key))
        for symbol in r.decisions:
            self.add(node, CKG.decision, self.m.document(symbol))
            self.add(self.m.document(symbol), CKG.takenAt, node)
        self.prov(node, r.prov)

    def _invitations(
        self, event: str, rule: str, tag: str, invitees: Iterable[Invitee], prov: Provenance
    ) -> None:
        for inv in invitees:
            target = self.actor(inv.kind, inv.ref)
            node = self.m.node(event, "invitation", tag, inv.kind, inv.ref)
            self.add(node, RDF.type, CKG.Invitation)
            self.add(node, CKG.event, event)
            self.add(node, CKG.invitationRule, rule)
            self.add(node, CKG.invitee, target)
            self.add(node, RDFS.label, _text(inv.label, self.lang))
            self.prov(node, inv.prov or prov, ordered=True)

    def meeting(self, r: Meeting) -> None:
        node = self.m.meeting(r.record)
        self.add(node, RDF.type, CKG.Meeting)
        self.add(node, CKG.record, self.m.document(r.record))
        self.add(node, CKG.subItem, self.text(r.sub_item))
        if r.sub_item_key:
            concept = self.m.sub_item(r.item_key, r.sub_item_key)
            self.add(node, CKG.subItemConcept, concept)
            self.add(concept, RDF.type, CKG.SubItem)
            self.add(concept, SKOS.broader, self.m.item(r.item_key))
            self.add(concept, SKOS.inScheme, self.m.item_scheme())
            self.add(concept, CKG.key, _lit(r.sub_item_key))
            self.add(concept, SKOS.prefLabel, self.text(r.sub_item))
            if r.sub_item_en:
                self.add(concept, SKOS.prefLabel, _text(r.sub_item_en, "en"))
        self.add(node, CKG.format, _FORMAT.get(r.format or ""))
        for symbol in r.other_documents:
            self.add(node, CKG.otherDocument, self.m.document(symbol))
        self._event_common(node, r)
        self._invitations(node, CKG.Rule37, "rule37", r.rule37, r.prov)
        self._invitations(node, CKG.Rule39AndOther, "rule39", r.rule39, r.prov)
        for sp in r.speakers:
            target = self.actor(sp.kind, sp.ref)
            part = self.m.node(node, "participant", sp.kind, sp.ref)
            self.add(part, RDF.type, CKG.Participation)
            self.add(part, CKG.event, node)
            self.add(part, CKG.participant, target)
            self.add(part, RDFS.label, _text(sp.label, self.lang))
            self.prov(part, sp.prov or r.prov, ordered=True)

    def videoconference(self, r: Videoconference) -> None:
        node = self.m.videoconference(r.date, r.item_key)
        self.add(node, RDF.type, CKG.Videoconference)
        if r.record:
            self.add(node, CKG.record, self.m.document(r.record))
        else:
            self.add(node, CKG.noRecord, _lit(True))
            self.add(node, CKG.recordNote, self.text(r.record_note))
            for symbol in r.record_note_cites:
                self.add(node, CITO.cites, self.m.document(symbol))
        self.add(node, CKG.recordTitle, self.text(r.record_title))
        if r.record and r.record_date:
            self.add(self.m.document(r.record), DCTERMS.date, self.date(r.record_date))
        if r.open is not None:
            self.add(node, CKG.open, _lit(r.open))
        self._event_common(node, r)

    def decision(self, r: Decision) -> None:
        doc = self.m.document(r.symbol)
        self.add(doc, RDF.type, _DOC_CLASS.get(r.kind, CKG.Document))
        self.add(doc, CKG.agendaItem, self.m.item(r.item_key))
        self.add(doc, CKG.takenAt, self.m.event(r.event))
        if r.adopted is not None:
            self.add(doc, CKG.adopted, _lit(r.adopted))
        self.add(doc, CKG.modality, _MODALITY.get(r.modality))
        if r.written_procedure_record:
            self.add(doc, CKG.writtenProcedureRecord, self.m.document(r.written_procedure_record))
        self.prov(doc, r.prov, ordered=True)
        if r.votes_for is None and not r.unanimous:
            return
        # A vote event where the table gives counts, or says "adopted
        # unanimously" without them (the members' votes are then derived).
        ve = self.m.vote_event(r.symbol)
        self.add(doc, CKG.voteEvent, ve)
        self.add(ve, RDF.type, CKG.VoteEvent)
        self.add(ve, CKG.onDraft, doc)
        self.add(ve, CKG.event, self.m.event(r.event))
        self.add(ve, DCTERMS.date, self.date(r.date))
        self.add(ve, CKG.year, _lit(r.date.year) if r.date else None)
        if r.unanimous:
            self.add(ve, CKG.unanimous, _lit(True))
        if r.votes_for is not None:
            self.add(ve, CKG.votesFor, _lit(r.votes_for))
            self.add(ve, CKG.votesAgainst, _lit(r.votes_against))
            self.add(ve, CKG.votesAbstaining, _lit(r.votes_abstaining))
            for position, value in (
                ("for", r.votes_for),
                ("against", r.votes_against),
                ("abstaining", r.votes_abstaining),
            ):
                count = below(ve, f"/count/{position}")
                self.add(ve, CKG.count, count)
                self.add(count, RDF.type, CKG.VoteCount)
                self.add(count, CKG.countOption, _POSITION[position])
                self.add(count, CKG.countValue, _lit(value))
        if r.adopted is not None:
            self.add(ve, CKG.result, CKG.Adopted if r.adopted else CKG.NotAdopted)
        self.prov(ve, r.prov)

    def vote_events(self) -> None:
        """Reasons for non-adoption, from the counts and per-member votes (Article 27)."""
        decisions = {r.symbol: r for r in self.records if isinstance(r, Decision)}
        votes: dict[str, list[Vote]] = {}
        for r in self.records:
            if isinstance(r, Vote):
                votes.setdefault(r.draft, []).append(r)
        for symbol, d in decisions.items():
            if d.votes_for is None or d.adopted is not False:
                continue
            ve = self.m.vote_event(symbol)
            permanent_against = [
                v.member
                for v in votes.get(symbol, [])
                if v.position == "against" and v.member in membership.permanent_members(d.date.year)
            ]
            for iso3 in permanent_against:
                self.add(ve, CKG.permanentMemberAgainst, self.m.state(iso3))
            if d.votes_for < 9:
                self.add(ve, CKG.failureReason, CKG.InsufficientVotes)
            elif permanent_against:
                self.add(ve, CKG.failureReason, CKG.Veto)
                for iso3 in permanent_against:
                    self.add(ve, CKG.vetoedBy, self.m.state(iso3))

    def vote(self, r: Vote) -> None:
        node = self.m.vote(r.draft, r.member)
        ve = self.m.vote_event(r.draft)
        self.add(node, RDF.type, CKG.Vote)
        self.add(node, CKG.inVoteEvent, ve)
        self.add(node, CKG.voter, self.m.state(r.member))
        self.add(node, CKG.position, _POSITION[r.position])
        self.add(node, CKG.basis, _BASIS[r.basis])
        self.prov(node, r.prov)
        if r.basis == "derived":
            # What the vote is derived from besides the span: the count in
            # favour (when the table gives counts) and the member's term.
            decision = self._decisions().get(r.draft)
            if decision is not None and decision.votes_for is not None:
                self.add(node, CKG.derivedFromCount, below(ve, "/count/for"))
            for term in membership.terms():
                if term.iso3 == r.member and term.covers(r.date.year):
                    term_node = self.m.membership(r.member, term.first_year)
                    self.add(node, CKG.derivedFromMembership, term_node)

    def _spoken_at(self) -> dict[tuple[str, int, str], set[str]]:
        """The events at which each actor or role spoke, by (item key, year,
        the actor's or role's node): the participations this text records,
        for a briefing's ckg:briefedAt.

        Why at ingest: a query for an item's briefers with their events
        otherwise walks every participation of every event of the item and
        joins it on the briefer (at 1M triples, 1,425 participations read
        for 375 briefings: 64 of the query's 112 ms).
        """
        if self._spoken is not None:
            return self._spoken
        events: dict[str, tuple[str, int]] = {}
        spoken: dict[tuple[str, int, str], set[str]] = {}
        speakers: list[tuple[str, list[str | None]]] = []
        for rec in self.records:
            if isinstance(rec, Meeting | Videoconference) and rec.date is not None:
                node = (
                    self.m.meeting(rec.record)
                    if isinstance(rec, Meeting)
                    else self.m.videoconference(rec.date, rec.item_key)
                )
                events[node] = (rec.item_key, rec.date.year)
                if isinstance(rec, Meeting):
                    speakers.extend((node, [self.actor(sp.kind, sp.ref)]) for sp in rec.speakers)
            elif isinstance(rec, Speaker):
                role = self.m.role(rec.role) if rec.role else None
                speakers.append((self.m.event(rec.event), [self.actor(rec.kind, rec.ref), role]))
        for event, actors in speakers:
            if event in events:
                item_key, year = events[event]
                for actor in actors:
                    if actor is not None:
                        spoken.setdefault((item_key, year, actor), set()).add(event)
        self._spoken = spoken
        return spoken

    def _decisions(self) -> dict[str, Decision]:
        cache: dict[str, Decision] | None = getattr(self, "_decision_cache", None)
        if cache is None:
            cache = {r.symbol: r for r in self.records if isinstance(r, Decision)}
            self._decision_cache = cache
        return cache

    def representation(self, r: Representation) -> None:
        event = self.m.event(r.event)
        node = self.m.node(event, "representation", r.state)
        self.add(node, RDF.type, CKG.Representation)
        self.add(node, CKG.event, event)
        self.add(node, CKG.represented, self.m.state(r.state))
        self.add(node, CKG.representedBy, self.m.role(r.role))
        self.prov(node, r.prov)

    def speaker(self, r: Speaker) -> None:
        event = self.m.event(r.event)
        node = self.m.node(event, "speaker", r.kind, r.ref)
        self.add(node, RDF.type, CKG.Participation)
        self.add(node, CKG.event, event)
        self.add(node, CKG.participant, self.actor(r.kind, r.ref))
        if r.capacity:
            self.add(node, CKG.capacity, _lit(r.capacity))
        if r.role:
            self.add(node, CKG.inRole, self.m.role(r.role))
        if r.state:
            self.add(node, CKG.heldByState, self.m.state(r.state))
        self.prov(node, r.prov, ordered=True)

    def briefer(self, r: Briefer) -> None:
        item = self.m.item(r.item_key)
        node = self.m.node(item, "briefing", self.period, r.role)
        briefer = self.m.role(r.role)
        self.add(node, RDF.type, CKG.ItemBriefing)
        self.add(node, CKG.agendaItem, item)
        # The item once more, on briefings alone (as ckg:eventItem on events):
        # ckg:agendaItem also links every passage, footnote, position and
        # event of the item, twenty times the item's briefings.
        self.add(node, CKG.briefingItem, item)
        self.add(node, CKG.briefer, briefer)
        spoken = self._spoken_at()
        for year in _period_years(self.period):
            for event in sorted(spoken.get((r.item_key, year, briefer), ())):
                self.add(node, CKG.briefedAt, event)
        self.add(node, CKG.period, _lit(self.period))
        if r.state:
            self.add(node, CKG.heldByState, self.m.state(r.state))
        self.prov(node, r.prov, ordered=True)

    def sponsor(self, r: Sponsor) -> None:
        doc = self.m.document(r.draft)
        node = self.m.node(doc, "sponsorship", r.state)
        self.add(doc, CKG.sponsor, self.m.state(r.state))
        self.add(node, RDF.type, CKG.Sponsorship)
        self.add(node, CKG.draft, doc)
        self.add(node, CKG.sponsorState, self.m.state(r.state))
        self.prov(node, r.prov, ordered=True)

    def document(self, r: Document) -> None:
        node = self.m.document(r.symbol)
        self.add(node, RDF.type, _DOC_CLASS.get(r.kind, CKG.Document))
        if r.kind != "document":
            self.add(node, RDF.type, CKG.Document)
        self.add(node, CKG.symbol, _lit(r.symbol))
        # Its label (ckg:displaySymbol is a sub-property of rdfs:label).
        self.add(node, CKG.displaySymbol, _lit(r.display))
        self.add(node, RDFS.seeAlso, f"<{r.url}>")

    def _citing_node(self, prov: Provenance, footnote: int | None) -> str:
        if footnote is not None:
            return self.m.footnote(self.period, footnote)
        if prov.block_kind == "link-list":
            return self.m.page(prov.sha256, prov.page)
        return self.m.passage(prov.sha256, prov.block_id)

    def citation(self, r: Citation) -> None:
        document = self.m.document(r.symbol)
        citing = self._citing_node(r.prov, r.footnote)
        self.add(citing, CITO.cites, document)
        if r.sentence is not None:
            self._citation_node(citing, r.symbol, r.sentence)

    def document_citation(self, r: DocumentCitation) -> None:
        """A document citing another, as a citation of its own: the same
        cito:Citation shape as a passage's, the citing unit a document."""
        citing = self.m.document(r.citing)
        self.add(citing, CITO.cites, self.m.document(r.cited))
        self._citation_node(citing, r.cited, r.prov)

    def _citation_node(self, citing: str, symbol: str, sentence: Provenance) -> None:
        """The citation itself (CiTO's cito:Citation), once per citing unit
        and document: the sentence that cites, the first where there are
        several.

        Nothing the citing unit states already: the sentence is left out
        where it is the citing passage's or footnote's whole text (its
        ``ckg:text`` in the same language), and the provenance where the
        citing unit is the passage the sentence lies in (it is derived from
        its citing entity).  The queries read the citing unit's then.
        """
        node = self.m.node(citing, "cites", symbol)
        if node in self._citations:
            return
        self._citations.add(node)
        self.add(node, RDF.type, CITO.Citation)
        self.add(node, CITO.hasCitingEntity, citing)
        self.add(node, CITO.hasCitedEntity, self.m.document(symbol))
        if self._unit_texts().get(citing) != sentence.text:
            self.add(node, CKG.text, self.text(sentence.text))
        in_block = sentence.block_kind not in _NO_BLOCK
        if not (in_block and citing == self.m.passage(sentence.sha256, sentence.block_id)):
            self.prov(node, sentence)

    def _unit_texts(self) -> dict[str, str]:
        """The text of each passage and footnote of this source, by node."""
        texts = self._unit_text_cache
        if texts is None:
            texts = {}
            for rec in self.records:
                if isinstance(rec, Passage):
                    texts[self.m.passage(rec.prov.sha256, rec.block_id)] = rec.text
                elif isinstance(rec, Footnote):
                    texts[self.m.footnote(self.period, rec.number)] = rec.text
            self._unit_text_cache = texts
        return texts

    def footnote(self, r: Footnote) -> None:
        node = self.m.footnote(self.period, r.number)
        self.add(node, RDF.type, CKG.Footnote)
        self.add(node, CKG.supplement, self.m.supplement(self.period))
        if r.cites:
            self.add(node, CKG.orderedCites, _lit(" ".join(r.cites)))
        self.add(node, CKG.footnoteNumber, _lit(r.number))
        self.add(node, CKG.period, _lit(self.period))
        self.add(node, CKG.text, self.text(r.text))
        if r.continued:
            self.add(node, CKG.continuesAfterBreak, _lit(True))
        if r.ibid:
            self.add(node, CKG.ibid, _lit(True))
        if r.item_key:
            self.add(node, CKG.agendaItem, self.m.item(r.item_key))
        if r.event:
            self.add(node, CKG.event, self.m.event(r.event))
        if r.passage:
            passage = self.m.passage(r.prov.sha256, r.passage)
            self.add(node, CKG.inPassage, passage)
            self.add(passage, CKG.footnoteMarker, _lit(r.number))
        self.prov(node, r.prov)
        if r.states:
            pos = self.m.position(self.period, r.number)
            self.add(pos, RDF.type, CKG.Position)
            self.add(pos, CKG.statedIn, node)
            self.add(pos, CKG.orderedStates, _lit(" ".join(r.states)))
            for iso3 in r.states:
                self.add(pos, CKG.attributedTo, self.m.state(iso3))
            if r.event:
                self.add(pos, CKG.event, self.m.event(r.event))
            self.add(pos, DCTERMS.date, self.date(r.event_date))
            self.add(pos, CKG.year, _lit(r.event_date.year) if r.event_date else None)
            if r.item_key:
                self.add(pos, CKG.agendaItem, self.m.item(r.item_key))
            if r.passage:
                self.add(pos, CKG.inPassage, self.m.passage(r.prov.sha256, r.passage))
            self.prov(pos, r.prov)
            if r.statement is not None:
                # What the States expressed: the sentence their footnote's
                # marker closes, its stance, and what it is about.
                self.add(pos, CKG.text, self.text(r.statement.text))
                self.prov(pos, r.statement)
                for stance in r.stances:
                    self.add(pos, CKG.stance, CKG[stance])
                if r.stances:
                    self.add(pos, CKG.orderedStances, _lit(" ".join(r.stances)))
                for symbol in r.subjects:
                    self.add(pos, DCTERMS.subject, self.m.document(symbol))
                for key in self._instruments_in(r.statement):
                    self.add(pos, DCTERMS.subject, self.m.instrument(key))

    def _instruments_in(self, span: Provenance) -> list[str]:
        """The instruments the text names within ``span`` (their mentions)."""
        if self._instrument_mentions is None:
            self._instrument_mentions = [
                r for r in self.records if isinstance(r, Mention) and r.kind == "instrument"
            ]
        return sorted(
            {
                m.ref
                for m in self._instrument_mentions
                if m.prov.block_id == span.block_id
                and span.start <= m.prov.start
                and m.prov.end <= span.end
            }
        )

    def letter(self, r: Letter) -> None:
        node = self.m.document(r.symbol)
        self.add(node, RDF.type, CKG.Letter)
        self.add(node, DCTERMS.date, self.date(r.date))
        for iso3 in r.senders:
            self.add(node, CKG.sender, self.m.state(iso3))
        for iso3 in r.on_behalf_of:
            self.add(node, CKG.onBehalfOf, self.m.state(iso3))
        if r.footnote is not None:
            self.add(node, CKG.describedIn, self.m.footnote(self.period, r.footnote))
        self.prov(node, r.prov, ordered=True)

    def mention(self, r: Mention) -> None:
        target = self.actor(r.kind, r.ref)
        if target is None:
            return
        footnote = None
        if r.prov.block_kind == "footnote":
            footnote = next(
                (f.number for f in self._footnotes_by_block().get(r.prov.block_id, [])), None
            )
        self.add(self._citing_node(r.prov, footnote), CKG.mentions, target)

    def _footnotes_by_block(self) -> dict[str, list[Footnote]]:
        cache = getattr(self, "_fn_cache", None)
        if cache is None:
            cache = {}
            for rec in self.records:
                if isinstance(rec, Footnote):
                    cache.setdefault(rec.prov.block_id, []).append(rec)
            self._fn_cache = cache
        return cache

    def passage(self, r: Passage) -> None:
        node = self.m.passage(r.prov.sha256, r.block_id)
        self._block(node, r.prov, CKG.SourcePassage, r.text)
        if r.item_key:
            self.add(node, CKG.agendaItem, self.m.item(r.item_key))
        for event in r.events:
            self.add(node, CKG.event, self.m.event(event))

    def _block(self, node: str, prov: Provenance, cls: str, text: str) -> None:
        self.add(node, RDF.type, cls)
        self.add(node, RDF.type, CKG.SourcePassage)
        self.add(node, CKG.ofSource, self.m.source(prov.sha256))
        self.add(node, CKG.blockKind, _lit(prov.block_kind))
        self.add(node, CKG.text, self.text(text))
        self.add(node, CKG.onPage, self.m.page(prov.sha256, prov.page))
        self.add(node, CKG.lineNumber, _lit(prov.line))
        # The block is the selector its facts point at (:meth:`prov`).
        self.add(node, OA.start, _lit(prov.start))
        self.add(node, OA.end, _lit(prov.end))

    def unparsed(self, r: Unparsed) -> None:
        node = self.m.passage(r.prov.sha256, r.prov.block_id)
        self._block(node, r.prov, CKG.UnparsedPassage, r.prov.text)
        # Not derived from anything else: it is the selector of its text.
        self.add(node, CKG.reason, _lit(r.reason))

    def finding(self, r: Finding) -> None:
        node = self.m.finding(r.prov.sha256, r.code, r.prov.start, r.prov.end, r.message)
        self.add(node, RDF.type, CKG.Finding)
        self.add(node, CKG.findingCode, _lit(r.code))
        self.add(node, CKG.message, _lit(r.message))
        self.add(node, CKG.findingSource, self.m.source(r.prov.sha256))
        self.prov(node, r.prov)


def to_ntriples(records: list[Record], minter: Minter | None = None) -> list[str]:
    """The sorted N-Triples lines of one source's records: the lines
    :func:`~councilkg.ingest.ntriples.ntriples_lines` writes of
    :func:`to_triples`, without building the rdflib terms."""
    return sorted(Mapper(minter or Minter(), records).run())


def to_triples(records: list[Record], minter: Minter | None = None) -> set[Triple]:
    """All triples of one source's records, as rdflib terms."""
    return triples_of_lines(Mapper(minter or Minter(), records).run())
