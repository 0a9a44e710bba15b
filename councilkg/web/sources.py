"""Where each fact on a page comes from: the passages of the Repertoire.

Why numbered sources: a page shows many facts derived from the same few
passages (fifteen votes from one table, a meeting's invitations from one
row), so each distinct passage is printed once, numbered, at the foot of
the page with its text, file, line and page (printed number where the
source prints one, else its index in the file), and every fact carries
links to the numbers of the passages it was derived from.  A fact is
derived from its passage (``prov:wasDerivedFrom`` a ``ckg:SourcePassage``,
see :mod:`councilkg.ingest.rdf`), or, stated in no block (a finding about
a file), from a span of the file whose exact characters are quoted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from councilkg.web.sparql import Row, Select, bind_iris, page_query, rows_of, select_many

__all__ = ["Source", "Sources", "fetch_sources"]

_BATCH = 200


@dataclass(frozen=True, slots=True)
class Source:
    """One passage (or, for a span outside any block, the span itself)."""

    number: int
    passage: str | None
    text: str
    quotes: tuple[str, ...]
    file: str | None
    line: int | None
    page_index: int | None
    printed_page: str | None
    block_kind: str | None
    lang: str | None = None

    @property
    def anchor(self) -> str:
        """The fragment id of this source on its page."""
        return f"src-{self.number}"


@dataclass(frozen=True, slots=True)
class Sources:
    """The numbered sources of one page, and which facts each supports."""

    all: tuple[Source, ...] = ()
    by_fact: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def of(self, fact: str | None) -> list[Source]:
        """The sources of a fact (none for None or an unsourced fact)."""
        if fact is None:
            return []
        return [self.all[n - 1] for n in self.by_fact.get(fact, ())]


@dataclass(slots=True)
class _Draft:
    passage: str | None
    source: str | None
    file: str | None
    line: int | None
    start: int | None
    page_index: int | None
    printed_page: str | None
    text: str | None = None
    block_kind: str | None = None
    lang: str | None = None
    quotes: list[str] = field(default_factory=list)


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() else None


def _batches(iris: Sequence[str]) -> list[list[str]]:
    return [list(iris[i : i + _BATCH]) for i in range(0, len(iris), _BATCH)]


async def _run_batched(select: Select, name: str, variable: str, iris: Iterable[str]) -> list[Row]:
    ordered = sorted(set(iris))
    if not ordered:
        return []
    text = page_query(name)
    answers = await select_many(select, [bind_iris(text, variable, b) for b in _batches(ordered)])
    out = []
    for rows in answers:
        for raw, row in zip(rows, rows_of(rows), strict=True):
            # The language of the passage's text, else of its source file.
            row["lang"] = raw.get("text", {}).get("xml:lang") or row["sourceLang"]
            out.append(row)
    return out


async def fetch_sources(select: Select, facts: Iterable[str], passages: Iterable[str]) -> Sources:
    """The sources of ``facts`` (nodes derived from passages) and of
    ``passages`` (blocks shown for themselves, such as the paragraphs that
    report an event), numbered in reading order (file, line, offset)."""
    spans = await _run_batched(select, "provenance", "fact", facts)
    drafts: dict[str, _Draft] = {}
    fact_keys: dict[str, set[str]] = {}
    for row in spans:
        fact, span = row["fact"], row["span"]
        assert fact is not None and span is not None
        key = row["passage"] or span
        draft = drafts.get(key)
        if draft is None:
            draft = drafts[key] = _Draft(
                passage=row["passage"],
                source=row["source"],
                file=row["file"],
                line=_int(row["line"]),
                start=_int(row["start"]),
                page_index=_int(row["pageIndex"]),
                printed_page=row["printedPage"],
                lang=row["lang"],
            )
        else:
            start = _int(row["start"])
            if start is not None and (draft.start is None or start < draft.start):
                draft.start = start
        # A span in no block quotes the source; a passage is its own text.
        quote = row["quote"] or ""
        if quote and quote not in draft.quotes:
            draft.quotes.append(quote)
        if draft.passage is None:
            draft.text = quote
        fact_keys.setdefault(fact, set()).add(key)
    shown = sorted(set(passages))
    for passage in shown:
        drafts.setdefault(passage, _Draft(passage, None, None, None, None, None, None))
        fact_keys.setdefault(passage, set()).add(passage)
    blocks = await _run_batched(
        select, "passages", "passage", [d.passage for d in drafts.values() if d.passage]
    )
    for row in blocks:
        draft = drafts[row["passage"] or ""]
        draft.text = row["text"]
        draft.block_kind = row["blockKind"]
        draft.lang = row["lang"] or draft.lang
        draft.file = draft.file or row["file"]
        draft.line = draft.line if draft.line is not None else _int(row["line"])
        draft.page_index = (
            draft.page_index if draft.page_index is not None else _int(row["pageIndex"])
        )
        draft.printed_page = draft.printed_page or row["printedPage"]
    order = sorted(
        drafts,
        key=lambda k: (
            drafts[k].file or "",
            drafts[k].line if drafts[k].line is not None else -1,
            drafts[k].start if drafts[k].start is not None else -1,
            k,
        ),
    )
    numbers = {key: n for n, key in enumerate(order, start=1)}
    sources = tuple(
        Source(
            number=numbers[key],
            passage=drafts[key].passage,
            text=drafts[key].text or "",
            quotes=tuple(q for q in drafts[key].quotes if q != drafts[key].text),
            file=drafts[key].file,
            line=drafts[key].line,
            page_index=drafts[key].page_index,
            printed_page=drafts[key].printed_page,
            block_kind=drafts[key].block_kind,
            lang=drafts[key].lang,
        )
        for key in order
    )
    by_fact = {fact: tuple(sorted(numbers[k] for k in keys)) for fact, keys in fact_keys.items()}
    return Sources(sources, by_fact)
