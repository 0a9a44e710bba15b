"""Tests of the UN document symbol grammar (councilkg.ingest.symbols).

Example tests pin the forms seen in the Chinese Repertoire; property tests
generate symbols from an independent description of the grammar (below), so
a regression in the module's patterns cannot also "fix" the expectation.
"""

from __future__ import annotations

import doctest
import itertools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import councilkg.ingest.symbols as symbols_module
from councilkg.ingest.errors import IngestError
from councilkg.ingest.symbols import (
    DocumentKind,
    Symbol,
    SymbolError,
    SymbolMatch,
    find_symbols,
    parse_symbol,
)

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "000_e9c79a4311407cd1.txt"
GOLD = REPO / "tests" / "data" / "000_e9c79a4311407cd1.gold.yaml"


def found(text: str) -> list[tuple[str, str, str]]:
    """(text as written, key, form) of every match, in order."""
    return [(text[m.start : m.end], m.symbol.key, m.form) for m in find_symbols(text)]


def keys(text: str) -> list[str]:
    return [m.symbol.key for m in find_symbols(text)]


# ---------------------------------------------------------------------------
# parse_symbol: examples
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """The fields parse_symbol should produce for an official display form."""

    display: str
    series: str
    number: str
    year: int | None = None
    session: int | None = None
    suffixes: tuple[str, ...] = ()
    resumption: int | None = None
    session_label: str | None = None

    @property
    def key(self) -> str:
        return self.display.replace(" ", "")


PARSED = [
    Expected("S/RES/2231 (2015)", "S/RES", "2231", year=2015),
    Expected("S/PV.8733", "S/PV", "8733"),
    Expected("S/PV.8733 (Resumption 1)", "S/PV", "8733", resumption=1),
    Expected("S/2020/797", "S", "797", year=2020),
    Expected("S/2020/797/Rev.1", "S", "797", year=2020, suffixes=("Rev.1",)),
    Expected("S/2020/1244/Add.1", "S", "1244", year=2020, suffixes=("Add.1",)),
    Expected("S/2020/1244/Corr.1", "S", "1244", year=2020, suffixes=("Corr.1",)),
    Expected("S/2020/1244/Add.1/Corr.2", "S", "1244", year=2020, suffixes=("Add.1", "Corr.2")),
    Expected("S/PRST/2020/13", "S/PRST", "13", year=2020),
    Expected("S/Agenda/8733", "S/Agenda", "8733"),
    Expected("S/25704", "S", "25704"),
    Expected("S/25704/Add.1", "S", "25704", suffixes=("Add.1",)),
    Expected("S/PV.8733/Corr.1", "S/PV", "8733", suffixes=("Corr.1",)),
    Expected("A/75/2", "A", "2", session=75, session_label="75"),
    Expected("A/75/L.1", "A", "L.1", session=75, session_label="75"),
    Expected("A/75/L.1/Rev.1", "A", "L.1", session=75, session_label="75", suffixes=("Rev.1",)),
    Expected("A/RES/75/1", "A/RES", "1", session=75, session_label="75"),
    Expected("A/ES-10/L.22", "A", "L.22", session_label="ES-10"),
    Expected("A/RES/ES-10/19", "A/RES", "19", session_label="ES-10"),
]


@pytest.mark.parametrize("expected", PARSED, ids=[e.display for e in PARSED])
def test_parse_official_forms(expected: Expected) -> None:
    s = parse_symbol(expected.display)
    assert s == Symbol(
        key=expected.key,
        display=expected.display,
        series=expected.series,
        year=expected.year,
        session=expected.session,
        number=expected.number,
        suffixes=expected.suffixes,
        resumption=expected.resumption,
        session_label=expected.session_label,
    )
    assert str(s) == expected.display
    # The key is itself a valid input that parses to the same symbol.
    assert parse_symbol(s.key) == s


def test_documented_keys() -> None:
    assert parse_symbol("S/RES/2231 (2015)").key == "S/RES/2231(2015)"
    assert parse_symbol("S/PV.8733 (Resumption 1)").key == "S/PV.8733(Resumption1)"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("S/ 2020/797", "S/2020/797"),
        ("S /PV. 8733", "S/PV.8733"),
        ("  S/RES/2231  ( 2015 ) ", "S/RES/2231(2015)"),
        ("Ｓ／２０２０／７９７", "S/2020/797"),
        ("S/RES/2231（２０１５）", "S/RES/2231(2015)"),
        ("Ｓ／ＰＶ．８７３３（Ｒｅｓｕｍｐｔｉｏｎ　１）", "S/PV.8733(Resumption1)"),
        ("S/PV.8733(Resumption1)", "S/PV.8733(Resumption1)"),
        ("S/2020/\n797", "S/2020/797"),
        ("s/res/2231(2015)", "S/RES/2231(2015)"),
        ("S/AGENDA/8733", "S/Agenda/8733"),
        ("S/2020/1244/add. 1", "S/2020/1244/Add.1"),
        ("a/es-10/l.22", "A/ES-10/L.22"),
        ("https://undocs.org/ch/S/RES/2231(2015)", "S/RES/2231(2015)"),
        ("https://undocs.org/en/S/PV.8733(Resumption1)", "S/PV.8733(Resumption1)"),
        ("https://undocs.org/S/RES/2231%20%282015%29", "S/RES/2231(2015)"),
    ],
)
def test_parse_tolerates_written_variants(text: str, key: str) -> None:
    assert parse_symbol(text).key == key


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "S/RES/2231",  # a resolution symbol without its year
        "S/2020/",
        "S/2020/797。",  # parse_symbol takes a symbol, not a sentence
        "A/75",
        "S 2020 797",
        "S/20 20/797",  # never a space inside a number
        "S/2020/0797",  # no leading zeros
        "S/1800/5",
        "S/PV.",
        "S/2020/797/Add",
        "第 26 段",
        "第 2231(2015)号决议",  # prose is for find_symbols
        "2020 年",
        "不扩散/朝鲜民主主义人民共和国",
    ],
)
def test_parse_rejects_non_symbols(text: str) -> None:
    with pytest.raises(SymbolError) as info:
        parse_symbol(text)
    message = str(info.value)
    assert repr(text) in message
    assert "S/RES/2231 (2015)" in message  # says what was expected


def test_symbol_error_is_a_value_error_and_an_ingest_error() -> None:
    assert issubclass(SymbolError, ValueError)
    assert issubclass(SymbolError, IngestError)


def test_missing_resolution_year_is_explained() -> None:
    with pytest.raises(SymbolError, match="includes its year"):
        parse_symbol("S/RES/2231")


# ---------------------------------------------------------------------------
# kinds and URLs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("S/RES/2231 (2015)", DocumentKind.RESOLUTION),
        ("S/PRST/2020/13", DocumentKind.PRESIDENTIAL_STATEMENT),
        ("S/PV.8733", DocumentKind.MEETING_RECORD),
        ("S/PV.8733 (Resumption 1)", DocumentKind.MEETING_RECORD),
        ("S/Agenda/8733", DocumentKind.AGENDA),
        ("A/RES/75/1", DocumentKind.GA_RESOLUTION),
        ("A/75/2", DocumentKind.REPORT_OF_THE_SECURITY_COUNCIL_TO_THE_GENERAL_ASSEMBLY),
        ("A/74/2", DocumentKind.REPORT_OF_THE_SECURITY_COUNCIL_TO_THE_GENERAL_ASSEMBLY),
        ("A/75/20", DocumentKind.GA_DOCUMENT),
        ("A/75/L.2", DocumentKind.GA_DOCUMENT),
        ("A/ES-10/2", DocumentKind.GA_DOCUMENT),
        ("S/2020/797", DocumentKind.DOCUMENT),
        ("S/25704", DocumentKind.DOCUMENT),
    ],
)
def test_kind_from_symbol(text: str, kind: DocumentKind) -> None:
    assert parse_symbol(text).kind_from_symbol is kind


def test_document_kind_values() -> None:
    assert {k.value for k in DocumentKind} == {
        "resolution",
        "presidential-statement",
        "meeting-record",
        "draft-resolution",
        "letter",
        "report-of-the-secretary-general",
        "report-of-the-security-council-to-the-general-assembly",
        "ga-document",
        "ga-resolution",
        "agenda",
        "document",
    }
    assert isinstance(DocumentKind.LETTER, str)
    assert DocumentKind("draft-resolution") is DocumentKind.DRAFT_RESOLUTION


@pytest.mark.parametrize(
    ("text", "lang", "url"),
    [
        ("S/RES/2231 (2015)", "ch", "https://undocs.org/ch/S/RES/2231(2015)"),
        ("S/RES/2231 (2015)", "zh", "https://undocs.org/ch/S/RES/2231(2015)"),
        ("S/RES/2231 (2015)", "en", "https://undocs.org/en/S/RES/2231(2015)"),
        ("S/PV.8733 (Resumption 1)", "en", "https://undocs.org/en/S/PV.8733(Resumption1)"),
        ("S/2020/1244/Add.1", "ZH", "https://undocs.org/ch/S/2020/1244/Add.1"),
        ("A/75/2", "fr", "https://undocs.org/fr/A/75/2"),
    ],
)
def test_undocs_url(text: str, lang: str, url: str) -> None:
    assert parse_symbol(text).undocs_url(lang) == url


def test_undocs_url_round_trips_through_find() -> None:
    s = parse_symbol("S/PV.8733 (Resumption 1)")
    url = s.undocs_url("zh")
    [m] = find_symbols(f"见 {url}。")
    assert m.form == "url"
    assert m.symbol == s


def test_undocs_url_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="language"):
        parse_symbol("S/2020/797").undocs_url("de")


def test_symbol_is_frozen_and_hashable() -> None:
    s = parse_symbol("S/2020/797")
    with pytest.raises(AttributeError):
        s.key = "x"  # type: ignore[misc]
    assert len({s, parse_symbol("Ｓ／２０２０／７９７")}) == 1


# ---------------------------------------------------------------------------
# find_symbols: examples
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("见 S/PV.8733。", [("S/PV.8733", "S/PV.8733")]),
        ("S/2020/797。", [("S/2020/797", "S/2020/797")]),
        ("(S/2020/931)；", [("S/2020/931", "S/2020/931")]),
        ("S/2020/821)和", [("S/2020/821", "S/2020/821")]),
        ("S/2020/344、", [("S/2020/344", "S/2020/344")]),
        ("see S/2020/797.", [("S/2020/797", "S/2020/797")]),
        ("S/2020/1244/Add.1。", [("S/2020/1244/Add.1", "S/2020/1244/Add.1")]),
        ("S/2020/797/Rev.1，", [("S/2020/797/Rev.1", "S/2020/797/Rev.1")]),
        ("见 S/PV.8733 (Resumption 1)。", [("S/PV.8733 (Resumption 1)", "S/PV.8733(Resumption1)")]),
        ("A/75/2，第一编", [("A/75/2", "A/75/2")]),
        ("见 A/75/2，第一编，第四. B 章。", [("A/75/2", "A/75/2")]),
        ("S/2020/797(未通过)", [("S/2020/797", "S/2020/797")]),
        ("2020 年 12 月 22 日 S/2020/1324 2020年 12月 24日", [("S/2020/1324", "S/2020/1324")]),
        ("S/PV.8733 \n\n2020 年 2 月 26 日", [("S/PV.8733", "S/PV.8733")]),
        ("S/RES/2231 (2015)。", [("S/RES/2231 (2015)", "S/RES/2231(2015)")]),
        ("S/PRST/2020/13；", [("S/PRST/2020/13", "S/PRST/2020/13")]),
        ("S/Agenda/8733。", [("S/Agenda/8733", "S/Agenda/8733")]),
        ("A/RES/75/1。", [("A/RES/75/1", "A/RES/75/1")]),
        ("A/ES-10/L.22。", [("A/ES-10/L.22", "A/ES-10/L.22")]),
        ("S/25704。", [("S/25704", "S/25704")]),
        ("Ｓ／２０２０／７９７。", [("Ｓ／２０２０／７９７", "S/2020/797")]),
        # PDF line breaks right after "/" or "." (the extractor's "\n\n" too)
        ("见 S/2020/\n797。", [("S/2020/\n797", "S/2020/797")]),
        ("见 S/2020/\n\n797。", [("S/2020/\n\n797", "S/2020/797")]),
        ("见 S/PV.\n8733。", [("S/PV.\n8733", "S/PV.8733")]),
        ("见 S/RES/2231\n(2015)。", [("S/RES/2231\n(2015)", "S/RES/2231(2015)")]),
    ],
)
def test_find_bare_symbols(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(written, key) for written, key, _ in found(text)] == expected
    assert all(form == "symbol" for _, _, form in found(text))


def test_find_letters_in_footnote_prose() -> None:
    text = "2020 年 8 月 20 日的信(S/2020/817)和 2020 年 9 月 20 日的信(S/2020/923)"
    assert keys(text) == ["S/2020/817", "S/2020/923"]


def test_find_report_and_letter_list() -> None:
    text = "见 A/75/2，第二编，第 31 章。另见 S/2020/344、"
    assert keys(text) == ["A/75/2", "S/2020/344"]


@pytest.mark.parametrize(
    "text",
    [
        "美国对伊朗伊斯兰共和国实施了 1 500 多项",
        "《宪章》第二十六条",
        "第 26 段",
        "2020 年",
        "《行动计划》第 26 段和第 36 段的规定",
        "第 2231(2015)号和第 5 段",  # not followed by 决议
        "第 7、8 和 16 至 20 段",
        "不扩散/朝鲜民主主义人民共和国",
        "COVID-19 大流行",
        "(赞成-反对-弃权)",
        "2-2-11a",
        "第二.B 节",
        "大会第 75/1 号决议",
        "General Assembly resolution 75/1",
        "S/2020/\n\n\n797",  # two empty lines: not a line wrap
        "S/2020\n/797",  # a break before "/" is not a wrap: refuse, do not guess S/2020
        "S/RES/2231。",  # resolution without its year
        "XS/2020/797",
        "ch/S/2020/797",
    ],
)
def test_find_nothing(text: str) -> None:
    assert find_symbols(text) == []


def test_find_prose_resolution_forms() -> None:
    for text in [
        "第 2231(2015)号决议",
        "第2231(2015)号决议",
        "第 2231 (2015) 号决议",
        "第\n2231(2015)号决议",
        "第\n\n2231(2015)号决议",
        "第 2231(2015)号\n\n决议",
        "第 2231(2015)\n\n号决议",
        "第 2231(2015)号决\n\n议",
        "第２２３１（２０１５）号决议",
    ]:
        [m] = find_symbols("执行" + text + "的情况")
        assert m.form == "prose-resolution", text
        assert m.symbol.key == "S/RES/2231(2015)", text
        assert m.symbol.kind_from_symbol is DocumentKind.RESOLUTION
        assert m.start == 2
        assert m.end == 2 + len(text)


def test_find_chinese_resolution_lists() -> None:
    assert found("第 2216(2015)号和第 2231(2015)号决议") == [
        ("第 2216(2015)号", "S/RES/2216(2015)", "prose-resolution"),
        ("第 2231(2015)号决议", "S/RES/2231(2015)", "prose-resolution"),
    ]
    assert keys("第 1267(1999)、1989(2011)和 2253(2015)号决议") == [
        "S/RES/1267(1999)",
        "S/RES/1989(2011)",
        "S/RES/2253(2015)",
    ]
    assert keys("第 1267(1999)号、第 1989(2011)号及第\n2253(2015)号决议") == [
        "S/RES/1267(1999)",
        "S/RES/1989(2011)",
        "S/RES/2253(2015)",
    ]
    assert keys("第 2216(2015)号决议和第 2231(2015)号决议") == [
        "S/RES/2216(2015)",
        "S/RES/2231(2015)",
    ]


def test_find_english_prose_resolutions() -> None:
    assert found("under resolution 2231 (2015), the Council") == [
        ("resolution 2231 (2015)", "S/RES/2231(2015)", "prose-resolution")
    ]
    assert found("resolutions 2216 (2015) and 2231 (2015)") == [
        ("resolutions 2216 (2015)", "S/RES/2216(2015)", "prose-resolution"),
        ("2231 (2015)", "S/RES/2231(2015)", "prose-resolution"),
    ]
    assert keys("Resolutions 1267 (1999), 1989 (2011) and 2253 (2015).") == [
        "S/RES/1267(1999)",
        "S/RES/1989(2011)",
        "S/RES/2253(2015)",
    ]
    assert keys("resolution\n2231(2015)") == ["S/RES/2231(2015)"]


def test_find_urls() -> None:
    text = "https://undocs.org/ch/S/RES/2231(2015)\nhttps://undocs.org/ch/S/2020/797\n"
    assert found(text) == [
        ("https://undocs.org/ch/S/RES/2231(2015)", "S/RES/2231(2015)", "url"),
        ("https://undocs.org/ch/S/2020/797", "S/2020/797", "url"),
    ]
    # The closing parenthesis of the prose around a URL is not part of it.
    assert found("(https://undocs.org/en/S/2020/797)") == [
        ("https://undocs.org/en/S/2020/797", "S/2020/797", "url")
    ]
    assert keys("https://undocs.org/S/PV.8733") == ["S/PV.8733"]


def test_spans_index_the_original_text() -> None:
    # ㍻ and ㈠ expand under NFKC; the spans must still index the input.
    text = "㍻㈠见Ｓ／２０２０／７９７，第２２３１（２０１５）号决议。"
    result = find_symbols(text)
    assert [text[m.start : m.end] for m in result] == [
        "Ｓ／２０２０／７９７",
        "第２２３１（２０１５）号决议",
    ]
    assert [m.symbol.key for m in result] == ["S/2020/797", "S/RES/2231(2015)"]


def test_match_is_a_frozen_dataclass() -> None:
    [m] = find_symbols("S/2020/797")
    assert m == SymbolMatch(start=0, end=10, symbol=parse_symbol("S/2020/797"), form="symbol")
    with pytest.raises(AttributeError):
        m.start = 1  # type: ignore[misc]


def test_results_are_in_text_order_and_disjoint() -> None:
    text = (
        "resolution 2231 (2015) https://undocs.org/ch/S/RES/2231(2015)，第 2231(2015)号决议 S/PV.1"
    )
    result = find_symbols(text)
    assert [m.form for m in result] == ["prose-resolution", "url", "prose-resolution", "symbol"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(result))


# ---------------------------------------------------------------------------
# The sample page of the Chinese Repertoire against its gold file
# ---------------------------------------------------------------------------


@pytest.mark.skipif(not SAMPLE.exists() or not GOLD.exists(), reason="sample not present")
def test_sample_yields_exactly_the_gold_documents() -> None:
    yaml = pytest.importorskip("yaml")
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    text = SAMPLE.read_text(encoding="utf-8")
    result = find_symbols(text)
    assert {m.symbol.key for m in result} == set(gold["documents"])
    for m in result:
        written = text[m.start : m.end]
        assert written == written.strip()
        if m.form == "symbol":
            assert parse_symbol(written) == m.symbol
    # Every kind the symbol alone determines agrees with the gold file.
    for key, kind in gold["document_kinds"].items():
        derived = parse_symbol(key).kind_from_symbol
        if derived is not DocumentKind.DOCUMENT:
            assert derived.value == kind, key


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample not present")
def test_sample_footnote_847_cites_its_letters_in_order() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index(" 847 ")
    end = text.index(" 848 ")
    assert keys(text[start:end]) == [
        "S/2020/931",
        "S/2020/817",
        "S/2020/923",
        "S/2020/839",
        "S/2020/824",
        "S/2020/821",
        "S/2020/928",
        "S/2020/816",
        "S/2020/828",
        "S/2020/924",
    ]


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample not present")
def test_sample_footnote_854_resolution_across_line_break() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index(" 854 ")
    end = text.index("关于", start)
    assert found(text[start:end]) == [
        ("第\n\n2515(2020)号决议", "S/RES/2515(2020)", "prose-resolution")
    ]


def test_module_doctests() -> None:
    failures, _ = doctest.testmod(symbols_module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


# ---------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------
#
# A generated symbol is a list of parts: literal tokens, and gaps where the
# written form may carry filler.  A gap is "h" (horizontal space only: before
# "/" or ".", inside parentheses) or "w" (also a line wrap: after "/" or ".",
# before "("), with the filler of the official display form.  This mirrors
# the UN symbol conventions, not the module's regexes.


@dataclass(frozen=True)
class Gap:
    kind: str  # "h" or "w"
    canonical: str = ""


@dataclass(frozen=True)
class Keyword:
    """A token whose letter case may vary in writing."""

    text: str


Part = str | Gap | Keyword
H = Gap("h")
W = Gap("w")


@dataclass(frozen=True)
class Generated:
    parts: tuple[Part, ...]

    @property
    def key(self) -> str:
        return "".join(
            p.text if isinstance(p, Keyword) else p for p in self.parts if not isinstance(p, Gap)
        )

    @property
    def display(self) -> str:
        return "".join(
            p.canonical if isinstance(p, Gap) else p.text if isinstance(p, Keyword) else p
            for p in self.parts
        )


numbers = st.integers(min_value=1, max_value=99_999).map(str)
small = st.integers(min_value=1, max_value=99).map(str)
council_years = st.integers(min_value=1994, max_value=2099).map(str)
resolution_years = st.integers(min_value=1946, max_value=2099).map(str)
sessions = st.one_of(
    st.integers(min_value=1, max_value=120).map(lambda n: (str(n),)),
    st.tuples(st.sampled_from(["ES", "S"]), st.integers(min_value=1, max_value=30)).map(
        lambda t: (Keyword(t[0]), f"-{t[1]}")
    ),
)


def slash(*after: Part) -> tuple[Part, ...]:
    return (H, "/", W, *after)


@st.composite
def generated_symbols(draw: st.DrawFn) -> Generated:
    kind = draw(
        st.sampled_from(["res", "prst", "pv", "agenda", "year", "old", "ares", "adoc", "adraft"])
    )
    parts: tuple[Part, ...]
    if kind == "res":
        parts = (
            "S", *slash(Keyword("RES")), *slash(draw(numbers)), Gap("w", " "),
            "(", H, draw(resolution_years), H, ")",
        )  # fmt: skip
    elif kind == "prst":
        parts = ("S", *slash(Keyword("PRST")), *slash(draw(council_years)), *slash(draw(numbers)))
    elif kind == "pv":
        parts = ("S", *slash(Keyword("PV")), H, ".", W, draw(numbers))
        if draw(st.booleans()):
            parts += (
                Gap("w", " "),
                "(",
                H,
                Keyword("Resumption"),
                Gap("h", " "),
                draw(small),
                H,
                ")",
            )
    elif kind == "agenda":
        parts = ("S", *slash(Keyword("Agenda")), *slash(draw(numbers)))
    elif kind == "year":
        parts = ("S", *slash(draw(council_years)), *slash(draw(numbers)))
    elif kind == "old":
        parts = ("S", *slash(draw(numbers)))
    elif kind == "ares":
        parts = ("A", *slash(Keyword("RES")), *slash(*draw(sessions)), *slash(draw(numbers)))
    elif kind == "adoc":
        parts = ("A", *slash(*draw(sessions)), *slash(draw(numbers)))
    else:
        parts = ("A", *slash(*draw(sessions)), *slash(Keyword("L")), H, ".", W, draw(numbers))
    chain = draw(
        st.lists(st.tuples(st.sampled_from(["Add", "Rev", "Corr"]), st.integers(1, 20)), max_size=3)
    )
    for word, n in chain:
        parts += (*slash(Keyword(word)), H, ".", W, str(n))
    return Generated(parts)


def full_width(ch: str) -> str:
    if ch == " ":
        return "\u3000"
    if "!" <= ch <= "~":
        return chr(ord(ch) + 0xFEE0)
    return ch


@st.composite
def written(draw: st.DrawFn, g: Generated) -> str:
    """One way of writing ``g`` that running text may contain."""
    out: list[str] = []
    horizontal = st.text(st.sampled_from([" ", " ", "\u3000", "\u00a0", "\t"]), max_size=2)
    for part in g.parts:
        if isinstance(part, Gap):
            filler = draw(st.sampled_from([part.canonical, part.canonical, draw(horizontal)]))
            if part.kind == "w" and draw(st.integers(0, 5)) == 0:
                filler += draw(st.sampled_from(["\n", "\n\n", "\r\n", " \n \n"]))
                filler += draw(horizontal)
            out.append(filler)
        elif isinstance(part, Keyword):
            out.append(
                "".join(
                    draw(st.sampled_from([c.upper(), c.lower()])) if draw(st.booleans()) else c
                    for c in part.text
                )
            )
        else:
            out.append(part)
    text = "".join(out)
    if draw(st.booleans()):
        text = "".join(full_width(c) if draw(st.booleans()) else c for c in text)
    return text


CJK = "安理会成员见另第号年月日秘书长报告的信和及中国代表伊朗美国条约会议视频"
PUNCT = "。，、；：！？“”《》（）() .\n"
DIGITS = "0123456789０１２３"


def nfkc(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


prefixes = st.text(st.sampled_from(CJK + PUNCT + DIGITS), max_size=12)
suffixes = st.text(st.sampled_from(CJK + PUNCT + DIGITS), max_size=12)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_property_parse_written_forms(data: st.DataObject) -> None:
    g = data.draw(generated_symbols())
    text = data.draw(written(g))
    s = parse_symbol(text)
    assert s.key == g.key
    assert s.display == g.display
    assert parse_symbol(s.display) == s


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_property_find_embedded_symbol(data: st.DataObject) -> None:
    g = data.draw(generated_symbols())
    symbol_text = data.draw(written(g))
    before = data.draw(prefixes)
    after = data.draw(suffixes)
    # The context must not continue the symbol: no letter, digit or "/" right
    # before it, no digit right after it.
    if before and (nfkc(before[-1]).isascii() and nfkc(before[-1]).isalnum()):
        before += "见"
    if after and nfkc(after[0])[:1].isdigit():
        after = "。" + after
    text = before + symbol_text + after
    result = find_symbols(text)
    assert [(m.start, m.end, m.symbol.key, m.form) for m in result] == [
        (len(before), len(before) + len(symbol_text), g.key, "symbol")
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(CJK + PUNCT + DIGITS + "ASEPVRL-_%:"), max_size=80))
def test_property_no_slash_no_symbol(text: str) -> None:
    # No "/" means no symbol or URL; no 决议 and no lower-case letters means
    # no prose resolution either.
    assert find_symbols(text) == []


@st.composite
def prose_lists(draw: st.DrawFn) -> tuple[str, list[str]]:
    ws = st.text(st.sampled_from([" ", "\n", "\u3000"]), max_size=3)
    items = draw(
        st.lists(st.tuples(st.integers(1, 99_999), st.integers(1946, 2099)), min_size=1, max_size=4)
    )
    out = "第" + draw(ws)
    for i, (n, y) in enumerate(items):
        if i > 0:
            out += draw(ws) + draw(st.sampled_from(["和", "、", "及", "号和", "号、", "号及"]))
            out += draw(ws) + draw(st.sampled_from(["", "第"])) + draw(ws)
        item = f"{n}{draw(ws)}({draw(ws)}{y}{draw(ws)})"
        if draw(st.booleans()):
            item = "".join(full_width(c) for c in item)
        out += item
    out += draw(ws) + "号" + draw(ws) + "决议"
    return out, [f"S/RES/{n}({y})" for n, y in items]


@settings(max_examples=300, deadline=None)
@given(prose_lists(), prefixes, suffixes)
def test_property_chinese_prose_resolutions(
    prose: tuple[str, list[str]], before: str, after: str
) -> None:
    text, expected = prose
    if before and nfkc(before[-1]).isdigit():
        before += "见"
    whole = before + text + after
    result = find_symbols(whole)
    assert [m.symbol.key for m in result] == expected
    assert all(m.form == "prose-resolution" for m in result)
    assert result[0].start == len(before)
    assert result[-1].end == len(before) + len(text)
    assert all(isinstance(m.symbol, Symbol) for m in result)
