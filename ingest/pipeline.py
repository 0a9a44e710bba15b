"""The ingest pipeline: source file → layout → records, with a coverage report.

Stages and what each needs and adds (printed by ``councilkg ingest --stages``):

====================  ==========================  ===============================
stage                 needs                       adds
====================  ==========================  ===============================
read                  path                        Source (text, lines, SHA-256)
layout                Source, lexicon             Document (pages, blocks, links)
context               Document                    items, footnote markers, year
tables                context                     meetings, videoconferences,
                                                  decisions, votes, notes
narrative             context, tables             events, speakers, sponsors,
                                                  briefers, formats, passages
footnotes             context, narrative          footnotes, positions, letters
documents             context, tables, letters    citations, documents and kinds
mentions              context                     States, organizations, roles,
                                                  instruments named
====================  ==========================  ===============================
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from councilkg.ingest.errors import Code, Diagnostic, SourceError
from councilkg.ingest.extract.citing import extract_citing
from councilkg.ingest.extract.context import build_context
from councilkg.ingest.extract.derived import derive_votes
from councilkg.ingest.extract.documents import extract_documents
from councilkg.ingest.extract.footnotes import extract_footnotes
from councilkg.ingest.extract.mentions import extract_mentions
from councilkg.ingest.extract.narrative import extract_narrative
from councilkg.ingest.extract.tables import extract_tables
from councilkg.ingest.language import AUTO, check_language, detect_language
from councilkg.ingest.layout import BlockKind, Document, recover_layout
from councilkg.ingest.lexicon import load_lexicon
from councilkg.ingest.memo import forget
from councilkg.ingest.records import (
    Finding,
    Letter,
    Meeting,
    Passage,
    Provenance,
    Record,
    SourceFile,
    Unparsed,
    Videoconference,
)
from councilkg.ingest.source import Source, read_source, source_from_bytes

STAGES: tuple[tuple[str, str, str], ...] = (
    ("read", "path", "Source"),
    ("layout", "Source, lexicon", "Document"),
    ("context", "Document", "items, markers, year"),
    ("tables", "context", "meetings, videoconferences, decisions, votes, notes"),
    ("narrative", "context, tables", "events, speakers, sponsors, briefers, formats, passages"),
    ("footnotes", "context, narrative", "footnotes, positions, letters"),
    ("documents", "context, tables, letters", "citations, documents"),
    ("mentions", "context", "States, organizations, roles, instruments"),
)


@dataclass(frozen=True, slots=True)
class UnparsedPassage:
    """Text not interpreted, for the coverage report."""

    line: int
    text: str
    reason: str


@dataclass(slots=True)
class Coverage:
    """How much of the source was assigned to structure."""

    total_chars: int
    structured_chars: int
    unparsed: list[UnparsedPassage] = field(default_factory=list)

    @property
    def share(self) -> float:
        """Share of non-space characters assigned to structure (0..1)."""
        return self.structured_chars / self.total_chars if self.total_chars else 1.0


@dataclass(slots=True)
class IngestResult:
    """Everything one ingest produced."""

    source: Source
    document: Document
    records: list[Record]
    diagnostics: list[Diagnostic]
    coverage: Coverage
    language: str = "zh"
    """The code of the edition's language (the lexicon it was read with)."""

    @property
    def contradictions(self) -> list[Diagnostic]:
        """Diagnostics of contradictions in the source (codes ``E…``)."""
        return [d for d in self.diagnostics if d.code.value.startswith("E")]


def ingest_file(path: str | Path, *, language: str = "zh") -> IngestResult:
    """Ingest one Repertoire text file, read as one document (a file that
    holds several: :func:`councilkg.ingest.parts.parts_of`, which
    :func:`councilkg.ingesting.load` reads them with).

    Raises:
        SourceError: unreadable, empty, not UTF-8, or not Repertoire text.
    """
    return ingest_source(read_source(path), language=language)


def ingest_bytes(data: bytes, name: str, *, language: str = "zh") -> IngestResult:
    """Ingest text held in memory (``name`` stands for the file in provenance)."""
    return ingest_source(source_from_bytes(data, name), language=language)


def ingest_source(source: Source, *, language: str = "zh") -> IngestResult:
    """Run every stage on a decoded source, read with the lexicon of
    ``language`` (``auto``: the language the text is written in).

    Raises:
        SourceError: not Repertoire text, not in ``language``, or (``auto``)
            in a language without a lexicon.
    """
    with _collector_paused():
        return _ingest_source(source, language)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for one file.

    Why: the stages build tens of thousands of objects per file that live
    until its records are made, and the collector walked them again at
    every pass (4–6 % of the stage).  Why it is safe: the stages make no
    reference cycles, so everything they drop is freed by reference
    counting at once (``tests/test_parse_shortcuts.py`` checks that a file
    leaves nothing for the collector); it runs again as soon as the file
    is read.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _ingest_source(source: Source, language: str) -> IngestResult:
    forget()  # the last file's memos
    if language == AUTO:
        language = detect_language(source)
    lx = load_lexicon(language)
    check_language(source, lx)  # a text in another language parses nothing
    doc = recover_layout(source, lx)
    _check_repertoire(doc)
    ctx = build_context(doc, lx)
    tables = extract_tables(ctx)
    narrative = extract_narrative(ctx, tables)
    footnotes = extract_footnotes(ctx, narrative.footnote_events)
    letters = [r for r in footnotes if isinstance(r, Letter)]
    documents = extract_documents(ctx, tables.table_kinds, letters)
    documents += extract_citing(ctx, documents, letters)
    mentions = extract_mentions(ctx)
    table_records = [_enrich(r, narrative.formats, narrative.open_vcs) for r in tables.records]
    # Members' votes that a unanimous count or statement implies (no vote note).
    table_records += derive_votes(table_records, table_records)
    records: list[Record] = [_source_record(source, doc, ctx.year, lx.language)]
    records += list(_item_records(ctx))
    records += table_records + narrative.records + footnotes + documents + mentions
    described = {r.block_id for r in narrative.records if isinstance(r, Passage)}
    for block in doc.blocks:
        # Every block a span can point into is described, not only paragraphs.
        if block.id not in described and block.kind is not BlockKind.UNPARSED:
            scope = ctx.item_for(block)
            records.append(
                Passage(
                    ctx.prov(block),
                    block_id=block.id,
                    kind=block.kind.value,
                    text=block.text,
                    item_key=scope.key if scope else None,
                    events=(),
                    language=lx.language,
                )
            )
    for block in doc.of_kind(BlockKind.UNPARSED):
        ctx.diag(Code.UNPARSED, "text kept as an unparsed passage", block)
        records.append(Unparsed(ctx.prov(block), reason="not recognised by the layout"))
    diagnostics = sorted(set(ctx.diagnostics), key=lambda d: (d.start, d.code.value, d.message))
    for d in diagnostics:
        if d.code.value.startswith("E") or d.code in (Code.NOTE_MISSING, Code.TABLE_TRUNCATED):
            records.append(
                Finding(_diag_prov(source, doc, d), code=d.code.value, message=d.message)
            )
    return IngestResult(source, doc, records, diagnostics, _coverage(source, records), lx.language)


def _check_repertoire(doc: Document) -> None:
    structural = (
        doc.furniture
        or doc.of_kind(BlockKind.FOOTNOTE)
        or doc.of_kind(BlockKind.ITEM_HEADING, BlockKind.SUBSECTION_HEADING)
        or doc.of_kind(BlockKind.TABLE_TITLE)
    )
    if not structural:
        first = next((ln for ln in doc.source.lines if not ln.is_blank), doc.source.lines[0])
        raise SourceError(
            doc.source.path,
            "not Repertoire text: expected a running header, a footnote block, an item "
            "heading or a meetings/videoconferences table, found none",
            line=first.number,
            column=first.indent + 1,
            context=first.text[:80],
        )


def _enrich(record: Record, formats: dict[str, str], open_vcs: dict[str, bool]) -> Record:
    if isinstance(record, Meeting) and record.record in formats:
        return dataclasses.replace(record, format=formats[record.record])
    if isinstance(record, Videoconference) and record.key in open_vcs:
        return dataclasses.replace(record, open=open_vcs[record.key])
    return record


def _source_record(source: Source, doc: Document, year: int | None, language: str) -> SourceFile:
    jobs = [f.job_number for f in doc.furniture if f.job_number]
    prov = Provenance(
        source.name,
        source.sha256,
        0,
        None,
        "source",
        "source",
        source.lines[0].number if source.lines else 1,
        0,
        len(source.text),
        "",
    )
    return SourceFile(
        prov=prov,
        name=source.name,
        sha256=source.sha256,
        size=source.size,
        language=language,
        period=str(year) if year else None,
        job_number=jobs[0] if jobs else None,
        pages=doc.page_count,
        printed_pages=tuple(sorted(doc.printed_pages().items())),
        stated_pages=tuple(sorted(doc.stated_pages())),
    )


def _item_records(ctx: object) -> Iterable[Record]:
    from councilkg.ingest.extract.context import Context
    from councilkg.ingest.records import Item, ItemGroup

    assert isinstance(ctx, Context)
    for g in ctx.groups:
        yield ItemGroup(
            ctx.prov(g.block),
            key=g.key,
            number=g.number,
            title=g.title,
            title_en=g.title_en,
            language=ctx.lang,
        )
    seen: set[str] = set()
    for scope in ctx.items:
        if scope.key in seen:
            continue
        seen.add(scope.key)
        yield Item(
            ctx.prov(scope.block),
            key=scope.key,
            title=scope.title,
            title_en=scope.title_en,
            language=ctx.lang,
            group_key=scope.group_key,
            number=scope.number,
            subsection=scope.subsection,
            curated=scope.curated,
        )


def _diag_prov(source: Source, doc: Document, d: Diagnostic) -> Provenance:
    return Provenance(
        source.name,
        source.sha256,
        0,
        None,
        "finding",
        f"d{d.start}",
        d.line,
        d.start,
        d.end,
        source.text[d.start : d.end],
    )


def _coverage(source: Source, records: list[Record]) -> Coverage:
    total = len("".join(source.text.split()))
    unparsed = [r for r in records if isinstance(r, Unparsed)]
    lost = sum(len("".join(r.prov.text.split())) for r in unparsed)
    return Coverage(
        total_chars=total,
        structured_chars=max(total - lost, 0),
        unparsed=[UnparsedPassage(r.prov.line, r.prov.text, r.reason) for r in unparsed],
    )
