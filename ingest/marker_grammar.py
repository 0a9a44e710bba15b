"""What a footnote marker looks like as a token of the text.

Kept apart from :mod:`councilkg.ingest.markers` (which finds the markers of a
document's body blocks) because the layout needs the token grammar too — to
tell a footnote's opening number from a number inside the body — and sits
below the marker search: the layout builds the blocks the search walks.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from councilkg.ingest.lexicon import Lexicon

# What may not stand right after a marker: parts of larger numbers, symbols,
# dates, counters and paragraph references.
_AFTER = r"(?![\d(/.\-%A-Za-z]|\s*{counters})"


class MarkerGrammar(NamedTuple):
    """A language's marker grammar, from its lexicon's ``[markers]``.

    ``counter_suffix`` matches what makes a number a count, date or
    reference instead (``年``, ``段``; ``per cent``).  ``not_before`` is the
    lookbehinds of what may not stand right before a marker: a marker
    follows a Chinese character or punctuation, never a Latin letter, in the
    Chinese edition, and stands glued to the word or full stop it follows
    in the English one (``States.824``), never after a digit and its
    separator (``1,500``).
    """

    counter_suffix: str
    not_before: str


def marker_grammar(lexicon: Lexicon) -> MarkerGrammar:
    """The marker grammar of ``lexicon``'s language."""
    return MarkerGrammar(
        str(lexicon.value("markers", "counter_suffix")), str(lexicon.value("markers", "not_before"))
    )


@cache
def marker_pattern(number: int, grammar: MarkerGrammar) -> re.Pattern[str]:
    """The pattern of footnote marker ``number`` as a free-standing token."""
    return re.compile(
        grammar.not_before + str(number) + _AFTER.replace("{counters}", grammar.counter_suffix)
    )
