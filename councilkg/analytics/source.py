"""Where the analytics read the graph from: the embedded store or any SPARQL
endpoint, through the prepared queries.

Why one layer: every view asks its questions by the name of a prepared
query (``queries/*.rq``) and reads labels the same way, so a graph built
from ``councilkg serve``, Fuseki or GraphDB is the graph built from the
embedded store (the queries bind their parameters as RDF terms, and list
no engine-specific syntax).  Views never hold SPARQL text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from councilkg import queries as cq
from councilkg.ingest.language import LANGS
from councilkg.queries import QueryResult, Term
from councilkg.store import GraphStore

__all__ = ["Labels", "Source", "as_source", "local_name", "text", "value"]


def local_name(iri: str) -> str:
    """The last segment of an IRI (``…ontology#Footnote`` → ``Footnote``)."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Labels:
    """``skos:prefLabel``/``rdfs:label`` of IRIs by language (``""``: no language)."""

    by_iri: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def get(self, iri: str, lang: str) -> str | None:
        """The label in ``lang``; else one without language; else None."""
        labels = self.by_iri.get(iri, {})
        return labels.get(lang) or labels.get("")

    def pair(self, iri: str, fallback: str | None = None) -> dict[str, str]:
        """``{"label_en": …, "label_zh": …}`` for a node.

        Each language falls back to the label without language, then to the
        other language, then to ``fallback`` (a symbol, a code), then to the
        IRI's last segment, so every node has two non-empty labels.
        """
        labels = self.by_iri.get(iri, {})
        out = {}
        for lang in LANGS:
            other = next(lg for lg in LANGS if lg != lang)
            out[f"label_{lang}"] = (
                labels.get(lang)
                or labels.get("")
                or (fallback if fallback else None)
                or labels.get(other)
                or local_name(iri)
            )
        return out

    def compose(
        self, kind_iri: str, detail: str, qualifier_iri: str | None = None
    ) -> dict[str, str]:
        """Labels made of a class label and a detail: ``footnote 841`` /
        ``脚注 841``, or with a qualifier (a property's label)
        ``source passage, line 51`` / ``来源段落，行号 51``.  The words are
        the ontology's labels, so no language lives in code."""
        out = {}
        for lang in LANGS:
            word = self.get(kind_iri, lang) or local_name(kind_iri)
            if qualifier_iri is not None:
                qualifier = self.get(qualifier_iri, lang) or local_name(qualifier_iri)
                comma = "，" if lang == "zh" else ", "
                detail_text = f"{comma}{qualifier} {detail}"
                out[f"label_{lang}"] = f"{word}{detail_text}"
            else:
                out[f"label_{lang}"] = f"{word} {detail}".strip()
        return out


@dataclass(frozen=True, slots=True)
class Source:
    """A graph to analyse: an embedded :class:`GraphStore` or the URL of a
    SPARQL 1.1 query endpoint (``councilkg serve``: ``http://127.0.0.1:8000/sparql``)."""

    store: GraphStore | None = None
    endpoint: str | None = None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if (self.store is None) == (self.endpoint is None):
            raise ValueError("analyse either a store or an endpoint URL (exactly one)")

    def run(self, name: str, **params: object) -> QueryResult:
        """Run the prepared query ``name``; parameters that are None are unset.

        Raises:
            councilkg.queries.QueryError: a parameter of the wrong type.
            councilkg.queries.remote.RemoteError: the endpoint failed.
        """
        raw = {k: str(v) for k, v in params.items() if v is not None}
        bound = cq.bind(name, raw)
        return cq.run(bound, store=self.store, endpoint=self.endpoint, timeout=self.timeout)

    def select(self, sparql: str) -> QueryResult:
        """Run SELECT text (the label lookups of :func:`councilkg.queries.label_query`)."""
        return self._selector()(sparql)

    def _selector(self) -> Callable[[str], QueryResult]:
        """A runner of SELECT text; on an endpoint, reading the graphs the
        prepared queries read, found once for all the queries it runs."""
        if self.endpoint is not None:
            from councilkg.queries.remote import dataset, select_remote

            endpoint, timeout = self.endpoint, self.timeout
            graphs = dataset(endpoint, timeout)
            return lambda sparql: select_remote(endpoint, sparql, timeout, graphs)
        store = self.store
        assert store is not None
        return lambda sparql: cq.select_embedded(store, sparql)

    def labels(self, iris: Iterable[str]) -> Labels:
        """The labels of ``iris`` (sorted and deduplicated before asking)."""
        wanted = sorted(set(iris))
        return Labels(cq.collect_labels(wanted, self._selector()))


def as_source(graph: Source | GraphStore | str, timeout: float = 30.0) -> Source:
    """A :class:`Source` from a store, an endpoint URL, or a Source."""
    if isinstance(graph, Source):
        return graph
    if isinstance(graph, GraphStore):
        return Source(store=graph, timeout=timeout)
    if isinstance(graph, str):
        return Source(endpoint=graph, timeout=timeout)
    raise TypeError(f"expected a GraphStore, an endpoint URL or a Source, got {graph!r}")


def value(record: Mapping[str, Term], name: str) -> Any:
    """A column's plain Python value (see :meth:`Term.python`), or None."""
    term = record.get(name)
    return None if term is None else term.python()


def text(record: Mapping[str, Term], name: str) -> str | None:
    """A column's lexical value (IRIs as text), or None."""
    term = record.get(name)
    return None if term is None else term.value
