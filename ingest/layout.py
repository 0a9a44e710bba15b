"""Stage 1: layout recovery, from extracted lines to a document model.

The PDF extractor interleaves four streams in one text: the body (two
columns, wrapped every twenty-odd characters), footnote blocks (after a line
of underscores), page-end lists of undocs.org links, and page furniture
(running header, job-number footer).  This module separates the streams,
numbers the pages, and cuts the body into blocks: headings, table regions,
paragraphs.  Nothing is dropped: a line either belongs to a block or becomes
an unparsed block.

Signals used, in order of trust:

* line classes that cannot be mistaken (underscores, URLs, furniture);
* footnote numbers, expected in sequence (the numbering runs across a Part);
* the extractor's habit of ending the last line of a block (paragraph,
  footnote, table cell) with a space; when a file has lost trailing spaces,
  sentence-final punctuation stands in;
* whitespace-only lines, which the extractor writes at page and table-row
  boundaries.

It never relies on line counts, page lengths or any string of one excerpt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from ingest.lexicon import Lexicon
from ingest.markers import marker_pattern
from ingest.source import Line, Source
from ingest.text import Passage, join_pieces

SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
LINK = re.compile(
    r"^\s*(?P<url>https?://(?:www\.)?undocs\.org/(?P<lang>[A-Za-z]{2})/(?P<symbol>\S+))\s*$"
)
# Job-number footer: "21-12994 130", "130 21-12994", "21-12994 (C) 130".
FOOTER = re.compile(
    r"^\s*(?:(?P<page_before>\d{1,4})\s+)?(?P<job>\d{2}-\d{5})(?:\s*\((?P<lang>[A-Z])\))?"
    r"(?:\s+(?P<page_after>\d{1,4}))?\s*$"
)
FOOTNOTE_START = re.compile(r"^\s*(?P<number>\d{1,5})\s+(?P<text>\S.*)$")


class BlockKind(StrEnum):
    """Kinds of blocks in the document model (also the provenance block kind)."""

    PARAGRAPH = "paragraph"
    ITEM_HEADING = "item-heading"
    SUBSECTION_HEADING = "subsection-heading"
    TABLE_NUMBER = "table-number"
    TABLE_TITLE = "table-title"
    TABLE_HEADER = "table-header"
    TABLE_ROW = "table-row"
    TABLE_NOTE = "table-note"
    FOOTNOTE = "footnote"
    LINK_LIST = "link-list"
    FURNITURE = "furniture"
    UNPARSED = "unparsed"


class TableKind(StrEnum):
    """The two table layouts of a Repertoire item section."""

    MEETINGS = "meetings"
    VIDEOCONFERENCES = "videoconferences"


@dataclass(frozen=True, slots=True)
class Block:
    """A unit of the document model with its lines, pages and joined text.

    ``cells`` (table rows only) are the row's text split at the extractor's
    cell ends, each with its count of leading spaces (empty cells before it).
    """

    id: str
    kind: BlockKind
    lines: tuple[Line, ...]
    pages: tuple[int, ...]
    passage: Passage
    number: int | None = None  # footnote number, table number, item number
    letter: str | None = None  # subsection or table-note letter
    table: int | None = None  # index of the table region the block belongs to
    table_kind: TableKind | None = None
    cells: tuple[tuple[int, Passage], ...] = ()
    continued: bool = False  # footnote continued after a page break
    line_pages: tuple[int, ...] = ()  # page index of each line

    def page_at(self, offset: int) -> int:
        """Page index of the source ``offset`` inside this block."""
        page = self.line_pages[0] if self.line_pages else 0
        for line, p in zip(self.lines, self.line_pages, strict=False):
            if line.start > offset:
                break
            page = p
        return page

    @property
    def text(self) -> str:
        """The joined, normalised text."""
        return self.passage.text

    @property
    def page(self) -> int:
        """Index of the page the block starts on."""
        return self.pages[0]

    @property
    def start(self) -> int:
        """Source offset of the block's first character."""
        return self.lines[0].start + self.lines[0].indent

    @property
    def end(self) -> int:
        """Source offset just past the block's last character."""
        last = self.lines[-1]
        return last.start + len(last.folded.rstrip())

    @property
    def line(self) -> int:
        """1-based number of the first line."""
        return self.lines[0].number


@dataclass(frozen=True, slots=True)
class Link:
    """One undocs.org address from a page-end link list."""

    url: str
    lang: str
    symbol: str
    line: Line
    page: int


@dataclass(frozen=True, slots=True)
class Furniture:
    """A running header or footer, and what it tells about its page."""

    line: Line
    page: int
    kind: str  # "running-header" | "footer"
    year: int | None = None
    job_number: str | None = None
    printed_page: int | None = None


@dataclass(slots=True)
class Document:
    """The recovered layout of one source file."""

    source: Source
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)
    page_count: int = 0
    _printed: tuple[int, dict[int, int]] | None = field(default=None, repr=False, compare=False)

    def printed_pages(self) -> dict[int, int]:
        """Page index → printed page number, where a footer states it.

        Kept once per state of the furniture: the provenance of every fact
        asks for it, and rebuilding it each time made a file's cost grow
        with the square of its pages.  Callers must not modify it.
        """
        if self._printed is None or self._printed[0] != len(self.furniture):
            pages = {f.page: f.printed_page for f in self.furniture if f.printed_page is not None}
            self._printed = (len(self.furniture), pages)
        return self._printed[1]

    def of_kind(self, *kinds: BlockKind) -> list[Block]:
        """Blocks of the given kinds, in document order."""
        return [b for b in self.blocks if b.kind in kinds]


@dataclass(slots=True)
class _Footnote:
    number: int
    lines: list[Line]
    pages: list[int]
    continued: bool = False


class _Zone(Enum):
    BODY = 1
    FOOTNOTES = 2
    LINKS = 3


def recover_layout(source: Source, lexicon: Lexicon) -> Document:
    """Separate the streams of ``source`` and cut the body into blocks."""
    doc = Document(source)
    uses_trailing_space = _trailing_space_convention(source.lines)
    body, footnotes = _separate_streams(source, lexicon, doc, uses_trailing_space)
    blocks = _BodyParser(lexicon, uses_trailing_space).parse(body)
    for fn in footnotes:
        blocks.append(
            _Pending(
                BlockKind.FOOTNOTE, fn.lines, fn.pages, number=fn.number, continued=fn.continued
            )
        )
    blocks.sort(key=lambda b: b.lines[0].number)
    doc.blocks = [_finish(i, b) for i, b in enumerate(blocks)]
    return doc


def _trailing_space_convention(lines: tuple[Line, ...]) -> bool:
    """Whether this file keeps the extractor's block-final trailing spaces."""
    text_lines = [ln for ln in lines if not ln.is_blank]
    if not text_lines:
        return False
    marked = sum(1 for ln in text_lines if ln.trailing_space)
    return marked / len(text_lines) >= 0.05


def _ends_block(line: Line, uses_trailing_space: bool, terminal: str) -> bool:
    if uses_trailing_space:
        return line.trailing_space
    stripped = line.folded.rstrip()
    return bool(stripped) and stripped[-1] in terminal


def _separate_streams(
    source: Source, lexicon: Lexicon, doc: Document, uses_trailing_space: bool
) -> tuple[list[tuple[Line, int]], list[_Footnote]]:
    """Split lines into body lines (with page), footnotes, links and furniture."""
    header = lexicon.pattern("furniture", "running_header")
    terminal = lexicon.terminal
    counters = lexicon.value("markers", "counter_suffix")
    body: list[tuple[Line, int]] = []
    footnotes: list[_Footnote] = []
    zone = _Zone.BODY
    page = 0
    page_has_content = False
    break_signal = False  # a whitespace-only line inside a footnote block
    first_in_block = False
    lines = source.lines

    def new_page() -> None:
        nonlocal page, page_has_content
        if page_has_content:
            page += 1
            page_has_content = False

    for idx, line in enumerate(lines):
        text = line.folded
        link = LINK.match(text)
        if link:
            doc.links.append(Link(link["url"], link["lang"], link["symbol"], line, page))
            zone = _Zone.LINKS
            page_has_content = True
            continue
        if zone is _Zone.LINKS and not line.is_blank:
            new_page()  # a link list ends its page
            zone = _Zone.BODY
        if line.is_blank:
            if text and zone is _Zone.FOOTNOTES:
                break_signal = True
            elif text:
                body.append((line, page))  # whitespace-only: a row or page boundary
            continue
        if m := header.match(text):
            doc.furniture.append(Furniture(line, page, "running-header", year=int(m["year"])))
            zone = _Zone.BODY
            continue
        if (m := FOOTER.match(text)) and (m["page_before"] or m["page_after"] or m["lang"]):
            printed = m["page_before"] or m["page_after"]
            doc.furniture.append(
                Furniture(
                    line,
                    page,
                    "footer",
                    job_number=m["job"],
                    printed_page=int(printed) if printed else None,
                )
            )
            zone = _Zone.BODY
            continue
        if SEPARATOR.match(text):
            zone = _Zone.FOOTNOTES
            first_in_block = True
            break_signal = False
            continue
        if zone is _Zone.FOOTNOTES:
            last = footnotes[-1] if footnotes else None
            m = FOOTNOTE_START.match(text)
            expected = last.number + 1 if last else None
            if m and (expected is None or int(m["number"]) == expected):
                footnotes.append(_Footnote(int(m["number"]), [line], [page]))
                first_in_block = False
                page_has_content = True
                continue
            open_fn = last is not None and not _ends_block(
                last.lines[-1], uses_trailing_space, terminal
            )
            if last is not None and (
                first_in_block
                or (
                    open_fn
                    and not break_signal
                    and not _next_marker_ahead(lines, idx, expected, counters)
                )
            ):
                if first_in_block:
                    last.continued = True
                last.lines.append(line)
                last.pages.append(page)
                first_in_block = False
                continue
            # The body resumes: the footnote block closed its page.
            zone = _Zone.BODY
            new_page()
        body.append((line, page))
        page_has_content = True
    doc.page_count = page + 1
    return body, footnotes


def _next_marker_ahead(
    lines: tuple[Line, ...], idx: int, expected: int | None, counters: str
) -> bool:
    """Whether the lines from ``idx`` to the next block end hold the marker of
    footnote ``expected``: then they are body text, not a footnote's tail
    (footnotes carry no footnote markers)."""
    if expected is None:
        return False
    marker = marker_pattern(expected, counters)
    for line in lines[idx : idx + 24]:
        if (
            (line.is_blank and line.folded)
            or SEPARATOR.match(line.folded)
            or LINK.match(line.folded)
        ):
            return False  # a whitespace-only line is a page break: stop there
        if marker.search(line.folded):
            return True
        if line.trailing_space:
            return False
    return False


@dataclass(slots=True)
class _Pending:
    kind: BlockKind
    lines: list[Line]
    pages: list[int]
    number: int | None = None
    letter: str | None = None
    table: int | None = None
    table_kind: TableKind | None = None
    continued: bool = False
    cell_lines: list[list[Line]] = field(default_factory=list)


def _finish(i: int, p: _Pending) -> Block:
    pieces = [(ln.folded, ln.start) for ln in p.lines]
    passage = join_pieces(pieces)
    cells: tuple[tuple[int, Passage], ...] = ()
    if p.cell_lines:
        cells = tuple(
            (group[0].indent, join_pieces([(ln.folded, ln.start) for ln in group]))
            for group in p.cell_lines
        )
    pages = tuple(sorted(set(p.pages)))
    return Block(
        id=f"b{i:05d}",
        kind=p.kind,
        lines=tuple(p.lines),
        pages=pages,
        passage=passage,
        number=p.number,
        letter=p.letter,
        table=p.table,
        table_kind=p.table_kind,
        cells=cells,
        continued=p.continued,
        line_pages=tuple(p.pages),
    )


class _Mode(Enum):
    TEXT = 1
    TABLE_TITLE = 2
    TABLE_HEADER = 3
    TABLE_ROWS = 4
    TABLE_NOTES = 5


class _BodyParser:
    """Cuts the body stream into headings, table regions and paragraphs."""

    def __init__(self, lexicon: Lexicon, uses_trailing_space: bool) -> None:
        self.lx = lexicon
        self.ts = uses_trailing_space
        self.item = lexicon.pattern("headings", "item")
        self.subsection = lexicon.pattern("headings", "subsection")
        self.table_number = lexicon.pattern("headings", "table_number")
        self.meetings_title = lexicon.pattern("headings", "meetings_title")
        self.vc_title = lexicon.pattern("headings", "videoconferences_title")
        self.note = lexicon.pattern("headings", "table_note")
        self.full_date = lexicon.pattern("dates", "full")
        self.no_record = lexicon.pattern("tables", "no_record")
        self.out: list[_Pending] = []
        self.current: _Pending | None = None
        self.mode = _Mode.TEXT
        self.table_index = -1
        self.table_kind: TableKind | None = None
        self.pending_number: _Pending | None = None
        self.cell_open = False

    # -- helpers ---------------------------------------------------------
    def _ends(self, line: Line) -> bool:
        return _ends_block(line, self.ts, self.lx.terminal)

    def _open(self, kind: BlockKind, line: Line, page: int, **kw: object) -> _Pending:
        block = _Pending(kind, [line], [page], **kw)  # type: ignore[arg-type]
        self.out.append(block)
        self.current = block
        return block

    def _close(self) -> None:
        self.current = None

    def _add_cell_line(self, row: _Pending, line: Line) -> None:
        """A line that ends a block also ends a table cell."""
        if not self.cell_open:
            row.cell_lines.append([])
        row.cell_lines[-1].append(line)
        self.cell_open = not self._ends(line)

    def _row_start(self, text: str) -> bool:
        stripped = text.lstrip()
        if self.table_kind is TableKind.MEETINGS:
            return bool(re.match(r"S\s*/\s*PV\s*\.\s*\d", stripped))
        m = self.full_date.match(stripped)
        if not m:
            return False
        rest = stripped[m.end() :].strip()
        # date + record symbol, date + "no record", or a date alone (a row
        # cut short): anything else is a date inside a wrapped cell.
        return not rest or bool(re.match(r"[A-Z]+\s*/", rest) or self.no_record.match(rest))

    def _heading_like(self, text: str) -> bool:
        return bool(
            self.table_number.match(text)
            or self.meetings_title.match(text)
            or self.vc_title.match(text)
            or self.subsection.match(text)
            or self.item.match(text)
        )

    # -- main loop -------------------------------------------------------
    def parse(self, body: list[tuple[Line, int]]) -> list[_Pending]:
        for line, page in body:
            if line.is_blank:
                # whitespace-only lines separate table rows
                if self.mode is _Mode.TABLE_ROWS:
                    self.cell_open = False
                    self._close()
                continue
            self._line(line, page)
        return self.out

    def _line(self, line: Line, page: int) -> None:
        text = line.folded
        cur = self.current
        # Continuations of open multi-line blocks.
        if cur is not None and cur.kind in (
            BlockKind.PARAGRAPH,
            BlockKind.ITEM_HEADING,
            BlockKind.SUBSECTION_HEADING,
            BlockKind.TABLE_TITLE,
        ):
            cur.lines.append(line)
            cur.pages.append(page)
            if self._ends(line):
                self._close()
            return
        if self.mode is _Mode.TABLE_HEADER:
            if self._row_start(text):
                self.mode = _Mode.TABLE_ROWS
            elif self.note.match(text) or (
                self._heading_like(text) and not self._header_words(text)
            ):
                self._end_table()
            else:
                hdr = self.current
                if hdr is None or hdr.kind is not BlockKind.TABLE_HEADER:
                    hdr = self._open(
                        BlockKind.TABLE_HEADER,
                        line,
                        page,
                        table=self.table_index,
                        table_kind=self.table_kind,
                    )
                else:
                    hdr.lines.append(line)
                    hdr.pages.append(page)
                return
        if self.mode is _Mode.TABLE_ROWS:
            if self._header_words(text, repeated=True):
                # The header row repeated at the top of the next page.
                self.mode = _Mode.TABLE_HEADER
                self._close()
                self._open(
                    BlockKind.TABLE_HEADER,
                    line,
                    page,
                    table=self.table_index,
                    table_kind=self.table_kind,
                )
                return
            if self._row_start(text):
                row = self._open(
                    BlockKind.TABLE_ROW,
                    line,
                    page,
                    table=self.table_index,
                    table_kind=self.table_kind,
                )
                self.cell_open = False
                self._add_cell_line(row, line)
                return
            if self.note.match(text):
                self.mode = _Mode.TABLE_NOTES
            elif self._heading_like(text):
                self._end_table()
            elif self.current is not None and self.current.kind is BlockKind.TABLE_ROW:
                row = self.current
                row.lines.append(line)
                row.pages.append(page)
                self._add_cell_line(row, line)
                return
            else:
                self._end_table()
        if self.mode is _Mode.TABLE_NOTES:
            cur = self.current
            m = self.note.match(text)
            if m and not (
                cur is not None
                and cur.kind is BlockKind.TABLE_NOTE
                and not self._ends(cur.lines[-1])
            ):
                note = self._open(
                    BlockKind.TABLE_NOTE,
                    line,
                    page,
                    letter=m["letter"],
                    table=self.table_index,
                    table_kind=self.table_kind,
                )
                if self._ends(line):
                    self.current = note  # closed, but kept to see the next line
                return
            if (
                cur is not None
                and cur.kind is BlockKind.TABLE_NOTE
                and not self._ends(cur.lines[-1])
            ):
                cur.lines.append(line)
                cur.pages.append(page)
                return
            self._end_table()
        self._text_line(line, page)

    def _header_words(self, text: str, *, repeated: bool = False) -> bool:
        """Whether the line holds table header words.

        Inside the rows (``repeated``) a header row repeated after a page
        break must hold two header words, or be one, so that a cell that
        happens to contain one such word is not taken for a header.
        """
        words = self.lx.words("tables", "meetings_header") + self.lx.words(
            "tables", "videoconferences_header"
        )
        compact = "".join(text.split())
        hits = [w for w in ("".join(x.split()) for x in words) if w in compact]
        if not repeated:
            return bool(hits)
        return len(hits) >= 2 or compact in hits

    def _end_table(self) -> None:
        if self.mode in (_Mode.TABLE_TITLE, _Mode.TABLE_HEADER):
            # A table that stops before its first row.
            for block in reversed(self.out):
                if block.table == self.table_index:
                    block.kind = (
                        BlockKind.UNPARSED if block.kind is BlockKind.TABLE_HEADER else block.kind
                    )
                    break
        self.mode = _Mode.TEXT
        self.table_kind = None
        self._close()

    def _text_line(self, line: Line, page: int) -> None:
        text = line.folded
        if m := self.table_number.match(text):
            self.pending_number = self._open(
                BlockKind.TABLE_NUMBER, line, page, number=int(m["number"])
            )
            self._close()
            return
        for pattern, kind in (
            (self.meetings_title, TableKind.MEETINGS),
            (self.vc_title, TableKind.VIDEOCONFERENCES),
        ):
            if pattern.match(text):
                self.table_index += 1
                self.table_kind = kind
                if (
                    self.pending_number is not None
                    and self.out
                    and self.out[-1] is self.pending_number
                ):
                    self.pending_number.table = self.table_index
                    self.pending_number.table_kind = kind
                self.pending_number = None
                title = self._open(
                    BlockKind.TABLE_TITLE, line, page, table=self.table_index, table_kind=kind
                )
                self.mode = _Mode.TABLE_HEADER
                if self._ends(line):
                    self._close()
                del title
                return
        if m := self.item.match(text):
            self._open(BlockKind.ITEM_HEADING, line, page, number=int(m["number"]))
        elif m := self.subsection.match(text):
            self._open(BlockKind.SUBSECTION_HEADING, line, page, letter=m["letter"])
        else:
            self._open(BlockKind.PARAGRAPH, line, page)
        if self._ends(line):
            self._close()
