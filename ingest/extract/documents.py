"""Documents: every UN symbol in text, tables, footnotes and link lists,
each occurrence as a citation, each document once with its kind.

The symbol says the kind of some documents (``S/RES``, ``S/PRST``, ``S/PV``,
``A/<session>/2``); for ``S/<year>/<n>`` the context must: a table column
(draft resolution, the letter holding a videoconference record or a written
procedure), a footnote listing letters, or a bare citation whose sentence
speaks of a report of the Secretary-General.  Stronger evidence wins, in
that order.
"""

from __future__ import annotations

from councilkg.ingest.extract.context import TEXT_KINDS, Context
from councilkg.ingest.extract.footnotes import footnote_body
from councilkg.ingest.layout import Block, BlockKind
from councilkg.ingest.records import Citation, Document, Letter, Provenance, Record
from councilkg.ingest.symbols import DocumentKind, Symbol, find_symbols, parse_symbol


def sentence_before(text: str, pos: int, terminal: str) -> str:
    """The sentence a footnote marker at ``pos`` annotates.

    A marker stands inside its sentence (``在…的通报中，834 除了``) or right
    after the sentence's full stop (``…的报告。833 副秘书长…``): then it is
    that sentence's, not the empty text between the stop and the marker.

    >>> sentence_before("甲说了话。乙审议了报告。833 丙说", 12, "。")
    '乙审议了报告'
    >>> sentence_before("甲说了话。乙在报告中，834 除了", 11, "。")
    '乙在报告中，'
    """
    head = _head(text, pos, terminal)
    return head[sentence_start(text, pos, terminal) :]


def sentence_start(text: str, pos: int, terminal: str) -> int:
    """Where the sentence a footnote marker at ``pos`` annotates begins
    (see :func:`sentence_before`)."""
    head = _head(text, pos, terminal)
    return max(head.rfind(ch) for ch in terminal) + 1


def _head(text: str, pos: int, terminal: str) -> str:
    """The text before ``pos``, without the full stop a marker may follow."""
    head = text[:pos].rstrip()
    return head[:-1] if head and head[-1] in terminal else head


def sentence_provenance(ctx: Context, block: Block, start: int, end: int) -> Provenance:
    """The sentence of ``block`` that holds ``[start, end)``: from the end of
    the sentence before to its own full stop (a footnote's marker after it
    left out)."""
    text = block.text
    stops = ctx.lx.terminal
    begin = max((text.rfind(c, 0, start) for c in stops), default=-1) + 1
    if block.kind is BlockKind.FOOTNOTE:
        begin = max(begin, footnote_body(block)[1])  # not the footnote's number
    ends = [i for c in stops if (i := text.find(c, end)) >= 0]
    finish = min(ends) + 1 if ends else len(text.rstrip())
    spaces = ctx.language.punctuation("spaces")
    while begin < start and text[begin] in spaces:
        begin += 1
    finish = max(finish, end)
    # Read without the footnote markers it carries, as the passage is.
    return ctx.prov(block, begin, finish, ctx.reading(block, begin, finish))


def extract_documents(
    ctx: Context, table_kinds: dict[str, DocumentKind], letters: list[Letter]
) -> list[Record]:
    """Citation records for every occurrence, then one Document per symbol."""
    out: list[Record] = []
    symbols: dict[str, Symbol] = {}
    first_prov: dict[str, Provenance] = {}
    sg_context: set[str] = set()
    sg_report = ctx.lx.pattern("footnotes", "sg_report")
    see = ctx.lx.pattern("footnotes", "see")
    for block in ctx.doc.of_kind(*TEXT_KINDS):
        for m in find_symbols(block.text):
            key = m.symbol.key
            symbols.setdefault(key, m.symbol)
            prov = ctx.prov(block, m.start, m.end)
            first_prov.setdefault(key, prov)
            out.append(
                Citation(
                    prov=prov,
                    symbol=key,
                    context=block.kind.value,
                    footnote=block.number if block.kind is BlockKind.FOOTNOTE else None,
                    form=m.form,
                    sentence=sentence_provenance(ctx, block, m.start, m.end),
                )
            )
        if block.kind is BlockKind.FOOTNOTE and block.number is not None:
            text, _ = footnote_body(block)
            if see.match(text):
                continue
            # A bare citation: the sentence its marker sits in says what it is.
            marker = ctx.markers.get(block.number)
            if marker is None:
                continue
            sentence = sentence_before(marker.block.text, marker.start, ctx.lx.terminal)
            if sg_report.search(sentence) or sg_report.search(text):
                sg_context.update(m.symbol.key for m in find_symbols(text))
    for link in ctx.doc.links:
        try:
            symbol = parse_symbol(link.symbol)
        except ValueError:
            continue
        symbols.setdefault(symbol.key, symbol)
        line = link.line
        start, end = line.start + line.indent, line.start + len(line.folded.rstrip())
        prov = Provenance(
            file=ctx.doc.source.name,
            sha256=ctx.doc.source.sha256,
            page=link.page,
            printed_page=ctx.doc.printed_pages().get(link.page),
            block_kind=BlockKind.LINK_LIST.value,
            block_id=f"l{line.number:06d}",
            line=line.number,
            start=start,
            end=end,
            text=link.url,
            exact=ctx.doc.source.text[start:end],
        )
        first_prov.setdefault(symbol.key, prov)
        out.append(
            Citation(prov=prov, symbol=symbol.key, context="link-list", footnote=None, form="url")
        )
    letter_symbols = {letter.symbol for letter in letters}
    for key in sorted(symbols):
        symbol = symbols[key]
        kind = symbol.kind_from_symbol
        if kind is DocumentKind.DOCUMENT:
            if key in table_kinds:
                kind = table_kinds[key]
            elif key in letter_symbols:
                kind = DocumentKind.LETTER
            elif key in sg_context:
                kind = DocumentKind.REPORT_OF_THE_SECRETARY_GENERAL
        out.append(
            Document(
                prov=first_prov[key],
                symbol=key,
                display=symbol.display,
                kind=kind.value,
                url=symbol.undocs_url(ctx.lx.undocs_lang),
            )
        )
    return out
