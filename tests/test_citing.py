"""Documents that cite documents, only where the text says so.

A hand-written section exercises each form the lexicon knows (a report
described by the resolution it is about or was submitted under, identified
by its footnote, by parentheses or after "见"; letters whose content a
sentence reports) and the look-alikes that state nothing (documents listed
together, a meeting record in a report's footnote, a sentence describing
two reports by different resolutions, a note that is not a report or
letter).  The sample's statements come from its test gold; the query
returns them with their sentences and printed pages, and nothing else.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from councilkg import queries as cq
from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from councilkg.ingest.records import DocumentCitation
from councilkg.store import GraphStore
from tests import perturb

SECTION = "\n".join(
    [
        " 34.  与不扩散有关的项目 ",
        " 6 月 30 日，安理会审议了秘书长关于第 1540(2004)号决议执行情况的报告。901 "
        "俄罗斯联邦代表对秘书长根据第 2118(2013)号决议提交的第五次报告表示失望，902 "
        "并补充说，该报告没有达到要求。多个成员已致函安理会，指出第 1737(2006)号决议所设"
        "委员会已完成工作。903 安理会还收到一份载有第 2000(2011)号决议全文的说明。904 "
        "秘书长关于第 1701(2006)号决议执行情况的报告和关于第 1559(2004)号决议执行情况的"
        "报告均已分发。905 安理会审议了第 2500(2019)号决议的执行情况。906 ",
        "__________________ ",
        " 901 S/2021/101。 ",
        " 902 S/PV.8900。 ",
        " 903 见 2021 年 7 月 1 日德国代表的信(S/2021/600)和法国代表 2021 年 7 月 2 日的信"
        "(S/2021/610)。 ",
        " 904 S/2021/700 和 S/PV.8901。 ",
        " 905 S/2021/900 和 S/2021/901。 ",
        " 906 S/2021/800 和 S/RES/2500(2019)。另见秘书长关于第 2334(2016)号决议执行情况的"
        "报告(S/2021/584)；关于秘书长根据第 2504(2020)号决议提交的报告，见 S/2021/139。 ",
    ]
)
EXPECTED = {
    ("S/2021/101", "S/RES/1540(2004)"),  # report "on" 1540, its bare footnote
    ("S/2021/600", "S/RES/1737(2006)"),  # the letters say so
    ("S/2021/610", "S/RES/1737(2006)"),
    ("S/2021/584", "S/RES/2334(2016)"),  # identified in parentheses
    ("S/2021/139", "S/RES/2504(2020)"),  # submitted under 2504, identified after 见
}


def _pairs(result: IngestResult) -> set[tuple[str, str]]:
    return {(r.citing, r.cited) for r in result.records if isinstance(r, DocumentCitation)}


def _ingest(text: str) -> IngestResult:
    return ingest_bytes(text.encode("utf-8"), "citing.txt")


def test_each_form_and_no_look_alike() -> None:
    result = _ingest(SECTION)
    # Not: S/PV.8900 (a meeting record, not the report the sentence speaks
    # of), S/2021/700 (a note), S/2021/900 and S/2021/901 (two reports on
    # different resolutions: which is which is not said), S/2021/800 beside
    # S/RES/2500(2019) (listed together), S/PV.8902-like "see also" lists.
    assert _pairs(result) == EXPECTED


def test_the_sentence_is_the_provenance() -> None:
    for r in _ingest(SECTION).records:
        if isinstance(r, DocumentCitation):
            cited_number = r.cited.split("/")[-1].split("(")[0]
            assert cited_number in r.prov.text, r
            assert r.prov.exact is not None
            assert r.prov.text.count("。") <= 1, r.prov.text


def test_words_not_positions() -> None:
    """The rule is the words': another kind of document in the footnote of a
    report's sentence, or the description changed to a note, cites nothing."""
    changed = SECTION.replace("执行情况的报告。901", "执行情况的说明。901")
    assert ("S/2021/101", "S/RES/1540(2004)") not in _pairs(_ingest(changed))
    unsaid = SECTION.replace("指出第 1737(2006)号决议", "第 1737(2006)号决议")
    assert not {p for p in _pairs(_ingest(unsaid)) if p[1] == "S/RES/1737(2006)"}


@pytest.mark.parametrize("seed", range(8))
def test_reflowed_text_states_the_same(seed: int) -> None:
    """Wrapped at other places (inside symbols and descriptions too), the
    statements are the same."""
    text = perturb.rewrap(SECTION, random.Random(seed))
    assert text != SECTION
    assert _pairs(_ingest(text)) == EXPECTED


def test_sample_statements_equal_the_gold(seed_result: IngestResult, gold: dict[str, Any]) -> None:
    want = {
        (citing, cited)
        for cited, citing_all in gold["document_citations"].items()
        for citing in citing_all
    }
    assert want and _pairs(seed_result) == want


def test_documents_citing_answers_with_sentence_and_page(
    seed_store: GraphStore, gold: dict[str, Any]
) -> None:
    for cited, citing_all in gold["document_citations"].items():
        bound = cq.bind("documents-citing", {"symbol": cited})
        rows = cq.run_embedded(seed_store, bound).values()
        got = sorted(str(r["citing"]).rsplit("/document/", 1)[1] for r in rows)
        assert got == sorted(citing_all)
        for r in rows:
            # a document, never a passage, footnote, page list or the supplement
            assert "/document/" in str(r["citing"])
            assert str(r["kind"]).endswith(("#SecretaryGeneralReport", "#Letter"))
            assert cited.split("/")[-1].split("(")[0] in str(r["sentence"])
            assert isinstance(r["printedPage"], int) and isinstance(r["filePage"], int)
