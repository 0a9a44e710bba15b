"""Stage 3: typed records → RDF triples (no blank nodes, deterministic).

Why no blank nodes: the same input must give byte-identical sorted
N-Triples and re-ingesting must not duplicate anything, so every node has an
IRI minted from its language-neutral key (:mod:`councilkg.ingest.iris`).  Provenance:
each fact-bearing node is ``prov:wasDerivedFrom`` a source span: its
characters' offsets and the characters themselves (Web Annotation's
text-position and text-quote terms, on the span itself), and the block
(``ckg:SourcePassage``, in its source file), line and page it lies on.
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


class _Terms:
    """A namespace whose terms are looked up once and then kept.

    Why: rdflib builds (and, for a closed namespace, checks) a new
    :class:`URIRef` on every attribute access, some microseconds each; the
    mapping reads a term for nearly every triple it writes.  An unknown
    term still raises, from the namespace itself, on first use.
    """

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        value: URIRef = getattr(self._namespace, name)
        setattr(self, name, value)
        return value

    def __getitem__(self, name: str) -> URIRef:
        return self.__getattr__(name)


RDF, RDFS, XSD = _Terms(_RDF), _Terms(_RDFS), _Terms(_XSD)
DCTERMS, PROV, SKOS = _Terms(_DCTERMS), _Terms(_PROV), _Terms(_SKOS)
CITO, CKG, OA = _Terms(_CITO), _Terms(_CKG), _Terms(_OA)

Triple = tuple[Node, Node, Node]

DOC_CLASS = {
    "resolution": CKG.Resolution,
    "presidential-statement": CKG.PresidentialStatement,
    "meeting-record": CKG.MeetingRecord,
    "draft-resolution": CKG.DraftResolution,
    "letter": CKG.Letter,
    "report-of-the-secretary-general": CKG.SecretaryGeneralReport,
    "report-of-the-security-council-to-the-general-assembly": CKG.CouncilAnnualReport,
    "ga-document": CKG.GADocument,
    "ga-resolution": CKG.GAResolution,
    "agenda": CKG.Agenda,
    "document": CKG.Document,
}
POSITION = {
    "for": CKG.InFavour,
    "against": CKG.Against,
    "abstaining": CKG.Abstaining,
    "absent": CKG.Absent,
    "not-participating": CKG.NotParticipating,
}
# How a vote is known (Vote.basis): listed by name, or derived from unanimity.
BASIS = {
    "listed": CKG.ListedInVoteNote,
    "derived": CKG.DerivedFromUnanimity,
}
FORMAT = {
    "briefing": CKG.BriefingFormat,
    "debate": CKG.DebateFormat,
    "open-debate": CKG.OpenDebateFormat,
    "adoption": CKG.AdoptionFormat,
    "private": CKG.PrivateFormat,
}
MODALITY = {
    "vote": CKG.ByVote,
    "written-procedure": CKG.ByWrittenProcedure,
    "without-vote": CKG.WithoutVote,
}
GROUP = {"all-council-members": CKG.AllCouncilMembers, "all-invitees": CKG.AllInvitees}


class Mapper:
    """Maps the records of one source file to triples."""

    def __init__(self, minter: Minter, records: list[Record]) -> None:
        self.m = minter
        self.records = records
        source = next(r for r in records if isinstance(r, SourceFile))
        self.source = source
        self.lang = source.language
        self.period = source.period or "unknown"
        self.out: set[Triple] = set()
        self.spans: set[tuple[int, int]] = set()
        self._instrument_mentions: list[Mention] | None = None
        self._citations: set[URIRef] = set()

    # -- helpers ---------------------------------------------------------
    def add(self, s: Node, p: Node, o: Node | None) -> None:
        """Add a triple unless the object is missing."""
        if o is not None:
            self.out.add((s, p, o))

    def text(self, value: str | None) -> Literal | None:
        """A literal in the edition's language."""
        return Literal(value, lang=self.lang) if value else None

    def prov(self, node: URIRef, prov: Provenance) -> None:
        """``node prov:wasDerivedFrom <span>`` and the span's description.

        The span is its own selector: a node with Web Annotation's
        text-position (``oa:start``, ``oa:end``) and text-quote (``oa:exact``)
        terms on it, its line, page and block (``ckg:block``, whose
        ``ckg:ofSource`` is the span's source), or, for a span in no block
        (a finding's), its source (``oa:hasSource``).  Why not a
        ``oa:SpecificResource`` with two selector nodes and three
        ``rdf:type`` statements: those were 13 quads a span, half the bytes
        of a source's graph, and said nothing these 6 do not.  Its class
        (``ckg:SourceSpan``) is not stated: a span is what a fact is
        ``prov:wasDerivedFrom``, and the shapes target it so.
        """
        span = self.m.span(prov.sha256, prov.start, prov.end)
        self.add(node, PROV.wasDerivedFrom, span)
        if (prov.start, prov.end) in self.spans:
            return
        self.spans.add((prov.start, prov.end))
        self.add(span, OA.start, Literal(prov.start))
        self.add(span, OA.end, Literal(prov.end))
        exact = prov.text if prov.exact is None else prov.exact
        self.add(span, OA.exact, Literal(exact))
        if prov.text and prov.text != exact:
            # The quote as read (lines joined, page furniture out), for pages.
            self.add(span, CKG.readingText, Literal(prov.text))
        self.add(span, CKG.lineNumber, Literal(prov.line))
        self.add(span, CKG.onPage, self.m.page(prov.sha256, prov.page))
        if prov.block_kind in ("source", "finding"):
            self.add(span, OA.hasSource, self.m.source(prov.sha256))
        else:
            # Its source is its block's (``ckg:block/ckg:ofSource``).
            self.add(span, CKG.block, self.m.passage(prov.sha256, prov.block_id))

    def date(self, value: dt.date | None) -> Literal | None:
        """An ``xsd:date`` literal."""
        return Literal(value.isoformat(), datatype=XSD.date) if value else None

    def actor(self, kind: str, ref: str) -> URIRef | None:
        """The node of an invitee/speaker/mention reference."""
        if kind == "state":
            return self.m.state(ref)
        if kind == "role":
            return self.m.role(ref)
        if kind in ("organization", "historical"):
            return self.m.organization(ref)
        if kind == "group":
            return GROUP.get(ref)
        if kind == "instrument":
            return self.m.instrument(ref)
        return None

    # -- records ---------------------------------------------------------
    def run(self) -> set[Triple]:
        """Map every record; returns the triples."""
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
        self.add(src, RDFS.label, Literal(r.name))
        self.add(src, CKG.sha256, Literal(r.sha256))
        self.add(src, CKG.byteSize, Literal(r.size))
        self.add(src, DCTERMS.language, Literal(r.language))
        self.add(src, CKG.period, Literal(r.period) if r.period else None)
        self.add(src, CKG.jobNumber, Literal(r.job_number) if r.job_number else None)
        self.add(src, CKG.pageCount, Literal(r.pages))
        supplement = self.m.supplement(self.period)
        self.add(src, CKG.supplement, supplement)
        self.add(supplement, RDF.type, CKG.RepertoireSupplement)
        self.add(supplement, CKG.period, Literal(self.period))
        printed = dict(r.printed_pages)
        for index in range(r.pages):
            page = self.m.page(r.sha256, index)
            self.add(page, RDF.type, CKG.Page)
            self.add(page, CKG.ofSource, src)
            self.add(page, CKG.pageIndex, Literal(index))
            if index in printed:
                self.add(page, CKG.printedPage, Literal(printed[index]))
                if index not in r.stated_pages:
                    self.add(page, CKG.printedPageInferred, Literal(True))

    def item_group(self, r: ItemGroup) -> None:
        node = self.m.item_group(r.key)
        self.add(node, RDF.type, CKG.ItemGroup)
        self.add(node, CKG.key, Literal(r.key))
        self.add(node, SKOS.prefLabel, Literal(r.title, lang=r.language))
        if r.title_en:
            self.add(node, SKOS.prefLabel, Literal(r.title_en, lang="en"))
        self.add(node, CKG.itemNumber, Literal(r.number))
        self.prov(node, r.prov)

    def item(self, r: Item) -> None:
        node = self.m.item(r.key)
        self.add(node, RDF.type, CKG.AgendaItem)
        self.add(node, SKOS.inScheme, self.m.item_scheme())
        self.add(node, CKG.key, Literal(r.key))
        self.add(node, CKG.curated, Literal(r.curated))
        self.add(node, SKOS.prefLabel, Literal(r.title, lang=r.language))
        if r.title_en:
            self.add(node, SKOS.prefLabel, Literal(r.title_en, lang="en"))
        self.add(node, CKG.itemNumber, Literal(r.number) if r.number else None)
        self.add(node, CKG.subsectionLetter, Literal(r.subsection) if r.subsection else None)
        if r.group_key:
            group = self.m.item_group(r.group_key)
            self.add(node, CKG.itemGroup, group)
            self.add(group, SKOS.member, node)
        self.prov(node, r.prov)

    def _event_common(self, node: URIRef, r: Meeting | Videoconference) -> None:
        self.add(node, DCTERMS.date, self.date(r.date))
        # The year as an integer key: a year filter binds it before the joins.
        self.add(node, CKG.year, Literal(r.date.year) if r.date else None)
        self.add(node, CKG.agendaItem, self.m.item(r.item_key))
        for symbol in r.decisions:
            self.add(node, CKG.decision, self.m.document(symbol))
            self.add(self.m.document(symbol), CKG.takenAt, node)
        self.prov(node, r.prov)

    def _invitations(
        self, event: URIRef, rule: URIRef, tag: str, invitees: Iterable[Invitee], prov: Provenance
    ) -> None:
        for inv in invitees:
            target = self.actor(inv.kind, inv.ref)
            node = self.m.node(event, "invitation", tag, inv.kind, inv.ref)
            self.add(node, RDF.type, CKG.Invitation)
            self.add(node, CKG.event, event)
            self.add(node, CKG.invitationRule, rule)
            self.add(node, CKG.invitee, target)
            self.add(node, RDFS.label, Literal(inv.label, lang=self.lang))
            self.prov(node, inv.prov or prov)

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
            self.add(concept, CKG.key, Literal(r.sub_item_key))
            self.add(concept, SKOS.prefLabel, self.text(r.sub_item))
            if r.sub_item_en:
                self.add(concept, SKOS.prefLabel, Literal(r.sub_item_en, lang="en"))
        self.add(node, CKG.format, FORMAT.get(r.format or ""))
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
            self.add(part, RDFS.label, Literal(sp.label, lang=self.lang))
            self.prov(part, sp.prov or r.prov)

    def videoconference(self, r: Videoconference) -> None:
        node = self.m.videoconference(r.date, r.item_key)
        self.add(node, RDF.type, CKG.Videoconference)
        if r.record:
            self.add(node, CKG.record, self.m.document(r.record))
        else:
            self.add(node, CKG.noRecord, Literal(True))
            self.add(node, CKG.recordNote, self.text(r.record_note))
            for symbol in r.record_note_cites:
                self.add(node, CITO.cites, self.m.document(symbol))
        self.add(node, CKG.recordTitle, self.text(r.record_title))
        if r.record and r.record_date:
            self.add(self.m.document(r.record), DCTERMS.date, self.date(r.record_date))
        if r.open is not None:
            self.add(node, CKG.open, Literal(r.open))
        self._event_common(node, r)

    def decision(self, r: Decision) -> None:
        doc = self.m.document(r.symbol)
        self.add(doc, RDF.type, DOC_CLASS.get(r.kind, CKG.Document))
        self.add(doc, CKG.agendaItem, self.m.item(r.item_key))
        self.add(doc, CKG.takenAt, self.m.event(r.event))
        if r.adopted is not None:
            self.add(doc, CKG.adopted, Literal(r.adopted))
        self.add(doc, CKG.modality, MODALITY.get(r.modality))
        if r.written_procedure_record:
            self.add(doc, CKG.writtenProcedureRecord, self.m.document(r.written_procedure_record))
        self.prov(doc, r.prov)
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
        self.add(ve, CKG.year, Literal(r.date.year) if r.date else None)
        if r.unanimous:
            self.add(ve, CKG.unanimous, Literal(True))
        if r.votes_for is not None:
            self.add(ve, CKG.votesFor, Literal(r.votes_for))
            self.add(ve, CKG.votesAgainst, Literal(r.votes_against))
            self.add(ve, CKG.votesAbstaining, Literal(r.votes_abstaining))
            for position, value in (
                ("for", r.votes_for),
                ("against", r.votes_against),
                ("abstaining", r.votes_abstaining),
            ):
                count = URIRef(f"{ve}/count/{position}")
                self.add(ve, CKG.count, count)
                self.add(count, RDF.type, CKG.VoteCount)
                self.add(count, CKG.countOption, POSITION[position])
                self.add(count, CKG.countValue, Literal(value))
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
        self.add(node, CKG.position, POSITION[r.position])
        self.add(node, CKG.basis, BASIS[r.basis])
        self.prov(node, r.prov)
        if r.basis == "derived":
            # What the vote is derived from besides the span: the count in
            # favour (when the table gives counts) and the member's term.
            decision = self._decisions().get(r.draft)
            if decision is not None and decision.votes_for is not None:
                self.add(node, CKG.derivedFromCount, URIRef(f"{ve}/count/for"))
            for term in membership.terms():
                if term.iso3 == r.member and term.covers(r.date.year):
                    term_node = self.m.membership(r.member, term.first_year)
                    self.add(node, CKG.derivedFromMembership, term_node)

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
            self.add(node, CKG.capacity, Literal(r.capacity))
        if r.role:
            self.add(node, CKG.inRole, self.m.role(r.role))
        if r.state:
            self.add(node, CKG.heldByState, self.m.state(r.state))
        self.prov(node, r.prov)

    def briefer(self, r: Briefer) -> None:
        item = self.m.item(r.item_key)
        node = self.m.node(item, "briefing", self.period, r.role)
        self.add(node, RDF.type, CKG.ItemBriefing)
        self.add(node, CKG.agendaItem, item)
        self.add(node, CKG.briefer, self.m.role(r.role))
        self.add(node, CKG.period, Literal(self.period))
        if r.state:
            self.add(node, CKG.heldByState, self.m.state(r.state))
        self.prov(node, r.prov)

    def sponsor(self, r: Sponsor) -> None:
        doc = self.m.document(r.draft)
        node = self.m.node(doc, "sponsorship", r.state)
        self.add(doc, CKG.sponsor, self.m.state(r.state))
        self.add(node, RDF.type, CKG.Sponsorship)
        self.add(node, CKG.draft, doc)
        self.add(node, CKG.sponsorState, self.m.state(r.state))
        self.prov(node, r.prov)

    def document(self, r: Document) -> None:
        node = self.m.document(r.symbol)
        self.add(node, RDF.type, DOC_CLASS.get(r.kind, CKG.Document))
        if r.kind != "document":
            self.add(node, RDF.type, CKG.Document)
        self.add(node, CKG.symbol, Literal(r.symbol))
        self.add(node, CKG.displaySymbol, Literal(r.display))
        self.add(node, RDFS.label, Literal(r.display))
        self.add(node, RDFS.seeAlso, URIRef(r.url))

    def _citing_node(self, prov: Provenance, footnote: int | None) -> URIRef:
        if footnote is not None:
            return self.m.footnote(self.period, footnote)
        if prov.block_kind == "link-list":
            return self.m.page(prov.sha256, prov.page)
        return self.m.passage(prov.sha256, prov.block_id)

    def citation(self, r: Citation) -> None:
        document = self.m.document(r.symbol)
        citing = self._citing_node(r.prov, r.footnote)
        self.add(citing, CITO.cites, document)
        self.add(self.m.supplement(self.period), CITO.cites, document)
        if r.sentence is not None:
            self._citation_node(citing, r.symbol, r.sentence)

    def document_citation(self, r: DocumentCitation) -> None:
        """A document citing another, as a citation of its own: the same
        cito:Citation shape as a passage's, the citing unit a document."""
        citing = self.m.document(r.citing)
        self.add(citing, CITO.cites, self.m.document(r.cited))
        self._citation_node(citing, r.cited, r.prov)

    def _citation_node(self, citing: URIRef, symbol: str, sentence: Provenance) -> None:
        """The citation itself (CiTO's cito:Citation), once per citing unit
        and document: the sentence that cites, the first where there are
        several."""
        node = self.m.node(citing, "cites", symbol)
        if node in self._citations:
            return
        self._citations.add(node)
        self.add(node, RDF.type, CITO.Citation)
        self.add(node, CITO.hasCitingEntity, citing)
        self.add(node, CITO.hasCitedEntity, self.m.document(symbol))
        self.add(node, CKG.text, self.text(sentence.text))
        self.prov(node, sentence)

    def footnote(self, r: Footnote) -> None:
        node = self.m.footnote(self.period, r.number)
        self.add(node, RDF.type, CKG.Footnote)
        self.add(node, CKG.supplement, self.m.supplement(self.period))
        if r.cites:
            self.add(node, CKG.orderedCites, Literal(" ".join(r.cites)))
        self.add(node, CKG.footnoteNumber, Literal(r.number))
        self.add(node, CKG.period, Literal(self.period))
        self.add(node, CKG.text, self.text(r.text))
        if r.continued:
            self.add(node, CKG.continuesAfterBreak, Literal(True))
        if r.ibid:
            self.add(node, CKG.ibid, Literal(True))
        if r.item_key:
            self.add(node, CKG.agendaItem, self.m.item(r.item_key))
        if r.event:
            self.add(node, CKG.event, self.m.event(r.event))
        if r.passage:
            passage = self.m.passage(r.prov.sha256, r.passage)
            self.add(node, CKG.inPassage, passage)
            self.add(passage, CKG.footnoteMarker, Literal(r.number))
        self.prov(node, r.prov)
        if r.states:
            pos = self.m.position(self.period, r.number)
            self.add(pos, RDF.type, CKG.Position)
            self.add(pos, CKG.statedIn, node)
            self.add(pos, CKG.orderedStates, Literal(" ".join(r.states)))
            for iso3 in r.states:
                self.add(pos, CKG.attributedTo, self.m.state(iso3))
            if r.event:
                self.add(pos, CKG.event, self.m.event(r.event))
            self.add(pos, DCTERMS.date, self.date(r.event_date))
            self.add(pos, CKG.year, Literal(r.event_date.year) if r.event_date else None)
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
                    self.add(pos, CKG.orderedStances, Literal(" ".join(r.stances)))
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
        self.prov(node, r.prov)

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

    def _block(self, node: URIRef, prov: Provenance, cls: URIRef, text: str) -> None:
        self.add(node, RDF.type, cls)
        self.add(node, RDF.type, CKG.SourcePassage)
        self.add(node, CKG.ofSource, self.m.source(prov.sha256))
        self.add(node, CKG.blockKind, Literal(prov.block_kind))
        self.add(node, CKG.text, self.text(text))
        self.add(node, CKG.onPage, self.m.page(prov.sha256, prov.page))
        self.add(node, CKG.lineNumber, Literal(prov.line))

    def unparsed(self, r: Unparsed) -> None:
        node = self.m.passage(r.prov.sha256, r.prov.block_id)
        self._block(node, r.prov, CKG.UnparsedPassage, r.prov.text)
        self.add(node, CKG.reason, Literal(r.reason))
        self.prov(node, r.prov)

    def finding(self, r: Finding) -> None:
        node = self.m.finding(r.prov.sha256, r.code, r.prov.start, r.prov.end, r.message)
        self.add(node, RDF.type, CKG.Finding)
        self.add(node, CKG.findingCode, Literal(r.code))
        self.add(node, CKG.message, Literal(r.message))
        self.add(node, CKG.findingSource, self.m.source(r.prov.sha256))
        self.prov(node, r.prov)


def to_triples(records: list[Record], minter: Minter | None = None) -> set[Triple]:
    """All triples of one source's records."""
    return Mapper(minter or Minter(), records).run()
