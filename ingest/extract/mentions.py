"""Mentions of States, organizations, former States, instruments and
officials, wherever the text names them.

Instruments are named in 《》 in the Chinese edition; the English edition
prints their titles without marks, so there they are also found by the
names of the instruments table (lexicon ``instruments_by_table``).  A short
form (``《条约》``, ``the Plan``) names the last instrument given in full that
lists it, and a short form with no such antecedent is reported, never guessed.
"""

from __future__ import annotations

from councilkg.ingest.errors import Code
from councilkg.ingest.extract.context import TEXT_KINDS, Context, compact
from councilkg.ingest.extract.names import NameMatch, actor_finder, finder
from councilkg.ingest.lexicon import Named, named_table
from councilkg.ingest.records import Mention, Record


def extract_mentions(ctx: Context) -> list[Record]:
    """Mention records in document order."""
    out: list[Record] = []
    full: dict[str, Named] = {}
    short: dict[str, list[Named]] = {}
    for entry in named_table("instrument"):
        for name in entry.full_names(ctx.lang):
            full[compact(name)] = entry
        for name in entry.short_names(ctx.lang):
            short.setdefault(compact(name), []).append(entry)
    last_by_short: dict[str, Named] = {}
    actors = actor_finder(ctx.lang)
    roles = finder("role", ctx.lang)
    title_re = ctx.lx.pattern("narrative", "instrument_title")
    by_table = bool(ctx.lx.value("narrative", "instruments_by_table"))
    instruments = finder("instrument", ctx.lang)
    for block in ctx.doc.of_kind(*TEXT_KINDS):
        text = block.text
        titles = [(m.start("title"), m.end("title")) for m in title_re.finditer(text)]
        if by_table:
            titles = _with_table_names(titles, instruments.find(text))
        for s, e, state in ctx.gz.find_all(text, ctx.lang):
            out.append(
                Mention(ctx.prov(block, s, e), kind="state", ref=state.iso3, surface=text[s:e])
            )
        for m in actors.find(text):
            entry = m.candidates[0]
            out.append(
                Mention(
                    ctx.prov(block, m.start, m.end),
                    kind=entry.kind,
                    ref=entry.key,
                    surface=m.surface,
                )
            )
        for m in roles.find(text):
            if m.short:
                continue  # a short title repeats one given in full
            entry = m.candidates[0]
            out.append(
                Mention(
                    ctx.prov(block, m.start, m.end), kind="role", ref=entry.key, surface=m.surface
                )
            )
        for s, e in titles:
            title = compact(text[s:e])
            instrument: Named | None = full.get(title)
            if instrument is not None:
                for sh in instrument.short_names(ctx.lang):
                    last_by_short[compact(sh)] = instrument
            elif title in short:
                instrument = last_by_short.get(title)
                if instrument is None and len(short[title]) == 1:
                    instrument = short[title][0]
                if instrument is None:
                    ctx.diag(
                        Code.UNRESOLVED_SHORT_FORM,
                        f"short form {title!r} with no instrument named in full before it",
                        block,
                        s,
                        e,
                    )
                    continue
            else:
                ctx.diag(
                    Code.UNKNOWN_NAME,
                    f"instrument {title!r} not in the instruments table",
                    block,
                    s,
                    e,
                )
                out.append(
                    Mention(
                        ctx.prov(block, s, e),
                        kind="instrument-unknown",
                        ref=title,
                        surface=text[s:e],
                    )
                )
                continue
            out.append(
                Mention(
                    ctx.prov(block, s, e), kind="instrument", ref=instrument.key, surface=text[s:e]
                )
            )
    return out


def _with_table_names(
    titles: list[tuple[int, int]], names: list[NameMatch]
) -> list[tuple[int, int]]:
    """The titles the lexicon's pattern found, and the instruments' names
    found by the table where no such title overlaps them, in text order."""
    out = list(titles)
    for m in names:
        if not any(s < m.end and m.start < e for s, e in titles):
            out.append((m.start, m.end))
    return sorted(out)
