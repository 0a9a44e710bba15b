"""The languages of the Repertoire's editions, one package each: ``lang/<code>/``.

Why: everything the ingest knows about one edition's language (its headings,
table words, vote labels, dates, prose patterns, name forms, punctuation and
script) lives in that language's folder, and the engine (the layout recovery,
the extractors, the gazetteer, the symbol finder) asks a :class:`Language`
for it, so that the engine holds no word of any language and an edition is
added by adding a folder.  A folder holds ``lexicon.toml`` (declarative: the
patterns and words); it holds an ``__init__.py`` only when the language needs
code, and then that module's ``make(lexicon)`` returns the language (a
subclass of :class:`Language` overriding its hooks).

The registry discovers the folders: :func:`languages` lists the codes,
:func:`get` returns one language, :func:`language_of` the language of a lexicon.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import cast

from councilkg.ingest.lexicon import Lexicon, lexicon_languages, load_lexicon

PUNCTUATION_CLASSES: tuple[str, ...] = (
    "sentence_close",
    "clause_continuation",
    "after_stop",
    "quote_close",
    "colon",
    "full_stop",
    "semicolon",
    "open_paren",
    "close_paren",
    "spaces",
    "trailing",
)
"""The punctuation classes every language declares in ``[punctuation]``."""

KEYS: Mapping[str, tuple[str, ...]] = {
    "": ("language", "undocs_lang", "terminal_punctuation", "clause_punctuation"),
    "script": ("name", "language_name", "letters", "name_letters"),
    "punctuation": PUNCTUATION_CLASSES,
    "symbols": ("resolution_list", "resolution_one", "quick_keys"),
    "gazetteer": ("not_states", "not_after", "article"),
    "dates": ("written_form",),
    "narrative": ("numerals", "numeral_tens"),
}
"""The lexicon keys :class:`Language` itself reads (section ``""``: top level).
The keys the engine reads through ``lexicon.pattern/words/value`` are found in
its code by ``tests/lang/test_languages.py``."""

OPTIONAL_KEYS: Mapping[tuple[str, str], str] = {
    ("dates", "months"): "month names, for a language that writes months in words",
}
"""Keys the engine reads only where a language's text calls for them, and why."""


@dataclass(frozen=True, eq=False)
class Language:
    """One edition's language: its compiled :class:`Lexicon` and its hooks.

    The hooks read the lexicon by default; a language package that needs
    code overrides them in a subclass.
    """

    lexicon: Lexicon

    @property
    def code(self) -> str:
        """The language code (``zh``), the name of its folder."""
        return self.lexicon.language

    # -- punctuation ---------------------------------------------------------
    def punctuation(self, name: str) -> str:
        """The characters of one punctuation class (see :data:`PUNCTUATION_CLASSES`)."""
        if name not in PUNCTUATION_CLASSES:
            raise KeyError(f"no punctuation class {name!r}")
        return str(self.lexicon.value("punctuation", name))

    @cached_property
    def trailing(self) -> re.Pattern[str]:
        """Blanks and the ``trailing`` punctuation, one run or more."""
        return re.compile(r"[\s" + re.escape(self.punctuation("trailing")) + "]+")

    # -- script --------------------------------------------------------------
    @property
    def script(self) -> str:
        """The name of the script the edition is written in (``Han``)."""
        return str(self.lexicon.value("script", "name"))

    @property
    def name(self) -> str:
        """The language's English name (``Chinese``)."""
        return str(self.lexicon.value("script", "language_name"))

    @cached_property
    def letters(self) -> re.Pattern[str]:
        """One letter of the language's script."""
        return re.compile(self.lexicon.value("script", "letters"))

    @cached_property
    def name_letters(self) -> re.Pattern[str]:
        """One letter of which a bare name may be written."""
        return re.compile(self.lexicon.value("script", "name_letters"))

    def is_name(self, text: str) -> bool:
        """Whether ``text`` is written in name letters only (and is not empty)."""
        return bool(text) and all(self.name_letters.fullmatch(ch) for ch in text)

    # -- numbers and dates ---------------------------------------------------
    def numeral(self, text: str) -> int | None:
        """A count written in digits or words (``12``, ``三``, ``十二``,
        ``three``), else None: a word of the lexicon's table, or (in a
        language whose numerals compose) ``numeral_tens`` and one digit."""
        if text.isdigit():
            return int(text)
        table: dict[str, int] = self.lexicon.value("narrative", "numerals")
        tens = str(self.lexicon.value("narrative", "numeral_tens"))
        if text in table or len(text) == 1:  # a word ("three") or one character (三)
            return table.get(text)
        if tens and text.startswith(tens) and len(text) == len(tens) + 1:
            return 10 + table.get(text[-1], 0)
        return None

    @property
    def written_date_form(self) -> str:
        """How a full date is written, for error messages."""
        return str(self.lexicon.value("dates", "written_form"))

    # -- names ---------------------------------------------------------------
    @property
    def not_states(self) -> tuple[str, ...]:
        """Expressions holding a State's name that do not name the State."""
        return self.lexicon.words("gazetteer", "not_states")

    @property
    def article(self) -> str:
        """The pattern of the article a State's name or an official's title
        may take ("the Niger", "the High Representative"); ``""`` in a
        language without articles."""
        return str(self.lexicon.value("gazetteer", "article"))

    @cached_property
    def not_after(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """(ISO3, pattern): the State's name after text ending so is not the State."""
        table: dict[str, str] = self.lexicon.value("gazetteer", "not_after")
        return tuple((iso3, re.compile(p)) for iso3, p in table.items())

    # -- references ----------------------------------------------------------
    def resolution_patterns(self, item: str, year: str) -> tuple[str, str]:
        """The prose forms of Council resolutions: (a list of them, one of
        them), with ``{item}`` and ``{year}`` replaced by the engine's
        patterns for ``2231(2015)`` and a year."""

        def fill(name: str) -> str:
            text = str(self.lexicon.value("symbols", name))
            return text.replace("{item}", item).replace("{year}", year)

        return fill("resolution_list"), fill("resolution_one")

    @property
    def quick_keys(self) -> tuple[str, ...]:
        """Strings every prose reference of this language holds one of."""
        return self.lexicon.words("symbols", "quick_keys")


def languages() -> tuple[str, ...]:
    """The codes of the registered languages (folders ``lang/<code>/`` with a
    lexicon), sorted."""
    return lexicon_languages()


@cache
def get(code: str) -> Language:
    """The language ``code``.

    Raises:
        KeyError: no such language (the message lists those there are).
    """
    lexicon = load_lexicon(code)
    try:
        module = importlib.import_module(f"{__name__}.{code}")
    except ModuleNotFoundError:
        return Language(lexicon)
    make = cast("Callable[[Lexicon], Language] | None", getattr(module, "make", None))
    return make(lexicon) if make is not None else Language(lexicon)


def language_of(lexicon: Lexicon) -> Language:
    """The language whose lexicon ``lexicon`` is."""
    return get(lexicon.language)


def all_languages() -> tuple[Language, ...]:
    """Every registered language, in code order."""
    return tuple(get(code) for code in languages())
