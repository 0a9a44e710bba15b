"""Fact yield: of the facts the text announces, how many were extracted.

Why: the share of characters not flagged as unparsed says nothing about what
was understood; a text whose vote notes, footnotes or lists were misread
still scores 100 %.  The yield compares, kind by kind, what the text
announces (:mod:`councilkg.ingest.announced`, read from the layout, not from the
records) with the records the ingest made, and reports every shortfall as a
coded diagnostic (``W012``) with its line, what was expected and what was
read.

It never claims more than was extracted: each announcement is matched
against records that state that very fact (the draft of a vote, the
footnote and the State of a position, the span of a list entry), each
record is used for one announcement at most, and an announcement counts at
most what it announces, so the yield is at most 100 % by construction.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from councilkg.ingest.announced import KINDS, Announcement, announcements
from councilkg.ingest.errors import Code, Diagnostic
from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.layout import Block, BlockKind
from councilkg.ingest.lexicon import load_lexicon
from councilkg.ingest.pipeline import IngestResult
from councilkg.ingest.records import (
    Citation,
    Decision,
    Document,
    Finding,
    Footnote,
    Letter,
    Meeting,
    Mention,
    Passage,
    SourceFile,
    Unparsed,
    Videoconference,
    Vote,
)

# Records that only describe text or point at documents: they do not show
# that a table note was understood.
_NOT_FACTS = (Passage, Mention, Citation, Document, Unparsed, Finding, SourceFile)


@dataclass(frozen=True, slots=True)
class KindYield:
    """Announced and extracted facts of one kind."""

    kind: str
    announced: int
    extracted: int


@dataclass(frozen=True, slots=True)
class Shortfall:
    """An announcement not (fully) extracted: where, what was expected, what was read."""

    kind: str
    line: int
    start: int
    end: int
    expected: str
    read: str
    missing: int

    def diagnostic(self) -> Diagnostic:
        """The coded diagnostic (``W012``) of this shortfall."""
        return Diagnostic(
            Code.FACT_SHORTFALL,
            f"{self.kind}: expected {self.expected}; read {self.read}",
            self.line,
            self.start,
            self.end,
        )


@dataclass(frozen=True, slots=True)
class FactYield:
    """The yield of one file, per kind, with its shortfalls."""

    kinds: tuple[KindYield, ...]
    shortfalls: tuple[Shortfall, ...] = ()

    @property
    def announced(self) -> int:
        """Facts announced, all kinds."""
        return sum(k.announced for k in self.kinds)

    @property
    def extracted(self) -> int:
        """Facts extracted, all kinds."""
        return sum(k.extracted for k in self.kinds)

    @property
    def share(self) -> float | None:
        """Extracted / announced (0..1); None when the text announces nothing."""
        return self.extracted / self.announced if self.announced else None

    def percent(self) -> str:
        """The share as printed: rounded down, so only a full yield reads 100.0 %."""
        share = self.share
        if share is None:
            return "n/a"
        return f"{math.floor(share * 1000) / 10:.1f} %"

    def diagnostics(self) -> list[Diagnostic]:
        """One ``W012`` diagnostic per shortfall."""
        return [s.diagnostic() for s in self.shortfalls]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the share, per kind counts and the shortfalls."""
        return {
            "share": self.share,
            "announced": self.announced,
            "extracted": self.extracted,
            "kinds": {
                k.kind: {"announced": k.announced, "extracted": k.extracted} for k in self.kinds
            },
            "shortfalls": [
                {
                    "kind": s.kind,
                    "line": s.line,
                    "expected": s.expected,
                    "read": s.read,
                    "missing": s.missing,
                }
                for s in self.shortfalls
            ],
        }


def fact_yield(result: IngestResult) -> FactYield:
    """The fact yield of one ingest."""
    language = next((r.language for r in result.records if isinstance(r, SourceFile)), "zh")
    found = announcements(result.document, load_lexicon(language), default_gazetteer())
    pools = _Extracted.of(result)
    counts = {kind: [0, 0] for kind in KINDS}
    shortfalls: list[Shortfall] = []
    for a in found:
        got, read = pools.take(a)
        got = max(0, min(got, a.count))
        counts[a.kind][0] += a.count
        counts[a.kind][1] += got
        if got < a.count:
            line = result.source.line_at(a.start)
            shortfalls.append(
                Shortfall(a.kind, line, a.start, a.end, a.expected, read, a.count - got)
            )
    kinds = tuple(KindYield(kind, n, m) for kind, (n, m) in counts.items())
    return FactYield(kinds, tuple(sorted(shortfalls, key=lambda s: (s.start, s.kind))))


class _BySpan:
    """Items sorted by where they start in the source, found by span, used up once."""

    def __init__(self, items: list[tuple[int, int, Any]]) -> None:
        self.items = sorted(items, key=lambda t: (t[0], t[1]))
        self.starts = [t[0] for t in self.items]
        self.used: set[int] = set()

    def starting_in(self, span: tuple[int, int]) -> list[int]:
        """Indexes of the unused items that start inside ``span``."""
        lo = bisect.bisect_left(self.starts, span[0])
        hi = bisect.bisect_left(self.starts, max(span[1], span[0] + 1))
        return [i for i in range(lo, hi) if i not in self.used]

    def overlapping(self, start: int, end: int) -> list[int]:
        """Indexes of the unused items whose span overlaps ``[start, end)``."""
        hi = bisect.bisect_left(self.starts, max(end, start + 1))
        out = []
        for i in range(hi - 1, -1, -1):
            if self.items[i][1] <= start:
                break
            if i not in self.used:
                out.append(i)
        return out[::-1]


@dataclass(slots=True)
class _Extracted:
    """The records, indexed by what announcements ask for; used up as matched."""

    notes: dict[tuple[str, str], Block]
    facts: _BySpan  # records that state facts (a note was read if one starts in it)
    noted: _BySpan  # meetings and videoconferences that carry a table note
    events: _BySpan  # meetings and videoconferences
    invitees: _BySpan
    votes: Counter[tuple[str, str]] = field(default_factory=Counter)
    footnotes: dict[int, Footnote] = field(default_factory=dict)
    positions: Counter[tuple[int, str]] = field(default_factory=Counter)
    decisions: dict[str, list[Decision]] = field(default_factory=dict)
    letters: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, result: IngestResult) -> _Extracted:
        notes = {
            (str(b.table), b.letter): b
            for b in result.document.of_kind(BlockKind.TABLE_NOTE)
            if b.letter is not None
        }
        facts, noted, events, invitees = [], [], [], []
        for r in result.records:
            span = (r.prov.start, r.prov.end, r)
            if not isinstance(r, _NOT_FACTS):
                facts.append(span)
            if isinstance(r, Meeting | Videoconference):
                events.append(span)
            if isinstance(r, Videoconference) and r.record_note is not None:
                noted.append(span)
            if isinstance(r, Meeting):
                entries = (*r.rule37, *r.rule39, *r.speakers)
                if any(i.note for i in entries):
                    noted.append(span)
                invitees += [(i.prov.start, i.prov.end, i) for i in entries if i.prov is not None]
        pools = cls(notes, _BySpan(facts), _BySpan(noted), _BySpan(events), _BySpan(invitees))
        for r in result.records:
            if isinstance(r, Vote):
                pools.votes[(r.draft, r.position)] += 1
            elif isinstance(r, Footnote):
                pools.footnotes.setdefault(r.number, r)
                pools.positions.update((r.number, iso3) for iso3 in r.states)
            elif isinstance(r, Decision):
                pools.decisions.setdefault(r.symbol, []).append(r)
            elif isinstance(r, Letter):
                pools.letters[r.symbol] += 1
        return pools

    def take(self, a: Announcement) -> tuple[int, str]:
        """How many of ``a``'s facts are extracted (using them up), and what was read."""
        take = {
            "votes": self._votes,
            "notes": self._notes,
            "footnotes": self._footnotes,
            "positions": self._positions,
            "citations": self._citations,
            "rows": self._rows,
            "names": self._names,
            "decisions": self._decisions,
            "letters": self._letters,
        }
        return take[a.kind](a)

    def _votes(self, a: Announcement) -> tuple[int, str]:
        # Counted on the draft, not per position: a note that disagrees with
        # the counts is a contradiction (E001), not a vote left unread.
        (draft,) = a.key
        have = {p: self.votes[(draft, p)] for p, _ in a.parts}
        got = min(a.count, sum(have.values()))
        left = got  # used up position by position as announced, then any surplus
        for position, n in [*a.parts, *((p, a.count) for p, _ in a.parts)]:
            use = min(n, self.votes[(draft, position)], left)
            self.votes[(draft, position)] -= use
            left -= use
        read = ", ".join(f"{n} {p}" for p, n in have.items())
        return got, f"{sum(have.values())} member votes ({read})"

    def _notes(self, a: Announcement) -> tuple[int, str]:
        table, letter = a.key
        note = self.notes.get((table, letter))
        if note is None:
            return 0, f"no table note {letter} in the table"
        if self.facts.starting_in((note.start, note.end)):
            return 1, "read"
        for i in self.noted.starting_in(a.within):
            r = self.noted.items[i][2]
            if isinstance(r, Videoconference) or any(
                e.note == letter for e in (*r.rule37, *r.rule39, *r.speakers)
            ):
                return 1, "read"
        return 0, f"table note {letter} found, but nothing read from it"

    def _footnotes(self, a: Announcement) -> tuple[int, str]:
        number = int(a.key[0])
        footnote = self.footnotes.get(number)
        if footnote is None:
            return 0, f"no footnote {number}"
        if footnote.passage is None:
            return 0, f"footnote {number} without its marker in the text"
        return 1, "read"

    def _positions(self, a: Announcement) -> tuple[int, str]:
        number, iso3 = int(a.key[0]), a.key[1]
        if not iso3:
            return 0, "a name that is not a State the gazetteer knows"
        if self.positions[(number, iso3)] > 0:
            self.positions[(number, iso3)] -= 1
            return 1, "read"
        footnote = self.footnotes.get(number)
        states = ", ".join(footnote.states) if footnote and footnote.states else "none"
        return 0, f"States of footnote {number}: {states}"

    def _citations(self, a: Announcement) -> tuple[int, str]:
        number, symbol = int(a.key[0]), a.key[1]
        footnote = self.footnotes.get(number)
        if footnote is not None and symbol in footnote.cites:
            return 1, "read"
        cites = ", ".join(footnote.cites) if footnote and footnote.cites else "nothing"
        return 0, f"footnote {number} cites {cites}"

    def _rows(self, a: Announcement) -> tuple[int, str]:
        found = self.events.starting_in(a.within)
        if found:
            self.events.used.add(found[0])
            return 1, "read"
        return 0, "no meeting or videoconference from the row"

    def _names(self, a: Announcement) -> tuple[int, str]:
        unresolved = None
        for i in self.invitees.overlapping(a.start, a.end):
            entry = self.invitees.items[i][2]
            if entry.kind == "text":
                unresolved = entry.label
                continue
            self.invitees.used.add(i)
            return 1, "read"
        if unresolved is not None:
            return 0, f"{unresolved!r} kept as text"
        return 0, "no entry read there"

    def _decisions(self, a: Announcement) -> tuple[int, str]:
        (symbol,) = a.key
        found = self.decisions.get(symbol, [])
        for i, d in enumerate(found):
            if d.adopted is not None:
                del found[i]
                return 1, "read"
        if found:
            return 0, f"{symbol} with its outcome unknown"
        return 0, f"no decision {symbol}"

    def _letters(self, a: Announcement) -> tuple[int, str]:
        (symbol,) = a.key
        if self.letters[symbol] > 0:
            self.letters[symbol] -= 1
            return 1, "read"
        return 0, f"no letter {symbol}"
