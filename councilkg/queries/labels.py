"""Labels of the IRIs in a result, looked up in batches on any engine.

Why separate from running: tables show States, meetings and documents by
their ``skos:prefLabel`` (else ``rdfs:label``) in the reader's language, and
the lookup is the same query whether the result came from the embedded store
or an endpoint — only the function that runs SELECT text differs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rdflib.term import URIRef

from councilkg.ingest.ntriples import term as nt_term
from councilkg.queries.results import QueryResult
from councilkg.queries.text import IRI_RE

__all__ = ["collect_labels", "label_query"]

_LABEL_BATCH = 400


def label_query(iris: Sequence[str]) -> str:
    """A query for the ``skos:prefLabel`` and ``rdfs:label`` of ``iris``
    (columns ``s``, ``rank`` — 1 for prefLabel, 2 for rdfs:label — and ``label``)."""
    values = " ".join(nt_term(URIRef(i)) for i in iris if IRI_RE.fullmatch(i))
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
