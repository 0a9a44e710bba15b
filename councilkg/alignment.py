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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

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


def _rows(store: GraphStore, name: str) -> list[tuple[str, Edition, str]]:
    sparql = _query(name)
    return [
        (r["passage"].value, (r["supplement"].value, r["language"].value), r["key"].value)
        for r in store.query(sparql)
    ]


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


def counterpart_triples(store: GraphStore) -> set[Triple]:
    """``ckg:counterpart`` triples, both ways, between the passages of the
    editions the store holds (none while it holds one edition)."""
    pairs = _by_shared_key(_rows(store, "markers"))
    pairs |= _by_shared_key(_rows(store, "footnote-blocks"))
    pairs |= _by_same_citations(_rows(store, "cites"))
    out: set[Triple] = set()
    for a, b in pairs:
        out.add((URIRef(a), CKG.counterpart, URIRef(b)))
        out.add((URIRef(b), CKG.counterpart, URIRef(a)))
    return out


def counterpart_lines(store: GraphStore) -> list[str]:
    """The alignment graph's N-Triples lines, sorted."""
    return ntriples_lines(counterpart_triples(store))
