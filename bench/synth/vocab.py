"""What the synthetic Repertoire is written with: the curated tables the
ingest knows, the real Council membership, and neutral filler clauses.

Why a module of its own: the generator must only write names the ingest can
recognise (items, roles, organizations and instruments from
``ingest/data/*.toml``, States from ``ingest/data/states.csv``, the members
of each year from ``ingest/data/council-membership.csv``), so that a
difference between the ingest and the truth is a finding, not a typo.  The
tables are read from the package data, never copied.

The few fixed strings that name something by the way (an item title that
names a State, a role title that names an organization or cites a
resolution) are annotated here by hand; ``tests/test_corpus.py`` checks the
annotations against the ingest's own finders, so a change of the tables
cannot silently falsify the truth.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

# --------------------------------------------------------------------------
# curated tables


@dataclass(frozen=True, slots=True)
class Entry:
    """A row of a bilingual table (role, organization, instrument, item, group)."""

    key: str
    zh: str
    en: str
    short_zh: tuple[str, ...] = ()
    held_by_state: bool = False
    group: str | None = None
    item: str | None = None


def _toml(name: str) -> dict[str, Any]:
    text = resources.files("councilkg.ingest").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _entries(name: str, kind: str) -> dict[str, Entry]:
    return {
        row["key"]: Entry(
            key=row["key"],
            zh=row["zh"],
            en=row["en"],
            short_zh=tuple(row.get("short_zh", ())),
            held_by_state=bool(row.get("held_by_state", False)),
            group=row.get("group"),
            item=row.get("item"),
        )
        for row in _toml(name).get(kind, ())
    }


@cache
def roles() -> dict[str, Entry]:
    """Officials' titles (``roles.toml``)."""
    return _entries("roles.toml", "role")


@cache
def organizations() -> dict[str, Entry]:
    """Organizations (``actors.toml``)."""
    return _entries("actors.toml", "organization")


@cache
def instruments() -> dict[str, Entry]:
    """Treaties and other instruments (``instruments.toml``)."""
    return _entries("instruments.toml", "instrument")


@cache
def items() -> dict[str, Entry]:
    """Curated agenda items (``items.toml``)."""
    return _entries("items.toml", "item")


@cache
def groups() -> dict[str, Entry]:
    """Curated groups of items (``items.toml``)."""
    return _entries("items.toml", "group")


@cache
def sub_items() -> dict[str, Entry]:
    """Curated sub-items (``items.toml``)."""
    return _entries("items.toml", "sub_item")


# --------------------------------------------------------------------------
# States and membership


@dataclass(frozen=True, slots=True)
class StateName:
    """A State as the Chinese edition names it in running text."""

    iso3: str
    zh: str
    en: str  # UN short name: vote notes list members in its alphabetical order


# The forms the Chinese edition prefers over the UN short name.
_PROSE_NAME = {"GBR": "联合王国", "USA": "美国"}


@cache
def states() -> dict[str, StateName]:
    """Every State of ``states.csv`` by ISO3, with its prose name."""
    text = (
        resources.files("councilkg.ingest")
        .joinpath("data", "states.csv")
        .read_text(encoding="utf-8")
    )
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        iso3 = row["iso3"]
        out[iso3] = StateName(iso3, _PROSE_NAME.get(iso3, row["name_zh"]), row["name_en"])
    return out


@dataclass(frozen=True, slots=True)
class Term:
    """One term of Council membership."""

    iso3: str
    first: int
    last: int | None
    permanent: bool


@cache
def terms() -> tuple[Term, ...]:
    """The terms of ``council-membership.csv``."""
    path = resources.files("councilkg.ingest").joinpath("data", "council-membership.csv")
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return tuple(
        Term(
            r["iso3"],
            int(r["first_year"]),
            int(r["last_year"]) if r["last_year"] else None,
            r["permanent"].strip().lower() == "true",
        )
        for r in rows
    )


def members(year: int) -> tuple[str, ...]:
    """The members in ``year`` (sorted ISO3), as the reference table has them."""
    return tuple(
        sorted({t.iso3 for t in terms() if t.first <= year and (t.last is None or year <= t.last)})
    )


def permanent_members(year: int) -> tuple[str, ...]:
    """The permanent members in ``year``."""
    return tuple(
        sorted(
            {
                t.iso3
                for t in terms()
                if t.permanent and t.first <= year and (t.last is None or year <= t.last)
            }
        )
    )


def membership_known(year: int) -> bool:
    """Whether the table has all fifteen members of ``year``.

    Votes member by member are only written for such years: for the others
    (2027, whose elected members the table does not have, and years before
    2014) the generator does not invent members.
    """
    return len(members(year)) == 15


# States invited under rule 37 or writing letters: a varied set of Members
# that are named the same way everywhere (checked by tests/test_corpus.py).
INVITEE_POOL: tuple[str, ...] = (
    "AFG", "ARG", "AUS", "AUT", "AZE", "BGD", "BRA", "CAN", "COL", "CUB", "CZE", "EGY",
    "ESP", "ETH", "FIN", "GEO", "GRC", "GTM", "HUN", "IRN", "IRQ", "ISR", "ITA", "JOR",
    "JPN", "KAZ", "KOR", "LBN", "LBY", "MAR", "MEX", "MLI", "MMR", "NGA", "NLD", "NOR",
    "NZL", "PAK", "PER", "PHL", "POL", "PRT", "QAT", "ROU", "RWA", "SAU", "SDN", "SEN",
    "SOM", "SSD", "SWE", "SYR", "THA", "TUR", "UKR", "URY", "YEM", "ZWE",
)  # fmt: skip


# --------------------------------------------------------------------------
# what fixed strings name by the way


@dataclass(frozen=True, slots=True)
class Names:
    """What a fixed string names besides itself: States, organizations, symbols."""

    states: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()  # keys of actors.toml
    cites: tuple[str, ...] = ()  # symbol keys
    instruments: tuple[str, ...] = ()  # keys of instruments.toml, named in 《》


# Item titles that name a State.
ITEM_NAMES: dict[str, Names] = {
    "non-proliferation-dprk": Names(states=("PRK",)),
    "middle-east-including-palestinian-question": Names(states=("PSE",)),
}
# Role titles that name an organization or cite a resolution.
ROLE_NAMES: dict[str, Names] = {
    "iaea-director-general": Names(organizations=("iaea",)),
    "opcw-director-general": Names(organizations=("opcw",)),
    "head-eu-delegation": Names(organizations=("eu",)),
    "eu-high-representative": Names(organizations=("eu",)),
    "facilitator-resolution-2231": Names(cites=("S/RES/2231(2015)",)),
    "chair-1718-committee": Names(cites=("S/RES/1718(2006)",)),
}
# Sub-items of one moment (the years they can be held in).
SUB_ITEM_YEARS: dict[str, tuple[int, int]] = {"npt-ahead-of-2020-review-conference": (2019, 2020)}


def sub_item_held(title: str, year: int) -> bool:
    """Whether a sub-item can be held in ``year``."""
    first, last = SUB_ITEM_YEARS.get(title, (year, year))
    return first <= year <= last


# Sub-item titles that name an instrument.
SUB_ITEM_NAMES: dict[str, Names] = {
    "npt-ahead-of-2020-review-conference": Names(instruments=("npt",)),
}
# Instrument titles that name a State or an organization.
INSTRUMENT_NAMES: dict[str, Names] = {
    "inf-treaty": Names(states=("USA",)),
    "new-start": Names(states=("USA", "RUS")),
    "rome-statute": Names(organizations=("icc",)),
    "statute-of-the-icj": Names(organizations=("icj",)),
}


# --------------------------------------------------------------------------
# the items the generator writes sections on, and who speaks under them


@dataclass(frozen=True, slots=True)
class ItemPlan:
    """An item the generator can write a section on.

    ``group`` items are written as lettered subsections of a numbered group
    heading; ``briefers`` are the officials who brief under it (roles);
    ``facilitator`` a role held by a member State (``held_by_state``);
    ``instruments`` the treaties its narrative may cite; ``sub_items`` the
    titles of its meetings' sub-items (curated keys, or titles the curated
    table does not have, which the ingest reports as W006 and keys by hash).
    """

    key: str
    group: str | None = None
    briefers: tuple[str, ...] = ()
    facilitator: str | None = None
    instruments: tuple[str, ...] = ()
    sub_items: tuple[str, ...] = ()
    first_year: int = 2014
    last_year: int = 2100
    organizations: tuple[str, ...] = field(default=())


_USGS = ("usg-political-and-peacebuilding-affairs", "usg-peace-operations")
PLANS: tuple[ItemPlan, ...] = (
    ItemPlan(
        "non-proliferation",
        group="items-relating-to-non-proliferation",
        briefers=(
            "high-representative-for-disarmament-affairs",
            "usg-political-and-peacebuilding-affairs",
            "iaea-director-general",
            "head-eu-delegation",
        ),
        facilitator="facilitator-resolution-2231",
        instruments=("npt", "jcpoa", "ctbt", "charter-of-the-united-nations"),
        sub_items=("npt-ahead-of-2020-review-conference", "核裁军与核不扩散的前景"),
    ),
    ItemPlan(
        "non-proliferation-dprk",
        group="items-relating-to-non-proliferation",
        briefers=(
            "usg-political-and-peacebuilding-affairs",
            "high-representative-for-disarmament-affairs",
        ),
        facilitator="chair-1718-committee",
        instruments=("npt", "charter-of-the-united-nations"),
    ),
    ItemPlan(
        "non-proliferation-of-weapons-of-mass-destruction",
        group="items-relating-to-non-proliferation",
        briefers=("high-representative-for-disarmament-affairs", "opcw-director-general"),
        instruments=(
            "chemical-weapons-convention",
            "biological-weapons-convention",
            "arms-trade-treaty",
        ),
    ),
    ItemPlan(
        "middle-east",
        group="items-relating-to-the-middle-east",
        briefers=(*_USGS, "usg-humanitarian-affairs", "high-commissioner-for-refugees"),
        organizations=("league-of-arab-states",),
        sub_items=("人道主义局势", "政治进程的最新情况"),
    ),
    ItemPlan(
        "middle-east-including-palestinian-question",
        group="items-relating-to-the-middle-east",
        briefers=("usg-political-and-peacebuilding-affairs", "usg-humanitarian-affairs"),
        organizations=("league-of-arab-states",),
        instruments=("charter-of-the-united-nations",),
    ),
    ItemPlan(
        "maintenance-of-international-peace-and-security",
        briefers=(
            "secretary-general",
            "deputy-secretary-general",
            "high-commissioner-for-human-rights",
        ),
        organizations=("african-union", "osce"),
        instruments=("charter-of-the-united-nations", "inf-treaty", "new-start"),
        sub_items=("联合国与区域组织的合作", "冲突与粮食安全", "气候与安全"),
    ),
    ItemPlan(
        "threats-terrorist-acts",
        briefers=("usg-counter-terrorism", "secretary-general"),
        instruments=("charter-of-the-united-nations",),
        sub_items=("外国恐怖主义作战人员",),
    ),
    ItemPlan(
        "children-and-armed-conflict",
        briefers=("secretary-general", "usg-humanitarian-affairs"),
        organizations=("icrc",),
    ),
    ItemPlan(
        "protection-of-civilians",
        briefers=("usg-humanitarian-affairs", "high-commissioner-for-human-rights"),
        organizations=("icrc",),
        instruments=("rome-statute",),
    ),
    ItemPlan(
        "women-and-peace-and-security",
        briefers=("secretary-general", "deputy-secretary-general"),
        organizations=("african-union",),
        sub_items=("妇女参与和平进程",),
    ),
    ItemPlan(
        "cooperation-un-regional-organizations",
        briefers=("secretary-general", "usg-political-and-peacebuilding-affairs"),
        organizations=("african-union", "eu", "league-of-arab-states", "osce"),
        instruments=("charter-of-the-united-nations",),
    ),
    ItemPlan(
        "un-peacekeeping-operations",
        briefers=("usg-peace-operations", "secretary-general"),
        organizations=("african-union",),
    ),
    ItemPlan(
        "peacebuilding-and-sustaining-peace",
        briefers=("secretary-general", "usg-political-and-peacebuilding-affairs"),
        organizations=("african-union",),
    ),
    ItemPlan(
        "rule-of-law",
        briefers=("secretary-general",),
        organizations=("icj",),
        instruments=("charter-of-the-united-nations", "statute-of-the-icj"),
    ),
)


# --------------------------------------------------------------------------
# neutral words: no name, number, date, symbol, title or speaker cue

# Clauses that follow a speaker ("…表示，<clause>。") or stand alone.
FILLER: tuple[str, ...] = (
    "各方应继续通过对话解决分歧",
    "必须加强多边合作以应对共同挑战",
    "当前局势依然紧张且不稳定",
    "国际社会应当加大支持力度",
    "有关各方需要保持最大限度的克制",
    "政治进程仍是实现持久和平的唯一途径",
    "人道主义局势持续恶化令人担忧",
    "必须确保平民得到充分保护",
    "应当充分尊重国际人道主义法",
    "加强预防外交至关重要",
    "各方应全面履行已经作出的承诺",
    "妇女和青年充分参与和平进程非常重要",
    "需要进一步加强能力建设",
    "有必要从根源上解决冲突",
    "制裁措施应当有明确的目标并定期审查",
    "包容性的对话是建立信任的关键",
    "恢复法治和问责对于实现和解至关重要",
    "应当为人道主义准入提供便利",
    "安理会应当团结一致并采取果断行动",
    "维持和平行动需要充足的资源",
    "必须打击有罪不罚现象",
    "选举进程应当自由、公正和透明",
    "应当加强对武器流动的管控",
    "可持续发展与和平相辅相成",
    "过渡进程需要得到各方的持续支持",
    "必须为难民和流离失所者的自愿返回创造条件",
    "安全部门改革是稳定局势的重要一环",
    "解除武装、复员和重返社会方案应当加快实施",
    "区域合作有助于应对跨界威胁",
    "需要加强对停火的监测和核查",
    "应当尽快恢复基本服务和公共机构的运作",
    "经济复苏对于巩固和平至关重要",
    "有关各方应当避免采取可能加剧紧张局势的单方面行动",
    "民间社会的参与有助于提高进程的包容性",
    "维持和平人员的安全和保障必须得到确保",
    "需要对侵犯人权行为进行独立和可信的调查",
    "国际社会应当协调一致地提供援助",
    "冲突各方必须遵守其根据国际法承担的义务",
    "粮食不安全问题日益严重，需要紧急应对",
    "排雷工作对于恢复正常生活不可或缺",
)
# What a speaker does: "<speaker><verb>，<filler>。"
SPEAKER_VERBS: tuple[str, ...] = ("表示", "指出", "强调", "说", "补充说", "重申")
# What members share (a position footnote lists them): "安理会若干成员<phrase>。"
POSITION_PHRASES: tuple[str, ...] = (
    "对局势的恶化表示关切",
    "呼吁各方立即停止敌对行动",
    "欢迎在政治进程中取得的进展",
    "强调必须确保人道主义准入",
    "重申支持有关区域组织的努力",
    "对平民伤亡表示遗憾",
    "呼吁全面执行安理会的有关决定",
    "强调问责的重要性",
)
POSITION_SUBJECTS: tuple[str, ...] = ("安理会若干成员", "一些安理会成员", "安理会成员")
# Capacities in which a State speaks (the lexicon's narrative capacities).
CAPACITIES: tuple[str, ...] = ("代表", "常驻代表", "副常驻代表", "外交部长")
# Sub-clauses that never name anything, used to pad paragraphs.
PADDING: tuple[str, ...] = (
    "在讨论中，安理会成员交换了意见",
    "会议期间，与会者审议了有关问题",
    "安理会成员还讨论了今后的工作方向",
    "与会者普遍认为局势需要持续关注",
    "在随后的讨论中，若干发言者回顾了局势的最新发展",
    "安理会成员对实地局势进行了全面评估",
)
# Meeting formats the narrative states ("举行了三次通报形式的会议") and their
# labels in the ontology (what ``councilkg facts`` reports).
FORMATS: tuple[tuple[str, str], ...] = (
    ("通报", "briefing"),
    ("公开辩论", "open debate"),
    ("辩论", "debate"),
)
# What a failed draft would have had the Council do ("根据该决议草案，安理会将…").
DRAFT_ACTIONS: tuple[str, ...] = (
    "要求各方立即停止敌对行动",
    "呼吁各方全面执行已达成的协议",
    "延长有关措施的期限",
    "要求所有各方确保人道主义准入",
)
# What a resolution does ("安理会在该决议中…").
RESOLUTION_PHRASES: tuple[str, ...] = (
    "强调各方应全面履行其义务",
    "呼吁加强区域合作",
    "要求各方遵守国际人道主义法",
    "表示打算继续积极处理此案",
)
# What follows a count printed where a marker could stand ("113 个会员国…").
COUNT_PHRASES: tuple[str, ...] = ("个会员国参加了讨论", "个会员国提供了书面意见")
# The running head of odd pages: the title of Part I, where the items are.
PART_TITLE = "第一部分. 审议属于安全理事会维护国际和平与安全责任范围的问题"
ZH_NUMERALS = "一二三四五六七八九十"


def zh_count(n: int) -> str:
    """A count as the Chinese edition writes it: 一…十 in words, then digits."""
    if n == 2:
        return "两"
    if 1 <= n <= 10:
        return ZH_NUMERALS[n - 1]
    return f" {n} "
