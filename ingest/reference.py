"""The reference graph: States, Council membership, roles, organizations,
instruments and curated agenda items, from the packaged tables.

Why a graph of its own: these facts do not come from any one source file, so
they live in their own named graph, rebuilt from the tables on every ingest
(idempotently), and every source graph links into it.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, SKOS, TIME

from councilkg.ingest import membership
from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.iris import Minter
from councilkg.ingest.lexicon import Named, labels, named_table
from councilkg.ingest.rdf import Triple
from councilkg.ingest.short_names import short_name
from councilkg.ingest.vocab import CKG

WIKIDATA = "http://www.wikidata.org/entity/"
SECURITY_COUNCIL_KEY = "security-council"


def reference_triples(minter: Minter | None = None) -> set[Triple]:
    """All triples of the reference graph."""
    m = minter or Minter()
    out: set[Triple] = set()

    def add(s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None:
            out.add((s, p, o))

    council = m.organization(SECURITY_COUNCIL_KEY)
    add(council, RDF.type, CKG.Organization)
    for lang, label in labels(SECURITY_COUNCIL_KEY).items():
        add(council, SKOS.prefLabel, Literal(label, lang=lang))
    add(council, OWL.sameAs, URIRef(WIKIDATA + "Q37470"))

    for st in default_gazetteer():
        node = m.state(st.iso3)
        add(node, RDF.type, CKG.State)
        add(node, RDF.type, CKG.MemberState if st.is_member else CKG.ObserverState)
        add(node, CKG.iso3, Literal(st.iso3))
        add(node, CKG.m49, Literal(st.m49))
        add(node, SKOS.prefLabel, Literal(st.name_en, lang="en"))
        add(node, SKOS.prefLabel, Literal(st.name_zh, lang="zh"))
        add(node, RDFS.label, Literal(st.name_en, lang="en"))
        add(node, RDFS.label, Literal(st.name_zh, lang="zh"))
        for lang in ("en", "zh"):
            add(node, CKG.shortName, Literal(short_name(st, lang), lang=lang))
        if st.formal_en and st.formal_en != st.name_en:
            add(node, SKOS.altLabel, Literal(st.formal_en, lang="en"))
        if st.formal_zh and st.formal_zh != st.name_zh:
            add(node, SKOS.altLabel, Literal(st.formal_zh, lang="zh"))
        for alias in st.aliases_zh:
            add(node, SKOS.hiddenLabel, Literal(alias, lang="zh"))
        for alias in st.aliases_en:
            add(node, SKOS.hiddenLabel, Literal(alias, lang="en"))
        if st.wikidata:
            add(node, SKOS.exactMatch, URIRef(WIKIDATA + st.wikidata))

    for term in membership.terms():
        node = m.membership(term.iso3, term.first_year)
        interval = URIRef(f"{node}/interval")
        add(node, RDF.type, CKG.CouncilMembership)
        add(node, ORG.member, m.state(term.iso3))
        add(node, ORG.organization, council)
        add(node, CKG.permanent, Literal(term.permanent))
        add(node, ORG.memberDuring, interval)
        add(interval, RDF.type, TIME.Interval)
        days = [(TIME.hasBeginning, f"{term.first_year}-01-01")]
        if term.last_year is not None:
            days.append((TIME.hasEnd, f"{term.last_year}-12-31"))
        for prop, day in days:
            instant = URIRef(f"{m.base}id/day/{day}")
            add(interval, prop, instant)
            add(instant, RDF.type, TIME.Instant)
            add(instant, TIME.inXSDDate, Literal(day, datatype=XSD.date))

    def named(node: URIRef, cls: URIRef, entry: Named) -> None:
        """Type, key, labels in both languages, aliases and Wikidata of a table row."""
        add(node, RDF.type, cls)
        add(node, CKG.key, Literal(entry.key))
        for lang in ("en", "zh"):
            add(node, SKOS.prefLabel, Literal(entry.label(lang), lang=lang))
            add(node, RDFS.label, Literal(entry.label(lang), lang=lang))
        for alias in entry.aliases_en:
            add(node, SKOS.altLabel, Literal(alias, lang="en"))
        for alias in entry.aliases_zh:
            add(node, SKOS.altLabel, Literal(alias, lang="zh"))
        if entry.wikidata:
            add(node, SKOS.exactMatch, URIRef(WIKIDATA + entry.wikidata))

    for entry in named_table("role"):
        named(m.role(entry.key), CKG.Role, entry)
        if entry.entity:
            add(m.role(entry.key), CKG.organizationOfRole, m.organization(entry.entity))
    for entry in named_table("organization"):
        named(m.organization(entry.key), CKG.Organization, entry)
    for entry in named_table("historical"):
        named(m.organization(entry.key), CKG.HistoricalEntity, entry)
    for entry in named_table("instrument"):
        named(m.instrument(entry.key), CKG.Instrument, entry)
    scheme = m.item_scheme()
    add(scheme, RDF.type, SKOS.ConceptScheme)
    for lang, label in labels("item-scheme").items():
        add(scheme, SKOS.prefLabel, Literal(label, lang=lang))
    for entry in named_table("item"):
        node = m.item(entry.key)
        add(node, RDF.type, CKG.AgendaItem)
        add(node, SKOS.inScheme, scheme)
        add(node, CKG.key, Literal(entry.key))
        add(node, CKG.curated, Literal(True))
        add(node, SKOS.prefLabel, Literal(entry.en, lang="en"))
        add(node, SKOS.prefLabel, Literal(entry.zh, lang="zh"))
        if entry.group:
            add(node, CKG.itemGroup, m.item_group(entry.group))
            add(m.item_group(entry.group), SKOS.member, node)
    for entry in named_table("group"):
        node = m.item_group(entry.key)
        add(node, RDF.type, CKG.ItemGroup)
        add(node, CKG.key, Literal(entry.key))
        add(node, SKOS.prefLabel, Literal(entry.en, lang="en"))
        add(node, SKOS.prefLabel, Literal(entry.zh, lang="zh"))
    add(scheme, DCTERMS.source, Literal("councilkg curated tables"))
    return out
