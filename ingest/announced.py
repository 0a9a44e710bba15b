"""What the text announces: facts counted from the layout, not from the records.

Why a second reading: coverage counts characters not flagged as unparsed, so
a text in which little parses can still look complete.  An honest yield
compares what was extracted with what the text itself says is there, and the
count of what is there must not come from the extractor that might have
missed it.  So each rule here is deliberately simple and reads only the
document model (blocks, their text and cells) with the lexicon's patterns
and the gazetteer:

* votes: a decision count with a note letter (``2-2-11a``) announces as many
  member votes as it counts, on the symbol before it;
* notes: a note letter referenced in a table row announces a table note;
* footnotes: every footnote block, and every number missing from the run of
  footnote numbers (or a marker past its end), announces a footnote;
* positions: a footnote segment that is a list of names, most of them
  States, announces one position per name;
* citations: every UN symbol in a footnote announces a citation;
* rows: a table row that begins with a date or a meeting record announces a
  meeting or videoconference;
* names: each entry of a meetings-table cell listing names (separated by the
  lexicon's entry separator) announces a name;
* decisions: a resolution, a presidential statement, or a labelled or voted
  draft in a table row, followed by nothing but its outcome, announces an
  outcome;
* letters: a symbol in brackets in a footnote segment that speaks of a
  letter announces a letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from councilkg.ingest.gazetteer import Gazetteer
from councilkg.ingest.lang import language_of
from councilkg.ingest.layout import Block, BlockKind, Document, TableKind
from councilkg.ingest.lexicon import Lexicon
from councilkg.ingest.marker_grammar import MarkerGrammar, marker_grammar, marker_pattern
from councilkg.ingest.symbols import SymbolMatch, find_symbols

KINDS = (
    "votes",
    "notes",
    "footnotes",
    "positions",
    "citations",
    "rows",
    "names",
    "decisions",
    "letters",
)
"""The kinds of facts counted, in report order."""

# A name in a list is at most this long (longer pieces are prose).
_NAME_MAX = 24
# Footnote numbers looked for past the last footnote block, as markers.
_MARKERS_AHEAD = 3
_NUMBER_AT_START = re.compile(r"\s*\d+\s*")
_NOTE_LETTERS = re.compile(r"[a-z]{1,2}")
_LEAD_NOTE = re.compile(r"\s*[a-z]{1,2}\s+(?=\S)")  # used with match(text, pos)
_TRAIL_NOTE = re.compile(r"(?<=[^\sA-Za-z])\s*[a-z]{1,2}\s*$")
_BODY = (BlockKind.FOOTNOTE, BlockKind.LINK_LIST, BlockKind.FURNITURE, BlockKind.UNPARSED)


@dataclass(frozen=True, slots=True)
class Announcement:
    """Facts of one kind that the text announces at one place.

    ``key`` says what to look for among the records (per kind: the draft, the
    table and note letter, the footnote number, …); ``parts`` splits a count
    (votes for, against, abstaining); ``within`` is the source span of the
    row or block the announcement was read in.
    """

    kind: str
    count: int
    start: int
    end: int
    expected: str
    key: tuple[str, ...] = ()
    parts: tuple[tuple[str, int], ...] = ()
    within: tuple[int, int] = (0, 0)


def announcements(doc: Document, lx: Lexicon, gz: Gazetteer) -> list[Announcement]:
    """Every announcement of the document, in kind order, then text order."""
    rows = doc.of_kind(BlockKind.TABLE_ROW)
    footnotes = [b for b in doc.of_kind(BlockKind.FOOTNOTE) if b.number is not None]
    out: list[Announcement] = []
    out += _votes(rows, lx)
    out += _notes(rows, lx)
    out += _footnotes(doc, footnotes, lx)
    for block in footnotes:
        out += _positions(block, lx, gz)
    out += _citations(footnotes)
    for block in footnotes:
        out += _letters(block, lx)
    out += _rows(rows, lx)
    for row in rows:
        if row.table_kind is TableKind.MEETINGS:
            out += _names(row, lx)
    for row in rows:
        out += _decisions(row, lx)
    return sorted(out, key=lambda a: (KINDS.index(a.kind), a.start))


def _span(block: Block, start: int, end: int) -> tuple[int, int]:
    return block.passage.source_span(start, end)


def _within(block: Block) -> tuple[int, int]:
    return block.start, block.end


# -- tables ---------------------------------------------------------------------


def _votes(rows: list[Block], lx: Lexicon) -> Iterator[Announcement]:
    counts = lx.pattern("decisions", "vote_counts")
    for row in rows:
        symbols = find_symbols(row.text)
        for m in counts.finditer(row.text):
            if not m["note"]:
                continue
            parts = (
                ("for", int(m["for"])),
                ("against", int(m["against"])),
                ("abstaining", int(m["abstaining"])),
            )
            total = sum(n for _, n in parts)
            if not total:
                continue
            before = [s for s in symbols if s.end <= m.start()]
            draft = before[-1].symbol.key if before else "?"
            listed = ", ".join(f"{n} {p}" for p, n in parts)
            s, e = _span(row, m.start(), m.end())
            yield Announcement(
                "votes",
                total,
                s,
                e,
                f"{total} member votes on {draft} ({listed}) listed in note {m['note']}",
                key=(draft,),
                parts=parts,
                within=_within(row),
            )


def _notes(rows: list[Block], lx: Lexicon) -> Iterator[Announcement]:
    ref = lx.pattern("decisions", "note_ref")
    seen: set[tuple[int | None, str]] = set()
    for row in rows:
        for m in ref.finditer(row.text):
            letter = m["note"]
            if (row.table, letter) in seen:
                continue
            seen.add((row.table, letter))
            s, e = _span(row, m.start("note"), m.end("note"))
            yield Announcement(
                "notes",
                1,
                s,
                e,
                f"table note {letter}, referenced in the row, found and read",
                key=(str(row.table), letter),
                within=_within(row),
            )


def _rows(rows: list[Block], lx: Lexicon) -> Iterator[Announcement]:
    date = lx.pattern("dates", "full")
    for row in rows:
        text = row.text
        head = len(text) - len(text.lstrip())
        symbols = find_symbols(text[:40])
        opens_with_record = bool(
            symbols and symbols[0].start == head and symbols[0].symbol.series == "S/PV"
        )
        if not (date.match(text, head) or opens_with_record):
            continue
        what = "meeting" if row.table_kind is TableKind.MEETINGS else "videoconference"
        yield Announcement(
            "rows",
            1,
            row.start,
            row.end,
            f"a {what} read from the row",
            key=(row.id,),
            within=_within(row),
        )


def _names(row: Block, lx: Lexicon) -> Iterator[Announcement]:
    sep = str(lx.value("lists", "entry_separator"))
    date = lx.pattern("dates", "full")
    counts = lx.pattern("decisions", "vote_counts")
    final = lx.pattern("lists", "final_punctuation")
    for _, cell in row.cells:
        text = cell.text
        if sep not in text or find_symbols(text) or date.search(text) or counts.search(text):
            continue
        pos = 0
        for piece in text.split(sep):
            start, end = pos, pos + len(piece)
            pos = end + len(sep)
            lead = _LEAD_NOTE.match(text, start, end)
            if lead:
                start = lead.end()
            trail = _TRAIL_NOTE.search(text, start, end)
            if trail:
                end = trail.start()
            while end > start and (text[end - 1].isspace() or final.match(text[end - 1])):
                end -= 1
            while start < end and text[start].isspace():
                start += 1
            if end <= start:
                continue
            s, e = cell.source_span(start, end)
            yield Announcement(
                "names",
                1,
                s,
                e,
                f"{text[start:end]!r} resolved to a State, role, organization or group",
                within=_within(row),
            )


def _decisions(row: Block, lx: Lexicon) -> Iterator[Announcement]:
    draft = lx.pattern("decisions", "draft_resolution")
    symbols = find_symbols(row.text)
    prev = 0
    for i, sm in enumerate(symbols):
        nxt = symbols[i + 1].start if i + 1 < len(symbols) else len(row.text)
        before, after = row.text[prev : sm.start], row.text[sm.end : nxt]
        prev = sm.end
        series = sm.symbol.series
        tail = _outcome_tail(after, lx)
        if tail is None:
            continue
        if series == "S" and not (draft.search(before) or tail):
            continue
        if series not in ("S", "S/RES", "S/PRST"):
            continue
        s, e = _span(row, sm.start, sm.end)
        yield Announcement(
            "decisions",
            1,
            s,
            e,
            f"{sm.symbol.key} with its outcome",
            key=(sm.symbol.key,),
            within=_within(row),
        )


def _outcome_tail(after: str, lx: Lexicon) -> bool | None:
    """What follows a symbol in a row: None if anything but an outcome (so the
    symbol is not a decision), else whether the outcome says it was voted on."""
    rest = after
    voted = False
    for name in ("not_adopted", "vote_counts"):
        rest, n = lx.pattern("decisions", name).subn(" ", rest)
        voted = voted or bool(n)
    rest = lx.pattern("decisions", "unanimous").sub(" ", rest)
    rest = _NOTE_LETTERS.sub(" ", rest)
    if language_of(lx).trailing.sub("", rest):
        return None
    return voted


# -- footnotes ---------------------------------------------------------------------


def _body_of(block: Block) -> tuple[str, int]:
    """A footnote block's text without its number, and where that text starts."""
    m = _NUMBER_AT_START.match(block.text)
    if m and block.number is not None and block.text.strip().startswith(str(block.number)):
        return block.text[m.end() :], m.end()
    return block.text, 0


def _footnotes(doc: Document, blocks: list[Block], lx: Lexicon) -> Iterator[Announcement]:
    first: dict[int, Block] = {}
    for b in blocks:
        if b.number is not None:
            first.setdefault(b.number, b)
    if not first:
        return
    numbers = sorted(first)
    body = [b for b in doc.blocks if b.kind not in _BODY]
    counters = marker_grammar(lx)
    # The run of numbers has no holes; markers past its end announce
    # footnotes whose text is missing, looked for in order after the last.
    wanted = list(range(numbers[0], numbers[-1] + 1))
    last = _find_marker(body, numbers[-1], counters, (0, 0))
    for _ in range(_MARKERS_AHEAD):
        if last is None:
            break
        last = _find_marker(body, wanted[-1] + 1, counters, (last[0], last[2]))
        if last is not None:
            wanted.append(wanted[-1] + 1)
    for n in wanted:
        block = first.get(n)
        if block is not None:
            s, e = block.start, block.end
        else:
            marker = _find_marker(body, n, counters, (0, 0))
            if marker is not None:
                at, ms, me = marker
                s, e = _span(body[at], ms, me)
            else:  # where the next footnote starts
                nxt = next((first[m] for m in numbers if m > n), first[numbers[-1]])
                s, e = nxt.start, nxt.start
        yield Announcement(
            "footnotes",
            1,
            s,
            e,
            f"footnote {n} with its text and its marker",
            key=(str(n),),
        )


def _find_marker(
    body: list[Block], number: int, counters: MarkerGrammar, after: tuple[int, int]
) -> tuple[int, int, int] | None:
    """(block index, start, end) of footnote marker ``number`` in the body,
    at or after ``after`` (block index, offset)."""
    pattern = marker_pattern(number, counters)
    for i in range(after[0], len(body)):
        m = pattern.search(body[i].text, after[1] if i == after[0] else 0)
        if m is not None:
            return i, m.start(), m.end()
    return None


def _segments(text: str, lx: Lexicon) -> Iterator[tuple[int, int]]:
    pos = 0
    for m in [*lx.pattern("footnotes", "segment_separator").finditer(text), None]:
        end = m.start() if m else len(text)
        if text[pos:end].strip():
            yield pos, end
        pos = m.end() if m else len(text)


def _positions(block: Block, lx: Lexicon, gz: Gazetteer) -> Iterator[Announcement]:
    text, base = _body_of(block)
    sep = lx.pattern("lists", "separator")
    final = lx.pattern("lists", "final_punctuation")
    language = language_of(lx)
    for s0, s1 in _segments(text, lx):
        segment = text[s0:s1]
        found = gz.find_all(segment, lx.language)
        masked = list(segment)
        for s, e, _ in found:
            masked[s:e] = "\x00" * (e - s)
        pieces: list[tuple[int, int, str | None]] = []  # start, end, ISO3 (None: unknown)
        pos = 0
        for m in [*sep.finditer("".join(masked)), None]:
            start, end = pos, m.start() if m else len(segment)
            pos = m.end() if m else len(segment)
            piece = final.sub("", segment[start:end]).strip()
            if not piece:
                continue
            state = next((st for s, e, st in found if start <= s < end), None)
            if state is not None:
                if final.sub("", "".join(masked[start:end])).strip("\x00 "):
                    break  # a State with other words: prose, not a list
                pieces.append((start, end, state.iso3))
            elif len(piece) <= _NAME_MAX and language.is_name(piece):
                pieces.append((start, end, None))
            else:
                break
        else:
            known = sum(1 for *_, iso3 in pieces if iso3)
            if not known or known < len(pieces) - known:
                continue
            for start, end, iso3 in pieces:
                s, e = _span(block, base + s0 + start, base + s0 + end)
                name = final.sub("", segment[start:end]).strip()
                yield Announcement(
                    "positions",
                    1,
                    s,
                    e,
                    f"{name} among the States of footnote {block.number}",
                    key=(str(block.number), iso3 or ""),
                    within=_within(block),
                )


def _citations(blocks: list[Block]) -> Iterator[Announcement]:
    seen: set[tuple[int | None, str]] = set()
    for block in blocks:
        text, base = _body_of(block)
        for m in find_symbols(text):
            if (block.number, m.symbol.key) in seen:
                continue
            seen.add((block.number, m.symbol.key))
            s, e = _span(block, base + m.start, base + m.end)
            yield Announcement(
                "citations",
                1,
                s,
                e,
                f"footnote {block.number} citing {m.symbol.key}",
                key=(str(block.number), m.symbol.key),
                within=_within(block),
            )


def _letters(block: Block, lx: Lexicon) -> Iterator[Announcement]:
    text, base = _body_of(block)
    word = lx.pattern("footnotes", "letter_word")
    opening = language_of(lx).punctuation("open_paren")
    for s0, s1 in _segments(text, lx):
        segment = text[s0:s1]
        if not word.search(segment):
            continue
        for m in find_symbols(segment):
            if not _bracketed(segment, m, opening):
                continue
            s, e = _span(block, base + s0 + m.start, base + s0 + m.end)
            yield Announcement(
                "letters",
                1,
                s,
                e,
                f"the letter {m.symbol.key} of footnote {block.number}",
                key=(m.symbol.key,),
                within=_within(block),
            )


def _bracketed(text: str, m: SymbolMatch, opening: str) -> bool:
    return text[: m.start].rstrip().endswith(tuple(opening))
