"""Per-language lexicons and the bilingual name tables, loaded from files.

Why files: the English edition must be a new lexicon, not a rewrite, and
reviewers of the data (librarians, not programmers) must be able to read and
correct it.  ``lang/<code>/lexicon.toml`` holds the patterns and words of
one edition (the language packages of :mod:`councilkg.ingest.lang` wrap it);
``data/*.toml`` holds bilingual tables (roles, instruments,
organizations, item keys) shared by every edition.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any


def _read_toml(*parts: str) -> dict[str, Any]:
    ref = resources.files("councilkg.ingest").joinpath(*parts)
    return tomllib.loads(ref.read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Named:
    """An entry of a bilingual name table (role, instrument, organization, item)."""

    kind: str
    key: str
    en: str
    zh: str
    aliases_en: tuple[str, ...] = ()
    aliases_zh: tuple[str, ...] = ()
    short_en: tuple[str, ...] = ()
    short_zh: tuple[str, ...] = ()
    wikidata: str | None = None
    entity: str | None = None
    group: str | None = None
    item: str | None = None
    held_by_state: bool = False

    def label(self, lang: str) -> str:
        """The title in ``lang`` (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else self.en

    def full_names(self, lang: str) -> tuple[str, ...]:
        """Full title and aliases in ``lang``."""
        if lang == "zh":
            return (self.zh, *self.aliases_zh)
        return (self.en, *self.aliases_en)

    def short_names(self, lang: str) -> tuple[str, ...]:
        """Short forms in ``lang``."""
        return self.short_zh if lang == "zh" else self.short_en


def _named(kind: str, row: dict[str, Any]) -> Named:
    return Named(
        kind=kind,
        key=row["key"],
        en=row["en"],
        zh=row["zh"],
        aliases_en=tuple(row.get("aliases_en", ())),
        aliases_zh=tuple(row.get("aliases_zh", ())),
        short_en=tuple(row.get("short_en", ())),
        short_zh=tuple(row.get("short_zh", ())),
        wikidata=row.get("wikidata"),
        entity=row.get("entity"),
        group=row.get("group"),
        item=row.get("item"),
        held_by_state=bool(row.get("held_by_state", False)),
    )


@cache
def named_table(kind: str) -> tuple[Named, ...]:
    """Rows of one bilingual table: role, instrument, organization, historical,
    item, group or sub_item."""
    files = {
        "role": "roles.toml",
        "instrument": "instruments.toml",
        "organization": "actors.toml",
        "historical": "actors.toml",
        "item": "items.toml",
        "group": "items.toml",
        "sub_item": "items.toml",
    }
    data = _read_toml("data", files[kind])
    return tuple(_named(kind, row) for row in data.get(kind, ()))


@cache
def labels(key: str) -> dict[str, str]:
    """Labels by language of one node of the reference graph (``data/labels.toml``)."""
    return dict(_read_toml("data", "labels.toml")[key])


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled patterns and word lists of one edition (see ``lang/zh/lexicon.toml``)."""

    language: str
    undocs_lang: str
    raw: dict[str, Any]
    _patterns: dict[str, dict[str, re.Pattern[str]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """The compiled patterns by section and name: the extractors ask for
    them by the hundred per file, and a two-level dict answers faster than
    a cache keyed by three strings."""

    def pattern(self, section: str, name: str) -> re.Pattern[str]:
        """A compiled regex from ``[section] name``."""
        try:
            return self._patterns[section][name]
        except KeyError:
            compiled = _compile(self.language, section, name)
            self._patterns.setdefault(section, {})[name] = compiled
            return compiled

    def words(self, section: str, name: str) -> tuple[str, ...]:
        """A list of words from ``[section] name``."""
        return tuple(self.raw[section][name])

    def value(self, section: str, name: str) -> Any:
        """Any other value from ``[section] name``."""
        return self.raw[section][name]

    @property
    def terminal(self) -> str:
        """Characters that end a sentence."""
        return str(self.raw["terminal_punctuation"])

    @property
    def continuing(self) -> str:
        """Characters after which a line cannot end its block (list separators, commas)."""
        return str(self.raw.get("continuing_punctuation", ""))

    @property
    def clause(self) -> str:
        """Characters that end a clause."""
        return str(self.raw["clause_punctuation"])


@cache
def _compile(language: str, section: str, name: str) -> re.Pattern[str]:
    return re.compile(load_lexicon(language).raw[section][name])


LEXICON_FILE = "lexicon.toml"
"""The file of a language folder that holds its lexicon."""


@cache
def lexicon_languages() -> tuple[str, ...]:
    """The languages there is a lexicon for (``lang/<code>/lexicon.toml``), sorted.

    Discovered from the folders, so that adding a language is adding a folder.
    """
    folder = resources.files("councilkg.ingest").joinpath("lang")
    return tuple(
        sorted(
            p.name for p in folder.iterdir() if p.is_dir() and p.joinpath(LEXICON_FILE).is_file()
        )
    )


@cache
def load_lexicon(language: str) -> Lexicon:
    """Load ``lang/<language>/lexicon.toml``.

    Raises:
        KeyError: no lexicon for that language (the message lists those there are).
    """
    available = lexicon_languages()
    if language not in available:
        raise KeyError(f"no lexicon for language {language!r}; available: {', '.join(available)}")
    raw = _read_toml("lang", language, LEXICON_FILE)
    return Lexicon(language=raw["language"], undocs_lang=raw["undocs_lang"], raw=raw)
