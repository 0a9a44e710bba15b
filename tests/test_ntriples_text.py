"""The mapping writes N-Triples text without building rdflib terms
(:func:`councilkg.ingest.rdf.to_ntriples`); each term it writes must be the
text :func:`councilkg.ingest.ntriples.term` writes for the rdflib term it
stands for, and :func:`councilkg.ingest.rdf.to_triples`, which reads the
lines back, must give those terms again.  Checked term by term (literals of
every kind the mapping makes, with every escape) and file by file (the
sample, the test sections, an English text): the lines are the lines of the
triples, the triples the triples of the lines.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import XSD, Literal, URIRef

from councilkg import heap
from councilkg.ingest import rdf
from councilkg.ingest.iris import Minter
from councilkg.ingest.ntriples import (
    from_term,
    nquads_lines,
    nquads_of_lines,
    ntriples_lines,
    term,
    triples_of_lines,
    unescape,
)
from councilkg.ingest.pipeline import ingest_file
from councilkg.ingest.vocab import CKG

ROOT = Path(__file__).resolve().parents[1]
FILES = [
    ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt",
    *sorted((ROOT / "tests" / "data" / "sections").glob("*.txt")),
    ROOT / "tests" / "data" / "en" / "non-proliferation-2020.en.txt",
]
TEXTS = [
    "",
    "plain",
    'a "quoted" back\\slash',
    "lines\nand\ttabs\rand\bbell\fform",
    "control \x00 \x01 \x1f \x7f characters",
    "安全理事会第 8733 次会议",
    "S/RES/2231(2015) ½ ﬁ \u00a0 \u2028",
    "\\u0041 is not an escape in the text",
]


@pytest.mark.parametrize("value", [*TEXTS, 0, 7, -3, 10**20, True, False, None, 1.5])
def test_a_literal_is_the_text_rdflib_writes(value: object) -> None:
    assert rdf._lit(value) == term(Literal(value))


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("lang", ["zh", "en", None, ""])
def test_a_language_literal_is_the_text_rdflib_writes(text: str, lang: str | None) -> None:
    assert rdf._text(text, lang) == term(Literal(text, lang=lang or None))


def test_a_date_is_the_text_rdflib_writes() -> None:
    day = dt.date(2020, 2, 29)
    assert rdf._date(day) == term(Literal(day.isoformat(), datatype=XSD.date))


def test_namespace_terms_and_tables_are_iris_as_text() -> None:
    assert rdf.CKG.Vote == f"<{CKG.Vote}>"
    assert rdf.RDF.type == "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    assert rdf._POSITION["for"] == term(rdf.POSITION["for"])
    assert isinstance(rdf.DOC_CLASS["resolution"], URIRef)  # the public tables stay rdflib
    with pytest.raises(AttributeError):
        _ = rdf.CKG.NoSuchTerm


@pytest.mark.parametrize(
    "node",
    [
        URIRef("https://w3id.org/councilkg/id/document/S/RES/2231(2015)"),
        *(Literal(t) for t in TEXTS),
        *(Literal(t, lang="zh") for t in TEXTS),
        Literal(5),
        Literal(-12),
        Literal(True),
        Literal(False),
        Literal("2020-01-31", datatype=XSD.date),
    ],
)
def test_a_term_read_back_is_the_term(node: URIRef | Literal) -> None:
    back = from_term(term(node))
    assert back == node and type(back) is type(node)
    if isinstance(node, Literal):
        assert isinstance(back, Literal)
        assert (back.language, back.datatype, back.value) == (
            node.language,
            node.datatype,
            node.value,
        )


def test_unescape_undoes_every_escape() -> None:
    assert unescape(r"a\"b\\c\nd\te\u0001f\U0001F600") == 'a"b\\c\nd\te\x01f\U0001f600'


@pytest.mark.parametrize("bad", ["_:b0", '"open', "plain", '"x"junk'])
def test_what_is_not_a_term_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        from_term(bad)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_lines_are_the_lines_of_the_triples(path: Path) -> None:
    minter = Minter()
    records = ingest_file(path, language="auto").records
    lines = rdf.to_ntriples(records, minter)
    triples = rdf.to_triples(records, minter)
    assert lines == sorted(set(lines))
    assert ntriples_lines(triples) == lines
    assert triples_of_lines(lines) == triples
    graph = minter.graph("0" * 64)
    assert nquads_of_lines(lines, str(graph)) == nquads_lines(triples, graph)


def test_a_line_that_is_not_a_statement_is_refused() -> None:
    with pytest.raises(ValueError):
        triples_of_lines(["<a> <b> <c>\n"])


def test_the_heap_is_trimmed_once_enough_was_freed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[None] = []
    monkeypatch.setattr(heap, "trim", lambda: calls.append(None))
    trimmer = heap.Trimmer(every=100)
    assert [trimmer.freed(n) for n in (40, 40, 30, 99, 1, 500)] == [
        False,
        False,
        True,
        False,
        True,
        True,
    ]
    assert len(calls) == 3 and trimmer.pending == 0
