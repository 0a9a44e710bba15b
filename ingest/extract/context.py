"""What every extractor shares: the document, the lexicon, the items each
block belongs to, footnote markers, provenance and diagnostics.

Why one context object: the extractors are small and single-purpose, but
they answer questions about each other's results (the narrative needs the
events of the tables; footnotes need the event of their marker's sentence),
so the shared facts are computed once here and passed along.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from councilkg.ingest.dates import find_dates
from councilkg.ingest.errors import Code, Diagnostic
from councilkg.ingest.gazetteer import Gazetteer, default_gazetteer
from councilkg.ingest.lang import Language, language_of
from councilkg.ingest.layout import SEPARATOR, Block, BlockKind, Document
from councilkg.ingest.lexicon import Lexicon, Named, named_table
from councilkg.ingest.marker_grammar import marker_grammar, marker_pattern
from councilkg.ingest.markers import Marker, Offset, find_markers, strip_markers
from councilkg.ingest.records import Provenance
from councilkg.ingest.text import fold

# Blocks whose text states facts: the body, and the footnotes.
TEXT_KINDS = (
    BlockKind.PARAGRAPH,
    BlockKind.FOOTNOTE,
    BlockKind.TABLE_ROW,
    BlockKind.TABLE_NOTE,
    BlockKind.TABLE_TITLE,
    BlockKind.ITEM_HEADING,
    BlockKind.SUBSECTION_HEADING,
)
BODY_KINDS = (
    BlockKind.PARAGRAPH,
    BlockKind.ITEM_HEADING,
    BlockKind.SUBSECTION_HEADING,
    BlockKind.TABLE_TITLE,
    BlockKind.TABLE_ROW,
    BlockKind.TABLE_NOTE,
)


_KIND_VALUE = {kind: kind.value for kind in BlockKind}
"""Each block kind's name (an enum's ``value`` is a property, read per fact)."""


def compact(text: str) -> str:
    """Folded text without any whitespace: the key for comparing titles."""
    return "".join(fold(text).split())


@dataclass(slots=True)
class ItemScope:
    """An agenda item as the section headings and table titles define it."""

    key: str
    title: str
    title_en: str | None
    curated: bool
    block: Block
    number: str | None = None
    subsection: str | None = None
    group_key: str | None = None


@dataclass(slots=True)
class GroupScope:
    """A numbered group of items ("32. 与不扩散有关的项目")."""

    key: str
    number: str
    title: str
    title_en: str | None
    block: Block


@dataclass(slots=True)
class Context:
    """Shared state of one extraction run."""

    doc: Document
    lx: Lexicon
    gz: Gazetteer
    year: int | None
    items: list[ItemScope] = field(default_factory=list)
    groups: list[GroupScope] = field(default_factory=list)
    item_of: dict[str, ItemScope] = field(default_factory=dict)
    markers: dict[int, Marker] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _by_block: tuple[dict[int, Marker], dict[str, list[Marker]]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def lang(self) -> str:
        """Language of the edition."""
        return self.lx.language

    @property
    def language(self) -> Language:
        """The edition's language: its lexicon and hooks."""
        return language_of(self.lx)

    def prov(
        self,
        block: Block,
        start: int | None = None,
        end: int | None = None,
        text: str | None = None,
    ) -> Provenance:
        """Provenance of ``block``, or of its passage characters ``[start, end)``
        (read as ``text`` when given: a reading without markers, say).

        Written out rather than composed of the passage's and the block's
        helpers: every fact asks for one, some ten thousand per file."""
        if start is None or end is None:
            s, e = block.start, block.end
            if text is None:
                text = block.text
        else:
            passage = block.passage
            runs_p = passage.runs_p
            if not runs_p:
                s = 0
                e = 0 if end <= start else 1
            else:
                runs_s = passage.runs_s
                i = bisect_right(runs_p, start) - 1
                if i < 0:
                    i = 0
                s = runs_s[i] + (start - runs_p[i])
                if end <= start:
                    e = s
                else:
                    j = bisect_right(runs_p, end - 1) - 1
                    if j < 0:
                        j = 0
                    e = runs_s[j] + (end - 1 - runs_p[j]) + 1
            if text is None:
                text = block.passage.text[start:end]
        pages = block.line_pages
        if not pages:
            page = 0
        elif pages[0] == pages[-1]:
            page = pages[0]  # most blocks lie on one page
        else:
            page = block.page_at(s)
        src = self.doc.source
        return Provenance(
            src.name,
            src.sha256,
            page,
            self.doc.printed_pages().get(page),
            _KIND_VALUE[block.kind],
            block.id,
            src.line_at(s),
            s,
            e,
            text,
            src.text[s:e],
        )

    def markers_in(self, block: Block) -> list[Marker]:
        """The footnote markers in ``block`` (an index kept per ``markers``:
        a passage's reading asks for it, and scanning every marker each
        time grew with the square of the file)."""
        if self._by_block is None or self._by_block[0] is not self.markers:
            index: dict[str, list[Marker]] = {}
            for m in self.markers.values():
                index.setdefault(m.block.id, []).append(m)
            self._by_block = (self.markers, index)
        return self._by_block[1].get(block.id, [])

    def reading(self, block: Block, start: int, end: int) -> str:
        """Characters ``[start, end)`` of ``block``'s text as a passage is
        read: without the footnote markers among them, stripped."""
        inside = [
            Offset(m.start - start, m.end - start)
            for m in self.markers_in(block)
            if m.block is block and start <= m.start < end
        ]
        return strip_markers(block.text[start:end], inside).strip()

    def diag(
        self,
        code: Code,
        message: str,
        block: Block,
        start: int | None = None,
        end: int | None = None,
    ) -> None:
        """Record a coded diagnostic located in ``block``."""
        if start is None or end is None:
            s, e = block.start, block.end
        else:
            s, e = block.passage.source_span(start, end)
        self.diagnostics.append(Diagnostic(code, message, self.doc.source.line_at(s), s, e))

    def diag_at(self, code: Code, message: str, prov: Provenance) -> None:
        """Record a coded diagnostic at a record's own span (a decision's
        symbol and count, say), which may lie many lines into its block."""
        self.diagnostics.append(Diagnostic(code, message, prov.line, prov.start, prov.end))

    def item_for(self, block: Block) -> ItemScope | None:
        """The item a block belongs to."""
        return self.item_of.get(block.id)


def build_context(doc: Document, lx: Lexicon) -> Context:
    """Scope items, find markers and the supplement's year."""
    ctx = Context(doc=doc, lx=lx, gz=default_gazetteer(), year=_period_year(doc, lx))
    _layout_diagnostics(ctx)
    _scope_items(ctx)
    footnote_numbers = [b.number for b in doc.of_kind(BlockKind.FOOTNOTE) if b.number is not None]
    ctx.markers = find_markers(doc.of_kind(*BODY_KINDS), footnote_numbers, marker_grammar(lx))
    for fn in doc.of_kind(BlockKind.FOOTNOTE):
        if fn.number is not None and fn.number not in ctx.markers:
            ctx.diag(Code.FOOTNOTE_NO_MARKER, f"footnote {fn.number} has no marker in the body", fn)
        marker = ctx.markers.get(fn.number or -1)
        if marker is not None:
            scope = ctx.item_for(marker.block)
            if scope is not None:
                ctx.item_of[fn.id] = scope
    _markers_without_footnotes(ctx, sorted(set(footnote_numbers)))
    return ctx


# How many numbers before the first footnote and after the last are looked
# for as markers whose footnotes are missing.
_EDGE = 2


def _next_separator(ctx: Context, offset: int) -> int:
    """The end of the first footnote separator line after ``offset`` (where
    a footnote that is due would start), else ``offset``."""
    for line in ctx.doc.source.lines:
        if line.start > offset and SEPARATOR.match(line.folded):
            return line.end
    return offset


def _markers_without_footnotes(ctx: Context, numbers: list[int]) -> None:
    """Report markers whose footnote is missing (W003), at the marker's line.

    Only the numbers the footnotes leave out (a gap in the sequence, or just
    before the first and after the last) are looked for, and each only
    between the markers of its neighbours, so a count or a year is not
    taken for a marker.
    """
    if not numbers:
        return
    present = set(numbers)
    missing = [n for n in range(numbers[0] - _EDGE, numbers[-1] + _EDGE + 1) if n not in present]
    body = ctx.doc.of_kind(*BODY_KINDS)
    footnotes = ctx.doc.of_kind(BlockKind.FOOTNOTE)
    order = {b.id: i for i, b in enumerate(body)}
    counters = marker_grammar(ctx.lx)

    def position(number: int) -> tuple[int, int] | None:
        m = ctx.markers.get(number)
        return (order[m.block.id], m.start) if m is not None else None

    for n in missing:
        if n <= 0:
            continue
        before = [p for k in numbers if k < n and (p := position(k)) is not None]
        after = [p for k in numbers if k > n and (p := position(k)) is not None]
        low = max(before) if before else (0, 0)
        high = min(after) if after else (len(body), 0)
        for i in range(low[0], min(high[0] + 1, len(body))):
            block = body[i]
            start = low[1] if i == low[0] else 0
            end = high[1] if i == high[0] else len(block.text)
            found = marker_pattern(n, counters).search(block.text, start, end)
            if found:
                # The span runs on to where the footnote was due: the next
                # footnote's line, where it may have been lost; for the last
                # one, the end of the footnotes before it that follow the
                # marker (it came after them).
                s, e = block.passage.source_span(found.start(), found.end())
                due = [b.start for b in footnotes if b.number is not None and b.number > n]
                ahead = [b.end for b in footnotes if (b.number or n) < n and b.start > s]
                until = min(due) if due else max(ahead) if ahead else _next_separator(ctx, e)
                ctx.diagnostics.append(
                    Diagnostic(
                        Code.MARKER_NO_FOOTNOTE,
                        f"marker {n} has no footnote",
                        ctx.doc.source.line_at(s),
                        s,
                        max(e, until),
                    )
                )
                break


_LAYOUT_CODES = {
    "footnote-sequence": Code.FOOTNOTE_SEQUENCE,
    "table-note-sequence": Code.NOTE_MISSING,
}


def _layout_diagnostics(ctx: Context) -> None:
    """What the layout stage could not reconcile, and removed characters."""
    src = ctx.doc.source
    for issue in ctx.doc.issues:
        code = _LAYOUT_CODES.get(issue.kind, Code.UNPARSED)
        ctx.diagnostics.append(
            Diagnostic(code, issue.message, src.line_at(issue.start), issue.start, issue.end)
        )
    jobs = [f for f in ctx.doc.furniture if f.job_number]
    other = next((f for f in jobs if f.job_number != jobs[0].job_number), None)
    if other is not None:
        ctx.diagnostics.append(
            Diagnostic(
                Code.SEVERAL_DOCUMENTS,
                f"a footer of job number {other.job_number} after footers of "
                f"{jobs[0].job_number}: a page of another document read as one with this, "
                "or a damaged footer (councilkg ingest reads each document of a file on "
                "its own)",
                other.line.number,
                other.line.start,
                other.line.end,
            )
        )
    lines: dict[int, int] = {}
    for offset in src.removed:
        line = src.line_at(offset)
        lines.setdefault(line, offset)
    for line, offset in lines.items():
        ctx.diagnostics.append(
            Diagnostic(
                Code.ZERO_WIDTH,
                "zero-width characters removed (they carry no text and split tokens)",
                line,
                offset,
                offset,
            )
        )


def _period_year(doc: Document, lx: Lexicon) -> int | None:
    """The year of the supplement: the running header's, else the commonest
    year of the dates in the tables."""
    years = [f.year for f in doc.furniture if f.year is not None]
    if years:
        return Counter(years).most_common(1)[0][0]
    counter: Counter[int] = Counter()
    for block in doc.of_kind(BlockKind.TABLE_ROW):
        for m in find_dates(block.text, lx):
            counter[m.date.year] += 1
    return counter.most_common(1)[0][0] if counter else None


def _curated(kind: str) -> dict[str, Named]:
    return {compact(n.zh): n for n in named_table(kind)} | {
        compact(n.en).lower(): n for n in named_table(kind)
    }


def _fallback_key(prefix: str, title: str) -> str:
    digest = hashlib.sha1(compact(title).encode("utf-8")).hexdigest()[:12]
    return f"{prefix}-{digest}"


def _item_scope(ctx: Context, title: str, block: Block, **kw: str | None) -> ItemScope:
    curated = _curated("item")
    entry = curated.get(compact(title)) or curated.get(compact(title).lower())
    if entry is None:
        key = _fallback_key("item", title)
        ctx.diag(
            Code.UNKNOWN_ITEM, f"item title not in the curated table, key {key}: {title}", block
        )
        scope = ItemScope(key, title, None, False, block, **kw)
    else:
        scope = ItemScope(entry.key, title, entry.en, True, block, **kw)
    ctx.items.append(scope)
    return scope


def _heading_title(block: Block, pattern: re.Pattern[str]) -> str:
    m = pattern.match(block.text)
    return (m["title"] or "").strip() if m else block.text


def _scope_items(ctx: Context) -> None:
    """Give every body block its item.

    A lettered subsection is an item; a numbered heading is a group when its
    title says so (``与…有关的项目``) or the curated table knows it as one,
    otherwise an item.  A table title names its item; blocks before the first
    heading (an excerpt that starts mid-section) take the item of the first
    table title that follows them.
    """
    lx = ctx.lx
    group_pattern = lx.pattern("narrative", "group_title")
    item_heading = lx.pattern("headings", "item")
    sub_heading = lx.pattern("headings", "subsection")
    title_patterns = (
        lx.pattern("headings", "meetings_title"),
        lx.pattern("headings", "videoconferences_title"),
    )
    groups = _curated("group")
    current: ItemScope | None = None
    group: GroupScope | None = None
    orphans: list[Block] = []
    by_key: dict[str, ItemScope] = {}
    for block in ctx.doc.blocks:
        if block.kind is BlockKind.FOOTNOTE:
            continue
        if block.kind is BlockKind.ITEM_HEADING:
            m = item_heading.match(block.text)
            number = m["number"] if m else str(block.number)
            title = _heading_title(block, item_heading)
            entry = groups.get(compact(title)) or groups.get(compact(title).lower())
            if entry is not None or group_pattern.search(title):
                key = entry.key if entry else _fallback_key("group", title)
                group = GroupScope(key, number, title, entry.en if entry else None, block)
                ctx.groups.append(group)
                current = None
            else:
                group = None
                current = _item_scope(ctx, title, block, number=number)
        elif block.kind is BlockKind.SUBSECTION_HEADING:
            title = _heading_title(block, sub_heading)
            current = _item_scope(
                ctx,
                title,
                block,
                number=group.number if group else None,
                subsection=block.letter,
                group_key=group.key if group else None,
            )
        elif block.kind is BlockKind.TABLE_TITLE:
            title = block.text
            for pattern in title_patterns:
                if m := pattern.match(block.text):
                    title = (m["item"] or "").strip()
            if current is None or compact(current.title) != compact(title):
                known = by_key.get(compact(title))
                current = known or _item_scope(ctx, title, block)
            for orphan in orphans:
                ctx.item_of[orphan.id] = current
            orphans.clear()
        if current is None:
            orphans.append(block)
        else:
            by_key.setdefault(compact(current.title), current)
            ctx.item_of[block.id] = current
    # Table numbers and headers are scoped like the table title after them.
    for block in ctx.doc.blocks:
        if block.table is not None and block.id not in ctx.item_of:
            for other in ctx.doc.blocks:
                if other.table == block.table and other.id in ctx.item_of:
                    ctx.item_of[block.id] = ctx.item_of[other.id]
                    break
