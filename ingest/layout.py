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

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.lang import language_of
from councilkg.ingest.lexicon import Lexicon, load_lexicon
from councilkg.ingest.marker_grammar import MarkerGrammar, marker_grammar, marker_pattern
from councilkg.ingest.slots import slot_init
from councilkg.ingest.source import Line, Source
from councilkg.ingest.text import Passage, join_pieces

SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
LINK = re.compile(
    r"^\s*(?P<url>https?://(?:www\.)?undocs\.org/(?P<lang>[A-Za-z]{2})/(?P<symbol>\S+))\s*$"
)
# Job-number footer: "21-12994 130", "130 21-12994", "21-12994 (C) 130".
FOOTER = re.compile(
    r"^\s*(?:(?P<page_before>\d{1,4})\s+)?(?P<job>\d{2}-\d{5})(?:\s*\((?P<lang>[A-Z])\))?"
    r"(?:\s+(?P<page_after>\d{1,4}))?\s*$"
)
# The three patterns above hold a literal ("undocs.org", five underscores,
# the job number's hyphen) that a line must contain to match; looking for it
# first spares most lines a regex call.
FOOTNOTE_START = re.compile(r"^\s*(?P<number>\d{1,5})(?:\s+(?P<text>\S.*))?\s*$")


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


@slot_init
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
    line_starts: tuple[int, ...] = ()  # source offset of each line

    def page_at(self, offset: int) -> int:
        """Page index of the source ``offset`` inside this block."""
        if not self.line_pages:
            return 0
        if len(self.lines) == 1 or self.line_pages[0] == self.line_pages[-1]:
            return self.line_pages[0]  # most blocks lie on one page
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return self.line_pages[max(i, 0)]

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


@dataclass(frozen=True, slots=True)
class LayoutIssue:
    """Something the layout stage could not reconcile, for the diagnostics.

    ``kind`` names it (``footnote-sequence``, ``table-note-sequence``,
    ``table-lines``); ``start``/``end`` are source offsets.
    """

    kind: str
    message: str
    start: int
    end: int


@dataclass(slots=True)
class Document:
    """The recovered layout of one source file."""

    source: Source
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)
    page_count: int = 0
    issues: list[LayoutIssue] = field(default_factory=list)
    _printed: tuple[tuple[int, int], dict[int, int]] | None = field(
        default=None, repr=False, compare=False
    )

    def printed_pages(self) -> dict[int, int]:
        """Page index → printed page number, stated or derived (see
        :func:`printed_page_numbers`; :meth:`stated_pages` tells which).

        Kept once per state of the furniture: the provenance of every fact
        asks for it, and rebuilding it each time made a file's cost grow
        with the square of its pages.  Callers must not modify it.
        """
        state = (len(self.furniture), self.page_count)
        if self._printed is None or self._printed[0] != state:
            pages = printed_page_numbers(self.stated_pages(), self.page_count)
            self._printed = (state, pages)
        return self._printed[1]

    def stated_pages(self) -> dict[int, int]:
        """Page index → printed page number, where the page's footer states it."""
        return {f.page: f.printed_page for f in self.furniture if f.printed_page is not None}

    def of_kind(self, *kinds: BlockKind) -> list[Block]:
        """Blocks of the given kinds, in document order."""
        return [b for b in self.blocks if b.kind in kinds]


def printed_page_numbers(stated: dict[int, int], page_count: int) -> dict[int, int]:
    """Every page's printed number, from those its footers state.

    The Repertoire's pages are numbered consecutively, so a page whose
    footer did not survive the extraction has the number of the stated
    page before it plus the distance between them, provided the stated
    pages around it agree (``printed - index`` the same before and after;
    where they disagree, the excerpt skips pages or a footer was misread,
    and nothing is derived between them).  Before the first stated page and
    after the last, the numbering runs on (never below 1).

    >>> printed_page_numbers({1: 130, 3: 132}, 5)
    {0: 129, 1: 130, 2: 131, 3: 132, 4: 133}
    >>> printed_page_numbers({0: 10, 2: 40}, 3)
    {0: 10, 2: 40}
    >>> printed_page_numbers({}, 3)
    {}
    """
    if not stated:
        return {}
    known = sorted(stated.items())
    out = dict(stated)
    first_index, first_printed = known[0]
    for index in range(first_index):
        number = first_printed - (first_index - index)
        if number >= 1:
            out[index] = number
    for (a, pa), (b, pb) in itertools.pairwise(known):
        if pa - a == pb - b:
            for index in range(a + 1, b):
                out[index] = pa + (index - a)
    last_index, last_printed = known[-1]
    for index in range(last_index + 1, page_count):
        out[index] = last_printed + (index - last_index)
    return dict(sorted(out.items()))


@dataclass(slots=True)
class _Footnote:
    number: int | None  # None: a numbered line out of sequence, kept as unparsed
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
    parser = _BodyParser(lexicon, uses_trailing_space)
    blocks = parser.parse(body)
    doc.issues.extend(parser.issues)
    for fn in footnotes:
        kind = BlockKind.FOOTNOTE if fn.number is not None else BlockKind.UNPARSED
        blocks.append(_Pending(kind, fn.lines, fn.pages, number=fn.number, continued=fn.continued))
    blocks.sort(key=lambda b: b.lines[0].number)
    hyphens = str(lexicon.value("script", "wrap_hyphens"))
    doc.blocks = [_finish(i, b, hyphens) for i, b in enumerate(blocks)]
    return doc


def _trailing_space_convention(lines: tuple[Line, ...]) -> bool:
    """Whether this file keeps the extractor's block-final trailing spaces."""
    text_lines = [ln for ln in lines if not ln.is_blank]
    if not text_lines:
        return False
    marked = sum(1 for ln in text_lines if ln.trailing_space)
    return marked / len(text_lines) >= 0.05


def _ends_block(line: Line, uses_trailing_space: bool, terminal: str, continuing: str = "") -> bool:
    """Whether ``line`` ends its block (paragraph, footnote, cell, note).

    A line that ends with a list separator or a comma (``continuing``)
    never does, whatever space follows it: the sentence or list goes on.
    """
    stripped = line.folded.rstrip()
    if stripped and stripped[-1] in continuing:
        return False
    if uses_trailing_space:
        return line.trailing_space
    return bool(stripped) and stripped[-1] in terminal


def _separate_streams(
    source: Source, lexicon: Lexicon, doc: Document, uses_trailing_space: bool
) -> tuple[list[tuple[Line, int]], list[_Footnote]]:
    """Split lines into body lines (with page), footnotes, links and furniture.

    Blank lines carry no information here, whatever whitespace they hold,
    with one exception: a whitespace-only line inside a footnote block may
    be a page break, and is used (with the next marker) to tell a footnote
    left open at the foot of a page from the body of the next page.
    """
    headers = (
        lexicon.pattern("furniture", "running_header"),
        lexicon.pattern("furniture", "running_header_part"),
    )
    terminal = lexicon.terminal
    continuing = lexicon.continuing
    language = language_of(lexicon)
    after_stop = language.punctuation("after_stop")
    clause_continuation = language.punctuation("clause_continuation")
    counters = marker_grammar(lexicon)
    body: list[tuple[Line, int]] = []
    footnotes: list[_Footnote] = []
    zone = _Zone.BODY
    page = 0
    page_has_content = False
    break_hint = False  # a whitespace-only line inside a footnote block
    first_in_block = False
    lines = source.lines

    def new_page() -> None:
        nonlocal page, page_has_content
        if page_has_content:
            page += 1
            page_has_content = False

    for idx, line in enumerate(lines):
        text = line.folded
        link = LINK.match(text) if "undocs.org" in text else None
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
                break_hint = True
            continue
        if furniture := _furniture(line, page, headers):
            doc.furniture.append(furniture)
            zone = _Zone.BODY
            continue
        if "_____" in text and SEPARATOR.match(text):
            zone = _Zone.FOOTNOTES
            first_in_block = True
            break_hint = False
            continue
        if (
            zone is _Zone.BODY
            and text.lstrip()[:1].isdigit()
            and _footnote_without_separator(line, footnotes, body, counters, lexicon.language)
        ):
            doc.issues.append(
                LayoutIssue(
                    "footnote-sequence",
                    "a footnote in the body: the separator line before its block is missing",
                    line.start + line.indent,
                    line.end,
                )
            )
            zone = _Zone.FOOTNOTES
            first_in_block = True
            break_hint = False
        if zone is _Zone.FOOTNOTES:
            last = footnotes[-1] if footnotes else None
            numbered = _last_numbers(footnotes)
            number = _footnote_number(text, counters, lexicon.language)
            is_open = last is not None and not (
                _ends_block(last.lines[-1], uses_trailing_space, terminal, continuing)
                and _ends_sentence(last.lines, terminal, after_stop)
            )
            expected = numbered[-1] + 1 if numbered else None
            if (
                number is not None
                and len(numbered) >= 2
                and numbered[-1] != numbered[-2] + 1
                and number == numbered[-2] + 2
            ):
                expected = number  # the sequence resumes after one misnumbered footnote
            if number is not None and text.strip().isdigit() and expected not in (None, number):
                number = None  # a number alone on a line starts only the footnote expected
            if number is not None and _starts_footnote(number, expected, is_open, first_in_block):
                if expected is not None and number != expected:
                    _sequence_issue(doc, line, number, expected)
                elif expected is None and not _marker_before(
                    number, body, counters, _joiner(lexicon.language)
                ):
                    doc.issues.append(
                        LayoutIssue(
                            "footnote-sequence",
                            f"footnote {number} opens the numbering, but its marker is not "
                            "in the text before it: misnumbered?",
                            line.start + line.indent,
                            line.end,
                        )
                    )
                footnotes.append(_Footnote(number, [line], [page]))
                first_in_block = False
                break_hint = False
                page_has_content = True
                continue
            if (
                number is not None
                and expected is not None
                and not is_open
                and _could_be_footnote_number(number, expected)
            ):
                # A numbered line out of sequence where a footnote must start:
                # kept whole as an unparsed passage, never merged or dropped.
                _orphan(
                    doc,
                    footnotes,
                    line,
                    page,
                    f"footnote numbered {number} where {expected} was expected",
                )
                first_in_block = False
                break_hint = False
                page_has_content = True
                continue
            if last is not None and first_in_block and not is_open and uses_trailing_space:
                # A block that opens with text when the footnote before ended:
                # that text continues no footnote (its number is lost).
                _orphan(
                    doc,
                    footnotes,
                    line,
                    page,
                    "a footnote block opens with unnumbered text, and the footnote before it "
                    "had ended",
                )
                first_in_block = False
                continue
            body_open = bool(body) and not _ends_block(
                body[-1][0], uses_trailing_space, terminal, continuing
            )
            if (
                last is not None
                and not is_open
                and not body_open
                and _page_ends_after(lines, idx, headers)
            ):
                # Text between a finished footnote and the page's end, when
                # the body before the footnotes had ended too, continues
                # neither: a footnote whose number line was lost.
                _orphan(
                    doc, footnotes, line, page, "unnumbered text after the last footnote of a page"
                )
                first_in_block = False
                continue
            if (
                last is not None
                and (
                    first_in_block
                    or _opens_with_closing(text, clause_continuation)
                    # a symbol cut at its slash or dot goes on ("S/2020/" / "100。")
                    or (is_open and last.lines[-1].folded.rstrip()[-1:] in "/.(-")
                    or (
                        is_open
                        and not _body_resumes(
                            lines, idx, expected, counters, lexicon.language, break_hint
                        )
                    )
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


def _last_numbers(footnotes: list[_Footnote], count: int = 2) -> list[int]:
    """The numbers of the last ``count`` numbered footnotes, in order (read
    from the end: the whole list would make a long file quadratic)."""
    out: list[int] = []
    for fn in reversed(footnotes):
        if fn.number is not None:
            out.append(fn.number)
            if len(out) == count:
                break
    return out[::-1]


def _orphan(doc: Document, footnotes: list[_Footnote], line: Line, page: int, what: str) -> None:
    """Keep a footnote-zone line that belongs to no footnote as an unparsed
    passage (later lines may continue it), and say why."""
    doc.issues.append(
        LayoutIssue(
            "footnote-sequence",
            f"{what}; kept as an unparsed passage",
            line.start + line.indent,
            line.end,
        )
    )
    footnotes.append(_Footnote(None, [line], [page]))


def _could_be_footnote_number(number: int, expected: int) -> bool:
    """Whether ``number`` may be a damaged footnote number where ``expected``
    is due: close to it, or as long (a digit misread: 129 for 829).  A short
    number (``1 和表 2``) where footnote 161 is due is body text that
    opens the page after the footnotes."""
    return abs(number - expected) <= 100 or len(str(number)) == len(str(expected))


def _ends_sentence(lines: list[Line], terminal: str, after_stop: str) -> bool:
    """Whether a footnote's text ends a sentence: a footnote ends with its
    full stop (or a full stop and a closing quote or bracket), so a line
    cut after ``见`` or inside a date, even just after a full stop
    (``…第 34 章。另``), leaves it open."""
    text = "".join("".join(ln.folded.split()) for ln in lines[-2:])
    if not text:
        return False
    return text[-1] in terminal or (
        len(text) > 1 and text[-2] in terminal and text[-1] in after_stop
    )


def _page_ends_after(
    lines: tuple[Line, ...], idx: int, headers: tuple[re.Pattern[str], ...]
) -> bool:
    """Whether the page ends right after line ``idx`` (links, furniture, the end)."""
    nxt = next((ln for ln in lines[idx + 1 :] if not ln.is_blank), None)
    return nxt is None or bool(LINK.match(nxt.folded)) or _furniture(nxt, 0, headers) is not None


def _footnote_without_separator(
    line: Line,
    footnotes: list[_Footnote],
    body: list[tuple[Line, int]],
    counters: MarkerGrammar,
    lang: str,
) -> bool:
    """Whether a body line is a footnote out of its block (its separator, or
    the footnote before it, lost): it opens with a number due soon, and that
    number's marker stands in the body just before it."""
    number = _footnote_number(line.folded, counters, lang)
    if number is None or line.folded.strip().isdigit():
        return False
    numbered = _last_numbers(footnotes)
    if numbered and not numbered[-1] < number <= numbered[-1] + _MAX_GAP:
        return False
    return _marker_before(number, body, counters, _joiner(lang))


def _marker_before(
    number: int, body: list[tuple[Line, int]], counters: MarkerGrammar, joiner: str
) -> bool:
    """Whether footnote ``number``'s marker stands in the last body lines,
    joined as the language joins a wrap (``joiner``: nothing between two
    Chinese lines, a space between two English ones, where gluing would
    put a letter right after the marker: ``States.824`` / ``The``)."""
    recent = joiner.join(ln.folded.strip() for ln, _ in body[-30:])
    return bool(marker_pattern(number, counters).search(recent))


def _joiner(lang: str) -> str:
    """What stands between two lines of the language ``lang`` rejoined for a
    pattern's search (its lexicon's ``[script] wrap_joiner``)."""
    return str(load_lexicon(lang).value("script", "wrap_joiner"))


def _opens_with_closing(text: str, clause_continuation: str) -> bool:
    """Whether the line opens with punctuation that closes or continues a
    clause (the language's ``clause_continuation``): such a line continues
    the block before, whatever the line before it ended with."""
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in clause_continuation


def footer_match(text: str) -> re.Match[str] | None:
    """The job-number footer ``text`` (a folded line) is, if it is one: a job
    number with the page's number or the edition's letter beside it (a job
    number alone may be a symbol's tail or a date range)."""
    if (
        "-" in text
        and (m := FOOTER.match(text))
        and (m["page_before"] or m["page_after"] or m["lang"])
    ):
        return m
    return None


def _furniture(line: Line, page: int, headers: tuple[re.Pattern[str], ...]) -> Furniture | None:
    """The running head or job-number footer this line is, if it is one."""
    text = line.folded
    for header in headers:
        if m := header.match(text):
            year = m.groupdict().get("year")
            return Furniture(line, page, "running-header", year=int(year) if year else None)
    if m := footer_match(text):
        printed = m["page_before"] or m["page_after"]
        return Furniture(
            line,
            page,
            "footer",
            job_number=m["job"],
            printed_page=int(printed) if printed else None,
        )
    return None


def _footnote_number(text: str, counters: MarkerGrammar, lang: str) -> int | None:
    """The number a footnote line starts with, unless it is a count or date
    (``2020 年…``, ``13 个…``) that merely opens a wrapped line.

    A State's name may begin with a counter's character (``日本``): a list
    of States is a footnote, so a name there keeps the number a footnote's.
    """
    m = FOOTNOTE_START.match(text)
    if m is None:
        return None
    rest = m["text"] or ""
    if rest and re.match(counters.counter_suffix, rest) and not _starts_with_state(rest, lang):
        return None
    return int(m["number"])


def _starts_with_state(text: str, lang: str) -> bool:
    return any(start == 0 for start, _, _ in default_gazetteer().find_all(text[:24], lang))


# How far a footnote number may run ahead of the one expected and still be
# taken for a footnote (with a diagnostic): a gap of a few footnotes is a
# damaged or cut text, a jump of hundreds is a number that opens a line.
_MAX_GAP = 30


def _starts_footnote(
    number: int, expected: int | None, is_open: bool, first_in_block: bool
) -> bool:
    """Whether a numbered line in a footnote block starts a new footnote.

    The next number in sequence always does.  Another number does when it
    is close ahead and the previous footnote is complete (or the line opens
    a block, where a continuation would have no number): a footnote that
    is missing or misnumbered must not merge every later footnote into the
    one before it.  A number at or below the last one is never a new
    footnote: it would clash with an earlier one.
    """
    if expected is None:
        return True
    if number == expected:
        return True
    if not expected < number <= expected + _MAX_GAP:
        return False
    return not is_open or first_in_block


def _sequence_issue(doc: Document, line: Line, number: int, expected: int) -> None:
    missing = f"{expected}" if number == expected + 1 else f"{expected}–{number - 1}"
    doc.issues.append(
        LayoutIssue(
            "footnote-sequence",
            f"footnote {number} follows footnote {expected - 1}: footnote {missing} missing "
            "or misnumbered",
            line.start + line.indent,
            line.end,
        )
    )


def _body_resumes(
    lines: tuple[Line, ...],
    idx: int,
    expected: int | None,
    counters: MarkerGrammar,
    lang: str,
    break_hint: bool,
) -> bool:
    """Whether line ``idx``, after a footnote left open, is body text.

    Body text follows when the lines up to the next block end hold the next
    footnote's marker (footnotes carry no markers).  After a whitespace-only
    line (a page break in this extraction), a footnote that is continued
    after the next separator is another sign that the open footnote stops
    here and the next page's body comes first.
    """
    if _next_marker_ahead(lines, idx, expected, counters, _joiner(lang)):
        return True
    return break_hint and _continued_after_next_separator(lines, idx, expected, counters, lang)


def _next_marker_ahead(
    lines: tuple[Line, ...],
    idx: int,
    expected: int | None,
    counters: MarkerGrammar,
    joiner: str,
) -> bool:
    """Whether the lines from ``idx`` to the next block end hold the marker of
    footnote ``expected`` (lines joined by the language's ``joiner``)."""
    if expected is None:
        return False
    marker = marker_pattern(expected, counters)
    digits = str(expected)  # which the marker holds: looked for first, in C
    joined = ""
    for line in lines[idx : idx + 40]:
        if line.is_blank and line.folded:
            return False  # a whitespace-only line is a page break: stop there
        if line.is_blank:
            continue
        if SEPARATOR.match(line.folded) or LINK.match(line.folded):
            return False
        joined += (joiner if joined else "") + line.folded.strip()
        if digits in joined and marker.search(joined):
            return True
        if line.trailing_space:
            return False
    return False


def _continued_after_next_separator(
    lines: tuple[Line, ...], idx: int, expected: int | None, counters: MarkerGrammar, lang: str
) -> bool:
    """Whether the next footnote block opens with an unnumbered line (the
    continuation of a footnote from the page before) and no footnote starts
    in this block before it (else the continuation is that footnote's).

    Only the lines before the next whitespace-only line can still be this
    block's footnotes: after it, a line opening with the number due is body
    text that opens with its marker.
    """
    in_block = True
    for j in range(idx, min(len(lines), idx + 400)):
        if lines[j].is_blank and lines[j].folded:
            in_block = False
        if in_block and _footnote_number(lines[j].folded, counters, lang) == expected:
            return False
        if SEPARATOR.match(lines[j].folded):
            nxt = next((ln for ln in lines[j + 1 :] if not ln.is_blank), None)
            if nxt is None:
                return False
            number = _footnote_number(nxt.folded, counters, lang)
            # A number alone on the line starts only the footnote due.
            return number is None or (nxt.folded.strip().isdigit() and number != expected)
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
    # Parts of lines (folded-text ranges) when a block shares a line with
    # another, as table notes printed on one line do; None: whole lines.
    cuts: list[tuple[int, int]] | None = None


def _pieces(p: _Pending) -> list[tuple[str, int]]:
    if p.cuts is None:
        return [(ln.folded, ln.start) for ln in p.lines]
    return [(ln.folded[a:b], ln.start + a) for ln, (a, b) in zip(p.lines, p.cuts, strict=True)]


def _finish(i: int, p: _Pending, hyphens: str) -> Block:
    passage = join_pieces(_pieces(p), hyphens)
    cells: tuple[tuple[int, Passage], ...] = ()
    if p.cell_lines:
        cells = tuple(
            (group[0].indent, join_pieces([(ln.folded, ln.start) for ln in group], hyphens))
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
        line_starts=tuple(ln.start for ln in p.lines),
    )


def note_letters() -> Iterator[str]:
    """Table-note letters in printed order: a … z, then aa, ab … zz.

    >>> import itertools
    >>> list(itertools.islice(note_letters(), 25, 28))
    ['z', 'aa', 'ab']
    """
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for first in letters:
        for second in letters:
            yield first + second


_NOTE_ORDER = tuple(note_letters())
NOTE_INDEX = {letter: i for i, letter in enumerate(_NOTE_ORDER)}
"""Each note letter's place in the order notes are lettered (a → 0, b → 1 …)."""


@dataclass(slots=True)
class _Table:
    """The lines of one table region, from its title to the next heading."""

    index: int
    kind: TableKind
    title: _Pending
    lines: list[tuple[Line, int]] = field(default_factory=list)


class _BodyParser:
    """Cuts the body stream into headings, table regions and paragraphs.

    Paragraphs and headings end where the extractor ends a block.  A table
    runs from its title to the next heading (a table closes its item's
    section, so a heading always follows it) and is parsed as a whole:
    rows start where a record and a date start, whatever the line breaks;
    notes start at their letters, in sequence, on a line of their own or
    after the full stop of the note before.  Blank lines carry nothing.
    """

    def __init__(self, lexicon: Lexicon, uses_trailing_space: bool) -> None:
        self.lx = lexicon
        language = language_of(lexicon)
        self.clause_continuation = language.punctuation("clause_continuation")
        self.colon = language.punctuation("colon")
        self.header_leftovers = str(lexicon.value("tables", "header_leftovers"))
        self.ts = uses_trailing_space
        # Read once: asked of every line, and the lexicon's are properties.
        self.terminal = lexicon.terminal
        self.continuing = lexicon.continuing
        self.joiner = _joiner(lexicon.language)
        self.item = lexicon.pattern("headings", "item")
        self.subsection = lexicon.pattern("headings", "subsection")
        self.table_number = lexicon.pattern("headings", "table_number")
        self.meetings_title = lexicon.pattern("headings", "meetings_title")
        self.vc_title = lexicon.pattern("headings", "videoconferences_title")
        self.note = lexicon.pattern("headings", "table_note")
        self.full_date = lexicon.pattern("dates", "full")
        self.no_record = lexicon.pattern("tables", "no_record")
        self.continued_mark = lexicon.pattern("tables", "continued")
        self.ref_before = lexicon.pattern("tables", "ref_before")
        labels = [
            re.escape(w)
            for group in ("for", "against", "abstaining", "absent", "not_participating")
            for w in lexicon.words("votes", group)
        ]
        see = lexicon.value("footnotes", "see").lstrip("^")
        # What a table note opens with: a vote label, or "see …".
        self.note_words = re.compile(
            "(?:"
            + "|".join(labels)
            + ")\\s*"
            + lexicon.value("votes", "label_separator")
            + "|"
            + see
        )
        self.sentence_ends = lexicon.terminal + str(lexicon.value("punctuation", "sentence_close"))
        self.fragments = sorted(
            ("".join(w.split()) for w in lexicon.words("tables", "header_fragments")),
            key=len,
            reverse=True,
        )
        self.out: list[_Pending] = []
        self.issues: list[LayoutIssue] = []
        self.current: _Pending | None = None
        self.table: _Table | None = None
        self.table_index = -1
        self.pending_number: _Pending | None = None

    # -- helpers ---------------------------------------------------------
    def _ends(self, line: Line) -> bool:
        return _ends_block(line, self.ts, self.terminal, self.continuing)

    def _open(self, kind: BlockKind, line: Line, page: int, **kw: object) -> _Pending:
        block = _Pending(kind, [line], [page], **kw)  # type: ignore[arg-type]
        self.out.append(block)
        self.current = block
        return block

    def _heading_like(self, text: str) -> bool:
        return bool(
            self.table_number.match(text)
            or self.meetings_title.match(text)
            or self.vc_title.match(text)
            or self.subsection.match(text)
            or self.item.match(text)
        )

    def _title_of(self, text: str) -> str | None:
        for pattern in (self.meetings_title, self.vc_title):
            if m := pattern.match(text):
                return "".join((m["item"] or "").split())
        return None

    def _header_line(self, text: str) -> bool:
        """Whether the line holds nothing but header-row fragments."""
        rest = "".join(text.split())
        found = False
        for fragment in self.fragments:
            if fragment in rest:
                found = True
                rest = rest.replace(fragment, "")
        return found and not rest.strip(self.header_leftovers)

    # -- main loop -------------------------------------------------------
    def parse(self, body: list[tuple[Line, int]]) -> list[_Pending]:
        for line, page in body:
            if line.is_blank:
                continue
            self._line(line, page)
        self._end_table()
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
            if self._ends(line) and self._complete(cur):
                self.current = None
            return
        if self.table is not None:
            if not self._heading_like(text) or self._continues_table(text):
                self.table.lines.append((line, page))
                return
            self._end_table()
        self._text_line(line, page)

    def _continues_table(self, text: str) -> bool:
        """A table number marked continued, or the current table's title
        again: the table goes on after a page break."""
        assert self.table is not None
        if self.table_number.match(text):
            return bool(self.continued_mark.search(text))
        title = self._title_of(text)
        kind = TableKind.MEETINGS if self.meetings_title.match(text) else TableKind.VIDEOCONFERENCES
        return (
            title is not None
            and kind is self.table.kind
            and title == self._title_of(" ".join(ln.folded for ln in self.table.title.lines))
        )

    def _end_table(self) -> None:
        table, self.table = self.table, None
        if table is not None:
            _TableParser(self, table).parse()
        self.current = None

    def _text_line(self, line: Line, page: int) -> None:
        text = line.folded
        if m := self.table_number.match(text):
            self.pending_number = self._open(
                BlockKind.TABLE_NUMBER, line, page, number=int(m["number"])
            )
            self.current = None
            return
        for pattern, kind in (
            (self.meetings_title, TableKind.MEETINGS),
            (self.vc_title, TableKind.VIDEOCONFERENCES),
        ):
            if pattern.match(text):
                self.table_index += 1
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
                self.table = _Table(self.table_index, kind, title)
                if self._ends(line):
                    self.current = None
                return
        if self._header_line(text):
            # A header row with no title before it (the title lost): the
            # table is still a table, of the kind its header names.
            self.issues.append(
                LayoutIssue(
                    "table-lines",
                    "a table header without its title",
                    line.start + line.indent,
                    line.end,
                )
            )
            self.table_index += 1
            kind = self._header_kind(text)
            header = self._open(
                BlockKind.TABLE_HEADER, line, page, table=self.table_index, table_kind=kind
            )
            self.out.pop()  # the table parser emits its lines
            self.current = None
            self.table = _Table(self.table_index, kind, header, [(line, page)])
            return
        last = self.out[-1] if self.out else None
        if (
            _opens_with_closing(text, self.clause_continuation)
            and last is not None
            and last.kind is BlockKind.PARAGRAPH
        ):
            # A line that opens with closing punctuation continues the
            # paragraph before, whatever space ended that one's last line.
            last.lines.append(line)
            last.pages.append(page)
            self.current = None if self._ends(line) and self._complete(last) else last
            return
        if m := self.item.match(text):
            self._open(BlockKind.ITEM_HEADING, line, page, number=int(m["number"]))
        elif m := self.subsection.match(text):
            self._open(BlockKind.SUBSECTION_HEADING, line, page, letter=m["letter"])
        else:
            self._open(BlockKind.PARAGRAPH, line, page)
        if self.current is not None and self._ends(line) and self._complete(self.current):
            self.current = None

    def _complete(self, block: _Pending) -> bool:
        """Whether a paragraph's text ends a sentence (after its last marker).

        A trailing space after a word that ends no sentence is a false block
        end (a line cut short): the paragraph goes on.  Headings and titles
        end where their line does.
        """
        if block.kind is not BlockKind.PARAGRAPH:
            return True
        text = block.lines[-1].folded.strip()
        if len(block.lines) > 1 and not re.search(r"[^\d\s]", text):
            text = block.lines[-2].folded.strip() + " " + text  # a marker alone on the line
        tail = re.sub(r"\s*\d+$", "", text)  # one marker after the stop
        if tail != text and not re.search(r"[^\d\s]$", tail):
            return False  # numbers apart: a cut line, not a marker after a stop
        tail = "".join(tail.split())
        if not tail:
            return False
        if tail[-1] in self.terminal or tail[-1] in self.colon:
            return tail == "".join(text.split()) or tail[-1] in self.terminal
        # A closing quote or bracket ends a paragraph after a full stop only.
        return tail[-1] in self.sentence_ends and len(tail) > 1 and tail[-2] in self.terminal

    def _header_kind(self, text: str) -> TableKind:
        words = "".join(text.split())
        vc = ("".join(w.split()) for w in self.lx.words("tables", "videoconferences_header"))
        return TableKind.VIDEOCONFERENCES if any(w in words for w in vc) else TableKind.MEETINGS


class _TableParser:
    """One table region → header, row and note blocks.

    Works on the region as a whole, so that no decision depends on where
    the extractor broke a line: a row starts where the text from a line on
    (joined across wraps) opens with the record and date of a new row; the
    notes start at the last note ``a`` that no row follows; each note runs
    to the next letter in sequence.
    """

    _LOOKAHEAD = 6  # lines joined to recognise a row start wrapped inside its date

    def __init__(self, parser: _BodyParser, table: _Table) -> None:
        self.p = parser
        self.t = table
        self.lines = table.lines

    def _block(self, kind: BlockKind, items: list[tuple[Line, int]], **kw: object) -> _Pending:
        block = _Pending(
            kind,
            [ln for ln, _ in items],
            [pg for _, pg in items],
            table=self.t.index,
            table_kind=self.t.kind,
            **kw,  # type: ignore[arg-type]
        )
        self.p.out.append(block)
        return block

    def _joined(self, i: int) -> str:
        """The text from line ``i`` on, its wraps closed up, enough to hold a
        record and a date (the patterns it meets allow spaces anywhere)."""
        out = ""
        for line, _ in self.lines[i : i + self._LOOKAHEAD]:
            # closed up in Chinese (无记 / 录 must read 无记录), a space in
            # English (26 February / 2020)
            out += (self.p.joiner if out else "") + line.folded.strip()
            if len(out) > 48:
                break
        return out

    def row_start(self, i: int) -> bool:
        """Whether a new row starts at line ``i``."""
        line = self.lines[i][0]
        head = line.folded.lstrip()[:1]
        opens = "S" if self.t.kind is TableKind.MEETINGS else "0123456789"
        if not head or head not in opens or self.p._header_line(line.folded):
            return False  # a row opens with its record (meetings) or its date
        text = self._joined(i)
        if self.t.kind is TableKind.MEETINGS:
            return bool(re.match(r"S\s*/\s*PV\s*\.\s*\d", text))
        m = self.p.full_date.match(text)
        if not m or m.start() > 0:
            return False
        rest = text[m.end() :].strip()
        # date + record symbol, date + "no record", or a date alone (a row
        # cut short): anything else is a date inside a wrapped cell.
        return not rest or bool(re.match(r"[A-Z]+\s*/", rest) or self.p.no_record.match(rest))

    def _note_start(self, i: int) -> str | None:
        """The letter of a note starting at line ``i``, if one can."""
        line = self.lines[i][0]
        m = self.p.note.match(line.folded)
        if m is None and i + 1 < len(self.lines):
            m = _LONE_LETTER.match(line.folded)  # the letter alone, its text on the next line
        if m is None or m["letter"] not in NOTE_INDEX:
            return None
        prev = next((ln for ln, _ in reversed(self.lines[:i])), None)
        if prev is not None and not self.p._ends(prev) and self.p.ref_before.search(prev.folded):
            return None  # a reference letter wrapped to the start of a line
        return str(m["letter"])

    def parse(self) -> None:
        n = len(self.lines)
        starts = [i for i in range(n) if self.row_start(i)]
        last_row = starts[-1] if starts else -1
        notes_from = n
        candidates = [i for i in range(last_row + 1, n) if self._note_start(i) is not None]
        if candidates:
            firsts = [i for i in candidates if self._note_start(i) == "a"]
            notes_from = firsts[0] if firsts else candidates[0]
        first_row = starts[0] if starts else notes_from
        if first_row > 0:
            self._header(self.lines[:first_row])
        self._rows(starts, notes_from)
        self._notes(notes_from)

    def _header_indices(self, items: list[tuple[Line, int]]) -> set[int]:
        """Which of ``items`` are header-row lines: a line of header fragments
        only, and a line wrapped inside a fragment (``视`` / ``频会议日期 …``)
        together with the line that completes it."""
        found: set[int] = set()
        for k, (line, _) in enumerate(items):
            if self.p._header_line(line.folded):
                found.add(k)
            elif k + 1 < len(items) and not self.p._header_line(items[k + 1][0].folded):
                joined = line.folded.strip() + items[k + 1][0].folded.strip()
                if self.p._header_line(joined):
                    found.update((k, k + 1))
        return found

    def _header(self, items: list[tuple[Line, int]]) -> None:
        marked = self._header_indices(items)
        header = [it for k, it in enumerate(items) if k in marked]
        other = [it for k, it in enumerate(items) if k not in marked]
        if header:
            self._block(BlockKind.TABLE_HEADER, header)
        if other:
            self._block(BlockKind.UNPARSED, other)

    def _rows(self, starts: list[int], end: int) -> None:
        bounds = [s for s in starts if s < end]
        for k, s in enumerate(bounds):
            e = bounds[k + 1] if k + 1 < len(bounds) else end
            row_items: list[tuple[Line, int]] = []
            headers: list[tuple[Line, int]] = []
            region = self.lines[s:e]
            marked = self._header_indices(region)
            for k, item in enumerate(region):
                if k in marked:
                    headers.append(item)  # the header repeated after a page break
                else:
                    row_items.append(item)
            if headers:
                self._block(BlockKind.TABLE_HEADER, headers)
            row = self._block(BlockKind.TABLE_ROW, row_items)
            cell_open = False
            for line in row.lines:
                if not cell_open:
                    row.cell_lines.append([])
                row.cell_lines[-1].append(line)
                cell_open = not self.p._ends(line)

    def _notes(self, start: int) -> None:
        """The notes from line ``start`` of the region to its end."""
        items = self.lines[start:]
        if not items:
            return
        expected = _NOTE_ORDER[0]
        notes: list[_Pending] = []
        stray: list[tuple[Line, int]] = []
        for idx, (line, page) in enumerate(items):
            text = line.folded
            may_open = idx == 0 or self._note_start(start + idx) is not None
            after_end = idx == 0 or self.p._ends(items[idx - 1][0])
            for a, b, letter in self._note_cuts(text, may_open, expected, after_end):
                if letter is not None:
                    if letter != expected:
                        self.p.issues.append(
                            LayoutIssue(
                                "table-note-sequence",
                                f"table note {letter} where note {expected} was expected",
                                line.start + a,
                                line.start + b,
                            )
                        )
                    note = _Pending(
                        BlockKind.TABLE_NOTE,
                        [],
                        [],
                        letter=letter,
                        table=self.t.index,
                        table_kind=self.t.kind,
                        cuts=[],
                    )
                    notes.append(note)
                    self.p.out.append(note)
                    expected = _next_letter(letter)
                elif not notes:
                    stray.append((line, page))
                    continue
                assert notes[-1].cuts is not None
                notes[-1].lines.append(line)
                notes[-1].pages.append(page)
                notes[-1].cuts.append((a, b))
        if stray:
            self._block(BlockKind.UNPARSED, stray)

    def _note_cuts(
        self, text: str, may_open: bool, expected: str, after_end: bool = True
    ) -> list[tuple[int, int, str | None]]:
        """Split one line into note parts ``(start, end, letter or None)``.

        A note opens at the line start (``may_open``) with any letter, or
        after a full stop inside the line with the letter expected next.
        Inside a note (the line before did not end its block: ``after_end``
        false) only the letter expected next opens one at the line start:
        a wrapped English note line opening with a word of two letters
        (``of``, ``to``) is not note ``of``.
        """
        cuts: list[tuple[int, int, str | None]] = []
        pos = 0
        letter: str | None = None
        m = self.p.note.match(text) if may_open else None
        if m is not None and not after_end and m["letter"] != expected:
            m = None
        if m is None and may_open:
            # The letter alone, its text wrapped to the next line.
            lone = _LONE_LETTER.match(text)
            m = lone if lone is not None and lone["letter"] == expected else None
        if m is not None:
            letter = m["letter"]
            pos = m.start("letter")
            expected = _next_letter(letter)
        start = pos
        terminal = re.escape(self.p.lx.terminal)
        inline = re.compile(rf"(?<=[{terminal}])\s*(?P<letter>[a-z]{{1,2}})(?:\s+(?=\S)|\s*$)")
        for im in inline.finditer(text, pos):
            if im["letter"] != expected and not self.p.note_words.match(text, im.end()):
                continue  # a letter out of sequence opens a note only before a note's words
            cuts.append((start, im.start("letter"), letter))
            letter = im["letter"]
            start = im.start("letter")
            expected = _next_letter(letter)
        cuts.append((start, len(text.rstrip()) if text.strip() else len(text), letter))
        return [(a, b, x) for a, b, x in cuts if text[a:b].strip() or x is not None]


_LONE_LETTER = re.compile(r"^\s*(?P<letter>[a-z]{1,2})\s*$")


def _next_letter(letter: str) -> str:
    i = NOTE_INDEX.get(letter)
    return _NOTE_ORDER[i + 1] if i is not None and i + 1 < len(_NOTE_ORDER) else letter
