"""Which column of a meetings table each cell of a row belongs to.

The extractor flattens a row column by column and ends each cell's last
line with a space; leading spaces on a cell's first line count the empty
columns skipped.  Both signals can be wrong or missing (a space that ends a
wrapped line inside a cell, an indent lost), so the assignment is chosen
as a whole, not cell by cell: every cell gets a score per column from what
it holds (a record, a title, symbols, a list of States, officials, the
Council as a whole, decisions and counts), consecutive cells may continue
one column (a title wrapped with a false cell end, a list of names or
documents spread over several cells), columns never go back, and the
layout's hints add to the score where they agree.  The best path wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from councilkg.ingest.extract.context import Context, compact
from councilkg.ingest.extract.names import actor_finder, finder
from councilkg.ingest.symbols import find_symbols
from councilkg.ingest.text import Passage, concat, is_cjk

# Column numbers of the meetings table (1-based, as printed).
RECORD, SUB_ITEM, OTHER_DOCS, RULE37, RULE39, SPEAKERS, DECISIONS = range(1, 8)
COLUMNS = (SUB_ITEM, OTHER_DOCS, RULE37, RULE39, SPEAKERS, DECISIONS)
_LISTS = (RULE37, RULE39, SPEAKERS)
_NO = -100.0  # a column that cannot hold the cell
_MISFIT = -3.0  # the floor: a cell that must go somewhere goes where it fits least badly
_HINT = 1.5  # the indent agrees with the column
# A symbol in brackets is a title citing its report ("…报告(S/2020/41)"); the
# other-documents column lists bare symbols.
_BRACKETED = re.compile(r"\(\s*[A-Z]+\s*/[^()]*(?:\([^()]*\))?[^()]*\)")
_CONTINUE = 0.5  # cost of continuing a column in a new cell (prefer a new column)


@dataclass(frozen=True, slots=True)
class Assignment:
    """Cells grouped by column, in order, and cells that fit nowhere."""

    columns: dict[int, list[Passage]]
    unassigned: list[Passage]
    disagreements: list[tuple[Passage, int, int]]  # cell, chosen, suggested by the indent


def _fit(ctx: Context, passage: Passage) -> dict[int, float]:
    """How well ``passage`` fits each column, from its content alone."""
    text = passage.text
    key = compact(text)
    lx = ctx.lx
    score = dict.fromkeys(COLUMNS, _NO)
    if not key:
        return score
    symbols = find_symbols(text)
    covered = sum(len(compact(text[m.start : m.end])) for m in symbols)
    decision_words = (
        lx.pattern("decisions", "vote_counts").search(text)
        or lx.pattern("decisions", "draft_resolution").search(text)
        or lx.pattern("decisions", "presidential_statement").search(text)
        or lx.pattern("decisions", "not_adopted").search(text)
        or any(m.form == "prose-resolution" for m in symbols)
    )
    groups = [
        compact(w)
        for w in lx.words("speakers", "all_council_members") + lx.words("speakers", "all_invitees")
    ]
    roles = [*finder("role", ctx.lang, False).find(text), *actor_finder(ctx.lang).find(text)]
    covered_by_roles = [(m.start, m.end) for m in roles]
    named_roles = sum(len(compact(m.surface)) for m in roles)
    # A State named inside an official's title (秘书长阿富汗问题特别代表) is not a State entry.
    states = [
        (s, e, st)
        for s, e, st in ctx.gz.find_all(text, ctx.lang)
        if not any(a <= s and e <= b for a, b in covered_by_roles)
    ]
    named = sum(len(compact(text[s:e])) for s, e, _ in states)
    # A symbol followed by words of a title ("第 2451(2019)号决议的执行情况")
    # is a title naming a document, not a document or a decision.
    after_last = text[symbols[-1].end :] if symbols else ""
    for outcome in ("not_adopted", "unanimous"):
        after_last = lx.pattern("decisions", outcome).sub("", after_last)
    titled = sum(1 for ch in after_last if is_cjk(ch) and ch.isalpha()) >= 2
    bracketed = bool(_BRACKETED.search(text)) or titled
    if decision_words and not titled:
        score[DECISIONS] = 3.0
    if symbols and covered >= len(key) * 0.6 and not bracketed:
        score[OTHER_DOCS] = 2.0
        score[DECISIONS] = max(score[DECISIONS], 1.0)
    if any(g in key for g in groups):
        score[SPEAKERS] = 3.0
    if states and named >= len(key) * 0.5:
        score[RULE37] = 2.0
        score[SPEAKERS] = max(score[SPEAKERS], 1.9)
    if roles and named_roles >= len(key) * 0.4:
        score[RULE39] = 2.0
        score[SPEAKERS] = max(score[SPEAKERS], 1.5)
    if states and roles and named + named_roles >= len(key) * 0.6:
        # States and officials together: who spoke (invitations list one kind).
        score[SPEAKERS] = max(score[SPEAKERS], 2.5)
        score[RULE39] = min(score[RULE39], 1.0)
    if (not decision_words or titled) and (not symbols or bracketed or covered < len(key) * 0.6):
        # Free text: a sub-item title (it may cite its report in brackets),
        # or the name of an official no table knows.
        score[SUB_ITEM] = max(score[SUB_ITEM], 2.0 if not (states or roles) else 1.0)
        official = 1.2 if lx.pattern("tables", "official_suffix").search(key) else 0.8
        score[RULE39] = max(score[RULE39], official)
        score[SPEAKERS] = max(score[SPEAKERS], 0.5)
    return score


def _continues(ctx: Context, prev: Passage, cell: Passage, column: int) -> float:
    """Bonus (or cost) for ``cell`` continuing ``column`` after ``prev``."""
    text = cell.text.strip()
    if column == DECISIONS:
        return 0.0  # the last column takes every decision line as a cell of its own
    if column in _LISTS and (
        ctx.lx.pattern("tables", "list_goes_on").search(prev.text)
        or text.startswith(ctx.lx.value("lists", "entry_separator"))
    ):
        return 2.0  # the list is cut after a separator or a note letter
    if column == SUB_ITEM and _BRACKETED.search(text):
        return 2.0  # the title's report in brackets
    if column == OTHER_DOCS:
        return 0.5  # one symbol per line
    if column in _LISTS:
        return -2 * _CONTINUE  # two complete lists are two columns
    return -_CONTINUE


def assign_columns(ctx: Context, cells: list[tuple[int, Passage]]) -> Assignment:
    """The best assignment of ``cells`` (indent, text) to columns 2–7.

    A cell that no column can hold (it has no text a cell could have) is
    left out and returned as unassigned; every other cell gets a column,
    at worst one whose content does not fit, which is reported.
    """
    unassigned: list[Passage] = []
    kept: list[tuple[int, Passage, dict[int, float]]] = []
    for indent, passage in cells:
        fit = _fit(ctx, passage)
        if max(fit.values()) <= _NO:
            unassigned.append(passage)
        else:
            kept.append((indent, passage, {c: max(v, _MISFIT) for c, v in fit.items()}))
    if not kept:
        return Assignment({}, unassigned, [])
    neg = float("-inf")
    # best[i][c]: best score of kept[:i+1] with cell i in column c; back: c of cell i-1
    best: list[dict[int, float]] = []
    back: list[dict[int, int]] = []
    for i, (indent, passage, fit) in enumerate(kept):
        row: dict[int, float] = {}
        came: dict[int, int] = {}
        for c in COLUMNS:
            if i == 0:
                hint = _HINT if indent and RECORD + 1 + indent == c else 0.0
                row[c], came[c] = fit[c] + hint, 0
                continue
            choice = (neg, 0)
            for pc in COLUMNS:
                prev = best[i - 1][pc]
                if pc == c:
                    total = prev + fit[c] + _continues(ctx, kept[i - 1][1], passage, c)
                elif pc < c:
                    hint = _HINT if indent and pc + 1 + indent == c else 0.0
                    total = prev + fit[c] + hint
                else:
                    continue
                choice = max(choice, (total, pc))
            row[c], came[c] = choice
        best.append(row)
        back.append(came)
    column = max(COLUMNS, key=lambda c: best[-1][c])
    path: list[int] = []
    for i in range(len(kept) - 1, -1, -1):
        path.append(column)
        column = back[i][column]
    path.reverse()
    columns: dict[int, list[Passage]] = {}
    disagreements: list[tuple[Passage, int, int]] = []
    last = SUB_ITEM - 1
    for (indent, passage, fit), c in zip(kept, path, strict=True):
        suggested = last + 1 + indent
        if (indent and c != last and suggested != c and suggested <= DECISIONS) or fit[
            c
        ] <= _MISFIT:
            disagreements.append((passage, c, suggested))
        columns.setdefault(c, []).append(passage)
        last = c
    return Assignment(columns, unassigned, disagreements)


def joined(passages: list[Passage]) -> Passage:
    """The cells of one column as one passage, joined as a wrap would be
    (no space between two CJK characters, one space otherwise)."""
    out = passages[0]
    for nxt in passages[1:]:
        if not nxt.text:
            continue
        tight = bool(out.text) and (is_cjk(out.text[-1]) or is_cjk(nxt.text[0]))
        out = concat([out, nxt], "" if tight else " ")
    return out
