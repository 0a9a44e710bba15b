"""Layout recovery on small texts built in the Repertoire's layout, so each
rule is tested apart from the seed (other numbers, other page breaks)."""

from __future__ import annotations

import pytest

from councilkg.ingest.layout import BlockKind, Document, recover_layout
from councilkg.ingest.lexicon import load_lexicon
from councilkg.ingest.marker_grammar import marker_grammar
from councilkg.ingest.markers import find_markers
from councilkg.ingest.pipeline import ingest_bytes
from councilkg.ingest.records import Footnote
from councilkg.ingest.source import source_from_bytes

ZH = load_lexicon("zh")
COUNTERS = marker_grammar(ZH)

# Two pages: a paragraph cut by a footnote block whose second footnote runs
# over the page break (its tail opens the next page's footnote block), a
# page-end link list, and furniture in the other order, with "(C)".
TEXT = "\n\n".join(
    [
        " 12.  与某事项有关的项目 ",
        " A. 某事项 ",
        " 在本报告所述期间，安理会举行了一次会议。101 安理会收到了 S/2021/101 号",
        "文件，其中载有 1 500 多项建议，见第 2231(2015)号决议和 2020 年的报告",
        "__________________ ",
        " 101 见 S/PV.9000。 ",
        " 102 德国、法国、",
        "https://undocs.org/ch/S/PV.9000",
        "45 21-00001 (C) ",
        "2021 年安全理事会惯例汇辑  ",
        "以及其他文件。102 他们还讨论了该问题。 ",
        "__________________ ",
        "中国和美国。 ",
        "",
    ]
)


@pytest.fixture(scope="module")
def doc() -> Document:
    return recover_layout(source_from_bytes(TEXT.encode(), "mini.txt"), ZH)


def test_streams_are_separated(doc: Document) -> None:
    paragraphs = doc.of_kind(BlockKind.PARAGRAPH)
    assert len(paragraphs) == 1
    text = paragraphs[0].text
    assert "其中载有 1 500 多项建议" in text
    assert "2020 年的报告以及其他文件。" in text
    for furniture in ("21-00001", "惯例汇辑", "undocs", "德国"):
        assert furniture not in text
    assert [f.printed_page for f in doc.furniture if f.printed_page] == [45]
    assert [link.symbol for link in doc.links] == ["S/PV.9000"]


def test_footnote_continues_after_page_break(doc: Document) -> None:
    footnotes = {b.number: b for b in doc.of_kind(BlockKind.FOOTNOTE) if b.number is not None}
    assert sorted(footnotes) == [101, 102]
    assert footnotes[102].continued
    assert footnotes[102].text.replace(" ", "") == "102德国、法国、中国和美国。"
    assert len(footnotes[102].pages) == 2


def test_markers_are_the_next_numbers_only(doc: Document) -> None:
    markers = find_markers(doc.of_kind(BlockKind.PARAGRAPH), [101, 102], COUNTERS)
    assert sorted(markers) == [101, 102]
    text = doc.of_kind(BlockKind.PARAGRAPH)[0].text
    for n, m in markers.items():
        assert text[m.start : m.end] == str(n)


def test_headings(doc: Document) -> None:
    assert [b.number for b in doc.of_kind(BlockKind.ITEM_HEADING)] == [12]
    assert [b.letter for b in doc.of_kind(BlockKind.SUBSECTION_HEADING)] == ["A"]


def test_numbers_that_look_like_markers_are_not() -> None:
    # Footnote 500 exists; "1 500", "S/2020/500" and "500 年" must not be its marker.
    text = "\n\n".join(
        [
            " A. 某事项 ",
            "共有 1 500 项，见 S/2020/500 和 500 年前的事。500 ",
            "__________________ ",
            " 500 见上文。 ",
            "",
        ]
    )
    doc = recover_layout(source_from_bytes(text.encode(), "m.txt"), ZH)
    markers = find_markers(doc.of_kind(BlockKind.PARAGRAPH), [500], COUNTERS)
    body = doc.of_kind(BlockKind.PARAGRAPH)[0].text
    assert body[markers[500].start - 1] == "。"


def test_positions_from_a_page_spanning_footnote() -> None:
    result = ingest_bytes(TEXT.encode(), "mini.txt")
    fn = next(r for r in result.records if isinstance(r, Footnote) and r.number == 102)
    assert fn.states == ("DEU", "FRA", "CHN", "USA")


def test_trailing_spaces_lost_falls_back_to_punctuation() -> None:
    stripped = "\n".join(line.rstrip() for line in TEXT.splitlines())
    doc = recover_layout(source_from_bytes(stripped.encode(), "s.txt"), ZH)
    footnotes = {b.number: b.text.replace(" ", "") for b in doc.of_kind(BlockKind.FOOTNOTE)}
    assert footnotes[101] == "101见S/PV.9000。"
    assert footnotes[102].endswith("中国和美国。")
