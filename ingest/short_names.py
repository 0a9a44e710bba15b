"""Short names of States, for tables: ``United Kingdom`` and ``英国`` where
the UN name is ``United Kingdom of Great Britain and Northern Ireland`` and
``大不列颠及北爱尔兰联合王国``.

Why a table of its own: the gazetteer's names are the UN's (what the
Repertoire prints and what resolves a name), too long for a column of a
table; its aliases mix short forms with former names and abbreviations.
``ingest/data/short-names.csv`` names, for the States whose usual short form
differs from the UN name, that form in English and Chinese (an empty cell:
the UN name is already short).  The reference graph writes one
``ckg:shortName`` per language for every State from it.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib.resources import files

from councilkg.ingest.gazetteer import State, default_gazetteer

__all__ = ["parse_short_names", "short_name", "short_names"]

_COLUMNS = ("iso3", "short_en", "short_zh")


def parse_short_names(text: str) -> dict[str, dict[str, str]]:
    """``{iso3: {lang: short name}}`` from the CSV text (empty cells left out).

    Raises:
        ValueError: other columns, an unknown or repeated ISO3 code.
    """
    reader = csv.reader(io.StringIO(text))
    header = tuple(next(reader, ()))
    if header != _COLUMNS:
        raise ValueError(f"short-names.csv: expected columns {_COLUMNS}, got {header}")
    known = default_gazetteer()
    out: dict[str, dict[str, str]] = {}
    for row in reader:
        if not row:
            continue
        iso3, en, zh = (cell.strip() for cell in row)
        if iso3 not in known or iso3 in out:
            raise ValueError(f"short-names.csv: unknown or repeated ISO3 code {iso3!r}")
        out[iso3] = {lang: name for lang, name in (("en", en), ("zh", zh)) if name}
    return out


@functools.cache
def short_names() -> dict[str, dict[str, str]]:
    """The packaged table, parsed once."""
    resource = files("councilkg.ingest") / "data" / "short-names.csv"
    return parse_short_names(resource.read_text(encoding="utf-8"))


def short_name(state: State, lang: str) -> str:
    """The short name of ``state`` in ``lang`` (``en`` or ``zh``): the
    table's, else the UN name."""
    given = short_names().get(state.iso3, {}).get(lang)
    if given:
        return given
    return state.name_zh if lang == "zh" else state.name_en
