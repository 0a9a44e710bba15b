"""The synthetic Repertoire's content: items, events, decisions, votes,
footnotes and the narrative, generated from a seeded RNG, together with
the facts each piece states.

Why content and layout are separate: the facts (who spoke at which event,
which members voted how, which footnote cites what) are decided here and
written into Chinese sentences whose shape the Repertoire uses; the layout
(``bench/corpus_render.py``) then only decides where lines break, where
pages end and where footnote blocks fall, which must never change a fact.

Text is written with a small markup that the renderer resolves, so it knows
where symbols and footnote markers are without searching the text again:
``{S:S/2020/797}`` a symbol as written, ``{R:2231:2015}`` a resolution in
prose (``第 2231(2015)号决议``), ``{M:826}`` the marker of footnote 826.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench import corpus_vocab as vocab

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


def res_key(number: int, year: int) -> str:
    """The symbol key of resolution ``number`` of ``year``."""
    return f"S/RES/{number}({year})"


def day_month(date: dt.date) -> str:
    """``8 月 14 日``."""
    return f"{date.month} 月 {date.day} 日"


def full_date(date: dt.date, rng: random.Random | None = None) -> str:
    """``2020 年 8 月 14 日``, sometimes spaced as the PDF sometimes has it."""
    if rng is not None and rng.random() < 0.15:
        return f"{date.year}年 {date.month}月 {date.day}日"
    return f"{date.year} 年 {date.month} 月 {date.day} 日"


def spaced(text: str) -> str:
    """Text with a space between Latin letters or digits and ideographs, as
    the Chinese edition prints it (``在 2020 年审议大会``)."""
    text = re.sub(r"(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])", " ", text)
    return re.sub(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])", " ", text)


def zh_list(names: list[str], rng: random.Random | None = None) -> str:
    """Names joined as the Chinese edition lists them: 、 and 和 (or 以及)."""
    if len(names) == 1:
        return names[0]
    last = "以及" if rng is not None and rng.random() < 0.25 else "和"
    return "、".join(names[:-1]) + last + names[-1]


# --------------------------------------------------------------------------
# content


@dataclass(slots=True)
class Expected:
    """A diagnostic the ingest must report: code, and the block it is about."""

    code: str
    anchor: str  # "row" | "note"
    why: str


@dataclass(slots=True)
class Decision:
    """A decision in a table cell, with what the cell and its note say."""

    kind: str  # resolution | presidential-statement | draft-resolution
    symbol: str
    adopted: bool | None
    written: str  # markup of the symbol as the cell writes it
    counts: tuple[int, int, int] | None = None
    vote: dict[str, list[str]] | None = None  # position → ISO3, in note order
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


@dataclass(slots=True)
class Slot:
    """An item planned for a year."""

    plan: vocab.ItemPlan
    events: list[PlannedEvent]


@dataclass(slots=True)
class Density:
    """How much of each feature the narrative and tables carry (0..1 rates
    and per-event counts); ``bench/corpus.py`` maps ``--scale`` and the
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
    other_documents: float = 0.3  # see bench/README.md: councilkg facts does not read them yet


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

    def want(self, feature: str, rate: float) -> bool:
        """Whether to write ``feature`` here: always the first time in a year
        (so that even a 1x corpus has every feature), then at ``rate``."""
        if feature not in self.done:
            self.done.add(feature)
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
        for unit in units:
            for p in unit:
                lo, hi = self.d.meetings
                n_meetings = round(rng.randint(lo, hi) * events_scale)
                n_vcs = 0
                if vc_year:
                    lo, hi = self.d.videoconferences
                    n_vcs = round(rng.randint(lo, hi) * events_scale)
                n_meetings = min(max(n_meetings, 0 if n_vcs else 1), 300)
                n_vcs = min(n_vcs, 365 - n_meetings)  # one event a day per item
                days = rng.sample(range(1, 366 if self.year % 4 else 367), n_meetings + n_vcs)
                dates = [dt.date(self.year, 1, 1) + dt.timedelta(days=x - 1) for x in days]
                events = [PlannedEvent("meeting", d, []) for d in sorted(dates[:n_meetings])]
                events += [
                    PlannedEvent("videoconference", d, []) for d in sorted(dates[n_meetings:])
                ]
                for ev in events:
                    tag = ev.kind
                    if self.want(f"decision-{tag}", self.d.decisions):
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
        self.s.states.add(iso3)
        return vocab.states()[iso3].zh

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
        return zh

    def organization(self, key: str) -> str:
        self.s.organizations.add(key)
        return vocab.organizations()[key].zh

    def doc(self, key: str, kind: str | None) -> str:
        old = self.s.documents.get(key)
        self.s.documents[key] = kind if kind is not None else old
        return key

    def footnote(self, text: str, **kw: object) -> Footnote:
        fn = Footnote(self.y.next_footnote(), text, self.s.item, **kw)  # type: ignore[arg-type]
        self.s.footnotes.append(fn)
        return fn

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
            return shorts[0]
        return self.role_text(key)

    # -- the section ---------------------------------------------------------
    def write(self) -> None:
        meetings = [ev for ev in self.slot.events if ev.kind == "meeting"]
        vcs = [ev for ev in self.slot.events if ev.kind == "videoconference"]
        self.s.meetings = [self.meeting(ev) for ev in meetings]
        self.s.videoconferences = [self.videoconference(ev) for ev in vcs]
        self.narrative()
        self.tables()

    # -- tables ----------------------------------------------------------------
    def vote(self, kind: str, failed: bool) -> tuple[dict[str, list[str]], tuple[int, int, int]]:
        """A member-by-member vote that Article 27 makes consistent with the outcome."""
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
            if rng.random() < 0.3 and rest:
                against = rng.sample(rest, 1)
            in_favour = [m for m in members if m not in abstaining and m not in against]
        names = vocab.states()

        def alpha(group: list[str]) -> list[str]:
            return sorted(group, key=lambda iso3: names[iso3].en)

        vote = {"for": alpha(in_favour), "against": alpha(against), "abstaining": alpha(abstaining)}
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
            if self.y.votes_known and self.y.want("split-vote", self.y.d.split_votes):
                d.vote, d.counts = self.vote("resolution", failed=False)
        else:
            key = self.doc(self.y.next_doc(), "draft-resolution")
            d = Decision("draft-resolution", key, False, sym(key))
            d.vote, d.counts = self.vote("draft-resolution", failed=True)
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
                Expected("E001", "note", "votes in favour: counts and note disagree"),
                Expected("E001", "note", "abstentions: counts and note disagree"),
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
                source = vote["abstaining"] or vote["against"]
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
        d.expected.append(Expected("E002", "row", why))

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
            rule39.append(Invitee("organization", key, self.organization(key)))
        return rule37, rule39

    def meeting(self, ev: PlannedEvent) -> Meeting:
        rng = self.rng
        record = f"S/PV.{ev.record}"
        self.doc(record, "meeting-record")
        sub_item = None
        year = self.y.year
        titles = [t for t in self.plan.sub_items if vocab.sub_item_held(t, year)]
        if titles and self.y.want("sub-item", self.y.d.sub_items):
            choice = rng.choice(titles)
            curated = vocab.sub_items().get(choice)
            sub_item = (choice, spaced(curated.zh), curated.en) if curated else (None, choice, None)
            self.s.instruments.update(
                (vocab.SUB_ITEM_NAMES.get(choice) or vocab.Names()).instruments
            )
        other = (
            [self.doc(self.y.next_doc(), None)] if rng.random() < self.y.d.other_documents else []
        )
        rule37, rule39 = self.invitees()
        speakers: list[Invitee] = []
        groups = rng.random()
        if groups < 0.5:
            speakers += [Invitee("group", "all-council-members", "安理会全体成员")]
            speakers += [Invitee("group", "all-invitees", "所有受邀者")]
        elif groups < 0.8:
            speakers += [Invitee("group", "all-council-members", "安理会全体成员")]
            speakers += [Invitee(i.kind, i.ref, i.zh) for i in rule37 + rule39]
        else:
            for iso3 in rng.sample(list(self.y.members) or list(vocab.INVITEE_POOL), 3):
                speakers.append(Invitee("state", iso3, self.state(iso3)))
            speakers += [Invitee(i.kind, i.ref, i.zh) for i in rule39]
        reps: list[tuple[str, str]] = []
        if self.y.members and self.y.want("representation", self.y.d.representation):
            iso3 = rng.choice(list(self.y.members))
            role = (
                "federal-minister-for-foreign-affairs"
                if iso3 == "DEU"
                else "minister-for-foreign-affairs"
            )
            reps.append((iso3, role))
            self.state(iso3)
            self.role(role)
        decisions = [self.decision(p, "meeting", ev.date) for p in ev.decisions]
        m = Meeting(record, ev.date, sub_item, other, rule37, rule39, speakers, decisions, reps)
        m.two_line_head = rng.random() < 0.7
        if sub_item and sub_item[0] is None:
            m.expected.append(Expected("W006", "row", "sub-item title not in the curated table"))
        return m

    def videoconference(self, ev: PlannedEvent) -> Videoconference:
        rng = self.rng
        decisions = [self.decision(p, "videoconference", ev.date) for p in ev.decisions]
        if self.y.want("no-record", 0.15):
            session = self.y.year - 1945
            report = self.doc(
                f"A/{session}/2", "report-of-the-security-council-to-the-general-assembly"
            )
            return Videoconference(ev.date, None, None, "?", [report], decisions, open=False)
        record = self.doc(self.y.next_doc(), "letter")
        record_date = ev.date + dt.timedelta(days=rng.randint(1, 5))
        return Videoconference(ev.date, record, record_date, None, [], decisions, open=True)

    def _meeting_notes(self, m: Meeting, letters: list[str]) -> list[Note]:
        notes: list[Note] = []
        for iso3, role in m.representations:
            letter = letters.pop(0)
            target = m.speakers[0] if m.speakers else None
            if target is not None and target.note is None:
                target.note = letter
            text = f"{vocab.states()[iso3].zh}由{vocab.roles()[role].zh}代表。"
            notes.append(Note(letter, text))
        for d in m.decisions:
            if d.vote is not None:
                d.note = letters.pop(0)
                notes.append(Note(d.note, self.vote_note(d), d.expected))
        return notes

    def _vc_notes(self, v: Videoconference, letters: list[str]) -> list[Note]:
        notes: list[Note] = []
        if v.record is None:
            v.note = letters.pop(0)
            part = self.rng.choice(["第一编，第四. B 章", "第二编，第 31 章", "第一编，第三章"])
            notes.append(Note(v.note, f"见 {sym(v.note_cites[0])}，{part}。"))
        for d in v.decisions:
            if d.vote is not None:
                d.note = letters.pop(0)
                notes.append(Note(d.note, self.vote_note(d), d.expected))
        return notes

    def tables(self) -> None:
        """The meetings table, then the videoconferences table.  A table whose
        notes would run past "z" goes on as "表 1 (续)", lettered anew."""
        chunks: list[tuple[str, list[Meeting | Videoconference], list[Note]]] = []
        events_of: list[tuple[str, Sequence[Meeting | Videoconference]]] = [
            ("meetings", self.s.meetings),
            ("videoconferences", self.s.videoconferences),
        ]
        for kind, events in events_of:
            rows: list[Meeting | Videoconference] = []
            notes: list[Note] = []
            letters = list("abcdefghijklmnopqrstuvwxyz")
            for event in events:
                needed = (
                    len(event.decisions)
                    + 1
                    + (len(event.representations) if isinstance(event, Meeting) else 0)
                )
                if len(letters) < needed or len(rows) >= 40:
                    chunks.append((kind, rows, notes))
                    rows, notes, letters = [], [], list("abcdefghijklmnopqrstuvwxyz")
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
            self.s.tables.append(
                Table(
                    kind,
                    number if numbered else None,
                    f"{word}：{self.s.title}",
                    rows,
                    notes,
                    continued=continued,
                )
            )
        self.s.table_count = number

    def vote_note(self, d: Decision) -> str:
        assert d.vote is not None
        parts = []
        for position, label in (("for", "赞成"), ("against", "反对"), ("abstaining", "弃权")):
            if d.vote[position]:
                parts.append(f"{label}：" + "、".join(self.state(s) for s in d.vote[position]))
        return "；".join(parts) + "。"

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
            fn = self.footnote("关于会议形式的详情，见第二部分第二节。")
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
            if rng.random() < 0.85:
                sentences = self.event_paragraph(date, event)
                last = paragraphs[-1][-1].text if previous_event else ""
                if last.endswith("}") and self.y.want("two-events", 0.15):
                    # Two events in one paragraph, the first ending on a
                    # footnote marker: the marker is the first event's.
                    paragraphs[-1] += sentences
                else:
                    paragraphs.append(sentences)
                previous_event = True
            if self.named_roles and self.y.want("summary", 0.1):
                paragraphs.append(self.summary_paragraph(events))
                previous_event = False
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

    def event_paragraph(self, date: dt.date, event: Meeting | Videoconference) -> list[_Sentence]:
        rng = self.rng
        out: list[_Sentence] = []
        when = day_month(date) if rng.random() < 0.8 else full_date(date, rng)
        failed = [d for d in event.decisions if d.kind == "draft-resolution"]
        if isinstance(event, Meeting):
            fn = self.footnote(f"见 {sym(event.record)}。", cites=[event.record])
            if event.sub_item:
                opening = f"{when}，安全理事会在题为“{event.sub_item[1]}”的分项目下举行会议。"
            else:
                opening = f"{when}，安全理事会就该项目举行会议。"
        else:
            cite = event.record or event.note_cites[0]
            fn = self.footnote(f"见 {sym(cite)}。", cites=[cite])
            opening = f"{when}，安理会成员就该项目举行了视频会议。"
        if len(failed) == 1 and self.y.want("sponsors", 0.8):
            draft = failed[0]
            pool = list(dict.fromkeys([*self.y.members, *vocab.INVITEE_POOL[:20]]))
            draft.sponsors = rng.sample(pool, rng.randint(1, 3))
            sponsors = zh_list([self.state(x) for x in draft.sponsors], rng)
            why = (
                "但由于一个常任理事国投反对票而未获通过"
                if draft.counts and draft.counts[0] >= 9
                else "但因未能获得所需票数而未获通过"
            )
            opening = f"{when}，{sponsors}提交了一份决议草案，{why}。"
        out.append(_Sentence(opening + mark(fn.number), date))
        # Officials heard at the event (the table's rule 39 invitees).
        roles = (
            [i.ref for i in event.rule39 if i.kind == "role"] if isinstance(event, Meeting) else []
        )
        if not roles and self.plan.briefers and rng.random() < 0.6:
            roles = rng.sample(list(self.plan.briefers), 1)
        if roles:
            names = [self.role_text(k) for k in roles]
            out.append(_Sentence(f"安理会听取了{zh_list(names)}的通报。", date))
            for k in roles:
                self.s.speakers.append((date, "role", k))
            self.note_full_roles(roles)
        # Speakers, each the subject of a clause.
        candidates: list[tuple[str, str]] = [("role", k) for k in self.plan.briefers]
        voters = list(self.y.members) or list(vocab.INVITEE_POOL[:10])
        candidates += [("state", x) for x in voters]
        if isinstance(event, Meeting):
            candidates += [("state", i.ref) for i in event.rule37]
        lo, hi = self.y.d.speakers
        for _ in range(rng.randint(lo, hi)):
            kind, ref = rng.choice(candidates)
            verb = rng.choice(vocab.SPEAKER_VERBS)
            clause = "，".join(rng.sample(vocab.FILLER, rng.randint(1, 3)))
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
            fn = self.footnote(
                zh_list([self.state(x) for x in states], rng) + "。", states=states, event=date
            )
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
        # Letters received, described in a footnote.
        if self.y.want("letters", self.y.d.letters):
            out.append(self.letters_sentence(date))
        # What was discussed, naming nothing: most of a real section's text.
        lo, hi = self.y.d.prose
        for _ in range(rng.randint(lo, hi)):
            clauses = rng.sample(vocab.FILLER, rng.randint(2, 4))
            lead = rng.choice(vocab.PADDING)
            sentence = _Sentence(f"{lead}，认为{'，'.join(clauses)}。", date)
            out.insert(rng.randint(1, len(out)), sentence)
        return out

    def letters_sentence(self, date: dt.date) -> _Sentence:
        rng = self.rng
        segments: list[str] = []
        letters: list[Letter] = []
        cites: list[str] = []
        for i in range(rng.randint(1, 3)):
            senders = rng.sample(list(vocab.INVITEE_POOL), rng.choice([1, 1, 1, 2, 3]))
            behalf = (
                rng.sample([s for s in vocab.INVITEE_POOL if s not in senders], 2)
                if self.y.want("on-behalf", 0.25)
                else []
            )
            n_letters = rng.choice([1, 1, 2])
            dates = sorted({date - dt.timedelta(days=rng.randint(1, 40)) for _ in range(n_letters)})
            dates = [d for d in dates if d.year == self.y.year] or [date]
            symbols = [self.doc(self.y.next_doc(), "letter") for _ in dates]
            who = zh_list([self.state(x) for x in senders])
            if behalf:
                who += "代表同时代表" + zh_list([self.state(x) for x in behalf])
            else:
                who += "代表"
            parts = [
                f"{full_date(d, rng)}的信({sym(k)})" for d, k in zip(dates, symbols, strict=True)
            ]
            segments.append(("见" if i == 0 else "") + who + " " + "和 ".join(parts))
            for d, k in zip(dates, symbols, strict=True):
                letters.append(Letter(k, d, senders, behalf, i))
                cites.append(k)
        fn = self.footnote("；".join(segments) + "。", cites=cites, letters=letters)
        return _Sentence(f"安理会成员还收到了有关会员国就此问题发出的信函。{mark(fn.number)}", date)
