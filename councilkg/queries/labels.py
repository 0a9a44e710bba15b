"""Labels of the IRIs in a result: ``skos:prefLabel`` or ``rdfs:label`` by
language, looked up with one more query.

Why on the side: a prepared query answers with IRIs (a State, a meeting, a
position), which is what scripts want; a person reading a table wants the
name in Chinese or English.  The labels are fetched from the same graph,
through any engine (the embedded store, an endpoint, the server's SPARQL
editor), by the query :func:`label_query` writes, in batches, and
``skos:prefLabel`` is preferred to ``rdfs:label`` in the same language.

States are named apart (:func:`collect_states`): their ISO3 code and short
name (``ckg:shortName``: United Kingdom, 英国), for label columns and tables
that stay narrow; :func:`label_query` itself is unchanged, as the server's
query page reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rdflib.term import URIRef

from councilkg.ingest.ntriples import term as nt_term
from councilkg.queries.inject import ABSOLUTE_IRI
from councilkg.queries.results import QueryResult, StateName

__all__ = ["collect_labels", "collect_states", "label_query", "state_query"]

_LABEL_BATCH = 400


def label_query(iris: Sequence[str]) -> str:
    """A query for the ``skos:prefLabel`` and ``rdfs:label`` of ``iris``
    (columns ``s``, ``rank`` — 1 for prefLabel, 2 for rdfs:label — and ``label``)."""
    values = " ".join(nt_term(URIRef(i)) for i in iris if ABSOLUTE_IRI.fullmatch(i))
    return (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s ?rank ?label WHERE {\n"
        f"  VALUES ?s {{ {values} }}\n"
        "  { ?s skos:prefLabel ?label . BIND(1 AS ?rank) }\n"
        "  UNION { ?s rdfs:label ?label . BIND(2 AS ?rank) }\n"
        "}"
    )


def collect_labels(
    iris: Sequence[str], select: Callable[[str], QueryResult]
) -> dict[str, dict[str, str]]:
    """Labels of ``iris`` by language, running :func:`label_query` in batches
    through ``select`` (a function from SPARQL text to :class:`QueryResult`).
    ``skos:prefLabel`` wins over ``rdfs:label`` in the same language."""
    found: dict[str, dict[str, tuple[int, str]]] = {}
    for start in range(0, len(iris), _LABEL_BATCH):
        batch = iris[start : start + _LABEL_BATCH]
        if not batch:
            continue
        result = select(label_query(batch))
        for rec in result.records():
            iri, label = rec["s"].value, rec["label"]
            rank = int(rec["rank"].value)
            lang = label.lang or ""
            have = found.setdefault(iri, {}).get(lang)
            if have is None or (rank, label.value) < have:
                found[iri][lang] = (rank, label.value)
    return {iri: {lg: v for lg, (_, v) in langs.items()} for iri, langs in found.items()}


def state_query(iris: Sequence[str]) -> str:
    """A query for the ``ckg:iso3`` and ``ckg:shortName`` of those of ``iris``
    that are States (columns ``s``, ``iso3`` and ``name``)."""
    values = " ".join(nt_term(URIRef(i)) for i in iris if ABSOLUTE_IRI.fullmatch(i))
    return (
        "PREFIX ckg: <https://w3id.org/councilkg/ontology#>\n"
        "SELECT ?s ?iso3 ?name WHERE {\n"
        f"  VALUES ?s {{ {values} }}\n"
        "  ?s ckg:iso3 ?iso3 .\n"
        "  OPTIONAL { ?s ckg:shortName ?name }\n"
        "}"
    )


def collect_states(
    iris: Sequence[str], select: Callable[[str], QueryResult]
) -> dict[str, StateName]:
    """The States among ``iris`` (by their ISO3 code), with short names,
    running :func:`state_query` in batches through ``select``."""
    codes: dict[str, str] = {}
    short: dict[str, dict[str, str]] = {}
    for start in range(0, len(iris), _LABEL_BATCH):
        batch = iris[start : start + _LABEL_BATCH]
        if not batch:
            continue
        for rec in select(state_query(batch)).records():
            iri = rec["s"].value
            codes[iri] = min(codes.get(iri, rec["iso3"].value), rec["iso3"].value)
            name = rec.get("name")
            if name is not None:
                lang, have = name.lang or "", short.setdefault(iri, {})
                have[lang] = min(have.get(lang, name.value), name.value)
    return {iri: StateName(code, short.get(iri, {})) for iri, code in codes.items()}
