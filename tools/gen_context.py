"""Generate ``ontology/context.jsonld``, the published JSON-LD 1.1 ``@context``.

Why generated: the context must name every class and property of the
ontology, with the right coercion (object properties take IRIs, datatype
properties their range datatype, ``rdf:langString`` properties a language
map), and it must not drift from ``ontology/councilkg.ttl``.  So it is built
from the ontology file, like ``ingest/vocab.py`` (``tools/gen_vocab.py``),
and ``tests/test_export.py`` fails when the committed file is out of sync:
run ``python tools/gen_context.py`` after editing the ontology
(``--check`` exits 1 when the file differs).

What it holds:

- the prefixes the ontology declares, plus those of the dataset description
  (VoID, DCAT), so Turtle, TriG and JSON-LD exports share one prefix table;
- one term per ontology class (``"Meeting": "ckg:Meeting"``) and property
  (``{"@id": "ckg:agendaItem", "@type": "@id"}``);
- terms for the standard properties the graph and its VoID description use
  (:data:`EXTERNAL_TERMS`), labels and definitions as language maps.

Why language maps stay lossless: a language map keeps each value's language
as its key and a string without language under ``@none`` (JSON-LD 1.1), and
the exporter writes any value that fits no term (a typed literal on
``rdfs:label``, say) under the property's compact IRI as a value object.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

ROOT = Path(__file__).resolve().parents[1]
NS = "https://w3id.org/councilkg/ontology#"
TARGET = ROOT / "ontology" / "context.jsonld"
ONTOLOGY = ROOT / "ontology" / "councilkg.ttl"

XSD = "http://www.w3.org/2001/XMLSchema#"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Vocabularies the dataset description uses that the ontology does not declare.
EXTRA_PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
}

# Standard properties used by the graph (ingest/rdf.py, ingest/reference.py,
# the ontology graph) and by the VoID/DCAT description (councilkg/export/void.py):
# term -> (compact IRI, coercion).  Coercion: "@id" (IRIs), "@language" (a
# language map), None (no coercion: plain strings), or a datatype (compact
# IRI).  Properties whose local name is ambiguous (org:member and
# skos:member) get no term: they are written with their compact IRI.
EXTERNAL_TERMS: dict[str, tuple[str, str | None]] = {
    # RDFS, OWL
    "label": ("rdfs:label", "@language"),
    "comment": ("rdfs:comment", "@language"),
    "seeAlso": ("rdfs:seeAlso", "@id"),
    "isDefinedBy": ("rdfs:isDefinedBy", "@id"),
    "subClassOf": ("rdfs:subClassOf", "@id"),
    "subPropertyOf": ("rdfs:subPropertyOf", "@id"),
    "domain": ("rdfs:domain", "@id"),
    "range": ("rdfs:range", "@id"),
    "sameAs": ("owl:sameAs", "@id"),
    # SKOS
    "prefLabel": ("skos:prefLabel", "@language"),
    "altLabel": ("skos:altLabel", "@language"),
    "hiddenLabel": ("skos:hiddenLabel", "@language"),
    "definition": ("skos:definition", "@language"),
    "inScheme": ("skos:inScheme", "@id"),
    "broader": ("skos:broader", "@id"),
    "narrower": ("skos:narrower", "@id"),
    "exactMatch": ("skos:exactMatch", "@id"),
    "closeMatch": ("skos:closeMatch", "@id"),
    "hasTopConcept": ("skos:hasTopConcept", "@id"),
    "topConceptOf": ("skos:topConceptOf", "@id"),
    # Dublin Core terms
    "title": ("dcterms:title", "@language"),
    "description": ("dcterms:description", "@language"),
    "date": ("dcterms:date", "xsd:date"),
    "language": ("dcterms:language", None),
    "license": ("dcterms:license", "@id"),
    "source": ("dcterms:source", None),
    "creator": ("dcterms:creator", None),
    "publisher": ("dcterms:publisher", None),
    "conformsTo": ("dcterms:conformsTo", "@id"),
    "modified": ("dcterms:modified", "xsd:date"),
    "temporal": ("dcterms:temporal", "@id"),
    # PROV-O, Web Annotation, ORG, OWL-Time, CiTO
    "wasDerivedFrom": ("prov:wasDerivedFrom", "@id"),
    "hasSource": ("oa:hasSource", "@id"),
    "start": ("oa:start", "xsd:integer"),
    "end": ("oa:end", "xsd:integer"),
    "exact": ("oa:exact", None),
    "memberDuring": ("org:memberDuring", "@id"),
    "organization": ("org:organization", "@id"),
    "hasBeginning": ("time:hasBeginning", "@id"),
    "hasEnd": ("time:hasEnd", "@id"),
    "inXSDDate": ("time:inXSDDate", "xsd:date"),
    "cites": ("cito:cites", "@id"),
    # VoID
    "triples": ("void:triples", "xsd:integer"),
    "entities": ("void:entities", "xsd:integer"),
    "classes": ("void:classes", "xsd:integer"),
    "properties": ("void:properties", "xsd:integer"),
    "distinctSubjects": ("void:distinctSubjects", "xsd:integer"),
    "distinctObjects": ("void:distinctObjects", "xsd:integer"),
    "class": ("void:class", "@id"),
    "property": ("void:property", "@id"),
    "classPartition": ("void:classPartition", "@id"),
    "propertyPartition": ("void:propertyPartition", "@id"),
    "subset": ("void:subset", "@id"),
    "sparqlEndpoint": ("void:sparqlEndpoint", "@id"),
    "exampleResource": ("void:exampleResource", "@id"),
    "vocabulary": ("void:vocabulary", "@id"),
    "dataDump": ("void:dataDump", "@id"),
    "uriSpace": ("void:uriSpace", None),
    "feature": ("void:feature", "@id"),
    # DCAT
    "distribution": ("dcat:distribution", "@id"),
    "mediaType": ("dcat:mediaType", "@id"),
    "downloadURL": ("dcat:downloadURL", "@id"),
    "accessURL": ("dcat:accessURL", "@id"),
    "accessService": ("dcat:accessService", "@id"),
    "endpointURL": ("dcat:endpointURL", "@id"),
    "servesDataset": ("dcat:servesDataset", "@id"),
    "keyword": ("dcat:keyword", "@language"),
    "startDate": ("dcat:startDate", "xsd:date"),
    "endDate": ("dcat:endDate", "xsd:date"),
}


def prefixes(graph: Graph) -> dict[str, str]:
    """The prefixes the ontology file declares, and :data:`EXTRA_PREFIXES`."""
    out = {p: str(ns) for p, ns in graph.namespaces() if p and str(ns).endswith(("/", "#"))}
    for p, ns in EXTRA_PREFIXES.items():
        if out.get(p, ns) != ns:
            raise ValueError(f"prefix {p!r} bound to {out[p]} in the ontology, not {ns}")
        out[p] = ns
    return dict(sorted(out.items()))


def _datatype(value: URIRef | None) -> str | None:
    """The coercion of a datatype property with range ``value``."""
    if value is None or str(value) == XSD + "string":
        return None
    if str(value) == LANG_STRING:
        return "@language"
    if str(value).startswith(XSD):
        return "xsd:" + str(value)[len(XSD) :]
    raise ValueError(f"datatype property range {value} is neither xsd: nor rdf:langString")


def _definition(iri: str, coercion: str | None) -> dict[str, str]:
    term = {"@id": iri}
    if coercion == "@language":
        term["@container"] = "@language"
    elif coercion is not None:
        term["@type"] = coercion
    return term


def ontology_terms(graph: Graph) -> dict[str, str | dict[str, str]]:
    """A term per ckg class and property, named by its local name."""
    terms: dict[str, str | dict[str, str]] = {}

    def local(s: object) -> str | None:
        if isinstance(s, URIRef) and str(s).startswith(NS):
            return str(s)[len(NS) :]
        return None

    for s in graph.subjects(RDF.type, OWL.Class):
        if (name := local(s)) is not None:
            terms[name] = f"ckg:{name}"
    for s in graph.subjects(RDF.type, OWL.ObjectProperty):
        if (name := local(s)) is not None:
            terms[name] = _definition(f"ckg:{name}", "@id")
    for s in graph.subjects(RDF.type, OWL.DatatypeProperty):
        if (name := local(s)) is not None:
            ranges = sorted(o for o in graph.objects(s, RDFS.range) if isinstance(o, URIRef))
            if len(ranges) > 1:
                raise ValueError(f"{s} has {len(ranges)} ranges; the context needs one")
            terms[name] = _definition(f"ckg:{name}", _datatype(ranges[0] if ranges else None))
    return terms


def context(path: Path) -> dict[str, object]:
    """The ``@context`` object built from the ontology at ``path``."""
    graph = Graph(bind_namespaces="none")
    graph.parse(path, format="turtle")
    prefix_table = prefixes(graph)
    terms = ontology_terms(graph)
    for name, (iri, coercion) in EXTERNAL_TERMS.items():
        if name in terms:
            raise ValueError(f"term {name!r} ({iri}) clashes with the ontology's ckg:{name}")
        if iri.split(":", 1)[0] not in prefix_table:
            raise ValueError(f"term {name!r}: no prefix for {iri}")
        terms[name] = _definition(iri, coercion)
    clash = sorted(set(terms) & set(prefix_table))
    if clash:
        raise ValueError(f"terms named like prefixes: {', '.join(clash)}")
    body: dict[str, object] = {"@version": 1.1}
    body.update(prefix_table)
    body.update(sorted(terms.items()))
    return {"@context": body}


def render(path: Path) -> str:
    """The text of ``ontology/context.jsonld``."""
    return json.dumps(context(path), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    text = render(ONTOLOGY)
    if "--check" in sys.argv:
        return 0 if TARGET.read_text(encoding="utf-8") == text else 1
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
