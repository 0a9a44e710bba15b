"""Footnotes → footnote records (cites, positions), and the letters they list.

A Repertoire footnote is one of a few kinds: a source reference (``见
S/PV.8733。``), a bare citation (``S/2020/531。``), a list of the members a
position is attributed to (``德国、越南、…和比利时。``), a cross-reference
(``同上``, ``关于…的详情，见第二部分``), or a list of letters with their
senders and dates.  The kinds are recognised by their shape, with the
lexicon's words, not by their numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from councilkg.ingest.dates import find_dates
from councilkg.ingest.extract.context import Context
from councilkg.ingest.layout import Block, BlockKind
from councilkg.ingest.lexicon import load_lexicon
from councilkg.ingest.records import Footnote, Letter, Provenance, Record
from councilkg.ingest.slots import slot_init
from councilkg.ingest.symbols import find_symbols


@slot_init
@dataclass(frozen=True, slots=True)
class EventAt:
    """The event a footnote's marker sits in (from the narrative)."""

    event: str | None
    date: dt.date | None


_NUMBER = re.compile(r"\s*\d+\s*")


def footnote_body(block: Block) -> tuple[str, int]:
    """The footnote's text without its leading number, and where it starts."""
    m = _NUMBER.match(block.text)
    start = m.end() if m else 0
    return block.text[start:], start


def position_states(ctx: Context, text: str) -> list[str] | None:
    """The States of a footnote that is only a list of States, else None."""
    found = ctx.gz.find_all(text, ctx.lang)
    if not found:
        return None
    sep = ctx.lx.pattern("lists", "separator")
    final = ctx.lx.pattern("lists", "final_punctuation")
    pos = 0
    for s, e, _ in [*found, (len(text), len(text), None)]:
        gap = text[pos:s]
        if final.sub("", sep.sub("", gap)).strip():
            return None
        pos = e
    return [st.iso3 for _, _, st in found]


def extract_footnotes(ctx: Context, events: dict[int, EventAt]) -> list[Record]:
    """Footnote and letter records, in footnote order."""
    out: list[Record] = []
    ibid = ctx.lx.pattern("footnotes", "ibid")
    for block in ctx.doc.of_kind(BlockKind.FOOTNOTE):
        if block.number is None:
            continue
        text, start = footnote_body(block)
        cites = tuple(dict.fromkeys(m.symbol.key for m in find_symbols(text)))
        states = position_states(ctx, text) or []
        marker = ctx.markers.get(block.number)
        at = events.get(block.number, EventAt(None, None))
        scope = ctx.item_for(block)
        statement = _statement(ctx, block.number) if states else None
        stances = _stances(ctx, statement.text) if statement else ()
        subjects = (
            tuple(dict.fromkeys(m.symbol.key for m in find_symbols(statement.text)))
            if statement
            else ()
        )
        out.append(
            Footnote(
                prov=ctx.prov(block),
                number=block.number,
                text=text,
                cites=cites,
                states=tuple(states),
                event=at.event,
                event_date=at.date,
                item_key=scope.key if scope else None,
                passage=marker.block.id if marker else None,
                continued=block.continued,
                ibid=bool(ibid.match(text)),
                statement=statement,
                stances=stances,
                subjects=subjects,
            )
        )
        letters = _letters(ctx, block, text, start)
        if not letters and cites:
            letters = _prose_letters(ctx, block, text, cites)
        out.extend(letters)
    return out


def _statement(ctx: Context, number: int) -> Provenance | None:
    """The sentence (or clause) footnote ``number``'s marker closes: from the
    last sentence or clause end before it, or the marker before it in the
    same passage, to the marker; other markers left out of its text."""
    marker = ctx.markers.get(number)
    if marker is None:
        return None
    text = marker.block.text
    end = len(text[: marker.start].rstrip())
    stops = ctx.lx.terminal + ctx.language.punctuation("semicolon")
    inner = end - 1 if end and text[end - 1] in stops else end
    start = max((text.rfind(c, 0, inner) for c in stops), default=-1) + 1
    before = [
        m.end
        for m in ctx.markers_in(marker.block)
        if m.block is marker.block and start <= m.end <= marker.start and m is not marker
    ]
    if before:
        start = max(before)
    spaces = ctx.language.punctuation("spaces")
    while start < end and text[start] in spaces:
        start += 1
    if start >= end:
        return None
    return ctx.prov(marker.block, start, end, ctx.reading(marker.block, start, end))


def _stances(ctx: Context, sentence: str) -> tuple[str, ...]:
    """The stances ``sentence`` expresses, in the order its words give them
    (``…表示遗憾，同时确认他们致力于…`` is regret, then commitment); where
    two words overlap (``表示欢迎`` holds ``欢迎``), the longer counts."""
    found: list[tuple[int, int, str]] = []
    for name, pattern in _stance_patterns(ctx.lang):
        for m in pattern.finditer(sentence):
            found.append((m.start(), -m.end(), name))
    out: list[str] = []
    covered = -1
    for start, neg_end, name in sorted(found):
        if start < covered:
            continue  # inside a longer word already counted
        covered = -neg_end
        if name not in out:
            out.append(name)
    return tuple(out)


@cache
def _stance_patterns(lang: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The lexicon's stances, compiled once."""
    stances = load_lexicon(lang).value("positions", "stances")
    return tuple((str(name), re.compile(pattern)) for name, pattern in stances)


def _citation_only(ctx: Context, text: str) -> bool:
    """Whether a footnote only cites documents (``见 S/2020/815 和 S/2020/927。``)."""
    rest = text
    for m in reversed(find_symbols(text)):
        rest = rest[: m.start] + rest[m.end :]
    rest = ctx.lx.pattern("footnotes", "see").sub("", rest.strip())
    rest = ctx.lx.pattern("lists", "separator").sub("", rest)
    return not ctx.lx.pattern("lists", "final_punctuation").sub("", rest).strip()


def _prose_letters(ctx: Context, block: Block, text: str, cites: tuple[str, ...]) -> list[Letter]:
    """Letters told in the body and cited by this footnote.

    "…收到美国 2020 年 8 月 20 日和 9 月 23 日的信函后…" ("following the
    letters dated 20 August and 23 September 2020 from the United States")
    with the footnote "见 S/2020/815 和 S/2020/927。": the clause that
    carries the marker names the sender and the dates, the footnote the
    symbols, in the same order.  Where the sender and the dates stand is the
    language's word order: the lexicon's ``letter_told`` finds them as the
    groups ``sender`` (its last State writes the letters) and ``dates``.
    Only letter symbols (no resolution, record or statement) are paired, and
    only when the dates are one, or as many as the symbols.
    """
    marker = ctx.markers.get(block.number or -1)
    if marker is None:
        return []
    symbols = [c for c in cites if c.startswith("S/") and c.count("/") == 2 and "(" not in c]
    if len(symbols) != len(cites):
        return []
    body = marker.block.text
    end = marker.start
    while end > 0 and (body[end - 1].isspace() or body[end - 1] in ctx.lx.clause):
        end -= 1  # the marker follows the clause's own full stop
    clause_start = max((body.rfind(ch, 0, end) for ch in ctx.lx.clause), default=-1)
    clause = body[clause_start + 1 : end]
    told = ctx.lx.pattern("footnotes", "letter_told").search(clause)
    if told is None or not _citation_only(ctx, text):
        return []
    full = find_dates(told["dates"], ctx.lx)
    year = full[0].date.year if full else ctx.year
    dates = find_dates(told["dates"], ctx.lx, default_year=year)
    if not dates or len(dates) not in (1, len(symbols)):
        return []
    senders = [st.iso3 for _, _, st in ctx.gz.find_all(told["sender"], ctx.lang)]
    if not senders:
        return []
    prov = ctx.prov(marker.block, clause_start + 1, end)
    return [
        Letter(
            prov=prov,
            symbol=symbol,
            date=dates[i if len(dates) > 1 else 0].date,
            senders=(senders[-1],),
            on_behalf_of=(),
            footnote=block.number,
        )
        for i, symbol in enumerate(symbols)
    ]


def _letters(ctx: Context, block: Block, text: str, base: int) -> list[Letter]:
    """Letters described in a footnote: "<date><State>代表同时代表<States>的信(<symbol>)",
    "letter dated <date> from the representative of <State> on behalf of
    <States> (<symbol>)".

    Each segment (between the lexicon's ``segment_separator``s) that names a
    letter (``letter_word``) names its senders (``sender``, the first match
    that is not an "on behalf of"), those on whose behalf (``on_behalf``),
    and for each symbol in parentheses the date written last before it; the
    order of these parts is the language's, the patterns find each.
    """
    lx = ctx.lx
    letter_word = lx.pattern("footnotes", "letter_word")
    sender_re = lx.pattern("footnotes", "sender")
    behalf_re = lx.pattern("footnotes", "on_behalf")
    out: list[Letter] = []
    seg_start = 0
    also = lx.value("footnotes", "also")
    for seg_m in [*lx.pattern("footnotes", "segment_separator").finditer(text), None]:
        seg_end = seg_m.start() if seg_m else len(text)
        segment = text[seg_start:seg_end]
        offset = seg_start
        seg_start = seg_m.end() if seg_m else len(text)
        if not letter_word.search(segment):
            continue
        symbols = [
            m
            for m in find_symbols(segment)
            if segment[max(m.start - 1, 0) : m.start].strip() in ("(", "") and m.form == "symbol"
        ]
        if not symbols:
            continue
        senders: list[str] = []
        behalf: list[str] = []
        for found in sender_re.finditer(segment):
            if found["states"].endswith(also):
                continue  # "同时代表": on whose behalf, not the sender
            senders = [st.iso3 for _, _, st in ctx.gz.find_all(found["states"], ctx.lang)]
            if senders:
                break
        bm = behalf_re.search(segment)
        if bm:
            behalf = [st.iso3 for _, _, st in ctx.gz.find_all(bm["states"], ctx.lang)]
        dates = find_dates(segment, lx)
        prev_end = 0
        for sm in symbols:
            before = [d for d in dates if prev_end <= d.start < sm.start]
            date = before[-1].date if before else None
            prev_end = sm.end
            out.append(
                Letter(
                    prov=ctx.prov(block, base + offset, base + offset + len(segment)),
                    symbol=sm.symbol.key,
                    date=date,
                    senders=tuple(senders),
                    on_behalf_of=tuple(behalf),
                    footnote=block.number,
                )
            )
    return out
