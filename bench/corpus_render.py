"""Layout of the synthetic Repertoire: the text as the PDF extractor writes it.

What the extractor does, and so what this module reproduces (see
``data/samples/`` and ``ingest/layout.py``): two body columns wrapped every
twenty-odd characters, each line followed by an empty line; the last line of
a block (paragraph, heading, footnote, table cell) ends with a space; at the
foot of a column a line of underscores and the column's footnotes, the last
one cut at the page end and continued in the next footnote block; at the end
of a page the undocs.org links of every symbol on it, then the running
header and the job-number footer; tables at full width, one cell after the
other, each wrapped in its narrow column and ended by a space, leading
spaces counting the empty cells skipped, a whitespace-only line between
rows, the header row repeated after a page break, notes below.

The composer records what it did (pages, printed page numbers, footnotes
continued, paragraphs cut by a page, headers repeated, cells wrapped, the
line of every row and note), which the truth and the tests use.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bench import corpus_model as model

# --------------------------------------------------------------------------
# atoms and wrapping

_MARKUP = re.compile(r"\{([SRM]):([^}]*)\}")
_OPENING = "“《（(‘「"
_CLOSING = "，。、；：！？”》）)’」"
BODY = 22.0  # units (an ideograph is 1, a Latin letter or digit 0.5)
FOOTNOTE = 27.0
WIDE = 56.0
CELL = 7.0


@dataclass(slots=True)
class Atom:
    """An unbreakable piece of text."""

    text: str
    space: bool = False  # a space before it (dropped at a line start)
    glue: bool = False  # no break before it
    hold: bool = False  # no break after it
    symbol: str | None = None
    marker: int | None = None

    @property
    def width(self) -> float:
        return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in self.text)


def atoms(markup: str) -> list[Atom]:
    """The atoms of a markup string (see ``bench/corpus_model.py``)."""
    out: list[Atom] = []
    space = False
    pos = 0
    for m in [*_MARKUP.finditer(markup), None]:
        plain = markup[pos : m.start() if m else len(markup)]
        space = _plain(plain, out, space)
        if m is None:
            break
        kind, value = m.group(1), m.group(2)
        if kind == "S":
            out.append(Atom(value, space=space, symbol=value))
            space = False
        elif kind == "R":
            number, year = value.split(":")
            out.append(Atom("第", space=space))
            out.append(Atom(f"{number}({year})", space=True, symbol=f"S/RES/{number}({year})"))
            out += [Atom("号", glue=True), Atom("决"), Atom("议")]
            space = False
        else:  # a footnote marker: glued to what it follows, a space after it
            out.append(Atom(value, glue=True, marker=int(value)))
            space = True
        pos = m.end()
    return out


def _plain(text: str, out: list[Atom], space: bool) -> bool:
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == " ":
            space = True
            i += 1
            continue
        if ord(ch) < 0x2E80 and ch not in "()":
            j = i
            while j < len(text) and text[j] != " " and ord(text[j]) < 0x2E80:
                j += 1
            out.append(Atom(text[i:j], space=space))
            i = j
        else:
            out.append(Atom(ch, space=space, glue=ch in _CLOSING, hold=ch in _OPENING))
            i += 1
        space = False
    return space


@dataclass(slots=True)
class Line:
    """A wrapped line: its text and the symbols and markers on it."""

    text: str
    symbols: list[str] = field(default_factory=list)
    markers: list[int] = field(default_factory=list)


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
    )


def wrap(
    markup: str,
    width: float,
    *,
    first: float | None = None,
    bad_start: Callable[[str], bool] | None = None,
) -> list[Line]:
    """Greedy wrap at ``width`` units (``first`` for the first line), never
    before a glued atom nor after a held one, never starting a line that
    ``bad_start`` refuses."""
    items = atoms(markup)
    indent = len(markup) - len(markup.lstrip(" "))
    lines: list[Line] = []
    start = 0
    limit = (first if first is not None else width) - indent * 0.5
    while start < len(items):
        used = 0.0
        end = start
        while end < len(items):
            a = items[end]
            w = a.width + (0.5 if a.space and end > start else 0.0)
            if used + w > limit and end > start:
                break
            used += w
            end += 1
        if end < len(items):
            cut = end
            while cut > start + 1 and not _breakable(items, cut, bad_start):
                cut -= 1
            end = cut if cut > start + 1 or _breakable(items, cut, bad_start) else end
        lines.append(_join(items[start:end]))
        start = end
        limit = width
    if lines and indent:
        lines[0].text = " " * indent + lines[0].text
    return lines


def _breakable(items: list[Atom], i: int, bad_start: Callable[[str], bool] | None) -> bool:
    if items[i].glue or items[i - 1].hold:
        return False
    if bad_start is not None:
        rest = _join(items[i : i + 6]).text
        return not bad_start(rest)
    return True


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
    cut_paragraphs: list[str] = field(default_factory=list)
    repeated_headers: int = 0
    table_page_breaks: int = 0
    wrapped_cells: int = 0
    justified_cells: int = 0
    footnote_blocks: int = 0
    link_lines: int = 0
    expected: list[tuple[str, int]] = field(default_factory=list)  # (code, line)


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


@dataclass(slots=True)
class _Column:
    lines: list[Line] = field(default_factory=list)
    footnotes: list[int] = field(default_factory=list)
    units: float = 0.0


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
        self.col = _Column()
        self.col_index = 0
        self.col_cap = float(column_lines)
        self.page_symbols: list[str] = []
        self.carry: tuple[int, list[Line]] | None = None
        self.first_page = True
        self.last_footnote: int | None = None  # the last footnote number emitted
        self.height_used = 0.0  # lines of page height used above the current columns
        self.want_cut = False  # cut the next footnote that can be cut

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

    # -- columns and pages ------------------------------------------------------
    def _footnote_lines(self, number: int) -> list[Line]:
        fn = self.footnotes[number]
        nxt = f"{number + 1} "
        return wrap(f" {number} {fn.text}", FOOTNOTE, bad_start=lambda s: _is_next(s, nxt))

    def add_text(self, markup: str, *, cut_record: str | None = None) -> None:
        """A paragraph or heading: wrapped into the columns, footnotes below them."""
        lines = wrap(markup, BODY)
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
        if cut_record and columns > 1:
            self.rec.cut_paragraphs.append(cut_record)

    def _collides(self, line: Line) -> bool:
        """Whether ``line``, first in a column, would read as the next footnote
        (``2020 年…`` when footnote 2020 is due): it stays in this column."""
        due = (self.last_footnote or 0) + 1
        return _is_next(line.text, f"{due} ")

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
                self.carry = None
            for k, number in enumerate(col.footnotes):
                lines = self._footnote_lines(number)
                lines[-1].text += " "
                cut = 0
                wanted = force_cut or self.want_cut or self.rng.random() < 0.1
                if k == len(col.footnotes) - 1 and len(lines) >= 2 and wanted:
                    cut = self.rng.randint(1, len(lines) - 1)
                    while cut < len(lines) and lines[cut].text.lstrip()[:1].isdigit():
                        cut += 1  # a continuation never starts with a number
                    cut = cut if cut < len(lines) else 0
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
        """Links of the page's symbols, then the running header and the footer."""
        if self.col.lines or self.col.footnotes:
            self._write_column()
        for symbol in self.page_symbols:
            self.out.append(f"https://undocs.org/ch/{symbol}")
            self.rec.link_lines += 1
        self.page_symbols = []
        self.out.append("")
        header = f"{self.year} 年安全理事会惯例汇辑  "
        if self.first_page:
            footer = f"{self.job} (C) {self.page} "
        elif self.page % 2:
            footer = f"{self.page} {self.job} "
        else:
            footer = f"{self.job} {self.page} "
        self.emit(header)
        self.emit(" ")
        self.emit(footer)
        self.emit(" ")
        self.rec.printed_pages.append(self.page)
        for f in (header.strip(), footer.strip()):
            if f not in self.rec.furniture:
                self.rec.furniture.append(f)
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
        """A page break between rows: links and furniture, then the header again."""
        self.end_page()
        self.rec.table_page_breaks += 1
        self.rec.repeated_headers += 1
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
        self._table_start()
        if table.number is not None:
            suffix = " (续)" if table.continued else ""
            self._table_line(f"表 {table.number}{suffix} ")
        for line in (lines := wrap(table.title, WIDE)):
            if line is lines[-1]:
                line.text += " "
            self._table_line(line.text)
        meetings = table.kind == "meetings"
        header = _MEETINGS_HEADER if meetings else _VC_HEADER
        marker = " " * (7 if meetings else 4)
        for h in header:
            self._table_line(h)
        self._table_line(marker, blank=self.rng.random() < 0.5)
        rows = table.rows
        for i, row in enumerate(rows):
            if isinstance(row, model.Meeting):
                rendered = self._meeting_row(row)
            else:
                assert isinstance(row, model.Videoconference)
                rendered = self._vc_row(row)
            # A meetings row's cells stand side by side: its height is about a
            # third of its extracted lines; a videoconference row is full width.
            height = 0.35 if meetings else 1.0
            if self.height_used + height * len(rendered) > self.cap and i > 0:
                self._table_break(header, marker)
            line_no = 0
            for k, (text, symbols) in enumerate(rendered):
                n = self._table_line(text, symbols, height=height)
                if k == 0:
                    line_no = n
            for e in row.expected if isinstance(row, model.Meeting) else []:
                self.rec.expected.append((e.code, line_no))
            for d in row.decisions:
                for e in d.expected:
                    if e.anchor == "row":
                        self.rec.expected.append((e.code, line_no))
            self._table_line(" ")
            if force_break and i == 0 and len(rows) > 1:
                self._table_break(header, marker)
                force_break = False
        for note in table.notes:
            lines = wrap(f" {note.letter} {note.text}", WIDE)
            lines[-1].text += " "
            first_line = 0
            for k, line in enumerate(lines):
                n = self._table_line(line.text, line.symbols)
                if k == 0:
                    first_line = n
            for e in note.expected:
                if e.anchor == "note":
                    self.rec.expected.append((e.code, first_line))
        self._table_end()

    def _cell(
        self, markup: str, indent: int, *, justified: bool = False
    ) -> list[tuple[str, list[str]]]:
        lines = wrap(markup, CELL, bad_start=_bad_cell_start)
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

    def _decision_lines(self, d: model.Decision) -> list[tuple[str, list[str]]]:
        lines: list[tuple[str, list[str]]] = []
        if d.kind == "draft-resolution":
            lines.append(("决议草案 ", []))
            lines.append((f"{d.symbol}(未通过) ", [d.symbol]))
        elif d.kind == "resolution":
            number, year = d.symbol.removeprefix("S/RES/").rstrip(")").split("(")
            lines.append((f"第 {number}({year})号决议 ", [d.symbol]))
        else:
            lines.append((f"{d.symbol} ", [d.symbol]))
        if d.counts is not None:
            f, a, b = d.counts
            lines.append((f"{f}-{a}-{b}{d.note or ''} ", []))
        if d.written_procedure:
            lines.append((f"{d.written_procedure} ", [d.written_procedure]))
        return lines

    def _meeting_row(self, m: model.Meeting) -> list[tuple[str, list[str]]]:
        rows: list[tuple[str, list[str]]] = []
        date = model.full_date(m.date)
        if m.two_line_head:
            rows += [(f"{m.record} ", [m.record]), (f"{date} ", [])]
        else:
            rows += [(m.record, [m.record]), (f"{date} ", [])]
        columns: list[tuple[int, list[tuple[str, list[str]]]]] = []
        if m.sub_item:
            columns.append((2, self._cell(m.sub_item[1], 0)))
        if m.other_documents:
            columns.append((3, self._cell("、".join(model.sym(x) for x in m.other_documents), 0)))
        if m.rule37:
            columns.append((4, self._cell(self._entries(m.rule37), 0)))
        if m.rule39:
            columns.append((5, self._cell(self._entries(m.rule39), 0)))
        if m.speakers:
            columns.append((6, self._cell(self._entries(m.speakers), 0, justified=True)))
        if m.decisions:
            lines = [x for d in m.decisions for x in self._decision_lines(d)]
            columns.append((7, lines))
        expected_col = 2
        for col, lines in columns:
            indent = col - expected_col
            if indent:
                lines = [(" " * indent + lines[0][0], lines[0][1]), *lines[1:]]
            rows += lines
            expected_col = col + 1
        return rows

    def _vc_row(self, v: model.Videoconference) -> list[tuple[str, list[str]]]:
        rows: list[tuple[str, list[str]]] = []
        date = model.full_date(v.date)
        decisions = [x for d in v.decisions for x in self._decision_lines(d)]
        if v.record is None:
            head = f"{date} 无记录 {v.note} "
            if decisions and len(v.decisions) == 1 and not v.decisions[0].counts:
                text, symbols = decisions.pop(0)
                rows.append((f"{head} {text}", symbols))
            else:
                rows.append((head, []))
        else:
            assert v.record_date is not None
            title = model.full_date(v.record_date, self.rng) + LETTER_TITLE
            for k, line in enumerate(lines := wrap(f"{date} {model.sym(v.record)} {title}", WIDE)):
                rows.append((line.text + (" " if k == len(lines) - 1 else ""), line.symbols))
        return rows + decisions


def _is_next(text: str, nxt: str) -> bool:
    return text.lstrip().startswith(nxt)


def _bad_cell_start(text: str) -> bool:
    """Cell lines must not look like what ends a row: a note letter, a record."""
    return bool(re.match(r"[a-z] |S\s*/\s*PV", text))
