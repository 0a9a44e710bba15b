"""Is the text written in the lexicon's language?  Decided by script statistics.

Why: a lexicon matches the words of one edition.  An English Repertoire read
with the Chinese lexicon parses almost nothing, and would be reported as "not
Repertoire text" or, worse, as a Repertoire in which little was found.  The
script of the letters tells the languages of the Repertoire apart cheaply and
without a model: the Chinese edition is written in Han ideographs, the
English, French and Spanish editions in Latin letters (told apart by their
commonest short words), the Russian in Cyrillic, the Arabic in Arabic script.

What is not counted: digits and punctuation (not letters), and every ASCII
token holding a slash, which covers UN symbols (``S/PV.8733``) and web
addresses, since every edition prints those in Latin letters.

The rule, with its thresholds: a text of at least :data:`MIN_LETTERS` letters
is in the lexicon's script when that script holds at least
:data:`MIN_SHARE` of its letters; below that, the text is refused, naming the
script that dominates and the language it most likely is.  Shorter texts are
too little evidence and pass (the structure check speaks for them).

The languages the project offers its output in (:data:`LANGS`) are defined
here too, once: this is the lowest layer that deals with languages, so the
ingest, the queries, the pages, the server and the analytics all import the
same tuple and a language is added in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from councilkg.ingest.errors import SourceError
from councilkg.ingest.lang import all_languages
from councilkg.ingest.lexicon import Lexicon, lexicon_languages
from councilkg.ingest.source import Source
from councilkg.ingest.text import fold

LANGS: tuple[str, ...] = ("en", "zh")
"""The languages the project offers: labels shown in pages, tables and
plots, names of States read by the gazetteer, the ``--lang`` choices."""

DEFAULT_LANG = "en"
"""The language shown when none is asked for."""

AUTO = "auto"
"""The ``--lang`` of the ingest that reads the language off the text."""

FALLBACK_LANG = "zh"
"""The edition a text too short to tell is read as: the first edition the
ingest read, so that what was ingested before detection existed is read the
same way."""

MIN_LETTERS = 200
"""Fewer letters than this are not enough to call a language."""

MIN_SHARE = 0.5
"""Share of the letters the lexicon's script must hold (0..1)."""

# The scripts of the editions that have no language package yet (a
# registered language declares its own, ``[script]`` of its lexicon).
_OTHER_SCRIPTS: dict[str, str] = {
    "Latin": "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]",
    "Cyrillic": "[\u0400-\u04ff]",
    "Arabic": "[\u0600-\u06ff\u0750-\u077f]",
}

SCRIPTS: dict[str, re.Pattern[str]] = {
    **{language.script: language.letters for language in all_languages()},
    **{
        name: re.compile(letters)
        for name, letters in _OTHER_SCRIPTS.items()
        if name not in {language.script for language in all_languages()}
    },
}
"""The scripts the editions of the Repertoire are written in: the registered
languages' first, then the others'."""

# Languages by script; (code, name).  Latin-script languages are told apart
# by their commonest short words, below.
_BY_SCRIPT = {
    **{
        language.script: (language.code, language.name)
        for language in all_languages()
        if language.script != "Latin"
    },
    "Cyrillic": ("ru", "Russian"),
    "Arabic": ("ar", "Arabic"),
}
_FUNCTION_WORDS = {
    ("en", "English"): frozenset(
        ["the", "of", "and", "to", "in", "on", "by", "was", "were", "with", "that", "for"]
    ),
    ("fr", "French"): frozenset(
        ["le", "la", "les", "des", "et", "du", "une", "sur", "par", "au", "aux", "est"]
    ),
    ("es", "Spanish"): frozenset(
        ["el", "los", "las", "del", "y", "por", "con", "una", "al", "se", "su"]
    ),
}
_LATIN_WORD = re.compile(r"[a-zà-ÿ]+")
# ASCII tokens holding a slash: UN symbols and web addresses.
_IGNORED = re.compile(r"[!-~]*/[!-~]*")


@dataclass(frozen=True, slots=True)
class ScriptCount:
    """Letters of a text by script, and what they suggest."""

    letters: dict[str, int]

    @property
    def total(self) -> int:
        """All letters counted."""
        return sum(self.letters.values())

    @property
    def dominant(self) -> str | None:
        """The script with most letters (None when there are none)."""
        return max(self.letters, key=lambda s: self.letters[s]) if self.total else None

    def share(self, script: str) -> float:
        """Share of the letters in ``script`` (0..1)."""
        return self.letters.get(script, 0) / self.total if self.total else 0.0


def count_scripts(text: str) -> ScriptCount:
    """Letters of ``text`` by script, UN symbols and addresses left out.

    >>> count_scripts("见 S/PV.8733。COVID-19").letters["Latin"]
    5
    """
    return _count_folded(fold(text))


def _count_folded(folded: str) -> ScriptCount:
    kept = _IGNORED.sub(" ", folded)
    return ScriptCount({name: _letters(pattern, kept) for name, pattern in SCRIPTS.items()})


@cache
def _runs(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(pattern.pattern + "+")


def _letters(pattern: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` ``pattern`` (one character) matches,
    counted by runs: a text has far fewer runs than letters."""
    return sum(len(run) for run in _runs(pattern).findall(text))


def language_name(text: str, script: str) -> tuple[str | None, str]:
    """The language of ``text`` whose letters are mostly in ``script``: (code, name).

    The code is None when the script alone does not say (a Latin text without
    enough English, French or Spanish function words).

    >>> language_name("The Council met on the item of the day", "Latin")
    ('en', 'English')
    """
    if script in _BY_SCRIPT:
        return _BY_SCRIPT[script]
    if script != "Latin":
        return None, f"a language in {script} script"
    words = _LATIN_WORD.findall(_IGNORED.sub(" ", fold(text)).lower())
    hits = {lang: sum(1 for w in words if w in fw) for lang, fw in _FUNCTION_WORDS.items()}
    (code, name), best = max(hits.items(), key=lambda kv: kv[1])
    if words and best >= 0.05 * len(words):
        return code, name
    return None, "a language in Latin script"


def lexicon_script(lexicon: Lexicon) -> str:
    """The script a lexicon's own words are written in (its vote labels and
    table headers), so that a new lexicon needs no entry here."""
    words = [
        *lexicon.words("votes", "for"),
        *lexicon.words("votes", "against"),
        *lexicon.words("votes", "abstaining"),
        *lexicon.words("tables", "meetings_header"),
    ]
    return _script_of(tuple(words))


@cache
def _script_of(words: tuple[str, ...]) -> str:
    return count_scripts(" ".join(words)).dominant or "Latin"


def available_lexicons() -> list[str]:
    """The languages there is a lexicon for."""
    return list(lexicon_languages())


SAMPLE_CHARACTERS = 6000
"""How much of a text the language check reads (a few pages)."""


def _opening(source: Source, size: int) -> str:
    """The first ``size`` characters or so of the folded lines."""
    parts: list[str] = []
    total = 0
    for line in source.lines:
        parts.append(line.folded)
        total += len(line.folded) + 1
        if total >= size:
            break
    return "\n".join(parts)


def check_language(source: Source, lexicon: Lexicon) -> None:
    """Refuse a text that is not written in the lexicon's language.

    Raises:
        SourceError: at the first letter of the dominant script, naming the
            language found, its share of the letters, the lexicon and the
            lexicons there are.
    """
    # The lines are folded already; the opening pages are enough to tell a
    # language, and counting no more keeps the check's cost flat.
    counts = _count_folded(_opening(source, SAMPLE_CHARACTERS))
    found = counts.dominant
    if counts.total < MIN_LETTERS or found is None:
        return
    expected = lexicon_script(lexicon)
    code, name = language_name(source.text, found)
    if counts.share(expected) >= MIN_SHARE and code in (None, lexicon.language):
        return
    raise _refusal(source, counts, found, name, f"but the lexicon is {lexicon.language}")


def detect_language(source: Source) -> str:
    """The code of the registered language ``source`` is written in.

    Why: a folder of Repertoire text may hold several editions, and the
    lexicon that reads one edition parses next to nothing of another; the
    script and the commonest short words tell the editions apart cheaply
    (see the module's rule).  A text with too few letters to tell is read
    in the language of its dominant script, if one registered language is
    written in it, else in :data:`FALLBACK_LANG`.

    Raises:
        SourceError: the text is in a language that has no lexicon (a
            French or Spanish edition), naming that language.
    """
    opening = _opening(source, SAMPLE_CHARACTERS)
    counts = _count_folded(opening)
    found = counts.dominant
    if found is None:
        return FALLBACK_LANG
    code, name = language_name(opening, found)
    registered = {language.code: language for language in all_languages()}
    if code in registered:
        return str(code)
    if counts.total < MIN_LETTERS:
        same = sorted(c for c, language in registered.items() if language.script == found)
        return same[0] if same else FALLBACK_LANG
    raise _refusal(source, counts, found, name, f"and there is no lexicon for {name}")


def _refusal(source: Source, counts: ScriptCount, script: str, name: str, why: str) -> SourceError:
    """The one-line error for a text the lexicons cannot read: its language
    and script share, ``why``, the lexicons there are, at its first letter."""
    line, column, context = _first_letter(source, script)
    share = int(counts.share(script) * 100)
    return SourceError(
        source.path,
        f"the text is in {name} ({script} script: {share} % of letters), {why}; "
        f"available lexicons: {', '.join(available_lexicons())}",
        line=line,
        column=column,
        context=context,
    )


def _first_letter(source: Source, script: str) -> tuple[int, int, str]:
    """Line, column and text of the first line holding a letter of ``script``
    outside symbols and addresses."""
    pattern = SCRIPTS[script]
    for line in source.lines:
        kept = _IGNORED.sub(lambda m: " " * len(m.group()), line.folded)
        m = pattern.search(kept)
        if m is not None:
            return line.number, m.start() + 1, line.text[:80]
    first = source.lines[0]
    return first.number, 1, first.text[:80]
