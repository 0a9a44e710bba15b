"""The editions of one supplement aligned: each passage linked to its
counterpart in the other language (``ckg:counterpart``).

Why: the Chinese and the English text of a section state the same facts,
and the facts already meet on the same IRIs (meetings, documents, votes,
States, items and footnotes are minted from language-neutral keys); what
stays per edition are the passages, the text as each edition words it.  A
reader of one edition's paragraph wants the other's, and a check of the
ingest wants to see where the editions part.  The link is found from
language-neutral evidence only, never from the words:

- a footnote's block and the block of the footnote with the same number in
  the same supplement (the footnote's IRI is the same in both editions);
- a paragraph and the paragraph of the other edition that carries one of the
  same footnote markers (same supplement);
- a paragraph without markers and the one paragraph of the other edition
  without markers that cites the same documents (a non-empty set), where
  that pairing is one to one.

The links live in a named graph of their own (:meth:`Minter.alignment_graph`),
recomputed from the store after each load: they belong to no one file, and
a file ingested alone adds none (its graph is unchanged by this module).

Every kind of evidence pairs passages of one supplement, so the store is read
one supplement at a time, and only the supplements it holds in two languages
or more: what is held at once is one supplement's rows, not the corpus's (a
store of one edition is not read at all beyond its list of editions).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import URIRef

from councilkg.ingest.ntriples import ntriples_lines
from councilkg.ingest.rdf import Triple
from councilkg.ingest.vocab import CKG
from councilkg.resources import resource_dir
from councilkg.store import GraphStore

Edition = tuple[str, str]  # (supplement IRI, language code)


def _query(name: str) -> str:
    """The text of ``queries/alignment/<name>.rq``."""
    return resource_dir("queries").joinpath("alignment", f"{name}.rq").read_text(encoding="utf-8")


def _rows(store: GraphStore, name: str, supplement: ox.NamedNode) -> list[tuple[str, Edition, str]]:
    """The rows of query ``name`` for the passages of one supplement.

    The supplement is given as a ``VALUES`` block at the head of the
    pattern, not as a substitution: Oxigraph plans a query before it sees
    its substitutions, so a substituted supplement was joined last and each
    query read every passage of the store (measured on 14 supplements at
    the 1,000x corpus: 46 s against 15 s for the three queries over the
    whole store; 11 s with the block).  ``str`` of a named node is its
    N-Triples form, an IRI Oxigraph has already validated.
    """
    sparql = _query(name)
    head = sparql.index("WHERE {") + len("WHERE {")
    bound = f"{sparql[:head]}\n  VALUES ?supplement {{ {supplement} }}{sparql[head:]}"
    return [
        (r["passage"].value, (r["supplement"].value, r["language"].value), r["key"].value)
        for r in store.query(bound)
    ]


def _bilingual(store: GraphStore) -> list[ox.NamedNode]:
    """The supplements the store holds in two languages or more, sorted."""
    languages: dict[ox.NamedNode, set[str]] = defaultdict(set)
    for r in store.query(_query("editions")):
        if isinstance(r["supplement"], ox.NamedNode):
            languages[r["supplement"]].add(r["language"].value)
    return sorted((s for s, langs in languages.items() if len(langs) > 1), key=str)


def _by_shared_key(rows: Iterable[tuple[str, Edition, str]]) -> set[tuple[str, str]]:
    """Pairs of passages of two editions of one supplement sharing a key."""
    holders: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for passage, (supplement, language), key in rows:
        holders[(supplement, key)][language].add(passage)
    pairs: set[tuple[str, str]] = set()
    for by_language in holders.values():
        languages = sorted(by_language)
        for i, a in enumerate(languages):
            for b in languages[i + 1 :]:
                pairs.update((p, q) for p in by_language[a] for q in by_language[b])
    return pairs


def _by_same_citations(rows: Iterable[tuple[str, Edition, str]]) -> set[tuple[str, str]]:
    """Pairs of unmarked paragraphs citing the same documents, one to one."""
    cited: dict[str, set[str]] = defaultdict(set)
    edition: dict[str, Edition] = {}
    for passage, ed, key in rows:
        cited[passage].add(key)
        edition[passage] = ed
    holders: dict[tuple[str, frozenset[str]], dict[str, list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for passage, keys in cited.items():
        supplement, language = edition[passage]
        holders[(supplement, frozenset(keys))][language].append(passage)
    pairs: set[tuple[str, str]] = set()
    for by_language in holders.values():
        unique = {lang: ps[0] for lang, ps in by_language.items() if len(ps) == 1}
        languages = sorted(unique)
        for i, a in enumerate(languages):
            for b in languages[i + 1 :]:
                pairs.add((unique[a], unique[b]))
    return pairs


def _supplement_pairs(store: GraphStore, supplement: ox.NamedNode) -> set[tuple[str, str]]:
    """The counterpart pairs between the editions of one supplement."""
    pairs = _by_shared_key(_rows(store, "markers", supplement))
    pairs |= _by_shared_key(_rows(store, "footnote-blocks", supplement))
    pairs |= _by_same_citations(_rows(store, "cites", supplement))
    return pairs


def _supplement_triples(store: GraphStore) -> Iterator[set[Triple]]:
    """The ``ckg:counterpart`` triples, both ways, supplement by supplement."""
    for supplement in _bilingual(store):
        out: set[Triple] = set()
        for a, b in _supplement_pairs(store, supplement):
            out.add((URIRef(a), CKG.counterpart, URIRef(b)))
            out.add((URIRef(b), CKG.counterpart, URIRef(a)))
        yield out


def counterpart_triples(store: GraphStore) -> set[Triple]:
    """``ckg:counterpart`` triples, both ways, between the passages of the
    editions the store holds (none while it holds one edition)."""
    out: set[Triple] = set()
    for triples in _supplement_triples(store):
        out |= triples
    return out


def counterpart_lines(store: GraphStore) -> list[str]:
    """The alignment graph's N-Triples lines, sorted: the graph itself is
    held (it is what is written), its evidence one supplement at a time."""
    lines: set[str] = set()
    for triples in _supplement_triples(store):
        lines.update(ntriples_lines(triples))
    return sorted(lines)
