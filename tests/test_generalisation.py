"""A section the seed does not have, written in the same extracted layout:
another item, other years, rule 37 invitees, several rows and decisions, a
header repeated after a page break, a veto.  Expected values are those of
this constructed text."""

from __future__ import annotations

import datetime as dt

import pytest

from councilkg.ingest.errors import Code
from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from councilkg.ingest.rdf import to_triples
from councilkg.ingest.records import Decision, Item, Meeting, Videoconference, Vote
from councilkg.ingest.vocab import CKG

MEMBERS_2021_FOR = "、".join(
    [
        "爱沙尼亚",
        "法国",
        "印度",
        "爱尔兰",
        "肯尼亚",
        "墨西哥",
        "尼日尔",
        "挪威",
        "圣文森特和格林纳丁斯",
        "突尼斯",
        "联合王国",
        "美国",
        "越南",
    ]
)

LINES = [
    " 33.  维护国际和平与安全 ",
    " 在本报告所述期间，安理会举行了两次会议并通过了一项决议。901 一项决议草案因一个常任理事国",
    "投反对票而未获通过。902 ",
    "__________________ ",
    " 901 见 S/PV.8800 和 S/PV.8801。 ",
    " 902 见 S/PV.8801。 ",
    "表 1 ",
    "会议：维护国际和平与安全 ",
    "会议记录及日期 分项 其他文件 ",
    "根据规则第 37 条 ",
    "发出的邀请 ",
    "根据规则第 39 条 ",
    "发出的邀请及 ",
    "其他邀请 发言者 ",
    "决定和表决 ",
    "(赞成-反对-弃权) ",
    "       ",
    "S/PV.8800 ",
    "2021 年 5 月 7 日 ",
    "联合国与区域组织",
    "的合作 ",
    "S/2021/400 ",
    "伊朗伊斯兰共和国、",
    "德国 ",
    "秘书长、非洲联盟 ",
    "安理会全体成员、",
    "伊朗伊斯兰共和国 ",
    "第 2575(2021)号决议 ",
    "15-0-0 ",
    " ",
    "https://undocs.org/ch/S/2021/400",
    "21-05555 (C) 77 ",
    "会议记录及日期 分项 其他文件 发言者 ",
    "S/PV.8801 ",
    "2021 年 5 月 20 日 ",
    "   秘书长 ",
    "所有受邀者 ",
    "决议草案 ",
    "S/2021/500(未通过) ",
    "13-2-0a ",
    " ",
    f" a 赞成：{MEMBERS_2021_FOR}；反对：中国、俄罗斯联邦。 ",
    "表 2 ",
    "视频会议：维护国际和平与安全 ",
    "视频会议日期 视频会议记录 标题 ",
    "决定、表决(赞成-反对-弃权) ",
    "和书面程序记录 ",
    "    ",
    "2021 年 3 月 3 日 S/2021/222 2021 年 3 月 5 日安全理事会主席给秘书长和安全理事会",
    "成员国常驻代表的信 ",
    "第 2570(2021)号决议 ",
    "15-0-0 ",
    "S/2021/230 ",
    " ",
    "",
]
TEXT = "\n\n".join(LINES)


@pytest.fixture(scope="module")
def result() -> IngestResult:
    return ingest_bytes(TEXT.encode("utf-8"), "section-33.txt")


def test_item_without_subsections(result: IngestResult) -> None:
    items = [r for r in result.records if isinstance(r, Item)]
    assert [(i.key, i.number, i.curated) for i in items] == [
        ("maintenance-of-international-peace-and-security", "33", True)
    ]


def test_meetings_and_columns(result: IngestResult) -> None:
    meetings = {m.record: m for m in result.records if isinstance(m, Meeting)}
    assert sorted(meetings) == ["S/PV.8800", "S/PV.8801"]
    first, second = meetings["S/PV.8800"], meetings["S/PV.8801"]
    assert first.date == dt.date(2021, 5, 7)
    assert (
        first.sub_item is not None and first.sub_item.replace(" ", "") == "联合国与区域组织的合作"
    )
    assert first.other_documents == ("S/2021/400",)
    assert [(i.kind, i.ref) for i in first.rule37] == [("state", "IRN"), ("state", "DEU")]
    assert [(i.kind, i.ref) for i in first.rule39] == [
        ("role", "secretary-general"),
        ("organization", "african-union"),
    ]
    assert [(i.kind, i.ref) for i in first.speakers] == [
        ("group", "all-council-members"),
        ("state", "IRN"),
    ]
    assert first.decisions == ("S/RES/2575(2021)",)
    assert second.sub_item is None and second.other_documents == () and second.rule37 == ()
    assert [i.ref for i in second.rule39] == ["secretary-general"]
    assert [i.ref for i in second.speakers] == ["all-invitees"]
    assert second.decisions == ("S/2021/500",)


def test_decisions_votes_and_veto(result: IngestResult) -> None:
    decisions = {d.symbol: d for d in result.records if isinstance(d, Decision)}
    assert decisions["S/RES/2575(2021)"].adopted is True
    assert (decisions["S/RES/2575(2021)"].votes_for, decisions["S/RES/2575(2021)"].modality) == (
        15,
        "vote",
    )
    failed = decisions["S/2021/500"]
    assert (failed.kind, failed.adopted, failed.votes_for, failed.votes_against) == (
        "draft-resolution",
        False,
        13,
        2,
    )
    votes = [v for v in result.records if isinstance(v, Vote)]
    listed = [v for v in votes if v.basis == "listed"]
    assert len(listed) == 15 and {v.draft for v in listed} == {"S/2021/500"}
    assert {v.member for v in votes if v.position == "against"} == {"CHN", "RUS"}
    # The two resolutions adopted 15-0-0 with no note: every member in favour, derived.
    derived = [v for v in votes if v.basis == "derived"]
    assert {v.draft for v in derived} == {"S/RES/2575(2021)", "S/RES/2570(2021)"}
    assert len(derived) == 30 and {v.position for v in derived} == {"for"}
    assert result.contradictions == []
    triples = to_triples(result.records)
    vetoed_by = {str(o) for s, p, o in triples if p == CKG.vetoedBy}
    assert {iri.rsplit("/", 1)[-1] for iri in vetoed_by} == {"CHN", "RUS"}
    assert any(p == CKG.failureReason and o == CKG.Veto for _, p, o in triples)


def test_written_procedure_in_videoconference(result: IngestResult) -> None:
    vcs = [v for v in result.records if isinstance(v, Videoconference)]
    assert [(v.date, v.record, v.record_date, v.decisions) for v in vcs] == [
        (dt.date(2021, 3, 3), "S/2021/222", dt.date(2021, 3, 5), ("S/RES/2570(2021)",))
    ]
    decision = next(
        d for d in result.records if isinstance(d, Decision) and d.symbol == "S/RES/2570(2021)"
    )
    assert (decision.written_procedure_record, decision.modality) == (
        "S/2021/230",
        "written-procedure",
    )


def test_page_break_inside_table(result: IngestResult) -> None:
    assert [f.printed_page for f in result.document.furniture if f.printed_page] == [77]
    assert result.coverage.unparsed == []
    codes = {d.code for d in result.diagnostics}
    assert Code.TABLE_ROW not in codes and Code.UNKNOWN_NAME not in codes
