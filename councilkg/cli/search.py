"""``councilkg search TEXT``: resources of the store by name, symbol, code or
the words of a passage, ranked (exact symbol or name first).

A thin layer over :mod:`councilkg.search`.  The index is the one an ingest
wrote beside the store; if there is none yet, or the store changed since it
was written (an older councilkg wrote the store, or the index was deleted),
it is built first, from the store opened read-only
(:func:`councilkg.search.refresh_index_at`).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from councilkg.cli.options import format_option, lang_option, store_option
from councilkg.store import default_store_path

__all__ = ["search"]


@click.command("search")
@click.argument("text")
@store_option
@lang_option(help="Language of the names shown.")
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(1, 200),
    help="Hits shown at most.",
)
@format_option("table", "json", help="A table, or a JSON list of hits.")
def search(text: str, store_dir: Path | None, lang: str, limit: int, fmt: str) -> None:
    """Search the store for TEXT: names in Chinese and English (中国, China),
    UN symbols (S/2020/797), ISO3 codes, keys, and the text of footnotes and
    passages.  Every word of TEXT must occur; exact matches of a symbol or a
    name come first.  Exit 0 with no hits too."""
    from councilkg.search import refresh_index_at
    from councilkg.search import search as lookup

    path = store_dir or default_store_path()
    refresh_index_at(path)
    hits = lookup(path, text, lang=lang, limit=limit)
    if fmt == "json":
        click.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(f"no match for {text!r}", err=True)
        return
    rows = [(h.kind, h.label or "", h.field, h.iri, h.snippet) for h in hits]
    header = ("kind", "name", "matched", "iri", "text")
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [_pad(cell, w) for cell, w in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for a wide (Chinese) character."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
