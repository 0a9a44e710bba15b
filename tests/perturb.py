"""Perturbations of Repertoire text, written from the extraction's layout alone.

The property tests compare what the ingest finds in a text with what it finds
in the same text laid out differently.  For that comparison to test the
parser and not itself, nothing here imports ``ingest`` or ``councilkg``: the
lines are classified by this module's own small patterns, from what the
extracted text shows:

* every line is normally followed by an empty line;
* the last line of a block (paragraph, footnote, table cell, table note,
  heading) ends with whitespace, and that trailing whitespace is the only
  line-end signal the extraction gives: a line without it continues on the
  next line of its stream, whatever that next line looks like;
* whitespace-only lines mark table-row and page boundaries;
* a line of underscores opens a page's footnotes (`` 824 同上…``), a list of
  ``https://undocs.org/…`` lines and the running furniture
  (``2020 年安全理事会惯例汇辑``, ``21-12994 130``) close the page;
* tables have a number (``表 1``), a title (``会议：…``/``视频会议：…``), header
  rows up to a whitespace-only line, rows, and notes (`` a 赞成：…``).  In a row,
  the leading spaces of a cell's first line stand for the empty cells before
  it, so they are information there and nowhere else.

Each perturbation is a pure function of the text and a :class:`random.Random`
(in the property tests, hypothesis's own, so that failures shrink to few and
small edits).  Layout-preserving perturbations return the new text; damaging
edits return the new text and the 1-based number of the edited line, for
tests that expect a diagnostic near it.
"""

from __future__ import annotations

import difflib
import itertools
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

# -- characters ----------------------------------------------------------------

# Full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space, folded to
# ASCII one character for one, so patterns see one form and offsets survive.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20


def fold(text: str) -> str:
    """``text`` with full-width ASCII forms in their ASCII form (same length)."""
    return text.translate(_FOLD)


# The characters whose width the width perturbation flips.
WIDTH_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ()/.:;,")


def _latin(ch: str) -> bool:
    """A character of a Latin token (word, number, symbol) in either width.

    CJK sentence punctuation (，：；) is not: it separates tokens."""
    f = fold(ch)
    return f.isascii() and (f.isalnum() or f in "/.-_()")


# -- classification ---------------------------------------------------------


class Kind(StrEnum):
    """What a line of extracted Repertoire text is."""

    EMPTY = "empty"  # length 0
    BLANK = "blank"  # whitespace only: a row or page boundary
    FURNITURE = "furniture"  # running title, job number and page number
    LINK = "link"  # a page-end https://undocs.org/ line
    SEPARATOR = "separator"  # the underscores that open a page's footnotes
    TABLE_NUMBER = "table-number"  # 表 1
    TABLE_TITLE = "table-title"  # 会议：… / 视频会议：…
    HEADER = "header"  # a table's header rows
    CELL = "cell"  # a line of a table row
    NOTE = "note"  # a line of a table note
    HEADING = "heading"  # 32.  与…有关的项目 / A. 不扩散
    FOOTNOTE = "footnote"  # a line of a footnote
    BODY = "body"  # a line of a paragraph


CONTENT = frozenset({Kind.BODY, Kind.FOOTNOTE, Kind.CELL, Kind.NOTE})
TITLES = frozenset({Kind.HEADING, Kind.TABLE_TITLE})

_LINK = re.compile(r"^\s*https?://")
_SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
_FURNITURE = (
    re.compile(r"^\s*\d{4}\s*年安全理事会惯例汇辑\s*$"),
    re.compile(r"^\s*\d{2}-\d{5}(?:\s*\(C\))?\s+\d{1,4}\s*$"),
    re.compile(r"^\s*\d{1,4}\s+\d{2}-\d{5}(?:\s*\(C\))?\s*$"),
    re.compile(r"^\s*第[一二三四五六七八九十]+部分\s*\.\s*\S"),
    # the English edition's running heads
    re.compile(r"^\s*Repertoire of the Practice of the Security Council,?\s*\d{4}\s*$"),
    re.compile(r"^\s*Part\s+[IVX]+\.\s+\S"),
)
# (Each pattern knows both editions' forms: Chinese, then English.)
_TABLE_NUMBER = re.compile(r"^\s*(?:表|Table)\s*\d+\s*$")
_TABLE_TITLE = re.compile(r"^\s*(?:(?:视频)?会议\s*[：:]|(?:Meetings|Videoconferences)\s*:)\s*\S")
_HEADER_START = re.compile(
    r"^\s*(?:会议记录及日期|视频会议日期|Meeting record|Videoconference\s*$)"
)
_HEADING = re.compile(r"^\s*(?:\d{1,3}|[A-Z])\.\s+\S")
# A footnote's number: alone, or followed by text that is not a date or
# counter word (a footnote's continuation may start "2020 年 8 月…").
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_FOOTNOTE_START = re.compile(rf"^\s*\d{{1,4}}(?:\s+(?![年月日号段条章个]|(?:{_MONTHS})\b)\S|\s*$)")
# A table note's letter, alone or followed by its (non-Latin) text.
_NOTE_START = re.compile(r"^\s*[a-z](?:\s+(?:[^\x00-\x7f]|[A-Z])|\s*$)")
# A table row's first cell: a meeting record, or a date followed by more cells.
_ROW_START = re.compile(
    rf"^\s*(?:S/PV\.\d+|\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日\s+\S"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}\s+\S)"
)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the text, classified.

    ``starts``: the first line of its block (a paragraph, footnote, cell or
    note); ``row_start``: the first line of a table row."""

    number: int  # 1-based
    text: str
    kind: Kind
    starts: bool = False
    row_start: bool = False

    @property
    def closed(self) -> bool:
        """Whether the line ends its block (trailing whitespace after text)."""
        return bool(self.text.strip()) and self.text != self.text.rstrip()

    @property
    def lead(self) -> str:
        return self.text[: len(self.text) - len(self.text.lstrip())]

    @property
    def trail(self) -> str:
        return self.text[len(self.text.rstrip()) :] if self.text.strip() else ""


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their ``\\n`` (a final newline gives a
    last empty line, so joining with ``\\n`` gives ``text`` back)."""
    return text.split("\n")


def classify(text: str) -> list[Line]:
    """Classify every line of ``text`` by layout.

    Two streams are followed: the main text (paragraphs, tables) and the
    footnotes.  A line after an open line of its stream continues that
    line's block; only after a closed line do patterns decide.  Where a
    line is ambiguous, the choice that makes fewer lines eligible for
    perturbation is taken (a line after a table's rows stays a cell).
    """
    out: list[Line] = []
    mode = "body"  # body | header | rows | notes
    in_footnotes = False
    first_after_separator = False
    footnote_open = False
    main_open = False
    main_kind = Kind.BODY
    after_boundary = False
    for number, raw in enumerate(split_lines(text), 1):
        f = fold(raw)
        if raw == "":
            out.append(Line(number, raw, Kind.EMPTY))
            continue
        if not f.strip():
            in_footnotes = False
            if mode == "header":
                mode = "rows"
            after_boundary = True
            out.append(Line(number, raw, Kind.BLANK))
            continue
        if _LINK.match(f) or any(p.match(f) for p in _FURNITURE):
            in_footnotes = False
            kind = Kind.LINK if _LINK.match(f) else Kind.FURNITURE
            out.append(Line(number, raw, kind))
            continue
        if _SEPARATOR.match(f):
            in_footnotes = True
            first_after_separator = True
            out.append(Line(number, raw, Kind.SEPARATOR))
            continue
        closed = raw != raw.rstrip()
        if in_footnotes:
            starts = bool(_FOOTNOTE_START.match(f))
            if footnote_open or (first_after_separator and not starts):
                out.append(Line(number, raw, Kind.FOOTNOTE))
            elif starts:
                out.append(Line(number, raw, Kind.FOOTNOTE, starts=True))
            else:
                in_footnotes = False
            if in_footnotes:
                footnote_open = not closed
                first_after_separator = False
                continue
        # the main stream
        row_start = False
        if main_open:
            kind, starts = main_kind, False
        else:
            starts = True
            if _TABLE_NUMBER.match(f):
                kind, mode = Kind.TABLE_NUMBER, "body"
            elif _TABLE_TITLE.match(f):
                kind, mode = Kind.TABLE_TITLE, "header"
            elif _HEADER_START.match(f):
                kind, mode = Kind.HEADER, "header"
            elif mode == "header":
                kind = Kind.HEADER
            elif _HEADING.match(f) and len(f.strip()) <= 60:
                kind, mode = Kind.HEADING, "body"
            elif mode in ("rows", "notes") and _NOTE_START.match(f):
                kind, mode = Kind.NOTE, "notes"
            elif mode == "rows":
                kind = Kind.CELL
                row_start = after_boundary or bool(_ROW_START.match(f))
            else:
                kind, mode = Kind.BODY, "body"
        after_boundary = False
        main_open = not closed
        main_kind = kind
        out.append(Line(number, raw, kind, starts=starts, row_start=row_start))
    return out


def _join(lines: Sequence[str]) -> str:
    return "\n".join(lines)


# -- where a line may be broken ----------------------------------------------

_SYMBOL = re.compile(
    r"[A-Z]{1,4}/(?:[A-Za-z0-9.()\-]+/)*[A-Za-z0-9.\-]*[A-Za-z0-9](?:\(\d{4}\))?(?:\(未通过\))?"
)
_URL = re.compile(r"https?://\S+")
# What English typesetting never puts at the start of a line after a word.
_NO_LINE_START = ":;,.!?)'\"%"


class Breaks(StrEnum):
    """Which breaks a re-wrap may make."""

    # Between any two characters, except between two Latin characters (a
    # break there is ambiguous: "1 500" loses a space that "20/20" never had,
    # and only a reader who knows the token can rejoin it) and inside a UN
    # symbol, a URL, or between a draft's symbol and its "(未通过)".
    SAFE = "safe"
    # Only inside UN symbols, where extractors do break: after "/" or "." and
    # before "(" ("S/2020/" + "797", "S/PV." + "8733", "S/2020/797" + "(未通过)").
    SYMBOL = "symbol"


def _symbol_spans(f: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SYMBOL.finditer(f)]


def break_positions(line: str, policy: Breaks = Breaks.SAFE) -> list[int]:
    """Offsets in ``line`` where a re-wrap may end a piece.

    An offset ``p`` ends a piece after ``line[p-1]`` (never whitespace); any
    whitespace right after it is dropped by the break (a line break replaces
    a space).  Offsets before the first or after the last non-space character
    are never breaks: they would leave a piece of whitespace only, which is a
    row or page boundary, not a wrap."""
    f = fold(line)
    start = len(f) - len(f.lstrip())
    end = len(f.rstrip())
    symbols = _symbol_spans(f)
    protected = symbols + [m.span() for m in _URL.finditer(f)]
    out = []
    for p in range(start + 1, end):
        if f[p - 1].isspace():
            continue
        j = p
        while f[j].isspace():
            j += 1
        if policy is Breaks.SAFE:
            if _latin(f[p - 1]) and _latin(f[j]):
                continue
            if _latin(f[p - 1]) and f[j] in _NO_LINE_START:
                continue  # Latin typesetting never opens a line with ":" or ","
            if any(a < p and j < b for a, b in protected):
                continue
        elif not (
            j == p and any(a < p < b for a, b in symbols) and (f[p - 1] in "/." or f[p] == "(")
        ):
            continue
        out.append(p)
    return out


def _mixed(line: str, p: int) -> bool:
    """Whether the break at ``p`` separates a Latin and a non-Latin character."""
    rest = line[p:].lstrip()
    return bool(rest) and _latin(line[p - 1]) != _latin(rest[0])


def split_at(line: str, positions: Sequence[int]) -> list[str]:
    """``line`` broken at ``positions`` (from :func:`break_positions`).

    The line's leading whitespace stays on the first piece and its trailing
    whitespace (the block-end signal) on the last piece only; inner pieces
    end without whitespace, and the whitespace at a break is dropped."""
    cuts = sorted(set(positions))
    if not cuts:
        return [line]
    lead_end = len(line) - len(line.lstrip())
    body_end = len(line.rstrip())
    bounds = [lead_end, *cuts, body_end]
    pieces = [line[a:b].strip() for a, b in itertools.pairwise(bounds)]
    pieces[0] = line[:lead_end] + pieces[0]
    pieces[-1] += line[body_end:]
    return pieces


def wrap_at_width(line: str, width: int, policy: Breaks = Breaks.SAFE) -> list[str]:
    """``line`` re-wrapped greedily so pieces have at most ``width`` characters
    where the allowed breaks permit (a piece longer than ``width`` is kept
    whole when no break falls inside it)."""
    if width < 1:
        raise ValueError("width must be positive")
    allowed = break_positions(line, policy)
    start = len(line) - len(line.lstrip())
    end = len(line.rstrip())
    cuts: list[int] = []
    while end - start > width:
        fitting = [p for p in allowed if start < p <= start + width]
        later = [p for p in allowed if p > start]
        if not fitting and not later:
            break
        p = max(fitting) if fitting else min(later)
        cuts.append(p)
        start = p
        while start < end and line[start].isspace():
            start += 1
    return split_at(line, cuts)


def _replace(lines: list[str], replacements: dict[int, list[str]]) -> list[str]:
    """``lines`` with line ``i`` (0-based) replaced by ``replacements[i]``;
    each inserted piece is followed by an empty line when the replaced line
    was, so the extraction's spacing is kept."""
    out: list[str] = []
    for i, ln in enumerate(lines):
        new = replacements.get(i)
        if new is None:
            out.append(ln)
            continue
        spaced = i + 1 < len(lines) and lines[i + 1] == ""
        for k, piece in enumerate(new):
            out.append(piece)
            if spaced and k < len(new) - 1:
                out.append("")
    return out


# -- layout-preserving perturbations -------------------------------------------


def _bulk(rnd: random.Random) -> random.Random:
    """A generator for hundreds of small choices, seeded by one draw from
    ``rnd``: hypothesis gives up on examples that draw too much, so bulk
    choices are made here, at the cost of not shrinking them one by one."""
    return random.Random(rnd.getrandbits(32))


def _rewrap(
    text: str, rnd: random.Random, kinds: frozenset[Kind], policy: Breaks, max_lines: int = 6
) -> str:
    lines = classify(text)
    eligible = [
        (ln, pos) for ln in lines if ln.kind in kinds and (pos := break_positions(ln.text, policy))
    ]
    if not eligible:
        return text
    # A kind first, then a line of it: the few note and cell lines are as
    # likely to be wrapped as the many lines of prose.
    by_kind: dict[Kind, list[tuple[Line, list[int]]]] = {}
    for item in eligible:
        by_kind.setdefault(item[0].kind, []).append(item)
    present = sorted(by_kind)
    picked = {}
    for _ in range(rnd.randint(1, max_lines)):
        ln, positions = rnd.choice(by_kind[rnd.choice(present)])
        picked[ln.number] = (ln, positions)
    replacements = {}
    for ln, positions in picked.values():
        if policy is Breaks.SAFE and rnd.random() >= 0.75:
            pieces = wrap_at_width(ln.text, rnd.randint(4, 40), policy)
        else:
            # Half the time only where Latin meets CJK (dates, markers, note
            # letters, symbols): the breaks a parser most easily gets wrong.
            mixed = [p for p in positions if _mixed(ln.text, p)]
            if mixed and rnd.random() < 0.5:
                positions = mixed
            n = rnd.randint(1, min(3, len(positions)))
            pieces = split_at(ln.text, rnd.sample(positions, n))
        replacements[ln.number - 1] = pieces
    return _join(_replace(split_lines(text), replacements))


def rewrap(text: str, rnd: random.Random) -> str:
    """Some body, footnote, table-cell and table-note lines re-wrapped: at a
    width of 4 characters or more, or at chosen breaks (which covers every
    width), between any two characters a Chinese line may break between
    (:attr:`Breaks.SAFE`)."""
    return _rewrap(text, rnd, CONTENT, Breaks.SAFE)


# What opens a heading or a table title: its number, letter or caption word.
_TITLE_LABEL = re.compile(r"^\s*(?:\d{1,3}\s*\.|[A-Z]\s*\.|表\s*\d+|(?:视频)?会议\s*[：:])\s*")


def rewrap_titles(text: str, rnd: random.Random) -> str:
    """Some headings and table titles re-wrapped after their label (kept
    apart from :func:`rewrap`: a title is recognised by its line's start).

    Never inside the label (``视`` / ``频会议：…``, ``3`` / ``2. …``): a
    title is printed across the page, so its label, at the start of the
    line, never reaches a line break; cut there, the line no longer says it
    opens a heading or a table, which is information lost, not layout.
    """
    lines = classify(text)
    eligible = []
    for ln in lines:
        if ln.kind not in TITLES:
            continue
        label = _TITLE_LABEL.match(ln.text)
        after = label.end() if label else 0
        positions = [p for p in break_positions(ln.text, Breaks.SAFE) if p >= after]
        if positions:
            eligible.append((ln, positions))
    if not eligible:
        return text
    replacements = {}
    for _ in range(rnd.randint(1, 4)):
        ln, positions = rnd.choice(eligible)
        n = rnd.randint(1, min(3, len(positions)))
        replacements[ln.number - 1] = split_at(ln.text, rnd.sample(positions, n))
    return _join(_replace(split_lines(text), replacements))


def rewrap_symbols(text: str, rnd: random.Random) -> str:
    """Some lines broken inside a UN symbol, where extractors do break
    (``S/2020/`` + ``797``), kept apart from :func:`rewrap` because the
    symbol must then be rejoined across the line break."""
    return _rewrap(text, rnd, CONTENT, Breaks.SYMBOL, max_lines=3)


_SPACES = (" ", "  ", "\t", " \t", "    ")
_MAIN = frozenset({Kind.BODY, Kind.HEADING, Kind.TABLE_NUMBER})
_AFTER_MAIN = frozenset(
    {Kind.BODY, Kind.HEADING, Kind.TABLE_NUMBER, Kind.TABLE_TITLE, Kind.SEPARATOR}
)
_PAGE_END = frozenset({Kind.LINK, Kind.FURNITURE, Kind.BLANK})


def boundary_gaps(lines: Sequence[Line]) -> list[int]:
    """0-based indexes ``i`` such that a whitespace-only line may be put
    before ``lines[i]`` without changing what it marks.

    Such a line is a row or page boundary.  Next to an existing boundary,
    furniture or a link list it adds nothing; between lines of running text
    it is a page break inside a paragraph, which the text survives.  It is
    never put inside a footnote, a table's header, rows or notes, or between
    a footnote separator and its first footnote: there it would end the
    footnote block or a row, and that is information, not layout.
    """
    nonempty = [k for k, ln in enumerate(lines) if ln.kind is not Kind.EMPTY]
    out: list[int] = []
    for a, b in itertools.pairwise(nonempty):
        prev, nxt = lines[a], lines[b]
        ok = (
            prev.kind in _PAGE_END
            or nxt.kind in _PAGE_END
            or (prev.kind in _MAIN and nxt.kind in _AFTER_MAIN)
            or (prev.kind in (Kind.FOOTNOTE, Kind.NOTE) and prev.closed and nxt.kind in _AFTER_MAIN)
        )
        if ok:
            out.extend(range(a + 1, b + 1))
    return out


def row_boundaries(lines: Sequence[Line]) -> list[int]:
    """0-based indexes of the lines that start a table row, and of the
    whitespace-only lines that already mark a row's end."""
    return [
        k
        for k, ln in enumerate(lines)
        if ln.row_start
        or (ln.kind is Kind.BLANK and k + 1 < len(lines) and _next_is_table(lines, k))
    ]


def _next_is_table(lines: Sequence[Line], k: int) -> bool:
    for ln in lines[k + 1 :]:
        if ln.kind is not Kind.EMPTY:
            return ln.kind in (Kind.CELL, Kind.NOTE)
    return False


def blank_lines(text: str, rnd: random.Random) -> str:
    """Empty lines added or dropped (all or some), whitespace-only lines of
    spaces or a tab added where :func:`boundary_gaps` allows, their spaces
    varied, and dropped where furniture already marks the page boundary."""
    lines = classify(text)
    ops = [op for op in range(5) if rnd.random() < 0.4] or [rnd.randrange(5)]
    raw = [ln.text for ln in lines]
    insert_before: dict[int, list[str]] = {}
    drop: set[int] = set()
    replace: dict[int, str] = {}
    empties = [k for k, ln in enumerate(lines) if ln.kind is Kind.EMPTY and k < len(lines) - 1]
    blanks = [k for k, ln in enumerate(lines) if ln.kind is Kind.BLANK]
    if 0 in ops and empties:  # drop empty lines, all or some
        if rnd.random() < 0.3:
            drop.update(empties)
        else:
            drop.update(rnd.sample(empties, rnd.randint(1, min(40, len(empties)))))
    if 1 in ops:  # add empty lines anywhere
        for k in rnd.sample(range(1, len(lines)), rnd.randint(1, min(20, len(lines) - 1))):
            insert_before.setdefault(k, []).extend([""] * rnd.randint(1, 2))
    if 2 in ops:  # add whitespace-only lines where they mark nothing new
        gaps = boundary_gaps(lines)
        if gaps:
            for k in rnd.sample(gaps, rnd.randint(1, min(12, len(gaps)))):
                insert_before.setdefault(k, []).append(rnd.choice(_SPACES))
    if 3 in ops and blanks:  # vary the spaces of whitespace-only lines
        for k in rnd.sample(blanks, rnd.randint(1, len(blanks))):
            replace[k] = rnd.choice(_SPACES)
    if 4 in ops:  # drop whitespace-only lines next to furniture
        near = [
            k for k in blanks if any(lines[j].kind is Kind.FURNITURE for j in _neighbours(lines, k))
        ]
        if near:
            drop.update(rnd.sample(near, rnd.randint(1, len(near))))
    out: list[str] = []
    for k, ln in enumerate(raw):
        out.extend(insert_before.get(k, []))
        if k in drop:
            continue
        out.append(replace.get(k, ln))
    return _join(out)


def _neighbours(lines: Sequence[Line], k: int) -> list[int]:
    """The nearest non-empty lines before and after line ``k`` (0-based)."""
    out = []
    for rng in (range(k - 1, -1, -1), range(k + 1, len(lines))):
        for j in rng:
            if lines[j].kind is not Kind.EMPTY:
                out.append(j)
                break
    return out


def note_runs(lines: Sequence[Line]) -> list[list[int]]:
    """Runs of table-note lines (0-based indexes) with nothing but empty lines
    between them (a page break ends a run)."""
    runs: list[list[int]] = []
    current: list[int] = []
    for k, ln in enumerate(lines):
        if ln.kind is Kind.NOTE:
            current.append(k)
        elif ln.kind is not Kind.EMPTY:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def join_notes(text: str, rnd: random.Random) -> str:
    """Several consecutive table-note lines (of one note or of several)
    joined on one line, separated by a space."""
    lines = classify(text)
    runs = [r for r in note_runs(lines) if len(r) >= 2]
    if not runs:
        return text
    run = rnd.choice(runs)
    a = rnd.randrange(len(run) - 1)
    b = rnd.randrange(a + 1, len(run))
    first, last = lines[run[a]], lines[run[b]]
    joined = first.lead + " ".join(lines[k].text.strip() for k in run[a : b + 1]) + last.trail
    raw = [ln.text for ln in lines]
    return _join([*raw[: run[a]], joined, *raw[run[b] + 1 :]])


def split_notes(text: str, rnd: random.Random) -> str:
    """A table note's line split over several lines."""
    return _rewrap(text, rnd, frozenset({Kind.NOTE}), Breaks.SAFE, max_lines=2)


def notes(text: str, rnd: random.Random) -> str:
    """Table notes joined on one line, or split over several."""
    return join_notes(text, rnd) if rnd.random() < 0.5 else split_notes(text, rnd)


def leading_spaces(text: str, rnd: random.Random) -> str:
    """0 to 4 leading spaces on some lines (or all), except in table rows,
    where a cell's leading spaces stand for the empty cells before it, and
    on empty or whitespace-only lines (spaces there make or change a
    boundary)."""
    lines = classify(text)
    eligible = [
        k for k, ln in enumerate(lines) if ln.kind not in (Kind.EMPTY, Kind.BLANK, Kind.CELL)
    ]
    if rnd.random() < 0.2:
        chosen, gen = eligible, _bulk(rnd)
    else:
        chosen, gen = rnd.sample(eligible, rnd.randint(1, min(30, len(eligible)))), rnd
    raw = [ln.text for ln in lines]
    for k in chosen:
        raw[k] = " " * gen.randint(0, 4) + raw[k].lstrip()
    return _join(raw)


def _flip(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if ch in WIDTH_CHARS else fold(ch)


def _width_positions(line: str) -> list[int]:
    """Where a line may change width: only lines set in a CJK script hold
    full-width forms (an English edition's lines have none to vary)."""
    if not any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in line):
        return []
    return [i for i, ch in enumerate(line) if ch in WIDTH_CHARS or fold(ch) in WIDTH_CHARS]


def width(text: str, rnd: random.Random) -> str:
    """ASCII digits, Latin letters and ``( ) / . : ; ,`` turned into their
    full-width forms, and full-width ones (``，：；``) into ASCII, at random
    positions, so one file mixes both.  Link lines are left alone: a URL is
    not typeset text."""
    lines = classify(text)
    raw = [ln.text for ln in lines]
    eligible = [(k, _width_positions(ln.text)) for k, ln in enumerate(lines)]
    eligible = [(k, pos) for k, pos in eligible if pos and lines[k].kind is not Kind.LINK]
    if not eligible:
        return text
    mode = rnd.randrange(3)
    targets: list[tuple[int, int]] = []
    if mode == 0:  # a few characters anywhere
        flat = [(k, p) for k, pos in eligible for p in pos]
        targets = rnd.sample(flat, rnd.randint(1, min(40, len(flat))))
    elif mode == 1:  # every such character of some lines
        for k, pos in rnd.sample(eligible, rnd.randint(1, min(20, len(eligible)))):
            targets.extend((k, p) for p in pos)
    else:  # every such character of every other line
        parity = rnd.randrange(2)
        for n, (k, pos) in enumerate(eligible):
            if n % 2 == parity:
                targets.extend((k, p) for p in pos)
    for k, p in targets:
        s = raw[k]
        raw[k] = s[:p] + _flip(s[p]) + s[p + 1 :]
    return _join(raw)


_DATE = re.compile(r"(?<!\d)(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _date_form(year: str | None, month: str, day: str, form: int) -> str:
    """``2020 年 7 月 29 日`` (0), ``2020年 7月 29日`` (1), ``2020年7月29日`` (2)."""
    if form == 0:
        return (f"{year} 年 " if year else "") + f"{month} 月 {day} 日"
    if form == 1:
        return (f"{year}年 " if year else "") + f"{month}月 {day}日"
    return (f"{year}年" if year else "") + f"{month}月{day}日"


def date_spaces(text: str, rnd: random.Random) -> str:
    """The spaces inside some full dates changed between the three forms
    ``2020 年 7 月 29 日``, ``2020年 7月 29日`` and ``2020年7月29日`` (the
    digits keep their width)."""
    lines = classify(text)
    raw = [ln.text for ln in lines]
    found = [
        (k, m)
        for k, ln in enumerate(lines)
        if ln.kind is not Kind.LINK
        for m in _DATE.finditer(fold(ln.text))
    ]
    if not found:
        return text
    many = rnd.randint(1, len(found))
    gen = rnd if many <= 20 else _bulk(rnd)
    chosen = gen.sample(range(len(found)), many)
    for n in sorted(chosen, reverse=True):  # right to left keeps offsets valid
        k, m = found[n]
        s = raw[k]

        def part(g: int, s: str = s, m: re.Match[str] = m) -> str:
            return s[m.start(g) : m.end(g)]

        year = part(1) if m.group(1) else None
        new = _date_form(year, part(2), part(3), gen.randrange(3))
        raw[k] = s[: m.start()] + new + s[m.end() :]
    return _join(raw)


Perturbation = Callable[[str, random.Random], str]

# The layout-preserving families, in the order a composition applies them:
# block structure first (notes, wraps), then characters, then spacing.
FAMILIES: dict[str, Perturbation] = {
    "notes": notes,
    "rewrap": rewrap,
    "date-spaces": date_spaces,
    "width": width,
    "leading-spaces": leading_spaces,
    "blank-lines": blank_lines,
}


def compose(text: str, rnd: random.Random, families: dict[str, Perturbation]) -> str:
    """A random non-empty subset of ``families`` applied in their order."""
    names = [n for n in families if rnd.random() < 0.5] or [rnd.choice(list(families))]
    for name in names:
        text = families[name](text, rnd)
    return text


# -- damaging edits -------------------------------------------------------------

Edit = Callable[[str, random.Random], tuple[str, int]]


def delete_line(
    text: str, rnd: random.Random, where: Callable[[Line], bool] | None = None
) -> tuple[str, int]:
    """One non-empty line deleted (among those ``where`` accepts); the line
    number is where it was (now the line after it)."""
    lines = classify(text)
    eligible = [ln for ln in lines if ln.kind is not Kind.EMPTY and (where is None or where(ln))]
    if not eligible:
        return text, 0
    ln = rnd.choice(eligible)
    raw = [x.text for x in lines]
    k = ln.number - 1
    # the empty line that followed it goes too, so the spacing stays regular
    end = k + 2 if k + 1 < len(raw) and raw[k + 1] == "" else k + 1
    return _join(raw[:k] + raw[end:]), ln.number


def _other_digit(rnd: random.Random, old: str, first: bool) -> str:
    choices = [d for d in "0123456789" if d != fold(old) and not (first and d == "0")]
    return rnd.choice(choices)


_NUMBER = re.compile(r"\d+")


def change_footnote_number(text: str, rnd: random.Random) -> tuple[str, int]:
    """One digit of one footnote's number (in the footnote block) changed."""
    lines = classify(text)
    starts = [ln for ln in lines if ln.kind is Kind.FOOTNOTE and ln.starts]
    if not starts:
        return text, 0
    ln = rnd.choice(starts)
    m = _NUMBER.search(fold(ln.text))
    assert m is not None
    p = rnd.randrange(m.start(), m.end())
    new = ln.text[:p] + _other_digit(rnd, ln.text[p], p == m.start()) + ln.text[p + 1 :]
    raw = [x.text for x in lines]
    raw[ln.number - 1] = new
    return _join(raw), ln.number


_COUNT = re.compile(r"(?<![\d/])(\d{1,2})-(\d{1,2})-(\d{1,2})([a-z]?)(?=\s*$)")
_NOTE_LETTER = re.compile(r"^\s*([a-z])(?=\s)")


def change_marker(text: str, rnd: random.Random) -> tuple[str, int]:
    """One vote count's digit, a count's note letter or a table note's letter
    changed (``2-2-11a`` → ``2-3-11a`` / ``2-2-11b``; `` a 赞成`` → `` b 赞成``)."""
    lines = classify(text)
    places: list[tuple[Line, int, str]] = []  # line, offset, "lead"/"digit"/"letter"
    for ln in lines:
        f = fold(ln.text)
        if ln.kind is Kind.CELL:
            for m in _COUNT.finditer(f):
                for g in (1, 2, 3):
                    # a number of two digits never gets a leading zero
                    lead = "lead" if m.end(g) - m.start(g) > 1 else "digit"
                    places.append((ln, m.start(g), lead))
                    places.extend((ln, p, "digit") for p in range(m.start(g) + 1, m.end(g)))
                if m.group(4):
                    places.append((ln, m.start(4), "letter"))
        if ln.kind is Kind.NOTE and ln.starts and (m2 := _NOTE_LETTER.match(f)):
            places.append((ln, m2.start(1), "letter"))
    if not places:
        return text, 0
    ln, p, what = rnd.choice(places)
    old = fold(ln.text[p])
    if what in ("lead", "digit"):
        new = _other_digit(rnd, old, what == "lead")
    else:
        new = rnd.choice([c for c in "abcdefgh" if c != old])
    raw = [x.text for x in lines]
    raw[ln.number - 1] = ln.text[:p] + new + ln.text[p + 1 :]
    return _join(raw), ln.number


def cut_line(
    text: str,
    rnd: random.Random,
    where: Callable[[Line], bool] | None = None,
    at: Callable[[str, int], bool] | None = None,
) -> tuple[str, int]:
    """One line cut in two with a trailing space on the first part: a false
    block end.  ``where`` picks the lines, ``at(line, offset)`` the offsets
    (among :attr:`Breaks.SAFE` breaks)."""
    lines = classify(text)
    eligible = []
    for ln in lines:
        if ln.kind in CONTENT and (where is None or where(ln)):
            pos = [p for p in break_positions(ln.text) if at is None or at(ln.text, p)]
            if pos:
                eligible.append((ln, pos))
    if not eligible:
        return text, 0
    ln, pos = rnd.choice(eligible)
    first, second = split_at(ln.text, [rnd.choice(pos)])
    replacement = [first + " ", second]
    return _join(_replace([x.text for x in lines], {ln.number - 1: replacement})), ln.number


# -- showing a change -------------------------------------------------------------


def visible(line: str) -> str:
    """``line`` with its whitespace made visible (``·`` space, ``→`` tab) and
    zero-width characters named, for failure messages."""
    return (
        line.replace(" ", "·")
        .replace("\t", "→")
        .replace("\ufeff", "<FEFF>")
        .replace("\u200b", "<200B>")
    )


def show_diff(before: str, after: str, context: int = 1, limit: int = 60) -> str:
    """A unified diff of two texts, whitespace visible, at most ``limit``
    lines."""
    diff = list(
        difflib.unified_diff(
            [visible(x) for x in split_lines(before)],
            [visible(x) for x in split_lines(after)],
            "original",
            "perturbed",
            n=context,
            lineterm="",
        )
    )
    if len(diff) > limit:
        diff = [*diff[:limit], f"… {len(diff) - limit} more diff lines"]
    return "\n".join(diff)
