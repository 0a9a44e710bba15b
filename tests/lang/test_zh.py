"""The Chinese lexicon, entry by entry: each pattern matches a written
example and misses a near one; the words, numerals, punctuation and name
forms do what the engine relies on.

Why: a lexicon is edited by readers of the edition, not of the engine; a
small example per entry says what the entry is for and fails at the entry
that a change breaks.
"""

from __future__ import annotations

import re

import pytest

from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.lang import get
from councilkg.ingest.marker_grammar import marker_grammar, marker_pattern
from councilkg.ingest.symbols import find_symbols

ZH = get("zh")
LX = ZH.lexicon

# (section, name): (an example the pattern finds, a near miss it does not).
EXAMPLES: dict[tuple[str, str], tuple[str, str]] = {
    ("furniture", "running_header"): ("2020 年安全理事会惯例汇辑", "2020 年安全理事会的惯例"),
    ("furniture", "running_header_part"): ("第一部分. 审议属于安全理事会", "第一章. 审议"),
    ("headings", "item"): ("12. 中东局势", "2020. "),
    ("headings", "subsection"): ("B. 会议和决定", "b. 会议"),
    ("headings", "table_number"): ("表 1(续)", "表一"),
    ("headings", "meetings_title"): ("会议：阿富汗局势", "会议记录"),
    ("headings", "videoconferences_title"): ("视频会议：阿富汗局势", "视频会议记录"),
    ("headings", "table_note"): ("a 赞成：中国", "赞成：中国"),
    ("tables", "ref_before"): ("13-0-2", "13-0"),
    ("tables", "official_suffix"): ("特别代表", "代表团"),
    ("tables", "list_goes_on"): ("中国、", "中国"),
    ("tables", "continued"): ("表 1(续)", "表 1"),
    ("tables", "no_record"): ("无记录 a", "有记录"),
    ("tables", "record_title_letter"): ("常驻代表给秘书长的信", "信函"),
    ("dates", "full"): ("2020 年 1 月 10 日", "2020 年 1 月"),
    ("dates", "day_month"): ("于 3 月 5 日", "2020 年 3 月 5 日"),
    ("dates", "month_only"): ("于 6 月和", "6 月 5 日"),
    ("dates", "year_month"): ("2020 年 6 月", "2020 年 6 月 5 日"),
    ("decisions", "draft_resolution"): ("决议草案 S/2020/1", "决议 S/2020/1"),
    ("decisions", "resolution_prose"): ("第 2231(2015)号决议", "第 2231 号决议"),
    ("decisions", "presidential_statement"): ("主席声明", "主席的声明"),
    ("decisions", "not_adopted"): ("(未获通过)", "(获得通过)"),
    ("decisions", "unanimous"): ("一致通过", "通过"),
    ("decisions", "vote_counts"): ("13-0-2 a", "S/2020/13-0-2"),
    ("decisions", "note_ref"): ("S/2020/1a", "S/2020/1abc"),
    ("votes", "label_separator"): ("赞成：", "赞成"),
    ("votes", "group_separator"): ("中国；法国", "中国，法国"),
    ("markers", "counter_suffix"): ("年", "国"),
    ("lists", "separator"): ("中国和法国", "中国法国"),
    ("lists", "final_punctuation"): ("中国。", "中国"),
    ("speakers", "represented_by"): ("伊朗由外交部长代表", "伊朗代表"),
    ("narrative", "not_speaker_after"): ("的", "说"),
    ("narrative", "facilitator_capacity"): ("作为第 2231(2015)号决议协调人，", "协调人"),
    ("narrative", "sponsor"): ("德国和比利时提交了一份决议草案", "德国和比利时表决了决议草案"),
    ("narrative", "meeting_format"): ("举行了三次通报形式的会议", "举行了三次会议"),
    ("narrative", "open_videoconferences"): ("举行了 12 次公开视频会议", "举行了视频会议"),
    ("narrative", "heard_briefing"): ("听取了秘书长特使的通报", "听取了发言"),
    ("narrative", "held_by_state"): ("越南代表作为", "越南代表"),
    ("narrative", "state_speaker"): ("美国常驻代表说", "美国说"),
    ("narrative", "group_title"): ("与非洲和平与安全有关的项目", "项目有关"),
    ("narrative", "instrument_title"): ("《联合国宪章》", "联合国宪章"),
    ("footnotes", "ibid"): ("同上。", "见同上"),
    ("footnotes", "see"): ("另见 S/PV.8733", "S/PV.8733"),
    ("footnotes", "letter_told"): (
        "收到美国 2020 年 8 月 20 日和 9 月 23 日的信函后",
        "收到美国的信函后",
    ),
    ("footnotes", "sender"): ("中国代表", "代表团"),
    ("footnotes", "on_behalf"): ("同时代表法国的信", "代表法国的信"),
    ("footnotes", "sg_report"): ("秘书长关于阿富汗局势的报告", "秘书长的信"),
    ("footnotes", "segment_separator"): ("；", "，"),
    ("citations", "about"): ("关于第 2231(2015)号决议执行情况的报告", "关于执行情况，报告"),
    ("citations", "pursuant"): ("根据第 2504(2020)号决议提交的报告", "根据决议提出的意见"),
    ("citations", "see_after"): ("，见 S/2020/139", "S/2020/139"),
    ("citations", "letters_say"): ("致函安理会，指出", "致函安理会。指出"),
    ("gazetteer", "not_after"): ("", ""),  # see test_not_after
}


def _string_patterns() -> list[tuple[str, str]]:
    """Every regex-valued entry of the lexicon's sections (strings that are
    not word lists, punctuation sets, words or forms to fill)."""
    skip_sections = {"punctuation", "script", "symbols", "gazetteer"}
    words = {
        ("tables", "rule37_header"),
        ("tables", "rule39_header"),
        ("tables", "no_record_word"),
        ("tables", "header_leftovers"),
        ("dates", "written_form"),
        ("lists", "entry_separator"),
        ("footnotes", "letter_word"),
        ("footnotes", "also"),
        ("narrative", "numeral_tens"),
        ("markers", "not_before"),  # lookbehinds, a prefix of the marker pattern: see below
    }
    return [
        (section, name)
        for section, table in LX.raw.items()
        if isinstance(table, dict) and section not in skip_sections
        for name, value in table.items()
        if isinstance(value, str) and (section, name) not in words
    ]


def test_every_pattern_has_an_example() -> None:
    missing = [key for key in _string_patterns() if key not in EXAMPLES]
    assert not missing, f"zh lexicon patterns without an example in EXAMPLES: {missing}"


@pytest.mark.parametrize(("section", "name"), sorted(k for k in EXAMPLES if k[0] != "gazetteer"))
def test_pattern_example(section: str, name: str) -> None:
    example, near_miss = EXAMPLES[(section, name)]
    pattern = LX.pattern(section, name)
    assert pattern.search(example), f"[{section}] {name} misses {example!r}"
    assert not pattern.search(near_miss), f"[{section}] {name} finds {near_miss!r}"


@pytest.mark.parametrize(
    ("word", "stance"),
    [("表示严重关切", "ExpressedConcern"), ("谴责", "Condemned"), ("赞赏", "Commended")],
)
def test_stances(word: str, stance: str) -> None:
    found = [name for name, p in LX.value("positions", "stances") if re.search(p, word)]
    assert found[0] == stance


def test_words_and_tables() -> None:
    assert "赞成" in LX.words("votes", "for")
    assert "未参加表决" in LX.words("votes", "not_participating")
    assert set(LX.words("tables", "meetings_header")) <= set(LX.words("tables", "header_fragments"))
    assert "安理会全体成员" in LX.words("speakers", "all_council_members")
    assert {c["capacity"] for c in LX.value("narrative", "capacities")} >= {"representative"}
    assert {f["format"] for f in LX.value("narrative", "formats")} >= {"briefing", "debate"}
    assert LX.value("tables", "rule37_header") == "规则第 37 条"
    assert LX.value("tables", "no_record_word") == "无记录"
    assert LX.value("footnotes", "letter_word") in "中国代表的信"


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), ("三", 3), ("两", 2), ("十", 10), ("十二", 12), ("二十", None), ("几", None)],
)
def test_numerals(text: str, value: int | None) -> None:
    assert ZH.numeral(text) == value


def test_punctuation_and_script() -> None:
    assert "。" in LX.terminal and "，" in LX.clause and "、" in LX.continuing
    assert ZH.punctuation("spaces") == " \u3000"
    assert ZH.punctuation("open_paren") == "(（" and ZH.punctuation("close_paren") == ")）"
    assert ZH.trailing.fullmatch("、 。；")
    assert not ZH.trailing.fullmatch("中")
    assert ZH.script == "Han" and ZH.name == "Chinese"
    assert ZH.letters.match("汉") and not ZH.letters.match("a")
    assert ZH.is_name("尼日利亚") and not ZH.is_name("尼日利亚 a") and not ZH.is_name("")
    assert ZH.written_date_form == "YYYY 年 M 月 D 日"


@pytest.mark.parametrize(
    ("text", "iso3"),
    [("发展中国家", []), ("几内亚湾", []), ("中国和几内亚", ["CHN", "GIN"])],
)
def test_not_states(text: str, iso3: list[str]) -> None:
    assert "发展中国家" in ZH.not_states
    assert [st.iso3 for _, _, st in default_gazetteer().find_all(text, "zh")] == iso3


def test_not_after() -> None:
    (state, before), *_ = ZH.not_after
    assert state == "JPN" and before.search("12 月 18 ") and not before.search("S/2026/42 ")
    gz = default_gazetteer()
    assert [st.iso3 for *_, st in gz.find_all("12 月 18 日本届会议", "zh")] == []
    assert [st.iso3 for *_, st in gz.find_all("S/2026/42 日本、尼日利亚", "zh")] == ["JPN", "NGA"]


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("第 2231(2015)号决议", ["S/RES/2231(2015)"]),
        ("第 2216(2015)号和第\n2231(2015)号决议", ["S/RES/2216(2015)", "S/RES/2231(2015)"]),
        (
            "第 1267(1999)、1989(2011)和 2253(2015)号决议",
            ["S/RES/1267(1999)", "S/RES/1989(2011)", "S/RES/2253(2015)"],
        ),
        ("第 2231(2015)号", []),
        ("Ｓ／２０２０／７９７", ["S/2020/797"]),
    ],
)
def test_resolution_prose(text: str, keys: list[str]) -> None:
    assert [m.symbol.key for m in find_symbols(text)] == keys
    assert set(ZH.quick_keys) == {"号", "／"}


def test_marker_grammar() -> None:
    """A marker follows a Chinese character or punctuation, never a Latin
    letter, a digit or a symbol's slash."""
    pattern = marker_pattern(824, marker_grammar(LX))
    assert pattern.search("通报。824 副秘书长")
    assert pattern.search("通报中，824 除了")
    for text in ("S/2020/824", "第 2 824", "ab824", "824 年", "8241"):
        assert not pattern.search(text), text
