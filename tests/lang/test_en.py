"""The English lexicon, entry by entry: each pattern matches a written
example and misses a near one (the examples of each part of the lexicon
live beside this module: ``en_layout.py`` for the page, tables, dates and
votes, ``en_narrative.py`` for speakers, formats, names and positions,
``en_footnotes.py`` for footnotes, letters and citations).

Why: a lexicon is edited by readers of the edition, not of the engine; a
small example per entry says what the entry is for and fails at the entry
that a change breaks.
"""

from __future__ import annotations

import pytest

from councilkg.ingest.lang import get
from councilkg.ingest.marker_grammar import marker_grammar, marker_pattern
from tests.lang.en_footnotes import EXAMPLES as FOOTNOTE_EXAMPLES
from tests.lang.en_layout import EXAMPLES as LAYOUT_EXAMPLES
from tests.lang.en_narrative import EXAMPLES as NARRATIVE_EXAMPLES

EN = get("en")
LX = EN.lexicon

EXAMPLES: dict[tuple[str, str], tuple[str, str]] = {
    **LAYOUT_EXAMPLES,
    **NARRATIVE_EXAMPLES,
    **FOOTNOTE_EXAMPLES,
}
# Entries that are words or character sets, not patterns searched alone.
NOT_PATTERNS = {
    ("tables", "no_record_word"),
    ("tables", "header_leftovers"),
    ("tables", "rule37_header"),
    ("tables", "rule39_header"),
    ("dates", "written_form"),
    ("lists", "entry_separator"),
    ("footnotes", "also"),
    ("narrative", "numeral_tens"),
    ("markers", "not_before"),
}


def _string_patterns() -> list[tuple[str, str]]:
    return [
        (section, name)
        for section, table in LX.raw.items()
        if isinstance(table, dict) and section not in ("script", "punctuation", "symbols")
        for name, value in table.items()
        if isinstance(value, str) and (section, name) not in NOT_PATTERNS
    ]


def test_every_pattern_has_an_example() -> None:
    missing = [key for key in _string_patterns() if key not in EXAMPLES]
    assert not missing, f"en lexicon patterns without an example: {missing}"


@pytest.mark.parametrize(("section", "name"), sorted(EXAMPLES))
def test_pattern_example(section: str, name: str) -> None:
    example, near_miss = EXAMPLES[(section, name)]
    pattern = LX.pattern(section, name)
    assert pattern.search(example), f"[{section}] {name} misses {example!r}"
    assert not pattern.search(near_miss), f"[{section}] {name} finds {near_miss!r}"


def test_marker_grammar() -> None:
    """A marker stands glued to the word or stop it follows; never after a
    digit and its separator, a symbol's slash, nor before a month."""
    pattern = marker_pattern(824, marker_grammar(LX))
    for text in ("Member States.824 The", "stated824 that", "in June,824 she", "(2015).824"):
        assert pattern.search(text), text
    for text in ("S/2020/824", "1,824 sanctions", "2.824", "824 August", "8241"):
        assert not pattern.search(text), text
