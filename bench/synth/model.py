"""The synthetic Repertoire's content: items, events, decisions, votes,
footnotes and the narrative, generated from a seeded RNG, together with
the facts each piece states.

Why content and layout are separate: the facts (who spoke at which event,
which members voted how, which footnote cites what) are decided here and
written into Chinese sentences whose shape the Repertoire uses; the layout
(:mod:`bench.synth.render`) then only decides where lines break, where
pages end and where footnote blocks fall, which must never change a fact.

Text is written with a small markup that the renderer resolves, so it knows
where symbols, footnote markers and names are without searching the text
again: ``{S:S/2020/797}`` a symbol as written, ``{R:2231:2015}`` a
resolution in prose (``第 2231(2015)号决议``), ``{M:826}`` the marker of
footnote 826, ``{N:}`` a count printed where a marker could stand (the
renderer writes the number of the footnote due next, so that only the word
after it tells them apart), and ``{<:name}`` … ``{>:}`` a span (a State's
name, a date, a list of sponsors…), so that the layout can tell, and the
manifest record, that a line broke inside it.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from bench.synth import vocab

# --------------------------------------------------------------------------
# markup


def sym(key: str) -> str:
    """A symbol written as is."""
    return "{S:" + key + "}"


def res(number: int, year: int) -> str:
    """A resolution written in prose."""
    return "{R:" + f"{number}:{year}" + "}"


def mark(number: int) -> str:
    """A footnote marker."""
    return "{M:" + str(number) + "}"


COUNT = "{N:}"
MARKER_AT_END = re.compile(r"\{M:\d+\}$")


def span(tag: str, text: str) -> str:
    """``text`` marked as a span of kind ``tag`` (a name, a date, a list…)."""
    return "{<:" + tag + "}" + text + "{>:}"


def res_key(number: int, year: int) -> str:
    """The symbol key of resolution ``number`` of ``year``."""
    return f"S/RES/{number}({year})"


# Spacings of a date as the PDFs print them: the usual one first.
_FULL_DATES = (
    ("{y} 年 {m} 月 {d} 日", 0.72),
    ("{y}年 {m}月 {d}日", 0.1),
    ("{y}年{m}月{d}日", 0.08),
    ("{y} 年{m} 月{d} 日", 0.05),
    ("{y} 年 {m}月 {d} 日", 0.05),
)
_DAY_MONTHS = (("{m} 月 {d} 日", 0.85), ("{m}月{d}日", 0.08), ("{m}月 {d}日", 0.07))


def _spacing(patterns: tuple[tuple[str, float], ...], rng: random.Random | None) -> str:
    if rng is None:
        return patterns[0][0]
    roll = rng.random()
    for pattern, share in patterns:
        roll -= share
        if roll < 0:
            return pattern
    return patterns[0][0]


def day_month(date: dt.date, rng: random.Random | None = None) -> str:
    """``8 月 14 日`` (a span), its spaces sometimes left out as the PDF has them."""
    return span("date", _spacing(_DAY_MONTHS, rng).format(m=date.month, d=date.day))


def full_date(date: dt.date, rng: random.Random | None = None) -> str:
    """``2020 年 8 月 14 日`` (a span), sometimes spaced otherwise."""
    text = _spacing(_FULL_DATES, rng).format(y=date.year, m=date.month, d=date.day)
    return span("date", text)


def unusual_spacing(date_markup: str) -> bool:
    """Whether a date is spaced otherwise than ``2020 年 8 月 14 日``."""
    return not re.search(r"\d 年 \d+ 月 \d+ 日|^\{<:date\}\d+ 月 \d+ 日", date_markup)


def spaced(text: str) -> str:
    """Text with a space between Latin letters or digits and ideographs, as
    the Chinese edition prints it (``在 2020 年审议大会``)."""
    text = re.sub(r"(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])", " ", text)
    return re.sub(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])", " ", text)


JOINERS = (("和", 0.55), ("以及", 0.3), ("及", 0.15))


def zh_list(names: list[str], rng: random.Random | None = None, last: str | None = None) -> str:
    """Names joined as the Chinese edition lists them: 、 between them and
    和, 以及 or 及 before the last (``last``, or drawn)."""
    if len(names) == 1:
        return names[0]
    if last is None:
        last = _spacing(JOINERS, rng)
    return "、".join(names[:-1]) + last + names[-1]


def note_letters() -> Iterator[str]:
    """Table notes' letters: a … z, then aa, ab … az, ba …"""
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    yield from alphabet
    for first in alphabet:
        for second in alphabet:
            yield first + second


# --------------------------------------------------------------------------
# content


@dataclass(slots=True)
class Expected:
    """A diagnostic the ingest must report: code, and the block it is about."""

    code: str
    anchor: str  # "row" | "note" | "decision" (the line its symbol starts on)
    why: str


@dataclass(slots=True)
class Decision:
    """A decision in a table cell, with what the cell and its note say."""

    kind: str  # resolution | presidential-statement | draft-resolution
    symbol: str
    adopted: bool | None
    written: str  # markup of the symbol as the cell writes it
    counts: tuple[int, int, int] | None = None
    # position (for, against, abstaining, not_participating) → ISO3, in note order
    vote: dict[str, list[str]] | None = None
    note: str | None = None  # letter of the vote note
    written_procedure: str | None = None
    sponsors: list[str] = field(default_factory=list)
    expected: list[Expected] = field(default_factory=list)


@dataclass(slots=True)
class Note:
    """A table note: its letter and markup text."""

    letter: str
    text: str
    expected: list[Expected] = field(default_factory=list)


@dataclass(slots=True)
class Invitee:
    """An entry of an invitations or speakers cell."""

    kind: str  # state | role | organization | group
    ref: str
    zh: str
    note: str | None = None


@dataclass(slots=True)
class Meeting:
    """A row of the meetings table."""

    record: str
    date: dt.date
    sub_item: tuple[str | None, str, str | None] | None  # curated key, zh, en
    other_documents: list[str]
    rule37: list[Invitee]
    rule39: list[Invitee]
    speakers: list[Invitee]
    decisions: list[Decision]
    representations: list[tuple[str, str]]  # (ISO3, role key), from notes
    format: str | None = None  # en label, when the narrative states it
    two_line_head: bool = True  # record and date as two cells
    expected: list[Expected] = field(default_factory=list)


@dataclass(slots=True)
class Videoconference:
    """A row of the videoconferences table."""

    date: dt.date
    record: str | None
    record_date: dt.date | None
    note: str | None  # letter of the "无记录" note
    note_cites: list[str]
    decisions: list[Decision]
    open: bool


@dataclass(slots=True)
class Table:
    """A meetings or videoconferences table of a section."""

    kind: str  # meetings | videoconferences
    number: int | None
    title: str
    rows: Sequence[Meeting | Videoconference]
    notes: list[Note]
    continued: bool = False  # "表 1 (续)": the same table, its notes lettered anew


@dataclass(slots=True)
class Letter:
    """A letter a footnote describes."""

    symbol: str
    date: dt.date
    senders: list[str]
    on_behalf_of: list[str]
    segment: int  # index of its segment in the footnote (the facts' order)


@dataclass(slots=True)
class Footnote:
    """A footnote: text and what it states."""

    number: int
    text: str
    item: str
    cites: list[str] = field(default_factory=list)
    states: list[str] | None = None
    event: dt.date | None = None
    letters: list[Letter] = field(default_factory=list)
    continued: bool = False  # set by the renderer


@dataclass(slots=True)
class Section:
    """One item's section: headings, paragraphs, tables, and its facts."""

    year: int
    item: str
    title: str
    title_en: str
    headings: list[str]  # group heading (first of a group), then the item's heading
    number: str | None
    subsection: str | None
    group: str | None
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    videoconferences: list[Videoconference] = field(default_factory=list)
    speakers: list[tuple[dt.date, str, str]] = field(default_factory=list)  # in text order
    briefers: list[tuple[str, str | None]] = field(default_factory=list)
    open_vcs: int = 0
    states: set[str] = field(default_factory=set)
    organizations: set[str] = field(default_factory=set)
    instruments: set[str] = field(default_factory=set)
    documents: dict[str, str | None] = field(default_factory=dict)  # symbol → kind
    table_count: int = 0  # tables (not counting continuations)
    unit: int = 0  # sections of one group share a unit: files never split it
    features: Counter[str] = field(default_factory=Counter)  # content features written


# --------------------------------------------------------------------------
# the plan of a year


@dataclass(slots=True)
class PlannedDecision:
    """A decision planned for an event; symbols are numbered by date."""

    kind: str  # resolution | presidential-statement | draft-resolution
    number: int = 0


@dataclass(slots=True)
class PlannedEvent:
    """A meeting or videoconference planned for an item."""

    kind: str  # meeting | videoconference
    date: dt.date
    decisions: list[PlannedDecision]
    record: int = 0  # S/PV number of a meeting
    summit: bool = False  # members represented by their ministers: many notes


@dataclass(slots=True)
class Slot:
    """An item planned for a year."""

    plan: vocab.ItemPlan
    events: list[PlannedEvent]


@dataclass(slots=True)
class Density:
    """How much of each feature the narrative and tables carry (0..1 rates
    and per-event counts); ``bench.synth.corpus`` maps ``--scale`` and the
    command-line options onto it."""

    meetings: tuple[int, int] = (1, 3)
    videoconferences: tuple[int, int] = (1, 3)
    vc_years: tuple[int, ...] = (2020, 2021)
    decisions: float = 0.45  # share of events that take a decision
    failed: float = 0.15  # share of votes on drafts that fail
    split_votes: float = 0.25  # share of adoptions that are not unanimous
    speakers: tuple[int, int] = (1, 4)  # speaker sentences per narrated event
    prose: tuple[int, int] = (4, 9)  # sentences that name nothing, per narrated event
    positions: float = 0.5  # share of narrated events with a position footnote
    letters: float = 0.15  # share of narrated events with a letters footnote
    sub_items: float = 0.3
    rule37: float = 0.5
    representation: float = 0.2
    contradictions: float = 0.03  # share of member-by-member votes given a contradiction
    other_documents: float = 0.3  # share of meetings listing other documents


# Reasonable first numbers of each series in 2014 (the real ones were close).
FIRST_PV = 7100
FIRST_RES = 2130


@dataclass(slots=True)
class Numbering:
    """Counters that run across years (meeting records, resolutions)."""

    pv: int = FIRST_PV
    res: int = FIRST_RES

    @classmethod
    def starting(cls, year: int) -> Numbering:
        """Numbers as they roughly stood at the start of ``year``."""
        return cls(FIRST_PV + 260 * (year - 2014), FIRST_RES + 60 * (year - 2014))


class YearWriter:
    """Plans and writes the sections of one year."""

    def __init__(self, seed: int, year: int, density: Density, numbering: Numbering) -> None:
        self.rng = random.Random(f"councilkg-corpus:{seed}:{year}")
        self.year = year
        self.d = density
        self.numbering = numbering
        self.members = vocab.members(year)
        self.permanent = vocab.permanent_members(year)
        self.votes_known = vocab.membership_known(year)
        self.footnote = 40 + self.rng.randrange(160)  # Part I starts with other sections
        self.doc = 5 + self.rng.randrange(20)  # S/<year>/<n>
        self.item_number = 10 + self.rng.randrange(20)
        self.unit = 0
        self.done: set[str] = set()

    def want(self, feature: str, rate: float, *, first: int = 1) -> bool:
        """Whether to write ``feature`` here: always the ``first`` times in a
        year (so that even a 1x corpus has every feature, and the layout
        enough chances to break a line inside it), then at ``rate``."""
        for k in range(first):
            key = feature if k == 0 else f"{feature}#{k}"
            if key not in self.done:
                self.done.add(key)
                return True
        return self.rng.random() < rate

    # -- planning ------------------------------------------------------
    def plan(self, n_items: int, events_scale: float) -> list[Slot]:
        """Pick ``n_items`` items and their events; number records by date."""
        rng = self.rng
        pool = [p for p in vocab.PLANS if p.first_year <= self.year <= p.last_year]
        chosen = rng.sample(pool, min(n_items, len(pool)))
        # Items of one group are written together, in the table's order.
        order = {p.key: i for i, p in enumerate(vocab.PLANS)}
        by_group: dict[str, list[vocab.ItemPlan]] = {}
        units: list[list[vocab.ItemPlan]] = []
        for p in chosen:
            if p.group:
                if p.group not in by_group:
                    by_group[p.group] = []
                    units.append(by_group[p.group])
                by_group[p.group].append(p)
            else:
                units.append([p])
        for unit in units:
            unit.sort(key=lambda p: order[p.key])
        slots: list[Slot] = []
        vc_year = self.year in self.d.vc_years
        # The year's first item holds two meetings at which most members were
        # represented by their ministers: a table with notes past "z".
        summits = 0
        if len(self.members) >= 12 and "summits" not in self.done:
            self.done.add("summits")
            summits = 2
        for unit in units:
            for p in unit:
                lo, hi = self.d.meetings
                n_meetings = max(round(rng.randint(lo, hi) * events_scale), summits)
                n_vcs = 0
                if vc_year:
                    lo, hi = self.d.videoconferences
                    n_vcs = round(rng.randint(lo, hi) * events_scale)
                n_meetings = min(max(n_meetings, 0 if n_vcs else 1), 300)
                n_vcs = min(n_vcs, 365 - n_meetings)  # one event a day per item
                days = rng.sample(range(1, 366 if self.year % 4 else 367), n_meetings + n_vcs)
                dates = [dt.date(self.year, 1, 1) + dt.timedelta(days=x - 1) for x in days]
                events = [PlannedEvent("meeting", d, []) for d in sorted(dates[:n_meetings])]
                for k, ev in enumerate(events):
                    ev.summit = k < summits or (len(self.members) >= 12 and rng.random() < 0.01)
                summits = 0
                events += [
                    PlannedEvent("videoconference", d, []) for d in sorted(dates[n_meetings:])
                ]
                for ev in events:
                    tag = ev.kind
                    if not self.want(f"decision-{tag}", self.d.decisions):
                        continue
                    if self.votes_known and self.want(f"several-decisions-{tag}", 0.05):
                        # Drafts and resolutions voted on at one event, each
                        # with its count, note and written procedure.
                        # The year's first holds two drafts and a resolution.
                        first = "two-drafts" not in self.done
                        self.done.add("two-drafts")
                        kinds = ["draft-resolution", "resolution", "resolution"]
                        if first or rng.random() < 0.5:
                            kinds[2] = "draft-resolution"
                        rng.shuffle(kinds)
                        n = 3 if first else rng.randint(2, 3)
                        ev.decisions = [PlannedDecision(k) for k in kinds[:n]]
                        if {d.kind for d in ev.decisions} != {"draft-resolution", "resolution"}:
                            ev.decisions = [PlannedDecision(k) for k in kinds]
                        continue
                    if self.votes_known and self.want(f"failed-{tag}", self.d.failed):
                        kind = "draft-resolution"
                    elif self.want(f"prst-{tag}", 0.25):
                        kind = "presidential-statement"
                    else:
                        kind = "resolution"
                    ev.decisions.append(PlannedDecision(kind))
                    if self.want(f"second-decision-{tag}", 0.15):
                        ev.decisions.append(PlannedDecision("resolution"))
                slots.append(Slot(p, events))
        self._number(slots)
        return slots

    def _number(self, slots: list[Slot]) -> None:
        events = sorted((ev for s in slots for ev in s.events), key=lambda e: (e.date, e.kind))
        prst = 0
        for ev in events:
            if ev.kind == "meeting":
                ev.record = self.numbering.pv
                self.numbering.pv += 1 + (self.rng.random() < 0.2)
            for dec in ev.decisions:
                if dec.kind == "resolution":
                    dec.number = self.numbering.res
                    self.numbering.res += 1
                elif dec.kind == "presidential-statement":
                    prst += 1
                    dec.number = prst

    # -- numbering while writing ------------------------------------------
    def next_doc(self) -> str:
        """A fresh ``S/<year>/<n>``."""
        self.doc += 1 + self.rng.randrange(6)
        return f"S/{self.year}/{self.doc}"

    def next_footnote(self) -> int:
        """The next footnote number (numbering runs across the year's Part)."""
        self.footnote += 1
        return self.footnote

    # -- writing -----------------------------------------------------------
    def write(self, slots: list[Slot]) -> list[Section]:
        """The sections of the planned items, in order."""
        out: list[Section] = []
        group_letter: dict[str, int] = {}
        group_number: dict[str, str] = {}
        for slot in slots:
            plan = slot.plan
            headings: list[str] = []
            if plan.group:
                if plan.group not in group_letter:
                    self.item_number += 1
                    self.unit += 1
                    group_number[plan.group] = str(self.item_number)
                    group_letter[plan.group] = 0
                    headings.append(f"{self.item_number}.  {vocab.groups()[plan.group].zh}")
                letter = "ABCDEFGH"[group_letter[plan.group]]
                group_letter[plan.group] += 1
                headings.append(f" {letter}. {vocab.items()[plan.key].zh}")
                number: str | None = group_number[plan.group]
                subsection: str | None = letter
            else:
                self.item_number += 1
                self.unit += 1
                headings.append(f" {self.item_number}.  {vocab.items()[plan.key].zh}")
                number, subsection = str(self.item_number), None
            entry = vocab.items()[plan.key]
            section = Section(
                year=self.year,
                item=plan.key,
                title=entry.zh,
                title_en=entry.en,
                headings=headings,
                number=number,
                subsection=subsection,
                group=plan.group,
                unit=self.unit,
            )
            SectionWriter(self, section, slot).write()
            out.append(section)
        return out


# --------------------------------------------------------------------------
# one section


@dataclass(slots=True)
class _Sentence:
    text: str
    date: dt.date | None  # the event the sentence reports (None: none)


class SectionWriter:
    """Writes one item section: tables first (the facts), then the narrative."""

    def __init__(self, year: YearWriter, section: Section, slot: Slot) -> None:
        self.y = year
        self.rng = year.rng
        self.s = section
        self.slot = slot
        self.plan = slot.plan
        self.last_full: dict[str, str] = {}  # short title → role key (as the ingest resolves)
        self.named_roles: set[str] = set()
        for names in (vocab.ITEM_NAMES.get(section.item),):
            if names:
                section.states.update(names.states)

    # -- small helpers -----------------------------------------------------
    def state(self, iso3: str) -> str:
        """A State's name (a span, so the layout knows when a line breaks in it)."""
        self.s.states.add(iso3)
        return span("name", vocab.states()[iso3].zh)

    def role(self, key: str) -> str:
        names = vocab.ROLE_NAMES.get(key)
        if names:
            self.s.organizations.update(names.organizations)
            self.s.states.update(names.states)
            for c in names.cites:
                self.s.documents.setdefault(c, "resolution")
        return vocab.roles()[key].zh

    def role_text(self, key: str) -> str:
        """The title as running text writes it: resolutions in it in prose form."""
        zh = self.role(key)
        for c in (vocab.ROLE_NAMES.get(key) or vocab.Names()).cites:
            number, year = c.removeprefix("S/RES/").rstrip(")").split("(")
            zh = zh.replace(f"第{number}({year})号决议", res(int(number), int(year)))
        return span("role", zh)

    def organization(self, key: str) -> str:
        self.s.organizations.add(key)
        return vocab.organizations()[key].zh

    def doc(self, key: str, kind: str | None) -> str:
        old = self.s.documents.get(key)
        self.s.documents[key] = kind if kind is not None else old
        return key

    def footnote(
        self,
        text: str,
        *,
        cites: list[str] | None = None,
        states: list[str] | None = None,
        event: dt.date | None = None,
        letters: list[Letter] | None = None,
    ) -> Footnote:
        """The section's next footnote, numbered in the year's sequence."""
        fn = Footnote(
            self.y.next_footnote(),
            text,
            self.s.item,
            cites=[] if cites is None else cites,
            states=states,
            event=event,
            letters=[] if letters is None else letters,
        )
        self.s.footnotes.append(fn)
        return fn

    def feature(self, name: str) -> None:
        """Record that this section writes ``name`` (for the manifest)."""
        self.s.features[name] += 1

    def date(self, d: dt.date, *, year: bool = True) -> str:
        """A date in running text, spaced as the PDFs space it."""
        text = full_date(d, self.rng) if year else day_month(d, self.rng)
        if "date-spacing" not in self.y.done:  # the year's first is spaced otherwise
            self.y.done.add("date-spacing")
            if year:
                text = span("date", f"{d.year}年 {d.month}月 {d.day}日")
            else:
                text = span("date", f"{d.month}月{d.day}日")
        if unusual_spacing(text):
            self.feature("date-spacing-varied")
        return text

    def listing(self, names: list[str], where: str, last: str | None = None) -> str:
        """Names joined with 、 and a final joiner, recorded by where it is."""
        if len(names) == 1:
            return names[0]
        joiner = last
        if joiner is None:
            # Each joiner once in a year before they are drawn at random.
            missing = [j for j, _ in JOINERS if f"joiner:{where}:{j}" not in self.y.done]
            joiner = missing[0] if missing else _spacing(JOINERS, self.rng)
            self.y.done.add(f"joiner:{where}:{joiner}")
        self.feature(f"list-joined:{where}:{joiner}")
        return zh_list(names, last=joiner)

    def note_full_roles(self, keys: list[str]) -> None:
        """Full titles written in a sentence: later short forms resolve to them."""
        for key in keys:
            self.named_roles.add(key)
            for short in vocab.roles()[key].short_zh:
                self.last_full[short] = key

    def speaker_role(self, key: str) -> str:
        """A role as a subject: its short form when it resolves back to it."""
        entry = vocab.roles()[key]
        shorts = [s for s in entry.short_zh if self.last_full.get(s) == key]
        if shorts and self.rng.random() < 0.5:
            return span("role", shorts[0])
        return self.role_text(key)

    def annual_report(self) -> str:
        """The Council's report to the General Assembly on the year."""
        return self.doc(
            f"A/{self.y.year - 1945}/2", "report-of-the-security-council-to-the-general-assembly"
        )

    def cite(self, symbol: str) -> str:
        """A footnote's text citing ``symbol`` in one of the Repertoire's forms
        (``见 X。``, ``X。``, ``另见 X。``, ``见 X。另见 Y，第二编，第 N 章。``);
        the symbols it cites are the footnote's ``cites``."""
        rng = self.rng
        roll = rng.random()
        if self.y.want("cite-see-also-report", 0) or roll < 0.12:
            report = self.annual_report()
            self.feature("footnote-cite:see")
            self.feature("footnote-cite:see-also")
            part = f"第二编，第 {rng.randint(3, 45)} 章"
            return f"见 {sym(symbol)}。另见 {sym(report)}，{part}。"
        if self.y.want("cite-see-also", 0) or roll < 0.22:
            self.feature("footnote-cite:see-also")
            return f"另见 {sym(symbol)}。"
        if self.y.want("cite-bare", 0) or roll < 0.35:
            self.feature("footnote-cite:bare")
            return f"{sym(symbol)}。"
        self.feature("footnote-cite:see")
        return f"见 {sym(symbol)}。"

    # -- the section ---------------------------------------------------------
    def write(self) -> None:
        meetings = [ev for ev in self.slot.events if ev.kind == "meeting"]
        vcs = [ev for ev in self.slot.events if ev.kind == "videoconference"]
        self.s.meetings = [self.meeting(ev) for ev in meetings]
        self.s.videoconferences = [self.videoconference(ev) for ev in vcs]
        self.narrative()
        self.tables()

    # -- tables ----------------------------------------------------------------
    def vote(self, failed: bool) -> tuple[dict[str, list[str]], tuple[int, int, int]]:
        """A member-by-member vote that Article 27 makes consistent with the
        outcome; now and then a member does not participate (counted in none
        of the three numbers, listed under 未参加表决)."""
        rng = self.rng
        members = list(self.y.members)
        permanent = [m for m in members if m in self.y.permanent]
        elected = [m for m in members if m not in permanent]
        against: list[str] = []
        abstaining: list[str] = []
        if failed and self.y.want("veto", 0.5):  # vetoed: nine or more in favour
            against = rng.sample(permanent, rng.randint(1, 2))
            others = [m for m in members if m not in against]
            n_for = rng.randint(9, len(others))
            in_favour = rng.sample(others, n_for)
            abstaining = [m for m in others if m not in in_favour]
        elif failed:  # not enough votes in favour
            n_for = rng.randint(2, 8)
            in_favour = rng.sample(members, n_for)
            rest = [m for m in members if m not in in_favour]
            against = rng.sample(rest, rng.randint(0, min(3, len(rest))))
            abstaining = [m for m in rest if m not in against]
        else:  # adopted, not unanimously: no permanent member against
            abstaining = rng.sample(members, rng.randint(1, 5))
            rest = [m for m in elected if m not in abstaining]
            first = "adopted-split" not in self.y.done  # the first lists no one against
            self.y.done.add("adopted-split")
            if not first and rng.random() < 0.3 and rest:
                against = rng.sample(rest, 1)
            in_favour = [m for m in members if m not in abstaining and m not in against]
        not_participating: list[str] = []
        if self.y.want("not-participating", 0.06):
            pool = abstaining or (in_favour if failed or len(in_favour) > 9 else [])
            if pool:
                who = rng.choice(pool)
                pool.remove(who)
                not_participating.append(who)
        names = vocab.states()

        def alpha(group: list[str]) -> list[str]:
            return sorted(group, key=lambda iso3: names[iso3].en)

        vote = {
            "for": alpha(in_favour),
            "against": alpha(against),
            "abstaining": alpha(abstaining),
            "not_participating": alpha(not_participating),
        }
        counts = (len(vote["for"]), len(vote["against"]), len(vote["abstaining"]))
        return vote, counts

    def decision(self, planned: PlannedDecision, event_kind: str, date: dt.date) -> Decision:
        rng = self.rng
        year = self.y.year
        if planned.kind == "presidential-statement":
            key = f"S/PRST/{year}/{planned.number}"
            self.doc(key, "presidential-statement")
            return Decision("presidential-statement", key, None, sym(key))
        if planned.kind == "resolution":
            key = res_key(planned.number, year)
            self.doc(key, "resolution")
            d = Decision("resolution", key, True, res(planned.number, year), counts=(15, 0, 0))
            first = "unanimous" not in self.y.done  # the year's first is unanimous
            self.y.done.add("unanimous")
            if not first and self.y.votes_known and self.y.want("split-vote", self.y.d.split_votes):
                d.vote, d.counts = self.vote(failed=False)
        else:
            key = self.doc(self.y.next_doc(), "draft-resolution")
            d = Decision("draft-resolution", key, False, sym(key))
            d.vote, d.counts = self.vote(failed=True)
        if event_kind == "videoconference" and d.kind != "presidential-statement":
            d.written_procedure = self.doc(self.y.next_doc(), "letter")
        if d.vote is not None and rng.random() < self.y.d.contradictions:
            self.contradict(d)
        return d

    def contradict(self, d: Decision) -> None:
        """Make the source contradict itself, on purpose, in one of three ways
        (the truth keeps what the source states, and expects the diagnostic)."""
        assert d.vote is not None and d.counts is not None
        rng = self.rng
        vote = d.vote
        f, a, b = d.counts
        how = rng.choice(["count", "member", "article27"])
        if how == "count" and f >= 10 and b <= 13:
            # The counts cell says one vote in favour less than the note lists.
            d.counts = (f - 1, a, b + 1)
            d.expected += [
                Expected("E001", "decision", "votes in favour: counts and note disagree"),
                Expected("E001", "decision", "abstentions: counts and note disagree"),
            ]
            return
        outsiders = [x for x in vocab.INVITEE_POOL if x not in self.y.members]
        if how == "member" and (vote["for"] or vote["abstaining"]):
            position = "abstaining" if vote["abstaining"] else "for"
            vote[position][rng.randrange(len(vote[position]))] = rng.choice(outsiders)
            vote[position].sort(key=lambda iso3: vocab.states()[iso3].en)
            d.expected.append(Expected("E004", "note", "a voter is not a member that year"))
            return
        permanent = set(self.y.permanent)
        if d.kind == "draft-resolution":
            # Stated not adopted, yet nine in favour and no permanent member against.
            for p5 in [x for x in vote["against"] if x in permanent]:
                vote["against"].remove(p5)
                vote["for"].append(p5)
            while len(vote["for"]) < 9:
                source = vote["abstaining"] or vote["against"] or vote["not_participating"]
                vote["for"].append(source.pop())
            why = "stated not adopted with the votes to pass"
        else:
            # Stated adopted, yet a permanent member voted against.
            p5 = rng.choice(sorted(permanent))
            for group in vote.values():
                if p5 in group:
                    group.remove(p5)
            vote["against"].append(p5)
            why = "stated adopted although a permanent member voted against"
        for group in vote.values():
            group.sort(key=lambda iso3: vocab.states()[iso3].en)
        d.counts = (len(vote["for"]), len(vote["against"]), len(vote["abstaining"]))
        d.expected.append(Expected("E002", "decision", why))

    def invitees(self) -> tuple[list[Invitee], list[Invitee]]:
        rng = self.rng
        rule37: list[Invitee] = []
        if self.y.want("rule37", self.y.d.rule37):
            outsiders = [s for s in vocab.INVITEE_POOL if s not in self.y.members]
            for iso3 in rng.sample(outsiders, rng.randint(1, 3)):
                rule37.append(Invitee("state", iso3, self.state(iso3)))
        rule39: list[Invitee] = []
        for key in rng.sample(
            list(self.plan.briefers), rng.randint(1, min(2, len(self.plan.briefers)))
        ):
            rule39.append(Invitee("role", key, self.role_text(key)))
        if self.plan.organizations and self.y.want("organization-invitee", 0.3):
            key = rng.choice(self.plan.organizations)
            rule39.append(
                Invitee("organization", key, span("organization", self.organization(key)))
            )
        return rule37, rule39

    def sub_item(self) -> tuple[str | None, str, str | None] | None:
        """The meeting's sub-item: curated (key, zh, en), a title the curated
        table lacks (None, zh, None), or one naming a resolution, which is a
        sub-item and not a decision."""
        rng = self.rng
        year = self.y.year
        if self.y.want("sub-item-resolution", 0.03):
            earlier = year - rng.randint(1, 6)
            number = FIRST_RES + 60 * (earlier - 2014) + rng.randrange(55)
            self.doc(res_key(number, earlier), "resolution")
            self.feature("table-sub-item-naming-a-resolution")
            return (None, f"{res(number, earlier)}的执行情况", None)
        titles = [t for t in self.plan.sub_items if vocab.sub_item_held(t, year)]
        if not titles or not self.y.want("sub-item", self.y.d.sub_items):
            return None
        choice = rng.choice(titles)
        curated = vocab.sub_items().get(choice)
        self.s.instruments.update((vocab.SUB_ITEM_NAMES.get(choice) or vocab.Names()).instruments)
        if curated:
            return (choice, spaced(curated.zh), curated.en)
        return (None, choice, None)

    def meeting(self, ev: PlannedEvent) -> Meeting:
        rng = self.rng
        record = f"S/PV.{ev.record}"
        self.doc(record, "meeting-record")
        sub_item = self.sub_item()
        other: list[str] = []
        if self.y.want("other-documents", self.y.d.other_documents):
            other = [self.doc(self.y.next_doc(), None) for _ in range(rng.randint(1, 3))]
        rule37, rule39 = self.invitees()
        speakers: list[Invitee] = []
        reps: list[tuple[str, str]] = []
        groups = rng.random()
        if ev.summit:
            # Every member speaks, most represented by a minister (a note each).
            members = list(self.y.members)
            rng.shuffle(members)
            speakers += [Invitee("state", iso3, self.state(iso3)) for iso3 in members]
            speakers += [Invitee(i.kind, i.ref, i.zh) for i in rule37 + rule39]
            first_summit = "summit-notes" not in self.y.done
            self.y.done.add("summit-notes")
            n_reps = len(members) if first_summit else rng.randint(12, len(members))
            for iso3 in members[:n_reps]:
                reps.append((iso3, self.minister(iso3)))
            self.feature("table-summit-row")
        elif groups < 0.5:
            speakers += [Invitee("group", "all-council-members", "安理会全体成员")]
            speakers += [Invitee("group", "all-invitees", "所有受邀者")]
        elif groups < 0.8:
            speakers += [Invitee("group", "all-council-members", "安理会全体成员")]
            speakers += [Invitee(i.kind, i.ref, i.zh) for i in rule37 + rule39]
        else:
            for iso3 in rng.sample(list(self.y.members) or list(vocab.INVITEE_POOL), 3):
                speakers.append(Invitee("state", iso3, self.state(iso3)))
            speakers += [Invitee(i.kind, i.ref, i.zh) for i in rule39]
        if not reps and self.y.members and self.y.want("representation", self.y.d.representation):
            iso3 = rng.choice(list(self.y.members))
            reps.append((iso3, self.minister(iso3)))
        decisions = [self.decision(p, "meeting", ev.date) for p in ev.decisions]
        self._several(decisions, "meetings")
        m = Meeting(record, ev.date, sub_item, other, rule37, rule39, speakers, decisions, reps)
        m.two_line_head = rng.random() < 0.7
        if sub_item and sub_item[0] is None:
            m.expected.append(Expected("W006", "row", "sub-item title not in the curated table"))
        return m

    def minister(self, iso3: str) -> str:
        """The role a member is represented by at a meeting (a role key)."""
        self.state(iso3)
        if iso3 == "DEU":
            key = self.rng.choice(
                ("federal-minister-for-foreign-affairs", "minister-of-state-federal-foreign-office")
            )
        else:
            key = "minister-for-foreign-affairs"
        self.role(key)
        return key

    def _several(self, decisions: list[Decision], table: str) -> None:
        if len(decisions) < 2:
            return
        self.feature(f"row-several-decisions:{table}")
        kinds = {d.kind for d in decisions}
        if {"draft-resolution", "resolution"} <= kinds:
            self.feature("row-drafts-and-resolutions")
        if sum(d.note is not None or d.vote is not None for d in decisions) >= 2:
            self.feature("row-several-vote-notes")
        if sum(bool(d.written_procedure) for d in decisions) >= 2:
            self.feature("row-several-written-procedures")

    def videoconference(self, ev: PlannedEvent) -> Videoconference:
        rng = self.rng
        decisions = [self.decision(p, "videoconference", ev.date) for p in ev.decisions]
        self._several(decisions, "videoconferences")
        if self.y.want("no-record", 0.15):
            report = self.annual_report()
            return Videoconference(ev.date, None, None, "?", [report], decisions, open=False)
        record = self.doc(self.y.next_doc(), "letter")
        record_date = ev.date + dt.timedelta(days=rng.randint(1, 5))
        return Videoconference(ev.date, record, record_date, None, [], decisions, open=True)

    def _meeting_notes(self, m: Meeting, letters: Iterator[str]) -> list[Note]:
        notes: list[Note] = []
        for iso3, role in m.representations:
            letter = next(letters)
            target = next(
                (i for i in m.speakers if i.kind == "state" and i.ref == iso3 and i.note is None),
                None,
            )
            if target is None and m.speakers and m.speakers[0].note is None:
                target = m.speakers[0]
            if target is not None:
                target.note = letter
            text = f"{self.state(iso3)}由{vocab.roles()[role].zh}代表。"
            notes.append(Note(letter, text))
        for d in m.decisions:
            if d.vote is not None:
                d.note = next(letters)
                notes.append(Note(d.note, self.vote_note(d), d.expected))
        return notes

    def _vc_notes(self, v: Videoconference, letters: Iterator[str]) -> list[Note]:
        notes: list[Note] = []
        if v.record is None:
            v.note = next(letters)
            part = self.rng.choice(["第一编，第四. B 章", "第二编，第 31 章", "第一编，第三章"])
            notes.append(Note(v.note, f"见 {sym(v.note_cites[0])}，{part}。"))
        for d in v.decisions:
            if d.vote is not None:
                d.note = next(letters)
                notes.append(Note(d.note, self.vote_note(d), d.expected))
        return notes

    def tables(self) -> None:
        """The meetings table, then the videoconferences table, their notes
        lettered a … z, aa, ab …  A table of more than forty rows goes on as
        "表 1 (续)", lettered anew."""
        chunks: list[tuple[str, list[Meeting | Videoconference], list[Note]]] = []
        events_of: list[tuple[str, Sequence[Meeting | Videoconference]]] = [
            ("meetings", self.s.meetings),
            ("videoconferences", self.s.videoconferences),
        ]
        for kind, events in events_of:
            rows: list[Meeting | Videoconference] = []
            notes: list[Note] = []
            letters = note_letters()
            for event in events:
                if len(rows) >= 40:
                    chunks.append((kind, rows, notes))
                    rows, notes, letters = [], [], note_letters()
                if isinstance(event, Meeting):
                    notes += self._meeting_notes(event, letters)
                else:
                    notes += self._vc_notes(event, letters)
                rows.append(event)
            if rows:
                chunks.append((kind, rows, notes))
        numbered = len(chunks) > 1
        number = 0
        previous = ""
        for kind, rows, notes in chunks:
            continued = kind == previous
            if not continued:
                number += 1
            previous = kind
            word = "会议" if kind == "meetings" else "视频会议"
            colon = "：" if self.rng.random() < 0.9 else ":"
            self.s.tables.append(
                Table(
                    kind,
                    number if numbered else None,
                    f"{word}{colon}{self.s.title}",
                    rows,
                    notes,
                    continued=continued,
                )
            )
        self.s.table_count = number

    def vote_note(self, d: Decision) -> str:
        """A vote note: 赞成/反对/弃权/未参加表决, those that have members, most
        often in that order; its colons and semicolons in either width."""
        assert d.vote is not None
        rng = self.rng
        groups = [
            (position, label)
            for position, label in (
                ("for", "赞成"),
                ("against", "反对"),
                ("abstaining", "弃权"),
                ("not_participating", "未参加表决"),
            )
            if d.vote.get(position)
        ]
        if len(groups) > 1 and self.y.want("vote-note-order", 0.12):
            order = list(groups)
            while order == groups:
                rng.shuffle(order)
            groups = order
            self.feature("vote-note-order-varied")
        if {"for", "against", "abstaining"} - {p for p, _ in groups}:
            self.feature("vote-note-subset")
        if d.vote.get("not_participating"):
            self.feature("vote-note-not-participating")
        colon, semicolon = "：", "；"
        if self.y.want("vote-note-halfwidth", 0.08):
            colon, semicolon = ":", ";"
            self.feature("halfwidth-punctuation:vote-note")
        parts = [
            f"{label}{colon}" + "、".join(self.state(s) for s in d.vote[position])
            for position, label in groups
        ]
        return semicolon.join(parts) + "。"

    # -- narrative ---------------------------------------------------------------
    def narrative(self) -> None:
        rng = self.rng
        s = self.s
        meetings, vcs = s.meetings, s.videoconferences
        paragraphs: list[list[_Sentence]] = []
        # The section opens with counts of its events (no event: no date).
        intro: list[_Sentence] = []
        if meetings:
            formats = vocab.FORMATS
            fmt = rng.choice(formats) if rng.random() < 0.6 else None
            kind = f"{fmt[0]}形式的会议" if fmt else "会议"
            n = vocab.zh_count(len(meetings))
            first = f"在本报告所述期间，安理会在题为“{s.title}”的项目下举行了{n}次{kind}。"
            if fmt:
                for m in meetings:
                    m.format = fmt[1]
            text = "关于会议形式的详情，见第二部分第二节。"
            cites: list[str] = []
            if rng.random() < 0.3:
                report = self.annual_report()
                text += f"另见 {sym(report)}，第二编，第 {rng.randint(3, 45)} 章。"
                cites.append(report)
                self.feature("footnote-cite:see-also")
            fn = self.footnote(text, cites=cites)
            intro.append(_Sentence(first + mark(fn.number), None))
        if vcs:
            n = vocab.zh_count(len(vcs))
            lead = "安理会成员还" if meetings else "在本报告所述期间，安理会成员"
            if all(v.open for v in vcs):
                intro.append(_Sentence(f"{lead}就该项目举行了{n}次公开视频会议。", None))
                s.open_vcs = len(vcs)
            else:
                intro.append(_Sentence(f"{lead}就该项目举行了{n}次视频会议。", None))
        table_ref = "下表 1 和表 2" if meetings and vcs else "下表"
        intro.append(
            _Sentence(f"关于这些会议的详情，包括与会者、发言者和结果，见{table_ref}。", None)
        )
        paragraphs.append(intro)
        # Who briefed under the item (no event: the ingest calls them briefers).
        if self.plan.briefers and self.y.want("briefers", 0.7):
            paragraphs.append(self.briefers_paragraph())
        events: list[tuple[dt.date, Meeting | Videoconference]] = [(m.date, m) for m in meetings]
        events += [(v.date, v) for v in vcs]
        events.sort(key=lambda e: e[0])
        previous_event = False
        for date, event in events:
            # Events that voted on drafts are always told; others mostly.
            voted = any(d.kind == "draft-resolution" for d in event.decisions)
            if voted or rng.random() < 0.85:
                sentences = self.event_paragraph(date, event)
                if previous_event and "two-events" not in self.y.done:
                    # End the last paragraph on its last footnote marker (no
                    # marker follows it), so the next event can share it.
                    last_paragraph = paragraphs[-1]
                    marked = [
                        k
                        for k, x in enumerate(last_paragraph)
                        if k and MARKER_AT_END.search(x.text)
                    ]
                    if marked:
                        last_paragraph.append(last_paragraph.pop(marked[-1]))
                last = paragraphs[-1][-1].text if previous_event else ""
                if MARKER_AT_END.search(last) and self.y.want("two-events", 0.15):
                    # Two events in one paragraph, the first ending on a
                    # footnote marker: the marker is the first event's.
                    paragraphs[-1] += sentences
                    self.feature("two-events-in-a-paragraph")
                else:
                    paragraphs.append(sentences)
                previous_event = True
        # Months without days, summing up several events (after them).
        if events and self.named_roles and self.y.want("summary", 0.2):
            paragraphs.append(self.summary_paragraph(events))
        for sentences in paragraphs:
            s.paragraphs.append(" " + "".join(x.text for x in sentences))

    def briefers_paragraph(self) -> list[_Sentence]:
        rng = self.rng
        keys = rng.sample(list(self.plan.briefers), rng.randint(1, len(self.plan.briefers)))
        names = [self.role_text(k) for k in keys]
        entries = list(zip(keys, names, strict=True))
        briefers: list[tuple[str, str | None]] = [(k, None) for k in keys]
        if self.plan.facilitator and self.y.members and self.y.want("facilitator", 0.5):
            holder = rng.choice([m for m in self.y.members if m not in self.y.permanent])
            key = self.plan.facilitator
            text = f"{self.state(holder)}代表作为{self.role_text(key)}"
            pos = rng.randint(1, len(entries))
            entries.insert(pos, (key, text))
            briefers.insert(pos, (key, holder))
        text = "在该项目下，安理会成员听取了" + zh_list([e[1] for e in entries]) + "的通报。"
        self.s.briefers += [b for b in briefers if b not in self.s.briefers]
        self.note_full_roles([e[0] for e in entries])
        return [_Sentence(text, None)]

    def summary_paragraph(self, events: Sequence[tuple[dt.date, object]]) -> list[_Sentence]:
        """ "<role>于 6 月和 12 月两次向安理会成员通报情况。": months without days
        summarise several events: the role briefed under the item, at no one event."""
        rng = self.rng
        key = rng.choice(sorted(self.named_roles))
        months = sorted({d.month for d, _ in events})
        if len(months) < 2:
            months = sorted({1 + rng.randrange(12), 1 + rng.randrange(12)} | {months[0]})
        pick = sorted(rng.sample(months, 2)) if len(months) >= 2 else months
        who = self.speaker_role(key)
        text = f"{who}于 {pick[0]} 月和 {pick[-1]} 月两次向安理会成员通报情况。"
        if (key, None) not in self.s.briefers and not any(b[0] == key for b in self.s.briefers):
            self.s.briefers.append((key, None))
        self.note_full_roles([key] if who == self.role_text(key) else [])
        return [_Sentence(text, None)]

    def sponsors_clause(self, draft: Decision) -> str:
        """Who submitted the event's failed draft and how it failed, in one of
        the forms the Repertoire uses, the list of sponsors a span of its own
        (``由 X、Y 和 Z 提交的决议草案…``, ``X 提交的决议草案…``,
        ``X 提交了一份决议草案，…``)."""
        rng = self.rng
        pool = list(dict.fromkeys([*self.y.members, *vocab.INVITEE_POOL[:20]]))
        draft.sponsors = rng.sample(pool, rng.randint(1, 4))
        states = span("sponsors", self.listing([self.state(x) for x in draft.sponsors], "sponsors"))
        assert draft.counts is not None and draft.vote is not None
        vetoes = sum(x in self.y.permanent for x in draft.vote["against"])
        veto = draft.counts[0] >= 9 and vetoes > 0
        who = "一个常任理事国投反对票" if vetoes == 1 else "两个常任理事国投了反对票"
        forms = ("by", "of", "submitted")
        missing = [f for f in forms if f"sponsor-form:{f}" not in self.y.done]
        form = missing[0] if missing else rng.choice(forms)
        self.y.done.add(f"sponsor-form:{form}")
        if form == "by":
            self.feature("sponsors-in-prose:由…提交的决议草案")
            why = f"但由于{who}而未获通过" if veto else "但因未能获得所需票数而未获通过"
            return f"由{states}提交的决议草案获得 {draft.counts[0]} 票赞成，{why}。"
        if form == "of":
            self.feature("sponsors-in-prose:…提交的决议草案")
            why = f"由于{who}而未获通过" if veto else "因未能获得所需票数而未获通过"
            return f"{states}提交的决议草案{why}。"
        self.feature("sponsors-in-prose:…提交了一份决议草案")
        why = f"但由于{who}而未获通过" if veto else "但因未能获得所需票数而未获通过"
        return f"{states}提交了一份决议草案，{why}。"

    def event_paragraph(self, date: dt.date, event: Meeting | Videoconference) -> list[_Sentence]:
        rng = self.rng
        out: list[_Sentence] = []
        when = self.date(date, year=False) if rng.random() < 0.8 else self.date(date)
        failed = [d for d in event.decisions if d.kind == "draft-resolution"]
        adopted = [d for d in event.decisions if d.kind == "resolution"]
        if isinstance(event, Meeting):
            fn = self.footnote(self.cite(event.record), cites=[event.record])
            if event.sub_item:
                opening = f"{when}，安全理事会在题为“{event.sub_item[1]}”的分项目下举行会议。"
            else:
                opening = f"{when}，安全理事会就该项目举行会议。"
        else:
            cite = event.record or event.note_cites[0]
            fn = self.footnote(self.cite(cite), cites=[cite])
            opening = f"{when}，安理会成员就该项目举行了视频会议。"
        sponsors: list[str] = []
        lead = "会上，" if isinstance(event, Meeting) else "在该视频会议上，"
        if len(failed) == 1 and self.y.want("sponsors", 0.9):
            clause = self.sponsors_clause(failed[0])
            if rng.random() < 0.5:
                opening = f"{when}，{clause}"
            else:  # told after the opening, as the second sentence
                sponsors.append(lead + clause)
        elif len(failed) > 1 and self.y.want("sponsors-of-several", 0.8):
            # Several drafts failed at one event: each sentence names its
            # draft by a footnote, which is what ties the sponsors to it.
            for k, draft in enumerate(failed):
                clause = self.sponsors_clause(draft)
                by = self.footnote(f"见 {sym(draft.symbol)}。", cites=[draft.symbol])
                self.feature("footnote-cite:see")
                sponsors.append(("同日，" if k else lead) + clause + mark(by.number))
            self.feature("sponsors-of-several-drafts")
        fn.cites = list(dict.fromkeys([*fn.cites, *_cited(fn.text)]))
        out.append(_Sentence(opening + mark(fn.number), date))
        out += [_Sentence(x, date) for x in sponsors]
        # What a failed draft would have done, cited by its paragraph.
        if failed and self.y.want("draft-paragraph", 0.4):
            draft = failed[-1]  # "该决议草案": the draft told last
            n = rng.randint(1, 12)
            form = rng.random()
            if form < 0.5 or self.y.want("cite-paragraph", 0):
                text = f"{sym(draft.symbol)}，第 {n} 段。"
            else:
                text = f"见 {sym(draft.symbol)}，第 {n} 和 {n + 1} 段。"
                self.feature("footnote-cite:see")
            self.feature("footnote-cite:paragraph")
            note = self.footnote(text, cites=[draft.symbol])
            action = rng.choice(vocab.DRAFT_ACTIONS)
            out.append(_Sentence(f"根据该决议草案，安理会将{action}。{mark(note.number)}", date))
        # Resolutions adopted, told in prose, one of them cited by paragraph.
        for d in adopted:
            if self.y.want("resolution-in-prose", 0.6):
                number, year = d.symbol.removeprefix("S/RES/").rstrip(")").split("(")
                prose = res(int(number), int(year))
                out.append(_Sentence(f"安理会通过了{prose}。", date))
                if self.y.want("resolution-paragraph", 0.3):
                    n = rng.randint(1, 20)
                    also = "另见" if rng.random() < 0.3 else ""
                    if also:
                        self.feature("footnote-cite:see-also")
                    self.feature("footnote-cite:paragraph")
                    note = self.footnote(f"{also}{prose}，第 {n} 段。", cites=[d.symbol])
                    phrase = rng.choice(vocab.RESOLUTION_PHRASES)
                    out.append(_Sentence(f"安理会在该决议中{phrase}。{mark(note.number)}", date))
        # Officials heard at the event (the table's rule 39 invitees).
        roles = (
            [i.ref for i in event.rule39 if i.kind == "role"] if isinstance(event, Meeting) else []
        )
        if not roles and self.plan.briefers and rng.random() < 0.6:
            roles = rng.sample(list(self.plan.briefers), 1)
        if roles:
            names = [self.role_text(key) for key in roles]
            out.append(_Sentence(f"安理会听取了{zh_list(names)}的通报。", date))
            for key in roles:
                self.s.speakers.append((date, "role", key))
            self.note_full_roles(roles)
        # Speakers, each the subject of a clause, or several States in one.
        candidates: list[tuple[str, str]] = [("role", k) for k in self.plan.briefers]
        voters = list(self.y.members) or list(vocab.INVITEE_POOL[:10])
        candidates += [("state", x) for x in voters]
        if isinstance(event, Meeting):
            candidates += [("state", i.ref) for i in event.rule37]
        states = sorted({ref for kind, ref in candidates if kind == "state"})
        lo, hi = self.y.d.speakers
        for _ in range(rng.randint(lo, hi)):
            verb = rng.choice(vocab.SPEAKER_VERBS)
            clause = "，".join(rng.sample(vocab.FILLER, rng.randint(1, 3)))
            if len(states) >= 3 and self.y.want("speakers-together", 0.12, first=3):
                together = rng.sample(states, rng.randint(2, 4))
                joined = self.listing([self.state(x) for x in together], "speakers", "和")
                out.append(_Sentence(f"{span('speakers', joined)}代表{verb}，{clause}。", date))
                self.s.speakers += [(date, "state", x) for x in together]
                self.feature("speakers-together-in-prose")
                continue
            kind, ref = rng.choice(candidates)
            if kind == "role":
                subject = self.speaker_role(ref)
                full = subject == self.role_text(ref)
                out.append(_Sentence(f"{subject}{verb}，{clause}。", date))
                self.note_full_roles([ref] if full else [])
            else:
                subject = self.state(ref) + rng.choice(vocab.CAPACITIES)
                out.append(_Sentence(f"{subject}{verb}，{clause}。", date))
            self.s.speakers.append((date, kind, ref))
        # A report of the Secretary-General, cited bare in a footnote.
        if self.y.want("sg-report", 0.2):
            report = self.doc(self.y.next_doc(), "report-of-the-secretary-general")
            fn = self.footnote(f"{sym(report)}。", cites=[report])
            self.feature("footnote-cite:bare")
            if rng.random() < 0.5:
                out.append(
                    _Sentence(
                        f"安理会成员审议了秘书长关于该项目的最新报告。{mark(fn.number)}", date
                    )
                )
            else:
                out.append(
                    _Sentence(
                        f"安理会成员在审议秘书长的最新报告时，{mark(fn.number)}指出{rng.choice(vocab.FILLER)}。",
                        date,
                    )
                )
        # Positions shared by members, listed in a footnote.
        if self.y.members and self.y.want("position", self.y.d.positions):
            states = rng.sample(list(self.y.members), rng.randint(2, 9))
            names = [self.state(x) for x in states]
            fn = self.footnote(self.listing(names, "footnote") + "。", states=states, event=date)
            subject = rng.choice(vocab.POSITION_SUBJECTS)
            out.append(
                _Sentence(f"{subject}{rng.choice(vocab.POSITION_PHRASES)}。{mark(fn.number)}", date)
            )
        # Instruments, in full and then by their short form.
        if self.plan.instruments and self.y.want("instrument", 0.3):
            key = rng.choice(self.plan.instruments)
            inst = vocab.instruments()[key]
            self.s.instruments.add(key)
            named = vocab.INSTRUMENT_NAMES.get(key, vocab.Names())
            self.s.states.update(named.states)
            self.s.organizations.update(named.organizations)
            text = f"安理会成员重申支持《{inst.zh}》。"
            if inst.short_zh and rng.random() < 0.5:
                text += f"他们强调，应当充分履行《{inst.short_zh[0]}》规定的义务。"
            out.append(_Sentence(text, date))
        # Letters received, described in a footnote, or told in the text with
        # a footnote citing their symbols.
        if self.y.want("letters", self.y.d.letters):
            out.append(self.letters_sentence(date))
        if self.y.want("letters-in-prose", self.y.d.letters / 2, first=2):
            out.append(self.letters_in_prose(date))
        # An earlier resolution and a date recalled in passing (neither a
        # decision of the event nor its date).
        if self.y.want("recalled", 0.2, first=3):
            earlier = self.y.year - rng.randint(1, 6)
            recalled_number = FIRST_RES + 60 * (earlier - 2014) + rng.randrange(55)
            self.doc(res_key(recalled_number, earlier), "resolution")
            since = date - dt.timedelta(days=rng.randint(20, 200))
            recalled = f"安理会成员回顾了{res(recalled_number, earlier)}，"
            recalled += f"并讨论了自{self.date(since)}以来的事态发展。"
            out.append(_Sentence(recalled, date))
        # What was discussed, naming nothing: most of a real section's text.
        lo, hi = self.y.d.prose
        for _ in range(rng.randint(lo, hi)):
            clauses = rng.sample(vocab.FILLER, rng.randint(2, 4))
            lead = rng.choice(vocab.PADDING)
            sentence = _Sentence(f"{lead}，认为{'，'.join(clauses)}。", date)
            out.insert(rng.randint(1, len(out)), sentence)
        # A count right after a full stop, where a marker could stand.
        if self.y.want("count-after-full-stop", 0.06):
            after = [k for k, x in enumerate(out) if x.text.endswith("。")]
            if after:
                k = rng.choice(after)
                out.insert(k + 1, _Sentence(f"{COUNT} {rng.choice(vocab.COUNT_PHRASES)}。", date))
                self.feature("count-where-a-marker-could-stand")
        return out

    def letters_sentence(self, date: dt.date) -> _Sentence:
        rng = self.rng
        segments: list[str] = []
        letters: list[Letter] = []
        cites: list[str] = []
        for i in range(rng.randint(1, 3)):
            senders = rng.sample(list(vocab.INVITEE_POOL), rng.choice([1, 1, 2, 2, 3]))
            behalf = (
                rng.sample([s for s in vocab.INVITEE_POOL if s not in senders], 2)
                if self.y.want("on-behalf", 0.25)
                else []
            )
            n_letters = rng.choice([1, 1, 2])
            dates = sorted({date - dt.timedelta(days=rng.randint(1, 40)) for _ in range(n_letters)})
            dates = [d for d in dates if d.year == self.y.year] or [date]
            symbols = [self.doc(self.y.next_doc(), "letter") for _ in dates]
            who = self.listing([self.state(x) for x in senders], "footnote")
            if behalf:
                who += "代表同时代表" + self.listing([self.state(x) for x in behalf], "footnote")
            else:
                who += "代表"
            parts = [f"{self.date(d)}的信({sym(k)})" for d, k in zip(dates, symbols, strict=True)]
            segments.append(("见" if i == 0 else "") + who + " " + "和 ".join(parts))
            for d, k in zip(dates, symbols, strict=True):
                letters.append(Letter(k, d, senders, behalf, i))
                cites.append(k)
        fn = self.footnote("；".join(segments) + "。", cites=cites, letters=letters)
        self.feature("letters-in-footnote")
        return _Sentence(f"安理会成员还收到了有关会员国就此问题发出的信函。{mark(fn.number)}", date)

    def letters_in_prose(self, date: dt.date) -> _Sentence:
        """Letters told in the text (sender and dates, the second date without
        its year), their symbols in a footnote, in the same order."""
        rng = self.rng
        sender = rng.choice(list(vocab.INVITEE_POOL) + list(self.y.members))
        offsets = {rng.randint(-60, 20) for _ in range(rng.choice([1, 2]))}
        days = sorted({date + dt.timedelta(days=k) for k in offsets})
        days = [d for d in days if d.year == self.y.year] or [date]
        symbols = [self.doc(self.y.next_doc(), "letter") for _ in days]
        when = self.date(days[0])
        if len(days) > 1:
            when += "和" + self.date(days[1], year=False)
        form = "见 " if rng.random() < 0.7 else ""
        fn = self.footnote(
            form + " 和 ".join(sym(x) for x in symbols) + "。",
            cites=symbols,
            letters=[Letter(k, d, [sender], [], 0) for d, k in zip(days, symbols, strict=True)],
        )
        self.feature("letters-in-prose")
        name = self.state(sender)
        text = f"安理会成员在收到{name} {when}的信函后交换了意见。{mark(fn.number)}"
        return _Sentence(text, date)


_SYMBOL = re.compile(r"\{S:([^}]*)\}")


def _cited(text: str) -> list[str]:
    """The symbols a footnote's markup cites, in order."""
    return _SYMBOL.findall(text)
