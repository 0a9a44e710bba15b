"""The narrative as events: which meeting or videoconference each sentence
reports, who spoke there, who sponsored a draft, who briefed under an item.

Each paragraph of an item section reports the Council's events in order.  A
sentence that names the date of one of the item's events (``8 月 14 日，…``,
``在 6 月 30 日的第一次通报中``) switches to that event from the start of the
sentence; a sentence that names months without a day (``于 6 月和 12 月两次``)
summarises several events and switches to none; a paragraph without a date
continues the event of the paragraph before it.

Speakers are the subjects of clauses: a State with a capacity
(``俄罗斯联邦代表``, ``美国常驻代表``, ``美国国务卿``) or an official's title
(full, or a short form such as ``副秘书长`` that resolves to the last full
title given in the item) at the start of a clause, and the officials of
"听取了…的通报".  Possessives and objects (``伊朗外交部长给秘书长的信``) are
not at a clause start and are not speakers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache

from councilkg.ingest.dates import find_dates
from councilkg.ingest.errors import Code
from councilkg.ingest.extract.context import Context, ItemScope
from councilkg.ingest.extract.footnotes import EventAt
from councilkg.ingest.extract.names import NameFinder, NameMatch, finder
from councilkg.ingest.extract.tables import TableResult
from councilkg.ingest.gazetteer import State
from councilkg.ingest.lang import get as get_language
from councilkg.ingest.layout import Block, BlockKind
from councilkg.ingest.lexicon import Named, load_lexicon
from councilkg.ingest.markers import Marker, strip_markers
from councilkg.ingest.records import Briefer, Passage, Record, Speaker, Sponsor
from councilkg.ingest.symbols import DocumentKind, find_symbols

_REACH = 80
"""How far from a clause's start the subject's capacity word may end: a
subject is a few names long, and a capacity word further on belongs to
another phrase."""


@dataclass(slots=True)
class NarrativeResult:
    """Records of the narrative and the event of each footnote marker."""

    records: list[Record] = field(default_factory=list)
    footnote_events: dict[int, EventAt] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)  # meeting event → format
    open_vcs: dict[str, bool] = field(default_factory=dict)  # vc event → open


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    event: str | None = None
    date: dt.date | None = None


def extract_narrative(ctx: Context, tables: TableResult) -> NarrativeResult:
    """Events, speakers, sponsors, briefers, formats and counts of every item."""
    result = NarrativeResult()
    by_item: dict[str, list[Block]] = {}
    for block in ctx.doc.of_kind(BlockKind.PARAGRAPH):
        scope = ctx.item_for(block)
        key = scope.key if scope else ""
        by_item.setdefault(key, []).append(block)
    markers_by_block: dict[str, list[Marker]] = {}
    for marker in ctx.markers.values():
        markers_by_block.setdefault(marker.block.id, []).append(marker)
    for blocks in by_item.values():
        scope = ctx.item_for(blocks[0])
        _item_narrative(ctx, scope, blocks, tables, markers_by_block, result)
    return result


def _masked(text: str, markers: list[Marker]) -> str:
    """Text with footnote markers blanked (same length, offsets kept)."""
    chars = list(text)
    for m in markers:
        for i in range(m.start, m.end):
            chars[i] = " "
    return "".join(chars)


def _sentences(text: str, terminal: str, quote_close: str) -> list[_Sentence]:
    """The sentences of ``text``: each ends after a terminal character and
    the closing quotes that follow it; a tail that is not blank is one more."""
    out: list[_Sentence] = []
    start = 0
    if terminal:
        for m in _sentence_end(terminal, quote_close).finditer(text):
            out.append(_Sentence(start, m.end()))
            start = m.end()
    if start < len(text) and text[start:].strip():
        out.append(_Sentence(start, len(text)))
    return out


@cache
def _sentence_end(terminal: str, quote_close: str) -> re.Pattern[str]:
    """A terminal character and the closing quotes after it (one search in
    C finds each, where a loop looked at every character)."""
    closers = f"[{re.escape(quote_close)}]*" if quote_close else ""
    return re.compile(f"[{re.escape(terminal)}]{closers}")


def _sentence_of_marker(text: str, sentences: list[_Sentence], pos: int) -> _Sentence | None:
    """The sentence a footnote marker at ``pos`` annotates: the one it stands
    in, or, when it follows a sentence's full stop (only spaces between, the
    marker itself blanked in ``text``), the sentence that stop ends."""
    for i, sent in enumerate(sentences):
        if sent.start <= pos < sent.end:
            if i and not text[sent.start : pos].strip():
                return sentences[i - 1]
            return sent
    return sentences[-1] if sentences else None


def _item_narrative(
    ctx: Context,
    scope: ItemScope | None,
    blocks: list[Block],
    tables: TableResult,
    markers_by_block: dict[str, list[Marker]],
    result: NarrativeResult,
) -> None:
    lx = ctx.lx
    item_key = scope.key if scope else None
    events = tables.events_by_item.get(item_key or "", [])
    by_date: dict[dt.date, list[str]] = {}
    for date, event in events:
        by_date.setdefault(date, []).append(event)
    month_only = lx.pattern("dates", "month_only")
    current: str | None = None
    current_date: dt.date | None = None
    last_full_role: dict[str, Named] = {}
    footnote_text = {
        b.number: b.text for b in ctx.doc.of_kind(BlockKind.FOOTNOTE) if b.number is not None
    }
    for block in blocks:
        markers = markers_by_block.get(block.id, [])
        text = _masked(block.text, markers)
        sentences = _sentences(text, lx.terminal, ctx.language.punctuation("quote_close"))
        markers_of_sentence: dict[int, list[Marker]] = {}
        for marker in markers:
            owner = _sentence_of_marker(text, sentences, marker.start)
            if owner is not None:
                markers_of_sentence.setdefault(id(owner), []).append(marker)
        block_events: list[str] = []
        for sent in sentences:
            chunk = text[sent.start : sent.end]
            switched = False
            for dm in find_dates(chunk, lx, default_year=ctx.year):
                if dm.date in by_date and (not dm.explicit_year or dm.date.year == ctx.year):
                    current = by_date[dm.date][0]
                    current_date = dm.date
                    switched = True
                    break
            if not switched and month_only.search(chunk):
                current, current_date = None, None
            sent.event, sent.date = current, current_date
            if current and current not in block_events:
                block_events.append(current)
            _speakers(ctx, block, text, sent, item_key, last_full_role, result)
            cited = [footnote_text.get(m.number, "") for m in markers_of_sentence.get(id(sent), ())]
            _sponsors(ctx, block, text, sent, tables, result, cited)
        for marker in markers:
            sent_of = _sentence_of_marker(text, sentences, marker.start)
            result.footnote_events[marker.number] = EventAt(
                sent_of.event if sent_of else None, sent_of.date if sent_of else None
            )
        result.records.append(
            Passage(
                prov=ctx.prov(block),
                block_id=block.id,
                kind=block.kind.value,
                text=strip_markers(block.text, markers),
                item_key=item_key,
                events=tuple(block_events),
                language=ctx.lang,
            )
        )
        if scope is not None:
            _formats_and_counts(ctx, block, scope, tables, result)


def _clause_starts(text: str, sent: _Sentence, clause: str) -> list[int]:
    starts = [sent.start]
    if clause:
        starts += [m.end() for m in _clause_end(clause).finditer(text, sent.start, sent.end)]
    out = []
    for s in starts:
        while s < sent.end and (text[s].isspace()):
            s += 1
        if s < sent.end:
            out.append(s)
    return out


@cache
def _clause_end(clause: str) -> re.Pattern[str]:
    """One character that ends a clause."""
    return re.compile(f"[{re.escape(clause)}]")


def _resolve_role(m: NameMatch, last_full: dict[str, Named]) -> Named | None:
    if not m.short:
        return m.candidates[0]
    # A short form names the last full title that lists it (blanks ignored:
    # the text may break a title's line anywhere).
    return last_full.get("".join(m.surface.split()))


def _note_full_roles(matches: list[NameMatch], last_full: dict[str, Named], lang: str) -> None:
    for m in matches:
        if not m.short:
            entry = m.candidates[0]
            for short in entry.short_names(lang):
                last_full["".join(short.split())] = entry


def _speakers(
    ctx: Context,
    block: Block,
    text: str,
    sent: _Sentence,
    item_key: str | None,
    last_full: dict[str, Named],
    result: NarrativeResult,
) -> None:
    lx = ctx.lx
    kit = _speaker_kit(ctx.lang)
    roles = kit.roles
    chunk_matches = roles.find(text[sent.start : sent.end])
    not_after = kit.not_after
    capacities = kit.capacities
    state_speaker = kit.state_speaker
    article = kit.article
    facilitator = kit.facilitator
    held = kit.held
    found: list[
        tuple[str, str, str | None, str | None, int, int]
    ] = []  # kind, ref, capacity, state/role
    # 1. "听取了 X、Y 和 Z 的通报": every official named is a briefer/speaker.
    for hm in kit.heard_briefing.finditer(text, sent.start, sent.end):
        who_s = hm.start("who")
        for m in roles.find(hm["who"]):
            entry = _resolve_role(m, last_full)
            if entry is None:
                continue
            holder: str | None = None
            hs = held.search(hm["who"][: m.start])
            if entry.held_by_state and hs:
                st = ctx.gz.find_all(hs["state"], ctx.lang)
                holder = st[-1][2].iso3 if st else None
            found.append(("role", entry.key, None, holder, who_s + m.start, who_s + m.end))
    # 2. Subjects of clauses (after the article a title or name may take).
    for p in _clause_starts(text, sent, lx.clause):
        am = article.match(text, p, sent.end)
        if am is not None:
            p = am.end()
        rm = roles.pattern.match(text, p)
        if rm:
            hit = next((x for x in roles.find(text[p : rm.end()]) if x.start == 0), None)
            if hit is not None and not not_after.match(text, rm.end()):
                entry = _resolve_role(hit, last_full)
                if entry is None:
                    ctx.diag(
                        Code.UNRESOLVED_SHORT_FORM,
                        f"short title {hit.surface!r} with no full title before it",
                        block,
                        p,
                        rm.end(),
                    )
                elif not any(f[4] <= p < f[5] for f in found):
                    found.append(("role", entry.key, None, None, p, rm.end()))
                continue
        sm = state_speaker.match(text, p, min(p + _REACH, sent.end))
        if sm is None:
            continue  # no capacity word within reach: no State speaks here
        subjects = _state_list(ctx, text, sm.start("states"), sent.end)
        if not subjects:
            continue
        q = subjects[-1][1]
        if sm.start("states") < sm.start("capacity"):
            # "<States><capacity>": the capacity begins where the list ends.
            cap = next((c for c in capacities if text.startswith(c["word"], q)), None)
            after = q + len(cap["word"]) if cap is not None else q
        else:  # "<capacity> of <States>": the list ends the subject.
            cap = next((c for c in capacities if c["word"] == sm["capacity"]), None)
            after = q
        if cap is None or not_after.match(text, after):
            continue
        role_key = None
        fm = facilitator.match(text, after)
        if fm and len(subjects) == 1:
            rms = roles.find(fm["role"])
            if rms:
                role_key = rms[0].candidates[0].key
        for s_start, _, iso3 in subjects:
            if role_key is not None and any(
                f[0] == "role" and f[1] == role_key and f[3] == iso3 for f in found
            ):
                continue  # the State and its role, already named among the briefers
            found.append(("state", iso3, cap["capacity"], role_key, s_start, after))
    _note_full_roles(chunk_matches, last_full, ctx.lang)
    seen: set[tuple[str, str]] = set()
    for kind, ref, capacity, extra, s, e in found:
        if (kind, ref) in seen:
            continue
        seen.add((kind, ref))
        prov = ctx.prov(block, s, e)
        if sent.event is None:
            if kind == "role" and item_key:
                result.records.append(Briefer(prov=prov, item_key=item_key, role=ref, state=extra))
            elif kind == "state" and extra and item_key:
                result.records.append(Briefer(prov=prov, item_key=item_key, role=extra, state=ref))
            continue
        result.records.append(
            Speaker(
                prov=prov,
                event=sent.event,
                kind=kind,
                ref=ref,
                capacity=capacity,
                state=extra if kind == "role" else None,
                role=extra if kind == "state" else None,
            )
        )


@dataclass(frozen=True, slots=True)
class _SpeakerKit:
    """What :func:`_speakers` reads of a language, fetched once: it runs for
    every sentence."""

    roles: NameFinder
    not_after: re.Pattern[str]
    capacities: tuple[dict[str, str], ...]  # longest word first
    state_speaker: re.Pattern[str]
    article: re.Pattern[str]
    facilitator: re.Pattern[str]
    held: re.Pattern[str]
    heard_briefing: re.Pattern[str]


@cache
def _speaker_kit(lang: str) -> _SpeakerKit:
    lx = load_lexicon(lang)
    return _SpeakerKit(
        roles=finder("role", lang),
        not_after=lx.pattern("narrative", "not_speaker_after"),
        capacities=tuple(
            sorted(lx.value("narrative", "capacities"), key=lambda c: -len(c["word"]))
        ),
        state_speaker=lx.pattern("narrative", "state_speaker"),
        article=_article_of(lang),
        facilitator=lx.pattern("narrative", "facilitator_capacity"),
        held=lx.pattern("narrative", "held_by_state"),
        heard_briefing=lx.pattern("narrative", "heard_briefing"),
    )


def _state_list(ctx: Context, text: str, p: int, end: int) -> list[tuple[int, int, str]]:
    """States named one after another from ``p`` ("法国、德国和联合王国",
    "France, Germany and the United Kingdom"), joined by the lexicon's list
    separators, each name after the article it may take: (start, end, ISO3)
    each."""
    sep = ctx.lx.pattern("lists", "separator")
    article = _article_pattern(ctx)
    out: list[tuple[int, int, str]] = []
    pos = _after_article(article, text, p, end)
    while pos < end:
        window = text[pos : min(pos + 40, end)]
        first = next((x for x in ctx.gz.find_all(window, ctx.lang) if x[0] == 0), None)
        if first is None:
            break
        out.append((pos, pos + first[1], first[2].iso3))
        pos += first[1]
        m = sep.match(text, pos)
        if m is None or m.end() == pos:
            break
        start = _after_article(article, text, m.end(), end)
        nxt = next(
            (x for x in ctx.gz.find_all(text[start : start + 40], ctx.lang) if x[0] == 0),
            None,
        )
        if nxt is None:
            break
        pos = start
    return out


def _article_pattern(ctx: Context) -> re.Pattern[str]:
    """The language's article (see ``Language.article``); in a language
    without one, a pattern that matches nothing."""
    return _article_of(ctx.lang)


@cache
def _article_of(lang: str) -> re.Pattern[str]:
    return re.compile(get_language(lang).article or "(?!)")


def _after_article(article: re.Pattern[str], text: str, pos: int, end: int) -> int:
    """Where a name at ``pos`` starts once the article before it is passed."""
    m = article.match(text, pos, end)
    return m.end() if m is not None else pos


def _trailing_list(
    ctx: Context, text: str, states: list[tuple[int, int, State]]
) -> list[tuple[int, int, State]]:
    """The States of ``text`` that end it as one list (the subject right
    before a verb): "On 14 August, France and the United Kingdom" is France
    and the United Kingdom; a State named earlier in the clause, not joined
    to them by a list separator, is not part of the subject."""
    sep = ctx.lx.pattern("lists", "separator")
    article = _article_pattern(ctx)
    keep = len(states)
    while keep > 1:
        gap_start, gap_end = states[keep - 2][1], states[keep - 1][0]
        m = sep.match(text, gap_start, gap_end)
        if m is None or _after_article(article, text, m.end(), gap_end) != gap_end:
            break
        keep -= 1
    return states[keep - 1 :] if states else []


def _sponsors(
    ctx: Context,
    block: Block,
    text: str,
    sent: _Sentence,
    tables: TableResult,
    result: NarrativeResult,
    cited: list[str],
) -> None:
    """Sponsors told in prose, attached to the one draft the sentence is about:
    the only draft voted at its event, or the one the sentence or its
    footnotes name."""
    if not ctx.lx.pattern("decisions", "draft_resolution").search(text, sent.start, sent.end):
        return  # no draft named: no sponsor (and the costly pattern is not run)
    for m in ctx.lx.pattern("narrative", "sponsor").finditer(text, sent.start, sent.end):
        # `states`: the subject before the verb (its trailing list);
        # `states_after`: the agent after a passive verb ("a draft
        # resolution submitted by Indonesia"), bounded by the pattern.
        group = "states" if m.groupdict().get("states") is not None else "states_after"
        found = ctx.gz.find_all(m[group], ctx.lang)
        states = _trailing_list(ctx, m[group], found) if group == "states" else found
        if not states:
            continue
        drafts = [
            d
            for d in tables.decisions_by_event.get(sent.event or "", [])
            if d.kind == DocumentKind.DRAFT_RESOLUTION.value
        ]
        named: set[str] = set()
        if len(drafts) > 1:  # the sentence, or its footnotes (their texts), name the draft
            for part in (text[sent.start : sent.end], *cited):
                named |= {m.symbol.key for m in find_symbols(part)}
        if len(drafts) > 1 and named & {d.symbol for d in drafts}:
            drafts = [d for d in drafts if d.symbol in named]  # the sentence names it
        if len(drafts) != 1:
            ctx.diag(
                Code.SPONSOR_TARGET,
                f"sponsor sentence but {len(drafts)} drafts at its event",
                block,
                m.start(),
                m.end(),
            )
            continue
        base = m.start(group)
        for s, e, state in states:
            result.records.append(
                Sponsor(
                    prov=ctx.prov(block, base + s, base + e),
                    draft=drafts[0].symbol,
                    state=state.iso3,
                )
            )


def _count_differs(
    ctx: Context, block: Block, m: re.Match[str], count: int | None, listed: int, what: str
) -> None:
    """A narrative count of events of one kind that differs from the table's rows.

    Fewer than the table lists is no contradiction (the other events were of
    another kind; the text does not say which), so nothing is assigned and a
    warning says why.  More than the table lists is one: the table is the
    item's whole record.
    """
    if count is not None and count < listed:
        ctx.diag(
            Code.NARRATIVE_PARTIAL,
            f"narrative says {count} {what}, the table lists {listed} events: "
            "which ones is not stated",
            block,
            m.start(),
            m.end(),
        )
        return
    ctx.diag(
        Code.NARRATIVE_COUNT,
        f"narrative says {count} {what}, the table lists {listed}",
        block,
        m.start(),
        m.end(),
    )


def _formats_and_counts(
    ctx: Context, block: Block, scope: ItemScope, tables: TableResult, result: NarrativeResult
) -> None:
    """ "举行了一次通报形式的会议": format of the item's meetings, checked by count;
    "举行了三次公开视频会议": the item's videoconferences were open."""
    lx = ctx.lx
    meetings = tables.meetings_by_item.get(scope.key, [])
    vcs = tables.vcs_by_item.get(scope.key, [])
    formats = lx.value("narrative", "formats")
    for m in lx.pattern("narrative", "meeting_format").finditer(block.text):
        count = ctx.language.numeral(m["count"])
        fmt = next((f["format"] for f in formats if f["word"] in m["format"]), None)
        if fmt is None:
            continue
        if count == len(meetings):
            for event in meetings:
                result.formats[event] = fmt
        elif meetings:
            _count_differs(ctx, block, m, count, len(meetings), f"meetings ({fmt})")
    for m in lx.pattern("narrative", "open_videoconferences").finditer(block.text):
        count = ctx.language.numeral(m["count"])
        if count == len(vcs):
            for event in vcs:
                result.open_vcs[event] = True
        elif vcs:
            _count_differs(ctx, block, m, count, len(vcs), "open videoconferences")
