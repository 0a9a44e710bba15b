"""Tables, notes and footnotes as the Repertoire prints them beyond the seed.

Each text is written here, in the extracted layout (every line followed by
an empty line, a trailing space ending each block, cell and note), with
the facts it states; nothing is read from the seed.  The texts are small
on purpose: each one isolates a way the print differs from the seed (five
notes under one table, notes on one line, a row with several decisions, a
list wrapped inside a name with a false cell end, a header repeated in the
middle of a row, a misnumbered footnote, zero-width characters).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from councilkg.ingest.errors import Code
from councilkg.ingest.layout import note_letters
from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from councilkg.ingest.records import Decision, Footnote, Letter, Meeting, Speaker, Sponsor, Vote

MEMBERS = {
    "BEL": "比利时",
    "CHN": "中国",
    "DOM": "多米尼加共和国",
    "EST": "爱沙尼亚",
    "FRA": "法国",
    "DEU": "德国",
    "IDN": "印度尼西亚",
    "NER": "尼日尔",
    "RUS": "俄罗斯联邦",
    "VCT": "圣文森特和格林纳丁斯",
    "ZAF": "南非",
    "TUN": "突尼斯",
    "GBR": "联合王国",
    "USA": "美国",
    "VNM": "越南",
}

VC_HEADER = [
    "表 1 ",
    "视频会议：中东局势 ",
    "视频会议日期 视频会议记录 标题 ",
    "决定、表决(赞成-反对-弃权) ",
    "和书面程序记录 ",
    "    ",
]
MEETING_HEADER = [
    "会议记录及日期 分项 其他文件 ",
    "根据规则第 37 条 ",
    "发出的邀请 ",
    "根据规则第 39 条 ",
    "发出的邀请及 ",
    "其他邀请 发言者 ",
    "决定和表决 ",
    "(赞成-反对-弃权) ",
    "       ",
]


def layout(lines: list[str]) -> bytes:
    """Lines as the extractor writes them: each followed by an empty line."""
    return "\n\n".join(lines).encode("utf-8") + b"\n"


def ingest(lines: list[str]) -> IngestResult:
    return ingest_bytes(layout(lines), "section.txt")


def names(*iso3: str) -> str:
    return "、".join(MEMBERS[c] for c in iso3)


def note(letter: str, votes: dict[str, tuple[str, ...]]) -> str:
    labels = {"for": "赞成", "against": "反对", "abstaining": "弃权", "np": "未参加表决"}
    body = "；".join(f"{labels[k]}：{names(*v)}" for k, v in votes.items() if v)
    return f" {letter} {body}。 "


# The July 2020 votes on the cross-border drafts and resolution 2533 (2020).
ALL = tuple(MEMBERS)
P5_NO = ("CHN", "RUS")
VOTES = {
    "S/2020/654": {"for": tuple(c for c in ALL if c not in ("CHN", "RUS")), "against": P5_NO},
    "S/2020/658": {
        "for": ("CHN", "RUS", "ZAF", "VNM"),
        "against": ("BEL", "DOM", "EST", "FRA", "DEU", "GBR", "USA"),
        "abstaining": ("IDN", "NER", "VCT", "TUN"),
    },
    "S/2020/667": {"for": tuple(c for c in ALL if c not in ("CHN", "RUS")), "against": P5_NO},
    "S/2020/693": {
        "for": ("CHN", "RUS", "ZAF"),
        "against": ("BEL", "DOM", "EST", "FRA", "DEU", "NER", "VCT", "TUN", "GBR", "USA"),
        "abstaining": ("IDN", "VNM"),
    },
    "S/RES/2533(2020)": {
        "for": tuple(c for c in ALL if c not in ("CHN", "DOM", "RUS")),
        "abstaining": ("CHN", "DOM", "RUS"),
    },
}


VOTES_2_2_11 = {
    "for": ("DOM", "USA"),
    "against": ("CHN", "RUS"),
    "abstaining": tuple(c for c in ALL if c not in ("DOM", "USA", "CHN", "RUS")),
}


def wrap(text: str, width: int) -> list[str]:
    """``text`` cut every ``width`` characters, the last piece ending the block."""
    pieces = [text[i : i + width] for i in range(0, len(text), width)]
    return [*pieces[:-1], pieces[-1] + " "]


def vc_section(notes: list[str]) -> list[str]:
    title = "2020 年 7 月 9 日安全理事会主席给秘书长和安全理事会成员国常驻代表的信"
    return [
        " 1.  中东局势 ",
        " 7 月 7 日，比利时和德国提交的决议草案因两个常任理事国投反对票而未获通过。101 ",
        "__________________ ",
        " 101 见 S/2020/661。另见 S/2020/654，第 2 段。 ",
        *VC_HEADER,
        f"2020 年 7 月 7 日 S/2020/661 {title[:30]}",
        title[30:] + " ",
        "决议草案 ",
        "S/2020/654(未通过) ",
        "13-2-0a ",
        f"2020 年 7 月 8 日 S/2020/665 {title} ",
        "决议草案 ",
        "S/2020/658(未通过) ",
        "4-7-4b ",
        f"2020 年 7 月 10 日 S/2020/675 {title} ",
        "决议草案 ",
        "S/2020/667(未通过) ",
        "13-2-0c ",
        "决议草案 ",
        "S/2020/693(未通过) ",
        "3-10-2d ",
        "第 2533(2020)号决议 ",
        "12-0-3e ",
        "S/2020/680 ",
        " ",
        *notes,
        " 2.  与不扩散有关的项目 ",
    ]


def five_notes() -> list[str]:
    return [note(letter, VOTES[d]) for letter, d in zip("abcde", VOTES, strict=True)]


def tally(result: IngestResult) -> dict[str, dict[str, tuple[str, ...]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for r in result.records:
        if isinstance(r, Vote):
            out.setdefault(r.draft, {}).setdefault(r.position, []).append(r.member)
    return {d: {p: tuple(m) for p, m in v.items()} for d, v in out.items()}


def codes(result: IngestResult) -> Counter[str]:
    return Counter(d.code.value for d in result.diagnostics)


def test_five_notes_every_vote() -> None:
    result = ingest(vc_section(five_notes()))
    assert tally(result) == VOTES
    assert not result.contradictions
    decisions = {r.symbol: r for r in result.records if isinstance(r, Decision)}
    assert [d.adopted for d in decisions.values()] == [False, False, False, False, True]
    assert decisions["S/RES/2533(2020)"].written_procedure_record == "S/2020/680"


@pytest.mark.parametrize("width", [4, 7, 13, 29])
def test_notes_wrapped_inside_names(width: int) -> None:
    notes = [line for n in five_notes() for line in wrap(n.strip(), width)]
    result = ingest(vc_section(notes))
    assert tally(result) == VOTES
    assert not result.contradictions


def test_notes_on_one_line_and_across_a_page_break() -> None:
    a, b, c, d, e = (n.strip() for n in five_notes())
    notes = [
        f" {a} {b} ",
        c + " ",
        "https://undocs.org/ch/S/2020/654",
        "2020 年安全理事会惯例汇辑  ",
        "21-12994 131 ",
        "第一部分. 审议属于安全理事会维护国际和平与安全责任范围的问题 ",
        *wrap(f"{d} {e}", 31),
    ]
    result = ingest(vc_section(notes))
    assert tally(result) == VOTES
    assert not result.contradictions
    assert sum(1 for f in result.document.furniture if f.kind == "running-header") == 2


def test_note_letters_after_z() -> None:
    letters = list(note_letters())
    assert letters[:3] == ["a", "b", "c"]
    assert letters[25:28] == ["z", "aa", "ab"]
    rows: list[str] = []
    notes: list[str] = []
    for i, letter in enumerate(letters[:28]):
        day = 1 + i
        rows += [
            f"2020 年 3 月 {day} 日 S/2020/{300 + i} 2020 年 3 月 {day} 日安全理事会主席的信 ",
            "决议草案 ",
            f"S/2020/{400 + i}(未通过) ",
            f"2-2-11{letter} ",
        ]
        notes.append(note(letter, VOTES_2_2_11))
    result = ingest([" 1.  中东局势 ", *VC_HEADER, *rows, " ", *notes, " 2.  不扩散 "])
    votes = tally(result)
    assert len(votes) == 28
    assert all(sum(len(m) for m in v.values()) == 15 for v in votes.values())
    assert not result.contradictions
    assert Code.NOTE_MISSING.value not in codes(result)


def test_duplicate_voter_is_a_contradiction_and_incomplete_note_a_warning() -> None:
    notes = five_notes()
    notes[0] = notes[0].replace("美国", "美国、美国", 1)
    notes[1] = notes[1].replace("越南", "越南、乌托邦国", 1)
    result = ingest(vc_section(notes))
    found = codes(result)
    assert found[Code.DUPLICATE_VOTER.value] == 1
    assert found[Code.NOTE_INCOMPLETE.value] == 1
    # The incomplete note is not compared with its counts: no E001 for it.
    assert not any(
        d.code is Code.COUNT_MISMATCH and "S/2020/658" in d.message for d in result.diagnostics
    )


def meeting_section(rows: list[str], notes: list[str]) -> list[str]:
    return [
        " 5.  中东局势 ",
        " 在本报告所述期间，安理会举行了两次会议。201 ",
        "__________________ ",
        " 201 见 S/PV.8700 和 S/PV.8701。 ",
        "表 1 ",
        "会议：中东局势 ",
        *MEETING_HEADER,
        *rows,
        " ",
        *notes,
        " 6.  不扩散 ",
    ]


ROW_8700 = [
    "S/PV.8700 ",
    "2020 年 2 月 12 日 ",
    "秘书长关于联合国叙利",
    "亚观察员部队的报 ",  # a false cell end inside the title
    "告(S/2020/41) ",
    "S/2020/41 ",
    "S/2020/105 ",
    "阿拉伯叙利亚共和国、伊朗伊斯兰共和 ",  # a false cell end inside a name
    "国、以色列 ",
    "主管和平行动副秘书长 ",
    "安理会全体成员、a ",
    "所有受邀者 ",
    "第 2510(2020)号决议 ",
    "14-0-1b ",
    "第 2511(2020)号决议 ",
    "15-0-0 ",
]
ROW_8701 = ["S/PV.8701 ", "2020 年 2 月 13 日 ", "  以色列 ", "所有受邀者 "]
NOTES_MEETINGS = [
    " a 阿拉伯叙利亚共和国由外交部长代表。 ",
    note("b", {"for": tuple(c for c in ALL if c != "RUS"), "abstaining": ("RUS",)}),
]


def meeting_records(result: IngestResult) -> dict[str, Meeting]:
    return {r.record: r for r in result.records if isinstance(r, Meeting)}


def test_meeting_cells_with_false_cell_ends() -> None:
    result = ingest(meeting_section(ROW_8700 + ROW_8701, NOTES_MEETINGS))
    meetings = meeting_records(result)
    m = meetings["S/PV.8700"]
    assert m.sub_item is not None and "".join(m.sub_item.split()) == (
        "秘书长关于联合国叙利亚观察员部队的报告(S/2020/41)"
    )
    assert m.other_documents == ("S/2020/41", "S/2020/105")
    assert [i.ref for i in m.rule37] == ["SYR", "IRN", "ISR"]
    assert [i.kind for i in m.rule39] == ["role"]
    assert [(i.ref, i.note) for i in m.speakers] == [
        ("all-council-members", "a"),
        ("all-invitees", None),
    ]
    assert m.decisions == ("S/RES/2510(2020)", "S/RES/2511(2020)")
    assert [i.ref for i in meetings["S/PV.8701"].rule37] == ["ISR"]
    assert sum(len(v) for v in tally(result)["S/RES/2510(2020)"].values()) == 15
    assert not result.contradictions


def test_header_repeated_inside_a_row_after_a_page_break() -> None:
    cut = ROW_8700.index("主管和平行动副秘书长 ")
    page_break = [
        "https://undocs.org/ch/S/2020/41",
        "21-12994 140 ",
        "2020 年安全理事会惯例汇辑  ",
        *MEETING_HEADER,
    ]
    rows = ROW_8700[:cut] + page_break + ROW_8700[cut:] + ROW_8701
    moved = ingest(meeting_section(rows, NOTES_MEETINGS))
    plain = ingest(meeting_section(ROW_8700 + ROW_8701, NOTES_MEETINGS))
    assert cells(moved) == cells(plain)
    assert tally(moved) == tally(plain)


def cells(result: IngestResult) -> dict[str, tuple[object, ...]]:
    """What each meeting row holds, column by column."""

    def entries(invitees: tuple[object, ...]) -> tuple[tuple[str, str, str | None], ...]:
        return tuple((i.kind, i.ref, i.note) for i in invitees)  # type: ignore[attr-defined]

    return {
        k: (
            "".join((m.sub_item or "").split()),
            m.other_documents,
            entries(m.rule37),
            entries(m.rule39),
            entries(m.speakers),
            m.decisions,
        )
        for k, m in meeting_records(result).items()
    }


def test_symbol_listed_with_decisions_is_not_a_decision() -> None:
    lines = vc_section(five_notes())
    at = lines.index("S/2020/680 ")
    lines.insert(at, "S/2020/681 ")
    result = ingest(lines)
    symbols = {r.symbol for r in result.records if isinstance(r, Decision)}
    assert "S/2020/681" not in symbols
    assert "S/RES/2533(2020)" in symbols


def footnotes(result: IngestResult) -> dict[int, str]:
    return {r.number: r.text for r in result.records if isinstance(r, Footnote)}


FOOTNOTED = [
    " 1.  中东局势 ",
    " 安理会成员表示关切。301 一些成员表示遗憾。302 13 个成员表示支持。303 另一些成员",
    "表示欢迎。304 ",
    "__________________ ",
    " 301 比利时、中国和法国。 ",
    " 302 见 S/2020/1。 ",
    " 303 德国、越南以及联",
    "合王国。 ",
    " 304 另见 S/2020/2，第 3 段。 ",
]


def test_footnote_lists_and_citation_forms() -> None:
    result = ingest(FOOTNOTED)
    fns = {r.number: r for r in result.records if isinstance(r, Footnote)}
    assert fns[301].states == ("BEL", "CHN", "FRA")
    assert fns[303].states == ("DEU", "VNM", "GBR")
    assert fns[302].cites == ("S/2020/1",)
    assert fns[304].cites == ("S/2020/2",)
    assert {fn.passage for fn in fns.values()} != {None}
    assert not result.diagnostics or all(d.code.value.startswith("W") for d in result.diagnostics)


def test_misnumbered_footnote_is_reported_and_merges_nothing() -> None:
    lines = [ln.replace(" 302 见", " 332 见") for ln in FOOTNOTED]
    result = ingest(lines)
    fns = footnotes(result)
    assert fns[301] == "比利时、中国和法国。"
    assert fns[332] == "见 S/2020/1。"
    assert fns[304] == "另见 S/2020/2，第 3 段。"
    assert Code.FOOTNOTE_SEQUENCE.value in codes(result)


def test_deleted_footnote_is_reported_and_merges_nothing() -> None:
    lines = [ln for ln in FOOTNOTED if not ln.startswith(" 302 ")]
    result = ingest(lines)
    fns = footnotes(result)
    assert sorted(fns) == [301, 303, 304]
    assert fns[303] == "德国、越南以及联合王国。"
    sequence = [d for d in result.diagnostics if d.code is Code.FOOTNOTE_SEQUENCE]
    assert sequence and "302" in sequence[0].message


def test_zero_width_characters_are_removed_and_reported() -> None:
    lines = [ln.replace("S/2020/1", "S/20\u200b20/\ufeff1") for ln in FOOTNOTED]
    result = ingest(lines)
    assert {r.number: r.cites for r in result.records if isinstance(r, Footnote)}[302] == (
        "S/2020/1",
    )
    assert Code.ZERO_WIDTH.value in codes(result)


def test_letters_told_in_prose_take_the_footnote_symbols() -> None:
    lines = [
        " 1.  中东局势 ",
        " 秘书长注意到美国 2020 年 8 月 20 日和 9 月 23 日的信函。401 ",
        "__________________ ",
        " 401 见 S/2020/815 和 S/2020/927。 ",
    ]
    letters = [r for r in ingest(lines).records if isinstance(r, Letter)]
    assert [(x.symbol, x.date, x.senders) for x in letters] == [
        ("S/2020/815", dt.date(2020, 8, 20), ("USA",)),
        ("S/2020/927", dt.date(2020, 9, 23), ("USA",)),
    ]


def test_sponsors_and_speakers_told_in_prose() -> None:
    lines = vc_section(five_notes())
    lines.insert(2, " 同日，法国、德国和联合王国代表强调人道主义准入。 ")
    result = ingest(lines)
    sponsors = [(r.draft, r.state) for r in result.records if isinstance(r, Sponsor)]
    assert sponsors == [("S/2020/654", "BEL"), ("S/2020/654", "DEU")]
    speakers = {r.ref for r in result.records if isinstance(r, Speaker)}
    assert {"FRA", "DEU", "GBR"} <= speakers


def test_unanimous_without_counts_derives_every_members_vote() -> None:
    rows = [
        *ROW_8700[: ROW_8700.index("第 2511(2020)号决议 ")],
        "第 2511(2020)号决议 ",
        "一致通过 ",
    ]
    result = ingest(meeting_section(rows + ROW_8701, NOTES_MEETINGS))
    decision = next(
        r for r in result.records if isinstance(r, Decision) and r.symbol == "S/RES/2511(2020)"
    )
    assert decision.unanimous and decision.adopted
    votes = [r for r in result.records if isinstance(r, Vote) and r.draft == "S/RES/2511(2020)"]
    assert len(votes) == 15
    assert {v.position for v in votes} == {"for"}
    assert {v.basis for v in votes} == {"derived"}


def test_footnote_opening_with_a_name_that_looks_like_a_count() -> None:
    """日本 opens with 日 (day): the list of States is still a footnote."""
    lines = [ln.replace(" 303 德国、越南", " 303 日本、越南") for ln in FOOTNOTED]
    result = ingest(lines)
    fns = {r.number: r for r in result.records if isinstance(r, Footnote)}
    assert sorted(fns) == [301, 302, 303, 304]
    assert fns[303].states == ("JPN", "VNM", "GBR")
    assert Code.FOOTNOTE_SEQUENCE.value not in codes(result)


def test_a_count_of_one_kind_below_the_tables_is_no_contradiction() -> None:
    """'One meeting was an open debate' with two meetings listed: the other was
    of another format; which one is not stated, so none is assigned."""
    lines = meeting_section(ROW_8700 + ROW_8701, NOTES_MEETINGS)
    lines[1] = " 在本报告所述期间，安理会举行了一次公开辩论形式的会议。201 "
    result = ingest(lines)
    assert not result.contradictions
    assert Code.NARRATIVE_PARTIAL.value in codes(result)
    assert {m.format for m in meeting_records(result).values()} == {None}


def test_japan_after_a_symbol_is_named_and_after_a_day_is_not() -> None:
    from councilkg.ingest.gazetteer import default_gazetteer

    gz = default_gazetteer()
    assert [s.iso3 for _, _, s in gz.find_all("S/2026/42 日本、尼日利亚", "zh")] == ["JPN", "NGA"]
    assert [s.iso3 for _, _, s in gz.find_all("2020 年 12 月 18 日本届会议", "zh")] == []
