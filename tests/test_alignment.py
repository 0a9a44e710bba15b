"""Two editions of one section in one store are one set of facts.

Why: the Chinese and the English Repertoire state the same facts in two
languages; ingested into one store they must meet on the same IRIs (a
meeting, document, vote, State, item or footnote is one node whatever
edition describes it), the editions adding only their passages and their
labels, the passages linked across editions (``ckg:counterpart``).  And the
ingest must tell the editions apart by itself (``--lang auto``), refusing a
text in a language it has no lexicon for.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from councilkg import queries as cq
from councilkg.cli import main
from councilkg.ingest.errors import SourceError
from councilkg.ingest.iris import Minter
from councilkg.ingest.language import detect_language
from councilkg.ingest.source import read_source, source_from_bytes
from councilkg.ingest.vocab import CKG
from councilkg.ingesting import load
from councilkg.resources import sample_path
from councilkg.store import GraphStore
from tests.test_queries import comparable

ROOT = Path(__file__).resolve().parents[1]
ZH = sample_path()
EN = ROOT / "tests" / "data" / "en" / "non-proliferation-2020.en.txt"


def _store(*paths: Path) -> GraphStore:
    store = GraphStore.in_memory()
    load(paths, store, minter=Minter(), language="auto", progress=False)
    return store


@pytest.fixture(scope="module")
def zh_store() -> GraphStore:
    return _store(ZH)


@pytest.fixture(scope="module")
def en_store() -> GraphStore:
    return _store(EN)


@pytest.fixture(scope="module")
def both_store() -> GraphStore:
    return _store(ZH, EN)


def _subjects(store: GraphStore) -> set[str]:
    return {str(r["s"].value) for r in store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")}


def _of_source(iri: str, store: GraphStore) -> bool:
    """Whether ``iri`` is a source file of ``store`` or a node below it
    (its pages, passages, spans, findings, the citations of its passages)."""
    sources = {
        str(r["s"].value)
        for r in store.query(
            "SELECT ?s WHERE { ?s a <https://w3id.org/councilkg/ontology#SourceFile> }"
        )
    }
    return any(iri == s or iri.startswith(s + "/") for s in sources)


def test_no_new_subjects_beyond_passages(
    zh_store: GraphStore, en_store: GraphStore, both_store: GraphStore
) -> None:
    """Every subject of the both-store that is not the English edition's
    passage (or its span, page, source) is a subject of the Chinese store:
    the English edition adds words, no node of its own."""
    zh, en, both = _subjects(zh_store), _subjects(en_store), _subjects(both_store)
    assert both == zh | en
    extra = sorted(s for s in both - zh if not _of_source(s, en_store))
    assert not extra, f"{len(extra)} nodes of the English edition only: {extra[:5]}"


def test_counterparts_link_the_editions(both_store: GraphStore) -> None:
    """Footnote blocks are paired by number, both ways; every pair joins two
    editions."""
    rows = list(
        both_store.query(
            "PREFIX ckg: <https://w3id.org/councilkg/ontology#> "
            "PREFIX dcterms: <http://purl.org/dc/terms/> "
            "SELECT ?a ?b ?la ?lb ?kind WHERE { ?a ckg:counterpart ?b ; ckg:blockKind ?kind ; "
            "ckg:ofSource/dcterms:language ?la . ?b ckg:ofSource/dcterms:language ?lb }"
        )
    )
    pairs = {(r["a"].value, r["b"].value) for r in rows}
    assert pairs and all((b, a) in pairs for a, b in pairs)
    assert all(r["la"].value != r["lb"].value for r in rows)
    footnotes = {r["a"].value for r in rows if r["kind"].value == "footnote"}
    assert len(footnotes) >= 20  # 32 once every English footnote is read


def test_one_edition_has_no_counterparts(zh_store: GraphStore) -> None:
    assert not bool(zh_store.query(f"ASK {{ ?a <{CKG.counterpart}> ?b }}"))


@pytest.mark.parametrize("edition", ["zh", "en"])
@pytest.mark.parametrize("query", cq.catalogue(), ids=lambda q: q.name)
def test_queries_same_rows(
    query: Any, edition: str, zh_store: GraphStore, en_store: GraphStore, both_store: GraphStore
) -> None:
    """Every prepared query gives the same rows on both editions as on either
    alone (as multisets): language-neutral queries as they are, the queries
    that list an edition's passages or text with ``edition`` set to it."""
    alone = zh_store if edition == "zh" else en_store
    params = dict(query.examples())
    if any(p.name == "edition" for p in query.params):
        params["edition"] = edition
    bound = cq.bind(query, params)
    assert comparable(cq.run_embedded(both_store, bound)) == comparable(
        cq.run_embedded(alone, bound)
    )


@pytest.mark.parametrize(
    "query",
    [q for q in cq.catalogue() if any(p.name == "edition" for p in q.params)],
    ids=lambda q: q.name,
)
def test_edition_changes_nothing_on_one_edition(query: Any, zh_store: GraphStore) -> None:
    """On a store of one edition, asking for that edition is asking for all."""
    examples = {k: v for k, v in query.examples().items() if k != "edition"}
    plain = cq.bind(query, examples)
    with_edition = cq.bind(query, {**examples, "edition": "zh"})
    assert comparable(cq.run_embedded(zh_store, plain)) == comparable(
        cq.run_embedded(zh_store, with_edition)
    )


# -- language detection ------------------------------------------------------


def test_detects_the_editions() -> None:
    assert detect_language(read_source(ZH)) == "zh"
    assert detect_language(read_source(EN)) == "en"


FRENCH = (
    "Répertoire de la pratique du Conseil de sécurité, 2020\n"
    + "Le Conseil a tenu une séance sur la question et les membres du Conseil ont "
    "entendu un exposé du Secrétaire général sur la situation dans la région.\n" * 8
)
SPANISH = (
    "Repertorio de la práctica seguida por el Consejo de Seguridad, 2020\n"
    + "El Consejo celebró una sesión sobre el tema y los miembros del Consejo "
    "escucharon una exposición del Secretario General sobre la situación.\n" * 8
)


@pytest.mark.parametrize(("text", "name"), [(FRENCH, "French"), (SPANISH, "Spanish")])
def test_language_without_lexicon(text: str, name: str) -> None:
    with pytest.raises(SourceError, match=f"in {name}.*no lexicon for {name}"):
        detect_language(source_from_bytes(text.encode(), "x.txt"))


@pytest.mark.parametrize(("text", "name"), [(FRENCH, "French"), (SPANISH, "Spanish")])
def test_cli_exit_2_names_the_language(tmp_path: Path, text: str, name: str) -> None:
    path = tmp_path / "edition.txt"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(path), "--no-store"])
    assert result.exit_code == 2, result.output
    assert name in result.stderr and "no lexicon" in result.stderr


def test_cli_auto_reports_each_files_language() -> None:
    result = CliRunner().invoke(main, ["ingest", str(ZH), str(EN), "--no-store", "-q"])
    assert result.exit_code == 0, result.output
    shown = Counter(
        line.split(": ", 1)[1].split(",", 1)[0]
        for line in result.stdout.splitlines()
        if "fact yield" in line
    )
    assert shown == Counter({"zh": 1, "en": 1})


def test_cli_explicit_lang_still_checks() -> None:
    """``--lang zh`` reads as before and refuses the English text."""
    ok = CliRunner().invoke(main, ["ingest", "--lang", "zh", str(ZH), "--no-store", "-q"])
    assert ok.exit_code == 0 and ": zh, fact yield" in ok.stdout
    bad = CliRunner().invoke(main, ["ingest", "--lang", "zh", str(EN), "--no-store"])
    assert bad.exit_code == 2 and "English" in bad.stderr
