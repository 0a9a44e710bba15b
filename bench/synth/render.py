"""Layout of the synthetic Repertoire: the text as the PDF extractor writes it.

What the extractor does, and so what this module reproduces (see
``data/samples/`` and ``ingest/layout.py``): two body columns wrapped every
twenty-odd characters, each line followed by an empty line; the last line of
a block (paragraph, heading, footnote, table cell, table note) ends with a
space and the lines inside a block do not, which is the only line-end signal
the extractor gives; at the foot of a column a line of underscores and the
column's footnotes, the last one sometimes cut at the page end and continued
in the next footnote block; at the end of a page the undocs.org links of
every symbol on it, then the job-number footer with the running head (the
supplement's title on even pages, the Part's on odd ones) before it, after
it, or missing; tables at full width, one cell after the other, each wrapped
in its narrow column, leading spaces counting the empty cells skipped, the
header row repeated after a page break, rows and notes cut by page breaks,
notes below the table (short ones sharing a line).

Why lines break anywhere: the typesetter breaks Chinese text between any two
characters, inside a State's name (``圣文`` / ``森特和格林纳丁斯``), a date
(``2020 年 7`` / ``月 29 日``) or a resolution (``第 2533(2020)`` /
``号决议``), so a reader that only works when breaks fall between words is
wrong.  Only Latin tokens (symbols, numbers) stay whole, as the typesetter
keeps them, and a footnote marker stays on the line of the text it marks.
Widths of digits and brackets vary (``２０２０``, ``（``) as they do in the
PDFs; the truth never depends on them.

The composer records what it did (pages, printed page numbers, footnotes
continued, paragraphs cut by a page, headers repeated, cells wrapped, the
line of every row and note) and which layout features occurred, by name
(``features``), which the truth, the manifest and the tests use.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

from bench.synth import model, vocab

# --------------------------------------------------------------------------
# characters

BODY = 22.0  # units (an ideograph is 1, a Latin letter or digit 0.5)
FOOTNOTE = 27.0
WIDE = 56.0
CELL = 7.0
_MARKUP = re.compile(r"\{([SRMN<>]):([^}]*)\}")
_LATIN_MAX = 0x2E80  # below: Latin letters, digits and ASCII punctuation
# The typesetter's one rule (kinsoku): no line starts with closing
# punctuation nor ends with opening punctuation.
_OPENING = "“《（(‘「"
_CLOSING = "，。、；：！？”》）)’」"
# Full-width forms of what the PDFs print in either width: digits, Latin
# letters, brackets, the slash, the full stop and the hyphen of symbols.
_BOTH_WIDTHS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()/.-"
_TO_WIDE = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in _BOTH_WIDTHS})
_TO_NARROW = str.maketrans({chr(ord(c) + 0xFEE0): c for c in _BOTH_WIDTHS})


def wide(text: str) -> str:
    """``text`` in full-width forms (``２０２０（２０２０）``)."""
    return text.translate(_TO_WIDE)


def fold(text: str) -> str:
    """Full-width digits, letters and symbol forms back to ASCII: the text as
    it reads, whatever width the PDF printed (CJK punctuation kept)."""
    return text.translate(_TO_NARROW)


def _width(text: str) -> float:
    return sum(0.5 if ord(c) < _LATIN_MAX else 1.0 for c in text)


# --------------------------------------------------------------------------
# atoms


@dataclass(slots=True)
class Atom:
    """An unbreakable piece of text: an ideograph, a punctuation mark or a
    whole Latin token, with what it is (a symbol, a marker, a note's letter)
    and the spans it lies in (a name, a date, a resolution…)."""

    text: str
    w: float
    space: bool = False  # a space before it (dropped at a line start)
    glue: bool = False  # no break before it (a marker, closing punctuation)
    hold: bool = False  # no break after it (opening punctuation)
    symbol: str | None = None
    marker: int | None = None
    letter: str | None = None  # a table note starts here
    block_end: bool = False  # the last atom of one of several notes on shared lines
    spans: tuple[tuple[int, str], ...] = ()


class AtomRole(TypedDict, total=False):
    """What an atom is, as markup tells it (the fields of :class:`Atom` that
    the text alone does not give)."""

    glue: bool
    hold: bool
    symbol: str | None
    marker: int | None
    letter: str | None
    block_end: bool


class AtomFields(AtomRole, total=False):
    """Every optional field of :class:`Atom`: its role and where it stands."""

    space: bool
    spans: tuple[tuple[int, str], ...]


def atom(text: str, **kw: Unpack[AtomFields]) -> Atom:
    """An atom, its width measured."""
    return Atom(text, _width(text), **kw)


class _Atoms:
    """Turns markup (:mod:`bench.synth.model`) into atoms, varying the width
    of numbers and brackets as it goes."""

    def __init__(
        self,
        kind: str,
        rng: random.Random | None,
        features: Counter[str],
        due: Callable[[], int] | None,
        seen: Callable[[int], None] | None,
    ) -> None:
        self.kind = kind
        self.rng = rng
        self.features = features
        self.due = due
        self.seen = seen
        self.out: list[Atom] = []
        self.stack: list[tuple[int, str]] = []
        self.ids = 0
        self.space = False
        # Brackets of a whole block in one width: a block set in another font.
        self.wide_parens = False
        if rng is not None:
            wanted = f"fullwidth-brackets:{kind}" not in features
            self.wide_parens = rng.random() < (0.3 if wanted else 0.04)

    def add(self, text: str, **kw: Unpack[AtomRole]) -> Atom:
        a = atom(text, space=self.space, spans=tuple(self.stack), **kw)
        self.out.append(a)
        self.space = False
        return a

    def token(self, text: str, **kw: Unpack[AtomRole]) -> Atom:
        """A Latin token, sometimes printed in full-width forms."""
        if self.rng is not None and (text[:1].isdigit() or kw.get("symbol")):
            wanted = f"fullwidth-digits:{self.kind}" not in self.features
            if self.rng.random() < (0.25 if wanted else 0.025):
                self.features[f"fullwidth-digits:{self.kind}"] += 1
                text = wide(text)
        if self.wide_parens and ("(" in text or ")" in text):
            text = text.replace("(", "（").replace(")", "）")
            self.features[f"fullwidth-brackets:{self.kind}"] += 1
        return self.add(text, **kw)

    def plain(self, text: str) -> None:
        i = 0
        n = len(text)
        while i < n:
            ch = text[i]
            if ch == " ":
                self.space = True
                i += 1
                continue
            if ord(ch) < _LATIN_MAX and ch not in "()":
                j = i
                while (
                    j < n and text[j] != " " and ord(text[j]) < _LATIN_MAX and text[j] not in "()"
                ):
                    j += 1
                self.token(text[i:j])
                i = j
                continue
            if ch in "()" and self.wide_parens:
                self.features[f"fullwidth-brackets:{self.kind}"] += 1
                ch = "（" if ch == "(" else "）"
            self.add(ch, glue=ch in _CLOSING, hold=ch in _OPENING)
            i += 1

    def parse(self, markup: str) -> list[Atom]:
        pos = 0
        for m in _MARKUP.finditer(markup):
            self.plain(markup[pos : m.start()])
            kind, value = m.group(1), m.group(2)
            if kind == "S":
                self.token(value, symbol=value)
            elif kind == "R":
                number, year = value.split(":")
                self.open("resolution")
                self.add("第")
                self.space = True
                self.token(f"{number}({year})", symbol=f"S/RES/{number}({year})")
                for ch in "号决议":
                    self.add(ch)
                self.close()
            elif kind == "M":
                self.add(value, glue=True, marker=int(value))
                if self.seen is not None:
                    self.seen(int(value))
                self.space = True
            elif kind == "N":
                # A count printed right where a footnote marker could stand:
                # the number of the footnote due next, so that only the word
                # after it ("个") tells the two apart.
                self.open("count")
                due = self.due() if self.due is not None else 13
                self.token(str(due if due <= 193 else 13 + due % 100))
                self.close()
            elif kind == "<":
                self.open(value)
            else:
                self.close()
            pos = m.end()
        self.plain(markup[pos:])
        return self.out

    def open(self, tag: str) -> None:
        self.ids += 1
        self.stack.append((self.ids, tag))

    def close(self) -> None:
        if self.stack:
            self.stack.pop()


def atoms(markup: str) -> list[Atom]:
    """The atoms of a markup string, printed as written (no width varied)."""
    return _Atoms("plain", None, Counter(), None, None).parse(markup)


def render(markup: str) -> str:
    """A markup string as one printed line (no wrap, no width varied)."""
    return _join(atoms(markup)).text


# --------------------------------------------------------------------------
# lines


@dataclass(slots=True)
class Line:
    """A wrapped line: its text, what is on it, and its first and last atoms."""

    text: str
    symbols: list[str] = field(default_factory=list)
    markers: list[int] = field(default_factory=list)
    letters: list[str] = field(default_factory=list)
    first: Atom | None = None
    last: Atom | None = None


def _join(run: list[Atom]) -> Line:
    parts: list[str] = []
    for k, a in enumerate(run):
        if k and a.space:
            parts.append(" ")
        parts.append(a.text)
    return Line(
        "".join(parts),
        [a.symbol for a in run if a.symbol],
        [a.marker for a in run if a.marker is not None],
        [a.letter for a in run if a.letter is not None],
        run[0] if run else None,
        run[-1] if run else None,
    )


def wrap_atoms(
    items: list[Atom],
    width: float,
    *,
    indent: int = 0,
    bad_start: Callable[[Atom], bool] | None = None,
    prefer: frozenset[int] = frozenset(),
    slack: float = 0.0,
) -> list[Line]:
    """Greedy wrap at ``width`` units, between any two atoms but around
    punctuation that must not end or start a line, before a marker and
    before an atom that ``bad_start`` refuses.  The first line is indented
    by ``indent`` spaces (half a unit each).  A line may end up to ``slack``
    units early to break before an atom whose index is in ``prefer``."""
    lines: list[Line] = []
    start = 0
    n = len(items)
    limit = width - indent * 0.5
    while start < n:
        used = 0.0
        end = start
        best = 0
        while end < n:
            a = items[end]
            w = a.w + (0.5 if a.space and end > start else 0.0)
            if used + w > limit and end > start:
                break
            if end in prefer and end > start + 1 and used >= limit - slack:
                best = end
            used += w
            end += 1
        if end < n:
            cut = end
            while cut > start + 1 and not _breakable(items, cut, bad_start):
                cut -= 1
            if cut > start + 1 or _breakable(items, cut, bad_start):
                end = cut
            if best and _breakable(items, best, bad_start):
                end = best
        lines.append(_join(items[start:end]))
        start = end
        limit = width
    if lines and indent:
        lines[0].text = " " * indent + lines[0].text
    return lines


def _breakable(items: list[Atom], i: int, bad_start: Callable[[Atom], bool] | None) -> bool:
    if items[i].glue or items[i - 1].hold:
        return False
    return bad_start is None or not bad_start(items[i])


def _number_kind(a: Atom) -> str | None:
    """What a number that is not a marker is (count, resolution, year, date)."""
    if a.marker is not None or not fold(a.text)[:1].isdigit():
        return None
    tags = [t for _, t in a.spans]
    if "count" in tags:
        return "count"
    if "resolution" in tags:
        return "resolution"
    if "date" in tags:
        return "year" if len(fold(a.text)) == 4 else "date"
    return "number"


def break_features(lines: list[Line], kind: str) -> set[str]:
    """Where the lines of one block break: inside which spans (a name, a
    date, a resolution…), and which numbers start a line (where a marker
    could stand)."""
    out: set[str] = set()
    for prev, line in itertools.pairwise(lines):
        a, b = prev.last, line.first
        if a is None or b is None:
            continue
        if a.spans and b.spans:
            for _, tag in set(a.spans) & set(b.spans):
                out.add(f"wrap-inside:{kind}:{tag}")
        if a.symbol and a.symbol.startswith("S/RES/") and b.text == "号":
            out.add(f"wrap-inside:{kind}:resolution-after-number")
        number = _number_kind(b)
        if number:
            out.add(f"number-at-line-start:{kind}:{number}")
    return out


# Break features by how seldom they fall of themselves: searched for first.
_RARE = ("year", "resolution-after-number", "resolution", "date", "speakers", "sponsors")


def _rarity(feature: str) -> tuple[int, str]:
    last = feature.rsplit(":", 1)[1]
    return (_RARE.index(last) if last in _RARE else len(_RARE), feature)


def _break_candidates(items: list[Atom], feature: str) -> frozenset[int]:
    """Indices of the atoms a line could start with to show ``feature``."""
    what, _, tag = feature.rpartition(":")
    out: set[int] = set()
    for i in range(1, len(items)):
        a, b = items[i - 1], items[i]
        if what.startswith("wrap-inside"):
            if tag == "resolution-after-number":
                if a.symbol and a.symbol.startswith("S/RES/") and b.text == "号":
                    out.add(i)
            elif a.spans and b.spans and any(t == tag for _, t in set(a.spans) & set(b.spans)):
                out.add(i)
        elif what.startswith("number-at-line-start") and _number_kind(b) == tag:
            out.add(i)
    return frozenset(out)


def punctuation_features(items: list[Atom], kind: str) -> set[str]:
    """Numbers that are not markers right after a full stop or a comma,
    where a footnote marker could stand."""
    out: set[str] = set()
    for a, b in itertools.pairwise(items):
        if a.text in "。，；" and not b.space:
            number = _number_kind(b)
            if number:
                out.add(f"number-after-punctuation:{kind}:{number}")
    return out


def _cuts(lines: list[Line], number: int) -> list[int]:
    """Where footnote ``number`` can be cut by a page break: before any line
    but one that starts with a number the next footnotes could have (the
    continuation starts the next footnote block, where such a number would
    read as a footnote's; ``2020 年`` there is a continuation, and the
    missing trailing space on the line before it says so)."""
    out = []
    for k in range(1, len(lines)):
        head = re.match(r"\d+", fold(lines[k].text.lstrip()))
        if head is None or not number < int(head.group()) <= number + 5:
            out.append(k)
    return out


def justify(text: str, rng: random.Random) -> str:
    """Spaces between ideographs, as the extractor writes justified cells."""
    if len(text) < 4 or not all(0x4E00 <= ord(c) <= 0x9FFF for c in text):
        return text
    return " ".join(text) if rng.random() < 0.5 else text


# --------------------------------------------------------------------------
# the composer


@dataclass(slots=True)
class Record:
    """What the layout did with one file (for the truth and the tests)."""

    printed_pages: list[int] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    footnote_continuations: int = 0
    # Paragraphs cut by a page or a footnote block: as printed, widths
    # folded, footnote markers left out.
    cut_paragraphs: list[str] = field(default_factory=list)
    repeated_headers: int = 0
    table_page_breaks: int = 0
    wrapped_cells: int = 0
    justified_cells: int = 0
    footnote_blocks: int = 0
    link_lines: int = 0
    expected: list[tuple[str, int]] = field(default_factory=list)  # (code, line)
    features: Counter[str] = field(default_factory=Counter)


_MEETINGS_HEADER = [
    "会议记录及日期 分项 其他文件 ",
    "根据规则第 37 条 ",
    "发出的邀请 ",
    "根据规则第 39 条 ",
    "发出的邀请及 ",
    "其他邀请 发言者 ",
    "决定和表决 ",
    "(赞成-反对-弃权) ",
]
_VC_HEADER = ["视频会议日期 视频会议记录 标题 ", "决定、表决(赞成-反对-弃权) ", "和书面程序记录 "]
SEPARATOR = "__________________ "
# The title of a videoconference's record: the President's letter, after its date.
LETTER_TITLE = "安全理事会主席给秘书长和安全理事会成员国常驻代表的信"
# Features searched for by trying a few narrower widths, once per file (for
# blocks that could show them); the others occur as they fall.
_SEARCHED_KINDS = ("body", "footnote")
_MAX_TRIES = 30


@dataclass(slots=True)
class _Column:
    lines: list[Line] = field(default_factory=list)
    footnotes: list[int] = field(default_factory=list)
    units: float = 0.0


@dataclass(slots=True)
class _TableWidths:
    """Column widths of one table (each cell wrapped in its column)."""

    date: float
    cells: float
    decisions: float
    title: float
    notes: float


class Composer:
    """Lays out sections into the lines of one file, page after page."""

    def __init__(
        self,
        rng: random.Random,
        year: int,
        job: str,
        first_page: int,
        footnotes: dict[int, model.Footnote],
        column_lines: int = 34,
    ) -> None:
        self.rng = rng
        self.year = year
        self.job = job
        self.page = first_page
        self.footnotes = footnotes
        self.cap = column_lines
        self.out: list[str] = []
        self._counted = 0
        self._bytes = 0
        self.rec = Record()
        self.features = self.rec.features
        self.col = _Column()
        self.col_index = 0
        self.col_cap = float(column_lines)
        self.page_symbols: list[str] = []
        self.carry: tuple[int, list[Line]] | None = None
        self.first_page = True
        self.last_footnote: int | None = None  # the last footnote number emitted
        self.marker_seen = 0  # the highest marker laid out so far, in text order
        self.height_used = 0.0  # lines of page height used above the current columns
        self.want_cut = False  # cut the next footnote that can be cut
        self.want_row_split = True  # cut the next table row that can be cut
        self.want_note_split = True  # likewise a table note
        self.symbol_line_of: dict[int, tuple[str, list[str]]] = {}  # decision → its symbol's line
        self.want_shared_line = True  # likewise notes sharing a line
        self.want_date_wrap = True  # likewise a meeting's date cell
        self.want_decision_wrap = True  # likewise a decision's cell (its first table)
        # Where the running head goes on the pages after the first, until
        # each way has occurred once; then at random.
        self.head_plan = ["after", "before", "none"]
        self._fn_lines: dict[int, list[Line]] = {}
        self._tries: Counter[str] = Counter()

    # -- output ------------------------------------------------------------
    def emit(self, text: str, *, blank: bool = True) -> int:
        """Write one line (and the empty line after it); its 1-based number."""
        self.out.append(text)
        number = len(self.out)
        if blank:
            self.out.append("")
        return number

    @property
    def size(self) -> int:
        """Bytes written so far (counted on the lines added since last asked)."""
        for line in self.out[self._counted :]:
            self._bytes += len(line.encode("utf-8")) + 1
        self._counted = len(self.out)
        return self._bytes

    def text(self) -> str:
        """The file's text."""
        return "\n".join(self.out) + "\n"

    # -- atoms and wrapping -------------------------------------------------
    def atoms(self, markup: str, kind: str) -> list[Atom]:
        """The atoms of a block of ``kind`` (body, footnote, cell, note…)."""
        vary = kind not in ("heading", "title")
        due = seen = None
        if kind == "body":

            def due() -> int:
                return self.marker_seen + 1

            def seen(n: int) -> None:
                self.marker_seen = max(self.marker_seen, n)

        return _Atoms(kind, self.rng if vary else None, self.features, due, seen).parse(markup)

    def _wanted(self, items: list[Atom], kind: str) -> set[str]:
        """Break features this block could show that this file lacks so far."""
        if kind not in _SEARCHED_KINDS:
            return set()
        sizes: Counter[tuple[int, str]] = Counter()
        for a in items:
            sizes.update(a.spans)
        tags = {tag for span, tag in sizes if sizes[(span, tag)] >= 2}
        wanted = {f"wrap-inside:{kind}:{t}" for t in tags}
        if "resolution" in tags:
            wanted.add(f"wrap-inside:{kind}:resolution-after-number")
            wanted.add(f"number-at-line-start:{kind}:resolution")
        if "date" in tags:
            wanted.add(f"number-at-line-start:{kind}:year")
        return {w for w in wanted if w not in self.features and self._tries[w] < _MAX_TRIES}

    def wrap_block(
        self,
        items: list[Atom],
        width: float,
        kind: str,
        *,
        indent: int = 0,
        bad_start: Callable[[Atom], bool] | None = None,
    ) -> list[Line]:
        """Wrap one block and record where it broke.  A block that could show
        a break feature the file still lacks is tried at a few narrower
        widths (at most two units less: a column set tighter), its lines
        allowed to end up to five units early before an atom that would show
        it (as a line ends early before a number that does not fit), the
        rarest first."""
        lines = wrap_atoms(items, width, indent=indent, bad_start=bad_start)
        found = break_features(lines, kind)
        wanted = self._wanted(items, kind) - found
        # The rarest first, each kept if the layout still shows the ones
        # searched for before it.
        prefer: frozenset[int] = frozenset()
        shown: set[str] = set()
        for feature in sorted(wanted, key=_rarity):
            candidates = _break_candidates(items, feature)
            for k in range(10) if candidates else ():
                alt = wrap_atoms(
                    items,
                    width - 0.5 * (k % 5),
                    indent=indent,
                    bad_start=bad_start,
                    prefer=prefer | candidates,
                    slack=5.0 if k < 5 else 2.5,
                )
                alt_found = break_features(alt, kind)
                if feature in alt_found and shown <= alt_found:
                    lines, found = alt, alt_found
                    prefer |= candidates
                    shown.add(feature)
                    break
            else:
                self._tries[feature] += 1
        found |= punctuation_features(items, kind)
        self.features.update(found)
        return lines

    # -- columns and pages ------------------------------------------------------
    def _footnote_lines(self, number: int) -> list[Line]:
        """A footnote's lines (wrapped once: the width search and the width
        of its digits must not change between measuring and writing)."""
        lines = self._fn_lines.get(number)
        if lines is None:
            fn = self.footnotes[number]
            items = self.atoms(fn.text, "footnote")
            if items:
                items[0].space = True
            items.insert(0, atom(str(number)))
            nxt = str(number + 1)
            lines = self.wrap_block(
                items,
                FOOTNOTE,
                "footnote",
                indent=1,
                bad_start=lambda a: fold(a.text) == nxt,
            )
            lines[-1].text += " "
            self._fn_lines[number] = lines
        return lines

    def add_text(self, markup: str, *, kind: str = "body", cut_record: bool = False) -> None:
        """A paragraph or heading: wrapped into the columns, footnotes below them."""
        body = markup.lstrip(" ")
        indent = len(markup) - len(body)
        items = self.atoms(body, kind)
        lines = self.wrap_block(items, BODY, kind, indent=indent)
        lines[-1].text += " "
        columns = 1
        for line in lines:
            if self.col.units + 1 > self.col_cap and self.col.lines and not self._collides(line):
                self.close_column()
                columns += 1
            self.col.lines.append(line)
            self.col.units += 1
            for n in line.markers:
                self.col.footnotes.append(n)
                self.col.units += len(self._footnote_lines(n))
            if (
                self.want_cut
                and line.markers
                and _cuts(self._footnote_lines(line.markers[-1]), line.markers[-1])
                and self.col.units >= 0.3 * self.col_cap
            ):
                # End the column on a footnote that can be cut, so that every
                # file has a footnote continued after a break.
                self.close_column()
                columns += 1
        if cut_record and columns > 1:
            text = _join([a for a in items if a.marker is None]).text
            self.rec.cut_paragraphs.append(fold(text))

    def _collides(self, line: Line) -> bool:
        """Whether ``line``, first in a column, would read as one of the next
        footnotes (``113 个会员国…`` when footnote 113 is due): it stays in
        this column."""
        head = line.first
        if head is None or head.marker is not None:
            return False
        text = fold(head.text)
        if not text.isdigit():
            return False
        due = (self.last_footnote or 0) + 1
        return due <= int(text) <= max(due, self.marker_seen) + 3

    def _write_column(self, *, force_cut: bool = False) -> None:
        """The column's body lines, then its footnote block."""
        col = self.col
        for line in col.lines:
            self.emit(line.text)
            self.page_symbols += line.symbols
        if col.footnotes or self.carry:
            self.rec.footnote_blocks += 1
            self.emit(SEPARATOR)
            if self.carry is not None:
                number, rest = self.carry
                for line in rest:
                    self.emit(line.text)
                    self.page_symbols += line.symbols
                self.footnotes[number].continued = True
                self.rec.footnote_continuations += 1
                self.features["footnote-continued"] += 1
                self.carry = None
            if len(col.footnotes) >= 2:
                self.features["footnotes-several-in-block"] += 1
            for k, number in enumerate(col.footnotes):
                lines = self._footnote_lines(number)
                cut = 0
                wanted = force_cut or self.want_cut or self.rng.random() < 0.1
                cuts = _cuts(lines, number)
                if k == len(col.footnotes) - 1 and cuts and wanted:
                    cut = self.rng.choice(cuts)
                    if fold(lines[cut].text)[:1].isdigit():
                        self.features["footnote-continued:starting-with-a-number"] += 1
                for line in lines[:cut] if cut else lines:
                    self.emit(line.text)
                    self.page_symbols += line.symbols
                self.last_footnote = number
                if cut:
                    self.want_cut = False
                    self.carry = (number, lines[cut:])
                    self.emit(" ")  # whitespace-only: the page breaks inside the footnote
        self.col = _Column()

    def close_column(self) -> None:
        """End the column; after the second one, the page."""
        self._write_column()
        self.col_index += 1
        if self.col_index >= 2:
            self.end_page()

    def end_page(self) -> None:
        """Links of the page's symbols, then the footer and the running head."""
        if self.col.lines or self.col.footnotes:
            self._write_column()
        for symbol in self.page_symbols:
            self.out.append(f"https://undocs.org/ch/{symbol}")
            self.rec.link_lines += 1
        self.page_symbols = []
        self.out.append("")
        if self.first_page:
            footer = f"{self.job} (C) {self.page} "
        elif self.page % 2:
            footer = f"{self.page} {self.job} "
        else:
            footer = f"{self.job} {self.page} "
        # The supplement's title heads even pages, the Part's odd ones; the
        # first page of a file always names the supplement (its year).
        if self.first_page or self.page % 2 == 0:
            head, which = f"{self.year} 年安全理事会惯例汇辑  ", "supplement"
        else:
            head, which = f"{vocab.PART_TITLE}  ", "part"
        if self.first_page:
            where = "before"
        elif self.head_plan:
            where = self.head_plan.pop(0)
        else:
            where = self.rng.choice(("before", "after", "before", "after", "none"))
        if where == "before":
            furniture = [head, footer]
        elif where == "after":
            furniture = [footer, head]
        else:
            furniture = [footer]
        for f in furniture:
            self.emit(f)
            self.emit(" ")
        if where != "none":
            self.features[f"running-head:{which}"] += 1
        self.features[f"running-head-position:{where}"] += 1
        self.rec.printed_pages.append(self.page)
        for f in furniture:
            if f.strip() not in self.rec.furniture:
                self.rec.furniture.append(f.strip())
        self.page += 1
        self.first_page = False
        self.col_index = 0
        self.col_cap = float(self.cap)
        self.height_used = 0.0

    def finish(self) -> None:
        """End the file at the end of a page (a footnote cut last is continued)."""
        if self.col.lines or self.col.footnotes:
            self._write_column()
        if self.carry is not None:
            self._write_column()
        if self.out and (self.page_symbols or self.col_index or self.out[-1] != ""):
            self.end_page()

    # -- tables ----------------------------------------------------------------
    def _table_start(self) -> None:
        """Tables run at full width below the text columns above them."""
        if self.col.lines or self.col.footnotes or self.col_index:
            region = self.col.units if self.col_index == 0 else self.col_cap
            if self.col.lines or self.col.footnotes:
                self._write_column()
            self.height_used += region
            self.col_index = 0
        if self.height_used > self.cap - 6:
            self.end_page()

    def _table_line(
        self,
        text: str,
        symbols: list[str] | None = None,
        *,
        blank: bool = True,
        height: float = 1.0,
    ) -> int:
        self.height_used += height
        if symbols:
            self.page_symbols += symbols
        return self.emit(text, blank=blank)

    def _table_break(self, header: list[str], width_marker: str) -> None:
        """A page break inside a table: links and furniture, then the header again."""
        self.end_page()
        self.rec.table_page_breaks += 1
        self.rec.repeated_headers += 1
        self.features["table-header-repeated"] += 1
        for h in header:
            self._table_line(h)
        self._table_line(width_marker, blank=False)

    def _table_end(self) -> None:
        remaining = self.cap - self.height_used
        if remaining < 6:
            self.end_page()
        else:
            self.col_index = 0
            self.col_cap = remaining

    def add_table(self, table: model.Table, *, force_break: bool = False) -> None:
        """A meetings or videoconferences table, page breaks included."""
        rng = self.rng
        widths = _TableWidths(
            date=9.5,
            cells=rng.uniform(6.0, 8.5),
            decisions=rng.uniform(6.5, 10.5) if not self.want_decision_wrap else 6.0,
            title=rng.uniform(WIDE - 3, WIDE + 2),
            notes=rng.uniform(WIDE - 2, WIDE + 2),
        )
        self.want_decision_wrap = False
        self._table_start()
        if table.number is not None:
            suffix = " (续)" if table.continued else ""
            self._table_line(f"表 {table.number}{suffix} ")
        items = self.atoms(table.title, "title")
        for line in (lines := wrap_atoms(items, WIDE)):
            if line is lines[-1]:
                line.text += " "
            self._table_line(line.text)
        meetings = table.kind == "meetings"
        header = _MEETINGS_HEADER if meetings else _VC_HEADER
        marker = " " * (7 if meetings else 4)
        for h in header:
            self._table_line(h)
        self._table_line(marker, blank=rng.random() < 0.5)
        rows = table.rows
        for i, row in enumerate(rows):
            if isinstance(row, model.Meeting):
                rendered, decision_lines = self._meeting_row(row, widths)
            else:
                assert isinstance(row, model.Videoconference)
                rendered, decision_lines = self._vc_row(row, widths)
            # Where the last column (decisions) starts: a row cut before it
            # leaves that column empty on the page, which the extractor
            # writes as a whitespace-only line.
            last_column = len(rendered) - decision_lines
            # The first cell (record and date, or a videoconference's date,
            # record and title) ends on the page the row starts on.
            skip = 1 if meetings else 0
            head = 1 + next(k for k, (t, _) in enumerate(rendered) if t.endswith(" ") and k >= skip)
            # A meetings row's cells stand side by side: its height is about a
            # third of its extracted lines; a videoconference row is full width.
            height = 0.35 if meetings else 1.0
            room = int((self.cap - self.height_used) / height)
            split = 0
            if self.want_row_split and len(rendered) >= head + 2:
                split = rng.randint(head, len(rendered) - 1)
                self.want_row_split = False
            elif head <= room < len(rendered) and rng.random() < 0.5:
                split = room
            elif room < len(rendered) and i > 0:
                self._table_break(header, marker)
            line_no = 0
            decision_line: dict[int, int] = {}
            starts = {id(t): id(d) for d in row.decisions if (t := self.symbol_line_of.get(id(d)))}
            for k, (text, symbols) in enumerate(rendered):
                if split and k == split:
                    # The row goes on after the page break: links and
                    # furniture, the header, then the rest.
                    if k <= last_column:
                        self._table_line(" ")
                    self._table_break(header, marker)
                    inside = not rendered[k - 1][0].endswith(" ")
                    self.features[f"row-continued:{table.kind}"] += 1
                    if inside:
                        self.features["row-continued:inside-cell"] += 1
                n = self._table_line(text, symbols, height=height)
                if k == 0:
                    line_no = n
                if id(rendered[k]) in starts:
                    decision_line[starts[id(rendered[k])]] = n
            for e in row.expected if isinstance(row, model.Meeting) else []:
                self.rec.expected.append((e.code, line_no))
            for d in row.decisions:
                for e in d.expected:
                    if e.anchor == "row":
                        self.rec.expected.append((e.code, line_no))
                    elif e.anchor == "decision":
                        self.rec.expected.append((e.code, decision_line.get(id(d), line_no)))
            if meetings or not row.decisions or rng.random() < 0.5:
                self._table_line(" ")  # the empty cell that ends the row
            else:
                self.features["row-without-blank-line"] += 1
            if force_break and i == 0 and len(rows) > 1 and not split:
                self._table_break(header, marker)
                force_break = False
        self._notes(table, widths)
        self._table_end()

    # -- notes -------------------------------------------------------------------
    def _note_groups(self, notes: list[model.Note], width: float) -> list[list[model.Note]]:
        """Notes in groups set on shared lines: a short note and the next."""
        groups: list[list[model.Note]] = []
        for note in notes:
            last = groups[-1] if groups else None
            short = last is not None and _width(render(last[-1].text)) + 2 < width * 0.6
            if last is not None and short and len(last) < 3:
                share = self.want_shared_line or self.rng.random() < 0.2
                if share:
                    last.append(note)
                    self.want_shared_line = False
                    continue
            groups.append([note])
        return groups

    def _notes(self, table: model.Table, widths: _TableWidths) -> None:
        for group in self._note_groups(table.notes, widths.notes):
            items: list[Atom] = []
            for k, note in enumerate(group):
                items.append(atom(note.letter, space=k > 0, letter=note.letter))
                body = self.atoms(note.text, "note")
                if body:
                    body[0].space = True
                    body[-1].block_end = True
                items += body
                if len(note.letter) > 1:
                    self.features["table-note-letter-past-z"] += 1
            lines = wrap_atoms(items, widths.notes, indent=1)
            self.features.update(break_features(lines, "note"))
            # A note that ends a line ends its block: a trailing space, and the
            # next note starts its own line as a note does.
            for k in range(len(lines) - 1):
                last = lines[k].last
                if last is not None and last.block_end:
                    lines[k].text += " "
                    lines[k + 1].text = " " + lines[k + 1].text
            lines[-1].text += " "
            if len(group) > 1 and any(len(line.letters) > 1 for line in lines):
                self.features["table-notes-sharing-a-line"] += 1
            if len(group) == 1 and len(lines) > 1:
                self.features["table-note-over-several-lines"] += 1
            split = 0
            if self.want_note_split and len(lines) >= 2:
                split = self.rng.randint(1, len(lines) - 1)
                self.want_note_split = False
            first_line: dict[str, int] = {}
            for k, line in enumerate(lines):
                if split and k == split:
                    self.end_page()  # links and furniture, no header: notes are below the table
                    self.features["table-note-continued"] += 1
                n = self._table_line(line.text, line.symbols)
                for letter in line.letters:
                    first_line[letter] = n
            for note in group:
                for e in note.expected:
                    if e.anchor == "note":
                        self.rec.expected.append((e.code, first_line[note.letter]))

    # -- rows --------------------------------------------------------------------
    def _cell(
        self,
        markup: str,
        indent: int,
        width: float,
        *,
        justified: bool = False,
    ) -> list[tuple[str, list[str]]]:
        items = self.atoms(markup, "cell")
        lines = wrap_atoms(items, width)
        self.features.update(break_features(lines, "cell"))
        if len(lines) > 1:
            self.rec.wrapped_cells += 1
        out = []
        for k, line in enumerate(lines):
            text = line.text
            if justified:
                text = justify(text, self.rng)
            if k == 0:
                text = " " * indent + text
            out.append((text, line.symbols))
        if justified and any(" " in t.strip() for t, _ in out):
            self.rec.justified_cells += 1
        out[-1] = (out[-1][0] + " ", out[-1][1])
        return out

    def _entries(self, entries: list[model.Invitee]) -> str:
        """A list cell: names joined by 、, a note's letter after the 、 that
        follows the name it is about (``安理会全体成员、a 所有受邀者``)."""
        parts: list[str] = []
        for k, e in enumerate(entries):
            parts.append(e.zh)
            if e.note and k + 1 < len(entries):
                parts.append("、" + e.note + " ")
            elif e.note:
                parts.append(e.note)
            elif k + 1 < len(entries):
                parts.append("、")
        return "".join(parts)

    def _count(self, d: model.Decision) -> str:
        """A vote count as printed: its digits and dashes in either width."""
        assert d.counts is not None
        numbers = [str(x) for x in d.counts]
        dash = "-"
        roll = self.rng.random()
        if roll < 0.04 or ("fullwidth-digits:count" not in self.features and roll < 0.3):
            numbers = [wide(x) for x in numbers]
            self.features["fullwidth-digits:count"] += 1
        elif roll > 0.97:
            dash = "–"
            self.features["en-dash:count"] += 1
        return dash.join(numbers) + (d.note or "") + " "

    def _decision_lines(self, d: model.Decision, width: float) -> list[tuple[str, list[str]]]:
        lines: list[tuple[str, list[str]]] = []
        if d.kind == "draft-resolution":
            lines.append(("决议草案 ", []))
            cell = "{<:decision}" + model.sym(d.symbol) + "(未通过){>:}"
        elif d.kind == "resolution":
            number, year = d.symbol.removeprefix("S/RES/").rstrip(")").split("(")
            cell = "{<:decision}" + model.res(int(number), int(year)) + "{>:}"
        else:
            cell = model.sym(d.symbol)
        cell_lines = self._cell(cell, 0, width)
        if cell_lines:
            # Where the ingest locates findings about this decision: the line
            # its symbol starts on (kept by identity, the text may repeat).
            self.symbol_line_of[id(d)] = cell_lines[0]
        lines += cell_lines
        if d.counts is not None:
            lines.append((self._count(d), []))
            if d.note is None and d.counts == (15, 0, 0):
                self.features["count-unanimous-without-note"] += 1
        if d.written_procedure:
            lines.append((f"{d.written_procedure} ", [d.written_procedure]))
        return lines

    def _meeting_row(
        self, m: model.Meeting, widths: _TableWidths
    ) -> tuple[list[tuple[str, list[str]]], int]:
        """The row's lines, cell after cell, and how many are decisions."""
        rows: list[tuple[str, list[str]]] = []
        date_markup = model.full_date(m.date, self.rng)
        date_width = widths.date
        if self.want_date_wrap or self.rng.random() < 0.05:
            # A date a little wider than its column: it wraps inside.
            date_width = max(4.0, _width(render(date_markup)) - 2.0)
            self.want_date_wrap = False
        date = self._cell(date_markup, 0, date_width)
        if len(date) > 1:
            self.features["cell-wrapped:date"] += 1
        if m.two_line_head:
            rows += [(f"{m.record} ", [m.record]), *date]
        else:
            rows += [(m.record, [m.record]), *date]
        columns: list[tuple[int, list[tuple[str, list[str]]]]] = []
        if m.sub_item:
            cell = self._cell("{<:subitem}" + m.sub_item[1] + "{>:}", 0, widths.cells)
            columns.append((2, cell))
            self.features["table-sub-item"] += 1
        if m.other_documents:
            cell = self._cell("、".join(model.sym(x) for x in m.other_documents), 0, widths.cells)
            columns.append((3, cell))
            self.features["table-other-documents"] += 1
        if m.rule37:
            columns.append((4, self._cell(self._entries(m.rule37), 0, widths.cells)))
        if m.rule39:
            columns.append((5, self._cell(self._entries(m.rule39), 0, widths.cells)))
        if m.speakers:
            cell = self._cell(self._entries(m.speakers), 0, widths.cells, justified=True)
            columns.append((6, cell))
        decisions = [x for d in m.decisions for x in self._decision_lines(d, widths.decisions)]
        if decisions:
            columns.append((7, decisions))
        expected_col = 2
        for col, lines in columns:
            indent = col - expected_col
            if indent:
                lines = [(" " * indent + lines[0][0], lines[0][1]), *lines[1:]]
            rows += lines
            expected_col = col + 1
        return rows, len(decisions)

    def _vc_row(
        self, v: model.Videoconference, widths: _TableWidths
    ) -> tuple[list[tuple[str, list[str]]], int]:
        """The row's lines (date, record and title, then the decisions) and
        how many are decisions."""
        rows: list[tuple[str, list[str]]] = []
        date = model.full_date(v.date, self.rng)
        decisions = [x for d in v.decisions for x in self._decision_lines(d, widths.decisions)]
        if v.record is None:
            head = f"{render(date)} 无记录 {v.note} "
            if decisions and len(v.decisions) == 1 and not v.decisions[0].counts:
                text, symbols = decisions.pop(0)
                rows.append((f"{head} {text}", symbols))
            else:
                rows.append((head, []))
        else:
            assert v.record_date is not None
            title = model.full_date(v.record_date, self.rng) + LETTER_TITLE
            items = self.atoms(f"{date} {model.sym(v.record)} {title}", "cell")
            lines = wrap_atoms(items, widths.title)
            for k, line in enumerate(lines):
                rows.append((line.text + (" " if k == len(lines) - 1 else ""), line.symbols))
        return rows + decisions, len(decisions)
