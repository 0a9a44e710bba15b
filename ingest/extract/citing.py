"""Documents that cite documents, where the text says so.

The Repertoire lists documents beside each other all the time (a footnote
giving a meeting record and a letter, a table row giving a report and a
draft); none of that says one cites the other, and reading it so would put
a fact into the graph that the text does not state.  Two forms do state it:

- a document described by what it is about: "the report of the
  Secretary-General on the implementation of resolution 2231 (2015)", the
  report identified by the symbol in parentheses after the description or
  by the footnote of the sentence (of the kind the description names: a
  report where it speaks of a report, a letter where of a letter);
- letters whose content a sentence reports ("… wrote to the Council,
  pointing out that … resolution 2231 (2015) …"), the letters listed in the
  sentence's footnote: they cite what the reported content names.

The words are the lexicon's (``[citations]``); the citing document's kind
comes from the evidence :mod:`documents` and the letter footnotes weighed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from councilkg.ingest.extract.context import TEXT_KINDS, Context
from councilkg.ingest.extract.documents import sentence_provenance, sentence_start
from councilkg.ingest.extract.footnotes import footnote_body
from councilkg.ingest.lang import Language
from councilkg.ingest.layout import Block, BlockKind
from councilkg.ingest.records import Document, DocumentCitation, Letter, Record
from councilkg.ingest.symbols import DocumentKind, SymbolMatch, find_symbols

# The kind of document each noun group of the ``about`` pattern names.
_NOUN_KINDS = {
    "report": DocumentKind.REPORT_OF_THE_SECRETARY_GENERAL.value,
    "letter": DocumentKind.LETTER.value,
}
# The lexicon's patterns that describe a document by another.
_DESCRIPTIONS = ("about", "pursuant")


def extract_citing(
    ctx: Context, documents: Sequence[Record], letters: Sequence[Letter]
) -> list[DocumentCitation]:
    """Every document-cites-document statement of the text, once per pair
    (the first sentence that states it), in text order.

    ``documents`` carry each symbol's kind as already decided; ``letters``
    are the letters the footnotes describe.
    """
    kinds = {r.symbol: r.kind for r in documents if isinstance(r, Document)}
    found: dict[tuple[str, str], DocumentCitation] = {}
    for record in _described_in_place(ctx):
        found.setdefault((record.citing, record.cited), record)
    for record in _identified_by_footnote(ctx, kinds, letters):
        found.setdefault((record.citing, record.cited), record)
    return sorted(found.values(), key=lambda r: (r.prov.start, r.citing, r.cited))


def _noun(match: re.Match[str]) -> str:
    return next(name for name in _NOUN_KINDS if match.group(name) is not None)


def _within(symbols: Iterable[SymbolMatch], start: int, end: int) -> list[SymbolMatch]:
    return [s for s in symbols if start <= s.start and s.end <= end]


def _parenthesised(
    language: Language, text: str, pos: int, symbols: Sequence[SymbolMatch]
) -> list[SymbolMatch]:
    """The symbols in the parentheses that open at ``pos`` (spaces allowed
    before them), and only symbols with their separators inside."""
    i = pos
    while i < len(text) and text[i] in language.punctuation("spaces"):
        i += 1
    if i >= len(text) or text[i] not in language.punctuation("open_paren"):
        return []
    closing = language.punctuation("close_paren")
    close = min((j for c in closing if (j := text.find(c, i + 1)) >= 0), default=-1)
    if close < 0:
        return []
    # Symbols end with ")" themselves (S/RES/2231(2015)): the parenthesis
    # that closes the group is the first one not inside a symbol.
    inside = _within(symbols, i + 1, len(text))
    for s in inside:
        if s.start <= close < s.end:
            close = min((j for c in closing if (j := text.find(c, s.end)) >= 0), default=len(text))
    return _within(inside, i + 1, close)


def _descriptions(ctx: Context, text: str) -> list[re.Match[str]]:
    """Every description of a document by what it is about or was
    submitted under, in text order."""
    found = [m for name in _DESCRIPTIONS for m in ctx.lx.pattern("citations", name).finditer(text)]
    return sorted(found, key=lambda m: (m.start(), m.end()))


def _identified_after(
    ctx: Context, text: str, pos: int, symbols: Sequence[SymbolMatch]
) -> list[SymbolMatch]:
    """The documents a description ending at ``pos`` is of, where the same
    sentence says: the symbols in parentheses right after it, or those
    after a "see" to the end of the sentence."""
    named = _parenthesised(ctx.language, text, pos, symbols)
    if named:
        return named
    see = ctx.lx.pattern("citations", "see_after").match(text, pos)
    if see is None:
        return []
    ends = [i for c in ctx.lx.terminal if (i := text.find(c, see.end())) >= 0]
    return _within(symbols, see.end(), min(ends, default=len(text)))


def _described_in_place(ctx: Context) -> Iterable[DocumentCitation]:
    """ "关于…的报告(S/2020/531)", "根据…提交的…报告，见 S/2020/139": the
    document the sentence identifies right after the description."""
    for block in ctx.doc.of_kind(*TEXT_KINDS):
        symbols = find_symbols(block.text)
        if len(symbols) < 2:
            continue
        for m in _descriptions(ctx, block.text):
            cited = _within(symbols, m.start("about"), m.end("about"))
            if not cited:
                continue
            for citing in _identified_after(ctx, block.text, m.end(), symbols):
                for c in cited:
                    if c.symbol.key != citing.symbol.key:
                        prov = sentence_provenance(ctx, block, m.start(), citing.end)
                        yield DocumentCitation(
                            prov, citing=citing.symbol.key, cited=c.symbol.key, footnote=None
                        )


def _identified_by_footnote(
    ctx: Context, kinds: Mapping[str, str], letters: Sequence[Letter]
) -> Iterable[DocumentCitation]:
    """Documents identified by the footnote of the sentence that describes
    them or reports what they say."""
    says = ctx.lx.pattern("citations", "letters_say")
    footnotes: dict[int, Block] = {
        b.number: b for b in ctx.doc.of_kind(BlockKind.FOOTNOTE) if b.number is not None
    }
    letters_of: dict[int, list[str]] = {}
    for letter in letters:
        if letter.footnote is not None:
            letters_of.setdefault(letter.footnote, []).append(letter.symbol)
    in_block: dict[str, list[SymbolMatch]] = {}
    for number, marker in sorted(ctx.markers.items()):
        note = footnotes.get(number)
        if note is None:
            continue
        listed = list(dict.fromkeys(m.symbol.key for m in find_symbols(footnote_body(note)[0])))
        listed += [k for k in letters_of.get(number, []) if k not in listed]
        if not listed:
            continue
        block = marker.block
        if block.id not in in_block:
            in_block[block.id] = find_symbols(block.text)
        begin = sentence_start(block.text, marker.start, ctx.lx.terminal)
        symbols = _within(in_block[block.id], begin, marker.start)
        sentence = block.text[begin : marker.start]

        # A description names what the note's documents are about only when
        # the sentence describes that kind of document one way.
        described: dict[str, dict[tuple[str, ...], tuple[int, list[SymbolMatch]]]] = {}
        for m in _descriptions(ctx, sentence):
            cited = _within(symbols, begin + m.start("about"), begin + m.end("about"))
            if cited:
                keys = tuple(sorted({c.symbol.key for c in cited}))
                described.setdefault(_noun(m), {}).setdefault(keys, (begin + m.start(), cited))
        for noun, readings in described.items():
            if len(readings) == 1:
                ((start, cited),) = readings.values()
                citing = [k for k in listed if kinds.get(k) == _NOUN_KINDS[noun]]
                yield from _cite(ctx, block, number, citing, cited, start)
        said = says.search(sentence)
        if said is not None:
            citing = [k for k in listed if kinds.get(k) == DocumentKind.LETTER.value]
            cited = _within(symbols, begin + said.end(), marker.start)
            yield from _cite(ctx, block, number, citing, cited, begin + said.start())


def _cite(
    ctx: Context,
    block: Block,
    footnote: int,
    citing: Iterable[str],
    cited: Sequence[SymbolMatch],
    start: int,
) -> Iterable[DocumentCitation]:
    """Each citing document cites each cited one, stated by the sentence of
    ``block`` from ``start`` (never a document citing itself)."""
    for key in citing:
        for c in cited:
            if c.symbol.key != key:
                prov = sentence_provenance(ctx, block, start, c.end)
                yield DocumentCitation(prov, citing=key, cited=c.symbol.key, footnote=footnote)
