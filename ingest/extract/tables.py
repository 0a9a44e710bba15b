"""Meetings and videoconference tables → meetings, videoconferences,
decisions, votes and representation notes.

The extractor flattens each table row column by column and wraps every cell
every few characters.  Cells are recovered in two ways that check each
other: the layout's cell ends (a trailing space; leading spaces count the
empty cells skipped), and what each column can hold (a record symbol and a
date; a sub-item title; document symbols; State names; officials' titles;
speakers; decisions and vote patterns).  A row whose cells cannot be
assigned is reported and kept as an unparsed passage.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from councilkg.ingest import membership
from councilkg.ingest.dates import find_dates
from councilkg.ingest.errors import Code, Diagnostic
from councilkg.ingest.extract.columns import (
    DECISIONS,
    OTHER_DOCS,
    RULE37,
    RULE39,
    SPEAKERS,
    SUB_ITEM,
    assign_columns,
    joined,
)
from councilkg.ingest.extract.context import Context, ItemScope, compact
from councilkg.ingest.extract.derived import seats as council_seats
from councilkg.ingest.extract.names import actor_finder, finder
from councilkg.ingest.layout import NOTE_INDEX, Block, BlockKind, TableKind
from councilkg.ingest.lexicon import named_table
from councilkg.ingest.records import (
    Decision,
    Invitee,
    Meeting,
    Provenance,
    Record,
    Representation,
    Unparsed,
    Videoconference,
    Vote,
)
from councilkg.ingest.symbols import DocumentKind, SymbolMatch, find_symbols
from councilkg.ingest.text import Passage, is_cjk


@dataclass(slots=True)
class TableResult:
    """Records from the tables, plus what the narrative needs to know."""

    records: list[Record] = field(default_factory=list)
    events_by_item: dict[str, list[tuple[dt.date, str]]] = field(default_factory=dict)
    decisions_by_event: dict[str, list[Decision]] = field(default_factory=dict)
    meetings_by_item: dict[str, list[str]] = field(default_factory=dict)
    vcs_by_item: dict[str, list[str]] = field(default_factory=dict)
    table_kinds: dict[str, DocumentKind] = field(default_factory=dict)  # symbol → kind


def meeting_key(symbol: str) -> str:
    """Event key of a meeting: its record symbol."""
    return symbol


def videoconference_key(date: dt.date, item_key: str) -> str:
    """Event key of a videoconference: date and item (it has no symbol of its own)."""
    return f"vc/{date.isoformat()}/{item_key}"


def extract_tables(ctx: Context) -> TableResult:
    """All tables of the document."""
    result = TableResult()
    tables: dict[int, list[Block]] = {}
    for block in ctx.doc.blocks:
        if block.table is not None:
            tables.setdefault(block.table, []).append(block)
    for blocks in tables.values():
        _table(ctx, blocks, result)
    return result


def _table(ctx: Context, blocks: list[Block], result: TableResult) -> None:
    rows = [b for b in blocks if b.kind is BlockKind.TABLE_ROW]
    notes: dict[str | None, Block] = {
        b.letter: b for b in blocks if b.kind is BlockKind.TABLE_NOTE and b.letter
    }
    title = next((b for b in blocks if b.kind is BlockKind.TABLE_TITLE), blocks[0])
    scope = ctx.item_for(title)
    if not rows:
        ctx.diag(Code.TABLE_TRUNCATED, "table has a title but no rows", title)
        result.records.append(Unparsed(ctx.prov(title), reason="table without rows"))
        return
    if scope is None:  # cannot happen: a table title always scopes an item
        return
    used_notes: set[str] = set()
    used_by: dict[str, Block] = {}  # a note letter → the first row that carries it
    for row in rows:
        before = set(used_notes)
        if row.table_kind is TableKind.MEETINGS:
            _meeting_row(ctx, row, scope, notes, used_notes, result)
        else:
            _videoconference_row(ctx, row, scope, notes, used_notes, result)
        for name in used_notes - before:
            used_by.setdefault(name, row)
    for letter, note in notes.items():
        if letter is not None and letter not in used_notes:
            _unused_note(ctx, letter, note, rows, used_by)


def _unused_note(
    ctx: Context, letter: str, note: Block, rows: list[Block], used_by: dict[str, Block]
) -> None:
    """Report a table note no cell refers to, where its marker should have
    been: notes are lettered in the order their markers appear (a, b, c …),
    so the row that carried it lies between the rows carrying the letters
    before and after it.  A row lost from the text (or its marker) shows
    there, not only at the note."""
    rank = NOTE_INDEX.get(letter, -1)
    earlier = [r for name, r in used_by.items() if NOTE_INDEX.get(name, -1) < rank]
    later = [r for name, r in used_by.items() if NOTE_INDEX.get(name, -1) > rank]
    start = max((r.end for r in earlier), default=rows[0].start)
    end = min((r.start for r in later), default=rows[-1].end)
    if end <= start:
        start, end = note.start, note.end
    ctx.diagnostics.append(
        Diagnostic(
            Code.NOTE_UNUSED,
            f"table note {letter} (line {note.line}) is not referenced by any cell: the row "
            "that carried its marker, here, is missing or its marker was lost",
            ctx.doc.source.line_at(start),
            start,
            end,
        )
    )


# -- decisions ------------------------------------------------------------

_NOTE_AFTER = re.compile(r"\s*(?P<note>[a-z]{1,2})(?![A-Za-z])")  # used with match(text, pos)


def _decisions(
    ctx: Context,
    block: Block,
    passage: Passage,
    event: str,
    date: dt.date,
    scope: ItemScope,
    written_procedure: bool,
    notes: dict[str | None, Block],
    used_notes: set[str],
    result: TableResult,
) -> list[Decision]:
    """Decisions written in ``passage`` (a decisions cell, or the rest of a row)."""
    text = passage.text
    lx = ctx.lx
    draft_label = lx.pattern("decisions", "draft_resolution")
    prst_label = lx.pattern("decisions", "presidential_statement")
    not_adopted = lx.pattern("decisions", "not_adopted")
    counts_re = lx.pattern("decisions", "vote_counts")
    unanimous = lx.pattern("decisions", "unanimous")
    matches = find_symbols(text)
    out: list[Decision] = []
    prev_end = 0
    for i, sm in enumerate(matches):
        nxt = matches[i + 1].start if i + 1 < len(matches) else len(text)
        before = text[prev_end : sm.start]
        after = text[sm.end : nxt]
        kind = sm.symbol.kind_from_symbol
        labelled_draft = bool(draft_label.search(before))
        if kind is DocumentKind.DOCUMENT:
            if written_procedure and out and not labelled_draft:
                # "决定、表决和书面程序记录": a letter holding the written procedure
                last = out[-1]
                out[-1] = dataclasses.replace(
                    last, written_procedure_record=sm.symbol.key, modality="written-procedure"
                )
                result.table_kinds.setdefault(sm.symbol.key, DocumentKind.LETTER)
                prev_end = sm.end
                continue
            voted = bool(not_adopted.search(after[:12]) or counts_re.search(after))
            if not labelled_draft and not voted:
                # A symbol is a decision only where the table says it was
                # voted on: listed alone, it is a document of the row.
                ctx.diag(
                    Code.TABLE_ROW,
                    f"{sm.symbol.key} listed with the decisions but neither labelled nor "
                    "voted on: kept as a document, not a decision",
                    block,
                )
                prev_end = sm.end
                continue
            kind = DocumentKind.DRAFT_RESOLUTION
        elif prst_label.search(before) and kind is not DocumentKind.PRESIDENTIAL_STATEMENT:
            ctx.diag(
                Code.TABLE_ROW, f"{sm.symbol.key} follows a presidential-statement label", block
            )
        failed = bool(not_adopted.match(after.lstrip()) or not_adopted.search(after[:12]))
        cm = counts_re.search(after)
        votes = (int(cm["for"]), int(cm["against"]), int(cm["abstaining"])) if cm else None
        note = cm["note"] if cm and cm["note"] else None
        if kind is DocumentKind.DRAFT_RESOLUTION:
            adopted: bool | None = False if failed else None
            if not failed:
                ctx.diag(Code.TABLE_ROW, f"draft {sm.symbol.key} without an outcome", block)
            elif votes is None:
                # A draft fails only in a vote: its counts must be there.
                ctx.diag(Code.TABLE_ROW, f"failed draft {sm.symbol.key} without vote counts", block)
        else:
            adopted = not failed
        modality = (
            "vote"
            if votes
            else ("without-vote" if kind is DocumentKind.PRESIDENTIAL_STATEMENT else "vote")
        )
        said_unanimous = unanimous.match(after.lstrip())
        if votes is None and kind is DocumentKind.RESOLUTION and not said_unanimous:
            modality = "unknown"
        end = sm.end + cm.end() if cm else sm.end  # cm matched in `after`, which starts at sm.end
        if said_unanimous and not cm:
            end = sm.end + (len(after) - len(after.lstrip())) + said_unanimous.end()
        prov = _sub_prov(ctx, block, passage, sm.start, end)
        decision = Decision(
            prov=prov,
            symbol=sm.symbol.key,
            kind=kind.value,
            event=event,
            item_key=scope.key,
            date=date,
            adopted=adopted,
            votes_for=votes[0] if votes else None,
            votes_against=votes[1] if votes else None,
            votes_abstaining=votes[2] if votes else None,
            modality=modality,
            vote_note=note,
            unanimous=bool(said_unanimous),
        )
        result.table_kinds.setdefault(sm.symbol.key, kind)
        out.append(decision)
        prev_end = end
    _unread_decision_text(
        ctx,
        block,
        text,
        [(m.start, m.end) for m in matches],
        (counts_re, draft_label, prst_label, not_adopted, unanimous),
    )
    finished: list[Decision] = []
    for decision in out:
        finished.append(decision)
        _check_counts(ctx, decision)
        against: list[str] | None = None  # per-member votes against, when the note lists them
        if decision.vote_note is not None:
            used_notes.add(decision.vote_note)
            note_block = notes.get(decision.vote_note)
            if note_block is None:
                ctx.diag_at(
                    Code.NOTE_MISSING,
                    f"vote note {decision.vote_note} of {decision.symbol} is missing; "
                    "member-by-member votes not recorded",
                    decision.prov,
                )
            else:
                against = _votes(ctx, decision, note_block, result)
        _check_article27(ctx, decision, block, against)
    result.decisions_by_event.setdefault(event, []).extend(finished)
    result.records.extend(finished)
    return finished


def _unread_decision_text(
    ctx: Context,
    block: Block,
    text: str,
    spans: list[tuple[int, int]],
    patterns: tuple[re.Pattern[str], ...],
) -> None:
    """Report words among the decisions that are neither a symbol, a label,
    an outcome nor a count: text of another row (its first line lost) or of
    another column."""
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    rest = "".join(chars)
    for pattern in patterns:
        rest = pattern.sub(lambda m: " " * len(m.group()), rest)
    words = [w for w in re.findall(r"[^\s\x00-\x7f]{2,}", rest) if any(is_cjk(c) for c in w)]
    if words:
        ctx.diag(
            Code.TABLE_ROW,
            f"text among the decisions not read: {' '.join(words)!r}",
            block,
        )


def _check_counts(ctx: Context, decision: Decision) -> None:
    """Counts that cannot be: more votes than the Council has members (a
    contradiction the text states), or a resolution printed in a vote table
    with neither counts nor "adopted unanimously" (a gap)."""
    counts = (decision.votes_for, decision.votes_against, decision.votes_abstaining)
    if None not in counts:
        total = sum(c for c in counts if c is not None)
        seats = council_seats(decision.date.year)
        if total > seats:
            ctx.diag_at(
                Code.COUNT_MISMATCH,
                f"{decision.symbol}: the counts add up to {total} votes, "
                f"the Council has {seats} members",
                decision.prov,
            )
        elif decision.vote_note is None and counts != (seats, 0, 0):
            ctx.diag_at(
                Code.NOTE_MISSING,
                f"{decision.symbol}: counts {'-'.join(map(str, counts))} with no vote note: "
                "the members' votes are not stated",
                decision.prov,
            )
    elif decision.kind == DocumentKind.RESOLUTION.value and not decision.unanimous:
        ctx.diag_at(
            Code.TABLE_ROW,
            f"resolution {decision.symbol} without its vote (no counts, not stated unanimous)",
            decision.prov,
        )


def _sub_prov(ctx: Context, block: Block, passage: Passage, start: int, end: int) -> Provenance:
    """Provenance of characters of a cell passage (offsets into the source)."""
    s, e = passage.source_span(start, end)
    page = block.page_at(s)
    return dataclasses.replace(
        ctx.prov(block),
        start=s,
        end=e,
        text=passage.text[start:end],
        exact=ctx.doc.source.text[s:e],
        line=ctx.doc.source.line_at(s),
        page=page,
        printed_page=ctx.doc.printed_pages().get(page),
    )


_POSITIONS = (
    ("for", "for"),
    ("against", "against"),
    ("abstaining", "abstaining"),
    ("absent", "absent"),
    ("not_participating", "not-participating"),
)


def _votes(ctx: Context, decision: Decision, note: Block, result: TableResult) -> list[str] | None:
    """Per-member positions from a vote note, cross-checked with the counts.

    Returns the members that voted against (None when the note lists nobody).
    """
    lx = ctx.lx
    text = note.text
    m = lx.pattern("headings", "table_note").match(text)
    body_start = m.start("text") if m else 0
    labels: list[tuple[str, str]] = []
    for field_name, position in _POSITIONS:
        for word in lx.words("votes", field_name):
            labels.append((word, position))
    label_re = re.compile(
        "("
        + "|".join(re.escape(w) for w, _ in sorted(labels, key=lambda x: -len(x[0])))
        + ")"
        + lx.value("votes", "label_separator")
    )
    by_word = dict(labels)
    found = list(label_re.finditer(text, body_start))
    if not found:
        ctx.diag_at(
            Code.UNPARSED,
            f"vote note {note.letter} of {decision.symbol} has no vote labels "
            f"(note at line {note.line})",
            decision.prov,
        )
        result.records.append(Unparsed(ctx.prov(note), reason="vote note without labels"))
        return None
    year = decision.date.year
    permanent = membership.permanent_members(year)
    members = membership.members(year)
    tally: dict[str, list[str]] = {}
    complete = True
    seen: dict[str, str] = {}
    for i, lm in enumerate(found):
        seg_end = found[i + 1].start() if i + 1 < len(found) else len(text)
        segment = text[lm.end() : seg_end]
        position = by_word[lm.group(1)]
        states = ctx.gz.find_all(segment, ctx.lang)
        if _leftover(ctx, note, segment, [(s, e) for s, e, _ in states], lm.end()):
            complete = False
        if not states:
            complete = False
        for s, e, state in states:
            if state.iso3 in seen:
                ctx.diag(
                    Code.DUPLICATE_VOTER,
                    f"{decision.symbol}: {state.iso3} is listed twice in vote note "
                    f"{note.letter} ({seen[state.iso3]} and {position})",
                    note,
                    lm.end() + s,
                    lm.end() + e,
                )
                continue
            seen[state.iso3] = position
            tally.setdefault(position, []).append(state.iso3)
            result.records.append(
                Vote(
                    prov=ctx.prov(note, lm.end() + s, lm.end() + e),
                    draft=decision.symbol,
                    date=decision.date,
                    member=state.iso3,
                    position=position,
                    permanent=state.iso3 in permanent,
                )
            )
            if members and state.iso3 not in members:
                ctx.diag(
                    Code.VOTER_NOT_MEMBER,
                    f"{state.iso3} votes on {decision.symbol} but is not a member in {year}",
                    note,
                )
    if not complete:
        # An unknown name or a cut list: the note says more than was read, so
        # its votes are not compared with the counts (that would blame the
        # source for the reader's gap).
        ctx.diag(
            Code.NOTE_INCOMPLETE,
            f"vote note {note.letter} of {decision.symbol} not read completely: "
            f"{sum(len(v) for v in tally.values())} votes read",
            note,
        )
        return None
    for position, count in (
        ("for", decision.votes_for),
        ("against", decision.votes_against),
        ("abstaining", decision.votes_abstaining),
    ):
        listed = len(tally.get(position, []))
        if count is not None and listed != count:
            # The contradiction is between two places: its span runs from
            # the count to the end of the note, wherever either was changed.
            start = min(decision.prov.start, note.start)
            end = max(decision.prov.end, note.end)
            ctx.diagnostics.append(
                Diagnostic(
                    Code.COUNT_MISMATCH,
                    f"{decision.symbol}: {count} {position} in the counts (line "
                    f"{decision.prov.line}), {listed} in vote note {note.letter} "
                    f"(line {note.line})",
                    min(decision.prov.line, note.line),
                    start,
                    end,
                )
            )
    return tally.get("against", [])


def _leftover(
    ctx: Context, block: Block, segment: str, spans: list[tuple[int, int]], base: int
) -> bool:
    """Report text in a list of names that is neither a known name nor a
    separator; True when there was some."""
    sep = ctx.lx.pattern("lists", "separator")
    final = ctx.lx.pattern("lists", "final_punctuation")
    pos = 0
    found = False
    for s, e in [*spans, (len(segment), len(segment))]:
        gap = segment[pos:s]
        rest = final.sub("", sep.sub("", gap)).strip()
        if rest:
            found = True
            ctx.diag(
                Code.UNKNOWN_NAME, f"unknown name in list: {rest!r}", block, base + pos, base + s
            )
        pos = e
    return found


def _check_article27(
    ctx: Context, decision: Decision, block: Block, against: list[str] | None
) -> None:
    """Article 27 (3): adopted only with nine votes in favour and no permanent
    member against.  A stated outcome that contradicts the votes is reported.

    With the per-member list (``against``) both conditions are checked; with
    counts alone, only the nine votes.
    """
    if decision.votes_for is None or decision.adopted is None:
        return
    if decision.kind not in (DocumentKind.DRAFT_RESOLUTION.value, DocumentKind.RESOLUTION.value):
        return
    enough = decision.votes_for >= 9
    vetoes = sorted(set(against or ()) & membership.permanent_members(decision.date.year))
    if decision.adopted and not enough:
        ctx.diag_at(
            Code.ARTICLE27,
            f"{decision.symbol} stated adopted with {decision.votes_for} votes in favour (< 9)",
            decision.prov,
        )
    elif decision.adopted and vetoes:
        ctx.diag_at(
            Code.ARTICLE27,
            f"{decision.symbol} stated adopted although permanent members voted against: "
            + ", ".join(vetoes),
            decision.prov,
        )
    elif not decision.adopted and enough and against is not None and not vetoes:
        ctx.diag_at(
            Code.ARTICLE27,
            f"{decision.symbol} stated not adopted with {decision.votes_for} votes in favour "
            "and no permanent member against",
            decision.prov,
        )


# -- invitees and speakers ---------------------------------------------------


def _entries(ctx: Context, passage: Passage) -> list[tuple[int, int, str | None]]:
    """Split a cell of names at 、 (and 和 between names), with note letters.

    A note letter at the start of an entry belongs to the previous entry (the
    superscript followed the name and the separator came before it).
    """
    text = passage.text
    full_stop = ctx.language.punctuation("full_stop")
    parts: list[tuple[int, int, str | None]] = []
    pos = 0
    for m in [*ctx.lx.pattern("lists", "entry_separator").finditer(text), None]:
        end = m.start() if m else len(text)
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        lead = _NOTE_AFTER.match(text, s, e)
        if lead and parts and e - lead.end() > 1:
            ps, pe, _ = parts[-1]
            parts[-1] = (ps, pe, lead["note"])
            s = lead.end()
        trail = re.search(r"(?<=[^\sA-Za-z])\s*(?P<note>[a-z]{1,2})\s*$", text[s:e])
        note = None
        if trail:
            note = trail["note"]
            e = s + trail.start()
        while e > s and (text[e - 1].isspace() or text[e - 1] in full_stop):
            e -= 1
        if e > s:
            parts.append((s, e, note))
        pos = m.end() if m else len(text)
    return parts


def _invitees(
    ctx: Context,
    block: Block,
    passage: Passage,
    used_notes: set[str],
    notes: dict[str | None, Block],
) -> tuple[Invitee, ...]:
    out: list[Invitee] = []
    roles = finder("role", ctx.lang, False)
    actors = actor_finder(ctx.lang)
    groups = {
        compact(w): "all-council-members" for w in ctx.lx.words("speakers", "all_council_members")
    }
    groups |= {compact(w): "all-invitees" for w in ctx.lx.words("speakers", "all_invitees")}
    for s, e, note in _entries(ctx, passage):
        name = passage.text[s:e].strip()
        key = compact(name)
        at = _sub_prov(ctx, block, passage, s, e)
        if note:
            used_notes.add(note)
            if note not in notes:
                ctx.diag(
                    Code.NOTE_MISSING, f"table note {note} referenced by {name!r} is missing", block
                )
        if key in groups:
            out.append(Invitee("group", groups[key], name, note, at))
            continue
        state = ctx.gz.lookup(name, ctx.lang)
        if state is not None:
            out.append(Invitee("state", state.iso3, name, note, at))
            continue
        role = [m for m in roles.find(name) if compact(m.surface) == key]
        if role:
            out.append(Invitee("role", role[0].candidates[0].key, name, note, at))
            continue
        actor = [m for m in actors.find(name) if compact(m.surface) == key]
        if actor:
            out.append(Invitee("organization", actor[0].candidates[0].key, name, note, at))
            continue
        ctx.diag(Code.UNKNOWN_NAME, f"unknown invitee or speaker {name!r} kept as text", block)
        out.append(Invitee("text", name, name, note, at))
    return tuple(out)


def _meeting_row(
    ctx: Context,
    row: Block,
    scope: ItemScope,
    notes: dict[str | None, Block],
    used_notes: set[str],
    result: TableResult,
) -> None:
    cells = list(row.cells)
    if not cells:
        cells = [(0, row.passage)]
    # Column 1: the record symbol and the date, in one cell or two.
    head = cells[0][1]
    symbols = find_symbols(head.text)
    record = symbols[0].symbol if symbols and symbols[0].symbol.series == "S/PV" else None
    dates = find_dates(head.text, ctx.lx)
    consumed = 1
    if not dates and len(cells) > 1:
        dates = find_dates(cells[1][1].text, ctx.lx)
        consumed = 2 if dates else 1
    if record is None or not dates:
        ctx.diag(Code.TABLE_ROW, "meeting row without a record symbol and a date", row)
        result.records.append(Unparsed(ctx.prov(row), reason="meeting row without record or date"))
        return
    date = dates[0].date
    event = meeting_key(record.key)
    rest = cells[consumed:]
    date_cell = cells[consumed - 1][1]
    tail = dates[0].end
    while tail < len(date_cell.text) and date_cell.text[tail].isspace():
        tail += 1
    if tail < len(date_cell.text):
        # The date's cell end was lost: what follows it is the next cell.
        rest = [(0, _slice(date_cell, tail)), *rest]
    assignment = assign_columns(ctx, rest)
    for passage in assignment.unassigned:
        ctx.diag(Code.TABLE_ROW, f"cell {passage.text!r} fits no column", row)
        result.records.append(Unparsed(ctx.prov(row), reason=f"unassigned cell: {passage.text}"))
    for passage, chosen, suggested in assignment.disagreements:
        ctx.diag(
            Code.TABLE_ROW,
            f"cell {passage.text!r} placed in column {chosen}, layout suggests {suggested}",
            row,
        )
    columns = {c: joined(ps) for c, ps in assignment.columns.items()}
    sub_item = columns[SUB_ITEM].text.strip() if SUB_ITEM in columns else None
    sub_key, sub_en = _sub_item_key(ctx, row, scope, sub_item)
    other = (
        tuple(m.symbol.key for m in find_symbols(columns[OTHER_DOCS].text))
        if OTHER_DOCS in columns
        else ()
    )
    rule37 = _invitees(ctx, row, columns[RULE37], used_notes, notes) if RULE37 in columns else ()
    rule39 = _invitees(ctx, row, columns[RULE39], used_notes, notes) if RULE39 in columns else ()
    speakers = (
        _invitees(ctx, row, columns[SPEAKERS], used_notes, notes) if SPEAKERS in columns else ()
    )
    decisions: list[Decision] = []
    if DECISIONS in columns:
        decisions = _decisions(
            ctx, row, columns[DECISIONS], event, date, scope, False, notes, used_notes, result
        )
    result.records.append(
        Meeting(
            prov=ctx.prov(row),
            record=record.key,
            date=date,
            item_key=scope.key,
            sub_item=sub_item,
            sub_item_key=sub_key,
            sub_item_en=sub_en,
            format=None,
            other_documents=other,
            rule37=rule37,
            rule39=rule39,
            speakers=speakers,
            decisions=tuple(d.symbol for d in decisions),
            language=ctx.lang,
        )
    )
    result.table_kinds.setdefault(record.key, DocumentKind.MEETING_RECORD)
    result.events_by_item.setdefault(scope.key, []).append((date, event))
    result.meetings_by_item.setdefault(scope.key, []).append(event)
    for invitee in (*speakers, *rule37, *rule39):
        if invitee.note:
            _representation(ctx, event, notes.get(invitee.note), result)


def _sub_item_key(
    ctx: Context, row: Block, scope: ItemScope, title: str | None
) -> tuple[str | None, str | None]:
    """The curated key (and English title) of a sub-item, else a fallback key.

    The key must not depend on the edition's language, so an unknown title
    gets ``sub-item-<sha1 of the title>`` and a warning, as items do.
    """
    if not title:
        return None, None
    wanted = compact(title)
    for entry in named_table("sub_item"):
        if entry.item in (None, scope.key) and compact(entry.label(ctx.lang)) == wanted:
            return entry.key, entry.en
    key = "sub-item-" + hashlib.sha1(wanted.encode("utf-8")).hexdigest()[:12]
    ctx.diag(Code.UNKNOWN_ITEM, f"sub-item title not in the curated table, key {key}: {title}", row)
    return key, None


def _representation(ctx: Context, event: str, note: Block | None, result: TableResult) -> None:
    """A note "德国由联邦外交部长代表。" → DEU represented by that role."""
    if note is None:
        return
    m = ctx.lx.pattern("headings", "table_note").match(note.text)
    body = m["text"] if m else note.text
    offset = m.start("text") if m else 0
    rm = ctx.lx.pattern("speakers", "represented_by").match(body)
    if not rm:
        return
    state = ctx.gz.lookup(rm["state"].strip(), ctx.lang)
    roles = [
        x
        for x in finder("role", ctx.lang, False).find(rm["role"])
        if compact(x.surface) == compact(rm["role"])
    ]
    if state is None:
        ctx.diag(Code.UNKNOWN_NAME, f"represented State {rm['state']!r} unknown", note)
        return
    role_key = roles[0].candidates[0].key if roles else "role-" + compact(rm["role"])
    label = roles[0].candidates[0].en if roles else rm["role"].strip()
    if not roles:
        ctx.diag(Code.UNKNOWN_NAME, f"role {rm['role']!r} not in the roles table", note)
    result.records.append(
        Representation(
            prov=ctx.prov(note, offset, offset + len(body)),
            event=event,
            state=state.iso3,
            role=role_key,
            role_label=label,
        )
    )


def _videoconference_row(
    ctx: Context,
    row: Block,
    scope: ItemScope,
    notes: dict[str | None, Block],
    used_notes: set[str],
    result: TableResult,
) -> None:
    text = row.text
    lx = ctx.lx
    dates = find_dates(text, lx)
    if not dates or dates[0].start > 2:
        ctx.diag(Code.TABLE_ROW, "videoconference row without a leading date", row)
        result.records.append(Unparsed(ctx.prov(row), reason="videoconference row without date"))
        return
    date = dates[0].date
    rest_start = dates[0].end
    while rest_start < len(text) and text[rest_start].isspace():
        rest_start += 1
    rest = text[rest_start:]
    record = None
    record_title = None
    record_date = None
    record_kind = None
    record_note = None
    note_cites: tuple[str, ...] = ()
    decisions_start = rest_start
    nr = lx.pattern("tables", "no_record").match(rest)
    no_record = str(lx.value("tables", "no_record_word"))
    symbols: list[SymbolMatch] = find_symbols(rest)
    if nr:
        after = rest[nr.end() :]
        nm = _NOTE_AFTER.match(after)
        decisions_start = rest_start + nr.end() + (nm.end() if nm else 0)
        if nm:
            record_note = nm["note"]
            used_notes.add(nm["note"])
            note_block = notes.get(nm["note"])
            if note_block is None:
                ctx.diag(
                    Code.NOTE_MISSING, f"table note {nm['note']} of {no_record!r} is missing", row
                )
            else:
                tm = lx.pattern("headings", "table_note").match(note_block.text)
                record_note = tm["text"] if tm else note_block.text
                note_cites = tuple(dict.fromkeys(m.symbol.key for m in find_symbols(record_note)))
    elif symbols and symbols[0].start == 0:
        record = symbols[0].symbol.key
        # The title runs from the record to the first decision (or the end).
        title_start = symbols[0].end
        title_end = len(rest)
        decision_words = re.compile(
            "|".join(
                [
                    lx.value("decisions", "draft_resolution"),
                    lx.value("decisions", "presidential_statement"),
                ]
            )
        )
        dm = decision_words.search(rest, title_start)
        if dm:
            title_end = dm.start()
        for sm in symbols[1:]:
            if sm.start >= title_start:
                title_end = min(title_end, sm.start)
                break
        counts = lx.pattern("decisions", "vote_counts").search(rest, title_start)
        if counts:
            title_end = min(title_end, counts.start())
        record_title = rest[title_start:title_end].strip() or None
        decisions_start = rest_start + title_end
        if record_title:
            tds = find_dates(record_title, lx)
            record_date = tds[0].date if tds else None
            if lx.pattern("tables", "record_title_letter").search(record_title):
                record_kind = DocumentKind.LETTER.value
                result.table_kinds.setdefault(record, DocumentKind.LETTER)
        if record_date is None or record_kind is None:
            ctx.diag(
                Code.TABLE_ROW,
                f"title of record {record} incomplete or not recognised: {record_title!r}",
                row,
            )
        elif record_title and (
            len(find_dates(record_title, lx)) > 1
            or record_title.count(lx.value("footnotes", "letter_word")) > 1
        ):
            # One title names one letter: a second date or letter in it is
            # the next row's, whose opening line (date and record) was lost.
            ctx.diag(
                Code.TABLE_ROW,
                f"title of record {record} names two letters: a row's first line lost? "
                f"{record_title!r}",
                row,
            )
    else:
        ctx.diag(
            Code.TABLE_ROW,
            f"videoconference row without a record or {no_record!r}",
            row,
        )
    event = videoconference_key(date, scope.key)
    sub = row.passage
    rest_passage = _slice(sub, decisions_start)
    decisions = _decisions(
        ctx, row, rest_passage, event, date, scope, True, notes, used_notes, result
    )
    result.records.append(
        Videoconference(
            prov=ctx.prov(row),
            key=event,
            date=date,
            item_key=scope.key,
            record=record,
            record_title=record_title,
            record_date=record_date,
            record_kind=record_kind,
            record_note=record_note if nr else None,
            record_note_cites=note_cites,
            decisions=tuple(d.symbol for d in decisions),
            open=None,
            language=ctx.lang,
        )
    )
    result.events_by_item.setdefault(scope.key, []).append((date, event))
    result.vcs_by_item.setdefault(scope.key, []).append(event)


def _slice(passage: Passage, start: int) -> Passage:
    """The passage from ``start`` on, with its source map."""
    runs_p: list[int] = []
    runs_s: list[int] = []
    first = passage.source_offset_of(start)
    runs_p.append(0)
    runs_s.append(first)
    for p, s in zip(passage.runs_p, passage.runs_s, strict=True):
        if p > start:
            runs_p.append(p - start)
            runs_s.append(s)
    return Passage(passage.text[start:], tuple(runs_p), tuple(runs_s))
